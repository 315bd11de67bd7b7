// P.2109-2 building entry loss (engine/core/propagation/p2109.hpp): properties that must hold
// everywhere, and invalid input.
//
// The values that tests/unit/core/reference/p2109_reference_values.py evaluates from eqs.
// (1)-(10) and Table 1 of the Recommendation with Python's statistics.NormalDist (Wichura's
// AS241) for F⁻¹, and the ITU-R SG 3 workbook's, are compared in test_reference_values.cpp;
// covsim uses Acklam's approximation, so the two agree to about 1e-8 dB.

#include "core/propagation/p2109.hpp"

#include <array>
#include <cmath>
#include <gtest/gtest.h>
#include <string>

using namespace covsim;
using p2109::BuildingType;

namespace {

std::string describe(double f_ghz, double probability, double elevation_deg) {
    return "f=" + std::to_string(f_ghz) + " GHz, P=" + std::to_string(probability) +
           ", theta=" + std::to_string(elevation_deg);
}

} // namespace

TEST(P2109, ThermallyEfficientBuildingsLoseMoreAndLossGrowsWithProbability) {
    constexpr std::array<double, 12> probabilities = {0.001, 0.005, 0.01, 0.02, 0.05, 0.1,
                                                      0.3,   0.5,   0.7,  0.9,  0.99, 0.999};
    for (int i = 0; i <= 40; ++i) {
        const double f_ghz =
            p2109::min_frequency_ghz *
            std::pow(p2109::max_frequency_ghz / p2109::min_frequency_ghz, i / 40.0);
        for (const double elevation_deg : {0.0, 30.0, 60.0, 90.0}) {
            double previous_db = -1e9;
            for (const double p : probabilities) {
                const double trad = p2109::building_entry_loss_db(f_ghz, p, elevation_deg,
                                                                  BuildingType::traditional);
                const double eff = p2109::building_entry_loss_db(f_ghz, p, elevation_deg,
                                                                 BuildingType::thermally_efficient);
                EXPECT_GT(eff, trad) << describe(f_ghz, p, elevation_deg);
                EXPECT_GT(trad, previous_db) << describe(f_ghz, p, elevation_deg);
                previous_db = trad;
            }
        }
    }
}

TEST(P2109, ElevationRaisesTheLossSymmetrically) {
    const double horizontal =
        p2109::building_entry_loss_db(3.5, 0.5, 0.0, BuildingType::traditional);
    const double up = p2109::building_entry_loss_db(3.5, 0.5, 30.0, BuildingType::traditional);
    const double down = p2109::building_entry_loss_db(3.5, 0.5, -30.0, BuildingType::traditional);
    EXPECT_GT(up, horizontal);
    EXPECT_EQ(up, down);
}

TEST(P2109, InvalidInputGivesNaN) {
    for (const auto& [f, p, theta] :
         {std::array{0.0, 0.5, 0.0}, std::array{-1.0, 0.5, 0.0}, std::array{3.5, 0.0, 0.0},
          std::array{3.5, 1.0, 0.0}, std::array{3.5, 50.0, 0.0}, std::array{3.5, 0.5, 91.0},
          std::array{3.5, 0.5, -91.0}, std::array{std::nan(""), 0.5, 0.0},
          std::array{3.5, std::nan(""), 0.0}}) {
        EXPECT_TRUE(
            std::isnan(p2109::building_entry_loss_db(f, p, theta, BuildingType::traditional)))
            << describe(f, p, theta);
    }
}
