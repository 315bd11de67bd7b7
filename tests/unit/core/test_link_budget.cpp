// Link-budget quantities per resource element. N_RB spot values are read from 3GPP TS 36.101
// Table 5.6-1 and TS 38.101-1 Table 5.3.2-1; the dBm values that
// tests/unit/core/reference/model_reference_values.py computes (k = 1.380649e-23 J/K,
// T0 = 290 K) are compared in test_reference_values.cpp.

#include "core/link_budget.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace covsim;

TEST(ResourceBlocks, LteTable56) {
    EXPECT_EQ(resource_blocks(Technology::lte, 1.4, 15), 6);
    EXPECT_EQ(resource_blocks(Technology::lte, 3.0, 15), 15);
    EXPECT_EQ(resource_blocks(Technology::lte, 5.0, 15), 25);
    EXPECT_EQ(resource_blocks(Technology::lte, 10.0, 15), 50);
    EXPECT_EQ(resource_blocks(Technology::lte, 15.0, 15), 75);
    EXPECT_EQ(resource_blocks(Technology::lte, 20.0, 15), 100);
    // LTE has no other bandwidths and only 15 kHz subcarriers.
    EXPECT_FALSE(resource_blocks(Technology::lte, 40.0, 15).has_value());
    EXPECT_FALSE(resource_blocks(Technology::lte, 20.0, 30).has_value());
    EXPECT_FALSE(resource_blocks(Technology::lte, 12.0, 15).has_value());
}

TEST(ResourceBlocks, NrFr1Table5321) {
    // 15 kHz
    EXPECT_EQ(resource_blocks(Technology::nr, 5.0, 15), 25);
    EXPECT_EQ(resource_blocks(Technology::nr, 10.0, 15), 52);
    EXPECT_EQ(resource_blocks(Technology::nr, 20.0, 15), 106);
    EXPECT_EQ(resource_blocks(Technology::nr, 40.0, 15), 216);
    EXPECT_EQ(resource_blocks(Technology::nr, 50.0, 15), 270);
    // 30 kHz
    EXPECT_EQ(resource_blocks(Technology::nr, 10.0, 30), 24);
    EXPECT_EQ(resource_blocks(Technology::nr, 20.0, 30), 51);
    EXPECT_EQ(resource_blocks(Technology::nr, 40.0, 30), 106);
    EXPECT_EQ(resource_blocks(Technology::nr, 50.0, 30), 133);
    EXPECT_EQ(resource_blocks(Technology::nr, 60.0, 30), 162);
    EXPECT_EQ(resource_blocks(Technology::nr, 80.0, 30), 217);
    EXPECT_EQ(resource_blocks(Technology::nr, 90.0, 30), 245);
    EXPECT_EQ(resource_blocks(Technology::nr, 100.0, 30), 273);
    // 60 kHz
    EXPECT_EQ(resource_blocks(Technology::nr, 10.0, 60), 11);
    EXPECT_EQ(resource_blocks(Technology::nr, 40.0, 60), 51);
    EXPECT_EQ(resource_blocks(Technology::nr, 100.0, 60), 135);
}

TEST(ResourceBlocks, CombinationsNotInTheTablesAreEmpty) {
    EXPECT_FALSE(resource_blocks(Technology::nr, 100.0, 15).has_value());  // FR1: N/A
    EXPECT_FALSE(resource_blocks(Technology::nr, 5.0, 60).has_value());    // N/A
    EXPECT_FALSE(resource_blocks(Technology::nr, 1.4, 15).has_value());    // LTE only
    EXPECT_FALSE(resource_blocks(Technology::nr, 100.0, 120).has_value()); // FR2
    EXPECT_FALSE(resource_blocks(Technology::nr, 37.0, 30).has_value());
    EXPECT_FALSE(resource_blocks(Technology::nr, 0.0, 30).has_value());
    EXPECT_FALSE(resource_blocks(Technology::nr, -20.0, 30).has_value());
}

TEST(LinkBudget, PowerPerResourceElementSpreadsTheTotalOverTwelveSubcarriersPerRb) {
    // 46 dBm over 100 RB = 1200 subcarriers: 46 - 10 log10(1200).
    EXPECT_NEAR(power_per_re_dbm(46.0, 100), 46.0 - 10.0 * std::log10(1200.0), 1e-12);
    // Doubling the resource blocks halves the power per RE.
    EXPECT_NEAR(power_per_re_dbm(40.0, 50) - power_per_re_dbm(40.0, 100), 10.0 * std::log10(2.0),
                1e-12);
}

TEST(LinkBudget, NoisePerResourceElementIsKT0TimesTheSubcarrierSpacingPlusTheNoiseFigure) {
    // 10 log10(1.380649e-23 J/K * 290 K * delta_f / 1 mW) + NF: the values for 15 and 30 kHz
    // are in test_reference_values.cpp.
    EXPECT_NEAR(noise_per_re_dbm(15, 7.0) - noise_per_re_dbm(15, 0.0), 7.0, 1e-12);
    // The familiar -174 dBm/Hz density (-173.975 dBm/Hz with T0 = 290 K).
    EXPECT_NEAR(noise_per_re_dbm(15, 0.0) - 10.0 * std::log10(15e3), -173.9752, 1e-4);
    EXPECT_NEAR(noise_per_re_dbm(60, 0.0) - noise_per_re_dbm(15, 0.0), 10.0 * std::log10(4.0),
                1e-12);
}

TEST(Technology, ParsesTheScenarioNamesOnly) {
    EXPECT_EQ(parse_technology("lte"), Technology::lte);
    EXPECT_EQ(parse_technology("nr"), Technology::nr);
    EXPECT_FALSE(parse_technology("LTE").has_value());
    EXPECT_FALSE(parse_technology("5g").has_value());
    EXPECT_FALSE(parse_technology("").has_value());
    EXPECT_FALSE(parse_technology("nr ").has_value());
    EXPECT_EQ(to_string(Technology::lte), "lte");
    EXPECT_EQ(to_string(Technology::nr), "nr");
    EXPECT_EQ(parse_technology(to_string(Technology::nr)), Technology::nr);
}
