#include "core/propagation/p1812.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

namespace covsim::p1812 {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double earth_radius_km = 6371.0;

bool finite_positive(double v) noexcept {
    return std::isfinite(v) && v > 0.0;
}

double wavelength_m(double frequency_ghz) noexcept {
    return 0.2998 / frequency_ghz;
}

// A validated view of the inputs: the profile, its clutter and zones, and the terminals.
struct Profile {
    std::span<const double> d; // km
    std::span<const double> h; // m
    std::vector<double> g;     // h_i + R_i on the intermediate points (§3.2.1)
    std::vector<Zone> zone;    // one per point
    std::size_t n = 0;         // points
    double length_km = 0.0;    // d
    double hts_m = 0.0;        // h_ts = h_0 + h_tg
    double hrs_m = 0.0;        // h_rs = h_n + h_rg
};

bool valid_zone(Zone z) noexcept {
    return z == Zone::sea || z == Zone::coastal_land || z == Zone::inland;
}

bool valid(const Path& path, const Parameters& q) noexcept {
    const std::size_t n = path.distance_km.size();
    if (n < 3 || path.height_m.size() != n ||
        (!path.clutter_height_m.empty() && path.clutter_height_m.size() != n) ||
        (!path.zone.empty() && path.zone.size() != n) || path.distance_km[0] != 0.0) {
        return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(path.height_m[i]) || !std::isfinite(path.distance_km[i]) ||
            (i > 0 && !(path.distance_km[i] > path.distance_km[i - 1]))) {
            return false;
        }
        if (!path.clutter_height_m.empty() &&
            !(std::isfinite(path.clutter_height_m[i]) && path.clutter_height_m[i] >= 0.0)) {
            return false;
        }
        if (!path.zone.empty() && !valid_zone(path.zone[i])) {
            return false;
        }
    }
    return finite_positive(q.frequency_ghz) && q.time_percent > 0.0 && q.time_percent <= 50.0 &&
           q.location_percent > 0.0 && q.location_percent < 100.0 &&
           std::isfinite(q.location_sigma_db) && q.location_sigma_db >= 0.0 &&
           finite_positive(q.tx_height_m) && finite_positive(q.rx_height_m) &&
           (q.polarization == Polarization::horizontal ||
            q.polarization == Polarization::vertical) &&
           std::isfinite(q.path_centre_latitude_deg) &&
           std::abs(q.path_centre_latitude_deg) <= 90.0 && std::isfinite(q.delta_n_per_km) &&
           q.delta_n_per_km < 157.0 && std::isfinite(q.sea_level_refractivity) &&
           std::isfinite(q.tx_coast_distance_km) && q.tx_coast_distance_km >= 0.0 &&
           std::isfinite(q.rx_coast_distance_km) && q.rx_coast_distance_km >= 0.0;
}

Profile make_profile(const Path& path, const Parameters& q) {
    Profile p;
    p.d = path.distance_km;
    p.h = path.height_m;
    p.n = p.d.size();
    p.length_km = p.d[p.n - 1] - p.d[0];
    p.g.assign(p.h.begin(), p.h.end());
    if (!path.clutter_height_m.empty()) {
        for (std::size_t i = 1; i + 1 < p.n; ++i) {
            p.g[i] += path.clutter_height_m[i]; // §3.2.1
        }
    }
    if (path.zone.empty()) {
        p.zone.assign(p.n, Zone::inland);
    } else {
        p.zone.assign(path.zone.begin(), path.zone.end());
    }
    p.hts_m = p.h[0] + q.tx_height_m;
    p.hrs_m = p.h[p.n - 1] + q.rx_height_m;
    return p;
}

// The lengths of the runs of consecutive points in the zones `in`, each extended by half the
// step beyond its end points (a point stands for the half steps around it): their sum, and the
// longest (§3.6, eq. (1)).
struct Sections {
    double total_km = 0.0;
    double longest_km = 0.0;
};

