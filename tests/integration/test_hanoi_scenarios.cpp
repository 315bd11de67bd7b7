// The committed Hanoi scenarios run end to end (at 250 m to keep the test fast): every district's
// population equals its 2019 census count, the city total is 8,053,663, and the plans cover the
// city. The same plan also runs on the real district boundaries of ../shared/data.

#include "io/scenario_parser.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <cmath>
#include <cstdio>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <map>
#include <numeric>
#include <ogrsf_frmts.h>

namespace fs = std::filesystem;
using covsim::test::read_text;
using covsim::test::run_covsim;
using covsim::test::write_text;

namespace {

const fs::path repo = covsim::test::source_dir;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
    }
    return s;
}

// A copy of a committed scenario at another resolution, with its paths made absolute.
fs::path coarse_copy(const std::string& name, const fs::path& dir, const std::string& resolution) {
    std::string toml = read_text(repo / "scenarios" / (name + ".toml"));
    toml = replace_all(toml, "\"../geodata/", "\"" + (repo / "geodata").string() + "/");
    toml = replace_all(toml, "\"sites/", "\"" + (repo / "scenarios" / "sites").string() + "/");
    toml = replace_all(toml, "resolution_m = 50", "resolution_m = " + resolution);
    const fs::path out = dir / (name + ".toml");
    write_text(out, toml);
    return out;
}

// Census population per district code, from the embedded district layer.
std::map<std::string, double> census() {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(
        (repo / "geodata" / "hanoi" / "districts.geojson").string().c_str(), GDAL_OF_VECTOR));
    std::map<std::string, double> out;
    for (auto& f : *ds->GetLayer(0)) {
        out[f->GetFieldAsString("code")] = f->GetFieldAsDouble("population");
    }
    return out;
}

} // namespace

