// `covsim area prepare` as a library call (io/area_prepare): people from a census table spread
// over the districts or from a raster scaled per district, the population check with its
// numbers, DEM tiles mosaicked, land cover on the grid, and a directory that the study-area
// loader reads back to the same people. The messages of every check are in tests/cli/cases.txt.

#include "core/error.hpp"
#include "io/area_info.hpp"
#include "io/area_prepare.hpp"
#include "io/population_check.hpp"
#include "io/study_area_loader.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <limits>
#include <map>
#include <ogrsf_frmts.h>

using namespace covsim;
namespace fs = std::filesystem;

namespace {

constexpr double west_x = 584000.0; // UTM 48N, near Hanoi
constexpr double south_y = 2326000.0;

std::vector<std::pair<double, double>> square(double x, double y, double side) {
    return {{x, y}, {x, y + side}, {x + side, y + side}, {x + side, y}, {x, y}};
}

// A raster's band 1 and geotransform.
struct TifValues {
    std::vector<double> values;
    int width = 0;
    int height = 0;
    std::array<double, 6> gt{};
};

// The nodata value of a raster's band 1, NaN when it has none.
double nodata_of(const fs::path& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    int has = 0;
    const double v = ds->GetRasterBand(1)->GetNoDataValue(&has);
    return has != 0 ? v : std::numeric_limits<double>::quiet_NaN();
}

TifValues read_tif(const fs::path& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    TifValues out;
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return out;
    }
    out.width = ds->GetRasterXSize();
    out.height = ds->GetRasterYSize();
    ds->GetGeoTransform(out.gt.data());
    out.values.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height));
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, out.width, out.height,
                                             out.values.data(), out.width, out.height, GDT_Float64,
                                             0, 0),
              CE_None);
    return out;
}

// Sum of a 100 m tiny-area raster over West (x < 586000) and East.
std::pair<double, double> west_east(const TifValues& t) {
    double west = 0.0;
    double east = 0.0;
    for (int row = 0; row < t.height; ++row) {
        for (int col = 0; col < t.width; ++col) {
            const double x = t.gt[0] + (col + 0.5) * t.gt[1];
            const double v = t.values[static_cast<std::size_t>(row * t.width + col)];
            (x < 586000.0 ? west : east) += v;
        }
    }
    return {west, east};
}

// Two 2 km x 2 km districts side by side (fields code, name_vi, name_ascii, type; no population)
// and a census table giving West 5000 and East 3000 people.
class AreaPrepare : public ::testing::Test {
protected:
    void SetUp() override {
        test::write_districts_gpkg(
            dir / "d.gpkg",
            {{"001", "West", "urban_district", 0.0, square(west_x, south_y, 2000)},
             {"002", "East", "rural_district", 0.0, square(west_x + 2000, south_y, 2000)}},
            32648);
        test::write_text(dir / "census.csv", "code,population\n001,5000\n002,3000\n");
        config.districts = dir / "d.gpkg";
        config.name_field = "name_vi";
        config.population = {dir / "census.csv"};
        config.out = dir / "area";
    }

