#pragma once
// Terrain diffraction of Recommendation ITU-R P.526-15 (10/2019), "Propagation by diffraction":
// the single knife edge (§4.1), the smooth spherical Earth (§3.1.1 and §3.2) and the
// delta-Bullington method for a general terrestrial path (§4.5.1 Bullington model, §4.5.2
// complete method). P.1812-6 (§4.3, Attachment 1 §5.6) and P.452-17 (§4.2) use the same method;
// their equation numbers are given in brackets as [P.1812 (n)] where P.526 numbers none.
//
// Units as in covsim: heights and distances in m, frequency in MHz, losses in dB. Inside the
// formulas λ = c / f with the exact c of core/units.hpp; the smooth-Earth "practical" formulas of
// §3.1.1 take f in MHz, d and a_e in km and h in m, as printed in the Recommendation.
//
// Knife edge, §4.1:
//   ν = h sqrt((2/λ)(1/d1 + 1/d2))                                                    eq. (26)
//   J(ν) = 6.9 + 20 log10(sqrt((ν − 0.1)² + 1) + ν − 0.1)   for ν > −0.78, else 0     eq. (31)
//
// Bullington, §4.5.1, for profile heights h_i at distances d_i (i = 0..n, d = d_n), terminal
// heights h_ts, h_rs above sea level and the Earth curvature C_e = 1/a_e, over the intermediate
// points i = 1..n−1 ("e_i" is the Earth bulge d_i (d − d_i) C_e / 2):
//   S_tim = max (h_i + e_i − h_ts) / d_i                      slope to the highest obstacle seen
//                                                             from the transmitter [P.1812 (13)]
//   S_tr  = (h_rs − h_ts) / d                                 slope of the direct ray [P.1812 (14)]
//   case 1, S_tim < S_tr (line of sight):
//     ν_max = max (h_i + e_i − (h_ts (d − d_i) + h_rs d_i)/d) sqrt(2 d / (λ d_i (d − d_i)))
//                                                                               [P.1812 (15)]
//     L_uc = J(ν_max)                                                           [P.1812 (16)]
//   case 2, S_tim ≥ S_tr (transhorizon):
//     S_rim = max (h_i + e_i − h_rs) / (d − d_i)                                [P.1812 (17)]
//     d_b   = (h_rs − h_ts + S_rim d) / (S_tim + S_rim)       the Bullington point [P.1812 (18)]
//     ν_b   = (h_ts + S_tim d_b − (h_ts (d − d_b) + h_rs d_b)/d) sqrt(2 d / (λ d_b (d − d_b)))
//                                                                               [P.1812 (20)]
//     L_uc = J(ν_b)
//   L_b = L_uc + (1 − exp(−L_uc / 6)) (10 + 0.02 d_km)                          [P.1812 (21)]
//
// Smooth spherical Earth, §3.2 (any distance, f ≥ 10 MHz), antenna heights h1, h2 above the
// smooth surface:
//   d_los = sqrt(2 a_e) (sqrt(h1) + sqrt(h2))                 marginal LOS distance [P.1812 (22)]
//   d ≥ d_los: L = the first-term loss of §3.1.1 with a_e.
//   d < d_los: c = (h1 − h2)/(h1 + h2),  m = d² / (4 a_e (h1 + h2)),
//              b = 2 sqrt((m + 1)/(3m)) cos(π/3 + arccos((3c/2) sqrt(3m/(m + 1)³)) / 3),
//              d1 = d (1 + b)/2,  d2 = d − d1                            [P.1812 (24a)-(24e)]
//              h  = ((h1 − d1²/(2 a_e)) d2 + (h2 − d2²/(2 a_e)) d1) / d  clearance [P.1812 (23)]
//              h_req = 0.552 sqrt(d1 d2 λ / d)                           [P.1812 (25)]
//              h > h_req: L = 0; otherwise a_em = 0.5 (d / (sqrt(h1) + sqrt(h2)))², A_h = the
//              first-term loss with a_em, L = 0 if A_h < 0, else (1 − h/h_req) A_h
//                                                                 [P.1812 (26), (27)]
// First term, §3.1.1 (§3.1.1.1 ground, §3.1.1.2 field-strength formulae), ε_r and σ (S/m):
//   K_H = 0.36 (a_e f)^(−1/3) ((ε_r − 1)² + (18000 σ / f)²)^(−1/4),
//   K_V = K_H (ε_r² + (18000 σ / f)²)^(1/2)                                     [P.1812 (29)]
//   β = (1 + 1.6 K² + 0.67 K⁴) / (1 + 4.5 K² + 1.53 K⁴)                        [P.1812 (30)]
//   X = 2.188 β f^(1/3) a_e^(−2/3) d,   Y = 9.575e−3 β f^(2/3) a_e^(−1/3) h      [P.1812 (31-32)]
//   F(X) = 11 + 10 log10(X) − 17.6 X                      for X ≥ 1.6
//        = −20 log10(X) − 5.6488 X^1.425                  for X < 1.6           [P.1812 (33)]
//   G(Y) = 17.6 (B − 1.1)^0.5 − 5 log10(B − 1.1) − 8      for B > 2
//        = 20 log10(B + 0.1 B³)                            for B ≤ 2, B = β Y    [P.1812 (34-35)]
//   G(Y) ≥ 2 + 20 log10(K);  L = −(F(X) + G(Y1) + G(Y2))                         [P.1812 (36)]
//
// Complete delta-Bullington method, §4.5.2:
//   L_ba = L_b of the actual profile with h_ts, h_rs.
//   Smooth surface (least squares over the profile), v1 = Σ (d_i − d_{i−1})(h_i + h_{i−1}),
//     v2 = Σ (d_i − d_{i−1})(h_i (2 d_i + d_{i−1}) + h_{i−1} (d_i + 2 d_{i−1})),
//     h_stip = (2 v1 d − v2)/d²,  h_srip = (v2 − v1 d)/d²
//   Obstruction (flat-Earth geometry), H_i = h_i − (h_ts (d − d_i) + h_rs d_i)/d:
//     h_obs = max H_i,  α_obt = max H_i/d_i,  α_obr = max H_i/(d − d_i)
//     h_obs ≤ 0: h_stp = h_stip, h_srp = h_srip; otherwise, with g_t = α_obt/(α_obt + α_obr) and
//     g_r = α_obr/(α_obt + α_obr), h_stp = h_stip − h_obs g_t, h_srp = h_srip − h_obs g_r
//     h_st = min(h_stp, h_0),  h_sr = min(h_srp, h_n)
//                                     [P.1812 Attachment 1 §5.6: (85), (86) for h_stip, h_srip;
//                                      (89) for h_st, h_sr ("h_std", "h_srd")]
//   L_bs  = L_b of a profile of zero heights with h'_ts = h_ts − h_st, h'_rs = h_rs − h_sr
//   L_sph = the §3.2 loss over d with h1 = h'_ts, h2 = h'_rs          [P.1812 (37), (38)]
//   L = L_ba + max(L_sph − L_bs, 0)                                    [P.1812 (39)]
//
// Earth radius: P.526 §1 takes a_e = 8500 km "if no other information is available" (k = 4/3 of
// 6371 km, P.834). A flat earth is a_e = +infinity: no Earth bulge, and no smooth-Earth
// diffraction (L_sph = 0), so L = L_ba.
//
// Invalid input (fewer than two profile samples, a spacing or elevation that is not finite or a
// spacing ≤ 0, an antenna height, frequency or Earth radius that is ≤ 0 or NaN, a clutter span
// of the wrong size or with negative or non-finite values, ground constants with ε_r < 1 or
// σ < 0 or both at their vacuum values) gives NaN losses and line_of_sight = false. Never
// throws.