TEST(HanoiScenarios, RunAndReproduceTheCensusInEveryDistrict) {
    covsim::test::TempDir dir;
    const auto a = coarse_copy("hanoi-4g-2020", dir.path(), "250");
    const auto b = coarse_copy("hanoi-5g-2025", dir.path(), "250");
    const auto r = run_covsim({"run", a.string(), b.string(), "--out", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const auto expected = census();
    ASSERT_EQ(expected.size(), 30u);
    const fs::path h5 = dir / "out" / "results.h5";
    // 2020 and 2025 grow the 2019 census by 1.031 and 1.093 in every district ([study_area]
    // population_growth).
    for (const auto& [scenario, growth] :
         {std::pair{"hanoi-4g-2020", 1.031}, std::pair{"hanoi-5g-2025", 1.093}}) {
        SCOPED_TRACE(scenario);
        const auto population =
            covsim::test::read_h5<double>(h5, std::string("/") + scenario + "/population");
        const auto covered =
            covsim::test::read_h5<double>(h5, std::string("/") + scenario + "/covered_population");
        ASSERT_EQ(population.size(), 30u);
        const double total = 8053663.0 * growth;
        EXPECT_NEAR(std::accumulate(population.begin(), population.end(), 0.0), total, 0.5);
        std::size_t i = 0;
        for (const auto& [code, people] : expected) { // codes sort as the file lists them
            EXPECT_NEAR(population[i], people * growth, 1e-6) << code;
            ++i;
        }
        const double total_covered = std::accumulate(covered.begin(), covered.end(), 0.0);
        EXPECT_GT(total_covered / total, 0.95); // the plans are dense macro grids
        EXPECT_LE(total_covered, total + 0.5);
    }
    // docs/calibration.md: the 2020 network's median busy-hour user throughput lies within the
    // published speeds of 2020 (10-80 Mbit/s); 17.0 at 250 m, 15.4 at 50 m.
    const double median = covsim::test::h5_number_attr(h5, "/hanoi-4g-2020",
                                                       "city_radio_user_throughput_median_mbps");
    EXPECT_GE(median, 10.0);
    EXPECT_LE(median, 80.0);
    // The 2025 plan adds layers to the 2020 LTE 1800 one: it never covers a smaller share of a
    // district (of 2020's people and 2019's: the raster is the same, only scaled).
    const auto c2020 = covsim::test::read_h5<double>(h5, "/hanoi-4g-2020/covered_share");
    const auto c2025 = covsim::test::read_h5<double>(h5, "/hanoi-5g-2025/covered_share");
    for (std::size_t i = 0; i < c2020.size(); ++i) {
        EXPECT_GE(c2025[i], c2020[i] - 1e-12) << i;
    }
    const std::string csv = read_text(dir / "out" / "summary.csv");
    EXPECT_NE(csv.find("hanoi-5g-2025,001,Ba Đình,Ba Dinh,urban_district,242529,"),
              std::string::npos);
}

// The universal-broadband plan: fixed wireless access and fibre reach the rural districts. At
// 250 m the whole city is served better than in 2025, every rural district reaches the target
// share of people served, and the cost per subscriber is a finite, positive figure.
// The shipped plan files parse as docs/planning.md describes them: the 2020 LTE layer as built,
// four options, 95 % in every district, outdoors and (the -indoors one, which extends the
// other) inside buildings.
TEST(HanoiScenarios, ShippedPlanFilesAskWhatTheDocsSay) {
    const auto outdoors = covsim::io::parse_plan_file(repo / "scenarios" / "hanoi-plan-2030.toml");
    const auto indoors =
        covsim::io::parse_plan_file(repo / "scenarios" / "hanoi-plan-2030-indoors.toml");
    for (const auto* p : {&outdoors, &indoors}) {
        EXPECT_EQ(p->spec.existing, (std::vector<std::string>{"lte-1800", "lte-2100"}));
        ASSERT_EQ(p->spec.options.size(), 4U);
        EXPECT_EQ(p->spec.options[0].name, "n41-grid");
        EXPECT_EQ(p->spec.options[3].name, "ftth");
        EXPECT_DOUBLE_EQ(p->spec.target.served_share, 0.95);
        EXPECT_DOUBLE_EQ(p->scenario.study_area.resolution_m, 100.0);
    }
    EXPECT_FALSE(outdoors.spec.target.indoors);
    EXPECT_TRUE(indoors.spec.target.indoors);
    EXPECT_EQ(indoors.scenario.name, "hanoi-plan-2030-indoors");
}

TEST(HanoiScenarios, Universal2030ServesTheRuralDistricts) {
    covsim::test::TempDir dir;
    const auto a = coarse_copy("hanoi-5g-2025", dir.path(), "250");
    const auto b = coarse_copy("hanoi-universal-2030", dir.path(), "250");
    const auto r = run_covsim({"run", a.string(), b.string(), "--out", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("hanoi-universal-2030"), std::string::npos);
    const fs::path h5 = dir / "out" / "results.h5";
    const auto served_2025 = covsim::test::read_h5<double>(h5, "/hanoi-5g-2025/served_population");
    const auto served_2030 =
        covsim::test::read_h5<double>(h5, "/hanoi-universal-2030/served_population");
    const auto population = covsim::test::read_h5<double>(h5, "/hanoi-universal-2030/population");
    const auto homes = covsim::test::read_h5<double>(h5, "/hanoi-universal-2030/ftth_homes_passed");
    const auto cost = covsim::test::read_h5<double>(
        h5, "/hanoi-universal-2030/cost_per_subscriber_usd_per_month");
    ASSERT_EQ(served_2030.size(), 30u);
    const double total_2025 = std::accumulate(served_2025.begin(), served_2025.end(), 0.0);
    const double total_2030 = std::accumulate(served_2030.begin(), served_2030.end(), 0.0);
    // More than 18 % of the 2019 city more: at 250 m 6.52 M people (74.0 % of 8.80 M) are served
    // in 2025 and 8.67 M (91.5 % of 9.47 M) in 2030, at 15 and 26.6 GB a month.
    EXPECT_GT(total_2030, total_2025 + 0.18 * 8053663.0)
        << "2025 " << total_2025 / 8053663.0 << ", 2030 " << total_2030 / 8053663.0;
    const auto codes = census(); // the same order as the results' district dimension
    std::size_t i = 0;
    for (const auto& [code, people] : codes) {
        // Districts 016-020 and 250-282 are the town and the rural districts, except the urban
        // 019, 021 and 268.
        const bool urban = code < "016" || code == "019" || code == "021" || code == "268";
        if (!urban) {
            EXPECT_GE(served_2030[i] / population[i], 0.95) << code;
        }
        EXPECT_GT(cost[i], 0.0) << code;
        EXPECT_LT(cost[i], 100.0) << code;
        ++i;
    }
    // Every person is covered in the rural districts: uncovered_population is 0, written "0",
    // never "-0" (a subtraction leaves -1e-9 people).
    const std::string csv = read_text(dir / "out" / "summary.csv");
    EXPECT_EQ(csv.find(",-0,"), std::string::npos);
    EXPECT_EQ(csv.find(",-0.0"), std::string::npos);
    // Fibre passes the homes of the five listed districts only (85 % of them before 2030): 269
    // Son Tay has 145,856 people in 2019, the five 1.41 M; 2030 has 1.176 times as many.
    const double all_homes = std::accumulate(homes.begin(), homes.end(), 0.0);
    EXPECT_GT(all_homes, 1.176 * 145856.0 / 3.6);
    EXPECT_LT(all_homes, 1.176 * 1.5e6 / 3.6);
}

TEST(HanoiScenarios, RunOnTheRealDistrictBoundaries) {
    COVSIM_USES_SHARED_DATA("boundaries/hanoi_districts_pre2025.geojson");
    covsim::test::TempDir dir;
    const fs::path real =
        covsim::test::shared_data() / "boundaries" / "hanoi_districts_pre2025.geojson";
    std::string toml = read_text(coarse_copy("hanoi-4g-2020", dir.path(), "250"));
    // The real boundaries carry no population: the raster's people are kept as they are.
    toml = replace_all(toml, (repo / "geodata" / "hanoi" / "districts.geojson").string(),
                       real.string());
    toml = replace_all(toml, "population_field = \"population\"", "");
    write_text(dir / "real.toml", toml);
    const auto r =
        run_covsim({"run", (dir / "real.toml").string(), "--out", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto population =
        covsim::test::read_h5<double>(dir / "out" / "results.h5", "/hanoi-4g-2020/population");
    ASSERT_EQ(population.size(), 30u);
    // People of the synthetic raster that fall outside the real outline are dropped: measured
    // 7,977,415 kept (99.05 %) at 250 m, then grown to 2020 (x 1.031).
    const double total = std::accumulate(population.begin(), population.end(), 0.0);
    EXPECT_GT(total, 0.985 * 8053663.0 * 1.031);
    EXPECT_LE(total, 8053663.0 * 1.031 + 0.5);
}

// The 2025 plan over real (coarse) terrain, with clutter from a land-cover raster and indoor
// users: ETOPO5 relief of the Hanoi region, a WorldCover-coded land cover made here (built-up
// within 8 km of Hoan Kiem, tree cover west of Ba Vi's foothills, cropland elsewhere). It runs
// end to end and reports, per district, the people covered outdoors and indoors.
TEST(HanoiScenarios, TerrainClutterAndIndoorUsersOnEtopo5) {
    COVSIM_USES_SHARED_DATA("terrain/etopo5_hanoi_region.tif");
    covsim::test::TempDir dir;
    const fs::path dem = covsim::test::shared_data() / "terrain" / "etopo5_hanoi_region.tif";
    covsim::test::write_population_tif(
        dir / "worldcover.tif", 530000.0, 2370000.0, 1000.0, 80, 100, 32648, [](int col, int row) {
            const double x = 530500.0 + 1000.0 * col;
            const double y = 2369500.0 - 1000.0 * row;
            if (std::hypot(x - 588000.0, y - 2324000.0) < 8000.0) {
                return 50.0; // built-up
            }
            return x < 545000.0 ? 10.0 : 40.0; // tree cover, cropland
        });
    std::string toml = read_text(coarse_copy("hanoi-5g-2025", dir.path(), "500"));
    toml = replace_all(toml, "[study_area]\n",
                       "[study_area]\ndem = \"" + dem.string() + "\"\nland_cover = \"" +
                           (dir / "worldcover.tif").string() + "\"\n");
    toml = replace_all(toml, "[layer_defaults]\n",
                       "[layer_defaults]\nclutter_loss = true\nterminal_clutter_correction = "
                       "true\n");
    toml += "\n[indoor]\nprobability = 0.5\n";
    write_text(dir / "terrain.toml", toml);
    const auto r =
        run_covsim({"run", (dir / "terrain.toml").string(), "--out", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const fs::path h5 = dir / "out" / "results.h5";
    const std::string group = "/hanoi-5g-2025";
    EXPECT_EQ(covsim::test::h5_string_attr(h5, group, "input_dem"),
              dem.lexically_normal().string());
    EXPECT_NE(covsim::test::h5_string_attr(h5, group, "input_land_cover").find("worldcover.tif"),
              std::string::npos);
    // ETOPO5 covers the whole city. Pairs within terrain_margin_db (30 dB) of a cell's best
    // flat-terrain signal and longer than 1.5 profile spacings (750 m here) go over the terrain:
    // measured 524,927 of 7,621,104.
    EXPECT_EQ(covsim::test::h5_count_attr(h5, group, "cells_without_terrain"), 0u);
    const std::uint64_t pairs = covsim::test::h5_count_attr(h5, group, "pixel_sectors_evaluated");
    const std::uint64_t terrain_pairs =
        covsim::test::h5_count_attr(h5, group, "terrain_pairs_evaluated");
    EXPECT_GT(terrain_pairs, pairs / 50);
    EXPECT_LT(terrain_pairs, pairs);
    const auto population = covsim::test::read_h5<double>(h5, group + "/population");
    const auto outdoor = covsim::test::read_h5<double>(h5, group + "/covered_population");
    const auto indoor = covsim::test::read_h5<double>(h5, group + "/covered_indoor_population");
    ASSERT_EQ(indoor.size(), 30u);
    std::size_t i = 0;
    for (const auto& [code, people] : census()) {
        EXPECT_LE(indoor[i], outdoor[i] + 1e-6) << code;
        EXPECT_LE(outdoor[i], population[i] + 1e-6) << code;
        std::printf("district %s: %.0f people, %.0f covered outdoors, %.0f indoors\n", code.c_str(),
                    population[i], outdoor[i], indoor[i]);
        ++i;
    }
    const double all_outdoor = std::accumulate(outdoor.begin(), outdoor.end(), 0.0);
    const double all_indoor = std::accumulate(indoor.begin(), indoor.end(), 0.0);
    EXPECT_GT(all_outdoor / 8053663.0, 0.5);
    EXPECT_LT(all_indoor, all_outdoor); // buildings cost 10-30 dB at 2.6 GHz
    EXPECT_GT(all_indoor, 0.0);
    // The line-of-sight map is written when the scenario has terrain.
    const auto los = covsim::test::read_h5<std::uint8_t>(h5, group + "/line_of_sight");
    EXPECT_FALSE(los.empty());
}
