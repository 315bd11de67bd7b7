#include "core/propagation/p526.hpp"

#include "core/isa.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>

namespace covsim::p526 {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double wavelength_m(double frequency_mhz) noexcept {
    return speed_of_light_m_s / (frequency_mhz * 1e6);
}

bool positive(double v) noexcept {
    return std::isfinite(v) && v > 0.0;
}

bool valid_profile(const TerrainProfile& profile) noexcept {
    return profile.elevation_m.size() >= 2 && positive(profile.spacing_m) &&
           std::all_of(profile.elevation_m.begin(), profile.elevation_m.end(),
                       [](double h) { return std::isfinite(h); });
}

bool valid_link(const TerrainProfile& profile, double tx_height_m, double rx_height_m,
                double earth_radius_m) noexcept {
    return valid_profile(profile) && positive(tx_height_m) && positive(rx_height_m) &&
           earth_radius_m > 0.0; // +infinity is the flat earth
}

// ε_r ≥ 1 and σ ≥ 0, not both at their vacuum values (K would be infinite).
bool valid_ground(GroundConstants g) noexcept {
    return std::isfinite(g.relative_permittivity) && g.relative_permittivity >= 1.0 &&
           std::isfinite(g.conductivity_s_per_m) && g.conductivity_s_per_m >= 0.0 &&
           (g.relative_permittivity > 1.0 || g.conductivity_s_per_m > 0.0);
}

// A profile seen by the Bullington construction: the heights of its samples above sea level,
// the terminal heights above sea level and the geometry. `height(i)` may differ from the
// terrain (clutter added, or a notional zero-height profile).
template <typename Height>
struct PathView {
    std::size_t intervals = 0; // n; samples 0..n
    double spacing_m = 0.0;
    double tx_amsl_m = 0.0;       // h_ts
    double rx_amsl_m = 0.0;       // h_rs
    double curvature_per_m = 0.0; // C_e = 1/a_e (0 for a flat earth)
    Height height;

