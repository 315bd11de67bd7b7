#pragma once
// Recommendation ITU-R P.1812-6 (09/2021), "A path-specific propagation prediction method for
// point-to-area terrestrial services in the frequency range 30 MHz to 6 000 MHz": the basic
// transmission loss not exceeded for p % of the time and pL % of locations over a terrain
// profile, from line of sight with multipath enhancement, delta-Bullington diffraction,
// tropospheric scatter and ducting / layer reflection. P.1812-7 (08/2023) reprints the same
// method; the validation set (ITU-R WP 3K reference implementation, docs/models/p1812.md) is of
// P.1812-6, which this file implements. Equation numbers are P.1812-6's.
//
// Units as in the Recommendation: f in GHz, distances in km, heights in m, angles in mrad,
// losses in dB. λ = 0.2998 / f m.
//
// Path (§3.2.1, §3.3, §3.5-3.7), profile d_i, h_i, i = 0..n (d_0 = 0 at the transmitter):
//   g_i = h_i + R_i on the intermediate points, g_0 = h_0, g_n = h_n                    §3.2.1
//   ω: fraction of the path over sea (zone 1)                                            (1)
//   τ = 1 − exp(−4.12e−4 d_lm^2.41)                                                      (3)
//   μ1 = (10^(−d_tm/(16 − 6.6 τ)) + 10^(−5 (0.496 + 0.354 τ)))^0.2, at most 1            (2)
//   |φ| ≤ 70°: μ4 = μ1^(−0.935 + 0.0176 |φ|), β0 = 10^(−0.015 |φ| + 1.67) μ1 μ4 (%)     (4), (5)
//   |φ| > 70°: μ4 = μ1^0.3, β0 = 4.17 μ1 μ4
//   k50 = 157 / (157 − ΔN),  a_e = 6371 k50,  a_β = 6371 × 3 (km)                  (6), (7a), (7b)
// Line of sight (§4.2):
//   d_fs = sqrt(d² + ((h_ts − h_rs)/1000)²)                                              (8a)
//   L_bfs = 92.4 + 20 log f + 20 log d_fs                                                (8)
//   E_sp = 2.6 (1 − exp(−0.1 (d_lt + d_lr))) log(p/50),  E_sβ the same with β0          (9a), (9b)
//   L_b0p = L_bfs + E_sp,  L_b0β = L_bfs + E_sβ                                          (10), (11)
// Diffraction (§4.3), on g_i with h_ts, h_rs (the Bullington part) and the bare terrain h_i
// (the smooth surface, Attachment 1 §5.6.2):
//   J(ν) = 6.9 + 20 log(sqrt((ν − 0.1)² + 1) + ν − 0.1) for ν > −0.78, else 0            (12)
//   S_tim = max (g_i + 500 C_e d_i (d − d_i) − h_ts) / d_i                               (13)
//   S_tr = (h_rs − h_ts) / d                                                             (14)
//   S_tim < S_tr: ν_max = max (g_i + 500 C_e d_i (d − d_i) − (h_ts (d − d_i) + h_rs d_i)/d)
//                  × sqrt(0.002 d / (λ d_i (d − d_i))),  L_uc = J(ν_max)                 (15), (16)
//   otherwise:    S_rim = max (g_i + 500 C_e d_i (d − d_i) − h_rs) / (d − d_i)           (17)
//                 d_b = (h_rs − h_ts + S_rim d) / (S_tim + S_rim)                        (18)
//                 ν_b = (h_ts + S_tim d_b − (h_ts (d − d_b) + h_rs d_b)/d)
//                       × sqrt(0.002 d / (λ d_b (d − d_b))),  L_uc = J(ν_b)              (19), (20)
//   L_bull = L_uc + (1 − exp(−L_uc/6)) (10 + 0.02 d)                                     (21)
//   d_los = sqrt(2 a_p) (sqrt(0.001 h_te) + sqrt(0.001 h_re))                            (22)
//   d ≥ d_los: L_dsph = L_dft(a_p); otherwise with c = (h_te − h_re)/(h_te + h_re),
//   m = 250 d² / (a_p (h_te + h_re)), b = 2 sqrt((m + 1)/(3m)) cos(π/3 + arccos((3c/2)
//   sqrt(3m/(m + 1)³))/3), d_se1 = d (1 + b)/2, d_se2 = d − d_se1: (24a)-(24e)
//     h_se = ((h_te − 500 d_se1²/a_p) d_se2 + (h_re − 500 d_se2²/a_p) d_se1) / d         (23)
//     h_req = 17.456 sqrt(d_se1 d_se2 λ / d)                                             (25)
//     h_se > h_req: L_dsph = 0; otherwise a_em = 500 (d / (sqrt(h_te) + sqrt(h_re)))²,
//     L_dsph = (1 − h_se/h_req) max(L_dft(a_em), 0)                                      (26), (27)
//   L_dft = ω L_dft(sea: ε_r 80, σ 5 S/m) + (1 − ω) L_dft(land: ε_r 22, σ 0.003 S/m)     (28)
//   K_H = 0.036 (a f)^(−1/3) ((ε_r − 1)² + (18σ/f)²)^(−1/4),  K_V = K_H (ε_r² + (18σ/f)²)^½ (29a-b)
//   β_dft = (1 + 1.6 K² + 0.67 K⁴) / (1 + 4.5 K² + 1.53 K⁴)                             (30)
//   X = 21.88 β_dft (f/a²)^(1/3) d,  Y = 0.9575 β_dft (f²/a)^(1/3) h                     (31), (32)
//   F(X) = 11 + 10 log X − 17.6 X for X ≥ 1.6, else −20 log X − 5.6488 X^1.425           (33)
//   G(Y) = 17.6 (B − 1.1)^½ − 5 log(B − 1.1) − 8 for B > 2, else 20 log(B + 0.1 B³),
//   at least 2 + 20 log K; B = β_dft Y                                                   (34), (35)
//   L_dft = −F(X) − G(Y_t) − G(Y_r)                                                      (36)
//   h'_ts = h_ts − h_std,  h'_rs = h_rs − h_srd                                          (37a-b)
//   L_bulls = L_bull of a zero profile with h'_ts, h'_rs; L_dsph with h_te = h'_ts, h_re = h'_rs
//   L_d = L_bulla + max(L_dsph − L_bulls, 0)                                             (39)
//   L_d50 with a_p = a_e, L_dβ with a_p = a_β; F_i = I(p/100)/I(β0/100) for p > β0, else 1  (40)
//   L_dp = L_d50 + F_i (L_dβ − L_d50)   (L_dp = L_d50 at p = 50)                         (41)
//   L_bd50 = L_bfs + L_d50,  L_bd = L_b0p + L_dp                                         (42), (43)
// Troposcatter (§4.4):
//   L_f = 25 log f − 2.5 (log(f/2))²                                                     (45)
//   L_bs = 190.1 + L_f + 20 log d + 0.573 θ − 0.15 N0 − 10.125 (log(50/p))^0.7          (44)
// Ducting / layer reflection (§4.5):
//   L_ba = A_f + A_d(p)                                                                  (46)
//   A_f = 102.45 + 20 log f + 20 log(d_lt + d_lr) + A_lf + A_st + A_sr + A_ct + A_cr     (47)
//   A_lf = 45.375 − 137 f + 92.5 f² for f < 0.5 GHz, else 0                              (47a)
//   A_st = 20 log(1 + 0.361 θ''_t sqrt(f d_lt)) + 0.264 θ''_t f^(1/3) for θ''_t > 0, else 0 (48)
//   θ''_t = θ_t − 0.1 d_lt (and the same at the receiver)                                (48a)
//   A_ct = −3 exp(−0.25 d_ct²) (1 + tanh(0.07 (50 − h_ts))) for ω ≥ 0.75, d_ct ≤ d_lt and
//   d_ct ≤ 5 km, else 0 (and the same at the receiver)                                   (49)
//   A_d(p) = γ_d θ' + A(p)                                                               (50)
//   γ_d = 5e−5 a_e f^(1/3)                                                               (51)
//   θ' = 1000 d/a_e + θ'_t + θ'_r,  θ'_t = min(θ_t, 0.1 d_lt)                            (52),
//   (52a) A(p) = −12 + (1.2 + 3.7e−3 d) log(p/β) + 12 (p/β)^Γ                                  (53)
//   Γ = 1.076 / (2.0058 − log β)^1.012 exp(−(9.51 − 4.8 log β + 0.198 (log β)²) 1e−6 d^1.13) (53a)
//   β = β0 μ2 μ3                                                                         (54)
//   μ2 = (500 d² / (a_e (sqrt(h_te) + sqrt(h_re))²))^α, at most 1                        (55)
//   α = −0.6 − 3.5e−9 d^3.1 τ, at least −3.4                                             (55a)
//   μ3 = exp(−4.6e−5 (h_m − 10) (43 + 6 d_I)) for h_m > 10 m, else 1                     (56)
//   d_I = min(d − d_lt − d_lr, 40)                                                       (56a)
// Combination (§4.6, §4.9, §4.10):
//   F_j = 1 − 0.5 (1 + tanh(3 ξ (θ − Θ)/Θ)), Θ = 0.3 mrad, ξ = 0.8                       (57)
//   F_k = 1 − 0.5 (1 + tanh(3 κ (d − d_sw)/d_sw)), d_sw = 20 km, κ = 0.5                  (58)
//   L_minb0p = L_b0p + (1 − ω) L_dp for p < β0,
//            = L_bd50 + (L_b0β + (1 − ω) L_dp − L_bd50) F_i otherwise                    (59)
//   L_minbap = η ln(exp(L_ba/η) + exp(L_b0p/η)), η = 2.5                                 (60)
//   L_bda = L_bd if L_minbap > L_bd, else L_minbap + (L_bd − L_minbap) F_k              (61)
//   L_bam = L_bda + (L_minb0p − L_bda) F_j                                               (62)
//   L_bc = −5 log(10^(−0.2 L_bs) + 10^(−0.2 L_bam))                                      (63)
//   L_loc = −I(pL/100) σ_L for a receiver on land, 0 at sea (outdoors, §4.8)             (67)
//   L_b = max(L_b0p, L_bc + L_loc)                                                       (69)
//   E_p = 199.36 + 20 log f − L_b  (dBμV/m for 1 kW e.r.p.)                              (70)
// Location variability (§4.8), w_a the width in m of the square area it describes:
//   σ_L = (0.024 f + 0.52) w_a^0.28                                                      (64)
//   u(h) = 1 for h < R, 1 − (h − R)/10 for R ≤ h < R + 10, 0 for h ≥ R + 10;  σ = u(h) σ_L
//                                                                                  (65), (66)
// Path profile analysis (Attachment 1 §4, §5.6), on the bare terrain h_i:
//   θ_max = max 1000 atan((h_i − h_ts)/(1000 d_i) − d_i/(2 a_e))                         (76), (77)
//   θ_td = 1000 atan((h_rs − h_ts)/(1000 d) − d/(2 a_e)); transhorizon when θ_max > θ_td  (78)
//   θ_t = max(θ_max, θ_td)                                                               (79)
//   transhorizon: d_lt = d_i of the first θ_max; θ_r = max 1000 atan((h_i − h_rs)/(1000 (d − d_i))
//     − (d − d_i)/(2 a_e)), d_lr = d − d_i of its last maximum                           (80),
//     (82), (83)
//   line of sight: θ_r = 1000 atan((h_ts − h_rs)/(1000 d) − d/(2 a_e)); d_lt = d_i of the last
//     largest ν of (15) (a_e, bare terrain), d_lr = d − d_lt                             (81),
//     (80), (83a)
//   θ = 1000 d/a_e + θ_t + θ_r                                                           (84)
//   v1 = Σ (d_i − d_{i−1})(h_i + h_{i−1}),
//   v2 = Σ (d_i − d_{i−1})(h_i (2 d_i + d_{i−1}) + h_{i−1} (d_i + 2 d_{i−1}))            (85), (86)
//   h_st = (2 v1 d − v2)/d²,  h_sr = (v2 − v1 d)/d²                                      (87), (88)
//   H_i = h_i − (h_ts (d − d_i) + h_rs d_i)/d,  h_obs = max H_i,
//   α_obt = max H_i/d_i,  α_obr = max H_i/(d − d_i)                                      (89a-d)
//   h_obs ≤ 0: h_stp = h_st, h_srp = h_sr; otherwise h_stp = h_st − h_obs g_t,
//   h_srp = h_sr − h_obs g_r, g_t = α_obt/(α_obt + α_obr), g_r = α_obr/(α_obt + α_obr)   (90a-f)
//   h_std = min(h_stp, h_0),  h_srd = min(h_srp, h_n)                                    (91a-d)
//   ducting: h_st = min(h_st, h_0), h_sr = min(h_sr, h_n), m = (h_sr − h_st)/d            (92),
//   (93) h_te = h_tg + h_0 − h_st,  h_re = h_rg + h_n − h_sr (94a-b) h_m = max over d_lt ≤ d_i ≤ d
//   − d_lr of (h_i − (h_st + m d_i))                        (95)
// I(x), the inverse complementary cumulative normal distribution (Attachment 2):
//   I(x) = T(x) − C(x) for x ≤ 0.5, −(T(1 − x) − C(1 − x)) otherwise; T(y) = sqrt(−2 ln y),
//   C(z) = (C2 T² + C1 T + C0) / (D3 T³ + D2 T² + D1 T + 1), x clamped to [1e−6, 1 − 1e−6] (96),
//   (97)
//
// As the reference implementation does, the horizon angles, d_lt, d_lr and h_m are taken over the
// bare terrain h_i, and the Bullington parts of the diffraction over g_i.
//
// Validity (§1, §3.1): 0.03–6 GHz, 0.25–3000 km, antennas 1–3000 m above ground, p 1–50 %,
// pL 1–99 %, |φ| ≤ 80°. Invalid input (fewer than three profile points, distances that do not
// start at 0 or do not increase, a non-finite height, spans of different lengths, a zone that is
// not 1, 3 or 4, f, p, pL or an antenna height outside the ranges above, a negative clutter
// height or σ_L) gives NaN losses. Never throws.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace covsim::p1812 {

