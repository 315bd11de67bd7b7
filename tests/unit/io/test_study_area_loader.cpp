#include "core/error.hpp"
#include "core/terrain.hpp"
#include "io/gdal_support.hpp"
#include "io/study_area_loader.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <fstream>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <numbers>
#include <ogrsf_frmts.h>

using namespace covsim;

namespace {

constexpr double west_x = 584000.0; // UTM 48N, near Hanoi
constexpr double south_y = 2326000.0;

std::vector<std::pair<double, double>> square(double x, double y, double side) {
    return {{x, y}, {x, y + side}, {x + side, y + side}, {x + side, y}, {x, y}};
}

// Two 2 km x 2 km districts side by side and a uniform 100 m population raster of 3 people per
// cell over both.
class StudyAreaLoader : public ::testing::Test {
protected:
    void SetUp() override {
        test::write_districts_gpkg(
            dir / "d.gpkg",
            {{"001", "West", "urban_district", 1000.0, square(west_x, south_y, 2000)},
             {"002", "East", "rural_district", 2000.0, square(west_x + 2000, south_y, 2000)}},
            32648);
        test::write_population_tif(dir / "pop.tif", west_x, south_y + 2000, 100.0, 40, 20, 32648,
                                   [](int, int) { return 3.0; });
        spec.districts_path = dir / "d.gpkg";
        spec.population_path = dir / "pop.tif";
    }