template <typename In>
Sections sections(const Profile& p, const In& in) {
    Sections s;
    std::size_t i = 0;
    while (i < p.n) {
        if (!in(p.zone[i])) {
            ++i;
            continue;
        }
        const std::size_t first = i;
        while (i + 1 < p.n && in(p.zone[i + 1])) {
            ++i;
        }
        const std::size_t last = i;
        double length = p.d[last] - p.d[first];
        if (last + 1 < p.n) {
            length += 0.5 * (p.d[last + 1] - p.d[last]);
        }
        if (first > 0) {
            length += 0.5 * (p.d[first] - p.d[first - 1]);
        }
        s.total_km += length;
        s.longest_km = std::max(s.longest_km, length);
        ++i;
    }
    return s;
}

double tau(double dlm_km) noexcept {
    return 1.0 - std::exp(-4.12e-4 * std::pow(dlm_km, 2.41)); // (3)
}

double beta0_percent(double latitude_deg, double dtm_km, double dlm_km) noexcept {
    const double t = tau(dlm_km);
    const double mu1 = std::min(1.0, std::pow(std::pow(10.0, -dtm_km / (16.0 - 6.6 * t)) +
                                                  std::pow(10.0, -5.0 * (0.496 + 0.354 * t)),
                                              0.2)); // (2)
    const double phi = std::abs(latitude_deg);
    if (phi <= 70.0) {
        const double mu4 = std::pow(mu1, -0.935 + 0.0176 * phi); // (4)
        return std::pow(10.0, -0.015 * phi + 1.67) * mu1 * mu4;  // (5)
    }
    const double mu4 = std::pow(mu1, 0.3); // (4)
    return 4.17 * mu1 * mu4;               // (5)
}

// Attachment 1 §4 and §5.6: horizon angles and distances, smooth-surface heights.
struct Geometry {
    double hst = 0.0, hsr = 0.0;           // (87), (88)
    double hstd = 0.0, hsrd = 0.0;         // (91)
    double hst_duct = 0.0, hsr_duct = 0.0; // (92)
    double hte = 0.0, hre = 0.0;           // (94)
    double hm = 0.0;                       // (95)
    double dlt = 0.0, dlr = 0.0;           // km
    double theta_t = 0.0, theta_r = 0.0;   // mrad
    double theta = 0.0;                    // (84)
};

