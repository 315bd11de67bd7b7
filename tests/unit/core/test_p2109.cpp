// P.2109-2 building entry loss (engine/core/propagation/p2109.hpp) against values computed
// independently and against the ITU-R SG 3 workbook.
//
// The expected losses come from tests/unit/core/reference/p2109_reference_values.py, which
// evaluates eqs. (1)-(10) and Table 1 from the Recommendation with Python's
// statistics.NormalDist (Wichura's AS241) for F⁻¹; covsim uses Acklam's approximation, so the
// two agree to about 1e-8 dB. The script also prints the workbook cross-check below.

#include "core/propagation/p2109.hpp"

#include <array>
#include <cmath>
#include <gtest/gtest.h>
#include <string>

using namespace covsim;
using p2109::BuildingType;

namespace {

constexpr double tolerance_db = 1e-6;

struct Point {
    double f_ghz;
    double probability;
    double elevation_deg;
    double traditional_db;
    double thermally_efficient_db;
};

// Output of p2109_reference_values.py.
constexpr std::array<Point, 13> reference = {{
    {0.1, 0.5, 0.0, 14.2237248140, 40.1885426227},
    {0.8, 0.5, 0.0, 14.1713643179, 31.3392136461},
    {1.8, 0.1, 0.0, 5.7684671132, 16.6681020427},
    {1.8, 0.5, 0.0, 14.8431372386, 30.5546190123},
    {1.8, 0.9, 0.0, 26.8186524045, 47.1460752884},
    {3.5, 0.01, 0.0, 1.7629117631, 7.5742318977},
    {3.5, 0.5, 0.0, 15.7206026729, 30.8861915690},
    {3.5, 0.5, 20.0, 19.4954558174, 34.0847604162},
    {3.5, 0.5, -20.0, 19.4954558174, 34.0847604162},
    {3.5, 0.99, 0.0, 39.8283646757, 65.3279963527},
    {26.0, 0.5, 0.0, 19.9837781130, 41.0049573064},
    {28.0, 0.7, 45.0, 36.1303263286, 61.1127583245},
    {100.0, 0.5, 90.0, 43.0005534651, 75.1900209004},
}};

struct WorkbookValue {
    double f_ghz;
    double elevation_deg;
    BuildingType type;
    double percent;
    double loss_db; // 3 decimals
};

// ITU-R SG 3 "Clutter and BEL workbook", the reference Excel implementation of P.2109 on the
// SG 3 software page, as transcribed in github.com/eeveetza/p2109 matlab/validate_p2109.m.
constexpr std::array<WorkbookValue, 20> workbook = {{
    {28.0, 0.0, BuildingType::traditional, 1.000000e-03, 0.491},
    {28.0, 0.0, BuildingType::traditional, 1.000000e+00, 2.769},
    {28.0, 0.0, BuildingType::traditional, 1.000000e+01, 6.891},
    {28.0, 0.0, BuildingType::traditional, 5.011872e+01, 20.218},
    {28.0, 0.0, BuildingType::traditional, 9.977001e+01, 55.440},
    {28.0, 0.0, BuildingType::thermally_efficient, 1.000000e-03, -0.244},
    {28.0, 0.0, BuildingType::thermally_efficient, 1.000000e+00, 9.369},
    {28.0, 0.0, BuildingType::thermally_efficient, 1.000000e+01, 19.484},
    {28.0, 0.0, BuildingType::thermally_efficient, 5.011872e+01, 41.732},
    {28.0, 0.0, BuildingType::thermally_efficient, 9.977001e+01, 95.448},
    {2.0, 45.0, BuildingType::traditional, 1.000000e-03, -1.841},
    {2.0, 45.0, BuildingType::traditional, 1.000000e+00, 3.508},
    {2.0, 45.0, BuildingType::traditional, 1.000000e+01, 11.251},
    {2.0, 45.0, BuildingType::traditional, 5.011872e+01, 23.556},
    {2.0, 45.0, BuildingType::traditional, 9.977001e+01, 52.300},
    {2.0, 45.0, BuildingType::thermally_efficient, 1.000000e-03, -2.260},
    {2.0, 45.0, BuildingType::thermally_efficient, 1.000000e+00, 8.605},
    {2.0, 45.0, BuildingType::thermally_efficient, 1.000000e+01, 20.566},
    {2.0, 45.0, BuildingType::thermally_efficient, 5.011872e+01, 37.995},
    {2.0, 45.0, BuildingType::thermally_efficient, 9.977001e+01, 79.101},
}};

std::string describe(double f_ghz, double probability, double elevation_deg) {
    return "f=" + std::to_string(f_ghz) + " GHz, P=" + std::to_string(probability) +
           ", theta=" + std::to_string(elevation_deg);
}

} // namespace

TEST(P2109, MatchesIndependentReferenceValues) {
    for (const Point& p : reference) {
        EXPECT_NEAR(p2109::building_entry_loss_db(p.f_ghz, p.probability, p.elevation_deg,
                                                  BuildingType::traditional),
                    p.traditional_db, tolerance_db)
            << describe(p.f_ghz, p.probability, p.elevation_deg);
        EXPECT_NEAR(p2109::building_entry_loss_db(p.f_ghz, p.probability, p.elevation_deg,
                                                  BuildingType::thermally_efficient),
                    p.thermally_efficient_db, tolerance_db)
            << describe(p.f_ghz, p.probability, p.elevation_deg);
    }
}

TEST(P2109, MatchesTheSg3WorkbookToItsPrintedDecimals) {
    for (const WorkbookValue& w : workbook) {
        EXPECT_NEAR(
            p2109::building_entry_loss_db(w.f_ghz, w.percent / 100.0, w.elevation_deg, w.type),
            w.loss_db, 0.0006)
            << describe(w.f_ghz, w.percent / 100.0, w.elevation_deg);
    }
}

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
