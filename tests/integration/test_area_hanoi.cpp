// Hanoi from its real sources in one command: `covsim area prepare` on the real district
// boundaries and the 2019 census table of ../shared/data. Every district holds its census
// people and the area of its polygon; the shipped 2020 scenario runs on the prepared area; and
// the real polygons with the embedded stand-in population raster are reported as disagreeing,
// district by district.

#include "support/test_support.hpp"
#include "test_config.hpp"

#include <cmath>
#include <fstream>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <map>
#include <numeric>
#include <ogrsf_frmts.h>
#include <sstream>

namespace fs = std::filesystem;
using covsim::test::read_text;
using covsim::test::run_covsim;
using covsim::test::write_text;

namespace {

const fs::path repo = covsim::test::source_dir;
constexpr const char* boundaries = "boundaries/hanoi_districts_pre2025.geojson";
constexpr const char* census_table = "population/hanoi_districts_2019.csv";
constexpr const char* provenance = "population/hanoi_districts_2019_provenance.csv";
constexpr const char* etopo5 = "terrain/etopo5_hanoi_region.tif";

// A column of a CSV read through GDAL (values as text), keyed by the column "code".
std::map<std::string, std::string> csv_column(const fs::path& path, const char* column) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_VECTOR));
    std::map<std::string, std::string> out;
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return out;
    }
    for (auto& f : *ds->GetLayer(0)) {
        out[f->GetFieldAsString("code")] = f->GetFieldAsString(column);
    }
    return out;
}

// Polygon areas of the real boundaries in EPSG:32648, km2, per code.
std::map<std::string, double> polygon_areas_km2() {
    GDALDatasetUniquePtr ds(GDALDataset::Open(
        (covsim::test::shared_data() / boundaries).string().c_str(), GDAL_OF_VECTOR));
    OGRSpatialReference utm;
    utm.importFromEPSG(32648);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::map<std::string, double> out;
    for (auto& f : *ds->GetLayer(0)) {
        OGRGeometryUniquePtr g(f->GetGeometryRef()->clone());
        g->transformTo(&utm);
        out[f->GetFieldAsString("code")] = OGR_G_Area(OGRGeometry::ToHandle(g.get())) / 1e6;
    }
    return out;
}

struct PreparedDistrict {
    double population = 0.0;
    double area_km2 = 0.0;
};

std::map<std::string, PreparedDistrict> prepared_districts(const fs::path& gpkg) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.string().c_str(), GDAL_OF_VECTOR));
    std::map<std::string, PreparedDistrict> out;
    if (!ds) {
        ADD_FAILURE() << "cannot open " << gpkg;
        return out;
    }
    for (auto& f : *ds->GetLayerByName("districts")) {
        out[f->GetFieldAsString("code")] = {f->GetFieldAsDouble("population"),
                                            f->GetFieldAsDouble("area_km2")};
    }
    return out;
}

double raster_sum(const fs::path& tif) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(tif.string().c_str(), GDAL_OF_RASTER));
    const int w = ds->GetRasterXSize();
    const int h = ds->GetRasterYSize();
    std::vector<double> v(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    EXPECT_EQ(
        ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float64, 0, 0),
        CE_None);
    return std::accumulate(v.begin(), v.end(), 0.0);
}

// The command of geodata/hanoi/README.md.
std::vector<std::string> prepare_command(const fs::path& out) {
    const fs::path data = covsim::test::shared_data();
    return {"area",         "prepare",
            "--districts",  (data / boundaries).string(),
            "--name-field", "name_vi",
            "--population", (data / census_table).string(),
            "--dem",        (data / etopo5).string(),
            "--out",        out.string()};
}

} // namespace

TEST(AreaHanoi, PreparesTheRealBoundariesAndTheCensusInOneCommand) {
    COVSIM_USES_SHARED_DATA(boundaries);
    COVSIM_USES_SHARED_DATA(census_table);
    COVSIM_USES_SHARED_DATA(etopo5);
    covsim::test::TempDir dir;
    const fs::path area = dir / "hanoi";
    const auto r = run_covsim(prepare_command(area));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(": 30 districts, 8053663 people, 3355.58 km2\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  grid: EPSG:32648, 100 m cells, 765 x 910"), std::string::npos) << r.out;
    // ETOPO5 (8.7 km cells at Hanoi's latitude) is far too coarse for 100 m cells: one warning.
    EXPECT_NE(r.err.find("warning: DEM '" + (covsim::test::shared_data() / etopo5).string() +
                         "': its spacing of 8652 m cannot resolve the terrain of 100 m cells"),
              std::string::npos)
        << r.err;

    // Every district: the census count, and the area of its real polygon.
    const auto census = csv_column(covsim::test::shared_data() / census_table, "population");
    const auto polygon_from_provenance =
        csv_column(covsim::test::shared_data() / provenance, "area_km2_from_polygon");
    const auto polygons = polygon_areas_km2();
    const auto prepared = prepared_districts(area / "districts.gpkg");
    ASSERT_EQ(prepared.size(), 30u);
    ASSERT_EQ(census.size(), 30u);
    double total = 0.0;
    for (const auto& [code, people] : census) {
        SCOPED_TRACE(code);
        ASSERT_EQ(prepared.count(code), 1u);
        const PreparedDistrict& d = prepared.at(code);
        EXPECT_NEAR(d.population, std::stod(people), 1e-6);
        EXPECT_NEAR(d.area_km2, polygons.at(code), 1e-9 * polygons.at(code));
        // The provenance file's areas, measured with SpatiaLite on the same polygons, to 0.01 km2.
        EXPECT_NEAR(d.area_km2, std::stod(polygon_from_provenance.at(code)), 0.0051);
        total += d.population;
    }
    EXPECT_NEAR(total, 8053663.0, 1e-6);
    EXPECT_NEAR(raster_sum(area / "population.tif"), 8053663.0, 1e-3);
    // population_check.csv: 30 districts and the people outside (none for a spread table).
    const std::string csv = read_text(area / "population_check.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 32);
    EXPECT_NE(csv.find("\n001,Ba Đình,Ba Dinh,urban_district,9.09"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",221893.00,221893.00,1.000000,221893.00\n"), std::string::npos) << csv;
    EXPECT_TRUE(fs::exists(area / "dem.tif"));

    // `covsim area info` reads it back as `covsim run` will.
    const auto info = run_covsim({"area", "info", area.string()});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("  districts   30 (12 urban_district, 1 town, 17 rural_district)"),
              std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("  people      8053663, 2400 per km2\n"), std::string::npos)
        << info.out;
    EXPECT_NE(info.out.find("m (mean 103 m); every district cell has an elevation\n"),
              std::string::npos)
        << info.out;
}

