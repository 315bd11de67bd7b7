#include "core/propagation/itm.hpp"

#include "core/isa.hpp"
#include "core/names.hpp"
#include "core/propagation/order_statistics.hpp"
#include "core/propagation/upper_hull.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <span>

namespace covsim::itm {

namespace {

using Complex = std::complex<double>;
using Pair = std::array<double, 2>; // per terminal: [0] transmitter, [1] receiver

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double third = 1.0 / 3.0;
constexpr double sqrt2 = std::numbers::sqrt2;

// ---- Preparatory calculations ([Alg] section 3) and the point-to-point profile analysis ---------

// Wave number k = 2 pi / lambda in 1/m, with ITM's 47.7 MHz m for c / (2 pi) [Alg].
double wave_number(double frequency_mhz) noexcept {
    return frequency_mhz / 47.7;
}

// Terrain irregularity at distance d, Delta_h(d) = (1 - 0.8 e^(-d/D)) Delta_h, D = 50 km
// [ERL79 3], [Alg] section 4.
double irregularity_at(double d_m, double delta_h_m) noexcept {
    return delta_h_m * (1.0 - 0.8 * std::exp(-d_m / 50e3));
}

// RMS deviation of terrain within the first Fresnel zone,
// sigma_h(d) = 0.78 Delta_h(d) exp(-(Delta_h(d) / H)^(1/4)), H = 16 m [ERL79 3.6a], [Alg] 4.
double fresnel_zone_roughness_m(double delta_h_d_m) noexcept {
    return 0.78 * delta_h_d_m * std::exp(-0.5 * std::pow(delta_h_d_m, 0.25));
}

// Mean elevation of the profile without its first and last tenth: the height at which the
// surface refractivity is evaluated (ITM 1.2.2 point_to_point, zsys).
double path_mean_elevation_m(std::span<const double> z) noexcept {
    const std::size_t intervals = z.size() - 1;
    const auto tenth = static_cast<std::size_t>(0.1 * static_cast<double>(intervals));
    double sum = 0.0;
    for (std::size_t i = tenth; i <= intervals - tenth; ++i) {
        sum += z[i];
    }
    return sum / static_cast<double>(intervals - 2 * tenth + 1);
}

// Surface refractivity at height h_s above sea level, N_s = N_0 e^(-h_s / z_1), z_1 = 9.46 km
// [TN101 4.3], [Alg] preparatory calculations.
double path_refractivity(double n0, double h_s_m) noexcept {
    return n0 * std::exp(-h_s_m / 9460.0);
}

// Effective earth curvature gamma_e = gamma_a (1 - 0.04665 e^(N_s / N_1)), gamma_a = 157e-9 / m,
// N_1 = 179.3 N-units [TN101 4.4], [Alg] preparatory calculations.
double effective_curvature(double n_s) noexcept {
    return 157e-9 * (1.0 - 0.04665 * std::exp(n_s / 179.3));
}

// Surface transfer impedance of the ground [Alg] preparatory calculations: with eps_r = eps + i Z_0
// sigma / k, Z_0 sigma / k = 18000 sigma / f_MHz, Z_g = sqrt(eps_r - 1) (horizontal), sqrt(eps_r -
// 1) / eps_r (vertical).
Complex ground_impedance(double epsilon, double sigma, double frequency_mhz,
                         Polarization pol) noexcept {
    const Complex eps_r(epsilon, 18000.0 * sigma / frequency_mhz);
    const Complex z_g = std::sqrt(eps_r - 1.0);
    return pol == Polarization::vertical ? z_g / eps_r : z_g;
}

// Terminal horizons over the profile (ITM 1.2.2 hzns): the elevation angle above the horizontal
// of the ray to each profile point on an earth of radius a_e, theta = (z_i - z_T) / x - x / (2 a_e)
// [TN101 6.15]; the horizon is the point of largest angle, or the other terminal when none rises
// above the direct ray.
// The elevation angles of find_horizons() for samples [begin, end), into to_tx and to_rx
// (indexed from begin): without branches, so that the divisions vectorise; its arguments arrive
// by value, so that the compiler knows the stores alias none of them.
COVSIM_ALWAYS_INLINE inline void horizon_angles(const double* z, double spacing_m, double d,
                                                double tx_z, double rx_z, double two_a_e,
                                                std::int32_t begin, std::int32_t end, double* to_tx,
                                                double* to_rx) noexcept {
    for (std::int32_t i = begin; i < end; ++i) {
        const double from_tx = spacing_m * static_cast<double>(i);
        const double from_rx = d - from_tx;
        to_tx[i - begin] = (z[i] - tx_z) / from_tx - from_tx / two_a_e;
        to_rx[i - begin] = (z[i] - rx_z) / from_rx - from_rx / two_a_e;
    }
}

// Profiles have far fewer than 2^31 samples (the longest range at the finest resolution, 200 km
// at 0.5 m, gives 400,000), so 32-bit indices, whose conversion to double vectorises, suffice.
void find_horizons(std::span<const double> z, double spacing_m, double a_e, const Pair& h_g,
                   Pair& theta_e, Pair& d_l) noexcept {
    const auto last = static_cast<std::int32_t>(z.size() - 1);
    const double d = spacing_m * static_cast<double>(last);
    const double tx_z = z[0] + h_g[0];
    const double rx_z = z[static_cast<std::size_t>(last)] + h_g[1];
    const double two_a_e = 2.0 * a_e;
    theta_e[0] = (rx_z - tx_z) / d - d / two_a_e;
    theta_e[1] = -(rx_z - tx_z) / d - d / two_a_e;
    d_l = {d, d};
    // In chunks on the stack: the angles vectorised (core/isa.hpp), then the first largest.
    constexpr std::int32_t chunk = 256;
    std::array<double, chunk> to_tx{};
    std::array<double, chunk> to_rx{};
    for (std::int32_t begin = 1; begin < last; begin += chunk) {
        const std::int32_t end = std::min(begin + chunk, last);
        isa::dispatch([&]() COVSIM_ALWAYS_INLINE {
            horizon_angles(z.data(), spacing_m, d, tx_z, rx_z, two_a_e, begin, end, to_tx.data(),
                           to_rx.data());
        });
        for (std::int32_t i = begin; i < end; ++i) {
            const auto k = static_cast<std::size_t>(i - begin);
            if (to_tx[k] > theta_e[0]) {
                theta_e[0] = to_tx[k];
                d_l[0] = spacing_m * static_cast<double>(i);
            }
            if (to_rx[k] > theta_e[1]) {
                theta_e[1] = to_rx[k];
                d_l[1] = d - spacing_m * static_cast<double>(i);
            }
        }
    }
}

// The least-squares straight line through the profile samples between from_m and to_m, widened
// by one sample each way when they fall within one interval (ITM 1.2.2 zlsq1). The end samples
// count half, i.e. the line fits the piecewise-linear profile. Returns the line's heights under
// the first and the last sample of the whole profile. Precondition: from_m < to_m.
struct LineEnds {
    double first = 0.0;
    double last = 0.0;
};

// The samples [lo, hi] of a profile whose last sample is `last` that fit_line() fits between
// from_m and to_m: at least two.
struct FitSamples {
    int lo = 0;
    int hi = 0;
};

FitSamples fit_samples(int last, double spacing_m, double from_m, double to_m) noexcept {
    int lo = static_cast<int>(std::max(from_m / spacing_m, 0.0));
    int hi = last - static_cast<int>(std::max(last - to_m / spacing_m, 0.0));
    if (hi <= lo) {
        lo = std::max(lo - 1, 0);
        hi = std::min(hi + 1, last);
    }
    return {lo, hi};
}

LineEnds fit_line(std::span<const double> z, double spacing_m, double from_m,
                  double to_m) noexcept {
    const int last = static_cast<int>(z.size()) - 1;
    const FitSamples f = fit_samples(last, spacing_m, from_m, to_m);
    const int lo = f.lo;
    const int hi = f.hi;
    const double n = hi - lo;
    const double centre = 0.5 * (lo + hi);
    const auto at = [&z](int i) { return z[static_cast<std::size_t>(i)]; };
    double sum = 0.5 * (at(lo) + at(hi));
    double moment = 0.5 * (at(hi) - at(lo)) * (0.5 * n);
    for (int i = lo + 1; i < hi; ++i) {
        sum += at(i);
        moment += at(i) * (i - centre);
    }
    const double mean = sum / n;
    const double slope = moment * 12.0 / ((n * n + 2.0) * n);
    return {mean - slope * centre, mean + slope * (last - centre)};
}

// The terrain irregularity parameter Delta_h between from_m and to_m (ITM 1.2.2 dlthx): the
// interdecile range of the profile's deviations from its least-squares line, sampled at
// n = 10 k - 5 equally spaced points (k = 4 ... 25), then extrapolated to an infinite path by
// inverting Delta_h(d) = (1 - 0.8 e^(-d / 50 km)) Delta_h [ERL79 3], [H82].
constexpr int max_irregularity_samples = 10 * 25 - 5;
static_assert(max_irregularity_samples == max_fast_interdecile_values);

double terrain_irregularity_m(std::span<const double> z, double spacing_m, double from_m,
                              double to_m) noexcept {
    const double x_from = from_m / spacing_m; // in intervals
    const double x_to = to_m / spacing_m;
    if (x_to - x_from < 2.0) {
        return 0.0;
    }
    const int decile = std::clamp(static_cast<int>(0.1 * (x_to - x_from + 8.0)), 4, 25);
    const int count = 10 * decile - 5;
    const double step = (x_to - x_from) / (count - 1);
    const int last = static_cast<int>(z.size()) - 1;

    std::array<double, max_irregularity_samples> samples{};
    double x = x_from;
    for (int j = 0; j < count; ++j) {
        const int upper = std::clamp(static_cast<int>(std::ceil(x)), 1, last);
        const double z_upper = z[static_cast<std::size_t>(upper)];
        const double z_lower = z[static_cast<std::size_t>(upper - 1)];
        samples[static_cast<std::size_t>(j)] = z_upper + (z_upper - z_lower) * (x - upper);
        x += step;
    }
    const std::span<double> s(samples.data(), static_cast<std::size_t>(count));
    const LineEnds line = fit_line(s, 1.0, 0.0, count - 1.0);
    const double rise = (line.last - line.first) / (count - 1);
    for (int j = 0; j < count; ++j) {
        s[static_cast<std::size_t>(j)] -= line.first + rise * j;
    }
    return interdecile_range(s, decile) / (1.0 - 0.8 * std::exp(-(to_m - from_m) / 50e3));
}

// What depends on the parameters only (wave number, ground impedance, powers of the frequency,
// the deviates and the frequency factors of the variability): computed once per
// point_to_point() call, or once per radial by point_to_point_along(), and read by every
// formula that used to compute them in place (the same expressions: the same values).
struct Constants {
    double k = 0.0;                // wave number, 1/m
    Complex z_g;                   // ground transfer impedance
    double abs_z_g = 0.0;          // |Z_g|
    double f_third = 0.0;          // f^(1/3)
    double f_minus_third = 0.0;    // f^(-1/3)
    double scatter_distance = 0.0; // (575.7e12 / k)^(1/3) of d_ex [Alg 5.3]
    double z_t = 0.0;              // Q^-1 of the time, location and situation fractions
    double z_l = 0.0;
    double z_s = 0.0;
    double g_minus = 0.0; // frequency factors g-(f), g+(f) of the time variability
    double g_plus = 0.0;
};

// Everything the reference attenuation needs about the path.
struct Path {
    const Constants* c = nullptr;
    double d = 0.0;   // distance, m
    double f = 0.0;   // frequency, MHz
    double k = 0.0;   // wave number, 1/m
    double a_e = 0.0; // effective earth radius, m
    double n_s = 0.0; // surface refractivity, N-units
    Complex z_g;      // ground transfer impedance
    double delta_h = 0.0;
    Pair h_g{};     // structural heights
    Pair h_e{};     // effective heights
    Pair d_l{};     // horizon distances
    Pair theta_e{}; // horizon elevation angles
};

// Smooth-earth horizon distance sqrt(2 h_e a_e) reduced for terrain irregularity,
// d_L = d_Ls exp(-0.07 sqrt(Delta_h / max(h_e, 5 m))) [Alg 3.3].
double irregular_horizon_m(double h_e, double a_e, double delta_h) noexcept {
    return std::sqrt(2.0 * h_e * a_e) * std::exp(-0.07 * std::sqrt(delta_h / std::max(h_e, 5.0)));
}

// The terrain of one path as the profile analysis reads it, over a profile's samples: what
// point_to_point() computes exactly. The radial view (RadialTerrain below) answers the same
// questions for a prefix of a radial.
struct ProfileTerrain {
    std::span<const double> z;
    double spacing_m = 0.0;