// Radio-climatic zones, §3.3 Table 1: coastal land is land next to the sea up to 100 m above
// mean sea level or water level.
enum class Zone : std::uint8_t { sea = 1, coastal_land = 3, inland = 4 };
// "sea", "coastal_land", "inland".
std::optional<Zone> parse_zone(std::string_view text) noexcept;
std::string_view to_string(Zone zone) noexcept;

enum class Polarization : std::uint8_t { horizontal = 1, vertical = 2 };

inline constexpr double min_frequency_ghz = 0.03;
inline constexpr double max_frequency_ghz = 6.0;
inline constexpr double min_time_percent = 1.0;
inline constexpr double max_time_percent = 50.0;

// The reference implementation's defaults where the maps are not read (§3.5).
inline constexpr double default_delta_n_per_km = 45.0;
inline constexpr double default_sea_level_refractivity = 325.0;
inline constexpr double default_coast_distance_km = 500.0;

// Hanoi (21.03° N, 105.85° E), bilinear on the 1.5° digital maps DN50.TXT and N050.TXT that
// P.1812-6 §3.5 takes from P.452 (the files of P.452-16): ΔN 50.18 N-units/km, N0 373.88.
inline constexpr double hanoi_delta_n_per_km = 50.18;
inline constexpr double hanoi_sea_level_refractivity = 373.88;
inline constexpr double hanoi_latitude_deg = 21.03;

