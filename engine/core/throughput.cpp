#include "core/throughput.hpp"

#include "core/fast_math.hpp"
#include "core/names.hpp"

#include <array>
#include <cmath>

namespace covsim {

namespace {

constexpr std::array<std::string_view, 2> method_names = {"shannon", "cqi"};
constexpr std::array<std::string_view, 2> table_names = {"table1", "table2"};

// TS 36.213 Table 7.2.3-1 = TS 38.214 Table 5.2.2.1-2 (QPSK, 16QAM, 64QAM).
constexpr std::array<double, 15> table1_efficiency = {0.1523, 0.2344, 0.3770, 0.6016, 0.8770,
                                                      1.1758, 1.4766, 1.9141, 2.4063, 2.7305,
                                                      3.3223, 3.9023, 4.5234, 5.1152, 5.5547};
// TS 38.214 Table 5.2.2.1-3 (QPSK, 16QAM, 64QAM, 256QAM).
constexpr std::array<double, 15> table2_efficiency = {0.1523, 0.3770, 0.8770, 1.4766, 1.9141,
                                                      2.4063, 2.7305, 3.3223, 3.9023, 4.5234,
                                                      5.1152, 5.5547, 6.2266, 6.9141, 7.4063};

// SINR at 10 % BLER of CQI 1..15 of table 1 on an AWGN channel, as commonly used in LTE
// system-level studies (docs/capacity-and-cost.md).
constexpr std::array<double, 15> table1_sinr_db = {-6.7, -4.7, -2.3, 0.2,  2.4,  4.3,  5.9, 8.1,
                                                   10.3, 11.7, 14.1, 16.3, 18.7, 21.0, 22.7};

// Table 2 thresholds derived from table 1: the SINR table 1 needs for the same efficiency,
// interpolated linearly in efficiency; above table 1's top CQI, the same gap to the Shannon
// bound as at CQI 15 (docs/capacity-and-cost.md).
std::array<double, 15> derive_table2_sinr() {
    std::array<double, 15> out{};
    const double top_gap_db =
        table1_sinr_db[14] - 10.0 * std::log10(std::pow(2.0, table1_efficiency[14]) - 1.0);
    for (std::size_t k = 0; k < 15; ++k) {
        const double e = table2_efficiency[k];
        if (e >= table1_efficiency[14]) {
            out[k] = 10.0 * std::log10(std::pow(2.0, e) - 1.0) + top_gap_db;
            continue;
        }
        std::size_t j = 0;
        while (j + 1 < 15 && table1_efficiency[j + 1] < e) {
            ++j;
        }
        if (e <= table1_efficiency[0]) {
            out[k] = table1_sinr_db[0];
            continue;
        }
        const double t =
            (e - table1_efficiency[j]) / (table1_efficiency[j + 1] - table1_efficiency[j]);
        out[k] = table1_sinr_db[j] + t * (table1_sinr_db[j + 1] - table1_sinr_db[j]);
    }
    return out;
}

} // namespace

std::optional<ThroughputMethod> parse_throughput_method(std::string_view text) noexcept {
    return parse_name<ThroughputMethod>(method_names, text);
}

std::string_view to_string(ThroughputMethod m) noexcept {
    return method_names[static_cast<std::size_t>(m)];
}

std::optional<CqiTable> parse_cqi_table(std::string_view text) noexcept {
    return parse_name<CqiTable>(table_names, text);
}

const std::array<double, 15>& cqi_efficiencies(CqiTable table) noexcept {
    return table == CqiTable::table1 ? table1_efficiency : table2_efficiency;
}

const std::array<double, 15>& default_cqi_sinr_db(CqiTable table) noexcept {
    static const std::array<double, 15> table2 = derive_table2_sinr();
    return table == CqiTable::table1 ? table1_sinr_db : table2;
}

double spectral_efficiency(const ThroughputSpec& spec, double sinr_db) noexcept {
    if (!std::isfinite(sinr_db)) {
        return 0.0;
    }
    if (spec.method == ThroughputMethod::shannon) {
        if (sinr_db < spec.sinr_min_db) {
            return 0.0;
        }
        // log2(1 + 10^(SINR/10)) with covsim::fast's exponential and logarithm (the same bits on
        // every instruction set, within 1e-14 of the C library's): a Hanoi run evaluates it
        // some hundred million times, for every rank of every point's options.
        constexpr double inv_ln2 = 1.4426950408889634074;
        return std::min(spec.alpha * fast::log(1.0 + fast::db_to_linear(sinr_db)) * inv_ln2,
                        spec.max_efficiency_bps_hz);
    }
    const auto& eff = cqi_efficiencies(spec.cqi_table);
    const double* thresholds = spec.cqi_sinr_db.size() == 15
                                   ? spec.cqi_sinr_db.data()
                                   : default_cqi_sinr_db(spec.cqi_table).data();
    double e = 0.0;
    for (std::size_t k = 0; k < 15; ++k) {
        if (sinr_db >= thresholds[k]) {
            e = eff[k];
        }
    }
    return e;
}

namespace {

// 10 log10(L / r), tabulated for L and r up to the 8 layers a scenario may give (a capacity run
// asks for it some hundred million times).
double per_stream_gain_db(int layers, int rank) noexcept {
    constexpr int tabulated = 8;
    static const auto table = [] {
        std::array<std::array<double, tabulated>, tabulated> t{};
        for (int l = 1; l <= tabulated; ++l) {
            for (int r = 1; r <= l; ++r) {
                t[l - 1][r - 1] = 10.0 * std::log10(static_cast<double>(l) / r);
            }
        }
        return t;
    }();
    return layers <= tabulated ? table[layers - 1][rank - 1]
                               : 10.0 * std::log10(static_cast<double>(layers) / rank);
}

// r * S(SINR + 10 log10(L / r)): the bits per second and hertz that r streams carry together,
// each with 1 / r of the power, combined over L receive antennas.
double rank_efficiency(const ThroughputSpec& spec, double sinr_db, int rank) noexcept {
    return rank * spectral_efficiency(spec, sinr_db + per_stream_gain_db(spec.mimo_layers, rank));
}

struct RankChoice {
    int rank = 1;
    double efficiency = 0.0; // r * S(SINR + 10 log10(L / r)), bit/s/Hz
};

// The rank that carries the most, the lowest on a tie.
RankChoice best_rank(const ThroughputSpec& spec, double sinr_db) noexcept {
    RankChoice best{1, rank_efficiency(spec, sinr_db, 1)};
    for (int rank = 2; rank <= spec.mimo_layers; ++rank) {
        const double e = rank_efficiency(spec, sinr_db, rank);
        if (e > best.efficiency) {
            best = {rank, e};
        }
    }
    return best;
}

// OFDM symbols per useful symbol duration with the normal cyclic prefix: 14 per slot of 15.
constexpr double normal_cp_symbol_share = 14.0 / 15.0;

} // namespace

int supported_rank(const ThroughputSpec& spec, double sinr_db) noexcept {
    return best_rank(spec, sinr_db).rank;
}

double peak_throughput_mbps(const ThroughputSpec& spec, double sinr_db,
                            double occupied_bandwidth_hz) noexcept {
    return best_rank(spec, sinr_db).efficiency * occupied_bandwidth_hz * normal_cp_symbol_share *
           (1.0 - spec.overhead) * spec.dl_share / 1e6;
}

} // namespace covsim