Geometry geometry(const Profile& p, const Parameters& q, double ae_km) {
    Geometry g;
    const std::size_t n = p.n;
    const auto& d = p.d;
    const auto& h = p.h;
    const double dt = p.length_km;
    const double hts = p.hts_m;
    const double hrs = p.hrs_m;

    double v1 = 0.0;
    double v2 = 0.0;
    for (std::size_t i = 1; i < n; ++i) {
        const double step = d[i] - d[i - 1];
        v1 += step * (h[i] + h[i - 1]);                                                     // (85)
        v2 += step * (h[i] * (2.0 * d[i] + d[i - 1]) + h[i - 1] * (d[i] + 2.0 * d[i - 1])); // (86)
    }
    g.hst = (2.0 * v1 * dt - v2) / (dt * dt); // (87)
    g.hsr = (v2 - v1 * dt) / (dt * dt);       // (88)

    // §5.6.2, with h_tc = h_ts and h_rc = h_rs.
    double h_obs = -std::numeric_limits<double>::infinity();
    double alpha_obt = h_obs;
    double alpha_obr = h_obs;
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double hh = h[i] - (hts * (dt - d[i]) + hrs * d[i]) / dt; // (89d)
        h_obs = std::max(h_obs, hh);                                    // (89a)
        alpha_obt = std::max(alpha_obt, hh / d[i]);                     // (89b)
        alpha_obr = std::max(alpha_obr, hh / (dt - d[i]));              // (89c)
    }
    double hstp = g.hst; // (90a)
    double hsrp = g.hsr; // (90b)
    if (h_obs > 0.0) {
        const double gt = alpha_obt / (alpha_obt + alpha_obr); // (90e)
        const double gr = alpha_obr / (alpha_obt + alpha_obr); // (90f)
        hstp = g.hst - h_obs * gt;                             // (90c)
        hsrp = g.hsr - h_obs * gr;                             // (90d)
    }
    g.hstd = std::min(hstp, h[0]);     // (91a), (91b)
    g.hsrd = std::min(hsrp, h[n - 1]); // (91c), (91d)

    // §4: horizon elevation angles over the bare terrain.
    const auto elevation_from_tx = [&](std::size_t i) {
        return 1000.0 * std::atan((h[i] - hts) / (1000.0 * d[i]) - d[i] / (2.0 * ae_km)); // (77)
    };
    double theta_max = -std::numeric_limits<double>::infinity();
    std::size_t lt = 1;
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double th = elevation_from_tx(i);
        if (th > theta_max) { // the first largest
            theta_max = th;
            lt = i;
        }
    }
    const double theta_td =
        1000.0 * std::atan((hrs - hts) / (1000.0 * dt) - dt / (2.0 * ae_km)); // (78)
    const double theta_rd =
        1000.0 * std::atan((hts - hrs) / (1000.0 * dt) - dt / (2.0 * ae_km)); // (81)
    const bool transhorizon = theta_max > theta_td;
    g.theta_t = std::max(theta_max, theta_td); // (79)
    std::size_t lr = lt;
    if (transhorizon) {
        g.dlt = d[lt]; // (80)
        double theta_r = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 1; i + 1 < n; ++i) {
            const double th = 1000.0 * std::atan((h[i] - hrs) / (1000.0 * (dt - d[i])) -
                                                 (dt - d[i]) / (2.0 * ae_km)); // (82)
            // The last largest.
            if (th >= theta_r) {
                theta_r = th;
                lr = i;
            }
        }
        g.theta_r = theta_r;
        g.dlr = dt - d[lr]; // (83)
    } else {
        g.theta_r = theta_rd; // (81)
        const double lambda = wavelength_m(q.frequency_ghz);
        double nu_max = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 1; i + 1 < n; ++i) {
            const double nu = (h[i] + 500.0 * d[i] * (dt - d[i]) / ae_km -
                               (hts * (dt - d[i]) + hrs * d[i]) / dt) *
                              std::sqrt(0.002 * dt / (lambda * d[i] * (dt - d[i]))); // (15)
            if (nu >= nu_max) { // the last largest
                nu_max = nu;
                lt = i;
            }
        }
        g.dlt = d[lt];      // (80)
        g.dlr = dt - g.dlt; // (83a)
        lr = lt;
    }
    g.theta = 1000.0 * dt / ae_km + g.theta_t + g.theta_r; // (84)

    // §5.6.3: the ducting model's smooth surface and terminal heights.
    g.hst_duct = std::min(g.hst, h[0]);              // (92a)
    g.hsr_duct = std::min(g.hsr, h[n - 1]);          // (92b)
    const double m = (g.hsr_duct - g.hst_duct) / dt; // (93)
    g.hte = q.tx_height_m + h[0] - g.hst_duct;       // (94a)
    g.hre = q.rx_height_m + h[n - 1] - g.hsr_duct;   // (94b)
    g.hm = -std::numeric_limits<double>::infinity();
    for (std::size_t i = lt; i <= lr; ++i) {
        g.hm = std::max(g.hm, h[i] - (g.hst_duct + m * d[i])); // (95)
    }
    return g;
}

double knife_edge_loss_db(double nu) noexcept {
    if (!(nu > -0.78)) {
        return 0.0;
    }
    const double v = nu - 0.1;
    return 6.9 + 20.0 * std::log10(std::sqrt(v * v + 1.0) + v); // (12)
}

