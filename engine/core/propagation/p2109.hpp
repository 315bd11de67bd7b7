#pragma once
// Building entry loss of Recommendation ITU-R P.2109-2 (08/2023), "Prediction of building entry
// loss", Annex 1 §3. The model and Table 1 are those of P.2109-1 (08/2019); -2 states the
// elevation as the angle of the path at the façade above or below the horizontal.
//
// The loss not exceeded with probability P (0 < P < 1), f in GHz, θ in degrees:
//   L_BEL(P) = 10 log10(10^(0.1 A(P)) + 10^(0.1 B(P)) + 10^(0.1 C))                  eq. (1)
//   A(P) = F⁻¹(P) σ1 + μ1                                                             eq. (2)
//   B(P) = F⁻¹(P) σ2 + μ2                                                             eq. (3)
//   C = −3.0                                                                          eq. (4)
//   μ1 = L_h + L_e                                                                    eq. (5)
//   μ2 = w + x log10(f)                                                               eq. (6)
//   σ1 = u + v log10(f)                                                               eq. (7)
//   σ2 = y + z log10(f)                                                               eq. (8)
//   L_h = r + s log10(f) + t (log10(f))²       median loss of a horizontal path        eq. (9)
//   L_e = 0.212 |θ|                            correction for the elevation at the façade eq. (10)
// F⁻¹ is the inverse standard normal distribution (variability::normal_quantile).
//
// Table 1:            r      s      t     u     v     w     x     y     z
//   traditional      12.64   3.72  0.96   9.6   2.0   9.1  −3.0   4.5  −2.0
//   thermally eff.   28.19  −3.00  8.48  13.5   3.8  27.8  −2.9   9.4  −2.1
//
// Validity (§1): about 0.08–100 GHz, 0 < P < 1, −90° ≤ θ ≤ 90°. The function evaluates any
// f > 0 (the caller warns outside the range); invalid input (f ≤ 0, P outside (0, 1), |θ| > 90°,
// NaN) gives NaN. Never throws.

#include <cstdint>

namespace covsim::p2109 {

enum class BuildingType : std::uint8_t { traditional, thermally_efficient };

inline constexpr double min_frequency_ghz = 0.08;
inline constexpr double max_frequency_ghz = 100.0;

// L_BEL(P) in dB for probability (0 < P < 1, not a percentage).
double building_entry_loss_db(double frequency_ghz, double probability, double elevation_deg,
                              BuildingType type) noexcept;

} // namespace covsim::p2109