    [[nodiscard]] double distance_m() const noexcept {
        return spacing_m * static_cast<double>(z.size() - 1);
    }
    [[nodiscard]] double tx_ground_m() const noexcept { return z.front(); }
    [[nodiscard]] double rx_ground_m() const noexcept { return z.back(); }
    [[nodiscard]] double mean_elevation_m() const noexcept { return path_mean_elevation_m(z); }
    void horizons(double a_e, const Pair& h_g, Pair& theta_e, Pair& d_l) const noexcept {
        find_horizons(z, spacing_m, a_e, h_g, theta_e, d_l);
    }
    [[nodiscard]] double irregularity_m(double from_m, double to_m) const noexcept {
        return terrain_irregularity_m(z, spacing_m, from_m, to_m);
    }
    [[nodiscard]] LineEnds fit(double from_m, double to_m) const noexcept {
        return fit_line(z, spacing_m, from_m, to_m);
    }
};

// Point-to-point profile analysis (ITM 1.2.2 qlrpfl): horizons, Delta_h between points 15
// antenna heights (at most a tenth of the horizon distance) from each terminal, and effective
// heights above a least-squares line through the terrain each terminal sees. On a path well
// within line of sight (d_L1 + d_L2 > 1.5 d) the horizons are those of a smooth earth through the
// whole fitted line [Alg 3.3, 3.4], scaled so that they reach at least the path distance.
template <typename Terrain>
void analyse_profile(const Terrain& terrain, Path& path) noexcept {
    terrain.horizons(path.a_e, path.h_g, path.theta_e, path.d_l);

    const double from_m = std::min(15.0 * path.h_g[0], 0.1 * path.d_l[0]);
    const double to_m = path.d - std::min(15.0 * path.h_g[1], 0.1 * path.d_l[1]);
    path.delta_h = terrain.irregularity_m(from_m, to_m);

    if (path.d_l[0] + path.d_l[1] > 1.5 * path.d) {
        const LineEnds fit = terrain.fit(from_m, to_m);
        path.h_e[0] = path.h_g[0] + std::fdim(terrain.tx_ground_m(), fit.first);
        path.h_e[1] = path.h_g[1] + std::fdim(terrain.rx_ground_m(), fit.last);
        for (std::size_t j = 0; j < 2; ++j) {
            path.d_l[j] = irregular_horizon_m(path.h_e[j], path.a_e, path.delta_h);
        }
        const double sum = path.d_l[0] + path.d_l[1];
        if (sum <= path.d) {
            const double ratio = path.d / sum;
            for (std::size_t j = 0; j < 2; ++j) {
                path.h_e[j] *= ratio * ratio;
                path.d_l[j] = irregular_horizon_m(path.h_e[j], path.a_e, path.delta_h);
            }
        }
        for (std::size_t j = 0; j < 2; ++j) {
            const double d_ls = std::sqrt(2.0 * path.h_e[j] * path.a_e);
            path.theta_e[j] =
                (0.65 * path.delta_h * (d_ls / path.d_l[j] - 1.0) - 2.0 * path.h_e[j]) / d_ls;
        }
    } else {
        const LineEnds tx_fit = terrain.fit(from_m, 0.9 * path.d_l[0]);
        const LineEnds rx_fit = terrain.fit(path.d - 0.9 * path.d_l[1], to_m);
        path.h_e[0] = path.h_g[0] + std::fdim(terrain.tx_ground_m(), tx_fit.first);
        path.h_e[1] = path.h_g[1] + std::fdim(terrain.rx_ground_m(), rx_fit.last);
    }
}

// The terrain of the path from a radial's first sample (the transmitter) to its sample k (the
// receiver), read from what point_to_point_along() computed once for every prefix of the radial
// (RadialAnalysis): prefix sums for the mean elevation and the fitted lines, the samples that
// may be the horizons, and Delta_h.
struct RadialTerrain {
    const double* z = nullptr; // the radial's samples
    double spacing_m = 0.0;
    std::size_t k = 0;
    const double* sum_z = nullptr;  // sum_z[i] = z_0 + ... + z_(i-1)
    const double* sum_iz = nullptr; // sum_iz[i] = 0 z_0 + ... + (i-1) z_(i-1)
    std::int32_t tx_candidate = -1; // the intermediate sample of largest elevation from each
    std::int32_t rx_candidate = -1; // terminal (RadialAnalysis), -1 without one
    double delta_h_m = 0.0;