// §4.3.1 over the intermediate heights height(i), terminals h_ts, h_rs above sea level.
template <typename Height>
double bullington_loss_db(const Profile& p, const Height& height, double hts, double hrs,
                          double ap_km, double frequency_ghz) {
    const auto& d = p.d;
    const double dt = p.length_km;
    const double ce = 1.0 / ap_km;
    const double lambda = wavelength_m(frequency_ghz);
    const auto raised = [&](std::size_t i) { return height(i) + 500.0 * ce * d[i] * (dt - d[i]); };
    double s_tim = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i + 1 < p.n; ++i) {
        s_tim = std::max(s_tim, (raised(i) - hts) / d[i]); // (13)
    }
    const double s_tr = (hrs - hts) / dt; // (14)
    double luc = 0.0;
    if (s_tim < s_tr) {
        double nu_max = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 1; i + 1 < p.n; ++i) {
            nu_max =
                std::max(nu_max, (raised(i) - (hts * (dt - d[i]) + hrs * d[i]) / dt) *
                                     std::sqrt(0.002 * dt / (lambda * d[i] * (dt - d[i])))); // (15)
        }
        luc = knife_edge_loss_db(nu_max); // (16)
    } else {
        double s_rim = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 1; i + 1 < p.n; ++i) {
            s_rim = std::max(s_rim, (raised(i) - hrs) / (dt - d[i])); // (17)
        }
        double nu_b = 0.0; // the highest obstacle on the direct ray: d_b of (18) is 0/0
        if (s_tim + s_rim > 0.0) {
            const double db = (hrs - hts + s_rim * dt) / (s_tim + s_rim); // (18)
            nu_b = (hts + s_tim * db - (hts * (dt - db) + hrs * db) / dt) *
                   std::sqrt(0.002 * dt / (lambda * db * (dt - db))); // (19)
        }
        luc = knife_edge_loss_db(nu_b); // (20)
    }
    return luc + (1.0 - std::exp(-luc / 6.0)) * (10.0 + 0.02 * dt); // (21)
}

// §4.3.3 for one ground.
double first_term_one_ground_db(double eps_r, double sigma, double d_km, double hte_m, double hre_m,
                                double a_km, double f, Polarization pol) noexcept {
    const double s = 18.0 * sigma / f;
    const double k_h = 0.036 * std::pow(a_km * f, -1.0 / 3.0) *
                       std::pow((eps_r - 1.0) * (eps_r - 1.0) + s * s, -0.25); // (29a)
    const double k =
        pol == Polarization::horizontal ? k_h : k_h * std::sqrt(eps_r * eps_r + s * s); // (29b)
    const double k2 = k * k;
    const double beta =
        (1.0 + 1.6 * k2 + 0.67 * k2 * k2) / (1.0 + 4.5 * k2 + 1.53 * k2 * k2); // (30)
    const double x = 21.88 * beta * std::cbrt(f / (a_km * a_km)) * d_km;       // (31)
    const double y_per_m = 0.9575 * beta * std::cbrt(f * f / a_km);            // (32)
    const double fx = x >= 1.6 ? 11.0 + 10.0 * std::log10(x) - 17.6 * x
                               : -20.0 * std::log10(x) - 5.6488 * std::pow(x, 1.425); // (33)
    const double g_min = 2.0 + 20.0 * std::log10(k);
    const auto gy = [&](double h_m) {
        const double b = beta * y_per_m * h_m; // (35)
        const double g = b > 2.0 ? 17.6 * std::sqrt(b - 1.1) - 5.0 * std::log10(b - 1.1) - 8.0
                                 : 20.0 * std::log10(b + 0.1 * b * b * b); // (34)
        return std::max(g, g_min);
    };
    return -fx - gy(hte_m) - gy(hre_m); // (36)
}

double first_term_db(double d_km, double hte_m, double hre_m, double a_km, double f, double omega,
                     Polarization pol) noexcept {
    const double land = first_term_one_ground_db(22.0, 0.003, d_km, hte_m, hre_m, a_km, f, pol);
    const double sea = first_term_one_ground_db(80.0, 5.0, d_km, hte_m, hre_m, a_km, f, pol);
    return omega * sea + (1.0 - omega) * land; // (28)
}

