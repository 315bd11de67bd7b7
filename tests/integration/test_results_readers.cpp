// The outputs of a real run opened by the tools users open them with: GDAL (gdalinfo, netCDF and
// HDF5 drivers, the GeoTIFF maps), h5py and xarray (h5netcdf and netCDF-C engines).

#include "core/coverage.hpp"
#include "support/csv.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <array>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <ogrsf_frmts.h>
#include <regex>

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

// The <maplayer> element of covsim.qgs with this id, "" when there is none.
std::string maplayer_of(const std::string& qgs, const std::string& id) {
    const std::size_t at = qgs.find("<id>" + id + "</id>");
    if (at == std::string::npos) {
        return "";
    }
    const std::size_t begin = qgs.rfind("<maplayer ", at);
    return qgs.substr(begin, qgs.find("</maplayer>", at) - begin);
}

// The field the first renderer in `xml` classifies by.
std::string renderer_attr(const std::string& xml) {
    static const std::regex attr("<renderer-v2 type=\"[a-zA-Z]+\" attr=\"([^\"]*)\"");
    std::smatch m;
    return std::regex_search(xml, m, attr) ? m[1].str() : "";
}

// The lower bounds of the ranges of the first graduated renderer in `xml`.
std::vector<double> range_lowers(const std::string& xml) {
    const std::size_t begin = xml.find("<ranges>");
    const std::string ranges = xml.substr(begin, xml.find("</ranges>", begin) - begin);
    static const std::regex lower("<range lower=\"([^\"]*)\"");
    std::vector<double> out;
    for (auto it = std::sregex_iterator(ranges.begin(), ranges.end(), lower);
         it != std::sregex_iterator(); ++it) {
        out.push_back(std::stod((*it)[1].str()));
    }
    return out;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

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

TEST_F(ResultsReaders, MapsPassGdalsCloudOptimizedGeoTiffValidator) {
    for (const char* m : {"rsrp_dbm", "sinr_db", "throughput_mbps", "best_server", "covered",
                          "served", "covered_indoor", "serving_layer"}) {
        const fs::path p = out() / "maps" / "tiny" / (std::string(m) + ".tif");
        const auto r = run_program("/usr/bin/python3",
                                   {"-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff",
                                    "--full-check=yes", p.string()});
        EXPECT_EQ(r.exit_code, 0) << m << ": " << r.out << r.err;
        EXPECT_NE(r.out.find("is a valid cloud optimized GeoTIFF"), std::string::npos) << r.out;
    }
}

// What GDAL, and readers built on it (R's terra, ArcGIS), show without the .qml: the value maps'
// band description (terra's layer name) and units; the categorical maps' colour tables and
// category names, the colours and labels of docs/qgis.md.
TEST_F(ResultsReaders, MapsDescribeThemselvesWithoutTheQgisStyle) {
    GDALAllRegister();
    const fs::path maps = out() / "maps" / "tiny";
    auto open = [&](const std::string& m) {
        return GDALDatasetUniquePtr(
            GDALDataset::Open((maps / (m + ".tif")).string().c_str(), GDAL_OF_RASTER));
    };
    const std::vector<std::pair<std::string, std::string>> units = {
        {"rsrp_dbm", "dBm"},
        {"sinr_db", "dB"},
        {"throughput_mbps", "Mbit/s"},
        {"user_throughput_mbps", "Mbit/s"}};
    for (const auto& [m, unit] : units) {
        GDALDatasetUniquePtr ds = open(m);
        ASSERT_TRUE(ds) << m;
        EXPECT_STREQ(ds->GetRasterBand(1)->GetDescription(), m.c_str());
        EXPECT_EQ(ds->GetRasterBand(1)->GetUnitType(), unit) << m;
        EXPECT_EQ(ds->GetRasterBand(1)->GetColorTable(), nullptr) << m;
        EXPECT_NE(std::string(ds->GetMetadataItem("COVSIM_DESCRIPTION")), "") << m;
    }

    struct Category {
        std::string name;
        std::array<short, 3> rgb;
    };
    const std::vector<std::pair<std::string, std::vector<Category>>> categories = {
        {"covered", {{"not covered", {215, 25, 28}}, {"covered", {26, 150, 65}}}},
        {"served", {{"not served", {215, 25, 28}}, {"served", {26, 150, 65}}}},
        {"covered_indoor",
         {{"not covered indoors", {215, 25, 28}},
          {"traditional buildings only", {253, 174, 97}},
          {"all buildings", {26, 150, 65}}}},
        {"serving_layer", {{"lte-1800", {55, 126, 184}}, {"nr-n78", {228, 26, 28}}}},
        // sites.csv: site S1, sectors 1 to 3 on each layer; the first six colours of the cycle.
        {"best_server",
         {{"S1/1", {230, 25, 75}},
          {"S1/2", {60, 180, 75}},
          {"S1/3", {255, 225, 25}},
          {"S1/1", {67, 99, 216}},
          {"S1/2", {245, 130, 49}},
          {"S1/3", {145, 30, 180}}}},
    };
    for (const auto& [m, expected] : categories) {
        SCOPED_TRACE(m);
        GDALDatasetUniquePtr ds = open(m);
        ASSERT_TRUE(ds);
        GDALRasterBand* b = ds->GetRasterBand(1);
        EXPECT_EQ(b->GetRasterDataType(), GDT_Byte);
        EXPECT_STREQ(b->GetDescription(), m.c_str());
        EXPECT_STREQ(b->GetUnitType(), "");
        EXPECT_EQ(b->GetColorInterpretation(), GCI_PaletteIndex);
        const GDALColorTable* table = b->GetColorTable();
        ASSERT_NE(table, nullptr);
        char** names = b->GetCategoryNames();
        ASSERT_EQ(CSLCount(names), static_cast<int>(expected.size()));
        for (std::size_t v = 0; v < expected.size(); ++v) {
            EXPECT_EQ(names[v], expected[v].name) << v;
            const GDALColorEntry* e = table->GetColorEntry(static_cast<int>(v));
            EXPECT_EQ((std::array<short, 4>{e->c1, e->c2, e->c3, e->c4}),
                      (std::array<short, 4>{expected[v].rgb[0], expected[v].rgb[1],
                                            expected[v].rgb[2], 255}))
                << v;
        }
        EXPECT_EQ(table->GetColorEntry(255)->c4, 0); // nodata: transparent
        // The names are in the map's side-car (GeoTIFF has no tag for them).
        char** files = ds->GetFileList();
        EXPECT_EQ(CSLFindString(files, (maps / (m + ".tif.aux.xml")).string().c_str()), 1);
        CSLDestroy(files);
    }
}

// R's terra, where R and terra are installed (tools/dev/common.sh installs r-base-core and
// r-cran-terra with the test packages): a categorical map is a factor with its labels and colours,
// every map a layer named after it.
TEST_F(ResultsReaders, RTerraReadsCategoricalMapsAsFactorsWithTheirColours) {
    const auto terra = run_program(
        "/bin/sh",
        {"-c", "Rscript -e 'quit(status = !requireNamespace(\"terra\", quietly = TRUE))'"});
    if (terra.exit_code != 0) {
        GTEST_SKIP() << "Rscript or R's terra not found (install r-base-core and r-cran-terra)";
    }
    const fs::path script =
        fs::path(covsim::test::source_dir) / "tests" / "integration" / "r" / "read_maps.R";
    const auto r =
        run_program("Rscript", {script.string(), (out() / "maps" / "tiny").string(),
                                "covered_indoor", "serving_layer", "best_server", "rsrp_dbm"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "covered_indoor\tcovered_indoor\tTRUE\t"
                     "not covered indoors|traditional buildings only|all buildings\t"
                     "#d7191c|#fdae61|#1a9641\n"
                     "serving_layer\tserving_layer\tTRUE\tlte-1800|nr-n78\t#377eb8|#e41a1c\n"
                     "best_server\tbest_server\tTRUE\tS1/1|S1/2|S1/3|S1/1|S1/2|S1/3\t"
                     "#e6194b|#3cb44b|#ffe119|#4363d8|#f58231|#911eb4\n"
                     "rsrp_dbm\trsrp_dbm\tFALSE\t\t\n");
}

TEST_F(ResultsReaders, CategoricalVariablesOfResultsH5HaveCfFlags) {
    struct Flags {
        const char* variable;
        std::vector<double> values;
        const char* meanings;
    };
    const std::vector<Flags> expected = {
        {"covered", {0, 1}, "not_covered covered"},
        {"layer_covered", {0, 1}, "not_covered covered"},
        {"served", {0, 1}, "not_served served"},
        {"covered_indoor",
         {0, 1, 2},
         "not_covered_indoors traditional_buildings_only all_buildings"},
        {"layer_covered_indoor",
         {0, 1, 2},
         "not_covered_indoors traditional_buildings_only all_buildings"},
        {"serving_layer", {0, 1}, "lte-1800 nr-n78"},
        {"sector_inside", {0, 1}, "outside inside"},
    };
    for (const Flags& f : expected) {
        SCOPED_TRACE(f.variable);
        const std::string var = std::string("/tiny/") + f.variable;
        EXPECT_EQ(covsim::test::h5_numbers_attr(results(), var, "flag_values"), f.values);
        EXPECT_EQ(covsim::test::h5_string_attr(results(), var, "flag_meanings"), f.meanings);
        EXPECT_EQ(covsim::test::h5_numbers_attr(results(), var, "valid_range"),
                  (std::vector<double>{f.values.front(), f.values.back()}));
    }
    // best_server indexes the sector dimension, whose variables name every sector.
    EXPECT_TRUE(
        covsim::test::h5_numbers_attr(results(), "/tiny/best_server", "flag_values").empty());
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
    // Every style of the district layer, the served share the default; then the sectors'.
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    std::vector<std::string> rows;
    for (auto& f : *styles) {
        const std::string qml = f->GetFieldAsString("styleQML");
        const std::string sld = f->GetFieldAsString("styleSLD");
        rows.push_back(std::string(f->GetFieldAsString("f_table_name")) + ":" +
                       f->GetFieldAsString("styleName") + ":" +
                       std::to_string(f->GetFieldAsInteger("useAsDefault")) + ":" +
                       renderer_attr(qml));
        EXPECT_NE(sld.find("StyledLayerDescriptor"), std::string::npos);
    }
    EXPECT_EQ(rows, (std::vector<std::string>{
                        "tiny:served share:1:served_share",
                        "tiny:cost per subscriber:0:cost_per_subscriber_usd_per_month",
                        "tiny:affordability:0:verdict", "tiny:covered share:0:covered_share",
                        "sectors_tiny:sector load:1:load"}));
}

TEST_F(ResultsReaders, DistrictsGeoPackageHasTheSectorsOfTheScenario) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((out() / "districts.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("sectors_tiny");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetGeomType(), wkbPoint);
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "32648");
    std::vector<std::string> fields;
    for (int i = 0; i < layer->GetLayerDefn()->GetFieldCount(); ++i) {
        fields.emplace_back(layer->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"site_id", "sector_id", "layer", "technology",
                                                "frequency_mhz", "bandwidth_mhz", "height_m",
                                                "azimuth_deg", "tilt_deg", "power_dbm", "load",
                                                "offered_traffic_mbps", "capacity_mbps",
                                                "served_subscribers", "inside", "district"}));

    auto h5 = [&](const char* name) { return covsim::test::read_h5<double>(results(), name); };
    const auto x = h5("/tiny/sector_x");
    const auto load = h5("/tiny/sector_load");
    const auto sector_layer = covsim::test::read_h5<std::int32_t>(results(), "/tiny/sector_layer");
    const auto frequency = h5("/tiny/frequency_mhz");
    ASSERT_EQ(x.size(), 6U); // 3 LTE and 3 NR sectors of site S1
    EXPECT_EQ(layer->GetFeatureCount(), 6);
    // sites.csv: S1's sectors 1, 2, 3 at azimuths 0, 120, 240 on both layers, on the border of
    // West and East at (586000, 2327000): the cell there is East's (002).
    const auto sites = covsim::test::read_csv(fs::path(covsim::test::source_dir) / "tests" / "cli" /
                                              "fixtures" / "sites.csv");
    const std::vector<std::string> layer_names = {"lte-1800", "nr-n78"};
    std::size_t loaded = 0;
    for (auto& f : *layer) {
        const auto i = static_cast<std::size_t>(f->GetFID() - 1); // the best_server value
        ASSERT_LT(i, x.size());
        SCOPED_TRACE(i);
        const covsim::test::CsvRow& row = sites[i + 1];
        EXPECT_EQ(f->GetFieldAsString("site_id"), row.field(0));
        EXPECT_EQ(f->GetFieldAsString("sector_id"), row.field(1));
        EXPECT_EQ(f->GetFieldAsString("layer"), layer_names[sector_layer[i]]);
        EXPECT_EQ(f->GetFieldAsString("layer"), row.field(2));
        EXPECT_STREQ(f->GetFieldAsString("technology"), i < 3 ? "lte" : "nr");
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("frequency_mhz"), frequency[sector_layer[i]]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("azimuth_deg"), *row.number(6));
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("height_m"), *row.number(5));
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("power_dbm"), *row.number(8));
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("height_m"), h5("/tiny/sector_height_m")[i]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("tilt_deg"), h5("/tiny/sector_tilt_deg")[i]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("load"), load[i]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("offered_traffic_mbps"),
                         h5("/tiny/sector_offered_traffic_mbps")[i]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("capacity_mbps"), h5("/tiny/sector_capacity_mbps")[i]);
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("served_subscribers"),
                         h5("/tiny/sector_served_subscribers")[i]);
        EXPECT_EQ(f->GetFieldAsInteger("inside"), 1);
        EXPECT_STREQ(f->GetFieldAsString("district"), "002");
        const auto* point = f->GetGeometryRef()->toPoint();
        EXPECT_DOUBLE_EQ(point->getX(), x[i]);
        EXPECT_DOUBLE_EQ(point->getY(), h5("/tiny/sector_y")[i]);
        loaded += f->GetFieldAsDouble("load") > 0.0 ? 1 : 0;
    }
    EXPECT_GT(loaded, 0U); // the fixture's sectors carry traffic: loads are real numbers
}