    [[nodiscard]] double length_m() const noexcept {
        return spacing_m * static_cast<double>(intervals);
    }
    // Through a 32-bit index (profiles have far fewer than 2^31 samples): the same value, and a
    // conversion that vectorises.
    [[nodiscard, gnu::always_inline]] double distance_m(std::size_t i) const noexcept {
        return spacing_m * static_cast<double>(static_cast<std::int32_t>(i));
    }
    // h_i + e_i, the sample raised by the Earth bulge d_i (d − d_i) C_e / 2.
    [[nodiscard, gnu::always_inline]] double raised_m(std::size_t i) const noexcept {
        const double di = distance_m(i);
        return height(i) + 0.5 * curvature_per_m * di * (length_m() - di);
    }
};

template <typename Height>
PathView<Height> make_view(const TerrainProfile& profile, double tx_amsl_m, double rx_amsl_m,
                           double earth_radius_m, Height height) noexcept {
    return PathView<Height>{profile.intervals(), profile.spacing_m,    tx_amsl_m,
                            rx_amsl_m,           1.0 / earth_radius_m, height};
}

// The largest of term(i) for i = 1 ... n − 1 (−infinity for none), as the plain loop
// m = std::max(m, term(i)) gives it: the terms (a division each, or more) are computed in chunks
// on the stack, vectorised (core/isa.hpp), then reduced in index order. term must be declared
// COVSIM_ALWAYS_INLINE.
template <typename Term>
double max_of_terms(std::size_t n, const Term& term) noexcept {
    double m = -std::numeric_limits<double>::infinity();
    constexpr std::size_t chunk = 256;
    std::array<double, chunk> t{};
    for (std::size_t begin = 1; begin < n; begin += chunk) {
        const std::size_t end = std::min(begin + chunk, n);
        double* out = t.data();
        isa::dispatch([&]() COVSIM_ALWAYS_INLINE {
            for (std::size_t i = begin; i < end; ++i) {
                out[i - begin] = term(i);
            }
        });
        for (std::size_t k = 0; k < end - begin; ++k) {
            m = std::max(m, t[k]);
        }
    }
    return m;
}

// S_tim [P.1812 (13)]; −infinity without intermediate samples.
template <typename Height>
double slope_to_tx_obstacle(const PathView<Height>& v) noexcept {
    return max_of_terms(v.intervals, [&v](std::size_t i) COVSIM_ALWAYS_INLINE {
        return (v.raised_m(i) - v.tx_amsl_m) / v.distance_m(i);
    });
}

// S_tr [P.1812 (14)].
template <typename Height>
double direct_ray_slope(const PathView<Height>& v) noexcept {
    return (v.rx_amsl_m - v.tx_amsl_m) / v.length_m();
}

// ν_max of a line-of-sight path [P.1812 (15)]; −infinity (no loss) without intermediate
// samples.
template <typename Height>
double nu_max_line_of_sight(const PathView<Height>& v, double wavelength) noexcept {
    const double d = v.length_m();
    return max_of_terms(v.intervals, [&v, d, wavelength](std::size_t i) COVSIM_ALWAYS_INLINE {
        const double di = v.distance_m(i);
        const double ray = (v.tx_amsl_m * (d - di) + v.rx_amsl_m * di) / d;
        return (v.raised_m(i) - ray) * std::sqrt(2.0 * d / (wavelength * di * (d - di)));
    });
}

// S_rim [P.1812 (17)].
template <typename Height>
double slope_to_rx_obstacle(const PathView<Height>& v) noexcept {
    const double d = v.length_m();
    return max_of_terms(v.intervals, [&v, d](std::size_t i) COVSIM_ALWAYS_INLINE {
        return (v.raised_m(i) - v.rx_amsl_m) / (d - v.distance_m(i));
    });
}

// §4.5.1 from its maxima over the samples: ν_max for a line-of-sight path (s_tim < s_tr), S_rim
// for a transhorizon one (the other is not read).
BullingtonResult bullington_from(double d, double tx_amsl_m, double rx_amsl_m, double s_tim,
                                 double s_tr, double nu_max, double s_rim,
                                 double wavelength) noexcept {
    BullingtonResult r;
    r.line_of_sight = s_tim < s_tr;
    if (r.line_of_sight) {
        r.nu = nu_max;
    } else if (s_tim + s_rim > 0.0) {
        const double d_b = (rx_amsl_m - tx_amsl_m + s_rim * d) / (s_tim + s_rim); // [P.1812 (18)]
        const double ray = (tx_amsl_m * (d - d_b) + rx_amsl_m * d_b) / d;
        r.nu = (tx_amsl_m + s_tim * d_b - ray) *
               std::sqrt(2.0 * d / (wavelength * d_b * (d - d_b))); // [P.1812 (20)]
    } else {
        // S_tim + S_rim ≥ S_tr − S_tr = 0, with equality only when the highest obstacle
        // touches the direct ray: the Bullington point is on the ray and ν_b = 0 (d_b of
        // [P.1812 (18)] would be 0/0).
        r.nu = 0.0;
    }
    r.knife_edge_loss_db = knife_edge_loss_db(r.nu); // L_uc [P.1812 (16)]
    const double d_km = d / 1000.0;
    r.loss_db = r.knife_edge_loss_db + (1.0 - std::exp(-r.knife_edge_loss_db / 6.0)) *
                                           (10.0 + 0.02 * d_km); // [P.1812 (21)]
    return r;
}

// §4.5.1.
template <typename Height>
BullingtonResult bullington_loss(const PathView<Height>& v, double wavelength) noexcept {
    const double s_tim = slope_to_tx_obstacle(v);
    const double s_tr = direct_ray_slope(v);
    const bool line_of_sight = s_tim < s_tr;
    const double nu_max = line_of_sight ? nu_max_line_of_sight(v, wavelength) : 0.0;
    const double s_rim = line_of_sight ? 0.0 : slope_to_rx_obstacle(v);
    return bullington_from(v.length_m(), v.tx_amsl_m, v.rx_amsl_m, s_tim, s_tr, nu_max, s_rim,
                           wavelength);
}

// §3.1.1: the first-term smooth-Earth loss, −(F(X) + G(Y1) + G(Y2)), in the Recommendation's
// practical units (f in MHz, d and a_e in km, h in m).
double first_term_loss_db(double distance_m, double h1_m, double h2_m, double frequency_mhz,
                          double earth_radius_m, Polarization polarization,
                          GroundConstants ground) noexcept {
    const double f = frequency_mhz;
    const double d_km = distance_m / 1000.0;
    const double a_km = earth_radius_m / 1000.0;
    const double eps = ground.relative_permittivity;
    const double x_sigma = 18000.0 * ground.conductivity_s_per_m / f;
    // §3.1.1.1 [P.1812 (29a), (29b)]
    const double k_h = 0.36 * std::cbrt(1.0 / (a_km * f)) *
                       std::pow((eps - 1.0) * (eps - 1.0) + x_sigma * x_sigma, -0.25);
    const double k = polarization == Polarization::horizontal
                         ? k_h
                         : k_h * std::sqrt(eps * eps + x_sigma * x_sigma);
    const double k2 = k * k;
    const double beta =
        (1.0 + 1.6 * k2 + 0.67 * k2 * k2) / (1.0 + 4.5 * k2 + 1.53 * k2 * k2); // [P.1812 (30)]
    // §3.1.1.2 [P.1812 (31), (32)]
    const double x = 2.188 * beta * std::cbrt(f) * std::pow(a_km, -2.0 / 3.0) * d_km;
    const double y_per_m = 9.575e-3 * beta * std::pow(f, 2.0 / 3.0) * std::cbrt(1.0 / a_km);
    const double f_x = x >= 1.6
                           ? 11.0 + 10.0 * std::log10(x) - 17.6 * x
                           : -20.0 * std::log10(x) - 5.6488 * std::pow(x, 1.425); // [P.1812 (33)]
    const double g_min = 2.0 + 20.0 * std::log10(k);
    const auto g = [&](double h_m) {
        const double b = beta * y_per_m * h_m; // B = β Y [P.1812 (35)]
        const double g_y = b > 2.0 ? 17.6 * std::sqrt(b - 1.1) - 5.0 * std::log10(b - 1.1) - 8.0
                                   : 20.0 * std::log10(b + 0.1 * b * b * b); // [P.1812 (34)]
        return std::max(g_y, g_min);
    };
    return -(f_x + g(h1_m) + g(h2_m)); // [P.1812 (36)]
}

// Antenna heights above sea level of the profile's end samples.
double tx_amsl_m(const TerrainProfile& p, double tx_height_m) noexcept {
    return p.elevation_m.front() + tx_height_m;
}
double rx_amsl_m(const TerrainProfile& p, double rx_height_m) noexcept {
    return p.elevation_m.back() + rx_height_m;
}

struct SmoothSurface {
    double tx_m = 0.0; // h_st
    double rx_m = 0.0; // h_sr
};

// §4.5.2 from h_stip, h_srip and the obstruction's h_obs, α_obt, α_obr: lowered under the
// obstruction and capped at the ground under each terminal (ground_tx_m, ground_rx_m).
SmoothSurface lowered_surface(double h_st, double h_sr, double h_obs, double alpha_obt,
                              double alpha_obr, double ground_tx_m, double ground_rx_m) noexcept {
    if (h_obs > 0.0) {
        const double g_t = alpha_obt / (alpha_obt + alpha_obr);
        const double g_r = alpha_obr / (alpha_obt + alpha_obr);
        h_st -= h_obs * g_t; // h_stp
        h_sr -= h_obs * g_r; // h_srp
    }
    return {std::min(h_st, ground_tx_m), std::min(h_sr, ground_rx_m)}; // [P.1812 (89)]
}

// §4.5.2: the smooth surface fitted to the bare terrain, lowered under the highest obstruction
// and capped at the ground under each terminal.
SmoothSurface smooth_surface(const TerrainProfile& p, double h_ts, double h_rs) noexcept {
    const std::size_t n = p.intervals();
    const double d = p.length_m();
    const auto& h = p.elevation_m;
    double v1 = 0.0;
    double v2 = 0.0;
    for (std::size_t i = 1; i <= n; ++i) {
        const double di = p.distance_m(i);
        const double dp = p.distance_m(i - 1);
        v1 += (di - dp) * (h[i] + h[i - 1]);
        v2 += (di - dp) * (h[i] * (2.0 * di + dp) + h[i - 1] * (di + 2.0 * dp));
    }
    double h_st = (2.0 * v1 * d - v2) / (d * d); // h_stip [P.1812 (85)]
    double h_sr = (v2 - v1 * d) / (d * d);       // h_srip [P.1812 (86)]
    // H_i of the intermediate samples, and their largest slopes seen from either end: the
    // same chunked evaluation as max_of_terms().
    const auto h_at = [&p, &h, h_ts, h_rs, d](std::size_t i) COVSIM_ALWAYS_INLINE {
        const double di = p.spacing_m * static_cast<double>(static_cast<std::int32_t>(i));
        return h[i] - (h_ts * (d - di) + h_rs * di) / d; // H_i
    };
    const double h_obs = max_of_terms(n, h_at);
    const double alpha_obt = max_of_terms(n, [&p, &h_at](std::size_t i) COVSIM_ALWAYS_INLINE {
        return h_at(i) / (p.spacing_m * static_cast<double>(static_cast<std::int32_t>(i)));
    });
    const double alpha_obr = max_of_terms(n, [&p, &h_at, d](std::size_t i) COVSIM_ALWAYS_INLINE {
        return h_at(i) / (d - p.spacing_m * static_cast<double>(static_cast<std::int32_t>(i)));
    });
    return lowered_surface(h_st, h_sr, h_obs, alpha_obt, alpha_obr, h.front(), h.back());
}

// ---- Every prefix of a radial (delta_bullington_along) ------------------------------------------

// The larger of term(i) at the two samples around a continuous maximum at sample position t
// (clamped to the intermediate samples 1 .. n - 1, n >= 2): the maximum over every sample when
// term is concave in the distance.
template <typename Term>
double max_around(double t, std::size_t n, const Term& term) noexcept {
    const double last = static_cast<double>(n - 1);
    const double lo = t < 1.0 ? 1.0 : (t < last ? std::floor(t) : last); // NaN: last
    const auto i = static_cast<std::size_t>(lo);
    return i + 1 <= n - 1 ? std::max(term(i), term(i + 1)) : term(i);
}

// The largest of term(i), i = 1 .. n - 1 (n >= 2), for a term that rises then falls: a ternary
// search, then the last few samples.
template <typename Term>
double max_of_unimodal(std::size_t n, const Term& term) noexcept {
    std::size_t lo = 1;
    std::size_t hi = n - 1;
    while (hi - lo > 2) {
        const std::size_t m1 = lo + (hi - lo) / 3;
        const std::size_t m2 = hi - (hi - lo) / 3;
        if (term(m1) < term(m2)) {
            lo = m1 + 1;
        } else {
            hi = m2;
        }
    }
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t i = lo; i <= hi; ++i) {
        m = std::max(m, term(i));
    }
    return m;
}