// §4.3.2.
double spherical_earth_loss_db(double d, double hte, double hre, double ap, double f, double omega,
                               Polarization pol) noexcept {
    const double d_los =
        std::sqrt(2.0 * ap) * (std::sqrt(0.001 * hte) + std::sqrt(0.001 * hre)); // (22)
    if (d >= d_los) {
        return first_term_db(d, hte, hre, ap, f, omega, pol);
    }
    const double c = (hte - hre) / (hte + hre);          // (24d)
    const double m = 250.0 * d * d / (ap * (hte + hre)); // (24e)
    const double arg =
        std::clamp(1.5 * c * std::sqrt(3.0 * m / ((m + 1.0) * (m + 1.0) * (m + 1.0))), -1.0, 1.0);
    const double b = 2.0 * std::sqrt((m + 1.0) / (3.0 * m)) *
                     std::cos(std::numbers::pi / 3.0 + std::acos(arg) / 3.0); // (24c)
    const double dse1 = 0.5 * d * (1.0 + b);                                  // (24a)
    const double dse2 = d - dse1;                                             // (24b)
    const double hse =
        ((hte - 500.0 * dse1 * dse1 / ap) * dse2 + (hre - 500.0 * dse2 * dse2 / ap) * dse1) /
        d;                                                                     // (23)
    const double hreq = 17.456 * std::sqrt(dse1 * dse2 * wavelength_m(f) / d); // (25)
    if (hse > hreq) {
        return 0.0;
    }
    const double root = d / (std::sqrt(hte) + std::sqrt(hre));
    const double aem = 500.0 * root * root; // (26)
    const double ldft = std::max(first_term_db(d, hte, hre, aem, f, omega, pol), 0.0);
    return (1.0 - hse / hreq) * ldft; // (27)
}

struct Diffraction {
    double lbulla = 0.0;
    double lbulls = 0.0;
    double ldsph = 0.0;
    double ld = 0.0;
};

// §4.3.4 with the effective Earth radius ap_km.
Diffraction delta_bullington(const Profile& p, const Geometry& g, double ap_km, double f,
                             double omega, Polarization pol) {
    Diffraction r;
    r.lbulla = bullington_loss_db(
        p, [&p](std::size_t i) { return p.g[i]; }, p.hts_m, p.hrs_m, ap_km, f);
    const double hts1 = p.hts_m - g.hstd; // (37a)
    const double hrs1 = p.hrs_m - g.hsrd; // (37b)
    r.lbulls = bullington_loss_db(
        p, [](std::size_t) { return 0.0; }, hts1, hrs1, ap_km, f);
    r.ldsph = spherical_earth_loss_db(p.length_km, hts1, hrs1, ap_km, f, omega, pol); // (38)
    r.ld = r.lbulla + std::max(r.ldsph - r.lbulls, 0.0);                              // (39)
    return r;
}

// §4.5, A_st or A_sr of eq. (48).
double site_shielding_db(double theta_mrad, double dl_km, double f) noexcept {
    const double th = theta_mrad - 0.1 * dl_km; // (48a)
    if (!(th > 0.0)) {
        return 0.0;
    }
    return 20.0 * std::log10(1.0 + 0.361 * th * std::sqrt(f * dl_km)) +
           0.264 * th * std::cbrt(f); // (48)
}

// §4.5, A_ct or A_cr of eq. (49).
double coastal_coupling_db(double coast_km, double dl_km, double omega, double h_amsl_m) noexcept {
    if (coast_km <= 5.0 && coast_km <= dl_km && omega >= 0.75) {
        return -3.0 * std::exp(-0.25 * coast_km * coast_km) *
               (1.0 + std::tanh(0.07 * (50.0 - h_amsl_m))); // (49)
    }
    return 0.0;
}