// The path: one entry per profile point, from the transmitter (distance 0) to the receiver.
struct Path {
    std::span<const double> distance_km;      // d_i, increasing from 0
    std::span<const double> height_m;         // h_i, terrain above mean sea level
    std::span<const double> clutter_height_m; // R_i (empty: 0 everywhere)
    std::span<const Zone> zone;               // empty: inland everywhere
};

struct Parameters {
    double frequency_ghz = 0.0;
    double time_percent = 50.0;     // p
    double location_percent = 50.0; // pL
    double location_sigma_db = 0.0; // σ_L of §4.8 (location_variability_sigma_db); 0: none
    double tx_height_m = 0.0;       // h_tg, antenna above ground
    double rx_height_m = 0.0;       // h_rg
    Polarization polarization = Polarization::vertical;
    double path_centre_latitude_deg = 0.0;          // φ, e.g. path_centre_latitude_deg()
    double delta_n_per_km = default_delta_n_per_km; // ΔN at the path centre
    double sea_level_refractivity = default_sea_level_refractivity; // N0 at the path centre
    double tx_coast_distance_km = default_coast_distance_km; // d_ct (0 for a terminal at sea)
    double rx_coast_distance_km = default_coast_distance_km; // d_cr
};

// Every quantity the reference implementation logs, named as there.
struct Result {
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    double d_km = nan;   // path length
    double dlt_km = nan; // horizon distances
    double dlr_km = nan;
    double theta_t_mrad = nan; // horizon elevation angles, (79), (81)/(82)
    double theta_r_mrad = nan;
    double theta_mrad = nan; // path angular distance (84)
    double hts_m = nan;      // antennas above mean sea level
    double hrs_m = nan;
    double omega = nan;         // fraction over sea (1)
    double dtm_km = nan;        // longest continuous land section
    double dlm_km = nan;        // longest continuous inland section
    double beta0_percent = nan; // (5)
    double ae_km = nan;         // (7a)
    double hst_m = nan;         // smooth surface (87), (88)
    double hsr_m = nan;
    double hst_ducting_m = nan; // (92)
    double hsr_ducting_m = nan;
    double hstd_m = nan; // (91)
    double hsrd_m = nan;
    double hte_m = nan; // (94)
    double hre_m = nan;
    double hm_m = nan;       // terrain roughness (95)
    double fi = nan;         // (40)
    double fj = nan;         // (57)
    double fk = nan;         // (58)
    double lbfs_db = nan;    // (8)
    double lb0p_db = nan;    // (10)
    double lb0b_db = nan;    // (11)
    double lbulla_db = nan;  // (21) actual profile, a_e
    double lbulls_db = nan;  // (21) smooth profile, a_e
    double ldsph_db = nan;   // (27), a_e
    double ld50_db = nan;    // (39), a_e
    double ldb_db = nan;     // (39), a_β
    double ldp_db = nan;     // (41)
    double lbd50_db = nan;   // (42)
    double lbd_db = nan;     // (43)
    double lminb0p_db = nan; // (59)
    double lba_db = nan;     // (46)
    double lminbap_db = nan; // (60)
    double lbda_db = nan;    // (61)
    double lbam_db = nan;    // (62)
    double lbs_db = nan;     // (44)
    double lbc_db = nan;     // (63)
    double lloc_db = nan;    // (67)
    double lb_db = nan;      // (69) basic transmission loss
    double ep_dbuv_m = nan;  // (70) field strength for 1 kW e.r.p.
};

