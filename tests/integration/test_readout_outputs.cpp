// The pictures of a run (quick looks, the batch chart) and the research workflow: GDAL and the
// Python examples of tools/examples on a real run of the tiny batch (two scenarios), with their
// values checked against the HDF5 library.

#include "support/test_support.hpp"
#include "test_config.hpp"

#include <array>
#include <cmath>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>

namespace fs = std::filesystem;
using covsim::test::read_h5;
using covsim::test::run_covsim;
using covsim::test::run_program;

namespace {

using Rgb = std::array<int, 3>;

// The RSRP classes of docs/qgis.md.
Rgb rsrp_colour(double dbm) {
    if (dbm >= -80.0) {
        return {0x1a, 0x96, 0x41};
    }
    if (dbm >= -90.0) {
        return {0xa6, 0xd9, 0x6a};
    }
    if (dbm >= -100.0) {
        return {0xff, 0xff, 0xbf};
    }
    if (dbm >= -110.0) {
        return {0xfd, 0xae, 0x61};
    }
    return {0xd7, 0x19, 0x1c};
}

constexpr Rgb outline{40, 40, 40};
constexpr Rgb no_signal{190, 190, 190};

struct Image {
    int width = 0;
    int height = 0;
    int bands = 0;
    std::vector<std::uint8_t> rgba; // 4 per pixel
    [[nodiscard]] Rgb at(int x, int y) const {
        const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 4;
        return {rgba[i], rgba[i + 1], rgba[i + 2]};
    }
};

Image read_png(const fs::path& path) {
    GDALAllRegister();
    Image img;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(ds) << path;
    if (!ds) {
        return img;
    }
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "PNG");
    img.width = ds->GetRasterXSize();
    img.height = ds->GetRasterYSize();
    img.bands = ds->GetRasterCount();
    img.rgba.assign(static_cast<std::size_t>(img.width) * img.height * 4, 255);
    for (int b = 1; b <= std::min(img.bands, 4); ++b) {
        EXPECT_EQ(ds->GetRasterBand(b)->RasterIO(GF_Read, 0, 0, img.width, img.height,
                                                 img.rgba.data() + (b - 1), img.width, img.height,
                                                 GDT_Byte, 4, 4 * img.width),
                  CE_None);
    }
    return img;
}

class ReadoutOutputs : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new covsim::test::TempDir();
        std::vector<std::string> args{"run"};
        for (std::string& a : covsim::test::write_tiny_batch(dir_->path())) {
            args.push_back(std::move(a));
        }
        for (const char* a : {"--out", "out", "-q"}) {
            args.emplace_back(a);
        }
        const auto r = run_covsim(args, dir_->path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static fs::path out() { return dir_->path() / "out"; }
    static fs::path results() { return out() / "results.h5"; }
    static fs::path example(const char* name) {
        return fs::path(covsim::test::source_dir) / "tools" / "examples" / name;
    }
    // Skips (visibly) when the Python modules of the examples are missing; tools/dev/common.sh
    // installs them.
    static bool python_ready(std::string& why) {
        const auto r = run_program("/usr/bin/python3",
                                   {"-c", "import h5py, xarray, h5netcdf, matplotlib, numpy"});
        why = r.err;
        return r.exit_code == 0;
    }

    static covsim::test::TempDir* dir_;
};

covsim::test::TempDir* ReadoutOutputs::dir_ = nullptr;

// Tiny grid: 80 x 40 cells of 50 m from (584000, 2328000); the quick look draws it at 12
// pixels per cell (1000 / 80, rounded down) from (12, 64).
constexpr int cell_px = 12;
constexpr int map_left = 12;
constexpr int map_top = 64;

} // namespace

