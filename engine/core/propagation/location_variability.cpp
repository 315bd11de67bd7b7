#include "core/propagation/location_variability.hpp"

#include "core/propagation/tr38901.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace covsim::variability {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Acklam (2003): coefficients of the central rational function (a/b) and of the tails (c/d).
constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                        1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                        6.680131188771972e+01, -1.328068155288572e+01};
constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                        -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                        3.754408661907416e+00};
constexpr double p_low = 0.02425; // central region: p_low ≤ p ≤ 1 − p_low

// The lower-tail approximation at q = sqrt(−2 ln p).
double lower_tail(double q) noexcept {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
}

bool valid_sigma(double sigma_db) noexcept {
    return std::isfinite(sigma_db) && sigma_db >= 0.0;
}

} // namespace

double normal_quantile(double p) noexcept {
    if (!(p >= 0.0 && p <= 1.0)) {
        return nan;
    }
    if (p == 0.0) {
        return -std::numeric_limits<double>::infinity();
    }
    if (p == 1.0) {
        return std::numeric_limits<double>::infinity();
    }
    if (p < p_low) {
        return lower_tail(std::sqrt(-2.0 * std::log(p)));
    }
    if (p > 1.0 - p_low) {
        return -lower_tail(std::sqrt(-2.0 * std::log(1.0 - p))); // symmetry Φ⁻¹(p) = −Φ⁻¹(1 − p)
    }
    const double x = p - 0.5;
    const double r = x * x;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * x /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

double normal_cdf(double x) noexcept {
    return 0.5 * std::erfc(-x * std::numbers::sqrt2 / 2.0);
}

double location_margin_db(double sigma_db, double location_probability) noexcept {
    if (!valid_sigma(sigma_db)) {
        return nan;
    }
    return sigma_db * normal_quantile(location_probability);
}

double combined_sigma_db(double sigma1_db, double sigma2_db) noexcept {
    if (!valid_sigma(sigma1_db) || !valid_sigma(sigma2_db)) {
        return nan;
    }
    return std::hypot(sigma1_db, sigma2_db);
}

double tr38901_sigma_db(Tr38901Scenario scenario, LosCondition los, double d2d_m, double h_bs_m,
                        double h_ut_m, double fc_ghz) noexcept {
    if (los == LosCondition::probabilistic) {
        return nan;
    }
    const bool is_los = los == LosCondition::los;
    switch (scenario) {
    case Tr38901Scenario::rma:
        if (!is_los) {
            return rma_nlos_sigma_db;
        }
        if (!(d2d_m >= 0.0)) {
            return nan;
        }
        return d2d_m <= tr38901::rma_breakpoint_m(h_bs_m, h_ut_m, fc_ghz) ? rma_los_sigma_pl1_db
                                                                          : rma_los_sigma_pl2_db;
    case Tr38901Scenario::uma:
        return is_los ? uma_los_sigma_db : uma_nlos_sigma_db;
    case Tr38901Scenario::umi:
        return is_los ? umi_los_sigma_db : umi_nlos_sigma_db;
    }
    return nan;
}

double probabilistic_sigma_db(double p_los, double los_sigma_db, double nlos_sigma_db,
                              double los_loss_db, double nlos_loss_db) noexcept {
    if (!(p_los >= 0.0 && p_los <= 1.0) || !valid_sigma(los_sigma_db) ||
        !valid_sigma(nlos_sigma_db) || !std::isfinite(los_loss_db) ||
        !std::isfinite(nlos_loss_db)) {
        return nan;
    }
    const double gap = nlos_loss_db - los_loss_db;
    return std::sqrt(p_los * los_sigma_db * los_sigma_db +
                     (1.0 - p_los) * nlos_sigma_db * nlos_sigma_db +
                     p_los * (1.0 - p_los) * gap * gap);
}

double los_mixture_quantile_db(double p_los, double los_loss_db, double los_sigma_db,
                               double nlos_loss_db, double nlos_sigma_db, double q) noexcept {
    if (!(p_los >= 0.0 && p_los <= 1.0) || !(q > 0.0 && q < 1.0) ||
        !(valid_sigma(los_sigma_db) && los_sigma_db > 0.0) ||
        !(valid_sigma(nlos_sigma_db) && nlos_sigma_db > 0.0) || !std::isfinite(los_loss_db) ||
        !std::isfinite(nlos_loss_db)) {
        return nan;
    }
    const double z = normal_quantile(q);
    const double los_q = los_loss_db + los_sigma_db * z;
    const double nlos_q = nlos_loss_db + nlos_sigma_db * z;
    if (p_los == 1.0 || los_q == nlos_q) {
        return los_q;
    }
    if (p_los == 0.0) {
        return nlos_q;
    }
    // F(L) − q ≤ 0 at the lower component quantile and ≥ 0 at the upper one; widened by far more
    // than σ |Φ⁻¹(q)| times Acklam's relative error (1.15e−9), which they carry.
    double lo = std::min(los_q, nlos_q) - 1e-6;
    double hi = std::max(los_q, nlos_q) + 1e-6;
    // First guess: the quantile of the larger component with the other one's share all below
    // it (p < q: F = p + (1 − p) Φ(z_NLOS)) or all above it (F = p Φ(z_LOS)); exact when the
    // components do not overlap there.
    double x = p_los < q
                   ? nlos_loss_db + nlos_sigma_db * normal_quantile((q - p_los) / (1.0 - p_los))
                   : los_loss_db + los_sigma_db * normal_quantile(q / p_los);
    // Where the other component lies more than 7 σ beyond that guess, its share of locations
    // on the guess's side is below p Q(7) = p 1.3e−12: taking it as nothing moves L_q by that
    // divided by the density F'(L_q) (at most 2.3e−10 dB over the Hanoi layers' setups, 10 m to
    // 8 km and q from 0.01 to 0.99), and the guess is the answer without evaluating F. This
    // halves the coverage kernel's cost of the mixture (bench/bench_coverage.cpp).
    constexpr double separated_sigmas = 7.0;
    if (p_los < q ? x - los_loss_db > separated_sigmas * los_sigma_db
                  : nlos_loss_db - x > separated_sigmas * nlos_sigma_db) {
        return x;
    }
    x = std::clamp(x, lo, hi);
    constexpr double tolerance_db = 1e-9;
    constexpr double inv_sqrt_2pi = 0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2;
    for (int iteration = 0; iteration < 200; ++iteration) {
        const double z_los = (x - los_loss_db) / los_sigma_db;
        const double z_nlos = (x - nlos_loss_db) / nlos_sigma_db;
        const double f =
            p_los * normal_cdf(z_los) + (1.0 - p_los) * normal_cdf(z_nlos) - q; // F(x) − q
        if (f == 0.0) {
            return x;
        }
        (f < 0.0 ? lo : hi) = x;
        const double density =
            inv_sqrt_2pi *
            (p_los * std::exp(-0.5 * z_los * z_los) / los_sigma_db +
             (1.0 - p_los) * std::exp(-0.5 * z_nlos * z_nlos) / nlos_sigma_db); // F'(x)
        double next = x - f / density;
        if (std::abs(next - x) <= tolerance_db) {
            return next;
        }
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi); // Newton left the bracket (or the density underflowed)
        }
        if (hi - lo <= tolerance_db) {
            return next;
        }
        x = next;
    }
    return x;
}

} // namespace covsim::variability
