// The committed Hanoi scenarios run end to end (at 250 m to keep the test fast): every district's
// population equals its 2019 census count, the city total is 8,053,663, and the plans cover the
// city. The same plan also runs on the real district boundaries of ../shared/data.

#include "support/test_support.hpp"
#include "test_config.hpp"

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
    for (const char* scenario : {"hanoi-4g-2020", "hanoi-5g-2025"}) {
        SCOPED_TRACE(scenario);
        const auto population =
            covsim::test::read_h5<double>(h5, std::string("/") + scenario + "/population");
        const auto covered =
            covsim::test::read_h5<double>(h5, std::string("/") + scenario + "/covered_population");
        ASSERT_EQ(population.size(), 30u);
        EXPECT_NEAR(std::accumulate(population.begin(), population.end(), 0.0), 8053663.0, 0.5);
        std::size_t i = 0;
        for (const auto& [code, people] : expected) { // codes sort as the file lists them
            EXPECT_NEAR(population[i], people, 1e-6) << code;
            ++i;
        }
        const double total_covered = std::accumulate(covered.begin(), covered.end(), 0.0);
        EXPECT_GT(total_covered / 8053663.0, 0.95); // the plans are dense macro grids
        EXPECT_LE(total_covered, 8053663.0 + 0.5);
    }
    // The 2025 plan adds layers to the 2020 one: it never covers fewer people.
    const auto c2020 = covsim::test::read_h5<double>(h5, "/hanoi-4g-2020/covered_population");
    const auto c2025 = covsim::test::read_h5<double>(h5, "/hanoi-5g-2025/covered_population");
    for (std::size_t i = 0; i < c2020.size(); ++i) {
        EXPECT_GE(c2025[i], c2020[i] - 1e-9) << i;
    }
    const std::string csv = read_text(dir / "out" / "summary.csv");
    EXPECT_NE(csv.find("hanoi-5g-2025,001,Ba Đình,Ba Dinh,urban_district,221893,"),
              std::string::npos);
}

TEST(HanoiScenarios, RunOnTheRealDistrictBoundaries) {
    COVSIM_SKIP_WITHOUT_SHARED_DATA("boundaries/hanoi_districts_pre2025.geojson");
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
    // 7,977,415 kept (99.05 %) at 250 m.
    const double total = std::accumulate(population.begin(), population.end(), 0.0);
    EXPECT_GT(total, 0.985 * 8053663.0);
    EXPECT_LE(total, 8053663.0 + 0.5);
}
