#pragma once
// Location variability: the margin that turns a median loss into the loss not exceeded at a
// fraction p of locations, for log-normal shadow fading, and the shadow-fading standard
// deviations of covsim's path loss models.
//
// For a loss L = L_median + X with X ~ N(0, σ²) in dB, the loss not exceeded at a fraction p
// of locations is
//   L(p) = L_median + σ Φ⁻¹(p) = L_median + σ Q⁻¹(1 − p)
// (Φ the standard normal distribution, Q = 1 − Φ; ITU-R P.1812-6 writes the same margin as
// −Q⁻¹(p) σ with p the fraction of locations where the field strength is exceeded). Coverage
// at 95 % of locations with σ = 8 dB needs a margin of 1.6449 × 8 = 13.16 dB.
//
// Φ⁻¹ is P.J. Acklam's rational approximation ("An algorithm for computing the inverse normal
// cumulative distribution function", 2003): two rational functions, one for the central
// region 0.02425 ≤ p ≤ 0.97575 and one in sqrt(−2 ln p) for each tail; relative error below
// 1.15e−9 over (0, 1). Deterministic: only +, −, ×, ÷, sqrt and fast::log (core/fast_math.hpp).
//
// Independent variabilities add in variance: σ_total = sqrt(σ1² + σ2²) (e.g. outdoor shadowing
// and the spread of building entry loss, as P.1812-6 combines them for indoor receivers).
//
// Shadow-fading σ (dB), 3GPP TR 38.901 V17.0.0 Table 7.4.1-1:
//   RMa  LOS 4 (d_2D ≤ d_BP, PL1) and 6 (d_BP < d_2D, PL2), NLOS 8
//   UMa  LOS 4, NLOS 6
//   UMi  LOS 4, NLOS 7.82 (street canyon)
// COST-231 Hata has no σ of its own; covsim uses 8 dB, the σ_SF that WINNER II D1.1.2 (2007)
// Table 4-4 gives for its C2 (typical urban macro) NLOS path loss, which is COST-231 Hata's
// distance dependence (44.9 − 6.55 log10 h_BS) log10 d. See docs/models/location-variability.md.
//
// The probabilistic LOS combination of the TR 38.901 models (LosCondition::probabilistic) is a
// two-component mixture: with probability p a location is in LOS and its loss is
// N(L_LOS, σ_LOS²), otherwise N(L_NLOS, σ_NLOS²). Its distribution function is
//   F(L) = p Φ((L − L_LOS) / σ_LOS) + (1 − p) Φ((L − L_NLOS) / σ_NLOS)
// and covsim uses its quantiles: the loss not exceeded at a fraction q of locations is the L_q
// with F(L_q) = q (q = 0.5 for the median path loss, the location probability for a coverage
// margin). F is increasing, so L_q lies between the two components' own quantiles
// L_LOS + σ_LOS Φ⁻¹(q) and L_NLOS + σ_NLOS Φ⁻¹(q); los_mixture_quantile_db finds it there by
// Newton's method, kept inside the bracket by bisection, from the quantile of the component
// that holds most locations with the other one's share taken as all below (p < q) or all above
// (p ≥ q) it; where the other component lies 7 σ beyond that guess, the guess is the answer.
// Φ is fast::erfc (W. J. Cody's approximations, core/fast_math.hpp). The result solves F(L_q) = q
// to 1e−9 in F (Φ⁻¹'s relative error 1.15e−9 in a guess taken as the answer), below 1e−7 dB. See
// docs/models/location-variability.md.
//
// The same mixture's standard deviation (probabilistic_sigma_db) matches its first two moments:
//   σ² = p σ_LOS² + (1 − p) σ_NLOS² + p (1 − p) (L_NLOS − L_LOS)²
// It reduces to σ_LOS at p = 1 and σ_NLOS at p = 0; the last term carries the uncertainty of
// whether a location is in LOS at all. covsim reports it as the model's σ; margins come from
// the quantiles.
//
// Invalid input (p outside [0, 1], σ < 0, NaN) gives NaN. Never throws.

#include "core/fast_math.hpp"
#include "core/isa.hpp"
#include "core/propagation/model.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>

namespace covsim::variability {

// Φ(x), the standard normal distribution function: erfc(−x / √2) / 2.
double normal_cdf(double x) noexcept;

namespace detail {

// Acklam (2003): coefficients of the central rational function (a/b) and of the tails (c/d).
inline constexpr double acklam_a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                      -2.759285104469687e+02, 1.383577518672690e+02,
                                      -3.066479806614716e+01, 2.506628277459239e+00};
inline constexpr double acklam_b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                      -1.556989798598866e+02, 6.680131188771972e+01,
                                      -1.328068155288572e+01};