TEST_F(ResultsReaders, SectorStyleTurnsWedgesToTheAzimuthAndColoursThemByLoad) {
    const std::string qgs = covsim::test::read_text(out() / "covsim.qgs");
    const std::string sectors = maplayer_of(qgs, "s0_tiny_sectors");
    ASSERT_FALSE(sectors.empty());
    EXPECT_NE(sectors.find("geometry=\"Point\""), std::string::npos);
    EXPECT_EQ(renderer_attr(sectors), "load");
    EXPECT_EQ(range_lowers(sectors), (std::vector<double>{0.0, 0.5, 0.8, 1.0}));
    // Each class's marker: a wedge rotated by azimuth_deg (third_circle points 60 degrees left
    // of north), a circle when the azimuth is null.
    const std::regex rotation(
        "<Option name=\"angle\" type=\"Map\">\\s*"
        "<Option name=\"active\" value=\"true\" type=\"bool\"/>\\s*"
        "<Option name=\"expression\" value=\"coalesce\\(&quot;azimuth_deg&quot;, 0\\) \\+ 60\" "
        "type=\"QString\"/>\\s*<Option name=\"type\" value=\"3\" type=\"int\"/>");
    auto rotated = [&](const std::string& xml) {
        return std::distance(std::sregex_iterator(xml.begin(), xml.end(), rotation),
                             std::sregex_iterator());
    };
    EXPECT_EQ(rotated(sectors), 4);
    EXPECT_EQ(count_of(sectors, "if(&quot;azimuth_deg&quot; IS NULL, &apos;circle&apos;, "
                                "&apos;third_circle&apos;)"),
              4U);
    // Site ids labelled from 1:25,000 in.
    EXPECT_NE(sectors.find("fieldName=\"site_id\""), std::string::npos);
    EXPECT_NE(sectors.find("scaleVisibility=\"1\" scaleMin=\"0\" scaleMax=\"25000\""),
              std::string::npos);
    // The layer itself from 1:150,000 in: at the scale of a whole city the wedges would hide the
    // district layers below them.
    const std::string scale = "hasScaleBasedVisibilityFlag=\"1\" minScale=\"150000\"";
    EXPECT_NE(sectors.find(scale), std::string::npos);
    // The GeoPackage's default style of the layer is the same style.
    GDALAllRegister();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((out() / "districts.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    OGRLayer* styles = ds->GetLayerByName("layer_styles");
    styles->SetAttributeFilter("f_table_name = 'sectors_tiny'");
    auto style = std::unique_ptr<OGRFeature>(styles->GetNextFeature());
    ASSERT_TRUE(style);
    const std::string qml = style->GetFieldAsString("styleQML");
    EXPECT_EQ(range_lowers(qml), range_lowers(sectors));
    EXPECT_EQ(rotated(qml), 4);
    EXPECT_NE(qml.find(scale), std::string::npos);
}

TEST_F(ResultsReaders, QgisProjectListsTheScenarioWithRelativePaths) {
    const std::string qgs = covsim::test::read_text(out() / "covsim.qgs");
    EXPECT_NE(qgs.find("<layer-tree-group name=\"tiny\""), std::string::npos);
    EXPECT_NE(qgs.find("<datasource>./maps/tiny/rsrp_dbm.tif</datasource>"), std::string::npos);
    EXPECT_NE(qgs.find("<datasource>./districts.gpkg|layername=tiny</datasource>"),
              std::string::npos);
    EXPECT_NE(qgs.find("<authid>EPSG:32648</authid>"), std::string::npos);
    // The sectors on top, shown, outside the group of which one map is shown at a time.
    const std::size_t group = qgs.find("<layer-tree-group name=\"tiny\" checked=\"Qt::Checked\" "
                                       "expanded=\"1\" mutually-exclusive=\"0\">");
    const std::size_t sectors = qgs.find("<layer-tree-layer id=\"s0_tiny_sectors\"");
    const std::size_t maps = qgs.find("<layer-tree-group name=\"maps\" checked=\"Qt::Checked\" "
                                      "expanded=\"1\" mutually-exclusive=\"1\"");
    const std::size_t districts = qgs.find("<layer-tree-layer id=\"s0_tiny_districts\"");
    const std::size_t rsrp = qgs.find("<layer-tree-layer id=\"s0_tiny_rsrp_dbm\"");
    ASSERT_NE(group, std::string::npos);
    EXPECT_LT(group, sectors);
    EXPECT_LT(sectors, maps);
    EXPECT_LT(maps, districts);
    EXPECT_LT(districts, rsrp);
    EXPECT_NE(rsrp, std::string::npos);
    EXPECT_NE(qgs.find("checked=\"Qt::Checked\"", sectors), std::string::npos);
    EXPECT_EQ(qgs.substr(qgs.find("checked=", districts), 21), "checked=\"Qt::Checked\"");
    EXPECT_EQ(qgs.substr(qgs.find("checked=", rsrp), 23), "checked=\"Qt::Unchecked\"");
}

TEST_F(ResultsReaders, DistrictLayerHasNamedStylesServedShareFirst) {
    const std::string qgs = covsim::test::read_text(out() / "covsim.qgs");
    const std::string districts = maplayer_of(qgs, "s0_tiny_districts");
    ASSERT_FALSE(districts.empty());
    // The current style is the layer's own renderer, after the manager; the others are whole.
    const std::size_t manager =
        districts.find("<map-layer-style-manager current=\"served share\">");
    const std::size_t current = districts.find("<map-layer-style name=\"served share\"/>");
    const std::size_t cost = districts.find("<map-layer-style name=\"cost per subscriber\">");
    const std::size_t verdict = districts.find("<map-layer-style name=\"affordability\">");
    const std::size_t covered = districts.find("<map-layer-style name=\"covered share\">");
    const std::size_t own = districts.find("</map-layer-style-manager>");
    ASSERT_TRUE(manager < current && current < cost && cost < verdict && verdict < covered &&
                covered < own && own != std::string::npos);
    EXPECT_EQ(renderer_attr(districts.substr(own)), "served_share");
    EXPECT_EQ(range_lowers(districts.substr(own)),
              (std::vector<double>{0.0, 0.5, 0.8, 0.9, 0.95, 0.99}));
    // Cost classes at 1/4, 1/2, 1, 2 and 4 times the cost at the affordability threshold
    // (good.toml: the defaults, 2 % of a GNI per capita of 4000 USD a year).
    const std::string cost_style = districts.substr(cost, verdict - cost);
    const double limit = 0.02 * 4000.0 / 12.0;
    EXPECT_EQ(renderer_attr(cost_style), "cost_per_subscriber_usd_per_month");
    const std::vector<double> lowers = range_lowers(cost_style);
    ASSERT_EQ(lowers.size(), 6U);
    const std::vector<double> factors = {0.0, 0.25, 0.5, 1.0, 2.0, 4.0};
    for (std::size_t i = 0; i < lowers.size(); ++i) {
        EXPECT_DOUBLE_EQ(lowers[i], factors[i] * limit) << i;
    }
    const std::string verdict_style = districts.substr(verdict, covered - verdict);
    EXPECT_NE(verdict_style.find("type=\"categorizedSymbol\" attr=\"verdict\""), std::string::npos);
    for (const char* v : {"affordable", "under-served", "not affordable"}) {
        EXPECT_NE(verdict_style.find("<category value=\"" + std::string(v) + "\""),
                  std::string::npos)
            << v;
    }
    EXPECT_EQ(renderer_attr(districts.substr(covered, own - covered)), "covered_share");
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
    const auto valid = std::count_if(rsrp.begin(), rsrp.end(), [](double v) {
        return v != static_cast<double>(covsim::map_nodata);
    });
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
        EXPECT_EQ(e["flags"]["covered_indoor"], nlohmann::json({{"0", "not_covered_indoors"},
                                                                {"1", "traditional_buildings_only"},
                                                                {"2", "all_buildings"}}));
        EXPECT_EQ(e["flags"]["serving_layer"],
                  nlohmann::json({{"0", "lte-1800"}, {"1", "nr-n78"}}));
        EXPECT_DOUBLE_EQ(e["population"][0].get<double>(), population[0]);
        EXPECT_DOUBLE_EQ(e["covered_population"][1].get<double>(), covered[1]);
        EXPECT_DOUBLE_EQ(e["selected_population"].get<double>(), 3000.0);
        EXPECT_NEAR(e["cell_population_sum"].get<double>(),
                    std::accumulate(cells.begin(), cells.end(), 0.0), 1e-6);
    }
    EXPECT_NEAR(population[0], 5000.0, 1e-6); // calibrated to the district layer
    EXPECT_NEAR(population[1], 3000.0, 1e-6);
}
