// The covsim executable seen from outside: the data-driven cases of cases.txt (exit code and
// message for every kind of bad input), and a few end-to-end checks of the subcommands.

#include "cluster/cluster.hpp"
#include "core/propagation/itm.hpp"
#include "support/csv.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <ogrsf_frmts.h>
#include <sstream>

namespace fs = std::filesystem;
using covsim::test::run_covsim;

namespace {

const fs::path fixtures = fs::path(covsim::test::source_dir) / "tests" / "cli" / "fixtures";

struct CliCase {
    std::string name;
    int exit_code = 0;
    std::string stderr_contains;
    std::vector<std::string> args;
    int line = 0;
};

// For gtest's messages: the case's name and line instead of its bytes.
void PrintTo(const CliCase& c, std::ostream* os) {
    *os << c.name << " (cases.txt:" << c.line << ")";
}

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) {
        return "";
    }
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::vector<CliCase> load_cases() {
    std::ifstream in(fs::path(covsim::test::source_dir) / "tests" / "cli" / "cases.txt");
    std::vector<CliCase> cases;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (trim(line).empty() || trim(line)[0] == '#') {
            continue;
        }
        std::vector<std::string> fields;
        std::size_t start = 0;
        for (int i = 0; i < 3; ++i) {
            const std::size_t bar = line.find('|', start);
            fields.push_back(trim(line.substr(start, bar - start)));
            start = bar == std::string::npos ? line.size() : bar + 1;
        }
        CliCase c;
        c.name = fields[0];
        c.exit_code = std::stoi(fields[1]);
        c.stderr_contains = fields[2] == "-" ? "" : fields[2];
        std::istringstream args(line.substr(std::min(start, line.size())));
        for (std::string a; args >> a;) {
            c.args.push_back(a);
        }
        c.line = n;
        cases.push_back(std::move(c));
    }
    return cases;
}

// Variants of the tiny area's geodata for the bad-input cases: overlapping districts, a
// self-intersecting (bow-tie) district, districts without a CRS, a population raster and a DEM
// 100 km away, and a DEM with a 1 km square of missing elevations inside the districts; for
// `covsim area prepare`: a raster of 10 people per cell (4000 per district, where the population
// field says 5000 and 3000), districts that leave a 2 km2 corner of their extent uncovered, two
// districts with one code, and a DEM of 5 km cells.
void write_bad_geodata(const fs::path& dir) {
    using covsim::test::SyntheticDistrict;
    auto square = [](double x, double y, double side) {
        return std::vector<std::pair<double, double>>{
            {x, y}, {x, y + side}, {x + side, y + side}, {x + side, y}, {x, y}};
    };
    const SyntheticDistrict west{"001", "West", "urban_district", 5000.0,
                                 square(584000, 2326000, 2000)};
    const SyntheticDistrict east{"002", "East", "rural_district", 3000.0,
                                 square(586000, 2326000, 2000)};
    SyntheticDistrict shifted = east;
    shifted.ring = square(585000, 2326000, 2000);
    SyntheticDistrict bowtie = west;
    bowtie.ring = {{584000, 2326000}, {586000, 2328000}, {586000, 2326000}, {584000, 2328000}};
    covsim::test::write_districts_gpkg(dir / "districts_overlap.gpkg", {west, shifted}, 32648);
    covsim::test::write_districts_gpkg(dir / "districts_bowtie.gpkg", {bowtie, east}, 32648);
    SyntheticDistrict flat = west; // a zero-area triangle: three points on one line
    flat.ring = {{584000, 2326000}, {585000, 2327000}, {586000, 2328000}, {584000, 2326000}};
    covsim::test::write_districts_gpkg(dir / "districts_flat.gpkg", {flat, east}, 32648);
    covsim::test::write_districts_gpkg(dir / "districts_nocrs.gpkg", {west, east}, 0);
    covsim::test::write_population_tif(dir / "population_elsewhere.tif", 684000.0, 2328000.0, 100.0,
                                       40, 20, 32648, [](int, int) { return 10.0; });
    covsim::test::write_population_tif(dir / "dem_elsewhere.tif", 684000.0, 2328000.0, 25.0, 160,
                                       80, 32648, [](int, int) { return 5.0; });
    covsim::test::write_population_tif(
        dir / "dem_holes.tif", 584000.0, 2328000.0, 25.0, 160, 80, 32648, [](int col, int row) {
            const bool hole = col >= 60 && col < 100 && row >= 20 && row < 60;
            return hole ? std::numeric_limits<double>::quiet_NaN() : 12.0;
        });
    // A 60 m hill 700 m west of the site (p1812_dem.toml).
    covsim::test::write_population_tif(
        dir / "dem_hill.tif", 584000.0, 2328000.0, 25.0, 160, 80, 32648, [](int col, int row) {
            const double dx = 584012.5 + 25.0 * col - 585300.0;
            const double dy = 2327987.5 - 25.0 * row - 2327000.0;
            return 12.0 + 60.0 * std::exp(-(dx * dx + dy * dy) / (2.0 * 150.0 * 150.0));
        });
    covsim::test::write_population_tif(dir / "population_ten.tif", 584000.0, 2328000.0, 100.0, 40,
                                       20, 32648, [](int, int) { return 10.0; });
    SyntheticDistrict north_east = east;
    north_east.population = 2000.0;
    north_east.ring = {{586000, 2327000}, {586000, 2328000}, {588000, 2328000}, {588000, 2327000}};
    SyntheticDistrict west_4000 = west;
    west_4000.population = 4000.0;
    covsim::test::write_districts_gpkg(dir / "districts_gap.gpkg", {west_4000, north_east}, 32648);
    SyntheticDistrict east_as_001 = east;
    east_as_001.code = "001";
    covsim::test::write_districts_gpkg(dir / "districts_duplicate.gpkg", {west, east_as_001},
                                       32648);
    // 40 ft everywhere, the unit declared; 12 m with a 1 km square of 1e30 (undeclared nodata).
    covsim::test::write_population_tif(dir / "dem_feet.tif", 584000.0, 2328000.0, 25.0, 160, 80,
                                       32648, [](int, int) { return 40.0; });
    {
        GDALDatasetUniquePtr feet(
            GDALDataset::Open((dir / "dem_feet.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        feet->GetRasterBand(1)->SetUnitType("ft");
    }
    covsim::test::write_population_tif(
        dir / "dem_huge.tif", 584000.0, 2328000.0, 25.0, 160, 80, 32648, [](int col, int row) {
            return col >= 60 && col < 100 && row >= 20 && row < 60 ? 1e30 : 12.0;
        });
    covsim::test::write_population_tif(dir / "dem_coarse.tif", 575000.0, 2335000.0, 5000.0, 4, 4,
                                       32648, [](int col, int row) { return 10.0 * (col + row); });
}

// A working directory with the tiny study area, its bad variants and the fixtures.
class Workdir {
public:
    Workdir() {
        covsim::test::write_tiny_area(dir_.path());
        write_bad_geodata(dir_.path());
        for (const auto& f : fs::directory_iterator(fixtures)) {
            fs::copy_file(f.path(), dir_.path() / f.path().filename());
        }
    }
    [[nodiscard]] const fs::path& path() const { return dir_.path(); }

private:
    covsim::test::TempDir dir_;
};

std::vector<fs::path> partial_files(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::exists(dir)) {
        return out;
    }
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.path().extension() == ".partial") {
            out.push_back(e.path());
        }
    }
    return out;
}

class CliCaseTest : public ::testing::TestWithParam<CliCase> {};

} // namespace