    [[nodiscard]] double distance_m() const noexcept { return spacing_m * static_cast<double>(k); }
    [[nodiscard]] double tx_ground_m() const noexcept { return z[0]; }
    [[nodiscard]] double rx_ground_m() const noexcept { return z[k]; }
    // path_mean_elevation_m() from the prefix sums.
    [[nodiscard]] double mean_elevation_m() const noexcept {
        const auto tenth = static_cast<std::size_t>(0.1 * static_cast<double>(k));
        return (sum_z[k - tenth + 1] - sum_z[tenth]) / static_cast<double>(k - 2 * tenth + 1);
    }
    // find_horizons() over the candidates: each is the sample a full pass would find, up to the
    // effective earth radius it was chosen with (RadialAnalysis).
    void horizons(double a_e, const Pair& h_g, Pair& theta_e, Pair& d_l) const noexcept {
        const double d = distance_m();
        const double tx_z = z[0] + h_g[0];
        const double rx_z = z[k] + h_g[1];
        const double two_a_e = 2.0 * a_e;
        theta_e[0] = (rx_z - tx_z) / d - d / two_a_e;
        theta_e[1] = -(rx_z - tx_z) / d - d / two_a_e;
        d_l = {d, d};
        if (tx_candidate > 0) {
            const double from_tx = spacing_m * static_cast<double>(tx_candidate);
            const double angle = (z[tx_candidate] - tx_z) / from_tx - from_tx / two_a_e;
            if (angle > theta_e[0]) {
                theta_e[0] = angle;
                d_l[0] = from_tx;
            }
        }
        if (rx_candidate > 0) {
            const double from_rx = d - spacing_m * static_cast<double>(rx_candidate);
            const double angle = (z[rx_candidate] - rx_z) / from_rx - from_rx / two_a_e;
            if (angle > theta_e[1]) {
                theta_e[1] = angle;
                d_l[1] = from_rx;
            }
        }
    }
    [[nodiscard]] double irregularity_m(double /*from_m*/, double /*to_m*/) const noexcept {
        return delta_h_m;
    }
    // fit_line() over samples 0..k from the prefix sums.
    [[nodiscard]] LineEnds fit(double from_m, double to_m) const noexcept {
        const int last = static_cast<int>(k);
        const FitSamples f = fit_samples(last, spacing_m, from_m, to_m);
        const int lo = f.lo;
        const int hi = f.hi;
        const double n = hi - lo;
        const double centre = 0.5 * (lo + hi);
        const auto at = [this](int i) { return z[static_cast<std::size_t>(i)]; };
        const auto inner = [lo, hi](const double* sums) {
            return sums[static_cast<std::size_t>(hi)] - sums[static_cast<std::size_t>(lo + 1)];
        };
        const double inner_sum = hi > lo + 1 ? inner(sum_z) : 0.0;
        const double inner_moment = hi > lo + 1 ? inner(sum_iz) - centre * inner_sum : 0.0;
        const double sum = 0.5 * (at(lo) + at(hi)) + inner_sum;
        const double moment = 0.5 * (at(hi) - at(lo)) * (0.5 * n) + inner_moment;
        const double mean = sum / n;
        const double slope = moment * 12.0 / ((n * n + 2.0) * n);
        return {mean - slope * centre, mean + slope * (last - centre)};
    }
};

// What every prefix of a radial shares (point_to_point_along), computed in one pass:
// - prefix sums of the elevations;
// - per receiver sample k, the horizon candidates among samples 1..k-1: from the transmitter a
//   running maximum of the elevation angle, from the receiver the upper tangent to the convex
//   hull of the samples (core/propagation/upper_hull.hpp), both on the earth of the whole
//   radial's effective radius (the prefix's own radius differs by ~1 %: a candidate can differ
//   from the exact horizon only where two samples are within that bulge difference, centimetres,
//   of each other; the angle is then recomputed with the prefix's radius);
// - Delta_h, which no running quantity gives (an interdecile range about a fitted line): exact
//   at every receiver below 2 irregularity_per_octave intervals, then at irregularity_per_octave
//   receivers per doubling of the distance, and linear in between. Delta_h is a statistic of
//   the whole path and changes slowly with its length (4 per doubling, half the evaluations:
//   median 0.073 dB and 95th percentile 0.63 dB from the exact method in
//   test_radial_agreement.cpp, against 0.045 and 0.37 dB with 8).
constexpr std::size_t irregularity_per_octave = 8;

class RadialAnalysis {
public:
    RadialAnalysis(const TerrainProfile& radial, const ItmParameters& p, std::size_t first,
                   std::size_t stride, RadialScratch& s)
        : z_(radial.elevation_m), spacing_m_(radial.spacing_m), s_(s) {
        const std::size_t n = radial.intervals();
        s.sum_z.resize(n + 2);
        s.sum_iz.resize(n + 2);
        s.sum_z[0] = 0.0;
        s.sum_iz[0] = 0.0;
        for (std::size_t i = 0; i <= n; ++i) {
            s.sum_z[i + 1] = s.sum_z[i] + z_[i];
            s.sum_iz[i + 1] = s.sum_iz[i] + static_cast<double>(i) * z_[i];
        }
        const double a_ref = 1.0 / effective_curvature(path_refractivity(
                                       p.surface_refractivity_n_units, path_mean_elevation_m(z_)));
        const double tx_z = z_[0] + p.tx_height_m;
        s.tx_candidate.assign(n + 1, -1);
        s.rx_candidate.assign(n + 1, -1);
        s.hull.clear();
        s.hull.reserve(n);
        double best_tx = -std::numeric_limits<double>::infinity();
        std::int32_t best_tx_i = -1;
        std::size_t hint = 0;
        for (std::size_t k = 2; k <= n; ++k) {
            const auto i = static_cast<std::int32_t>(k - 1); // the newest intermediate sample
            const double x = spacing_m_ * static_cast<double>(i);
            const double w = z_[k - 1] - x * x / (2.0 * a_ref); // lowered by the earth's bulge
            const double angle = (w - tx_z) / x;
            if (angle > best_tx) {
                best_tx = angle;
                best_tx_i = i;
            }
            s.hull.add(x, w, i);
            if (k >= first && (k - first) % stride == 0) {
                const double d = spacing_m_ * static_cast<double>(k);
                s.tx_candidate[k] = best_tx_i;
                s.rx_candidate[k] =
                    s.hull.argmax_seen_from(d, z_[k] + p.rx_height_m - d * d / (2.0 * a_ref), hint);
            }
        }
        irregularities(p, first, stride, n);
    }

    [[nodiscard]] RadialTerrain terrain(std::size_t k) const noexcept {
        return {z_.data(),          spacing_m_,       k,
                s_.sum_z.data(),    s_.sum_iz.data(), s_.tx_candidate[k],
                s_.rx_candidate[k], s_.delta_h[k]};
    }

private:
    [[nodiscard]] static bool scheduled(std::size_t k) noexcept {
        std::size_t step = 1;
        while (step * 2 * irregularity_per_octave <= k) {
            step *= 2;
        }
        return k % step == 0;
    }

