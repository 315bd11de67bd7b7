// The outputs of a real run opened by the tools users open them with: GDAL (gdalinfo, netCDF and
// HDF5 drivers, the GeoTIFF maps), h5py and xarray (h5netcdf and netCDF-C engines).

#include "core/coverage.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <numeric>
#include <ogrsf_frmts.h>

namespace fs = std::filesystem;
using covsim::test::run_covsim;
using covsim::test::run_program;

namespace {

// One run of the tiny scenario shared by every test of this file.
class ResultsReaders : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new covsim::test::TempDir();
        covsim::test::write_tiny_area(dir_->path());
        const fs::path fixtures = fs::path(covsim::test::source_dir) / "tests" / "cli" / "fixtures";
        for (const char* f : {"good.toml", "sites.csv"}) {
            fs::copy_file(fixtures / f, dir_->path() / f);
        }
        const auto r = run_covsim({"run", "good.toml", "--out", "out"}, dir_->path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static fs::path out() { return dir_->path() / "out"; }
    static fs::path results() { return out() / "results.h5"; }

    static covsim::test::TempDir* dir_;
};

covsim::test::TempDir* ResultsReaders::dir_ = nullptr;

} // namespace

TEST_F(ResultsReaders, GdalOpensTheNetcdfVariableGeoreferenced) {
    const auto r =
        run_program("gdalinfo", {"NETCDF:\"" + results().string() + "\":/tiny/rsrp_dbm"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Size is 80, 40"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("UTM zone 48N"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Origin = (584000.000000000000000,2328000.000000000000000)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("Pixel Size = (50.000000000000000,-50.000000000000000)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("NoData Value=-9999"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("units=dBm"), std::string::npos) << r.out;
}

TEST_F(ResultsReaders, GdalListsAndOpensHdf5Subdatasets) {
    const auto list = run_program("gdalinfo", {"-if", "HDF5", results().string()});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("//tiny/rsrp_dbm"), std::string::npos) << list.out;
    const auto one =
        run_program("gdalinfo", {"HDF5:\"" + results().string() + "\"://tiny/covered"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_NE(one.out.find("Size is 80, 40"), std::string::npos) << one.out;
}

TEST_F(ResultsReaders, MapsAreCloudOptimizedGeoTiffsInUtm) {
    GDALAllRegister();
    for (const char* m : {"rsrp_dbm", "sinr_db", "best_server", "covered", "serving_layer"}) {
        const fs::path p = out() / "maps" / "tiny" / (std::string(m) + ".tif");
        GDALDatasetUniquePtr ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(ds) << p;
        EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG") << m;
        EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "32648") << m;
        EXPECT_STREQ(ds->GetMetadataItem("COVSIM_METRIC"), m);
        EXPECT_STREQ(ds->GetMetadataItem("COVSIM_SCENARIO"), "tiny");
        int has_nodata = 0;
        ds->GetRasterBand(1)->GetNoDataValue(&has_nodata);
        EXPECT_TRUE(has_nodata) << m;
        EXPECT_STRNE(ds->GetRasterBand(1)->GetDescription(), "") << m;
    }
}

TEST_F(ResultsReaders, MapsHaveQgisStylesLegendsAndAPalettedBestServer) {
    GDALAllRegister();
    const fs::path maps = out() / "maps" / "tiny";
    for (const char* m : {"rsrp_dbm", "sinr_db", "best_server", "covered", "serving_layer"}) {
        const std::string qml = covsim::test::read_text(maps / (std::string(m) + ".qml"));
        EXPECT_NE(qml.find("<qgis "), std::string::npos) << m;
        EXPECT_NE(qml.find("<rasterrenderer"), std::string::npos) << m;
        const fs::path legend = maps / (std::string(m) + ".legend.png");
        GDALDatasetUniquePtr png(GDALDataset::Open(legend.string().c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(png) << legend;
        EXPECT_STREQ(png->GetDriver()->GetDescription(), "PNG");
        EXPECT_EQ(png->GetRasterCount(), 4) << m;
    }
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((maps / "best_server.tif").string().c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_Byte); // 6 sectors: the smallest type that holds them
    EXPECT_DOUBLE_EQ(b->GetNoDataValue(), 255.0);
    ASSERT_NE(b->GetColorTable(), nullptr);
    EXPECT_NE(b->GetColorTable()->GetColorEntry(0)->c1, b->GetColorTable()->GetColorEntry(1)->c1);
}

TEST_F(ResultsReaders, DistrictsGeoPackageHasOneStyledLayerPerScenario) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((out() / "districts.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("tiny");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetFeatureCount(), 2);
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "32648");
    const auto covered = covsim::test::read_h5<double>(results(), "/tiny/covered_share");
    for (auto& f : *layer) {
        const std::string code = f->GetFieldAsString("code");
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("covered_share"), covered[code == "001" ? 0 : 1]);
        EXPECT_TRUE(f->GetGeometryRef() != nullptr && !f->GetGeometryRef()->IsEmpty());
    }
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    ASSERT_EQ(styles->GetFeatureCount(), 1);
    for (auto& f : *styles) {
        EXPECT_STREQ(f->GetFieldAsString("f_table_name"), "tiny");
        EXPECT_EQ(f->GetFieldAsInteger("useAsDefault"), 1);
        EXPECT_NE(std::string(f->GetFieldAsString("styleQML")).find("graduatedSymbol"),
                  std::string::npos);
        EXPECT_NE(std::string(f->GetFieldAsString("styleSLD")).find("StyledLayerDescriptor"),
                  std::string::npos);
    }
}

TEST_F(ResultsReaders, QgisProjectListsTheScenarioWithRelativePaths) {
    const std::string qgs = covsim::test::read_text(out() / "covsim.qgs");
    EXPECT_NE(qgs.find("<layer-tree-group name=\"tiny\""), std::string::npos);
    EXPECT_NE(qgs.find("<datasource>./maps/tiny/rsrp_dbm.tif</datasource>"), std::string::npos);
    EXPECT_NE(qgs.find("<datasource>./districts.gpkg|layername=tiny</datasource>"),
              std::string::npos);
    EXPECT_NE(qgs.find("<authid>EPSG:32648</authid>"), std::string::npos);
}

TEST_F(ResultsReaders, PythonReadersAgreeWithTheHdf5Library) {
    const fs::path script =
        fs::path(covsim::test::source_dir) / "tests" / "integration" / "python" / "read_results.py";
    const auto r = run_program("/usr/bin/python3", {script.string(), results().string(), "tiny"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["h5py_groups"], nlohmann::json::array({"tiny"}));
    EXPECT_EQ(j["h5py_schema_version"], 1);
    EXPECT_EQ(j["h5py_scenario"], "tiny");
    EXPECT_EQ(j["h5py_rsrp_shape"], nlohmann::json::array({40, 80}));

    const auto population = covsim::test::read_h5<double>(results(), "/tiny/population");
    const auto covered = covsim::test::read_h5<double>(results(), "/tiny/covered_population");
    const auto cells = covsim::test::read_h5<double>(results(), "/tiny/cell_population");
    const auto rsrp = covsim::test::read_h5<double>(results(), "/tiny/rsrp_dbm");
    const auto valid = std::count_if(rsrp.begin(), rsrp.end(),
                                     [](double v) { return v != double{covsim::map_nodata}; });
    for (const char* engine : {"h5netcdf", "netcdf4"}) {
        SCOPED_TRACE(engine);
        const auto& e = j[engine];
        EXPECT_EQ(e["dims"]["x"], 80);
        EXPECT_EQ(e["dims"]["y"], 40);
        EXPECT_EQ(e["dims"]["district"], 2);
        EXPECT_EQ(e["dims"]["layer"], 2);
        EXPECT_EQ(e["rsrp_dims"], nlohmann::json::array({"y", "x"}));
        EXPECT_EQ(e["rsrp_units"], "dBm");
        EXPECT_EQ(e["rsrp_valid_cells"], valid);
        EXPECT_DOUBLE_EQ(e["x0"].get<double>(), 584025.0);
        EXPECT_DOUBLE_EQ(e["y0"].get<double>(), 2327975.0);
        EXPECT_EQ(e["districts"], nlohmann::json::array({"001", "002"}));
        EXPECT_EQ(e["names"], nlohmann::json::array({"West", "East"}));
        EXPECT_EQ(e["layers"], nlohmann::json::array({"lte-1800", "nr-n78"}));
        EXPECT_EQ(e["layer_covered_dims"], nlohmann::json::array({"layer", "y", "x"}));
        EXPECT_EQ(e["crs_grid_mapping"], "transverse_mercator");
        EXPECT_DOUBLE_EQ(e["population"][0].get<double>(), population[0]);
        EXPECT_DOUBLE_EQ(e["covered_population"][1].get<double>(), covered[1]);
        EXPECT_DOUBLE_EQ(e["selected_population"].get<double>(), 3000.0);
        EXPECT_NEAR(e["cell_population_sum"].get<double>(),
                    std::accumulate(cells.begin(), cells.end(), 0.0), 1e-6);
    }
    EXPECT_NEAR(population[0], 5000.0, 1e-6); // calibrated to the district layer
    EXPECT_NEAR(population[1], 3000.0, 1e-6);
}