TEST_F(ReadoutOutputs, QuicklookShowsTheRsrpClassesAndTheDistrictBorders) {
    for (const char* scenario : {"tiny", "tiny-dense"}) {
        SCOPED_TRACE(scenario);
        const Image img = read_png(out() / "maps" / scenario / "quicklook.png");
        ASSERT_GT(img.width, 0);
        EXPECT_EQ(img.height, map_top + 40 * cell_px + 12);
        EXPECT_GT(img.width, map_left + 80 * cell_px + 100); // the legend on the right
        EXPECT_LT(img.width, map_left + 80 * cell_px + 500);

        const auto rsrp = read_h5<double>(results(), std::string("/") + scenario + "/rsrp_dbm");
        const auto district =
            read_h5<std::int32_t>(results(), std::string("/") + scenario + "/district_index");
        ASSERT_EQ(rsrp.size(), 80u * 40u);
        // Next to the site S1 at (586000, 2327000): the cell whose centre is (586075, 2326975).
        const int col = 41;
        const int row = 20;
        EXPECT_EQ(img.at(map_left + col * cell_px + 6, map_top + row * cell_px + 6),
                  rsrp_colour(rsrp[row * 80 + col]))
            << rsrp[row * 80 + col];
        EXPECT_GE(rsrp[row * 80 + col], -90.0); // 79 m from the site: good or excellent

        // Every cell's centre pixel has its cell's class colour, unless a border runs there.
        int checked = 0;
        int borders = 0;
        for (int r = 0; r < 40; ++r) {
            for (int c = 0; c < 80; ++c) {
                const Rgb px = img.at(map_left + c * cell_px + 6, map_top + r * cell_px + 6);
                if (px == outline) {
                    ++borders;
                    continue;
                }
                const double v = rsrp[r * 80 + c];
                EXPECT_EQ(px, v == -9999.0 ? no_signal : rsrp_colour(v)) << c << "," << r;
                ++checked;
            }
        }
        EXPECT_EQ(borders, 0); // borders are on cell edges here, not through cell centres
        EXPECT_EQ(checked, 80 * 40);

        // The border between West and East (x = 586000, the edge before column 40) and the outer
        // edges are drawn all along.
        for (int r = 0; r < 40; ++r) {
            const int y = map_top + r * cell_px + 6;
            const int x = map_left + 40 * cell_px;
            EXPECT_TRUE(img.at(x, y) == outline || img.at(x - 1, y) == outline) << r;
            EXPECT_TRUE(img.at(map_left, y) == outline) << r;
        }
        for (int c = 0; c < 80; ++c) {
            const int x = map_left + c * cell_px + 6;
            EXPECT_TRUE(img.at(x, map_top) == outline || img.at(x, map_top - 1) == outline) << c;
        }
        EXPECT_GE(district[0], 0);
    }
}

TEST_F(ReadoutOutputs, BatchChartPlacesOnePointPerScenarioByCostAndServedShare) {
    const Image img = read_png(out() / "batch.png");
    // 900 wide; plot box from y = 44 to 504, then tick labels, axis title and one key line
    // (26 px) per scenario.
    EXPECT_EQ(img.width, 900);
    EXPECT_EQ(img.height, 504 + 2 * 20 + 24 + 2 * 26 + 12);
    auto centroid = [&](Rgb colour) {
        double sx = 0.0, sy = 0.0;
        int n = 0;
        for (int y = 44; y <= 504; ++y) {
            for (int x = 100; x <= 860; ++x) {
                if (img.at(x, y) == colour) {
                    sx += x;
                    sy += y;
                    ++n;
                }
            }
        }
        EXPECT_GT(n, 60) << "a disc of radius 5 has 81 pixels";
        return std::array<double, 2>{sx / std::max(n, 1), sy / std::max(n, 1)};
    };
    const auto first = centroid({228, 26, 28});   // point 1: tiny
    const auto second = centroid({55, 126, 184}); // point 2: tiny-dense
    const double cost_1 =
        read_h5<double>(results(), "/tiny/cost_per_subscriber_usd_per_month").at(0);
    const double cost_2 =
        read_h5<double>(results(), "/tiny-dense/cost_per_subscriber_usd_per_month").at(0);
    ASSERT_GT(cost_2, cost_1); // West pays for a second site
    EXPECT_GT(second[0], first[0] + 20.0);
    // y: the city's served share (higher is up).
    const auto pop_1 = read_h5<double>(results(), "/tiny/population");
    const auto served_1 = read_h5<double>(results(), "/tiny/served_population");
    const auto served_2 = read_h5<double>(results(), "/tiny-dense/served_population");
    const double share_1 = (served_1[0] + served_1[1]) / (pop_1[0] + pop_1[1]);
    const double share_2 = (served_2[0] + served_2[1]) / (pop_1[0] + pop_1[1]);
    if (share_2 > share_1 + 1e-3) {
        EXPECT_LT(second[1], first[1] - 1.0);
    } else {
        EXPECT_NEAR(second[1], first[1], 3.0);
    }
}

