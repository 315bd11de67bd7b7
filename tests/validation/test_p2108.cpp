// P.2108-1 clutter loss (engine/core/propagation/p2108.hpp) against the test data of NTIA's U.S.
// reference implementation (github.com/NTIA/p2108, tests/*TestData.csv), copied to
// ../shared/data/validation/p2108/:
//   HeightGainTerminalCorrectionModelTestData.csv  f__ghz, h__meter, w_s__meter, R__meter,
//                                                  clutter_type, rtn, A_h__db          (§3.1)
//   TerrestrialStatisticalModelTestData.csv        f__ghz, d__km, p, rtn, L_ctt__db    (§3.2)
//   AeronauticalStatisticalModelTestData.csv       f__ghz, theta_deg, p, rtn, L_ces__db (§3.3)
// Losses are printed to 0.1 dB. Every valid row (rtn = 0) must agree within 0.1 dB, every
// invalid row must be rejected with the same return code.
//
// Because 0.1 dB hides small errors, the last tests also hold values computed independently
// from the equations with Python (math, statistics.NormalDist for Q⁻¹) to 1e-7 dB; they need
// no shared data.

#include "core/propagation/p2108.hpp"
#include "support/csv.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <string>
#include <vector>

using namespace covsim;

namespace {

const std::string p2108_data = "validation/p2108";
constexpr double tolerance_db = 0.1;

// The numeric rows of a CSV file with a header line (a field that is not a number is NaN, and
// fails the comparison that reads it).
std::vector<std::vector<double>> read_rows(const std::filesystem::path& path) {
    std::vector<std::vector<double>> rows;
    for (const test::CsvRow& r : test::read_csv(path)) {
        if (r.line == 1 || (r.fields.size() <= 1 && r.field(0).empty())) {
            continue; // the header, blank lines
        }
        std::vector<double> row;
        for (std::size_t i = 0; i < r.fields.size(); ++i) {
            row.push_back(r.number(i).value_or(std::nan("")));
        }
        rows.push_back(row);
    }
    return rows;
}

// Runs `model` on every row (inputs first, then rtn and the loss) and checks code and loss.
void check_file(const std::string& file, std::size_t inputs,
                const std::function<p2108::ClutterLoss(const std::vector<double>&)>& model) {
    const std::vector<std::vector<double>> rows =
        read_rows(test::shared_data() / p2108_data / file);
    ASSERT_FALSE(rows.empty()) << file;
    int valid = 0;
    int invalid = 0;
    double max_deviation = 0.0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::vector<double>& row = rows[i];
        ASSERT_EQ(row.size(), inputs + 2) << file << " row " << i + 2;
        SCOPED_TRACE(file + " row " + std::to_string(i + 2));
        const int expected_code = static_cast<int>(row[inputs]);
        const p2108::ClutterLoss got = model(row);
        EXPECT_EQ(static_cast<int>(got.code), expected_code);
        if (expected_code == 0) {
            ++valid;
            EXPECT_NEAR(got.loss_db, row[inputs + 1], tolerance_db);
            max_deviation = std::max(max_deviation, std::abs(got.loss_db - row[inputs + 1]));
        } else {
            ++invalid;
            EXPECT_TRUE(std::isnan(got.loss_db));
        }
    }
    std::cout << file << ": " << valid << " valid rows, max |deviation| " << max_deviation
              << " dB; " << invalid << " invalid rows rejected with the reference code\n";
}

} // namespace

TEST(P2108Validation, HeightGainTerminalCorrectionModel) {
    COVSIM_USES_SHARED_DATA(p2108_data + "/HeightGainTerminalCorrectionModelTestData.csv");
    check_file("HeightGainTerminalCorrectionModelTestData.csv", 5, [](const auto& r) {
        return p2108::height_gain_terminal_correction(
            r[0], r[1], r[2], r[3], static_cast<p2108::ClutterType>(static_cast<int>(r[4])));
    });
}

TEST(P2108Validation, TerrestrialStatisticalModel) {
    COVSIM_USES_SHARED_DATA(p2108_data + "/TerrestrialStatisticalModelTestData.csv");
    check_file("TerrestrialStatisticalModelTestData.csv", 3,
               [](const auto& r) { return p2108::terrestrial_clutter_loss(r[0], r[1], r[2]); });
}

