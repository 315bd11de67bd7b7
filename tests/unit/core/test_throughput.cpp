#include "core/throughput.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace covsim;

TEST(Throughput, ShannonBoundAtItsBreakpoints) {
    const ThroughputSpec s; // TR 36.942 Table A.2: alpha 0.6, -10 dB, 4.4 bit/s/Hz
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, -10.01), 0.0);
    // At SINR_min: 0.6 log2(1 + 0.1) = 0.6 * 0.1375035 = 0.0825021.
    EXPECT_NEAR(spectral_efficiency(s, -10.0), 0.0825021, 1e-6);
    // 10 dB: 0.6 log2(11) = 0.6 * 3.4594316 = 2.0756590.
    EXPECT_NEAR(spectral_efficiency(s, 10.0), 2.0756590, 1e-6);
    // The cap 4.4 is reached at 10 log10(2^(4.4/0.6) - 1) = 22.0485 dB.
    EXPECT_LT(spectral_efficiency(s, 22.04), 4.4);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 22.05), 4.4);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 40.0), 4.4);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, std::nan("")), 0.0);
}

TEST(Throughput, CqiTableOneStepsAtItsThresholds) {
    ThroughputSpec s;
    s.method = ThroughputMethod::cqi;
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, -6.71), 0.0);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, -6.7), 0.1523);  // CQI 1
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 10.29), 1.9141); // CQI 8 (8.1 dB)
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 10.3), 2.4063);  // CQI 9
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 22.69), 5.1152); // CQI 14
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 22.7), 5.5547);  // CQI 15
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 60.0), 5.5547);
}

TEST(Throughput, CqiTableTwoSharesTableOnesThresholdsForTheSameEfficiency) {
    const auto& e1 = cqi_efficiencies(CqiTable::table1);
    const auto& e2 = cqi_efficiencies(CqiTable::table2);
    const auto& t1 = default_cqi_sinr_db(CqiTable::table1);
    const auto& t2 = default_cqi_sinr_db(CqiTable::table2);
    EXPECT_DOUBLE_EQ(e2[14], 7.4063); // TS 38.214 Table 5.2.2.1-3, CQI 15
    for (std::size_t k = 0; k < 15; ++k) {
        if (k > 0) {
            EXPECT_GT(t2[k], t2[k - 1]) << k;
        }
        for (std::size_t j = 0; j < 15; ++j) {
            if (e1[j] == e2[k]) {
                EXPECT_DOUBLE_EQ(t2[k], t1[j]) << "CQI " << k + 1;
            }
        }
    }
    // 256QAM beyond table 1 keeps CQI 15's gap to the Shannon bound:
    // gap = 22.7 - 10 log10(2^5.5547 - 1) = 22.7 - 16.6279 = 6.0721 dB.
    const double gap = 22.7 - 10.0 * std::log10(std::pow(2.0, 5.5547) - 1.0);
    EXPECT_NEAR(t2[14], 10.0 * std::log10(std::pow(2.0, 7.4063) - 1.0) + gap, 1e-12);
    EXPECT_NEAR(gap, 6.0721, 1e-3);
}

TEST(Throughput, CustomThresholdsReplaceTheDefaults) {
    ThroughputSpec s;
    s.method = ThroughputMethod::cqi;
    for (int k = 0; k < 15; ++k) {
        s.cqi_sinr_db.push_back(2.0 * k);
    }
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, -0.1), 0.0);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 0.0), 0.1523);
    EXPECT_DOUBLE_EQ(spectral_efficiency(s, 28.0), 5.5547);
}