inline constexpr double acklam_c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                      -2.400758277161838e+00, -2.549732539343734e+00,
                                      4.374664141464968e+00,  2.938163982698783e+00};
inline constexpr double acklam_d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                      2.445134137142996e+00, 3.754408661907416e+00};
inline constexpr double acklam_p_low = 0.02425; // central region: p_low ≤ p ≤ 1 − p_low

} // namespace detail

// Φ⁻¹(p), the standard normal quantile: NaN outside [0, 1], −infinity at 0, +infinity at 1;
// p below 2.2e−308 (subnormal) is taken as 2.2e−308 (Φ⁻¹ = −37.5). Both regions are evaluated
// and one selected, with fast::log (core/fast_math.hpp): a loop over p vectorises, with the same
// bits in either instruction-set copy.
[[gnu::always_inline]] inline double normal_quantile(double p) noexcept {
    using namespace detail;
    const double x = p - 0.5;
    const double r = x * x;
    const double central =
        (((((acklam_a[0] * r + acklam_a[1]) * r + acklam_a[2]) * r + acklam_a[3]) * r +
          acklam_a[4]) *
             r +
         acklam_a[5]) *
        x /
        (((((acklam_b[0] * r + acklam_b[1]) * r + acklam_b[2]) * r + acklam_b[3]) * r +
          acklam_b[4]) *
             r +
         1.0);
    // The lower tail at t = min(p, 1 − p), negated for the upper one (Φ⁻¹(p) = −Φ⁻¹(1 − p)).
    constexpr double smallest = std::numeric_limits<double>::min();
    const double t = p < 0.5 ? p : 1.0 - p;
    const double q = __builtin_sqrt(-2.0 * fast::log(t > smallest ? t : smallest));
    const double tail =
        (((((acklam_c[0] * q + acklam_c[1]) * q + acklam_c[2]) * q + acklam_c[3]) * q +
          acklam_c[4]) *
             q +
         acklam_c[5]) /
        ((((acklam_d[0] * q + acklam_d[1]) * q + acklam_d[2]) * q + acklam_d[3]) * q + 1.0);
    constexpr double inf = std::numeric_limits<double>::infinity();
    double v = p > 1.0 - acklam_p_low ? -tail : central;
    v = p < acklam_p_low ? tail : v;
    v = p == 0.0 ? -inf : v;
    v = p == 1.0 ? inf : v;
    return p >= 0.0 && p <= 1.0 ? v : std::numeric_limits<double>::quiet_NaN();
}

// σ Φ⁻¹(p): add to a median loss for the loss not exceeded at a fraction p of locations
// (negative for p < 0.5).
double location_margin_db(double sigma_db, double location_probability) noexcept;

// sqrt(σ1² + σ2²).
double combined_sigma_db(double sigma1_db, double sigma2_db) noexcept;

// The scenarios of TR 38.901 Table 7.4.1-1 that covsim implements.
enum class Tr38901Scenario : std::uint8_t { rma, uma, umi };

inline constexpr double rma_los_sigma_pl1_db = 4.0;
inline constexpr double rma_los_sigma_pl2_db = 6.0;
inline constexpr double rma_nlos_sigma_db = 8.0;
inline constexpr double uma_los_sigma_db = 4.0;
inline constexpr double uma_nlos_sigma_db = 6.0;
inline constexpr double umi_los_sigma_db = 4.0;
inline constexpr double umi_nlos_sigma_db = 7.82;
inline constexpr double cost231_hata_sigma_db = 8.0;

// σ_SF of Table 7.4.1-1 for a pure LOS or NLOS link. For RMa LOS the breakpoint distance
// (note 5, tr38901::rma_breakpoint_m) decides between PL1 and PL2; the other arguments are
// read only there. NaN for LosCondition::probabilistic (use probabilistic_sigma_db).
double tr38901_sigma_db(Tr38901Scenario scenario, LosCondition los, double d2d_m, double h_bs_m,
                        double h_ut_m, double fc_ghz) noexcept;

// The mixture σ above, for a LOS probability p_los and the two conditions' σ and median losses.
double probabilistic_sigma_db(double p_los, double los_sigma_db, double nlos_sigma_db,
                              double los_loss_db, double nlos_loss_db) noexcept;