    std::string error_of(const StudyAreaSpec& s) {
        try {
            io::load_study_area(s);
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    test::TempDir dir;
    StudyAreaSpec spec;
};

// The people of each district of `a`.
std::vector<double> district_sums(const StudyArea& a) {
    std::vector<double> sums(a.districts.size(), 0.0);
    for (std::size_t i = 0; i < a.population.values.size(); ++i) {
        if (a.district_index.values[i] >= 0) {
            sums[static_cast<std::size_t>(a.district_index.values[i])] += a.population.values[i];
        }
    }
    return sums;
}

} // namespace

TEST_F(StudyAreaLoader, BuildsAUtmGridAndConservesPeopleWhenRefining) {
    spec.resolution_m = 50.0;
    const io::LoadedStudyArea loaded = io::load_study_area(spec);
    const StudyArea& a = loaded.area;
    EXPECT_NE(a.grid.crs_wkt.find("32648"), std::string::npos); // UTM zone of the centre
    EXPECT_EQ(a.grid.width, 80);
    EXPECT_EQ(a.grid.height, 40);
    ASSERT_EQ(a.districts.size(), 2u);
    EXPECT_EQ(a.districts[1].code, "002");
    EXPECT_EQ(a.districts[1].type, DistrictType::rural_district);
    EXPECT_FALSE(a.districts[1].census_population.has_value()); // no population_field
    double west = 0.0;
    double east = 0.0;
    std::size_t west_cells = 0;
    for (std::size_t i = 0; i < a.population.values.size(); ++i) {
        if (a.district_index.values[i] == 0) {
            west += a.population.values[i];
            ++west_cells;
        } else if (a.district_index.values[i] == 1) {
            east += a.population.values[i];
        }
    }
    EXPECT_EQ(west_cells, 1600u);
    EXPECT_NEAR(west, 1200.0, 1e-9);
    EXPECT_NEAR(east, 1200.0, 1e-9);
    EXPECT_NEAR(a.total_population(), 2400.0, 1e-9);
    EXPECT_DOUBLE_EQ(loaded.population_scale[0], 1.0); // no population_field: no calibration
    EXPECT_NEAR(a.districts[0].geometry.front().outer().front().x(), west_x, 1e-6);
}

TEST_F(StudyAreaLoader, ConservesPeopleWhenCoarsening) {
    spec.resolution_m = 200.0;
    const StudyArea a = io::load_study_area(spec).area;
    EXPECT_EQ(a.grid.width, 20);
    EXPECT_NEAR(a.total_population(), 2400.0, 1e-9);
}

TEST_F(StudyAreaLoader, CalibratesDistrictsToThePopulationField) {
    spec.population_field = "population";
    const io::LoadedStudyArea loaded = io::load_study_area(spec);
    const StudyArea& a = loaded.area;
    const std::vector<double> sums = district_sums(a);
    EXPECT_NEAR(sums[0], 1000.0, 1e-9);
    EXPECT_NEAR(sums[1], 2000.0, 1e-9);
    EXPECT_NEAR(loaded.population_scale[0], 1000.0 / 1200.0, 1e-12);
    EXPECT_DOUBLE_EQ(*a.districts[1].census_population, 2000.0);
}

// population_growth multiplies each district's people by its type's factor, after the
// calibration to the population field (which stays the census value).
TEST_F(StudyAreaLoader, GrowsEachDistrictByItsTypesFactorAfterCalibrating) {
    spec.population_field = "population";
    spec.population_growth = {1.25, 1.0, 1.1}; // urban_district, town, rural_district
    const io::LoadedStudyArea loaded = io::load_study_area(spec);
    const StudyArea& a = loaded.area;
    const std::vector<double> sums = district_sums(a);
    EXPECT_NEAR(sums[0], 1250.0, 1e-9); // West, urban: 1000 x 1.25
    EXPECT_NEAR(sums[1], 2200.0, 1e-9); // East, rural: 2000 x 1.1
    EXPECT_NEAR(loaded.population_scale[0], 1000.0 / 1200.0, 1e-12);
    EXPECT_DOUBLE_EQ(*a.districts[0].census_population, 1000.0);
}

TEST_F(StudyAreaLoader, WarpsAGeographicRasterByPixelArea) {
    // The same people as a WGS 84 raster of 0.001 degree pixels, each holding density x area.
    OGRSpatialReference utm = io::make_srs();
    utm.importFromEPSG(32648);
    auto to_geo = io::make_transform(utm, io::wgs84());
    double lon0 = west_x - 500, lat0 = south_y + 2500, lon1 = west_x + 4500, lat1 = south_y - 500;
    to_geo->Transform(1, &lon0, &lat0);
    to_geo->Transform(1, &lon1, &lat1);
    const double step = 0.001;
    const int w = static_cast<int>(std::ceil((lon1 - lon0) / step));
    const int h = static_cast<int>(std::ceil((lat0 - lat1) / step));
    const double density = 3.0 / 10000.0; // people per m^2, as in the UTM raster
    constexpr double r = 6371007.2;
    test::write_population_tif(dir / "geo.tif", lon0, lat0, step, w, h, 4326, [&](int, int row) {
        const double lat = (lat0 - (row + 0.5) * step) * std::numbers::pi / 180.0;
        const double d = step * std::numbers::pi / 180.0;
        return density * r * r * d * (std::sin(lat + d / 2) - std::sin(lat - d / 2));
    });
    spec.population_path = dir / "geo.tif";
    const StudyArea a = io::load_study_area(spec).area;
    // Boundary cells mix the inside and outside of the districts; the interior is exact.
    EXPECT_NEAR(a.total_population(), 2400.0, 0.01 * 2400.0);
}

TEST_F(StudyAreaLoader, ReportsMissingFieldsBadTypesAndNonOverlappingRasters) {
    StudyAreaSpec s = spec;
    s.name_field = "ten";
    std::string msg = error_of(s);
    EXPECT_NE(msg.find("no field 'ten' (study_area.name_field); the layer's fields are: code, "
                       "name_vi, name_ascii, type, population"),
              std::string::npos)
        << msg;

    test::write_districts_gpkg(
        dir / "bad.gpkg", {{"001", "West", "city", 0.0, square(west_x, south_y, 2000)}}, 32648);
    s = spec;
    s.districts_path = dir / "bad.gpkg";
    msg = error_of(s);
    EXPECT_NE(msg.find("field 'type' is 'city', expected one of urban_district, town, "
                       "rural_district"),
              std::string::npos)
        << msg;

    test::write_population_tif(dir / "far.tif", west_x + 50000, south_y, 100.0, 10, 10, 32648,
                               [](int, int) { return 1.0; });
    s = spec;
    s.population_path = dir / "far.tif";
    msg = error_of(s);
    EXPECT_NE(msg.find("has no people inside the districts; does it overlap them?"),
              std::string::npos)
        << msg;

    s = spec;
    s.crs = "EPSG:4326";
    msg = error_of(s);
    EXPECT_NE(msg.find("study_area.crs: 'EPSG:4326' is not a projected CRS in metres"),
              std::string::npos)
        << msg;

    s = spec;
    s.districts_path = dir / "missing.gpkg";
    msg = error_of(s);
    EXPECT_NE(msg.find("missing.gpkg': file not found"), std::string::npos) << msg;

    test::write_text(dir / "not-a-raster.tif", "hello");
    s = spec;
    s.population_path = dir / "not-a-raster.tif";
    msg = error_of(s);
    EXPECT_NE(msg.find("not-a-raster.tif': not a raster GDAL can read"), std::string::npos) << msg;
}

TEST_F(StudyAreaLoader, DistrictSmallerThanACellIsAnError) {
    test::write_districts_gpkg(
        dir / "tiny.gpkg",
        {{"001", "West", "urban_district", 0.0, square(west_x, south_y, 2000)},
         {"009", "Dot", "town", 0.0, square(west_x + 2010, south_y + 10, 5)}},
        32648);
    StudyAreaSpec s = spec;
    s.districts_path = dir / "tiny.gpkg";
    const std::string msg = error_of(s);
    EXPECT_NE(msg.find("district '009' (Dot) covers no cell of the 50 m grid"), std::string::npos)
        << msg;
}

TEST_F(StudyAreaLoader, LayerWithoutCrsIsRejected) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    {
        GDALDatasetUniquePtr ds(
            drv->Create((dir / "nocrs.gpkg").string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* l = ds->CreateLayer("d", nullptr, wkbPolygon, nullptr);
        for (const char* f : {"code", "name_vi", "type"}) {
            OGRFieldDefn def(f, OFTString);
            l->CreateField(&def);
        }
    }
    StudyAreaSpec s = spec;
    s.districts_path = dir / "nocrs.gpkg";
    const std::string msg = error_of(s);
    EXPECT_NE(msg.find("has no coordinate reference system"), std::string::npos) << msg;
}

TEST_F(StudyAreaLoader, WarpsADemAtItsOwnSpacingAndSamplesItBilinearly) {
    // A DEM in UTM 48N, 30 m cells, rising 1 m every 100 m eastwards.
    test::write_population_tif(dir / "dem.tif", west_x - 300, south_y + 2300, 30.0, 160, 90, 32648,
                               [](int c, int) { return 0.3 * (c + 0.5); });
    spec.dem_path = dir / "dem.tif";
    const io::LoadedStudyArea loaded = io::load_study_area(spec);
    ASSERT_TRUE(loaded.area.terrain.has_value());
    const Raster<float>& dem = *loaded.area.terrain;
    EXPECT_DOUBLE_EQ(dem.grid.cell_size_m, 30.0);
    EXPECT_EQ(dem.grid.crs_wkt, loaded.area.grid.crs_wkt);
    // Linear ground: bilinear sampling is exact, 0.01 m per metre east of the DEM's west edge.
    const double x = west_x + 1234.0;
    EXPECT_NEAR(sample_bilinear(dem, x, south_y + 1000.0), 0.01 * (x - (west_x - 300)), 0.05);
    EXPECT_EQ(loaded.inputs.back().role, "dem");
}

TEST_F(StudyAreaLoader, ReadsAGeographicDemAtItsSpacingInMetres) {
    OGRSpatialReference utm = io::make_srs();
    utm.importFromEPSG(32648);
    auto to_geo = io::make_transform(utm, io::wgs84());
    double lon0 = west_x - 1000, lat0 = south_y + 3000;
    to_geo->Transform(1, &lon0, &lat0);
    // 1 arc-second cells (about 29 m east-west at 21 degrees north, 31 m north-south).
    const double step = 1.0 / 3600.0;
    test::write_population_tif(dir / "geo_dem.tif", lon0, lat0, step, 250, 200, 4326,
                               [](int, int) { return 12.0; });
    spec.dem_path = dir / "geo_dem.tif";
    const StudyArea a = io::load_study_area(spec).area;
    ASSERT_TRUE(a.terrain.has_value());
    EXPECT_NEAR(a.terrain->grid.cell_size_m, 28.9, 0.3);
    EXPECT_NEAR(sample_bilinear(*a.terrain, west_x + 2000, south_y + 1000), 12.0, 1e-4);
}

TEST_F(StudyAreaLoader, ADemThatMissesTheDistrictsIsRejected) {
    test::write_population_tif(dir / "far_dem.tif", west_x + 90000, south_y, 30.0, 10, 10, 32648,
                               [](int, int) { return 5.0; });
    StudyAreaSpec s = spec;
    s.dem_path = dir / "far_dem.tif";
    const std::string msg = error_of(s);
    EXPECT_NE(msg.find("far_dem.tif' has no elevation inside the districts"), std::string::npos)
        << msg;
}

TEST_F(StudyAreaLoader, MapsEsaWorldCoverClassesToP2108ClutterTypes) {
    // West half built-up (50), east half: tree cover (10) in the north, water (80) in the
    // south, and an unknown code (7) in one corner.
    test::write_population_tif(dir / "landcover.tif", west_x, south_y + 2000, 10.0, 400, 200, 32648,
                               [](int c, int r) {
                                   if (c >= 380 && r >= 180) {
                                       return 7.0;
                                   }
                                   return c < 200 ? 50.0 : (r < 100 ? 10.0 : 80.0);
                               });
    spec.land_cover_path = dir / "landcover.tif";
    const StudyArea a = io::load_study_area(spec).area;
    ASSERT_TRUE(a.clutter.has_value());
    auto at = [&](double x, double y) {
        const CellIndex c = a.grid.cell_at(west_x + x, south_y + y);
        return static_cast<int>(a.clutter->at(c.col, c.row));
    };
    EXPECT_EQ(at(500, 1000), 4);  // built-up in the urban district: urban
    EXPECT_EQ(at(2500, 1500), 5); // tree cover: trees/forest
    EXPECT_EQ(at(2500, 500), 1);  // water
    EXPECT_EQ(at(3980, 50), 0);   // not a WorldCover class: no correction
}

// Extreme but legal: half-metre cells on a 20 m x 20 m district (a campus block) next to a
// district of exactly one 0.5 m cell. People are conserved and every count is finite.
TEST_F(StudyAreaLoader, HalfMetreCellsAndADistrictOfOneCell) {
    test::write_districts_gpkg(
        dir / "small.gpkg",
        {{"001", "Block", "urban_district", 0.0, square(west_x, south_y, 20)},
         {"002", "Kiosk", "urban_district", 0.0, square(west_x + 20, south_y, 0.5)}},
        32648);
    StudyAreaSpec s = spec;
    s.districts_path = dir / "small.gpkg";
    s.resolution_m = 0.5;
    const io::LoadedStudyArea a = io::load_study_area(s);
    EXPECT_DOUBLE_EQ(a.area.grid.cell_size_m, 0.5);
    std::size_t kiosk_cells = 0;
    double people = 0.0;
    for (std::size_t i = 0; i < a.area.population.values.size(); ++i) {
        ASSERT_TRUE(std::isfinite(a.area.population.values[i]));
        people += a.area.population.values[i];
        kiosk_cells += a.area.district_index.values[i] == 1 ? 1 : 0;
    }
    EXPECT_EQ(kiosk_cells, 1u);
    // 3 people per 100 m x 100 m source pixel: 3e-4 per m², 0.1200 on the block, 7.5e-5 on the
    // kiosk.
    EXPECT_NEAR(people, 3e-4 * (400.0 + 0.25), 1e-9);
}

// Work that cannot fit is refused before any raster is allocated, with the estimate: 1 m cells
// over 300 km x 300 km would need 9e10 cells x 19 B.
TEST_F(StudyAreaLoader, AGridBeyondTheMachinesMemoryIsRefusedUpFront) {
    test::write_districts_gpkg(
        dir / "huge.gpkg",
        {{"001", "Country", "rural_district", 0.0, square(400000, 2100000, 300000)}}, 32648);
    StudyAreaSpec s = spec;
    s.districts_path = dir / "huge.gpkg";
    s.resolution_m = 1.0;
    try {
        io::load_study_area(s);
        FAIL() << "loaded a 9e10-cell grid";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::limit);
        const std::string msg = e.what();
        EXPECT_NE(msg.find("[study_area] resolution_m = 1: the analysis grid of 300000 x 300000 "
                           "cells needs about 1710.0 GB of memory; this machine has "),
                  std::string::npos)
            << msg;
        EXPECT_NE(msg.find("Use a coarser resolution_m (at least "), std::string::npos) << msg;
    }
}

// The DEM is read while the population is warped (on another thread when there is one): with
// both inputs unreadable the error is still the population's, as when the DEM was read after it;
// with the population readable, the DEM's.
TEST_F(StudyAreaLoader, ABadPopulationIsReportedBeforeABadDem) {
    std::ofstream(dir / "broken_dem.tif") << "not a raster";
    StudyAreaSpec s = spec;
    s.dem_path = dir / "broken_dem.tif";
    std::string msg = error_of(s);
    EXPECT_NE(msg.find("broken_dem.tif"), std::string::npos) << msg;
    s.population_path = dir / "missing_population.tif";
    msg = error_of(s);
    EXPECT_NE(msg.find("missing_population.tif"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("broken_dem.tif"), std::string::npos) << msg;
}