#include "core/propagation/terrain_profile.hpp"
#include "core/propagation/upper_hull.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace covsim::p526 {

inline constexpr double default_earth_radius_m = 8'500'000.0; // P.526 §1, k = 4/3
inline constexpr double flat_earth_radius_m = std::numeric_limits<double>::infinity();

enum class Polarization : std::uint8_t { horizontal, vertical };

// Electrical characteristics of the ground for the smooth-Earth term (§3.1.1.1).
struct GroundConstants {
    double relative_permittivity = 0.0;
    double conductivity_s_per_m = 0.0;
};
// The land and sea values that P.1812-6 §4.3.3 and P.452-17 §4.2.2.1 use with this method.
inline constexpr GroundConstants land{22.0, 0.003};
inline constexpr GroundConstants sea{80.0, 5.0};

struct DiffractionOptions {
    Polarization polarization = Polarization::horizontal;
    GroundConstants ground = land;
    // Representative clutter height above ground per profile sample (empty, or one per
    // elevation). As in P.1812-6 §3.2.1 and §4.3, it raises the intermediate samples of the
    // actual profile (g_i = h_i + R_i, i = 1..n−1) for L_ba only; the smooth surface is fitted
    // to the bare terrain and the terminals stay at ground + antenna height.
    std::span<const double> clutter_height_m{};
};

// J(ν), eq. (31): the knife-edge loss in dB, 0 for ν ≤ −0.78.
double knife_edge_loss_db(double nu) noexcept;

// ν of eq. (26) for an edge height_m above the straight line between the terminals (negative
// below it), d1_m and d2_m from the terminals.
double diffraction_parameter(double height_m, double d1_m, double d2_m,
                             double frequency_mhz) noexcept;