// ν_max [P.1812 (15)] of a line-of-sight path whose largest clearance, over every intermediate
// sample, is the one of sample `closest` (the least negative raised_m(i) − ray(i)). Every
// ν_i = clearance_i sqrt(2 d / (λ d_i (d − d_i))) is at most clearance_closest sqrt(8 / (λ d))
// (clearances are negative, and d_i (d − d_i) ≤ d²/4); when that bound is below −0.78, where
// J(ν) = 0, it is returned instead of the maximum (with 1e-6 to spare for rounding), else
// `scan` gives the maximum.
template <typename Height, typename Scan>
double nu_max_or_bound(const PathView<Height>& v, std::size_t closest, double wavelength,
                       const Scan& scan) noexcept {
    const double d = v.length_m();
    const double di = v.distance_m(closest);
    const double clearance = v.raised_m(closest) - (v.tx_amsl_m * (d - di) + v.rx_amsl_m * di) / d;
    const double bound = clearance * std::sqrt(8.0 / (wavelength * d));
    return bound < -0.78 - 1e-6 ? bound : scan();
}

// §4.5.1 over a profile of zero heights (L_bs) with n >= 2 intervals, from the shapes of its
// terms: (e_i − h_ts)/d_i and (e_i − h_rs)/(d − d_i) are concave in d_i (their maxima are at
// d_i = sqrt(2 a_e h_ts) and d − sqrt(2 a_e h_rs)), and ν_i of eq. (15) rises then falls (a
// negative concave clearance over the concave sqrt(d_i (d − d_i))). The same values as
// bullington_loss() over the zero profile, in O(log n).
BullingtonResult smooth_bullington(std::size_t n, double spacing_m, double h_ts, double h_rs,
                                   double curvature_per_m, double wavelength) noexcept {
    const auto v = PathView<double (*)(std::size_t)>{
        n, spacing_m, h_ts, h_rs, curvature_per_m, [](std::size_t) { return 0.0; }};
    const double d = v.length_m();
    const double s_tim =
        max_around(std::sqrt(2.0 * h_ts / curvature_per_m) / spacing_m, n,
                   [&v](std::size_t i) { return (v.raised_m(i) - v.tx_amsl_m) / v.distance_m(i); });
    const double s_tr = direct_ray_slope(v);
    double nu_max = 0.0;
    double s_rim = 0.0;
    if (s_tim < s_tr) {
        // The clearance is a concave parabola in d_i (a line on a flat earth), largest at
        // d/2 − (h_rs − h_ts) a_e / d, or at an end.
        const auto clearance = [&v, d](std::size_t i) {
            const double di = v.distance_m(i);
            return v.raised_m(i) - (v.tx_amsl_m * (d - di) + v.rx_amsl_m * di) / d;
        };
        std::size_t best = clearance(n - 1) > clearance(1) ? n - 1 : 1;
        const double t = (0.5 * d - (h_rs - h_ts) / (curvature_per_m * d)) / spacing_m;
        if (t > 1.0 && t < static_cast<double>(n - 1)) {
            const auto i = static_cast<std::size_t>(t);
            for (const std::size_t j : {i, i + 1}) {
                best = clearance(j) > clearance(best) ? j : best;
            }
        }
        nu_max = nu_max_or_bound(v, best, wavelength, [&v, n, d, wavelength]() {
            return max_of_unimodal(n, [&v, d, wavelength](std::size_t i) {
                const double di = v.distance_m(i);
                const double ray = (v.tx_amsl_m * (d - di) + v.rx_amsl_m * di) / d;
                return (v.raised_m(i) - ray) * std::sqrt(2.0 * d / (wavelength * di * (d - di)));
            });
        });
    } else {
        s_rim =
            max_around(static_cast<double>(n) - std::sqrt(2.0 * h_rs / curvature_per_m) / spacing_m,
                       n, [&v, d](std::size_t i) {
                           return (v.raised_m(i) - v.rx_amsl_m) / (d - v.distance_m(i));
                       });
    }
    return bullington_from(d, h_ts, h_rs, s_tim, s_tr, nu_max, s_rim, wavelength);
}

} // namespace