// L_q of the LOS/NLOS mixture above: the loss not exceeded at a fraction q of locations, dB.
// Exactly L_LOS + σ_LOS Φ⁻¹(q) at p = 1 and L_NLOS + σ_NLOS Φ⁻¹(q) at p = 0 (so the medians
// at q = 0.5). NaN for p outside [0, 1], q outside (0, 1), σ ≤ 0 or a non-finite loss.
double los_mixture_quantile_db(double p_los, double los_loss_db, double los_sigma_db,
                               double nlos_loss_db, double nlos_sigma_db, double q) noexcept;

namespace detail {

// The solver of los_mixture_quantile_db, in two steps written without branches on data so that
// a loop over locations vectorises (the batch form below) and gives the bits of the scalar form.

// The most steps the solver takes (Newton's method needs about 2; a bisection halves the
// bracket).
inline constexpr int mixture_max_steps = 200;

// The start for one location, with z = Φ⁻¹(q) and q in (0, 1): NaN for invalid input; the exact
// answer at p = 0, p = 1 and for equal component quantiles; the first guess when the other
// component lies 7 σ beyond it (los_mixture_quantile_db). In those cases x is the answer and the
// result is 1. Otherwise the result is 0, x the first guess kept in the bracket [lo, hi].
[[gnu::always_inline]] inline double mixture_start(double p, double los_db, double los_sigma,
                                                   double nlos_db, double nlos_sigma, double q,
                                                   double z, double& x, double& lo,
                                                   double& hi) noexcept {
    const double los_q = los_db + los_sigma * z;
    const double nlos_q = nlos_db + nlos_sigma * z;
    // F(L) − q ≤ 0 at the lower component quantile and ≥ 0 at the upper one; widened by far
    // more than σ |Φ⁻¹(q)| times Acklam's relative error (1.15e−9), which they carry.
    lo = (los_q < nlos_q ? los_q : nlos_q) - 1e-6;
    hi = (los_q < nlos_q ? nlos_q : los_q) + 1e-6;
    // First guess: the quantile of the larger component with the other one's share all below
    // it (p < q: F = p + (1 − p) Φ(z_NLOS)) or all above it (F = p Φ(z_LOS)); exact when the
    // components do not overlap there.
    const bool nlos_larger = p < q;
    const double share = nlos_larger ? (q - p) / (1.0 - p) : q / p;
    const double guess = nlos_larger ? nlos_db + nlos_sigma * normal_quantile(share)
                                     : los_db + los_sigma * normal_quantile(share);
    // Where the other component lies more than 7 σ beyond that guess, its share of locations
    // on the guess's side is below p Q(7) = p 1.3e−12: taking it as nothing moves L_q by that
    // divided by the density F'(L_q) (at most 2.3e−10 dB over the Hanoi layers' setups, 10 m to
    // 8 km and q from 0.01 to 0.99), and the guess is the answer without evaluating F.
    constexpr double separated_sigmas = 7.0;
    const double beyond = nlos_larger ? guess - los_db : nlos_db - guess;
    const double limit = nlos_larger ? separated_sigmas * los_sigma : separated_sigmas * nlos_sigma;
    const bool separated = beyond > limit;
    double start = guess < lo ? lo : guess;
    start = start > hi ? hi : start;
    // One select per condition (no && or || between them): the loop over locations vectorises.
    double v = separated ? guess : start;
    double done = separated ? 1.0 : 0.0;
    v = p == 0.0 ? nlos_q : v;
    v = p == 1.0 ? los_q : v;
    v = los_q == nlos_q ? los_q : v;
    done = p == 0.0 ? 1.0 : done;
    done = p == 1.0 ? 1.0 : done;
    done = los_q == nlos_q ? 1.0 : done;
    // Invalid input: p outside [0, 1], σ not positive and finite, a loss not finite.
    constexpr double invalid = std::numeric_limits<double>::quiet_NaN();
    constexpr double huge = std::numeric_limits<double>::max();
    v = p >= 0.0 ? v : invalid;
    v = p <= 1.0 ? v : invalid;
    v = los_sigma > 0.0 ? v : invalid;
    v = los_sigma <= huge ? v : invalid;
    v = nlos_sigma > 0.0 ? v : invalid;
    v = nlos_sigma <= huge ? v : invalid;
    v = los_db - los_db == 0.0 ? v : invalid;
    v = nlos_db - nlos_db == 0.0 ? v : invalid;
    x = v;
    return v == v ? done : 1.0;
}

// One step of Newton's method on F(x) − q from x, kept inside [lo, hi] by bisection; 1 when x
// is then the answer (F(x) = q, a step below 1e−9 dB, or a bracket that narrow), else 0 with x
// the next iterate. Φ is fast::erfc (absolute error below 4.5e−16), the density fast::exp.
[[gnu::always_inline]] inline double mixture_step(double p, double los_db, double los_sigma,
                                                  double nlos_db, double nlos_sigma, double q,
                                                  double& x, double& lo, double& hi) noexcept {
    constexpr double tolerance_db = 1e-9;
    constexpr double inv_sqrt_2pi = 0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2;
    constexpr double minus_inv_sqrt2 = -0.5 * std::numbers::sqrt2;
    const double z_los = (x - los_db) / los_sigma;
    const double z_nlos = (x - nlos_db) / nlos_sigma;
    const double f = p * (0.5 * fast::erfc(z_los * minus_inv_sqrt2)) +
                     (1.0 - p) * (0.5 * fast::erfc(z_nlos * minus_inv_sqrt2)) - q; // F(x) − q
    lo = f < 0.0 ? x : lo;
    hi = f < 0.0 ? hi : x;
    const double density =
        inv_sqrt_2pi * (p * fast::exp(-0.5 * z_los * z_los) / los_sigma +
                        (1.0 - p) * fast::exp(-0.5 * z_nlos * z_nlos) / nlos_sigma); // F'(x)
    const double next = x - f / density;
    const double step = next - x;
    const bool converged = (step < 0.0 ? -step : step) <= tolerance_db;
    // Newton left the bracket (or the density underflowed): bisect.
    const double inside = next > lo && next < hi ? next : 0.5 * (lo + hi);
    const bool narrow = hi - lo <= tolerance_db;
    double v = converged ? next : inside;
    v = f == 0.0 ? x : v;
    x = v;
    return f == 0.0 || converged || narrow ? 1.0 : 0.0;
}

} // namespace detail