double ducting_loss_db(const Profile& p, const Geometry& g, const Parameters& q, double omega,
                       double ae_km, double dlm_km, double beta0) noexcept {
    const double f = q.frequency_ghz;
    const double dt = p.length_km;
    const double alf = f < 0.5 ? 45.375 - 137.0 * f + 92.5 * f * f : 0.0; // (47a)
    const double ast = site_shielding_db(g.theta_t, g.dlt, f);
    const double asr = site_shielding_db(g.theta_r, g.dlr, f);
    const double act = coastal_coupling_db(q.tx_coast_distance_km, g.dlt, omega, p.hts_m);
    const double acr = coastal_coupling_db(q.rx_coast_distance_km, g.dlr, omega, p.hrs_m);
    const double af = 102.45 + 20.0 * std::log10(f) + 20.0 * std::log10(g.dlt + g.dlr) + alf + ast +
                      asr + act + acr;                        // (47)
    const double gamma_d = 5e-5 * ae_km * std::cbrt(f);       // (51)
    const double theta_t1 = std::min(g.theta_t, 0.1 * g.dlt); // (52a)
    const double theta_r1 = std::min(g.theta_r, 0.1 * g.dlr);
    const double theta1 = 1000.0 * dt / ae_km + theta_t1 + theta_r1; // (52)
    const double di = std::min(dt - g.dlt - g.dlr, 40.0);            // (56a)
    const double mu3 =
        g.hm > 10.0 ? std::exp(-4.6e-5 * (g.hm - 10.0) * (43.0 + 6.0 * di)) : 1.0;        // (56)
    const double alpha = std::max(-0.6 - 3.5e-9 * std::pow(dt, 3.1) * tau(dlm_km), -3.4); // (55a)
    const double root = std::sqrt(g.hte) + std::sqrt(g.hre);
    const double mu2 =
        std::min(std::pow(500.0 / ae_km * dt * dt / (root * root), alpha), 1.0); // (55)
    const double beta = beta0 * mu2 * mu3;                                       // (54)
    const double lb = std::log10(beta);
    const double gamma =
        1.076 / std::pow(2.0058 - lb, 1.012) *
        std::exp(-(9.51 - 4.8 * lb + 0.198 * lb * lb) * 1e-6 * std::pow(dt, 1.13)); // (53a)
    const double ap = -12.0 + (1.2 + 3.7e-3 * dt) * std::log10(q.time_percent / beta) +
                      12.0 * std::pow(q.time_percent / beta, gamma); // (53)
    const double adp = gamma_d * theta1 + ap;                        // (50)
    return af + adp;                                                 // (46)
}

double troposcatter_loss_db(double d_km, double theta_mrad, double f, double p,
                            double n0) noexcept {
    const double lf = 25.0 * std::log10(f) - 2.5 * std::pow(std::log10(f / 2.0), 2.0); // (45)
    return 190.1 + lf + 20.0 * std::log10(d_km) + 0.573 * theta_mrad - 0.15 * n0 -
           10.125 * std::pow(std::log10(50.0 / p), 0.7); // (44)
}

} // namespace

