// Whole runs of the covsim executable through real files.

#include "support/test_support.hpp"
#include "test_config.hpp"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <numbers>
#include <ogr_spatialref.h>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using covsim::test::read_text;
using covsim::test::run_covsim;
using covsim::test::write_text;

namespace {

std::pair<double, double> utm48_to_lonlat(double x, double y) {
    OGRSpatialReference utm;
    utm.importFromEPSG(32648);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference geo;
    geo.importFromEPSG(4326);
    geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&utm, &geo));
    t->Transform(1, &x, &y);
    return {x, y};
}

// summary.csv as rows of fields (no quoted fields in these tests).
std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(read_text(p));
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> row;
        std::istringstream fields(line);
        for (std::string f; std::getline(fields, f, ',');) {
            row.push_back(f);
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace

// One omnidirectional site, free-space loss, uniform population: the covered population equals
// the density times the area of the disc where the RSRP reaches the threshold, within 1 %.
TEST(EndToEnd, SingleSiteFreeSpaceCoversTheAnalyticDisc) {
    covsim::test::TempDir dir;
    const double x0 = 570000.0, y0 = 2310000.0, side = 20000.0;
    covsim::test::write_districts_gpkg(
        dir / "d.gpkg",
        {{"100",
          "Square",
          "urban_district",
          0.0,
          {{x0, y0}, {x0, y0 + side}, {x0 + side, y0 + side}, {x0 + side, y0}}}},
        32648);
    // 10 people per 100 m cell: 1000 people per km2.
    covsim::test::write_population_tif(dir / "pop.tif", x0, y0 + side, 100.0, 200, 200, 32648,
                                       [](int, int) { return 10.0; });
    const auto [lon, lat] = utm48_to_lonlat(x0 + side / 2, y0 + side / 2);
    write_text(dir / "sites.csv", fmt::format("site_id,lon,lat,height_m,power_dbm\n"
                                              "C,{:.10f},{:.10f},30,43\n",
                                              lon, lat));
    write_text(dir / "disc.toml", R"(
[scenario]
name = "disc"
[study_area]
districts = "d.gpkg"
population = "pop.tif"
resolution_m = 50
[[layers]]
name = "omni"
sites = "sites.csv"
frequency_mhz = 1800
bandwidth_mhz = 20
model = "free-space"
max_range_m = 15000
rx_height_m = 1.5
rsrp_min_dbm = -100
sinr_min_db = -20
[layers.antenna]
pattern = "isotropic"
gain_dbi = 0
)");
    const auto r = run_covsim({"run", "disc.toml", "--out", "out"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // RSRP(d) = P - 10 log10(12 N_RB) - 20 log10(4 pi d3 f / c) >= threshold, N_RB = 100.
    const double d3 = 299792458.0 / (4.0 * std::numbers::pi * 1800e6) *
                      std::pow(10.0, (43.0 - 10.0 * std::log10(1200.0) + 100.0) / 20.0);
    const double d2 = std::sqrt(d3 * d3 - 28.5 * 28.5);
    const double expected = 1000.0 * std::numbers::pi * d2 * d2 / 1e6;

    const auto rows = read_csv(dir / "out" / "summary.csv");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1][0], "disc");
    EXPECT_EQ(rows[1][5], "400000"); // population
    EXPECT_NEAR(std::stod(rows[1][7]), expected, 0.01 * expected) << "disc radius " << d2;
    EXPECT_GT(d2, 4000.0); // the disc is large against the cells...
    EXPECT_LT(d2, 9000.0); // ...and inside the square
}

// The whole pipeline, not only the kernel, is deterministic: results.h5, summary.csv and the
// tornado table of the ranges are the same bit for bit with 1 and 2 threads on a grid of several
// tiles, for a batch of two scenarios that run in parallel with 2 threads.
TEST(EndToEnd, OutputsAreIdenticalForAnyThreadCount) {
    covsim::test::TempDir dir;
    covsim::test::write_tiny_area(dir.path());
    const fs::path fixtures = fs::path(covsim::test::source_dir) / "tests" / "cli" / "fixtures";
    fs::copy_file(fixtures / "sites.csv", dir / "sites.csv");
    std::string toml = read_text(fixtures / "good.toml");
    toml.replace(toml.find("resolution_m = 50"), 17, "resolution_m = 10");
    // The first scenario with ranges: their extra capacity and cost runs are deterministic too.
    write_text(dir / "fine.toml", toml + "\n[uncertainty]\nbusy_hour_demand_mbps = [0.05, 0.5]\n"
                                         "adoption_scale = [0.8, 1.2]\n"
                                         "population_growth = [0.9, 1.2]\n");
    toml.replace(toml.find("name = \"tiny\""), 13, "name = \"tiny-b\"");
    toml.replace(toml.find("cost231-hata"), 12, "free-space");
    write_text(dir / "fine-b.toml", toml);

    const auto one = run_covsim(
        {"run", "fine.toml", "fine-b.toml", "--out", "one", "--threads", "1"}, dir.path());
    const auto two = run_covsim(
        {"run", "fine.toml", "fine-b.toml", "--out", "two", "--threads", "2"}, dir.path());
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_EQ(read_text(dir / "one" / "summary.csv"), read_text(dir / "two" / "summary.csv"));
    EXPECT_EQ(read_text(dir / "one" / "summary_layers.csv"),
              read_text(dir / "two" / "summary_layers.csv"));
    EXPECT_NE(read_text(dir / "one" / "summary.csv").find("tiny-b,002"), std::string::npos);
    EXPECT_EQ(read_text(dir / "one" / "variants" / "tiny" / "tornado.csv"),
              read_text(dir / "two" / "variants" / "tiny" / "tornado.csv"));
    for (const char* name : {"/tiny/rsrp_dbm", "/tiny/sinr_db", "/tiny/layer_rsrp_dbm",
                             "/tiny-b/rsrp_dbm", "/tiny-b/sinr_db", "/tiny-b/layer_rsrp_dbm"}) {
        EXPECT_EQ(covsim::test::read_h5<float>(dir / "one" / "results.h5", name),
                  covsim::test::read_h5<float>(dir / "two" / "results.h5", name))
            << name;
    }
    for (const char* name :
         {"/tiny/best_server", "/tiny/layer_best_server", "/tiny-b/best_server"}) {
        EXPECT_EQ(covsim::test::read_h5<std::int32_t>(dir / "one" / "results.h5", name),
                  covsim::test::read_h5<std::int32_t>(dir / "two" / "results.h5", name))
            << name;
    }
    for (const char* name :
         {"/tiny/covered_population", "/tiny/layer_covered_population",
          "/tiny-b/covered_population", "/tiny/served_share_low", "/tiny/served_share_high",
          "/tiny/cost_per_subscriber_usd_per_month_low",
          "/tiny/cost_per_subscriber_usd_per_month_high", "/tiny/tornado_served_share_at_low",
          "/tiny/tornado_cost_per_subscriber_usd_per_month_at_high"}) {
        const auto a = covsim::test::read_h5<double>(dir / "one" / "results.h5", name);
        const auto b = covsim::test::read_h5<double>(dir / "two" / "results.h5", name);
        ASSERT_EQ(a.size(), b.size());
        EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << name;
    }
}