TEST_F(ReadoutOutputs, GdalReadsTheNetcdfVariableWithGeotransformCrsAndValues) {
    GDALAllRegister();
    const std::string name = "NETCDF:\"" + results().string() + "\":/tiny-dense/rsrp_dbm";
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds) << name;
    std::array<double, 6> gt{};
    ASSERT_EQ(ds->GetGeoTransform(gt.data()), CE_None);
    EXPECT_DOUBLE_EQ(gt[0], 584000.0);
    EXPECT_DOUBLE_EQ(gt[1], 50.0);
    EXPECT_DOUBLE_EQ(gt[3], 2328000.0);
    EXPECT_DOUBLE_EQ(gt[5], -50.0);
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    ASSERT_NE(srs, nullptr);
    EXPECT_EQ(srs->GetUTMZone(), 48);
    EXPECT_EQ(ds->GetRasterXSize(), 80);
    EXPECT_EQ(ds->GetRasterYSize(), 40);
    // Row 0 is north in GDAL and in results.h5: the values agree cell for cell.
    std::vector<float> values(80 * 40);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 80, 40, values.data(), 80, 40,
                                             GDT_Float32, 0, 0),
              CE_None);
    const auto h5 = read_h5<float>(results(), "/tiny-dense/rsrp_dbm");
    EXPECT_EQ(values, h5);
}