std::optional<Zone> parse_zone(std::string_view text) noexcept {
    for (const Zone z : {Zone::sea, Zone::coastal_land, Zone::inland}) {
        if (to_string(z) == text) {
            return z;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Zone zone) noexcept {
    switch (zone) {
    case Zone::sea:
        return "sea";
    case Zone::coastal_land:
        return "coastal_land";
    case Zone::inland:
        break;
    }
    return "inland";
}

double inverse_complementary_normal(double x) noexcept {
    if (std::isnan(x)) {
        return nan;
    }
    x = std::clamp(x, 0.000001, 0.999999);
    const auto t = [](double y) { return std::sqrt(-2.0 * std::log(y)); }; // (97a)
    const auto c = [&t](double z) {
        const double tz = t(z);
        return ((0.010328 * tz + 0.802853) * tz + 2.515516698) /
               (((0.001308 * tz + 0.189269) * tz + 1.432788) * tz + 1.0); // (97b)
    };
    return x <= 0.5 ? t(x) - c(x) : -(t(1.0 - x) - c(1.0 - x)); // (96a), (96b)
}

double location_variability_sigma_db(double frequency_ghz, double rx_height_m,
                                     double clutter_height_m, double area_width_m) noexcept {
    if (!finite_positive(frequency_ghz) || !finite_positive(area_width_m) ||
        !std::isfinite(rx_height_m) || !std::isfinite(clutter_height_m)) {
        return nan;
    }
    const double sigma = (0.024 * frequency_ghz + 0.52) * std::pow(area_width_m, 0.28); // (64)
    const double h = rx_height_m;
    const double r = clutter_height_m;
    const double u = h < r ? 1.0 : h >= r + 10.0 ? 0.0 : 1.0 - (h - r) / 10.0; // (65)
    return u * sigma;                                                          // (66)
}

double path_centre_latitude_deg(double tx_latitude_deg, double tx_longitude_deg,
                                double rx_latitude_deg, double rx_longitude_deg,
                                double distance_km) noexcept {
    constexpr double rad = std::numbers::pi / 180.0;
    const double pt = tx_latitude_deg * rad;
    const double pr = rx_latitude_deg * rad;
    const double dl = (rx_longitude_deg - tx_longitude_deg) * rad;
    const double r = std::sin(pt) * std::sin(pr) + std::cos(pt) * std::cos(pr) * std::cos(dl);
    const double x1 = std::sin(pr) - r * std::sin(pt);
    const double y1 = std::cos(pt) * std::cos(pr) * std::sin(dl);
    // Bearing from the transmitter to the receiver (P.2001 Annex H, eqs. (H.2.1)-(H.2.2)); a
    // receiver at the transmitter or its antipode has none, and the latitude then moves north.
    const double bearing = std::abs(x1) < 1e-9 && std::abs(y1) < 1e-9 ? 0.0 : std::atan2(y1, x1);
    const double delta = 0.5 * distance_km / earth_radius_km;
    const double s =
        std::sin(pt) * std::cos(delta) + std::cos(pt) * std::sin(delta) * std::cos(bearing);
    return std::asin(std::clamp(s, -1.0, 1.0)) / rad; // (H.3.1)
}

Result transmission_loss(const Path& path, const Parameters& q) noexcept {
    Result r;
    if (!valid(path, q)) {
        return r;
    }
    const Profile p = make_profile(path, q);
    const double f = q.frequency_ghz;
    const double pt = q.time_percent;
    const double dt = p.length_km;
    r.d_km = dt;
    r.hts_m = p.hts_m;
    r.hrs_m = p.hrs_m;

    // §3.3-§3.7: the path's zones, the incidence of ducting and the effective Earth radii.
    const auto land = [](Zone z) { return z == Zone::coastal_land || z == Zone::inland; };
    r.dtm_km = sections(p, land).longest_km;
    r.dlm_km = sections(p, [](Zone z) { return z == Zone::inland; }).longest_km;
    r.omega = sections(p, [](Zone z) { return z == Zone::sea; }).total_km / dt; // (1)
    const double omega = r.omega;
    const double tx_coast_km = p.zone.front() == Zone::sea ? 0.0 : q.tx_coast_distance_km;
    const double rx_coast_km = p.zone.back() == Zone::sea ? 0.0 : q.rx_coast_distance_km;
    r.beta0_percent = beta0_percent(q.path_centre_latitude_deg, r.dtm_km, r.dlm_km);
    const double b0 = r.beta0_percent;
    const double k50 = 157.0 / (157.0 - q.delta_n_per_km); // (6)
    r.ae_km = earth_radius_km * k50;                       // (7a)
    const double ab_km = earth_radius_km * 3.0;            // (7b)

    const Geometry g = geometry(p, q, r.ae_km);
    r.dlt_km = g.dlt;
    r.dlr_km = g.dlr;
    r.theta_t_mrad = g.theta_t;
    r.theta_r_mrad = g.theta_r;
    r.theta_mrad = g.theta;
    r.hst_m = g.hst;
    r.hsr_m = g.hsr;
    r.hst_ducting_m = g.hst_duct;
    r.hsr_ducting_m = g.hsr_duct;
    r.hstd_m = g.hstd;
    r.hsrd_m = g.hsrd;
    r.hte_m = g.hte;
    r.hre_m = g.hre;
    r.hm_m = g.hm;

    // §4.2.
    const double dh_km = (p.hts_m - p.hrs_m) / 1000.0;
    const double dfs = std::sqrt(dt * dt + dh_km * dh_km);            // (8a)
    r.lbfs_db = 92.4 + 20.0 * std::log10(f) + 20.0 * std::log10(dfs); // (8)
    const double focus = 2.6 * (1.0 - std::exp(-0.1 * (g.dlt + g.dlr)));
    r.lb0p_db = r.lbfs_db + focus * std::log10(pt / 50.0); // (9a), (10)
    r.lb0b_db = r.lbfs_db + focus * std::log10(b0 / 50.0); // (9b), (11)

    // §4.3.
    const Diffraction d50 = delta_bullington(p, g, r.ae_km, f, omega, q.polarization);
    const Diffraction db = delta_bullington(p, g, ab_km, f, omega, q.polarization);
    r.lbulla_db = d50.lbulla;
    r.lbulls_db = d50.lbulls;
    r.ldsph_db = d50.ldsph;
    r.ld50_db = d50.ld;
    r.ldb_db = db.ld;
    if (pt == 50.0) {
        r.ldp_db = r.ld50_db;
    } else {
        const double fi = pt > b0 ? inverse_complementary_normal(pt / 100.0) /
                                        inverse_complementary_normal(b0 / 100.0)
                                  : 1.0;                    // (40)
        r.ldp_db = r.ld50_db + fi * (r.ldb_db - r.ld50_db); // (41)
    }
    r.lbd50_db = r.lbfs_db + r.ld50_db; // (42)
    r.lbd_db = r.lb0p_db + r.ldp_db;    // (43)
    r.fi = 1.0;
    r.lminb0p_db = r.lb0p_db + (1.0 - omega) * r.ldp_db; // (59)
    if (pt >= b0) {
        r.fi = inverse_complementary_normal(pt / 100.0) /
               inverse_complementary_normal(b0 / 100.0); // (40)
        r.lminb0p_db =
            r.lbd50_db + (r.lb0b_db + (1.0 - omega) * r.ldp_db - r.lbd50_db) * r.fi; // (59)
    }

    // §4.4, §4.5.
    r.lbs_db = troposcatter_loss_db(dt, g.theta, f, pt, q.sea_level_refractivity);
    Parameters coast = q;
    coast.tx_coast_distance_km = tx_coast_km;
    coast.rx_coast_distance_km = rx_coast_km;
    r.lba_db = ducting_loss_db(p, g, coast, omega, r.ae_km, r.dlm_km, b0);

    // §4.6.
    constexpr double big_theta = 0.3;
    constexpr double xi = 0.8;
    r.fj = 1.0 - 0.5 * (1.0 + std::tanh(3.0 * xi * (g.theta - big_theta) / big_theta)); // (57)
    constexpr double d_sw = 20.0;
    constexpr double kappa = 0.5;
    r.fk = 1.0 - 0.5 * (1.0 + std::tanh(3.0 * kappa * (dt - d_sw) / d_sw)); // (58)
    constexpr double eta = 2.5;
    r.lminbap_db = eta * std::log(std::exp(r.lba_db / eta) + std::exp(r.lb0p_db / eta)); // (60)
    r.lbda_db = r.lminbap_db > r.lbd_db ? r.lbd_db
                                        : r.lminbap_db + (r.lbd_db - r.lminbap_db) * r.fk; // (61)
    r.lbam_db = r.lbda_db + (r.lminb0p_db - r.lbda_db) * r.fj;                             // (62)
    r.lbc_db = -5.0 * std::log10(std::pow(10.0, -0.2 * r.lbs_db) +
                                 std::pow(10.0, -0.2 * r.lbam_db)); // (63)

    // §4.8-§4.10, outdoors.
    r.lloc_db = p.zone.back() == Zone::sea
                    ? 0.0
                    : -inverse_complementary_normal(q.location_percent / 100.0) *
                          q.location_sigma_db;           // (67)
    r.lb_db = std::max(r.lb0p_db, r.lbc_db + r.lloc_db); // (69)
    r.ep_dbuv_m = field_strength_dbuv_per_m(r.lb_db, f); // (70)
    return r;
}

double basic_transmission_loss_db(const Path& path, const Parameters& parameters) noexcept {
    return transmission_loss(path, parameters).lb_db;
}

double field_strength_dbuv_per_m(double basic_transmission_loss_db, double frequency_ghz) noexcept {
    return 199.36 + 20.0 * std::log10(frequency_ghz) - basic_transmission_loss_db; // (70)
}

} // namespace covsim::p1812
