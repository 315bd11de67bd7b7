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
// 1.15e−9 over (0, 1). Deterministic: only +, −, ×, ÷, sqrt and log.
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
// Φ is std::erfc. The result solves F(L_q) = q to 1e−9 in F (Φ⁻¹'s relative error 1.15e−9 in a
// guess taken as the answer), below 1e−7 dB. See docs/models/location-variability.md.
//
// The same mixture's standard deviation (probabilistic_sigma_db) matches its first two moments:
//   σ² = p σ_LOS² + (1 − p) σ_NLOS² + p (1 − p) (L_NLOS − L_LOS)²
// It reduces to σ_LOS at p = 1 and σ_NLOS at p = 0; the last term carries the uncertainty of
// whether a location is in LOS at all. covsim reports it as the model's σ; margins come from
// the quantiles.
//
// Invalid input (p outside [0, 1], σ < 0, NaN) gives NaN. Never throws.

#include "core/propagation/model.hpp"

#include <cstdint>

namespace covsim::variability {

// Φ(x), the standard normal distribution function: erfc(−x / √2) / 2.
double normal_cdf(double x) noexcept;

// Φ⁻¹(p), the standard normal quantile: NaN outside [0, 1], −infinity at 0, +infinity at 1.
double normal_quantile(double p) noexcept;

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

} // namespace covsim::variability