TEST(P2108Validation, AeronauticalStatisticalModel) {
    COVSIM_USES_SHARED_DATA(p2108_data + "/AeronauticalStatisticalModelTestData.csv");
    check_file("AeronauticalStatisticalModelTestData.csv", 3,
               [](const auto& r) { return p2108::earth_space_clutter_loss(r[0], r[1], r[2]); });
}

// ---- Values computed from the equations (no shared data) -------------------------------------

TEST(P2108Equations, HeightGainTerminalCorrection) {
    using p2108::ClutterType;
    // (2b) at 1 GHz: K_h2 = 21.8, so a 1 m antenna under 10 m of open land loses 21.8 dB.
    EXPECT_NEAR(
        p2108::height_gain_terminal_correction(1.0, 1.0, 27.0, 10.0, ClutterType::open_rural)
            .loss_db,
        21.8, 1e-12);
    EXPECT_NEAR(p2108::height_gain_terminal_correction(2.5, 3.0, 27.0, 10.0, ClutterType::water_sea)
                    .loss_db,
                12.688817756185307, 1e-9);
    // (2a) urban, 2 GHz, 1.5 m under R = 15 m, w_s = 27 m: ν = 9.1593, J(ν) − 6.03.
    EXPECT_NEAR(
        p2108::height_gain_terminal_correction(2.0, 1.5, 27.0, 15.0, ClutterType::urban).loss_db,
        26.058851906078573, 1e-9);
    // Table 3 defaults: R = 15 m for urban, w_s = 27 m.
    EXPECT_EQ(
        p2108::height_gain_terminal_correction(2.0, 1.5, ClutterType::urban).loss_db,
        p2108::height_gain_terminal_correction(2.0, 1.5, 27.0, 15.0, ClutterType::urban).loss_db);
    EXPECT_EQ(p2108::representative_clutter_height_m(ClutterType::dense_urban), 20.0);
    EXPECT_EQ(p2108::representative_clutter_height_m(ClutterType::suburban), 10.0);
    EXPECT_EQ(p2108::representative_clutter_height_m(ClutterType::trees_forest), 15.0);
    // At or above the clutter there is no correction.
    EXPECT_EQ(p2108::height_gain_terminal_correction(2.0, 20.0, ClutterType::urban).loss_db, 0.0);
    EXPECT_EQ(p2108::height_gain_terminal_correction(2.0, 1.5, static_cast<ClutterType>(7)).code,
              p2108::ReturnCode::height_gain_clutter_type);
}

TEST(P2108Equations, TerrestrialStatisticalModel) {
    EXPECT_NEAR(p2108::terrestrial_clutter_loss_db(3.5, 1.0, 50.0), 30.10506813860371, 1e-7);
    EXPECT_NEAR(p2108::terrestrial_clutter_loss_db(3.5, 0.5, 90.0), 34.17090523453413, 1e-7);
    EXPECT_NEAR(p2108::terrestrial_clutter_loss_db(0.7, 1.0, 10.0), 18.24328190613604, 1e-7);
    // (6): beyond 2 km the loss stays at its 2 km value.
    EXPECT_NEAR(p2108::terrestrial_clutter_loss_db(28.0, 10.0, 50.0), 32.98872194241805, 1e-7);
    EXPECT_EQ(p2108::terrestrial_clutter_loss_db(28.0, 10.0, 50.0),
              p2108::terrestrial_clutter_loss_db(28.0, 2.0, 50.0));
    EXPECT_TRUE(std::isnan(p2108::terrestrial_clutter_loss_db(28.0, 0.1, 50.0)));
}

TEST(P2108Equations, EarthSpaceStatisticalModel) {
    EXPECT_NEAR(p2108::earth_space_clutter_loss(20.0, 30.0, 50.0).loss_db, 4.592083683588666, 1e-7);
    EXPECT_NEAR(p2108::earth_space_clutter_loss(20.0, 30.0, 90.0).loss_db, 8.11285618248904, 1e-7);
    EXPECT_NEAR(p2108::earth_space_clutter_loss(40.0, 5.0, 10.0).loss_db, 8.479393733180693, 1e-7);
}
