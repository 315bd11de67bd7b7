// A run's output directory, ready for an open-data portal: catalog.json (STAC 1.0.0) over the
// maps and datapackage.json (Frictionless) over the CSV files, checked by
// tests/integration/python/check_publication.py against JSON Schemas written from the
// specifications, GDAL and the CSV files themselves.

#include "io/stac_catalog.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using covsim::test::read_text;
using covsim::test::run_covsim;
using covsim::test::run_program;
using nlohmann::json;

namespace {

const fs::path fixtures = fs::path(covsim::test::source_dir) / "tests" / "cli" / "fixtures";

// The tiny area of the CLI tests (two 2 km districts at x 584-588 km, y 2326-2328 km, UTM 48N)
// with the fixtures good.toml, sweep.toml, plan_good.toml and their site layer.
void write_inputs(const fs::path& dir) {
    covsim::test::write_tiny_area(dir);
    for (const char* f : {"good.toml", "sweep.toml", "plan_good.toml", "sites.csv"}) {
        fs::copy_file(fixtures / f, dir / f);
    }
}

covsim::test::CommandResult check(const fs::path& out, const std::vector<std::string>& options) {
    std::vector<std::string> args{
        (fs::path(covsim::test::source_dir) / "tests/integration/python/check_publication.py")
            .string(),
        out.string()};
    args.insert(args.end(), options.begin(), options.end());
    return run_program("/usr/bin/python3", args);
}

json read_json(const fs::path& p) {
    return json::parse(read_text(p));
}

void write_json(const fs::path& p, const json& j) {
    std::ofstream(p) << j.dump(2);
}

int this_year() {
    return std::stoi(fmt::format("{:%Y}", fmt::gmtime(std::time(nullptr))));
}

} // namespace

TEST(Publication, TheYearOfAScenarioComesFromItsName) {
    EXPECT_EQ(covsim::io::scenario_year("hanoi-5g-2025"), 2025);
    EXPECT_EQ(covsim::io::scenario_year("hanoi-5g-2025-sweep/isd=4000,year=2030"), 2030);
    EXPECT_EQ(covsim::io::scenario_year("hanoi-plan-2030-indoors"), 2030);
    EXPECT_EQ(covsim::io::scenario_year("tiny"), std::nullopt);
    EXPECT_EQ(covsim::io::scenario_year("isd=12345"), std::nullopt);  // five digits
    EXPECT_EQ(covsim::io::scenario_year("power=1800"), std::nullopt); // before 1900
    EXPECT_EQ(covsim::io::scenario_year("a2025b"), 2025);
}

