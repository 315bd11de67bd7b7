#pragma once
// Link-budget quantities per resource element (RE), the unit in which LTE and NR define RSRP
// (3GPP TS 36.214 §5.1.1, TS 38.215 §5.1.1).

#include <optional>
#include <string_view>

namespace covsim {

enum class Technology { lte, nr };

std::optional<Technology> parse_technology(std::string_view text) noexcept;
std::string_view to_string(Technology t) noexcept;

// Transmission bandwidth configuration N_RB for a channel bandwidth and subcarrier spacing:
// LTE from 3GPP TS 36.101 Table 5.6-1 (15 kHz only), NR FR1 from TS 38.101-1 Table 5.3.2-1.
// Empty when the combination is not in the table.
std::optional<int> resource_blocks(Technology tech, double bandwidth_mhz,
                                   int subcarrier_spacing_khz);

// Power per resource element from the total transmit power spread evenly over 12 * n_rb REs:
// P_RE = P_total - 10 log10(12 N_RB)   [dBm]
double power_per_re_dbm(double total_power_dbm, int n_rb) noexcept;

// Thermal noise in one subcarrier at T0 = 290 K plus the receiver noise figure:
// N_RE = 10 log10(k T0 Δf / 1 mW) + NF   [dBm]
double noise_per_re_dbm(int subcarrier_spacing_khz, double noise_figure_db) noexcept;

} // namespace covsim