// The shipped 2020 scenario with its [study_area] swapped for the prepared one (at 250 m to
// keep the test fast, and not grown to 2020): the city's 8,053,663 people, every district at its
// census count.
TEST(AreaHanoi, TheShippedScenarioRunsOnThePreparedArea) {
    COVSIM_USES_SHARED_DATA(boundaries);
    COVSIM_USES_SHARED_DATA(census_table);
    COVSIM_USES_SHARED_DATA(etopo5);
    covsim::test::TempDir dir;
    const fs::path area = dir / "hanoi";
    ASSERT_EQ(run_covsim(prepare_command(area)).exit_code, 0);
    write_text(dir / "real.toml",
               "extends = \"" + (repo / "scenarios" / "hanoi-4g-2020.toml").string() +
                   "\"\n[scenario]\nname = \"hanoi-4g-2020-real\"\n[study_area]\n"
                   "districts = \"hanoi/districts.gpkg\"\nname_field = \"name\"\n"
                   "population = \"hanoi/population.tif\"\ncrs = \"EPSG:32648\"\n"
                   "dem = \"hanoi/dem.tif\"\nresolution_m = 250\npopulation_growth = 1\n"
                   // the census itself: the inherited growth range must hold the new value
                   "[uncertainty]\npopulation_growth = [1, 1]\n");
    const auto r =
        run_covsim({"run", (dir / "real.toml").string(), "--out", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("info: population: 8053663 people in 30 districts from population raster"),
              std::string::npos)
        << r.err;
    const auto population =
        covsim::test::read_h5<double>(dir / "out" / "results.h5", "/hanoi-4g-2020-real/population");
    ASSERT_EQ(population.size(), 30u);
    EXPECT_NEAR(std::accumulate(population.begin(), population.end(), 0.0), 8053663.0, 1e-3);
    const auto census = csv_column(covsim::test::shared_data() / census_table, "population");
    std::size_t i = 0;
    for (const auto& [code, people] : census) { // codes in order, as in the district layer
        EXPECT_NEAR(population[i], std::stod(people), 1e-6) << code;
        ++i;
    }
}

// The real polygons with the embedded stand-in raster (distributed for the approximate
// polygons) disagree: the per-district table, the factors and the people outside are printed.
TEST(AreaHanoi, RealPolygonsWithTheStandInRasterAreReportedDistrictByDistrict) {
    COVSIM_USES_SHARED_DATA(boundaries);
    COVSIM_USES_SHARED_DATA(census_table);
    covsim::test::TempDir dir;
    ASSERT_EQ(
        run_covsim({"area", "prepare", "--districts",
                    (covsim::test::shared_data() / boundaries).string(), "--name-field", "name_vi",
                    "--population", (covsim::test::shared_data() / census_table).string(), "--out",
                    (dir / "hanoi").string()})
            .exit_code,
        0);
    write_text(dir / "mixed.toml",
               "extends = \"" + (repo / "scenarios" / "hanoi-4g-2020.toml").string() +
                   "\"\n[scenario]\nname = \"mixed\"\n[study_area]\n"
                   "districts = \"hanoi/districts.gpkg\"\nname_field = \"name\"\n"
                   "population_growth = 1\n[uncertainty]\npopulation_growth = [1, 1]\n");
    const auto r = run_covsim({"validate", (dir / "mixed.toml").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Measured at 50 m: factors 0.734 (Tay Ho) to 1.133 (Ba Dinh), 74,773 people outside.
    for (const char* text :
         {"(factors 0.734 to 1.133); 74773 people (0.93 %) outside every district dropped\n",
          "info:   001    Ba Dinh              urban_district       9.09      221893      195857  "
          " 1.133  <- beyond the tolerance\n",
          "info:   271    Ba Vi                rural_district     423.29      290580      290574  "
          " 1.000\n",
          "info:   outside every district: 74773 people (0.93 % of the raster)  <- beyond the "
          "tolerance\n",
          "district '003' (Tay Ho) holds 218608 people in the raster and 160495 in field "
          "'population'"}) {
        EXPECT_NE(r.err.find(text), std::string::npos) << text << "\nin:\n" << r.err;
    }
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1 + 1 + 33 + 5); // 4 districts beyond
}