// The batch form of los_mixture_quantile_db over n ≤ N locations with one q and one NLOS σ:
// out[k] is bit for bit los_mixture_quantile_db(p[k], los_db[k], los_sigma[k], nlos_db[k],
// nlos_sigma, q). The starts are one vectorised loop; the locations that still need Newton's
// method are gathered at the front and stepped together (vectorised), again after each step.
template <std::size_t N>
[[gnu::always_inline]] inline void
los_mixture_quantiles_db(std::size_t n, const double* p, const double* los_db,
                         const double* los_sigma, const double* nlos_db, double nlos_sigma,
                         double q, double* out) noexcept {
    if (!(q > 0.0 && q < 1.0)) {
        std::fill(out, out + n, std::numeric_limits<double>::quiet_NaN());
        return;
    }
    const double z = normal_quantile(q);
    struct Lanes {
        std::array<double, N> p, los_db, los_sigma, nlos_db, x, lo, hi, done;
        std::array<std::size_t, N> index;
    } a;
    // Writes the first m lanes' x to out and moves those not done to the front; their count.
    auto gather_unsolved = [&](std::size_t m) COVSIM_ALWAYS_INLINE {
        std::size_t left = 0;
        for (std::size_t j = 0; j < m; ++j) {
            out[a.index[j]] = a.x[j];
            if (a.done[j] == 0.0) {
                a.index[left] = a.index[j];
                a.p[left] = a.p[j];
                a.los_db[left] = a.los_db[j];
                a.los_sigma[left] = a.los_sigma[j];
                a.nlos_db[left] = a.nlos_db[j];
                a.x[left] = a.x[j];
                a.lo[left] = a.lo[j];
                a.hi[left] = a.hi[j];
                ++left;
            }
        }
        return left;
    };
    for (std::size_t k = 0; k < n; ++k) {
        a.index[k] = k;
        a.p[k] = p[k];
        a.los_db[k] = los_db[k];
        a.los_sigma[k] = los_sigma[k];
        a.nlos_db[k] = nlos_db[k];
        a.done[k] = detail::mixture_start(p[k], los_db[k], los_sigma[k], nlos_db[k], nlos_sigma, q,
                                          z, a.x[k], a.lo[k], a.hi[k]);
    }
    std::size_t m = gather_unsolved(n);
    for (int s = 0; s < detail::mixture_max_steps && m > 0; ++s) {
        for (std::size_t j = 0; j < m; ++j) {
            a.done[j] = detail::mixture_step(a.p[j], a.los_db[j], a.los_sigma[j], a.nlos_db[j],
                                             nlos_sigma, q, a.x[j], a.lo[j], a.hi[j]);
        }
        m = gather_unsolved(m);
    }
}

} // namespace covsim::variability