TEST_P(CliCaseTest, ExitCodeAndMessage) {
    const CliCase& c = GetParam();
    Workdir work;
    const auto r = run_covsim(c.args, work.path());
    SCOPED_TRACE("cases.txt:" + std::to_string(c.line) + "\nstdout:\n" + r.out + "\nstderr:\n" +
                 r.err);
    EXPECT_EQ(r.exit_code, c.exit_code);
    if (!c.stderr_contains.empty()) {
        EXPECT_NE(r.err.find(c.stderr_contains), std::string::npos)
            << "expected stderr to contain: " << c.stderr_contains;
    }
    if (c.exit_code != 0) {
        // One clear line per problem: never a stack of GDAL or HDF5 diagnostics.
        std::istringstream lines(r.err);
        int errors = 0;
        for (std::string l; std::getline(lines, l);) {
            errors += l.find("error") != std::string::npos ? 1 : 0;
        }
        EXPECT_EQ(errors, 1);
        if (!c.args.empty() && (c.args[0] == "run" || c.args[0] == "plan")) {
            EXPECT_FALSE(fs::exists(work.path() / "out" / "results.h5"));
            EXPECT_FALSE(fs::exists(work.path() / "out" / "summary.csv"));
            EXPECT_TRUE(partial_files(work.path() / "out").empty());
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCaseTest, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<CliCase>& param) {
                             return param.param.name;
                         });

TEST(Cli, RunWritesEveryOutputAndPrintsTheSummary) {
    Workdir work;
    const auto r = run_covsim({"run", "good.toml", "--out", "out"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* f :
         {"results.h5", "summary.csv", "summary_layers.csv", "maps/tiny/rsrp_dbm.tif",
          "maps/tiny/sinr_db.tif", "maps/tiny/best_server.tif", "maps/tiny/covered.tif",
          "maps/tiny/serving_layer.tif", "maps/tiny/rsrp_dbm.qml", "maps/tiny/rsrp_dbm.legend.png",
          "maps/tiny/quicklook.png", "batch.png", "districts.gpkg", "covsim.qgs"}) {
        EXPECT_TRUE(fs::exists(work.path() / "out" / f)) << f;
    }
    EXPECT_TRUE(partial_files(work.path() / "out").empty());
    EXPECT_NE(r.out.find("tiny  (1 sites, 6 sectors, 50 m grid"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("total"), std::string::npos);
    EXPECT_NE(r.out.find("Results in out/"), std::string::npos);
    const std::string csv = covsim::test::read_text(work.path() / "out" / "summary.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n'))
                  .rfind("scenario,code,name,name_ascii,type,population,"
                         "area_km2,covered_population,covered_share,"
                         "covered_area_km2,covered_indoor_population,"
                         "covered_indoor_share,subscribers,served_population,"
                         "served_share,",
                         0),
              0u);
    EXPECT_NE(csv.find(",cost_per_subscriber_usd_per_month,"), std::string::npos);
    EXPECT_NE(r.out.find("USD per subscriber per month"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(work.path() / "out" / "summary_city.csv"));
    EXPECT_NE(csv.find("tiny,001,West,West,urban_district,5000,4.000,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("tiny,002,East,East,rural_district,3000,4.000,"), std::string::npos) << csv;
}

// The .tif maps of maps/<scenario>/, by name, sorted.
std::vector<std::string> tif_maps(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".tif") {
            names.push_back(e.path().stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// [output] maps (output_maps.toml: rsrp_dbm and covered of good.toml): the run writes those maps,
// each layer's own of them, in GeoTIFF and results.h5, and nothing else of the maps; the values
// and every table are those of the run that writes every map. Rerun with other maps, the maps
// it no longer writes are gone (also from the STAC catalog); with none, so is the quick look.
TEST(Cli, OutputMapsWritesOnlyTheListedMaps) {
    Workdir work;
    const auto r =
        run_covsim({"run", "good.toml", "output_maps.toml", "--out", "out"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path out = work.path() / "out";
    const std::vector<std::string> written = {"covered",
                                              "layer_covered_lte-1800",
                                              "layer_covered_nr-n78",
                                              "layer_rsrp_dbm_lte-1800",
                                              "layer_rsrp_dbm_nr-n78",
                                              "rsrp_dbm"};
    EXPECT_EQ(tif_maps(out / "maps" / "tiny-rsrp"), written);
    EXPECT_TRUE(fs::exists(out / "maps" / "tiny-rsrp" / "quicklook.png"));
    EXPECT_GT(tif_maps(out / "maps" / "tiny").size(), written.size());

    const fs::path h5 = out / "results.h5";
    const std::vector<std::string> kept = covsim::test::h5_members(h5, "/tiny-rsrp");
    std::vector<std::string> left_out;
    for (const std::string& name : covsim::test::h5_members(h5, "/tiny")) {
        if (std::find(kept.begin(), kept.end(), name) == kept.end()) {
            left_out.push_back(name);
        }
    }
    EXPECT_EQ(left_out,
              (std::vector<std::string>{"best_server", "covered_indoor", "layer_best_server",
                                        "layer_covered_indoor", "layer_sinr_db",
                                        "layer_throughput_mbps", "served", "serving_layer",
                                        "sinr_db", "throughput_mbps", "user_throughput_mbps"}));
    for (const char* name : {"rsrp_dbm", "layer_rsrp_dbm", "covered", "layer_covered",
                             "cell_population", "district_index", "covered_population"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(covsim::test::read_h5<double>(h5, std::string("/tiny-rsrp/") + name),
                  covsim::test::read_h5<double>(h5, std::string("/tiny/") + name));
    }
    const auto rows = covsim::test::read_csv(out / "summary.csv");
    ASSERT_EQ(rows.size(), 5u); // the header, then two districts per scenario
    for (std::size_t i = 1; i <= 2; ++i) {
        std::vector<std::string> tiny = rows[i].fields;
        std::vector<std::string> rsrp = rows[i + 2].fields;
        ASSERT_EQ(tiny.at(0), "tiny");
        ASSERT_EQ(rsrp.at(0), "tiny-rsrp");
        tiny.erase(tiny.begin());
        rsrp.erase(rsrp.begin());
        EXPECT_EQ(tiny, rsrp);
    }

    // The same scenario writing SINR only, then no map.
    const std::vector<double> covered_people =
        covsim::test::read_h5<double>(h5, "/tiny-rsrp/covered_population");
    const auto write_scenario = [&](const std::string& maps) {
        std::ofstream(work.path() / "sinr.toml")
            << "extends = \"good.toml\"\n[scenario]\nname = \"tiny-rsrp\"\n[output]\nmaps = "
            << maps << "\n";
    };
    write_scenario("[\"sinr_db\"]");
    const auto sinr = run_covsim({"run", "sinr.toml", "--out", "out"}, work.path());
    ASSERT_EQ(sinr.exit_code, 0) << sinr.err;
    EXPECT_EQ(
        tif_maps(out / "maps" / "tiny-rsrp"),
        (std::vector<std::string>{"layer_sinr_db_lte-1800", "layer_sinr_db_nr-n78", "sinr_db"}));
    EXPECT_FALSE(fs::exists(out / "maps" / "tiny-rsrp" / "quicklook.png"));
    std::ifstream catalog(out / "maps" / "tiny-rsrp" / "catalog.json");
    const nlohmann::json j = nlohmann::json::parse(catalog);
    std::vector<std::string> items;
    for (const nlohmann::json& link : j.at("links")) {
        if (link.at("rel") == "item") {
            items.push_back(link.at("href").get<std::string>());
        }
    }
    std::sort(items.begin(), items.end());
    EXPECT_EQ(items, (std::vector<std::string>{"./layer_sinr_db_lte-1800.json",
                                               "./layer_sinr_db_nr-n78.json", "./sinr_db.json"}));

    write_scenario("[]");
    const auto none = run_covsim({"run", "sinr.toml", "--out", "out"}, work.path());
    ASSERT_EQ(none.exit_code, 0) << none.err;
    EXPECT_FALSE(fs::exists(out / "maps" / "tiny-rsrp"));
    EXPECT_EQ(covsim::test::read_h5<double>(h5, "/tiny-rsrp/covered_population"), covered_people);
}

// Fibre already passes 80 % of West's homes and half of East's, and none is built
// (ftth_passed_good.toml): those people are on fibre, off the radio, and pay their connections
// (150 USD and 20 USD a year per subscribing home, 3.6 people a home); nothing else changes.
TEST(Cli, FibreAlreadyPassedServesAndPaysItsConnections) {
    Workdir work;
    const auto r =
        run_covsim({"run", "good.toml", "ftth_passed_good.toml", "--out", "out"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path h5 = work.path() / "out" / "results.h5";
    const auto read = [&](const std::string& scenario, const std::string& name) {
        return covsim::test::read_h5<double>(h5, "/" + scenario + "/" + name);
    };
    const std::vector<double> passed_share = {0.8, 0.5};
    const auto people = read("tiny", "population");
    const auto subscribers = read("tiny", "subscribers");
    ASSERT_EQ(people.size(), 2U);
    EXPECT_EQ(read("tiny-passed", "subscribers"), subscribers);
    for (std::size_t d = 0; d < 2; ++d) {
        SCOPED_TRACE(d);
        const double f = passed_share[d];
        EXPECT_DOUBLE_EQ(read("tiny", "ftth_homes_passed")[d], 0.0);
        EXPECT_NEAR(read("tiny-passed", "ftth_homes_passed")[d], f * people[d] / 3.6, 1e-6);
        const double homes_on_fibre = f * subscribers[d] / 3.6;
        EXPECT_NEAR(read("tiny-passed", "capex_usd")[d] - read("tiny", "capex_usd")[d],
                    homes_on_fibre * 150.0, 1e-6);
        EXPECT_NEAR(read("tiny-passed", "opex_usd_per_year")[d] -
                        read("tiny", "opex_usd_per_year")[d],
                    homes_on_fibre * 20.0, 1e-6);
        // Fibre (300 Mbit/s) serves its share; the radio carries less and serves no fewer.
        EXPECT_GE(read("tiny-passed", "served_population")[d], f * people[d]);
        EXPECT_GE(read("tiny-passed", "served_population")[d],
                  read("tiny", "served_population")[d]);
    }
    double radio_traffic = 0.0;
    double radio_traffic_passed = 0.0;
    for (const double t : read("tiny", "sector_offered_traffic_mbps")) {
        radio_traffic += t;
    }
    for (const double t : read("tiny-passed", "sector_offered_traffic_mbps")) {
        radio_traffic_passed += t;
    }
    EXPECT_GT(radio_traffic, 0.0);
    EXPECT_LT(radio_traffic_passed, 0.55 * radio_traffic); // at most 50 % or 20 % remain
}

// [uncertainty] (uncertainty_good.toml: demand [0.05, 0.5], unit costs x [0.8, 1.3], discount
// rate [0.03, 0.10]): summary.csv has the ends of the served share and the cost per subscriber
// after each column, empty for good.toml; the variant has its tornado files. None of the inputs
// changes the coverage; the demand does not change the cost, so the cost's ends are the unit
// costs and discount rate at theirs: (capex / A(r, 10) + opex) x f / subscribers / 12.
TEST(Cli, UncertaintyRangesInTheSummaryAndTheTornado) {
    Workdir work;
    const auto r =
        run_covsim({"run", "good.toml", "uncertainty_good.toml", "--out", "out"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path out = work.path() / "out";
    const auto rows = covsim::test::read_csv(out / "summary.csv");
    ASSERT_GE(rows.size(), 5u);
    const std::vector<std::string>& header = rows[0].fields;
    const auto column = [&](const std::string& name) {
        const auto it = std::find(header.begin(), header.end(), name);
        EXPECT_NE(it, header.end()) << name;
        return static_cast<std::size_t>(it - header.begin());
    };
    const std::size_t served = column("served_share");
    const std::size_t cost = column("cost_per_subscriber_usd_per_month");
    EXPECT_EQ(column("served_share_low"), served + 1);
    EXPECT_EQ(column("served_share_high"), served + 2);
    EXPECT_EQ(column("cost_per_subscriber_usd_per_month_low"), cost + 1);
    EXPECT_EQ(column("cost_per_subscriber_usd_per_month_high"), cost + 2);
    for (std::size_t i = 1; i <= 4; ++i) {
        const covsim::test::CsvRow& row = rows[i];
        SCOPED_TRACE(row.line);
        if (row.field(0) == "tiny") { // no [uncertainty]: empty, not the point
            for (const std::size_t c : {served + 1, served + 2, cost + 1, cost + 2}) {
                EXPECT_EQ(row.field(c), "");
            }
            continue;
        }
        ASSERT_EQ(row.field(0), "tiny-ranges");
        EXPECT_LE(*row.number(served + 1), *row.number(served));
        EXPECT_GE(*row.number(served + 2), *row.number(served));
        EXPECT_LE(*row.number(cost + 1), *row.number(cost));
        EXPECT_GE(*row.number(cost + 2), *row.number(cost));
    }
    const fs::path h5 = out / "results.h5";
    const auto city = [&](const std::string& name) {
        return covsim::test::h5_number_attr(h5, "/tiny-ranges", ("city_" + name).c_str());
    };
    const auto annuity = [](double rate) { return (1.0 - std::pow(1.0 + rate, -10.0)) / rate; };
    const double capex = city("capex_usd");
    const double opex = city("opex_usd_per_year");
    const double subscribers = city("subscribers");
    ASSERT_GT(subscribers, 0.0);
    EXPECT_NEAR(city("cost_per_subscriber_usd_per_month_high"),
                1.3 * (capex / annuity(0.10) + opex) / subscribers / 12.0, 1e-9);
    EXPECT_NEAR(city("cost_per_subscriber_usd_per_month_low"),
                0.8 * (capex / annuity(0.03) + opex) / subscribers / 12.0, 1e-9);
    // Without [uncertainty], NaN (the variable's _FillValue).
    EXPECT_TRUE(std::isnan(covsim::test::h5_number_attr(h5, "/tiny", "city_served_share_low")));

    // The tornado: by cost swing, unit costs (x 0.5 of the central), discount rate, demand (0).
    const fs::path variant = out / "variants" / "tiny-ranges";
    EXPECT_TRUE(fs::exists(variant / "tornado.png"));
    EXPECT_FALSE(fs::exists(out / "variants" / "tiny" / "tornado.csv"));
    const auto tornado = covsim::test::read_csv(variant / "tornado.csv");
    ASSERT_GE(tornado.size(), 4u);
    EXPECT_EQ(tornado[0].field(0), "input");
    EXPECT_EQ(tornado[1].field(0), "unit_cost_scale");
    EXPECT_EQ(tornado[2].field(0), "discount_rate");
    EXPECT_EQ(tornado[3].field(0), "busy_hour_demand_mbps");
    EXPECT_EQ(tornado[3].field(1), "0.05");
    EXPECT_EQ(tornado[3].field(2), "0.5");
    const double central_cost = city("cost_per_subscriber_usd_per_month");
    EXPECT_NEAR(*tornado[1].number(6), 0.8 * central_cost, 1e-4);
    EXPECT_NEAR(*tornado[1].number(7), 1.3 * central_cost, 1e-4);
    EXPECT_NEAR(*tornado[3].number(8), 0.0, 1e-12);
    // Five times the central demand loads the cells: fewer are served than at the central.
    EXPECT_LT(*tornado[3].number(4), city("served_share"));
    EXPECT_NEAR(city("served_share_low"), *tornado[3].number(4), 1e-6);
    const auto at_high = covsim::test::read_h5<double>(
        h5, "/tiny-ranges/tornado_cost_per_subscriber_usd_per_month_at_high");
    ASSERT_EQ(at_high.size(), 3u);
    EXPECT_NEAR(at_high[0], 1.3 * central_cost, 1e-9 * central_cost); // unit_cost_scale
    EXPECT_NE(r.err.find("scenario tiny-ranges: ranges of 3 inputs"), std::string::npos) << r.err;
}

// `covsim plan` writes the plan as a scenario; `covsim run` of that scenario gives, district by
// district, the served shares plan_districts.csv reports (issue 15: to 1e-6; here bit for bit,
// as both come from the same steps).
TEST(Cli, PlanWritesAScenarioThatRunReproduces) {
    Workdir work;
    const auto plan = run_covsim({"plan", "plan_good.toml", "--out", "planned"}, work.path());
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    for (const char* f : {"plan.toml", "plan_districts.csv", "plan_curve.csv", "plan_curve.png",
                          "results.h5", "districts.gpkg", "covsim.qgs", "summary.csv"}) {
        EXPECT_TRUE(fs::exists(work.path() / "planned" / f)) << f;
    }
    EXPECT_NE(plan.out.find("plan tiny-plan: 90 % served in every district"), std::string::npos)
        << plan.out;
    // The progress line at the end of each sweep: evaluations in all and in the sweep, and
    // what the choices cost.
    EXPECT_NE(plan.err.find("plan: sweep 1, 2/2 districts, "), std::string::npos) << plan.err;
    EXPECT_NE(plan.err.find(" in this sweep), the choices so far cost "), std::string::npos)
        << plan.err;
    const auto rows = covsim::test::read_csv(work.path() / "planned" / "plan_districts.csv");
    ASSERT_GE(rows.size(), 4U); // header, 001, 002, city
    EXPECT_EQ(rows[0].field(0), "code");
    EXPECT_EQ(rows[0].field(5), "served_share");
    EXPECT_EQ(rows[0].field(6), "target_met");
    EXPECT_EQ(rows[3].field(0), "city");

    const auto rerun = run_covsim({"run", "planned/plan.toml", "--out", "rerun"}, work.path());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    const auto served = covsim::test::read_h5<double>(work.path() / "rerun" / "results.h5",
                                                      "/tiny-plan/served_population");
    const auto people = covsim::test::read_h5<double>(work.path() / "rerun" / "results.h5",
                                                      "/tiny-plan/population");
    ASSERT_EQ(served.size(), 2U);
    for (std::size_t d = 0; d < 2; ++d) {
        ASSERT_TRUE(rows[d + 1].number(5)) << rows[d + 1].field(5);
        EXPECT_EQ(served[d] / people[d], *rows[d + 1].number(5)) << rows[d + 1].field(0);
        EXPECT_EQ(rows[d + 1].field(6), served[d] / people[d] >= 0.9 ? "1" : "0");
    }
    const auto h5_share =
        covsim::test::read_h5<double>(work.path() / "planned" / "results.h5", "/plan/served_share");
    ASSERT_EQ(h5_share.size(), 2U);
    EXPECT_EQ(h5_share[0], *rows[1].number(5));
}

// With target_indoors, plan_districts.csv's served shares are the people served inside
// buildings, and `covsim run plan.toml` confirms them in served_indoor_population.
TEST(Cli, PlanIndoorsIsConfirmedByTheRunsIndoorShares) {
    Workdir work;
    const auto plan = run_covsim({"plan", "plan_indoors.toml", "--out", "planned"}, work.path());
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    EXPECT_NE(plan.out.find("plan tiny-plan: 90 % served indoors in every district"),
              std::string::npos)
        << plan.out;
    const auto rows = covsim::test::read_csv(work.path() / "planned" / "plan_districts.csv");
    ASSERT_GE(rows.size(), 4U);
    const auto rerun = run_covsim({"run", "planned/plan.toml", "--out", "rerun"}, work.path());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    const fs::path h5 = work.path() / "rerun" / "results.h5";
    const auto indoors = covsim::test::read_h5<double>(h5, "/tiny-plan/served_indoor_population");
    const auto outdoors = covsim::test::read_h5<double>(h5, "/tiny-plan/served_population");
    const auto people = covsim::test::read_h5<double>(h5, "/tiny-plan/population");
    ASSERT_EQ(indoors.size(), 2U);
    for (std::size_t d = 0; d < 2; ++d) {
        ASSERT_TRUE(rows[d + 1].number(5)) << rows[d + 1].field(5);
        EXPECT_EQ(indoors[d] / people[d], *rows[d + 1].number(5)) << rows[d + 1].field(0);
        EXPECT_GE(*rows[d + 1].number(5), 0.9) << rows[d + 1].field(0);
        EXPECT_LE(indoors[d], outdoors[d]) << rows[d + 1].field(0);
    }
    EXPECT_EQ(covsim::test::h5_number_attr(work.path() / "planned" / "results.h5", "/plan",
                                           "target_indoors"),
              1.0);
}

// A plan runs again into its own output directory (from its saved evaluations, or with --force
// from scratch): the whole-city run replaces the stored variant instead of failing at the very
// end with "cannot rename ... .partial: Directory not empty", and the plan is the same.
TEST(Cli, PlanRunsAgainIntoItsOwnOutput) {
    Workdir work;
    const auto first = run_covsim({"plan", "plan_good.toml", "--out", "planned"}, work.path());
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string rows =
        covsim::test::read_text(work.path() / "planned" / "plan_districts.csv");
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"--force"}}) {
        std::vector<std::string> args = {"plan", "plan_good.toml", "--out", "planned"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto again = run_covsim(args, work.path());
        ASSERT_EQ(again.exit_code, 0) << again.err;
        EXPECT_EQ(covsim::test::read_text(work.path() / "planned" / "plan_districts.csv"), rows);
        EXPECT_FALSE(fs::exists(work.path() / "planned" / "variants" / "tiny-plan.partial"));
    }
}

// A plan.toml that covsim plan did not write is never replaced.
TEST(Cli, PlanRefusesToReplaceAForeignPlanToml) {
    Workdir work;
    fs::create_directories(work.path() / "out");
    covsim::test::write_text(work.path() / "out" / "plan.toml", "# mine\n");
    const auto r = run_covsim({"plan", "plan_good.toml", "--out", "out"}, work.path());
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("was not written by covsim plan"), std::string::npos) << r.err;
    EXPECT_EQ(covsim::test::read_text(work.path() / "out" / "plan.toml"), "# mine\n");
}

// results.h5 stores the command line quoted as a POSIX shell reads it, so that it reruns as
// written (issue 14, item 6): an output directory with a space and a quote in its name.
TEST(Cli, RunStoresACommandLineThatRerunsAsWritten) {
    Workdir work;
    const auto r = run_covsim({"run", "good.toml", "--out", "it's out"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string stored = covsim::test::h5_string_attr(work.path() / "it's out" / "results.h5",
                                                            "/tiny", "command_line");
    EXPECT_NE(stored.find(" run good.toml --out 'it'\\''s out'"), std::string::npos) << stored;
    // Run again through the shell as stored: the same output directory, every variant unchanged.
    const auto rerun = covsim::test::run_program("sh", {"-c", stored}, work.path());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_NE(rerun.err.find("scenario tiny: skipped, unchanged"), std::string::npos) << rerun.err;
}

TEST(Cli, LinkJsonMatchesFreeSpaceLoss) {
    const auto r =
        run_covsim({"link", "--model", "free-space", "--frequency-mhz", "1000", "--distance-m",
                    "1000", "--tx-height-m", "10", "--rx-height-m", "10", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["model"], "free-space");
    // 20 log10(4 pi d f / c) at 1 km and 1 GHz.
    const double expected = 20.0 * std::log10(4.0 * std::numbers::pi * 1000.0 * 1e9 / 299792458.0);
    EXPECT_NEAR(j["path_loss_db"].get<double>(), expected, 1e-9);
    EXPECT_TRUE(j["warnings"].empty());
}

TEST(Cli, LinkUsesTheHorizontalDistanceAndLosFlags) {
    auto loss = [](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"link",
                                         "--model",
                                         "3gpp-38901-uma",
                                         "--frequency-mhz",
                                         "3500",
                                         "--distance-m",
                                         "300",
                                         "--tx-height-m",
                                         "25",
                                         "--rx-height-m",
                                         "1.5",
                                         "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = run_covsim(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    };
    const auto los = loss({"--los"});
    const auto nlos = loss({"--nlos"});
    const auto mixed = loss({});
    EXPECT_EQ(los["los"], "los");
    EXPECT_NEAR(los["distance_3d_m"].get<double>(), std::hypot(300.0, 23.5), 1e-9);
    EXPECT_LT(los["path_loss_db"].get<double>(), nlos["path_loss_db"].get<double>());
    EXPECT_GT(mixed["path_loss_db"].get<double>(), los["path_loss_db"].get<double>());
    EXPECT_LT(mixed["path_loss_db"].get<double>(), nlos["path_loss_db"].get<double>());
}

TEST(Cli, ModelsListsTheRegistry) {
    const auto r = run_covsim({"models", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    std::vector<std::string> names;
    for (const auto& m : j) {
        names.push_back(m["name"]);
        EXPECT_EQ(m["needs_profile"].get<bool>(),
                  m["name"] == "itm" || m["name"] == "p526" || m["name"] == "p1812");
        EXPECT_LT(m["frequency_mhz"]["min"].get<double>(), m["frequency_mhz"]["max"].get<double>());
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"3gpp-38901-rma", "3gpp-38901-uma", "3gpp-38901-umi",
                                        "cost231-hata", "free-space", "itm", "p1812", "p526"}));
}

TEST(Cli, HexgridPlanRunsAsASiteLayer) {
    Workdir work;
    const auto plan =
        run_covsim({"sites", "hexgrid", "--districts", "districts.gpkg", "--layer", "lte-1800",
                    "--isd-m", "urban_district=500,rural_district=1000", "--out", "plan.csv"},
                   work.path());
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    EXPECT_NE(plan.out.find("urban_district  ISD    500 m"), std::string::npos) << plan.out;
    const std::string csv = covsim::test::read_text(work.path() / "plan.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "site_id,sector,layer,lon,lat,height_m,azimuth_deg,mechanical_tilt_deg,"
              "electrical_tilt_deg,power_dbm,district_code");
    // 4 km2 / 0.2165 km2 per site ~ 18 urban sites; 4 km2 / 0.866 ~ 5 rural ones; 3 sectors each.
    const auto rows = std::count(csv.begin(), csv.end(), '\n') - 1;
    EXPECT_GE(rows, 3 * 20);
    EXPECT_LE(rows, 3 * 26);

    std::string scenario = covsim::test::read_text(work.path() / "good.toml");
    scenario = scenario.substr(0, scenario.find("[[layers]]\nname = \"nr-n78\""));
    const auto pos = scenario.find("sites = \"sites.csv\"");
    scenario.replace(pos, 19, "sites = \"plan.csv\"");
    covsim::test::write_text(work.path() / "planned.toml", scenario);
    const auto run = run_covsim({"run", "planned.toml", "--out", "out"}, work.path());
    ASSERT_EQ(run.exit_code, 0) << run.err;
}

TEST(Cli, VersionAndHelp) {
    const auto v = run_covsim({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out.rfind("covsim 0.1.0", 0), 0u) << v.out;
    const auto h = run_covsim({"run", "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("--threads"), std::string::npos);
    EXPECT_NE(h.out.find("--out"), std::string::npos);
    const auto all = run_covsim({"--help"});
    EXPECT_NE(all.out.find("  area                        Prepare a study area from open data, or "
                           "describe one"),
              std::string::npos)
        << all.out;
    const auto area = run_covsim({"area", "prepare", "--help"});
    EXPECT_EQ(area.exit_code, 0);
    EXPECT_NE(area.out.find("--population TEXT ... REQUIRED"), std::string::npos) << area.out;
}

TEST(Cli, AntennaExportThenShowMeasuresTheExportedPattern) {
    Workdir work;
    const auto exp = run_covsim(
        {"antenna", "export", "--horizontal-beamwidth-deg", "65", "--vertical-beamwidth-deg", "10",
         "--gain-dbi", "17", "--max-attenuation-db", "30", "--side-lobe-level-db", "20",
         "--frequency-mhz", "1800", "--name", "Panel A", "--out", "panel.msi"},
        work.path());
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    const std::string text = covsim::test::read_text(work.path() / "panel.msi");
    EXPECT_EQ(text.rfind("NAME Panel A\nMAKE covsim\nFREQUENCY 1800\nH_WIDTH 65\nV_WIDTH 10\n"
                         "FRONT_TO_BACK 30\nGAIN 17 dBi\n",
                         0),
              0u)
        << text.substr(0, 200);

    const auto show = run_covsim({"antenna", "show", "panel.msi", "--json"}, work.path());
    ASSERT_EQ(show.exit_code, 0) << show.err;
    const auto j = nlohmann::json::parse(show.out);
    EXPECT_EQ(j["name"], "Panel A");
    EXPECT_DOUBLE_EQ(j["gain_dbi"].get<double>(), 17.0);
    EXPECT_DOUBLE_EQ(j["frequency_mhz"].get<double>(), 1800.0);
    EXPECT_NEAR(j["measured"]["horizontal_beamwidth_deg"].get<double>(), 65.0, 0.05);
    EXPECT_NEAR(j["measured"]["vertical_beamwidth_deg"].get<double>(), 10.0, 0.05);
    EXPECT_DOUBLE_EQ(j["measured"]["beam_below_horizon_deg"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(j["measured"]["front_to_back_db"].get<double>(), 30.0);
    // 17 - 12 (phi / 65)^2 at whole degrees, to the file's two decimals; the back at A_max.
    for (const auto& g : j["horizontal_gains"]) {
        const double phi = g["azimuth_deg"].get<double>();
        const double expected =
            phi == 180.0 ? 17.0 - 30.0 : 17.0 - 12.0 * (phi / 65.0) * (phi / 65.0);
        EXPECT_NEAR(g["gain_dbi"].get<double>(), expected, 0.005) << phi;
    }
    for (const auto& g : j["vertical_gains"]) {
        const double dep = g["below_horizon_deg"].get<double>();
        EXPECT_NEAR(g["gain_dbi"].get<double>(),
                    17.0 - std::min(12.0 * (dep / 10.0) * (dep / 10.0), 20.0), 0.005)
            << dep;
    }

    // The shipped sample, in the terminal's words.
    const auto text_show = run_covsim(
        {"antenna", "show",
         (fs::path(covsim::test::source_dir) / "scenarios" / "antennas" / "3gpp-90deg-15dbi.msi")
             .string()});
    ASSERT_EQ(text_show.exit_code, 0) << text_show.err;
    EXPECT_NE(text_show.out.find("gain           15.00 dBi (GAIN 15 dBi)"), std::string::npos)
        << text_show.out;
    EXPECT_NE(text_show.out.find("-3 dB beamwidth horizontal 90.0 deg, vertical 12.0 deg"),
              std::string::npos)
        << text_show.out;
}

// `covsim link --model itm --profile` reproduces NTIA's five point-to-point cases (p2p.csv with
// pfls.csv), each within 0.1 dB, through the command line.
TEST(Cli, LinkItmReproducesNtiaPointToPointCases) {
    COVSIM_USES_SHARED_DATA("validation/itm/p2p.csv");
    const fs::path itm = covsim::test::shared_data() / "validation" / "itm";
    std::istringstream cases(covsim::test::read_text(itm / "p2p.csv"));
    std::istringstream profiles(covsim::test::read_text(itm / "pfls.csv"));
    std::string header;
    std::getline(cases, header);
    covsim::test::TempDir dir;
    int n = 0;
    for (std::string row, pfl; std::getline(cases, row) && std::getline(profiles, pfl); ++n) {
        std::vector<std::string> f;
        std::istringstream fields(row);
        for (std::string v; std::getline(fields, v, ',');) {
            f.push_back(v);
        }
        ASSERT_EQ(f.size(), 13u) << row;
        const fs::path profile = dir / ("case" + std::to_string(n) + ".pfl");
        covsim::test::write_text(profile, pfl);
        const auto r = run_covsim({"link",
                                   "--model",
                                   "itm",
                                   "--profile",
                                   profile.string(),
                                   "--tx-height-m",
                                   f[0],
                                   "--rx-height-m",
                                   f[1],
                                   "--permittivity",
                                   f[2],
                                   "--conductivity",
                                   f[3],
                                   "--n0",
                                   f[4],
                                   "--frequency-mhz",
                                   f[5],
                                   "--polarization",
                                   f[6] == "1" ? "vertical" : "horizontal",
                                   "--climate",
                                   std::string(covsim::itm::to_string(
                                       static_cast<covsim::itm::Climate>(std::stoi(f[7])))),
                                   "--time-percent",
                                   f[8],
                                   "--location-percent",
                                   f[9],
                                   "--situation-percent",
                                   f[10],
                                   "--variability-mode",
                                   f[11],
                                   "--json"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto j = nlohmann::json::parse(r.out);
        EXPECT_NEAR(j["path_loss_db"].get<double>(), std::stod(f[12]), 0.1) << "case " << n + 1;
    }
    EXPECT_EQ(n, 5);
}

TEST(Cli, LinkOverAProfileAddsTheTerrainExcessToEmpiricalModels) {
    covsim::test::TempDir dir;
    // A 60 m ridge half way along a flat 4 km path: no line of sight from 30 m to 1.5 m.
    covsim::test::write_text(dir / "ridge.csv",
                             "0,0\n1000,0\n1900,0\n2000,60\n2100,0\n3000,0\n4000,0\n");
    auto loss = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"link",
                                         "--model",
                                         "3gpp-38901-rma",
                                         "--frequency-mhz",
                                         "700",
                                         "--tx-height-m",
                                         "30",
                                         "--rx-height-m",
                                         "1.5",
                                         "--distance-m",
                                         "4000",
                                         "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = run_covsim(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    };
    const auto bare = loss({});
    const auto ridge = loss({"--profile", (dir / "ridge.csv").string()});
    EXPECT_FALSE(ridge["line_of_sight"].get<bool>());
    const double excess = ridge["terrain_correction_db"].get<double>();
    EXPECT_GT(excess, 5.0);
    EXPECT_NEAR(ridge["path_loss_db"].get<double>(), bare["path_loss_db"].get<double>() + excess,
                1e-9);
}

// A layer that takes its antenna from the shipped sample file covers the tiny area as the
// parametric pattern the file was exported from, within the file's 0.01 dB rounding and the
// tabulation's error between whole degrees, and records the file it used.
TEST(Cli, RunWithAnAntennaFileMatchesItsParametricPattern) {
    Workdir work;
    const std::string base = covsim::test::read_text(work.path() / "good.toml");
    const fs::path msi =
        fs::path(covsim::test::source_dir) / "scenarios" / "antennas" / "3gpp-65deg-17dbi.msi";
    covsim::test::write_text(work.path() / "file.toml",
                             base + "[layers.antenna]\nfile = \"" + msi.string() + "\"\n");
    covsim::test::write_text(work.path() / "parametric.toml",
                             base + "[layers.antenna]\nhorizontal_beamwidth_deg = 65\n"
                                    "vertical_beamwidth_deg = 10\nmax_attenuation_db = 30\n"
                                    "side_lobe_level_db = 20\ngain_dbi = 17\n");
    const auto a = run_covsim({"run", "file.toml", "--out", "a"}, work.path());
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const auto b = run_covsim({"run", "parametric.toml", "--out", "b"}, work.path());
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const auto rsrp_file =
        covsim::test::read_h5<float>(work.path() / "a" / "results.h5", "/tiny/layer_rsrp_dbm");
    const auto rsrp_parametric =
        covsim::test::read_h5<float>(work.path() / "b" / "results.h5", "/tiny/layer_rsrp_dbm");
    ASSERT_EQ(rsrp_file.size(), rsrp_parametric.size());
    ASSERT_FALSE(rsrp_file.empty());
    double worst = 0.0;
    for (std::size_t i = 0; i < rsrp_file.size(); ++i) {
        ASSERT_EQ(std::isfinite(rsrp_file[i]), std::isfinite(rsrp_parametric[i])) << i;
        if (std::isfinite(rsrp_file[i])) {
            worst = std::max(worst, std::abs(static_cast<double>(rsrp_file[i]) -
                                             static_cast<double>(rsrp_parametric[i])));
        }
    }
    EXPECT_LT(worst, 0.1); // measured 0.035 dB on the tiny area (0.63 dB at worst near a knee)
    EXPECT_EQ(covsim::test::h5_string_attr(work.path() / "a" / "results.h5", "/tiny",
                                           "input_antenna_nr-n78"),
              msi.lexically_normal().string());
    EXPECT_EQ(covsim::test::h5_string_attr(work.path() / "b" / "results.h5", "/tiny",
                                           "input_antenna_nr-n78"),
              "");
}

// A [sweep] of good.toml (tests/cli/fixtures/sweep.toml, 2 x 2 variants) runs every variant
// into every output under its name, and a variant computes what the same scenario written by
// hand computes.
TEST(Cli, SweepVariantsRunIntoEveryOutput) {
    Workdir work;
    const std::vector<std::string> variants = {
        "tiny-sweep/rsrp=-110,n78=40", "tiny-sweep/rsrp=-110,n78=100", "tiny-sweep/rsrp=-95,n78=40",
        "tiny-sweep/rsrp=-95,n78=100"};
    const auto list = run_covsim({"run", "sweep.toml", "--list"}, work.path());
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out,
              variants[0] + "\n" + variants[1] + "\n" + variants[2] + "\n" + variants[3] + "\n");
    EXPECT_FALSE(fs::exists(work.path() / "out"));

    const auto r = run_covsim({"run", "sweep.toml", "--out", "out", "--threads", "2"}, work.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path out = work.path() / "out";
    EXPECT_TRUE(partial_files(out).empty());
    const std::string csv = covsim::test::read_text(out / "summary.csv");
    const std::string city = covsim::test::read_text(out / "summary_city.csv");
    const std::string layers = covsim::test::read_text(out / "summary_layers.csv");
    const std::string qgs = covsim::test::read_text(out / "covsim.qgs");
    GDALDatasetUniquePtr gpkg(
        GDALDataset::Open((out / "districts.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(gpkg);
    for (const std::string& v : variants) {
        SCOPED_TRACE(v);
        EXPECT_TRUE(fs::exists(out / "maps" / v / "rsrp_dbm.tif"));
        EXPECT_TRUE(fs::exists(out / "maps" / v / "covered.qml"));
        EXPECT_EQ(covsim::test::h5_string_attr(out / "results.h5", "/" + v, "scenario"), v);
        EXPECT_EQ(covsim::test::h5_string_attr(out / "results.h5", "/" + v, "base_scenario"),
                  "tiny-sweep");
        EXPECT_EQ(covsim::test::h5_string_attr(out / "results.h5", "/" + v, "sweep_n78_key"),
                  "layers.nr-n78.bandwidth_mhz");
        EXPECT_NE(csv.find("\"" + v + "\",001,West,West,urban_district,5000,"), std::string::npos);
        EXPECT_NE(csv.find("\"" + v + "\",002,East,East,rural_district,3000,"), std::string::npos);
        EXPECT_NE(city.find("\n\"" + v + "\","), std::string::npos);
        EXPECT_NE(layers.find("\"" + v + "\",nr-n78,001,"), std::string::npos);
        EXPECT_NE(r.out.find(v + "  (1 sites, 6 sectors, 50 m grid"), std::string::npos);
        const std::string flat = "tiny-sweep__" + v.substr(v.find('/') + 1);
        OGRLayer* layer = gpkg->GetLayerByName(flat.c_str());
        ASSERT_NE(layer, nullptr) << flat;
        EXPECT_EQ(layer->GetFeatureCount(), 2);
        EXPECT_NE(qgs.find("./districts.gpkg|layername=" + flat), std::string::npos);
        EXPECT_NE(qgs.find("./maps/" + v + "/rsrp_dbm.tif"), std::string::npos);
        OGRLayer* sectors = gpkg->GetLayerByName(("sectors_" + flat).c_str());
        ASSERT_NE(sectors, nullptr) << flat;
        EXPECT_EQ(sectors->GetFeatureCount(), 6);
        EXPECT_NE(qgs.find("./districts.gpkg|layername=sectors_" + flat), std::string::npos);
    }
    EXPECT_EQ(gpkg->GetLayerCount(), 9); // districts and sectors of each, and layer_styles
    EXPECT_EQ(covsim::test::h5_string_attr(out / "results.h5", "/" + variants[3], "sweep_rsrp"),
              "-95");

    // The variant rsrp=-95,n78=100 is good.toml with the LTE threshold at -95 dBm.
    std::string hand = covsim::test::read_text(work.path() / "good.toml");
    hand.replace(hand.find("max_range_m = 5000"), 18, "max_range_m = 5000\nrsrp_min_dbm = -95");
    covsim::test::write_text(work.path() / "hand.toml", hand);
    const auto h = run_covsim({"run", "hand.toml", "--out", "hand", "--threads", "1"}, work.path());
    ASSERT_EQ(h.exit_code, 0) << h.err;
    for (const char* var : {"layer_covered_population", "covered_population", "rsrp_dbm"}) {
        const auto swept =
            covsim::test::read_h5<double>(out / "results.h5", "/" + variants[3] + "/" + var);
        const auto by_hand = covsim::test::read_h5<double>(work.path() / "hand" / "results.h5",
                                                           std::string("/tiny/") + var);
        ASSERT_FALSE(swept.empty()) << var;
        EXPECT_EQ(swept.size(), by_hand.size()) << var;
        EXPECT_TRUE(std::equal(
            swept.begin(), swept.end(), by_hand.begin(), by_hand.end(),
            [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }))
            << var;
    }
    // The threshold matters: the LTE layer covers fewer people at -95 dBm than at -110 dBm.
    const auto lte_110 = covsim::test::read_h5<double>(
        out / "results.h5", "/" + variants[1] + "/layer_covered_population");
    const auto lte_95 = covsim::test::read_h5<double>(
        out / "results.h5", "/" + variants[3] + "/layer_covered_population");
    ASSERT_EQ(lte_110.size(), 4u); // 2 layers x 2 districts
    EXPECT_LT(lte_95[0] + lte_95[1], lte_110[0] + lte_110[1]);
}

// `covsim area prepare` from a census table, then good.toml run on the prepared area through
// `extends`: every district holds its census people; `covsim area info` describes the area.
TEST(Cli, AreaPrepareThenRunOnIt) {
    Workdir work;
    const auto prep =
        run_covsim({"area", "prepare", "--districts", "districts.gpkg", "--name-field", "name_vi",
                    "--population", "census.csv", "--out", "area"},
                   work.path());
    ASSERT_EQ(prep.exit_code, 0) << prep.err;
    EXPECT_NE(prep.out.find("area/: 2 districts, 8000 people, 8.00 km2\n"), std::string::npos)
        << prep.out;
    EXPECT_NE(prep.out.find("  001    West                 urban_district       4.00        5000"
                            "        5000   1.000\n"),
              std::string::npos)
        << prep.out;
    EXPECT_NE(prep.out.find("A scenario uses it with: extends = \"area/study_area.toml\""),
              std::string::npos)
        << prep.out;
    EXPECT_EQ(prep.err, "");

    covsim::test::write_text(work.path() / "on_area.toml",
                             "extends = \"good.toml\"\n[scenario]\nname = \"tiny-area\"\n"
                             "[study_area]\ndistricts = \"area/districts.gpkg\"\n"
                             "name_field = \"name\"\npopulation = \"area/population.tif\"\n");
    const auto run = run_covsim({"run", "on_area.toml", "--out", "out"}, work.path());
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::string csv = covsim::test::read_text(work.path() / "out" / "summary.csv");
    EXPECT_NE(csv.find("tiny-area,001,West,West,urban_district,5000,4.000,"), std::string::npos)
        << csv;
    EXPECT_NE(csv.find("tiny-area,002,East,East,rural_district,3000,4.000,"), std::string::npos)
        << csv;

    const auto info = run_covsim({"area", "info", "area"}, work.path());
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("  people      8000, 1000 per km2\n"), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("  grid        EPSG:32648 (WGS 84 / UTM zone 48N), 100 m cells, 40 x "
                            "20 (west 584000 m, north 2328000 m), 800 cells in the districts\n"),
              std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("  002    East                 rural_district       4.00        3000 "
                            "      750      400\n"),
              std::string::npos)
        << info.out;
}

// A raster that disagrees with the districts' population field: `covsim run` prints the
// per-district table and a warning per district beyond the tolerance; an agreeing one, a summary
// line only.
TEST(Cli, RunPrintsThePopulationTableWhenRasterAndDistrictsDisagree) {
    Workdir work;
    const auto bad = run_covsim({"validate", "population_mismatch.toml"}, work.path());
    ASSERT_EQ(bad.exit_code, 0) << bad.err;
    for (const char* line :
         {"each district scaled to field 'population' of 'districts.gpkg' (factors 0.750 to "
          "1.250); 0 people (0.00 %) outside every district dropped\n",
          "info:   001    West                 urban_district       4.00        5000        4000  "
          " 1.250  <- beyond the tolerance\n",
          "info:   002    East                 rural_district       4.00        3000        4000  "
          " 0.750  <- beyond the tolerance\n",
          "info:   outside every district: 0 people (0.00 % of the raster)\n",
          "warning: population raster 'population_ten.tif': district '002' (East) holds 4000 "
          "people in the raster and 3000 in field 'population' of 'districts.gpkg': scale factor "
          "0.750, expected within [0.9, 1.1]; do the raster and the districts match?\n"}) {
        EXPECT_NE(bad.err.find(line), std::string::npos) << line << "\nin:\n" << bad.err;
    }
    const auto good = run_covsim({"validate", "good.toml"}, work.path());
    ASSERT_EQ(good.exit_code, 0) << good.err;
    EXPECT_NE(good.err.find("(factors 1.000 to 1.000)"), std::string::npos) << good.err;
    EXPECT_EQ(good.err.find("  001    West"), std::string::npos) << good.err;
    EXPECT_EQ(good.err.find("warning"), std::string::npos) << good.err;
}

// `covsim validate` checks every file and the data they reference, and reports every problem.
TEST(Cli, ValidateReportsEveryProblemOrTheCount) {
    Workdir work;
    const auto ok = run_covsim({"validate", "sweep.toml", "good.toml"}, work.path());
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out, "2 scenarios, 5 variants: valid\n");

    const auto bad = run_covsim(
        {"validate", "out_of_range.toml", "second_scenario.toml", "sites_nan.toml"}, work.path());
    EXPECT_EQ(bad.exit_code, 3) << bad.err; // the first problem's: a scenario value
    EXPECT_NE(bad.err.find("out_of_range.toml:16: layer \"lte-1800\" frequency_mhz must be in "
                           "[150, 100000] MHz, got 0"),
              std::string::npos)
        << bad.err;
    EXPECT_NE(bad.err.find("site 'FAR' at (106.6, 20.9) is 79.7 km outside the analysis grid"),
              std::string::npos)
        << bad.err;
    EXPECT_NE(bad.err.find("sites_nan.csv' line 3: field 'height_m' is 'NaN'"), std::string::npos)
        << bad.err;
    EXPECT_EQ(bad.out, "");
}

TEST(Cli, EveryProblemOfASiteFileIsReportedInOneRun) {
    Workdir work;
    covsim::test::write_text(work.path() / "sites_three_problems.csv",
                             "site_id,sector,lon,lat,height_m,azimuth_deg,power_dbm\n"
                             "S1,1,105.827698797,21.041828772,-30,0,46\n"
                             "S1,2,105.827698797,21.041828772,30,400,46\n"
                             "S1,3,105.829142343,21.041821736,30,240,46\n");
    std::string toml = covsim::test::read_text(work.path() / "sites_two_positions.toml");
    toml.replace(toml.find("sites_two_positions.csv"), 23, "sites_three_problems.csv");
    covsim::test::write_text(work.path() / "three.toml", toml);
    const auto r = run_covsim({"run", "three.toml", "--out", "out"}, work.path());
    EXPECT_EQ(r.exit_code, 4);
    std::vector<std::string> errors;
    std::istringstream lines(r.err);
    for (std::string l; std::getline(lines, l);) {
        if (l.find("error") != std::string::npos) {
            errors.push_back(l);
        }
    }
    ASSERT_EQ(errors.size(), 3u) << r.err;
    EXPECT_EQ(errors[0], "covsim: error: sites file 'sites_three_problems.csv' line 2: field "
                         "'height_m' is '-30', expected an antenna height above ground in [0.5, "
                         "1000] m");
    EXPECT_EQ(errors[1].rfind("covsim: error: sites file 'sites_three_problems.csv' line 3: field "
                              "'azimuth_deg' is '400', expected an azimuth in [0, 360] degrees",
                              0),
              0u)
        << errors[1];
    EXPECT_EQ(errors[2], "covsim: error: sites file 'sites_three_problems.csv' line 4: site 'S1' "
                         "at (105.829142343, 21.041821736) is 150 m from its position at sites "
                         "file 'sites_three_problems.csv' line 2 (105.827698797, 21.041828772); "
                         "expected one position per site (within 1 m)");
    EXPECT_FALSE(fs::exists(work.path() / "out" / "results.h5"));
}

TEST(Cli, CarriersRunAsLayersAndANeighbourIsMarkedOutside) {
    Workdir work;
    const auto carriers = run_covsim({"run", "sites_carriers.toml", "--out", "c"}, work.path());
    ASSERT_EQ(carriers.exit_code, 0) << carriers.err;
    EXPECT_NE(carriers.out.find("layer lte-1800-c1       3 sectors"), std::string::npos)
        << carriers.out;
    EXPECT_NE(carriers.out.find("layer lte-1800-c2       3 sectors"), std::string::npos)
        << carriers.out;

    const auto neighbour = run_covsim({"run", "sites_neighbour.toml", "--out", "n"}, work.path());
    ASSERT_EQ(neighbour.exit_code, 0) << neighbour.err;
    EXPECT_EQ(covsim::test::read_h5<std::uint8_t>(work.path() / "n" / "results.h5",
                                                  "/sites_neighbour/sector_inside"),
              (std::vector<std::uint8_t>{1, 1, 1, 0}));
}

// A build without MPI started as one of several ranks (mpirun sets OMPI_COMM_WORLD_SIZE and
// _RANK; srun SLURM_STEP_NUM_TASKS and SLURM_PROCID) says so once, on rank 0, and computes
// nothing: two copies of one process would write the same directory.
TEST(Cli, WithoutMpiRefusesToRunAsOneOfSeveralRanks) {
    if (covsim::cluster::built_with_mpi()) {
        GTEST_SKIP() << "this build has MPI (tests/mpi checks it; the sanitizer presets build "
                        "without)";
    }
    Workdir work;
    for (const auto& [size, rank] : {std::pair{"OMPI_COMM_WORLD_SIZE=3", "OMPI_COMM_WORLD_RANK=0"},
                                     std::pair{"SLURM_STEP_NUM_TASKS=2", "SLURM_PROCID=0"}}) {
        const auto r = covsim::test::run_program(
            "env", {size, rank, COVSIM_EXECUTABLE, "run", "good.toml", "--out", "out"},
            work.path());
        EXPECT_EQ(r.exit_code, 2) << size;
        EXPECT_NE(r.err.find("covsim: error: started as one of "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("this covsim was built without MPI"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(work.path() / "out")) << size;
    }
    const auto other = covsim::test::run_program(
        "env",
        {"OMPI_COMM_WORLD_SIZE=3", "OMPI_COMM_WORLD_RANK=2", COVSIM_EXECUTABLE, "run", "good.toml"},
        work.path());
    EXPECT_EQ(other.exit_code, 2);
    EXPECT_EQ(other.err, "");
}

// The launcher (tools/covsim/launcher.cpp) runs covsim-engine from its own directory with the
// arguments unchanged and glibc's malloc on huge pages, unless the environment says otherwise:
// here beside a stand-in engine that prints what it was given.
TEST(Cli, LauncherStartsTheEngineBesideItWithHugePages) {
    covsim::test::TempDir dir;
    fs::copy_file(COVSIM_EXECUTABLE, dir / "covsim");
    {
        std::ofstream engine(dir / "covsim-engine");
        engine << "#!/bin/sh\nprintf '%s|' \"${GLIBC_TUNABLES-unset}\" \"$@\"\n";
    }
    fs::permissions(dir / "covsim-engine", fs::perms::owner_all);
    const std::string launcher = (dir / "covsim").string();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    const bool sets_tunable = false; // the sanitizer's allocator replaces glibc's
#else
    const bool sets_tunable = true;
#endif
    const auto seen = [&](std::vector<std::string> env) {
        env.insert(env.begin(), {"-u", "GLIBC_TUNABLES", "-u", "LD_PRELOAD"});
        env.insert(env.end(), {launcher, "run", "a b.toml", "--threads", "2"});
        const auto r = covsim::test::run_program("env", env, dir.path());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    };
    EXPECT_EQ(seen({}), sets_tunable ? "glibc.malloc.hugetlb=1|run|a b.toml|--threads|2|"
                                     : "unset|run|a b.toml|--threads|2|");
    EXPECT_EQ(seen({"GLIBC_TUNABLES=glibc.malloc.tcache_count=0"}),
              sets_tunable ? "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1|run|a b.toml|"
                             "--threads|2|"
                           : "glibc.malloc.tcache_count=0|run|a b.toml|--threads|2|");
    EXPECT_EQ(seen({"GLIBC_TUNABLES=glibc.malloc.hugetlb=0"}),
              "glibc.malloc.hugetlb=0|run|a b.toml|--threads|2|");
    EXPECT_EQ(seen({"LD_PRELOAD="}), "unset|run|a b.toml|--threads|2|");
}

// Without covsim-engine beside it, the launcher says which file it could not start.
TEST(Cli, LauncherWithoutTheEngineSaysWhatItCouldNotStart) {
    covsim::test::TempDir dir;
    fs::copy_file(COVSIM_EXECUTABLE, dir / "covsim");
    const auto r = covsim::test::run_program((dir / "covsim").string(), {"--version"}, dir.path());
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_EQ(r.out, "");
    const fs::path engine = fs::canonical(dir.path()) / "covsim-engine"; // as /proc/self/exe
    EXPECT_EQ(r.err, "covsim: error: cannot start '" + engine.string() +
                         "': No such file or directory (the covsim launcher runs covsim-engine "
                         "from its own directory)\n");
}
