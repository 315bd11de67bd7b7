#pragma once
// Clutter loss of Recommendation ITU-R P.2108-1 (09/2021), "Prediction of clutter loss",
// Annex 1 §3: the height-gain terminal correction model (§3.1), the statistical clutter loss
// for terrestrial paths (§3.2) and for Earth-space and aeronautical paths (§3.3).
//
// §3.1, for a terminal of antenna height h below the representative clutter height R (A_h = 0
// when h ≥ R), f in GHz, street width w_s:
//   A_h = J(ν) − 6.03                     suburban, urban, trees/forest, dense urban   eq. (2a)
//   A_h = −K_h2 log10(h / R)              water/sea, open/rural                         eq. (2b)
//   ν = K_ν sqrt(h_dif θ_clut)                                                          eq. (2c)
//   h_dif = R − h                                                                       eq. (2d)
//   θ_clut = atan(h_dif / w_s)  (degrees)                                               eq. (2e)
//   K_h2 = 21.8 + 6.2 log10(f)                                                          eq. (2f)
//   K_ν = 0.342 sqrt(f)                                                                 eq. (2g)
//   J(ν) is P.526-15 eq. (31) (p526::knife_edge_loss_db). R and w_s default to Table 3's
//   representative heights and w_s = 27 m where local values are unknown.
//
// §3.2, one terminal in urban or suburban clutter, f in GHz, d in km, p the percentage of
// locations (0 < p < 100):
//   L_ctt = −5 log10(10^(−0.2 L_l) + 10^(−0.2 L_s)) − σ_cb Q⁻¹(p/100)                  eq. (3a)
//   σ_cb = sqrt((σ_l² 10^(−0.2 L_l) + σ_s² 10^(−0.2 L_s)) / (10^(−0.2 L_l) + 10^(−0.2 L_s)))
//                                                                                       eq. (3b)
//   L_l = −2 log10(10^(−5 log10(f) − 12.5) + 10^(−16.5)),  σ_l = 4 dB                  eq. (4a-b)
//   L_s = 32.98 + 23.9 log10(d) + 3 log10(f),  σ_s = 6 dB                              eq. (5a-b)
//   L_ctt must not exceed its value at d = 2 km                                         eq. (6)
//   Q⁻¹ is the inverse complementary standard normal distribution, Q⁻¹(x) = Φ⁻¹(1 − x).
//
// §3.3, one terminal in urban or suburban clutter and the other high above it, elevation θ in
// degrees:
//   L_ces = (−K_1 ln(1 − p/100) cot(A_1 (1 − θ/90) + π θ/180))^(0.5 (90 − θ)/90) − 1
//           − 0.6 Q⁻¹(p/100),   K_1 = 93 f^0.175,  A_1 = 0.05                             eq. (7)
//
// Ranges and return codes follow NTIA's U.S. reference implementation (github.com/NTIA/p2108,
// ReturnCodes.h), whose validation data assert them. Each function checks its inputs in that
// implementation's order and returns the first failing code with loss_db = NaN. Never throws.

#include <cstdint>
#include <limits>

namespace covsim::p2108 {

enum class ReturnCode : int {
    success = 0,
    // §3.1
    height_gain_frequency = 32,      // f outside [0.03, 3] GHz
    height_gain_antenna_height = 33, // h ≤ 0
    height_gain_street_width = 34,   // w_s ≤ 0
    height_gain_clutter_height = 35, // R ≤ 0
    height_gain_clutter_type = 36,   // not one of Table 3's types
    // §3.2
    terrestrial_frequency = 48,  // f outside [0.5, 67] GHz
    terrestrial_distance = 49,   // d < 0.25 km
    terrestrial_percentage = 50, // p outside (0, 100)
    // §3.3
    earth_space_frequency = 64,  // f outside [10, 100] GHz
    earth_space_elevation = 65,  // θ outside [0, 90] degrees
    earth_space_percentage = 66, // p outside (0, 100)
};

// Table 3 clutter types, numbered as in NTIA's implementation.
enum class ClutterType : std::uint8_t {
    water_sea = 1,
    open_rural = 2,
    suburban = 3,
    urban = 4,
    trees_forest = 5,
    dense_urban = 6,
};

inline constexpr double default_street_width_m = 27.0; // §3.1

// Table 3 representative clutter height R: 10 m for water/sea, open/rural and suburban, 15 m
// for urban and trees/forest, 20 m for dense urban; NaN for a value outside the enumeration.
double representative_clutter_height_m(ClutterType type) noexcept;

struct ClutterLoss {
    double loss_db = std::numeric_limits<double>::quiet_NaN();
    ReturnCode code = ReturnCode::success;
    [[nodiscard]] bool ok() const noexcept { return code == ReturnCode::success; }
};

// §3.1 with explicit R and w_s.
ClutterLoss height_gain_terminal_correction(double frequency_ghz, double antenna_height_m,
                                            double street_width_m, double clutter_height_m,
                                            ClutterType type) noexcept;
// §3.1 with Table 3's R for the type and w_s = 27 m.
ClutterLoss height_gain_terminal_correction(double frequency_ghz, double antenna_height_m,
                                            ClutterType type) noexcept;

// §3.2 at one end of the path.
ClutterLoss terrestrial_clutter_loss(double frequency_ghz, double distance_km,
                                     double location_percent) noexcept;
// The loss of terrestrial_clutter_loss, NaN for invalid input.
double terrestrial_clutter_loss_db(double frequency_ghz, double distance_km,
                                   double location_percent) noexcept;

// §3.3.
ClutterLoss earth_space_clutter_loss(double frequency_ghz, double elevation_deg,
                                     double location_percent) noexcept;

} // namespace covsim::p2108
