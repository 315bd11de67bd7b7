#pragma once
// Downlink throughput from SINR, per layer, by one of two mappings:
//
// Attenuated and truncated Shannon bound, 3GPP TR 36.942 Annex A.1:
//   S(SINR) = 0                                      SINR < SINR_min
//           = min(alpha * log2(1 + 10^(SINR/10)), S_max)   otherwise              [bit/s/Hz]
//   Table A.2 (E-UTRA downlink): alpha = 0.6, SINR_min = -10 dB, S_max (Thr_MAX) = 4.4 bit/s/Hz,
//   reached at SINR_max = 10 log10(2^(S_max/alpha) - 1) = 22.05 dB.
//
// CQI efficiency tables: the spectral efficiency of the highest CQI whose SINR threshold the
// SINR reaches; efficiencies of 3GPP TS 36.213 Table 7.2.3-1 (= TS 38.214 Table 5.2.2.1-2, up to
// 64QAM) or TS 38.214 Table 5.2.2.1-3 (up to 256QAM). The SINR thresholds are not specified by
// 3GPP (the UE chooses its CQI); covsim's defaults are listed in docs/capacity-and-cost.md and a
// scenario may give its own.
//
// Rank adaptation: a layer with mimo_layers = L serves a user with L receive antennas (2x2 LTE,
// 4x4 NR). The SINR is that of one receive antenna with the sector's whole power; sent as r
// streams over a channel of L equal gains, the power is shared by the r streams and each is
// combined over the L antennas: SINR + 10 log10(L / r) per stream (Telatar, "Capacity of
// multi-antenna Gaussian channels", Eur. Trans. Telecommun. 10(6), 1999, equal power over the
// transmit antennas). The rank used is the one that carries the most:
//   r* = argmax over r = 1..L of r * S(SINR + 10 log10(L / r))   (the lowest r on a tie)
// Full rank gives each stream the SINR (L * S(SINR)); below SINR_min one stream with the array
// gain of L antennas still carries. A correlated channel, whose gains are unequal, keeps low
// ranks to higher SINRs than this ideal one: r* is the rank the SINR supports at best.
//
// Peak single-user throughput over the layer's bandwidth:
//   R = r* * S(SINR + 10 log10(L / r*)) * 12 N_RB * subcarrier spacing * 14/15 * (1 - overhead)
//       * dl_share                                                                       [bit/s]
// 14/15: with the normal cyclic prefix a slot holds 14 OFDM symbols in the time of 15 useful
// symbol durations (TS 36.211 Table 6.12-1, TS 38.211 §5.3.1), the T_s^mu = 1e-3 / (14 2^mu) of
// TS 38.306 §4.1.2's data-rate formula, whose overhead OH the `overhead` key is.

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace covsim {

enum class ThroughputMethod { shannon, cqi };
std::optional<ThroughputMethod> parse_throughput_method(std::string_view text) noexcept;
std::string_view to_string(ThroughputMethod m) noexcept;

enum class CqiTable { table1, table2 }; // 64QAM (36.213 7.2.3-1), 256QAM (38.214 5.2.2.1-3)
std::optional<CqiTable> parse_cqi_table(std::string_view text) noexcept;

// Spectral efficiency of CQI 1..15, bit/s/Hz.
const std::array<double, 15>& cqi_efficiencies(CqiTable table) noexcept;
// covsim's default SINR thresholds of CQI 1..15, dB (docs/capacity-and-cost.md).
const std::array<double, 15>& default_cqi_sinr_db(CqiTable table) noexcept;

struct ThroughputSpec {
    ThroughputMethod method = ThroughputMethod::shannon;
    double alpha = 0.6;                 // Shannon attenuation
    double sinr_min_db = -10.0;         // below: no throughput
    double max_efficiency_bps_hz = 4.4; // S_max (TR 36.942's Thr_MAX)
    CqiTable cqi_table = CqiTable::table1;
    std::vector<double> cqi_sinr_db; // 15 ascending thresholds; empty: the defaults
    int mimo_layers = 2;    // the most spatial layers a user receives (rank adaptation picks <=)
    double overhead = 0.25; // share of resource elements for control and reference signals
    double dl_share = 1.0;  // share of time in the downlink (TDD), 1 for FDD
};

// Spectral efficiency per MIMO layer at a SINR, bit/s/Hz.
double spectral_efficiency(const ThroughputSpec& spec, double sinr_db) noexcept;

// The number of spatial layers r* in 1..mimo_layers that carries the most at a SINR (1 where
// none carries anything).
int supported_rank(const ThroughputSpec& spec, double sinr_db) noexcept;

// Peak single-user downlink throughput, Mbit/s, over `occupied_bandwidth_hz`
// (12 * N_RB * subcarrier spacing), at the supported rank.
double peak_throughput_mbps(const ThroughputSpec& spec, double sinr_db,
                            double occupied_bandwidth_hz) noexcept;

} // namespace covsim