// A batch with a sweep (nested map directories): every map has an Item whose facts GDAL
// confirms, every CSV a resource whose fields are its header.
TEST(Publication, ARunIsACatalogOfItsMapsAndAPackageOfItsTables) {
    covsim::test::TempDir dir;
    write_inputs(dir.path());
    // The sweep's variants are dated by its [scenario] year, not by the run.
    std::string sweep = read_text(dir / "sweep.toml");
    sweep.replace(sweep.find("name = \"tiny-sweep\""), 0, "year = 2031\n");
    covsim::test::write_text(dir / "sweep.toml", sweep);
    const auto r = run_covsim({"run", "good.toml", "sweep.toml", "--out", "out"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto c = check(dir / "out", {"--resource", "summary", "--resource", "summary-city",
                                       "--resource", "summary-layers"});
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    // 5 scenarios (tiny and 4 variants) of 9 main maps each (no DEM: no line_of_sight) and 3
    // per radio layer (two layers: lte-1800 and nr-n78).
    EXPECT_NE(c.out.find("75 items, 3 resources: ok"), std::string::npos) << c.out << c.err;

    const json root = read_json(dir / "out" / "catalog.json");
    EXPECT_EQ(root["links"].size(), 6u); // root and 5 children
    EXPECT_EQ(root["links"][2]["href"], "./maps/tiny-sweep/rsrp=-110,n78=40/catalog.json");
    const json item = read_json(dir / "out" / "maps" / "tiny" / "rsrp_dbm.json");
    EXPECT_EQ(item["id"], "tiny__rsrp_dbm");
    EXPECT_EQ(item["properties"]["proj:epsg"], 32648);
    EXPECT_EQ(item["properties"]["proj:shape"], json::parse("[40, 80]"));
    EXPECT_EQ(item["properties"]["proj:transform"],
              json::parse("[50.0, 0.0, 584000.0, 0.0, -50.0, 2328000.0]"));
    EXPECT_EQ(item["assets"]["data"]["raster:bands"][0]["nodata"], -9999.0);
    EXPECT_EQ(item["assets"]["data"]["raster:bands"][0]["unit"], "dBm");
    // "tiny" names no year: the year of the run.
    EXPECT_EQ(item["properties"]["start_datetime"], fmt::format("{}-01-01T00:00:00Z", this_year()));
    const json nested =
        read_json(dir / "out" / "maps" / "tiny-sweep" / "rsrp=-110,n78=40" / "covered.json");
    EXPECT_EQ(nested["links"][0]["href"], "../../../catalog.json");
    EXPECT_EQ(nested["assets"]["data"]["raster:bands"][0]["data_type"], "uint8");
    EXPECT_EQ(nested["properties"]["start_datetime"], "2031-01-01T00:00:00Z");

    const json package = read_json(dir / "out" / "datapackage.json");
    ASSERT_EQ(package["resources"].size(), 3u);
    const json& fields = package["resources"][0]["schema"]["fields"];
    EXPECT_EQ(fields[5]["name"], "population");
    EXPECT_EQ(fields[5]["type"], "integer");
    EXPECT_EQ(fields[6]["name"], "area_km2");
    EXPECT_EQ(fields[6]["type"], "number");
    EXPECT_EQ(fields[6]["unit"], "km2");
}

// covsim plan ends with a run of the plan: its package also describes plan_districts.csv and
// plan_curve.csv.
TEST(Publication, APlanPackagesItsOwnTables) {
    covsim::test::TempDir dir;
    write_inputs(dir.path());
    const auto r = run_covsim({"plan", "plan_good.toml", "--out", "planned"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto c = check(dir / "planned", {"--resource", "summary", "--resource", "plan-districts",
                                           "--resource", "plan-curve"});
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    // 9 main maps and 3 of the plan's one radio layer.
    EXPECT_NE(c.out.find("12 items, 5 resources: ok"), std::string::npos) << c.out << c.err;
}

// The check can fail: an Item whose transform is not the map's, a CSV without a resource, a
// header that is not the schema's.
TEST(Publication, TheCheckFindsAWrongTransformAMissingResourceAndAWrongHeader) {
    covsim::test::TempDir dir;
    write_inputs(dir.path());
    const auto r = run_covsim({"run", "good.toml", "--out", "out"}, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const fs::path item_path = dir / "out" / "maps" / "tiny" / "sinr_db.json";
    json item = read_json(item_path);
    item["properties"]["proj:transform"][2] = 584050.0;
    write_json(item_path, item);
    json package = read_json(dir / "out" / "datapackage.json");
    package["resources"].erase(2); // summary_layers.csv
    std::swap(package["resources"][0]["schema"]["fields"][1],
              package["resources"][0]["schema"]["fields"][2]);
    write_json(dir / "out" / "datapackage.json", package);

    const auto c = check(dir / "out", {});
    EXPECT_EQ(c.exit_code, 1) << c.out << c.err;
    EXPECT_NE(c.out.find("FAIL: maps/tiny/sinr_db.json: proj:transform [50.0, 0.0, 584050.0"),
              std::string::npos)
        << c.out;
    EXPECT_NE(c.out.find("FAIL: summary_layers.csv has no resource in datapackage.json"),
              std::string::npos)
        << c.out;
    EXPECT_NE(c.out.find("FAIL: summary.csv: header ['scenario', 'code', 'name'"),
              std::string::npos)
        << c.out;
    EXPECT_NE(c.out.find("3 failures"), std::string::npos) << c.out;
}