    // Delta_h at the scheduled receivers, with the horizons analyse_profile() would find there,
    // then linear in between.
    void irregularities(const ItmParameters& p, std::size_t first, std::size_t stride,
                        std::size_t n) {
        s_.delta_h.assign(n + 1, 0.0);
        const Pair h_g = {p.tx_height_m, p.rx_height_m};
        const std::size_t last = first + (n - first) / stride * stride;
        std::size_t previous = 0;
        for (std::size_t k = first; k <= last; k += stride) {
            if (k != first && k != last && !scheduled(k)) {
                continue;
            }
            const RadialTerrain t = terrain(k);
            const double a_e = 1.0 / effective_curvature(path_refractivity(
                                         p.surface_refractivity_n_units, t.mean_elevation_m()));
            Pair theta_e{};
            Pair d_l{};
            t.horizons(a_e, h_g, theta_e, d_l);
            const double d = t.distance_m();
            const double from_m = std::min(15.0 * h_g[0], 0.1 * d_l[0]);
            const double to_m = d - std::min(15.0 * h_g[1], 0.1 * d_l[1]);
            s_.delta_h[k] = terrain_irregularity_m(z_.first(k + 1), spacing_m_, from_m, to_m);
            if (previous != 0) {
                const double span = static_cast<double>(k - previous);
                for (std::size_t j = previous + 1; j < k; ++j) {
                    const double t_j = static_cast<double>(j - previous) / span;
                    s_.delta_h[j] =
                        s_.delta_h[previous] + (s_.delta_h[k] - s_.delta_h[previous]) * t_j;
                }
            }
            previous = k;
        }
    }

    std::span<const double> z_;
    double spacing_m_;
    RadialScratch& s_;
};

// ---- Auxiliary functions ([Alg] section 6) ------------------------------------------------------

// Knife-edge diffraction A(v) with v^2 given, [TN101 III.24b, III.24c], [ERL79 3.27].
double knife_edge_db(double v2) noexcept {
    if (v2 < 5.76) {
        return 6.02 + 9.11 * std::sqrt(v2) - 1.27 * v2;
    }
    return 12.953 + 10.0 * std::log10(v2);
}

// Height-gain function F(x, K) of smooth-earth diffraction [Vog64], [Alg] section 6.
double height_gain_db(double x, double k_factor) noexcept {
    if (x < 200.0) {
        const double w = -std::log(k_factor);
        if (k_factor < 1e-5 || x * w * w * w > 5495.0) {
            return x > 1.0 ? 17.372 * std::log(x) - 117.0 : -117.0;
        }
        return 2.5e-5 * x * x / k_factor - 8.686 * w - 15.0;
    }
    const double far = 0.05751 * x - 4.343 * std::log(x);
    if (x < 2000.0) {
        const double w = 0.0134 * x * std::exp(-0.005 * x);
        return (1.0 - w) * far + w * (17.372 * std::log(x) - 117.0);
    }
    return far;
}

// Attenuation function F(theta d) of troposcatter, D_0 = 40 km [Alg 6.8, 6.9].
double scatter_attenuation_db(double theta_d) noexcept {
    if (theta_d <= 10e3) {
        return 133.4 + 0.332e-3 * theta_d - 10.0 * std::log10(theta_d);
    }
    if (theta_d <= 70e3) {
        return 104.6 + 0.212e-3 * theta_d - 2.5 * std::log10(theta_d);
    }
    return 71.8 + 0.157e-3 * theta_d + 5.0 * std::log10(theta_d);
}

// Frequency-gain function H_0(r, eta_s): the curves H_01(r, j) of [Alg 6.13] for eta_s = j,
// interpolated linearly in eta_s, clamped to [1, 5] [TN101 9.2].
double frequency_gain_curve_db(int j, double r) noexcept {
    constexpr std::array<double, 5> a = {25.0, 80.0, 177.0, 395.0, 705.0};
    constexpr std::array<double, 5> b = {24.0, 45.0, 68.0, 80.0, 105.0};
    const double inv_r2 = 1.0 / (r * r);
    const auto idx = static_cast<std::size_t>(j - 1);
    return 10.0 * std::log10(1.0 + a[idx] * inv_r2 * inv_r2 + b[idx] * inv_r2);
}

double frequency_gain_db(double r, double eta_s) noexcept {
    const double eta = std::clamp(eta_s, 1.0, 5.0);
    const int j = static_cast<int>(eta);
    const double frac = eta - j;
    const double h = frequency_gain_curve_db(j, r);
    return frac == 0.0 ? h : (1.0 - frac) * h + frac * frequency_gain_curve_db(j + 1, r);
}

// Standard normal deviate exceeded with probability q, Q^-1(q), 0 < q < 1: the rational
// approximation of Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4), [Alg] section 6.
double inverse_ccdf(double q) noexcept {
    const double x = q > 0.5 ? 1.0 - q : q;
    const double t = std::sqrt(-2.0 * std::log(x));
    const double z = t - ((0.010328 * t + 0.802853) * t + 2.515516) /
                             (((0.001308 * t + 0.189269) * t + 1.432788) * t + 1.0);
    return q > 0.5 ? -z : z;
}

// ---- Reference attenuation ([Alg] section 4) ----------------------------------------------------

// Diffraction attenuation A_d(d) beyond the horizons [Alg] section 4: a weighted mean of
// double-knife-edge and smooth-earth (Vogler's three radii) attenuation plus a clutter term.
// The distance-independent parts are computed once.
class Diffraction {
public:
    Diffraction(const Path& p, double theta_los, double d_sml) noexcept
        : p_(p), theta_los_(theta_los), d_ml_(p.d_l[0] + p.d_l[1]) {
        // Clutter factor A_fo = min(15, 5 log10(1 + 1e-5 h_g1 h_g2 f sigma_h(d_Ls))) [ERL79 3.38c].
        const double sigma_h = fresnel_zone_roughness_m(irregularity_at(d_sml, p.delta_h));
        clutter_db_ =
            std::min(15.0, 5.0 * std::log10(1.0 + 1e-5 * p.h_g[0] * p.h_g[1] * p.f * sigma_h));
        // sqrt(1 + (h_e1 h_e2 - h_g1 h_g2) / (h_g1 h_g2 + C)), C = 10 m^2 for known profiles
        // [ERL79 3.23, p. 3-8].
        const double hh = p.h_g[0] * p.h_g[1];
        height_term_ = std::sqrt(1.0 + (p.h_e[0] * p.h_e[1] - hh) / (hh + 10.0));
        // Smooth-earth terms of the two horizon radii a_j = d_Lj^2 / (2 h_ej) [Vog64 3].
        for (std::size_t j = 0; j < 2; ++j) {
            const double radius = 0.5 * p.d_l[j] * p.d_l[j] / p.h_e[j];
            const Vogler v = vogler(radius);
            x_horizon_[j] = v.x_per_km * p.d_l[j] / 1000.0;
            height_gain_[j] = height_gain_db(x_horizon_[j], v.k_factor);
        }
    }

    [[nodiscard]] double operator()(double d) const noexcept {
        const double theta = d / p_.a_e - theta_los_; // [Alg 4.12]
        const double beyond = d - d_ml_;

        // Double knife edge: v_j^2 = k theta^2 d_Lj (d - d_L) / (4 pi (d - d_L + d_Lj))
        // [TN101 I.7], A_k = A(v_1) + A(v_2) [TN101 I.1].
        const double v2 = 0.0795775 * p_.k * theta * theta * beyond;
        const double a_k = knife_edge_db(v2 * p_.d_l[0] / (beyond + p_.d_l[0])) +
                           knife_edge_db(v2 * p_.d_l[1] / (beyond + p_.d_l[1]));

        // Smooth earth over the radius a_0 = (d - d_L) / theta of the diffracting region:
        // A_r = G(x_0) - F(x_1, K_1) - F(x_2, K_2) - 20 dB, G(x) = 0.05751 x - 10 log10 x
        // [Alg 4.20], [TN101 8.4], [Vog64 13].
        const Vogler v = vogler(beyond / theta);
        const double x0 = v.x_per_km * beyond / 1000.0 + x_horizon_[0] + x_horizon_[1];
        const double a_r =
            0.05751 * x0 - 10.0 * std::log10(x0) - height_gain_[0] - height_gain_[1] - 20.0;

        // Weight of the smooth-earth term w = 25.1 / (25.1 + sqrt(q)) [ERL79 3.23].
        const double q = (height_term_ + (-theta_los_ * p_.a_e + d_ml_) / d) *
                         std::min(irregularity_at(d, p_.delta_h) * p_.k, 6283.2);
        const double w = 25.1 / (25.1 + std::sqrt(q));
        return w * a_r + (1.0 - w) * a_k + clutter_db_;
    }

private:
    // Vogler's parameters for an earth of radius a: C_0 = (4 a_0 / (3 a))^(1/3), a_0 = 6370 km
    // [Vog64 2], K = 0.017778 C_0 f^(-1/3) / |Z_g| [Vog64 6a, 7a], B_0 = 1.607 - K [Vog64 fig. 4],
    // and x = B_0 C_0^2 f^(1/3) d_km [Vog64 2].
    struct Vogler {
        double k_factor;
        double x_per_km;
    };
    [[nodiscard]] Vogler vogler(double radius_m) const noexcept {
        const double c0 = std::pow((4.0 / 3.0) * 6370e3 / radius_m, third);
        const double k_factor = 0.017778 * c0 * p_.c->f_minus_third / p_.c->abs_z_g;
        return {k_factor, (1.607 - k_factor) * c0 * c0 * p_.c->f_third};
    }