double knife_edge_loss_db(double nu) noexcept {
    if (std::isnan(nu)) {
        return nan;
    }
    if (nu <= -0.78) {
        return 0.0;
    }
    const double v = nu - 0.1;
    return 6.9 + 20.0 * std::log10(std::sqrt(v * v + 1.0) + v); // eq. (31)
}

double diffraction_parameter(double height_m, double d1_m, double d2_m,
                             double frequency_mhz) noexcept {
    if (!positive(d1_m) || !positive(d2_m) || !positive(frequency_mhz)) {
        return nan;
    }
    return height_m *
           std::sqrt(2.0 / wavelength_m(frequency_mhz) * (1.0 / d1_m + 1.0 / d2_m)); // eq. (26)
}

double spherical_earth_loss_db(double distance_m, double h1_m, double h2_m, double frequency_mhz,
                               double earth_radius_m, Polarization polarization,
                               GroundConstants ground) noexcept {
    if (!positive(distance_m) || !positive(h1_m) || !positive(h2_m) || !positive(frequency_mhz) ||
        !(earth_radius_m > 0.0) || !valid_ground(ground)) {
        return nan;
    }
    if (std::isinf(earth_radius_m)) {
        return 0.0; // a flat surface never obstructs antennas above it
    }
    const double d = distance_m;
    const double a_e = earth_radius_m;
    const double root_sum = std::sqrt(h1_m) + std::sqrt(h2_m);
    const double d_los = std::sqrt(2.0 * a_e) * root_sum; // [P.1812 (22)]
    if (d >= d_los) {
        return first_term_loss_db(d, h1_m, h2_m, frequency_mhz, a_e, polarization, ground);
    }
    // Smallest clearance between the curved Earth and the ray [P.1812 (23), (24a)-(24e)].
    const double c = (h1_m - h2_m) / (h1_m + h2_m);
    const double m = d * d / (4.0 * a_e * (h1_m + h2_m));
    const double b =
        2.0 * std::sqrt((m + 1.0) / (3.0 * m)) *
        std::cos(std::numbers::pi / 3.0 +
                 std::acos(1.5 * c * std::sqrt(3.0 * m / ((m + 1.0) * (m + 1.0) * (m + 1.0)))) /
                     3.0);
    const double d1 = 0.5 * d * (1.0 + b);
    const double d2 = d - d1;
    const double h =
        ((h1_m - d1 * d1 / (2.0 * a_e)) * d2 + (h2_m - d2 * d2 / (2.0 * a_e)) * d1) / d;
    const double h_req =
        0.552 * std::sqrt(d1 * d2 * wavelength_m(frequency_mhz) / d); // [P.1812 (25)]
    if (h > h_req) {
        return 0.0;
    }
    const double a_em = 0.5 * (d / root_sum) * (d / root_sum); // [P.1812 (26)]
    const double a_h = first_term_loss_db(d, h1_m, h2_m, frequency_mhz, a_em, polarization, ground);
    return a_h < 0.0 ? 0.0 : (1.0 - h / h_req) * a_h; // [P.1812 (27)]
}

