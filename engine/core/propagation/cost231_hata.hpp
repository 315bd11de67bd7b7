#pragma once
// COST-231 Hata model, COST Action 231 "Digital mobile radio towards future generation systems",
// Final Report (EUR 18957, 1999), §4.4.1, extending Hata's formula to 1500-2000 MHz:
//
//   L_b = 46.3 + 33.9 log10 f - 13.82 log10 h_b - a(h_m) + (44.9 - 6.55 log10 h_b) log10 d + C_m
//
//   f in MHz [1500, 2000], h_b base-station antenna height in m [30, 200],
//   h_m mobile antenna height in m [1, 10], d distance in km [1, 20];
//   a(h_m) = (1.1 log10 f - 0.7) h_m - (1.56 log10 f - 0.8)   (Hata's medium/small-city term)
//   C_m = 0 dB for medium-sized cities and suburban centres, 3 dB for metropolitan centres.
//
// Environments: urban = metropolitan centre (C_m = 3 dB); suburban = medium city / suburban
// centre (C_m = 0 dB); rural = the C_m = 0 formula plus Hata's open-area correction
//   - 4.78 (log10 f)^2 + 18.33 log10 f - 40.94
// (M. Hata, "Empirical formula for propagation loss in land mobile radio services", IEEE Trans.
// Veh. Technol. 29(3), 1980, open-area formula). COST 231 gives no open-area form; applying
// Hata's open-area correction to it is covsim's choice, the one SEAMCAT's "extended Hata" model
// makes for open areas; docs/models/cost231-hata.md discusses it.

#include "core/propagation/model.hpp"

namespace covsim::cost231 {

double mobile_height_correction_db(double frequency_mhz, double rx_height_m) noexcept;
double open_area_correction_db(double frequency_mhz) noexcept;

// distance_km > 0, heights > 0.
double hata_loss_db(double frequency_mhz, double tx_height_m, double rx_height_m,
                    double distance_km, Environment environment) noexcept;

} // namespace covsim::cost231