// Every term of §4 for the path.
Result transmission_loss(const Path& path, const Parameters& parameters) noexcept;

// L_b of eq. (69).
double basic_transmission_loss_db(const Path& path, const Parameters& parameters) noexcept;

// E_p of eq. (70): the field strength for 1 kW e.r.p. at L_b; add 10 log10(P/kW) for another.
double field_strength_dbuv_per_m(double basic_transmission_loss_db, double frequency_ghz) noexcept;

// σ of §4.8, eqs. (64)-(66): the location variability for a receiver rx_height_m above ground
// among clutter of height clutter_height_m, over squares of area_width_m (w_a) per side.
// NaN for f or w_a ≤ 0 or non-finite input.
double location_variability_sigma_db(double frequency_ghz, double rx_height_m,
                                     double clutter_height_m, double area_width_m) noexcept;

// I(x) of eqs. (96)-(97).
double inverse_complementary_normal(double x) noexcept;

// The latitude of the point distance_km / 2 along the great circle from the transmitter to the
// receiver (P.1812-6 §3.1 points to P.2001 Annex H; mean Earth radius 6371 km).
double path_centre_latitude_deg(double tx_latitude_deg, double tx_longitude_deg,
                                double rx_latitude_deg, double rx_longitude_deg,
                                double distance_km) noexcept;

} // namespace covsim::p1812