// §3.2: the loss over a smooth spherical Earth of radius earth_radius_m for antennas h1_m and
// h2_m above its surface, distance_m apart.
double spherical_earth_loss_db(double distance_m, double h1_m, double h2_m, double frequency_mhz,
                               double earth_radius_m,
                               Polarization polarization = Polarization::horizontal,
                               GroundConstants ground = land) noexcept;

struct BullingtonResult {
    double nu = 0.0;                 // ν_max (line of sight) or ν_b (transhorizon)
    double knife_edge_loss_db = 0.0; // L_uc = J(ν)
    double loss_db = 0.0;            // L_b = L_uc + (1 − exp(−L_uc/6)) (10 + 0.02 d_km)
    bool line_of_sight = false;      // S_tim < S_tr
};

// §4.5.1 for the profile with antennas tx_height_m and rx_height_m above the end samples.
BullingtonResult bullington(const TerrainProfile& profile, double tx_height_m, double rx_height_m,
                            double frequency_mhz,
                            double earth_radius_m = default_earth_radius_m) noexcept;

struct DeltaBullingtonResult {
    double bullington_actual_db = 0.0; // L_ba ("Lbulla" in P.1812's validation results)
    double bullington_smooth_db = 0.0; // L_bs ("Lbulls")
    double spherical_earth_db = 0.0;   // L_sph ("Ldsph")
    double loss_db = 0.0;              // L = L_ba + max(L_sph − L_bs, 0)
    double smooth_tx_height_m = 0.0;   // h_st, above sea level ("hstd")
    double smooth_rx_height_m = 0.0;   // h_sr ("hsrd")
    bool line_of_sight = false;        // of the actual profile (with clutter), as bullington()
};

// §4.5.2 for the profile with antennas tx_height_m and rx_height_m above the end samples.
DeltaBullingtonResult delta_bullington(const TerrainProfile& profile, double tx_height_m,
                                       double rx_height_m, double frequency_mhz,
                                       double earth_radius_m = default_earth_radius_m,
                                       const DiffractionOptions& options = {}) noexcept;

// delta_bullington(...).loss_db.
double delta_bullington_loss_db(const TerrainProfile& profile, double tx_height_m,
                                double rx_height_m, double frequency_mhz,
                                double earth_radius_m = default_earth_radius_m,
                                const DiffractionOptions& options = {}) noexcept;

// Working memory of delta_bullington_along(), reused from one radial to the next.
struct RadialScratch {
    std::vector<double> sum_z;
    std::vector<double> sum_iz;
    UpperHull raised; // (d_i, h_i − d_i² / (2 a_e))
    UpperHull bare;   // (d_i, h_i)
};

// delta_bullington() for every prefix of one profile: out[m] is the result for the receiver at
// sample k = first_receiver + m stride of `radial` (its first k + 1 samples), up to
// radial.intervals(), in one pass (core/radial_terrain.hpp: the cells around a site are the
// ends of prefixes of its radials). Every maximum over the intermediate samples comes from data
// that the prefixes share: running maxima from the transmitter (S_tim, α_obt), and the upper
// convex hulls of the samples (core/propagation/upper_hull.hpp) for the receiver's side (S_rim,
// α_obr), the highest obstruction (h_obs) and the clearance of the direct ray; v1 and v2 from
// prefix sums; L_bs from the shape of its terms over the zero profile. O(log k) per receiver,
// except ν_max of a line-of-sight path whose clearance comes within 0.78 sqrt(λ d / 8) of the
// ray (J(ν) may then be above 0): the samples that close to the ray are scanned. Where the
// clearance keeps ν below −0.78, `bullington` is 0 dB as in delta_bullington() but `nu` is not
// reported (the result's ν is an upper bound). The values are delta_bullington()'s up to
// rounding (tests/unit/core/test_p526.cpp compares every prefix). With_spherical_earth false
// skips L_sph (spherical_earth_db and loss_db stay NaN): the terrain excess L_ba − L_bs needs
// neither. Clutter is not supported (every value NaN), nor invalid input. Throws only
// std::bad_alloc, growing `scratch`.
void delta_bullington_along(const TerrainProfile& radial, double tx_height_m, double rx_height_m,
                            double frequency_mhz, std::size_t first_receiver, std::size_t stride,
                            bool with_spherical_earth, RadialScratch& scratch,
                            std::span<DeltaBullingtonResult> out,
                            double earth_radius_m = default_earth_radius_m,
                            const DiffractionOptions& options = {});

// True when no intermediate sample, raised by the Earth bulge, reaches the straight line
// between the antennas (S_tim < S_tr, Bullington's case 1; a grazing sample blocks). Profiles
// without intermediate samples are line of sight. For a per-pixel LOS flag.
bool line_of_sight(const TerrainProfile& profile, double tx_height_m, double rx_height_m,
                   double earth_radius_m = default_earth_radius_m) noexcept;

} // namespace covsim::p526