TEST(Throughput, PeakThroughputScalesWithBandwidthLayersCyclicPrefixOverheadAndDownlinkShare) {
    ThroughputSpec s;
    s.mimo_layers = 2;
    s.overhead = 0.25;
    // LTE 20 MHz: 100 RB x 12 x 15 kHz = 18 MHz occupied, 14 symbols in 15 symbol times (normal
    // cyclic prefix); both streams at 30 - 3.01 dB reach S_max: 2 x 4.4 x 18e6 x 14/15 x 0.75.
    EXPECT_NEAR(peak_throughput_mbps(s, 30.0, 18e6), 110.88, 1e-9);
    s.dl_share = 0.75;
    EXPECT_NEAR(peak_throughput_mbps(s, 30.0, 18e6), 83.16, 1e-9);
    EXPECT_DOUBLE_EQ(peak_throughput_mbps(s, -20.0, 18e6), 0.0);
}

// Rank adaptation: r streams share the power, each combined over L = mimo_layers receive
// antennas (SINR + 10 log10(L / r)), and the rank that carries the most is used. Values by hand
// from S(SINR) = 0.6 log2(1 + 10^(SINR/10)) and table 1's CQI thresholds.
TEST(Throughput, RankAdaptationSharesThePowerOverTheStreams) {
    ThroughputSpec s;
    s.mimo_layers = 2;
    s.overhead = 0.0;
    // 10 dB: two streams at 10 dB carry 2 x 0.6 log2(11) = 4.151, one at 13.01 dB
    // 0.6 log2(21) = 2.635 bit/s/Hz.
    EXPECT_EQ(supported_rank(s, 10.0), 2);
    EXPECT_NEAR(peak_throughput_mbps(s, 10.0, 15e6), 1.2 * std::log2(11.0) * 14.0, 1e-9);
    // -11 dB: two streams are below SINR_min and carry nothing; one, with both antennas'
    // array gain, is at -7.99 dB.
    EXPECT_EQ(supported_rank(s, -11.0), 1);
    EXPECT_NEAR(peak_throughput_mbps(s, -11.0, 15e6),
                0.6 * std::log2(1.0 + 2.0 * std::pow(10.0, -1.1)) * 14.0, 1e-9);
    // Two streams take over at SINR_min: 2 x 0.6 log2(1.1) = 0.165 > 0.6 log2(1.2) = 0.158.
    EXPECT_EQ(supported_rank(s, -10.0 - 1e-9), 1);
    EXPECT_EQ(supported_rank(s, -10.0), 2);
    EXPECT_DOUBLE_EQ(peak_throughput_mbps(s, -13.02, 15e6), 0.0);
    // Four layers at 20 dB: 4 x 0.6 log2(101) = 15.98 bit/s/Hz beats three streams at 21.25 dB,
    // 3 x 0.6 log2(134.3) = 12.73.
    s.mimo_layers = 4;
    EXPECT_EQ(supported_rank(s, 20.0), 4);
    EXPECT_NEAR(peak_throughput_mbps(s, 20.0, 15e6), 2.4 * std::log2(101.0) * 14.0, 1e-9);
    // Four layers at -14 dB: one stream with 6.02 dB of array gain (-7.98 dB) carries; two at
    // -10.99 dB do not.
    EXPECT_EQ(supported_rank(s, -14.0), 1);
    // CQI table 1 at -8 dB: two streams at -8 dB are below CQI 1 (-6.7 dB); one at -4.99 dB has
    // CQI 1 (0.1523; CQI 2 needs -4.7 dB).
    s.method = ThroughputMethod::cqi;
    s.mimo_layers = 2;
    EXPECT_EQ(supported_rank(s, -8.0), 1);
    EXPECT_NEAR(peak_throughput_mbps(s, -8.0, 15e6), 0.1523 * 14.0, 1e-9);
    // At 10.3 dB: two streams at CQI 9 (2 x 2.4063) beat one at 13.31 dB, CQI 10 (2.7305).
    EXPECT_EQ(supported_rank(s, 10.3), 2);
    EXPECT_NEAR(peak_throughput_mbps(s, 10.3, 15e6), 2.0 * 2.4063 * 14.0, 1e-9);
}