TEST_F(ReadoutOutputs, ExampleLoadsEveryVariantIntoOneDataset) {
    std::string why;
    if (!python_ready(why)) {
        GTEST_SKIP() << "SKIPPED: Python modules of tools/examples missing: " << why;
    }
    // The second scenario moved into a nested group, as a sweep's variants are.
    const fs::path nested = out().parent_path() / "nested.h5";
    fs::copy_file(results(), nested, fs::copy_options::overwrite_existing);
    {
        const hid_t f = H5Fopen(nested.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(lcpl, 1);
        ASSERT_GE(H5Lmove(f, "/tiny-dense", f, "/sweep/isd=400,power=46", lcpl, H5P_DEFAULT), 0);
        H5Pclose(lcpl);
        H5Fclose(f);
    }
    const auto r = run_program("/usr/bin/python3",
                               {example("load_variants.py").string(), nested.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["scenarios"], nlohmann::json::array({"tiny", "tiny-dense"}));
    EXPECT_EQ(j["districts"], nlohmann::json::array({"001", "002"}));
    EXPECT_EQ(j["dims"]["scenario"], 2);
    EXPECT_EQ(j["dims"]["district"], 2);
    const char* groups[] = {"/tiny", "/tiny-dense"};
    for (std::size_t s = 0; s < 2; ++s) {
        const std::string g = groups[s];
        const auto covered = read_h5<double>(results(), g + "/covered_population");
        const auto served = read_h5<double>(results(), g + "/served_population");
        const auto cost = read_h5<double>(results(), g + "/cost_per_subscriber_usd_per_month");
        for (std::size_t d = 0; d < 2; ++d) {
            EXPECT_DOUBLE_EQ(j["covered_population"][s][d].get<double>(), covered[d]);
            EXPECT_DOUBLE_EQ(j["served_population"][s][d].get<double>(), served[d]);
            EXPECT_DOUBLE_EQ(j["cost_per_subscriber_usd_per_month"][s][d].get<double>(), cost[d]);
        }
    }
}

TEST_F(ReadoutOutputs, ExamplePlotsCoverageAgainstCost) {
    std::string why;
    if (!python_ready(why)) {
        GTEST_SKIP() << "SKIPPED: Python modules of tools/examples missing: " << why;
    }
    const fs::path png = out().parent_path() / "cost_coverage.png";
    const auto r = run_program("/usr/bin/python3", {example("plot_cost_coverage.py").string(),
                                                    results().string(), png.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1]["scenario"], "tiny-dense");
    const auto pop = read_h5<double>(results(), "/tiny-dense/population");
    const auto cov = read_h5<double>(results(), "/tiny-dense/covered_population");
    EXPECT_NEAR(j[1]["covered_percent"].get<double>(),
                100.0 * (cov[0] + cov[1]) / (pop[0] + pop[1]), 1e-9);
    EXPECT_GT(j[1]["cost_per_subscriber_usd_per_month"].get<double>(),
              j[0]["cost_per_subscriber_usd_per_month"].get<double>());
    // Every label stays inside the plot's frame (the rightmost point's label was cut).
    EXPECT_TRUE(j[0]["label_inside_frame"].get<bool>());
    EXPECT_TRUE(j[1]["label_inside_frame"].get<bool>());
    const Image img = read_png(png);
    EXPECT_EQ(img.width, 800);
    EXPECT_EQ(img.height, 500);
    int blue = 0; // the scatter points, #377eb8
    for (int y = 0; y < img.height; ++y) {
        for (int x = 0; x < img.width; ++x) {
            blue += img.at(x, y) == Rgb{0x37, 0x7e, 0xb8} ? 1 : 0;
        }
    }
    EXPECT_GT(blue, 20);
}

TEST_F(ReadoutOutputs, ExampleMapsOneDistrict) {
    std::string why;
    if (!python_ready(why)) {
        GTEST_SKIP() << "SKIPPED: Python modules of tools/examples missing: " << why;
    }
    const fs::path png = out().parent_path() / "east.png";
    const auto r =
        run_program("/usr/bin/python3", {example("map_district.py").string(), results().string(),
                                         "tiny-dense", "002", png.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["name"], "East");
    EXPECT_EQ(j["cells"], 40 * 40); // [586000, 588000] x [2326000, 2328000] at 50 m
    const auto pop = read_h5<double>(results(), "/tiny-dense/population");
    const auto share = read_h5<double>(results(), "/tiny-dense/covered_share");
    EXPECT_NEAR(j["population"].get<double>(), pop[1], 1e-6);
    EXPECT_NEAR(j["covered_share"].get<double>(), share[1], 1e-12);
    const auto rsrp = read_h5<double>(results(), "/tiny-dense/rsrp_dbm");
    double east_max = -1e9;
    for (int row = 0; row < 40; ++row) {
        for (int col = 40; col < 80; ++col) {
            east_max = std::max(east_max, rsrp[row * 80 + col]);
        }
    }
    EXPECT_NEAR(j["rsrp_max_dbm"].get<double>(), east_max, 1e-4);
    const Image img = read_png(png);
    EXPECT_EQ(img.width, 800);
    EXPECT_EQ(img.height, 800);

    const auto bad =
        run_program("/usr/bin/python3", {example("map_district.py").string(), results().string(),
                                         "tiny", "009", png.string()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("has no district 009; it has 001, 002"), std::string::npos) << bad.err;
    // An unknown scenario is one line too, listing the file's scenarios (no traceback).
    const auto unknown =
        run_program("/usr/bin/python3", {example("map_district.py").string(), results().string(),
                                         "tiny-sparse", "001", png.string()});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("no scenario tiny-sparse; it has tiny, tiny-dense"),
              std::string::npos)
        << unknown.err;
    EXPECT_EQ(unknown.err.find("Traceback"), std::string::npos) << unknown.err;
}