BullingtonResult bullington(const TerrainProfile& profile, double tx_height_m, double rx_height_m,
                            double frequency_mhz, double earth_radius_m) noexcept {
    if (!valid_link(profile, tx_height_m, rx_height_m, earth_radius_m) ||
        !positive(frequency_mhz)) {
        return {nan, nan, nan, false};
    }
    const auto view = make_view(
        profile, tx_amsl_m(profile, tx_height_m), rx_amsl_m(profile, rx_height_m), earth_radius_m,
        [&profile](std::size_t i) COVSIM_ALWAYS_INLINE { return profile.elevation_m[i]; });
    return bullington_loss(view, wavelength_m(frequency_mhz));
}

DeltaBullingtonResult delta_bullington(const TerrainProfile& profile, double tx_height_m,
                                       double rx_height_m, double frequency_mhz,
                                       double earth_radius_m,
                                       const DiffractionOptions& options) noexcept {
    const auto clutter = options.clutter_height_m;
    const bool clutter_ok =
        clutter.empty() || (clutter.size() == profile.elevation_m.size() &&
                            std::all_of(clutter.begin(), clutter.end(),
                                        [](double r) { return std::isfinite(r) && r >= 0.0; }));
    if (!valid_link(profile, tx_height_m, rx_height_m, earth_radius_m) ||
        !positive(frequency_mhz) || !clutter_ok || !valid_ground(options.ground)) {
        return {nan, nan, nan, nan, nan, nan, false};
    }
    const double lambda = wavelength_m(frequency_mhz);
    const double h_ts = tx_amsl_m(profile, tx_height_m);
    const double h_rs = rx_amsl_m(profile, rx_height_m);

    DeltaBullingtonResult r;
    // L_ba: the actual profile, with clutter on the intermediate samples (Bullington reads
    // only those).
    const auto actual = make_view(profile, h_ts, h_rs, earth_radius_m,
                                  [&profile, clutter](std::size_t i) COVSIM_ALWAYS_INLINE {
                                      return clutter.empty() ? profile.elevation_m[i]
                                                             : profile.elevation_m[i] + clutter[i];
                                  });
    const BullingtonResult ba = bullington_loss(actual, lambda);
    r.bullington_actual_db = ba.loss_db;
    r.line_of_sight = ba.line_of_sight;

    const SmoothSurface s = smooth_surface(profile, h_ts, h_rs);
    r.smooth_tx_height_m = s.tx_m;
    r.smooth_rx_height_m = s.rx_m;
    const double h_ts_smooth = h_ts - s.tx_m; // h'_ts [P.1812 (37a)]
    const double h_rs_smooth = h_rs - s.rx_m; // h'_rs [P.1812 (37b)]

    // L_bs: a profile of zero heights with the modified terminal heights.
    const auto smooth = make_view(profile, h_ts_smooth, h_rs_smooth, earth_radius_m,
                                  [](std::size_t) COVSIM_ALWAYS_INLINE { return 0.0; });
    r.bullington_smooth_db = bullington_loss(smooth, lambda).loss_db;

    r.spherical_earth_db =
        spherical_earth_loss_db(profile.length_m(), h_ts_smooth, h_rs_smooth, frequency_mhz,
                                earth_radius_m, options.polarization, options.ground);
    r.loss_db = r.bullington_actual_db +
                std::max(r.spherical_earth_db - r.bullington_smooth_db, 0.0); // [P.1812 (39)]
    return r;
}