    const Path& p_;
    double theta_los_;
    double d_ml_;
    double clutter_db_ = 0.0;
    double height_term_ = 0.0;
    Pair x_horizon_{};
    Pair height_gain_{};
};

// Line-of-sight attenuation A_los(d) [Alg 4.46 - 4.50]: the two-ray (direct and ground-reflected)
// attenuation weighted against the extended diffraction line m_d d + A_d0.
double line_of_sight_db(const Path& p, double d, double m_d, double a_d0, double d_sml) noexcept {
    const double sigma_h = fresnel_zone_roughness_m(irregularity_at(d, p.delta_h));
    const double h_sum = p.h_e[0] + p.h_e[1];
    const double sin_psi = h_sum / std::sqrt(d * d + h_sum * h_sum); // [Alg 4.46]
    // Effective reflection coefficient, rough-surface reduced [Alg 4.47], and kept from
    // vanishing [Alg 4.48].
    Complex r_e =
        (sin_psi - p.z_g) / (sin_psi + p.z_g) * std::exp(-std::min(10.0, p.k * sigma_h * sin_psi));
    const double r_e_sq = std::norm(r_e);
    if (r_e_sq < 0.25 || r_e_sq < sin_psi) {
        r_e *= std::sqrt(sin_psi / r_e_sq);
    }
    // Phase difference of the two rays [Alg 4.49], limited beyond pi / 2 [Alg 4.50].
    double delta = 2.0 * p.k * p.h_e[0] * p.h_e[1] / d;
    constexpr double half_pi = std::numbers::pi / 2.0;
    if (delta > half_pi) {
        delta = std::numbers::pi - half_pi * half_pi / delta;
    }
    const double a_t =
        -10.0 * std::log10(std::norm(Complex(std::cos(delta), -std::sin(delta)) + r_e));
    // Weight of the two-ray term w = 1 / (1 + D_1 k Delta_h / max(D_2, d_Ls)), D_1 k = f_MHz
    // (D_1 = 47.7 m), D_2 = 10 km [Alg] section 4, line of sight.
    const double a_d = m_d * d + a_d0;
    const double w = 1.0 / (1.0 + p.f * p.delta_h / std::max(10e3, d_sml));
    return w * a_t + (1.0 - w) * a_d;
}

// Troposcatter attenuation A_scat(d) [Alg 4.63 - 4.67]. `carried_h0_db` is the frequency-gain
// H_0 of the previous call (negative before the first): ITM evaluates d_6 first, and when H_0
// exceeds 15 dB at d_5 it uses the value at d_6 ([Alg] section 4). Returns 1001 dB
// when both r_1 and r_2 are below 0.2, where A_scat is undefined.
constexpr double scatter_undefined_db = 1001.0;

double troposcatter_db(const Path& p, double d, double theta_los, double& carried_h0_db) noexcept {
    double h0_db = carried_h0_db;
    if (carried_h0_db <= 15.0) {
        double asym = p.d_l[0] - p.d_l[1];
        double height_ratio = p.h_e[1] / p.h_e[0];
        if (asym < 0.0) {
            asym = -asym;
            height_ratio = 1.0 / height_ratio;
        }
        const double theta = p.theta_e[0] + p.theta_e[1] + d / p.a_e;
        const double r1 = 2.0 * p.k * theta * p.h_e[0]; // [TN101 9.4a]
        const double r2 = 2.0 * p.k * theta * p.h_e[1];
        if (r1 < 0.2 && r2 < 0.2) {
            return scatter_undefined_db;
        }
        // Asymmetry s and q, truncated to [0.1, 10] [TN101 9.5], [Alg] section 4.
        double s = (d - asym) / (d + asym);
        const double q = std::clamp(height_ratio / s, 0.1, 10.0);
        s = std::max(0.1, s);
        // Height of the crossover of the horizon rays [Alg 4.66] and the scattering
        // efficiency eta_s, Z_0 = 1.7556 km, Z_1 = 8 km [Alg 4.67], [TN101 9.3a].
        const double h0 = (d - asym) * (d + asym) * theta * 0.25 / d;
        const double eta_s =
            (h0 / 1.7556e3) * (1.0 + (0.031 - 2.32e-3 * p.n_s + 5.67e-6 * p.n_s * p.n_s) *
                                         std::exp(-std::pow(std::min(1.7, h0 / 8.0e3), 6.0)));
        // H_0 = H_00 + Delta H_0, not below 0 [TN101 9.5].
        const double h00 = 0.5 * (frequency_gain_db(r1, eta_s) + frequency_gain_db(r2, eta_s));
        const double delta_h0 = std::min(h00, 6.0 * (0.6 - std::log10(std::max(eta_s, 1.0))) *
                                                  std::log10(s) * std::log10(q));
        h0_db = std::max(h00 + delta_h0, 0.0);
        if (eta_s < 1.0) {
            // Interpolated towards the eta_s = 0 limit [TN101 9.5].
            const double g = (1.0 + sqrt2 / r1) * (1.0 + sqrt2 / r2);
            h0_db = eta_s * h0_db +
                    (1.0 - eta_s) * 10.0 * std::log10(g * g * (r1 + r2) / (r1 + r2 + 2.0 * sqrt2));
        }
        if (h0_db > 15.0 && carried_h0_db >= 0.0) {
            h0_db = carried_h0_db;
        }
    }
    carried_h0_db = h0_db;
    // A_scat = F(theta d) + 10 log10(k H theta^4) - 0.1 (N_s - 301) e^(-theta d / D_0) + H_0,
    // H = 47.7 m [Alg 4.63], D_0 = 40 km [Alg 6.8].
    const double theta = d / p.a_e - theta_los;
    return scatter_attenuation_db(theta * d) +
           10.0 * std::log10(p.k * 47.7 * theta * theta * theta * theta) -
           0.1 * (p.n_s - 301.0) * std::exp(-theta * d / 40e3) + h0_db;
}

struct Reference {
    double attenuation_db = 0.0;
    PropagationMode mode = PropagationMode::not_set;
    ItmError error = ItmError::success;
};

// A_ref(d) [Alg] section 4: the line-of-sight curve A_el + K_1 d + K_2 ln d below the smooth-earth
// horizon distance d_Ls, the diffraction line A_ed + m_d d beyond it up to d_x, and the
// troposcatter line A_es + m_s d beyond d_x; never negative.
Reference reference_attenuation(const Path& p, int& warnings) noexcept {
    const double d_ls0 = std::sqrt(2.0 * p.h_e[0] * p.a_e); // smooth-earth horizons
    const double d_ls1 = std::sqrt(2.0 * p.h_e[1] * p.a_e);
    const double d_sml = d_ls0 + d_ls1;
    const double d_ml = p.d_l[0] + p.d_l[1];
    // Angular distance of the line-of-sight region, theta_e = max(theta_e1 + theta_e2, -d_L / a_e).
    const double theta_los = -std::max(p.theta_e[0] + p.theta_e[1], -d_ml / p.a_e);

    if (std::abs(p.theta_e[0]) > 200e-3) {
        warnings |= warning::tx_horizon_angle;
    }
    if (std::abs(p.theta_e[1]) > 200e-3) {
        warnings |= warning::rx_horizon_angle;
    }
    if (p.d_l[0] < 0.1 * d_ls0) {
        warnings |= warning::tx_horizon_distance_1;
    }
    if (p.d_l[1] < 0.1 * d_ls1) {
        warnings |= warning::rx_horizon_distance_1;
    }
    if (p.d_l[0] > 3.0 * d_ls0) {
        warnings |= warning::tx_horizon_distance_2;
    }
    if (p.d_l[1] > 3.0 * d_ls1) {
        warnings |= warning::rx_horizon_distance_2;
    }
    if (p.n_s < 150.0) {
        return {0.0, PropagationMode::not_set, ItmError::path_refractivity_small};
    }
    if (p.n_s > 400.0) {
        return {0.0, PropagationMode::not_set, ItmError::path_refractivity_large};
    }
    if (p.n_s < 250.0) {
        warnings |= warning::path_refractivity;
    }
    if (p.a_e < 4000e3 || p.a_e > 13333333.0) {
        return {0.0, PropagationMode::not_set, ItmError::effective_earth_radius};
    }
    if (p.z_g.real() <= std::abs(p.z_g.imag())) {
        return {0.0, PropagationMode::not_set, ItmError::ground_impedance};
    }

    // The diffraction line through two points far beyond the horizon, d_3 and d_4 = d_3 + 10 X,
    // X = (a_e^2 / f)^(1/3) [Alg] section 4.
    const Diffraction diffraction(p, theta_los, d_sml);
    const double x_ae = std::pow(p.a_e * p.a_e / p.f, third);
    const double d3 = std::max(d_sml, d_ml + 5.0 * x_ae);
    const double d4 = d3 + 10.0 * x_ae;
    const double a3 = diffraction(d3);
    const double a4 = diffraction(d4);
    const double m_d = (a4 - a3) / (d4 - d3);
    const double a_d0 = a3 - m_d * d3;

    if (p.d < std::abs(p.h_e[0] - p.h_e[1]) / 200e-3) {
        warnings |= warning::path_distance_too_small_1;
    }
    if (p.d < 1e3) {
        warnings |= warning::path_distance_too_small_2;
    }
    if (p.d > 1000e3) {
        warnings |= warning::path_distance_too_big_1;
    }
    if (p.d > 2000e3) {
        warnings |= warning::path_distance_too_big_2;
    }

    Reference ref;
    if (p.d < d_sml) {
        // Line of sight: A_ref = A_el + K_1 d + K_2 ln(d) through the diffraction line at d_Ls
        // and two-ray values at d_0 and d_1 [ERL79 3.16a, 3.16d, 3.19 - 3.21].
        const double a_sml = d_sml * m_d + a_d0;
        double d0 = 0.04 * p.f * p.h_e[0] * p.h_e[1];
        double d1 = 0.0;
        if (a_d0 >= 0.0) {
            d0 = std::min(d0, 0.5 * d_ml);
            d1 = d0 + 0.25 * (d_ml - d0);
        } else {
            d1 = std::max(-a_d0 / m_d, 0.25 * d_ml);
        }
        const double a1 = line_of_sight_db(p, d1, m_d, a_d0, d_sml);
        bool fitted = false;
        double k1 = 0.0;
        double k2 = 0.0;
        if (d0 < d1) {
            const double a0 = line_of_sight_db(p, d0, m_d, a_d0, d_sml);
            const double q = std::log(d_sml / d0);
            k2 = std::max(0.0, ((d_sml - d0) * (a1 - a0) - (d1 - d0) * (a_sml - a0)) /
                                   ((d_sml - d0) * std::log(d1 / d0) - (d1 - d0) * q));
            fitted = a_d0 > 0.0 || k2 > 0.0;
            if (fitted) {
                k1 = (a_sml - a0 - k2 * q) / (d_sml - d0);
                if (k1 < 0.0) {
                    k1 = 0.0;
                    k2 = std::fdim(a_sml, a0) / q;
                    if (k2 == 0.0) {
                        k1 = m_d;
                    }
                }
            }
        }
        if (!fitted) {
            k1 = std::fdim(a_sml, a1) / (d_sml - d1);
            k2 = 0.0;
            if (k1 == 0.0) {
                k1 = m_d;
            }
        }
        const double a_el = a_sml - k1 * d_sml - k2 * std::log(d_sml);
        ref.attenuation_db = a_el + k1 * p.d + k2 * std::log(p.d);
        ref.mode = PropagationMode::line_of_sight;
    } else {
        // Beyond the horizon: the troposcatter line through d_5 = d_L + 200 km and
        // d_6 = d_L + 400 km, and the distance d_x where it crosses the diffraction line, at
        // least d_L + 1.088 X ln(f) [Alg] section 4.
        const double d5 = d_ml + 200e3;
        const double d6 = d_ml + 400e3;
        double carried_h0 = -1.0;
        const double a6 = troposcatter_db(p, d6, theta_los, carried_h0);
        const double a5 = troposcatter_db(p, d5, theta_los, carried_h0);
        double m_s = m_d;
        double a_s0 = a_d0;
        double d_x = 10e6;
        if (a5 < 1000.0) {
            m_s = (a6 - a5) / 200e3;
            d_x = std::max(
                {d_sml, d_ml + 1.088 * x_ae * std::log(p.f), (a5 - a_d0 - m_s * d5) / (m_d - m_s)});
            a_s0 = (m_d - m_s) * d_x + a_d0;
        }
        if (p.d > d_x) {
            ref.attenuation_db = m_s * p.d + a_s0;
            ref.mode = PropagationMode::troposcatter;
        } else {
            ref.attenuation_db = m_d * p.d + a_d0;
            ref.mode = PropagationMode::diffraction;
        }
    }
    ref.attenuation_db = std::max(ref.attenuation_db, 0.0);
    return ref;
}

// ---- Variability ([Alg] section 5) --------------------------------------------------------------

// Climate constants of [Alg] Table 5.1 (columns: the seven climates in ITM's order).
struct CurveConstants {
    std::array<double, 7> c1, c2, x1, x2, x3;
};
// V(0.5, d_e): the median's offset from the reference attenuation.
constexpr CurveConstants median_curve = {
    {-9.67, -0.62, 1.26, -9.21, -0.62, -0.39, 3.15},
    {12.7, 9.19, 15.5, 9.05, 9.19, 2.86, 857.9},
    {144.9e3, 228.9e3, 262.6e3, 84.1e3, 228.9e3, 141.7e3, 2222.e3},
    {190.3e3, 205.2e3, 185.2e3, 101.1e3, 205.2e3, 315.9e3, 164.8e3},
    {133.8e3, 143.6e3, 99.8e3, 98.6e3, 143.6e3, 167.4e3, 116.3e3}};
// sigma_T-: time variability below the median.
constexpr CurveConstants sigma_minus_curve = {
    {2.13, 2.66, 6.11, 1.98, 2.68, 6.86, 8.51},
    {159.5, 7.67, 6.65, 13.11, 7.16, 10.38, 169.8},
    {762.2e3, 100.4e3, 138.2e3, 139.1e3, 93.7e3, 187.8e3, 609.8e3},
    {123.6e3, 172.5e3, 242.2e3, 132.7e3, 186.8e3, 169.6e3, 119.9e3},
    {94.5e3, 136.4e3, 178.6e3, 193.5e3, 133.5e3, 108.9e3, 106.6e3}};
// sigma_T+: time variability above the median.
constexpr CurveConstants sigma_plus_curve = {
    {2.11, 6.87, 10.08, 3.68, 4.75, 8.58, 8.43},
    {102.3, 15.53, 9.60, 159.3, 8.12, 13.97, 8.19},
    {636.9e3, 138.7e3, 165.3e3, 464.4e3, 93.2e3, 216.0e3, 136.2e3},
    {134.8e3, 143.7e3, 225.7e3, 93.1e3, 135.9e3, 152.0e3, 188.5e3},
    {95.6e3, 98.6e3, 129.7e3, 94.2e3, 113.4e3, 122.7e3, 122.9e3}};
// Ducting: sigma_TD = C_D sigma_T+ beyond z_D.
constexpr std::array<double, 7> ducting_c = {1.224, 0.801, 1.380, 1.000, 1.224, 1.518, 1.518};
constexpr std::array<double, 7> ducting_z = {1.282, 2.161, 1.282, 20.0, 1.282, 1.282, 1.282};
// Frequency factors g-(f), g+(f) = b1 + b2 / ((b3 ln(0.133 k))^2 + 1).
struct FrequencyConstants {
    std::array<double, 7> b1, b2, b3;
};
constexpr FrequencyConstants g_minus = {{1.0, 1.0, 1.0, 1.0, 0.92, 1.0, 1.0},
                                        {0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0},
                                        {0.0, 0.0, 0.0, 0.0, 1.77, 0.0, 0.0}};
constexpr FrequencyConstants g_plus = {{1.0, 0.93, 1.0, 0.93, 0.93, 1.0, 1.0},
                                       {0.0, 0.31, 0.0, 0.19, 0.31, 0.0, 0.0},
                                       {0.0, 2.00, 0.0, 1.79, 2.00, 0.0, 0.0}};

// The curves of [Alg] section 5 as functions of the effective distance d_e [TN101 III.69, III.70]:
// (c1 + c2 / (1 + ((d_e - x2) / x3)^2)) (d_e / x1)^2 / (1 + (d_e / x1)^2).
double climate_curve(const CurveConstants& c, std::size_t i, double d_e) noexcept {
    const double u = (d_e - c.x2[i]) / c.x3[i];
    const double v = (d_e / c.x1[i]) * (d_e / c.x1[i]);
    return (c.c1[i] + c.c2[i] / (1.0 + u * u)) * v / (1.0 + v);
}

double frequency_factor(const FrequencyConstants& g, std::size_t i, double k) noexcept {
    const double u = g.b3[i] * std::log(0.133 * k);
    return g.b1[i] + g.b2[i] / (u * u + 1.0);
}

// The attenuation not exceeded for the requested fractions, relative to free space:
// A = A_ref - V_med - Y_R - Y_S [Alg] section 5, softened below zero.
double variability_db(const Path& p, double a_ref, const ItmParameters& in,
                      int& warnings) noexcept {
    const auto i = static_cast<std::size_t>(static_cast<int>(in.climate) - 1);
    double z_t = p.c->z_t;
    double z_l = p.c->z_l;
    const double z_s = p.c->z_s;

    // Effective distance d_e, a_1 = 9000 km, D_1 = 130 km [Alg 5.3].
    const double d_ex = std::sqrt(2.0 * 9000e3 * p.h_e[0]) + std::sqrt(2.0 * 9000e3 * p.h_e[1]) +
                        p.c->scatter_distance;
    const double d_e = p.d < d_ex ? 130e3 * p.d / d_ex : 130e3 + p.d - d_ex;

    // Situation variability sigma_S = 5 + 3 e^(-d_e / D), D = 100 km [Alg 5.10]; none when the
    // direct situation variability is eliminated.
    const double sigma_s =
        in.eliminate_situation_variability ? 0.0 : 5.0 + 3.0 * std::exp(-d_e / 100e3);

    const double v_med = climate_curve(median_curve, i, d_e);

    switch (in.variability_mode) {
    case VariabilityMode::single_message:
        z_t = z_s;
        z_l = z_s;
        break;
    case VariabilityMode::accidental:
        z_l = z_s;
        break;
    case VariabilityMode::mobile:
        z_l = z_t;
        break;
    case VariabilityMode::broadcast:
        break;
    }
    if (std::abs(z_t) > 3.1 || std::abs(z_l) > 3.1 || std::abs(z_s) > 3.1) {
        warnings |= warning::extreme_variabilities;
    }

    // Location variability sigma_L = 10 k Delta_h(d) / (k Delta_h(d) + 13) [Alg 5.9].
    const double kdh = p.k * irregularity_at(p.d, p.delta_h);
    const double sigma_l = in.eliminate_location_variability ? 0.0 : 10.0 * kdh / (kdh + 13.0);
    const double y_l = sigma_l * z_l;

    // Time variability: sigma_T- below the median, sigma_T+ above it up to z_D, and the
    // ducting tail sigma_TD + (sigma_T+ - sigma_TD) z_D / z_T beyond [Alg] section 5.
    const double sigma_minus = climate_curve(sigma_minus_curve, i, d_e) * p.c->g_minus;
    const double sigma_plus = climate_curve(sigma_plus_curve, i, d_e) * p.c->g_plus;
    const double sigma_td = ducting_c[i] * sigma_plus;
    double sigma_t = sigma_plus;
    if (z_t < 0.0) {
        sigma_t = sigma_minus;
    } else if (z_t > ducting_z[i]) {
        sigma_t = sigma_td + (sigma_plus - sigma_td) * ducting_z[i] / z_t;
    }
    const double y_t = sigma_t * z_t;

    // Y_S^2 = sigma_S^2 + Y_T^2 / (7.8 + z_S^2) + Y_L^2 / (24 + z_S^2) [Alg 5.11], with the
    // combination of each mode of variability.
    const double zs2 = z_s * z_s;
    const double s2 = sigma_s * sigma_s + y_t * y_t / (7.8 + zs2) + y_l * y_l / (24.0 + zs2);
    double y_r = 0.0;
    double y_s = 0.0;
    switch (in.variability_mode) {
    case VariabilityMode::single_message:
        y_s = std::sqrt(sigma_t * sigma_t + sigma_l * sigma_l + s2) * z_s;
        break;
    case VariabilityMode::accidental:
        y_r = y_t;
        y_s = std::sqrt(sigma_l * sigma_l + s2) * z_s;
        break;
    case VariabilityMode::mobile:
        y_r = std::sqrt(sigma_t * sigma_t + sigma_l * sigma_l) * z_t;
        y_s = std::sqrt(s2) * z_s;
        break;
    case VariabilityMode::broadcast:
        y_r = y_t + y_l;
        y_s = std::sqrt(s2) * z_s;
        break;
    }
    const double a = a_ref - v_med - y_r - y_s;
    // Below zero the attenuation is compressed towards -29 dB: A (29 - A) / (29 - 10 A).
    return a < 0.0 ? a * (29.0 - a) / (29.0 - 10.0 * a) : a;
}

// The Constants of `in` (checked parameters).
Constants prepare(const ItmParameters& in) noexcept {
    Constants c;
    c.k = wave_number(in.frequency_mhz);
    c.z_g = ground_impedance(in.ground_relative_permittivity, in.ground_conductivity_s_per_m,
                             in.frequency_mhz, in.polarization);
    c.abs_z_g = std::abs(c.z_g);
    c.f_third = std::pow(in.frequency_mhz, third);
    c.f_minus_third = std::pow(in.frequency_mhz, -third);
    c.scatter_distance = std::pow(575.7e12 / c.k, third);
    c.z_t = inverse_ccdf(in.time_percent / 100.0);
    c.z_l = inverse_ccdf(in.location_percent / 100.0);
    c.z_s = inverse_ccdf(in.situation_percent / 100.0);
    const auto i = static_cast<std::size_t>(static_cast<int>(in.climate) - 1);
    c.g_minus = frequency_factor(g_minus, i, c.k);
    c.g_plus = frequency_factor(g_plus, i, c.k);
    return c;
}

// ---- Input checks ([NTIA] ValidateInputs and ERRORS_AND_WARNINGS.md) ----------------------------

bool inside(double v, double lo, double hi) noexcept {
    return v >= lo && v <= hi;
}
bool open_percent(double v) noexcept {
    return v > 0.0 && v < 100.0;
}

ItmError check_inputs(const TerrainProfile& profile, const ItmParameters& p,
                      int& warnings) noexcept {
    if (!inside(p.tx_height_m, 1.0, 1000.0)) {
        warnings |= warning::tx_height;
    }
    if (!inside(p.tx_height_m, 0.5, 3000.0)) {
        return ItmError::tx_height;
    }
    if (!inside(p.rx_height_m, 1.0, 1000.0)) {
        warnings |= warning::rx_height;
    }
    if (!inside(p.rx_height_m, 0.5, 3000.0)) {
        return ItmError::rx_height;
    }
    if (!inside(static_cast<int>(p.climate), 1, 7)) {
        return ItmError::climate;
    }
    if (!inside(p.surface_refractivity_n_units, 250.0, 400.0)) {
        return ItmError::surface_refractivity;
    }
    if (!inside(p.frequency_mhz, 40.0, 10000.0)) {
        warnings |= warning::frequency;
    }
    if (!inside(p.frequency_mhz, 20.0, 20000.0)) {
        return ItmError::frequency;
    }
    if (p.polarization != Polarization::horizontal && p.polarization != Polarization::vertical) {
        return ItmError::polarization;
    }
    if (!(p.ground_relative_permittivity >= 1.0)) {
        return ItmError::permittivity;
    }
    if (!(p.ground_conductivity_s_per_m > 0.0)) {
        return ItmError::conductivity;
    }
    if (!inside(static_cast<int>(p.variability_mode), 0, 3)) {
        return ItmError::variability_mode;
    }
    if (!open_percent(p.situation_percent)) {
        return ItmError::situation_percent;
    }
    if (!open_percent(p.time_percent)) {
        return ItmError::time_percent;
    }
    if (!open_percent(p.location_percent)) {
        return ItmError::location_percent;
    }
    const bool finite_profile = std::all_of(profile.elevation_m.begin(), profile.elevation_m.end(),
                                            [](double z) { return std::isfinite(z); });
    if (profile.intervals() < 1 || !(profile.spacing_m > 0.0) ||
        !std::isfinite(profile.spacing_m) || !finite_profile) {
        return ItmError::path_distance;
    }
    return ItmError::success;
}

ItmResult failed(ItmResult r, ItmError error) noexcept {
    r.error = error;
    r.loss_db = not_a_number;
    r.free_space_loss_db = not_a_number;
    r.reference_attenuation_db = not_a_number;
    r.mode = PropagationMode::not_set;
    return r;
}

// The loss over a path whose terrain `terrain` describes (ProfileTerrain, RadialTerrain), for
// parameters already checked; `r` carries the warnings so far.
template <typename Terrain>
ItmResult evaluate(const Terrain& terrain, const ItmParameters& p, const Constants& c,
                   ItmResult r) noexcept {
    Path path;
    path.c = &c;
    path.d = terrain.distance_m();
    path.f = p.frequency_mhz;
    path.k = c.k;
    path.n_s = path_refractivity(p.surface_refractivity_n_units, terrain.mean_elevation_m());
    path.a_e = 1.0 / effective_curvature(path.n_s);
    path.z_g = c.z_g;
    path.h_g = {p.tx_height_m, p.rx_height_m};
    analyse_profile(terrain, path);

    r.distance_m = path.d;
    r.surface_refractivity_n_units = path.n_s;
    r.effective_earth_radius_m = path.a_e;
    r.terrain_irregularity_m = path.delta_h;
    r.tx_horizon_distance_m = path.d_l[0];
    r.rx_horizon_distance_m = path.d_l[1];
    r.tx_horizon_angle_rad = path.theta_e[0];
    r.rx_horizon_angle_rad = path.theta_e[1];
    r.tx_effective_height_m = path.h_e[0];
    r.rx_effective_height_m = path.h_e[1];

    const Reference ref = reference_attenuation(path, r.warnings);
    if (ref.error != ItmError::success) {
        return failed(r, ref.error);
    }
    r.free_space_loss_db = free_space_loss_db(path.d, p.frequency_mhz);
    r.reference_attenuation_db = ref.attenuation_db;
    r.mode = ref.mode;
    r.loss_db = r.free_space_loss_db + variability_db(path, ref.attenuation_db, p, r.warnings);
    if (!std::isfinite(r.loss_db)) {
        return failed(r, ItmError::non_finite_result);
    }
    return r;
}

} // namespace

std::optional<Climate> parse_climate(std::string_view text) noexcept {
    const std::optional<int> index = parse_name<int>(climate_names, text);
    return index ? std::optional(static_cast<Climate>(*index + 1)) : std::nullopt;
}

std::string_view to_string(Climate climate) noexcept {
    const int number = static_cast<int>(climate);
    return number >= 1 && number <= static_cast<int>(climate_names.size())
               ? climate_names[static_cast<std::size_t>(number - 1)]
               : std::string_view();
}

std::string_view to_string(ItmError error) noexcept {
    switch (error) {
    case ItmError::success:
        return "success";
    case ItmError::tx_height:
        return "transmitter height outside [0.5, 3000] m";
    case ItmError::rx_height:
        return "receiver height outside [0.5, 3000] m";
    case ItmError::climate:
        return "radio climate not in 1..7";
    case ItmError::time_percent:
        return "time percentage outside (0, 100)";
    case ItmError::location_percent:
        return "location percentage outside (0, 100)";
    case ItmError::situation_percent:
        return "situation percentage outside (0, 100)";
    case ItmError::surface_refractivity:
        return "surface refractivity N_0 outside [250, 400] N-units";
    case ItmError::frequency:
        return "frequency outside [20, 20000] MHz";
    case ItmError::polarization:
        return "polarization neither horizontal nor vertical";
    case ItmError::permittivity:
        return "ground relative permittivity below 1";
    case ItmError::conductivity:
        return "ground conductivity not positive";
    case ItmError::ground_impedance:
        return "ground impedance with |Im Z_g| >= Re Z_g";
    case ItmError::variability_mode:
        return "mode of variability not in 0..3";
    case ItmError::effective_earth_radius:
        return "effective earth radius outside [4000, 13333] km";
    case ItmError::path_distance:
        return "terrain profile without a positive finite length and finite elevations";
    case ItmError::path_refractivity_small:
        return "surface refractivity at the path's height below 150 N-units";
    case ItmError::path_refractivity_large:
        return "surface refractivity at the path's height above 400 N-units";
    case ItmError::non_finite_result:
        return "no finite loss for this path: its horizons are outside the model's approximations";
    }
    return "unknown ITM error";
}

double free_space_loss_db(double distance_m, double frequency_mhz) noexcept {
    return 32.45 + 20.0 * std::log10(frequency_mhz) + 20.0 * std::log10(distance_m / 1000.0);
}

bool apply_mdvar(int mdvar, ItmParameters& p) noexcept {
    if (mdvar < 0 || mdvar > 33 || mdvar % 10 > 3) {
        return false;
    }
    p.variability_mode = static_cast<VariabilityMode>(mdvar % 10);
    p.eliminate_location_variability = (mdvar / 10) % 2 == 1;
    p.eliminate_situation_variability = mdvar >= 20;
    return true;
}

ItmResult point_to_point(const TerrainProfile& profile, const ItmParameters& p) noexcept {
    ItmResult r;
    const ItmError input_error = check_inputs(profile, p, r.warnings);
    if (input_error != ItmError::success) {
        return failed(r, input_error);
    }
    return evaluate(ProfileTerrain{profile.elevation_m, profile.spacing_m}, p, prepare(p), r);
}

void point_to_point_along(const TerrainProfile& radial, const ItmParameters& p,
                          std::size_t first_receiver, std::size_t stride, RadialScratch& scratch,
                          std::span<double> attenuation_db, double tolerance_db) {
    std::fill(attenuation_db.begin(), attenuation_db.end(), not_a_number);
    const std::size_t n = radial.intervals();
    if (first_receiver < 1 || first_receiver > n || stride < 1 ||
        attenuation_db.size() != (n - first_receiver) / stride + 1) {
        return;
    }
    ItmResult r;
    if (check_inputs(radial, p, r.warnings) != ItmError::success) {
        return;
    }
    const RadialAnalysis analysis(radial, p, first_receiver, stride, scratch);
    const Constants constants = prepare(p);
    const auto attenuation_at = [&](std::size_t m) {
        const ItmResult rk =
            evaluate(analysis.terrain(first_receiver + m * stride), p, constants, r);
        return rk.ok() ? rk.loss_db - rk.free_space_loss_db : not_a_number;
    };
    const std::size_t count = attenuation_db.size();
    const std::size_t step = tolerance_db > 0.0 ? 2 : 1;
    for (std::size_t m = 0; m < count; m += step) {
        attenuation_db[m] = attenuation_at(m);
    }
    for (std::size_t m = 1; step == 2 && m < count; m += 2) {
        const double before = attenuation_db[m - 1];
        const double after = m + 1 < count ? attenuation_db[m + 1] : not_a_number;
        // False for a NaN neighbour (an error there, or none after the last receiver).
        attenuation_db[m] =
            std::abs(after - before) <= tolerance_db ? 0.5 * (before + after) : attenuation_at(m);
    }
}

} // namespace covsim::itm
