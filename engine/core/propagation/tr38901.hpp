#pragma once
// Path loss and LOS probability of 3GPP TR 38.901 V17.0.0 (2022-03), §7.4.1 Table 7.4.1-1 and
// §7.4.2 Table 7.4.2-1, for the RMa, UMa and UMi-Street Canyon scenarios.
//
// Units as in the TR: distances and heights in m, f_c in GHz inside the formulas; breakpoint
// distances use f_c in Hz and c = 3.0e8 m/s (notes 1 and 5 of Table 7.4.1-1).
//   d_3D = sqrt(d_2D^2 + (h_BS - h_UT)^2)
//
// RMa  LOS  PL1 = 20 log10(40 π d_3D f_c / 3) + min(0.03 h^1.72, 10) log10(d_3D)
//                 - min(0.044 h^1.72, 14.77) + 0.002 log10(h) d_3D        10 m <= d_2D <= d_BP
//           PL2 = PL1(d_BP) + 40 log10(d_3D / d_BP)                       d_BP <= d_2D <= 10 km
//           d_BP = 2 π h_BS h_UT f_c / c                                  (note 5)
//      NLOS PL = max(PL_RMa-LOS, PL'_RMa-NLOS)                            10 m <= d_2D <= 5 km
//           PL' = 161.04 - 7.1 log10(W) + 7.5 log10(h) - (24.37 - 3.7 (h/h_BS)^2) log10(h_BS)
//                 + (43.42 - 3.1 log10(h_BS)) (log10(d_3D) - 3) + 20 log10(f_c)
//                 - (3.2 (log10(11.75 h_UT))^2 - 4.97)
//      defaults h = 5 m (average building height), W = 20 m (street width)
// UMa  LOS  PL1 = 28.0 + 22 log10(d_3D) + 20 log10(f_c)                   10 m <= d_2D <= d'_BP
//           PL2 = 28.0 + 40 log10(d_3D) + 20 log10(f_c)
//                 - 9 log10((d'_BP)^2 + (h_BS - h_UT)^2)                  d'_BP <= d_2D <= 5 km
//      NLOS PL = max(PL_UMa-LOS, PL'_UMa-NLOS),
//           PL' = 13.54 + 39.08 log10(d_3D) + 20 log10(f_c) - 0.6 (h_UT - 1.5)
// UMi  LOS  PL1 = 32.4 + 21 log10(d_3D) + 20 log10(f_c)
//           PL2 = 32.4 + 40 log10(d_3D) + 20 log10(f_c) - 9.5 log10((d'_BP)^2 + (h_BS - h_UT)^2)
//      NLOS PL = max(PL_UMi-LOS, PL'_UMi-NLOS),
//           PL' = 35.3 log10(d_3D) + 22.4 + 21.3 log10(f_c) - 0.3 (h_UT - 1.5)
//   d'_BP = 4 h'_BS h'_UT f_c / c with h' = h - h_E (note 1); h_E = 1 m for UMi, and for UMa
//   when h_UT < 13 m (C(d_2D, h_UT) = 0, Table 7.4.1-1 note 1). For UMa with h_UT >= 13 m the TR
//   draws h_E at random; covsim keeps h_E = 1 m (deterministic), documented in docs/models.
//
// LOS probability, Table 7.4.2-1:
//   RMa  1 for d_2D <= 10 m, else exp(-(d_2D - 10) / 1000)
//   UMi  1 for d_2D <= 18 m, else 18/d_2D + exp(-d_2D/36) (1 - 18/d_2D)
//   UMa  1 for d_2D <= 18 m, else [18/d_2D + exp(-d_2D/63) (1 - 18/d_2D)]
//                                  (1 + C'(h_UT) 5/4 (d_2D/100)^3 exp(-d_2D/150)),
//        C'(h_UT) = 0 for h_UT <= 13 m, ((h_UT - 13)/10)^1.5 for 13 m < h_UT <= 23 m

namespace covsim::tr38901 {

inline constexpr double speed_of_light_m_s = 3.0e8; // as stated in the TR's notes
inline constexpr double rma_default_building_height_m = 5.0;
inline constexpr double rma_default_street_width_m = 20.0;
inline constexpr double effective_environment_height_m = 1.0; // h_E

double rma_breakpoint_m(double h_bs_m, double h_ut_m, double fc_ghz) noexcept;
double uma_umi_breakpoint_m(double h_bs_m, double h_ut_m, double fc_ghz) noexcept;

double rma_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz,
                  double building_height_m = rma_default_building_height_m) noexcept;
double rma_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz,
                   double building_height_m = rma_default_building_height_m,
                   double street_width_m = rma_default_street_width_m) noexcept;
double uma_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept;
double uma_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept;
double umi_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept;
double umi_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept;

double rma_los_probability(double d2d_m) noexcept;
double uma_los_probability(double d2d_m, double h_ut_m) noexcept;
double umi_los_probability(double d2d_m) noexcept;

// The LOS-probability-weighted mean of the losses in dB, p L_LOS + (1 - p) L_NLOS: the mean of
// the LOS/NLOS mixture, and covsim's probabilistic combination until it became the mixture's
// median (variability::los_mixture_quantile_db, which differs from it by -2.7 to +2.9 dB for
// UMa at 3.5 GHz). Kept for comparison. See docs/models/3gpp-38901.md.
double los_weighted_loss_db(double p_los, double los_db, double nlos_db) noexcept;

} // namespace covsim::tr38901