void delta_bullington_along(const TerrainProfile& radial, double tx_height_m, double rx_height_m,
                            double frequency_mhz, std::size_t first_receiver, std::size_t stride,
                            bool with_spherical_earth, RadialScratch& scratch,
                            std::span<DeltaBullingtonResult> out, double earth_radius_m,
                            const DiffractionOptions& options) {
    std::fill(out.begin(), out.end(), DeltaBullingtonResult{nan, nan, nan, nan, nan, nan, false});
    const std::size_t n = radial.intervals();
    if (first_receiver < 1 || first_receiver > n || stride < 1 ||
        out.size() != (n - first_receiver) / stride + 1 || !options.clutter_height_m.empty() ||
        !valid_link(radial, tx_height_m, rx_height_m, earth_radius_m) || !positive(frequency_mhz) ||
        !valid_ground(options.ground)) {
        return;
    }
    const double lambda = wavelength_m(frequency_mhz);
    const std::vector<double>& z = radial.elevation_m;
    const double spacing = radial.spacing_m;
    const double c_e = 1.0 / earth_radius_m;
    const double h_ts = tx_amsl_m(radial, tx_height_m);
    RadialScratch& s = scratch;
    s.sum_z.resize(n + 2);
    s.sum_iz.resize(n + 2);
    s.sum_z[0] = 0.0;
    s.sum_iz[0] = 0.0;
    for (std::size_t i = 0; i <= n; ++i) {
        s.sum_z[i + 1] = s.sum_z[i] + z[i];
        s.sum_iz[i + 1] = s.sum_iz[i] + static_cast<double>(i) * z[i];
    }
    s.raised.clear();
    s.bare.clear();
    s.raised.reserve(n);
    s.bare.reserve(n);
    // Running maxima over the intermediate samples seen from the transmitter: of
    // (h_i + e_i − h_ts)/d_i (S_tim; the bulge e_i = d_i (d − d_i) C_e / 2 adds d C_e / 2 to every
    // term, so the sample is the same for every d) and of (h_i − h_ts)/d_i (α_obt).
    std::size_t tim = 0;
    double tim_best = -std::numeric_limits<double>::infinity();
    std::size_t obt = 0;
    double obt_best = -std::numeric_limits<double>::infinity();
    const auto height = [&z](std::size_t i) COVSIM_ALWAYS_INLINE { return z[i]; };
    // Where the hull searches found their vertices for the previous receiver.
    std::size_t clearance_hint = 0;
    std::size_t rim_hint = 0;
    std::size_t obstruction_hint = 0;
    std::size_t obr_hint = 0;
    for (std::size_t k = 1; k <= n; ++k) {
        if (k >= 2) {
            // Sample k − 1 joins the intermediate samples. The hull of (d_i, h_i − d_i² C_e / 2)
            // answers S_rim and the clearance of the direct ray; the hull of (d_i, h_i), h_obs
            // and α_obr.
            const std::size_t i = k - 1;
            const double di = spacing * static_cast<double>(static_cast<std::int32_t>(i));
            const double lowered = z[i] - 0.5 * c_e * di * di;
            if ((lowered - h_ts) / di > tim_best) {
                tim_best = (lowered - h_ts) / di;
                tim = i;
            }
            if ((z[i] - h_ts) / di > obt_best) {
                obt_best = (z[i] - h_ts) / di;
                obt = i;
            }
            s.raised.add(di, lowered, static_cast<std::int32_t>(i));
            s.bare.add(di, z[i], static_cast<std::int32_t>(i));
        }
        if (k < first_receiver || (k - first_receiver) % stride != 0) {
            continue;
        }
        const double h_rs = z[k] + rx_height_m;
        const auto v = PathView<decltype(height)>{k, spacing, h_ts, h_rs, c_e, height};
        const double d = v.length_m();
        DeltaBullingtonResult& r = out[(k - first_receiver) / stride];

        // L_ba, with the same formulas as bullington_loss() at the samples found.
        const bool inner = k >= 2;
        const double s_tim = inner ? (v.raised_m(tim) - h_ts) / v.distance_m(tim)
                                   : -std::numeric_limits<double>::infinity();
        const double s_tr = direct_ray_slope(v);
        double nu_max = -std::numeric_limits<double>::infinity();
        double s_rim = 0.0;
        if (s_tim < s_tr) {
            if (inner) {
                // The clearance raised_m(i) − ray(i) is h_i − d_i² C_e/2 + d_i (d C_e/2 − S_tr)
                // − h_ts: largest at a hull vertex. Only samples whose clearance is above
                // −0.78 sqrt(λ d / 8) can have ν above −0.78 (nu_max_or_bound): those lie where
                // the hull is above that level, and only they are scanned.
                const double slope = 0.5 * d * c_e - s_tr;
                const auto closest =
                    static_cast<std::size_t>(s.raised.argmax_linear(slope, clearance_hint));
                nu_max = nu_max_or_bound(v, closest, lambda, [&]() {
                    const double level = h_ts - 0.78 * std::sqrt(lambda * d / 8.0) - 1e-6;
                    double x_lo = 0.0;
                    double x_hi = 0.0;
                    s.raised.span_above(slope, level, clearance_hint, x_lo, x_hi);
                    const auto lo = static_cast<std::size_t>(
                        std::clamp(std::ceil(x_lo / spacing), 1.0, static_cast<double>(k - 1)));
                    const auto hi = static_cast<std::size_t>(
                        std::clamp(std::floor(x_hi / spacing), 1.0, static_cast<double>(k - 1)));
                    double m = -std::numeric_limits<double>::infinity();
                    for (std::size_t i = lo; i <= hi; ++i) {
                        const double di = v.distance_m(i);
                        const double ray = (h_ts * (d - di) + h_rs * di) / d;
                        m = std::max(m, (v.raised_m(i) - ray) *
                                            std::sqrt(2.0 * d / (lambda * di * (d - di))));
                    }
                    return m;
                });
            }
        } else {
            // (h_i + e_i − h_rs)/(d − d_i) = (h_i − d_i² C_e/2 − (h_rs − d² C_e/2))/(d − d_i)
            // − d C_e/2: the steepest sample seen from (d, h_rs − d² C_e/2).
            const auto i = static_cast<std::size_t>(
                s.raised.argmax_seen_from(d, h_rs - 0.5 * c_e * d * d, rim_hint));
            s_rim = (v.raised_m(i) - h_rs) / (d - v.distance_m(i));
        }
        const BullingtonResult ba =
            bullington_from(d, h_ts, h_rs, s_tim, s_tr, nu_max, s_rim, lambda);
        r.bullington_actual_db = ba.loss_db;
        r.line_of_sight = ba.line_of_sight;

        // The smooth surface: v1, v2 of smooth_surface() from the prefix sums (d_i = i spacing:
        // v1 = spacing (2 Σ h_i − h_0 − h_k), v2 = spacing² (6 Σ i h_i + (3k − 1) h_k + h_0)),
        // the obstruction from the hull and the running maximum.
        const double v1 = spacing * (2.0 * s.sum_z[k + 1] - z[0] - z[k]);
        const double v2 = spacing * spacing *
                          (6.0 * s.sum_iz[k] + (3.0 * static_cast<double>(k) - 1.0) * z[k] + z[0]);
        const double h_stip = (2.0 * v1 * d - v2) / (d * d); // [P.1812 (85)]
        const double h_srip = (v2 - v1 * d) / (d * d);       // [P.1812 (86)]
        const auto obstruction = [&v, h_ts, h_rs, d](std::size_t i) {
            const double di = v.distance_m(i);
            return v.height(i) - (h_ts * (d - di) + h_rs * di) / d; // H_i
        };
        double h_obs = -std::numeric_limits<double>::infinity();
        double alpha_obt = 0.0;
        double alpha_obr = 0.0;
        if (inner) {
            h_obs = obstruction(static_cast<std::size_t>(
                s.bare.argmax_linear((h_ts - h_rs) / d, obstruction_hint)));
            if (h_obs > 0.0) {
                alpha_obt = obstruction(obt) / v.distance_m(obt);
                const auto i = static_cast<std::size_t>(s.bare.argmax_seen_from(d, h_rs, obr_hint));
                alpha_obr = obstruction(i) / (d - v.distance_m(i));
            }
        }
        const SmoothSurface surface =
            lowered_surface(h_stip, h_srip, h_obs, alpha_obt, alpha_obr, z[0], z[k]);
        r.smooth_tx_height_m = surface.tx_m;
        r.smooth_rx_height_m = surface.rx_m;
        const double h_ts_smooth = h_ts - surface.tx_m; // h'_ts [P.1812 (37a)]
        const double h_rs_smooth = h_rs - surface.rx_m; // h'_rs [P.1812 (37b)]

        // L_bs.
        if (inner) {
            r.bullington_smooth_db =
                smooth_bullington(k, spacing, h_ts_smooth, h_rs_smooth, c_e, lambda).loss_db;
        } else {
            const auto smooth = PathView<double (*)(std::size_t)>{
                k, spacing, h_ts_smooth, h_rs_smooth, c_e, [](std::size_t) { return 0.0; }};
            r.bullington_smooth_db = bullington_loss(smooth, lambda).loss_db;
        }
        if (with_spherical_earth) {
            r.spherical_earth_db =
                spherical_earth_loss_db(d, h_ts_smooth, h_rs_smooth, frequency_mhz, earth_radius_m,
                                        options.polarization, options.ground);
            r.loss_db = r.bullington_actual_db +
                        std::max(r.spherical_earth_db - r.bullington_smooth_db, 0.0); // (39)
        }
    }
}

double delta_bullington_loss_db(const TerrainProfile& profile, double tx_height_m,
                                double rx_height_m, double frequency_mhz, double earth_radius_m,
                                const DiffractionOptions& options) noexcept {
    return delta_bullington(profile, tx_height_m, rx_height_m, frequency_mhz, earth_radius_m,
                            options)
        .loss_db;
}

bool line_of_sight(const TerrainProfile& profile, double tx_height_m, double rx_height_m,
                   double earth_radius_m) noexcept {
    if (!valid_link(profile, tx_height_m, rx_height_m, earth_radius_m)) {
        return false;
    }
    const auto view = make_view(
        profile, tx_amsl_m(profile, tx_height_m), rx_amsl_m(profile, rx_height_m), earth_radius_m,
        [&profile](std::size_t i) COVSIM_ALWAYS_INLINE { return profile.elevation_m[i]; });
    return slope_to_tx_obstacle(view) < direct_ray_slope(view);
}

} // namespace covsim::p526