    std::string error_of(const io::AreaPrepareConfig& c) {
        try {
            io::prepare_study_area(c);
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    test::TempDir dir;
    io::AreaPrepareConfig config;
};

} // namespace

TEST_F(AreaPrepare, SpreadsACensusTableUniformlyAndWritesEveryFile) {
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    EXPECT_EQ(r.method, io::PopulationMethod::table_uniform);
    EXPECT_EQ(r.crs_label, "EPSG:32648");
    EXPECT_EQ(r.grid.width, 40);
    EXPECT_EQ(r.grid.height, 20);
    EXPECT_EQ(r.district_cells, 800u);
    ASSERT_EQ(r.check.rows.size(), 2u);
    EXPECT_DOUBLE_EQ(r.check.rows[0].people(), 5000.0);
    EXPECT_DOUBLE_EQ(r.check.rows[1].people(), 3000.0);
    EXPECT_NEAR(r.check.rows[0].area_km2, 4.0, 1e-9);
    EXPECT_EQ(r.check.rows[0].cells, 400u);
    EXPECT_DOUBLE_EQ(r.check.outside, 0.0);
    EXPECT_TRUE(r.population_warnings.empty());
    for (const char* f :
         {"study_area.toml", "districts.gpkg", "population.tif", "population_check.csv"}) {
        EXPECT_TRUE(fs::exists(dir / "area" / f)) << f;
    }
    EXPECT_FALSE(fs::exists(dir / "area.partial"));

    // 0 is nobody, not nodata: it must average as 0 onto another grid.
    EXPECT_TRUE(std::isnan(nodata_of(dir / "area" / "population.tif")));
    // 5000 people over 400 cells: 12.5 per 100 m cell in West, 7.5 in East.
    const TifValues pop = read_tif(dir / "area" / "population.tif");
    ASSERT_EQ(pop.width, 40);
    EXPECT_DOUBLE_EQ(pop.gt[0], west_x);
    EXPECT_DOUBLE_EQ(pop.gt[3], south_y + 2000);
    EXPECT_DOUBLE_EQ(pop.values[0], 12.5);
    EXPECT_DOUBLE_EQ(pop.values[39], 7.5);
    const auto [west, east] = west_east(pop);
    EXPECT_NEAR(west, 5000.0, 1e-9);
    EXPECT_NEAR(east, 3000.0, 1e-9);

    GDALDatasetUniquePtr gpkg(
        GDALDataset::Open((dir / "area" / "districts.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(gpkg);
    OGRLayer* layer = gpkg->GetLayerByName("districts");
    ASSERT_NE(layer, nullptr);
    ASSERT_EQ(layer->GetFeatureCount(), 2);
    auto feature = OGRFeatureUniquePtr(layer->GetNextFeature());
    EXPECT_STREQ(feature->GetFieldAsString("code"), "001");
    EXPECT_STREQ(feature->GetFieldAsString("name"), "West");
    EXPECT_STREQ(feature->GetFieldAsString("type"), "urban_district");
    EXPECT_DOUBLE_EQ(feature->GetFieldAsDouble("population"), 5000.0);
    EXPECT_NEAR(feature->GetFieldAsDouble("area_km2"), 4.0, 1e-9);

    const std::string toml = test::read_text(dir / "area" / "study_area.toml");
    EXPECT_NE(toml.find("\n[study_area]\ndistricts = \"districts.gpkg\"\nname_field = \"name\"\n"
                        "population = \"population.tif\"\npopulation_field = \"population\""),
              std::string::npos)
        << toml;
    EXPECT_NE(toml.find("crs = \"EPSG:32648\"\nresolution_m = 100\n"), std::string::npos) << toml;
    const std::string csv = test::read_text(dir / "area" / "population_check.csv");
    EXPECT_EQ(csv, "code,name,name_ascii,type,area_km2,cells,population_given,population_raster,"
                   "scale,population\n"
                   "001,West,West,urban_district,4.000,400,5000.00,5000.00,1.000000,5000.00\n"
                   "002,East,East,rural_district,4.000,400,3000.00,3000.00,1.000000,3000.00\n"
                   ",outside every district,outside every district,,,,,0.00,,0\n");
}

// The directory loads as `covsim run` loads it, at its own resolution and at others, with every
// district at its census count.
TEST_F(AreaPrepare, ThePreparedAreaLoadsWithTheSamePeople) {
    io::prepare_study_area(config);
    const io::AreaInfo info = io::describe_study_area(dir / "area");
    EXPECT_EQ(info.crs_label, "EPSG:32648");
    EXPECT_DOUBLE_EQ(info.spec.resolution_m, 100.0);
    ASSERT_EQ(info.check.rows.size(), 2u);
    EXPECT_DOUBLE_EQ(info.check.rows[0].people(), 5000.0);
    EXPECT_NEAR(info.check.rows[0].scale, 1.0, 1e-12);
    EXPECT_NEAR(info.check.rows[1].scale, 1.0, 1e-12);
    EXPECT_FALSE(info.dem.has_value());

    StudyAreaSpec spec = info.spec;
    spec.resolution_m = 50.0;
    const io::LoadedStudyArea fine = io::load_study_area(spec);
    EXPECT_EQ(fine.area.grid.width, 80);
    EXPECT_NEAR(fine.area.total_population(), 8000.0, 1e-9);
    EXPECT_NEAR(fine.population_scale[0], 1.0, 1e-12);
}

// A raster's people are warped and scaled to the table per district; the factors are reported
// and those beyond the tolerance warned about.
TEST_F(AreaPrepare, ScalesARasterToTheTableAndReportsTheFactors) {
    // 10 people per 100 m cell over both districts and 1 km beyond East (off the grid, which
    // ends at the districts' extent): 4000 people in each district.
    test::write_population_tif(dir / "pop.tif", west_x, south_y + 2000, 100.0, 50, 20, 32648,
                               [](int, int) { return 10.0; });
    config.population = {dir / "census.csv", dir / "pop.tif"};
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    EXPECT_EQ(r.method, io::PopulationMethod::raster_scaled);
    ASSERT_EQ(r.check.rows.size(), 2u);
    EXPECT_NEAR(r.check.rows[0].on_grid, 4000.0, 1e-9);
    EXPECT_NEAR(r.check.rows[0].scale, 1.25, 1e-12);
    EXPECT_NEAR(r.check.rows[1].scale, 0.75, 1e-12);
    EXPECT_NEAR(r.check.outside, 0.0, 1e-9); // the grid ends at the districts' extent
    ASSERT_EQ(r.population_warnings.size(), 2u);
    EXPECT_NE(r.population_warnings[0].find("district '001' (West) holds 4000 people in the "
                                            "raster and 5000 in census table"),
              std::string::npos)
        << r.population_warnings[0];
    EXPECT_NE(r.population_warnings[0].find("scale factor 1.250, expected within [0.9, 1.1]"),
              std::string::npos);
    const auto [west, east] = west_east(read_tif(dir / "area" / "population.tif"));
    EXPECT_NEAR(west, 5000.0, 1e-9);
    EXPECT_NEAR(east, 3000.0, 1e-9);
    const std::string table = io::format_population_check(r.check, config.tolerance);
    EXPECT_NE(table.find("  001    West                 urban_district       4.00        5000 "
                         "       4000   1.250  <- beyond the tolerance"),
              std::string::npos)
        << table;
}

// People of the raster outside every district: counted, and warned about beyond 0.5 %.
TEST_F(AreaPrepare, CountsThePeopleOutsideEveryDistrict) {
    // West is a 2 km square, East a 1 km x 2 km strip, North a 1 km square north of the grid's
    // south-eastern 1 km2, which lies outside all three. Their population fields agree with the
    // raster.
    test::write_districts_gpkg(
        dir / "gap.gpkg",
        {{"001", "West", "urban_district", 4000.0, square(west_x, south_y, 2000)},
         {"002",
          "East",
          "rural_district",
          2000.0,
          {{west_x + 2000, south_y},
           {west_x + 2000, south_y + 2000},
           {west_x + 3000, south_y + 2000},
           {west_x + 3000, south_y},
           {west_x + 2000, south_y}}},
         {"003", "North", "rural_district", 1000.0, square(west_x + 3000, south_y + 1000, 1000)}},
        32648);
    test::write_population_tif(dir / "pop.tif", west_x, south_y + 2000, 100.0, 40, 20, 32648,
                               [](int, int) { return 10.0; });
    config.districts = dir / "gap.gpkg";
    config.population = {dir / "pop.tif"};
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    EXPECT_EQ(r.method, io::PopulationMethod::raster_scaled);
    EXPECT_NEAR(r.check.rows[2].scale, 1.0, 1e-12);
    EXPECT_NEAR(r.check.outside, 1000.0, 1e-9); // the 1 km2 south-east corner
    EXPECT_NEAR(r.check.rows[1].on_grid, 2000.0, 1e-9);
    ASSERT_EQ(r.population_warnings.size(), 1u);
    EXPECT_NE(r.population_warnings[0].find("1000 people (12.50 % of the raster) fall outside "
                                            "every district and are dropped, expected at most "
                                            "0.5 %"),
              std::string::npos)
        << r.population_warnings[0];
}

// Spreading by land cover: built-up cells weigh 1, cropland 0.05, water 0.
TEST_F(AreaPrepare, SpreadsByLandCoverWeights) {
    // WorldCover codes on 100 m cells: West's western half built-up (50), its eastern half
    // cropland (40); East all water (80), so East falls back to a uniform spread.
    test::write_population_tif(dir / "lc.tif", west_x, south_y + 2000, 100.0, 40, 20, 32648,
                               [](int col, int) {
                                   return col < 10 ? 50.0 : col < 20 ? 40.0 : 80.0;
                               });
    config.land_cover = dir / "lc.tif";
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    EXPECT_EQ(r.method, io::PopulationMethod::table_land_cover);
    const TifValues pop = read_tif(dir / "area" / "population.tif");
    // West: 200 cells of weight 1 and 200 of 0.05 share 5000 people: 5000 / 210 per built-up cell.
    EXPECT_NEAR(pop.values[0], 5000.0 / 210.0, 1e-9);
    EXPECT_NEAR(pop.values[10], 0.05 * 5000.0 / 210.0, 1e-9);
    EXPECT_NEAR(pop.values[20], 3000.0 / 400.0, 1e-9);
    const TifValues lc = read_tif(dir / "area" / "land_cover.tif");
    EXPECT_EQ(lc.values[0], 50.0);
    EXPECT_EQ(lc.values[39], 80.0);
    EXPECT_NE(
        test::read_text(dir / "area" / "study_area.toml").find("land_cover = \"land_cover.tif\""),
        std::string::npos);
}

// Spreading by a built-up raster: people in proportion to the built-up surface of each cell.
TEST_F(AreaPrepare, SpreadsInProportionToABuiltUpRaster) {
    // West: 3000 m2 of buildings per cell in its western half, 1000 in its eastern half; East:
    // none anywhere (a uniform spread, with a warning).
    test::write_population_tif(dir / "built.tif", west_x, south_y + 2000, 100.0, 40, 20, 32648,
                               [](int col, int) {
                                   return col < 10 ? 3000.0 : col < 20 ? 1000.0 : 0.0;
                               });
    config.built_up = dir / "built.tif";
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    EXPECT_EQ(r.method, io::PopulationMethod::table_built_up);
    const TifValues pop = read_tif(dir / "area" / "population.tif");
    EXPECT_NEAR(pop.values[0], 5000.0 * 3.0 / 800.0, 1e-9); // 200 cells x 3 + 200 x 1 = 800
    EXPECT_NEAR(pop.values[10], 5000.0 * 1.0 / 800.0, 1e-9);
    EXPECT_NEAR(pop.values[20], 7.5, 1e-9);
    EXPECT_NEAR(r.check.rows[0].people(), 5000.0, 1e-9);
}

// Two DEM tiles, one per district, mosaicked on the analysis CRS at their spacing; a coarse DEM
// is accepted (with a warning, tests/cli/cases.txt) and measured.
TEST_F(AreaPrepare, MosaicsDemTiles) {
    test::write_population_tif(dir / "west.tif", west_x - 500, south_y + 2500, 25.0, 120, 120,
                               32648, [](int, int) { return 10.0; });
    test::write_population_tif(dir / "east.tif", west_x + 2500, south_y + 2500, 25.0, 120, 120,
                               32648, [](int, int) { return 30.0; });
    config.dem = {dir / "west.tif", dir / "east.tif"};
    const io::AreaPrepareReport r = io::prepare_study_area(config);
    ASSERT_TRUE(r.dem_spacing_m.has_value());
    EXPECT_DOUBLE_EQ(*r.dem_spacing_m, 25.0);
    EXPECT_EQ(r.dem_missing_cells, 0u);
    const TifValues dem = read_tif(dir / "area" / "dem.tif");
    EXPECT_EQ(dem.width, 160); // 4 km at 25 m
    EXPECT_EQ(dem.height, 80);
    EXPECT_DOUBLE_EQ(dem.values[0], 10.0);
    EXPECT_DOUBLE_EQ(dem.values[159], 30.0);
    EXPECT_DOUBLE_EQ(dem.values[99], 10.0); // west of the seam at 586500 m: every tile counts
    const io::AreaInfo info = io::describe_study_area(dir / "area" / "study_area.toml");
    ASSERT_TRUE(info.dem.has_value());
    EXPECT_DOUBLE_EQ(info.dem->min_m, 10.0);
    EXPECT_DOUBLE_EQ(info.dem->max_m, 30.0);
    EXPECT_EQ(info.dem->missing_cells, 0u);
}

TEST_F(AreaPrepare, RejectsWhatCannotBeRight) {
    test::write_text(dir / "bad.csv", "code,population\n001,5000\n003,3000\n");
    config.population = {dir / "bad.csv"};
    EXPECT_NE(error_of(config).find("1 code matches no district of"), std::string::npos)
        << error_of(config);
    EXPECT_NE(error_of(config).find("1 district has no row: '002' (East)"), std::string::npos)
        << error_of(config);
    EXPECT_FALSE(fs::exists(dir / "area"));
    EXPECT_FALSE(fs::exists(dir / "area.partial"));

    config.population = {dir / "census.csv"};
    fs::create_directories(dir / "area");
    test::write_text(dir / "area" / "mine.txt", "keep");
    EXPECT_NE(error_of(config).find("exists and is not empty"), std::string::npos);
    EXPECT_EQ(test::read_text(dir / "area" / "mine.txt"), "keep");

    config.out = dir / "empty";
    fs::create_directories(dir / "empty"); // an empty directory is used
    EXPECT_EQ(error_of(config), "");
    EXPECT_TRUE(fs::exists(dir / "empty" / "population.tif"));
}
