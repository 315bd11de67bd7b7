#include "core/error.hpp"
#include "io/gdal_support.hpp"
#include "io/site_columns.hpp"
#include "io/site_layer.hpp"
#include "support/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace covsim;

namespace {

// A 10 km x 10 km study area in UTM 48N around Hanoi, one district in the western half.
StudyArea hanoi_area() {
    OGRSpatialReference srs = io::make_srs();
    srs.importFromEPSG(32648);
    StudyArea a;
    a.grid = aligned_grid(580000.0, 2320000.0, 590000.0, 2330000.0, 100.0, io::to_wkt(srs));
    a.population = Raster<double>(a.grid, 0.0);
    a.district_index = Raster<std::int16_t>(a.grid, no_district);
    for (std::int64_t r = 0; r < a.grid.height; ++r) {
        for (std::int64_t c = 0; c < a.grid.width / 2; ++c) {
            a.district_index.at(c, r) = 0;
        }
    }
    a.districts.resize(1);
    return a;
}

// Longitude/latitude of a UTM 48N point.
std::pair<double, double> lonlat(double x, double y) {
    OGRSpatialReference utm = io::make_srs();
    utm.importFromEPSG(32648);
    auto t = io::make_transform(utm, io::wgs84());
    t->Transform(1, &x, &y);
    return {x, y};
}

LayerSpec layer_for(const std::filesystem::path& sites) {
    LayerSpec l;
    l.name = "lte";
    l.sites_path = sites;
    l.antenna.gain_dbi = 17.0;
    return l;
}

std::string error_of(const LayerSpec& l, const StudyArea& a) {
    try {
        io::read_sectors(l, 0, a);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::input_data);
        return e.what();
    }
    return "";
}

} // namespace

TEST(SiteLayer, ReadsCsvWithLonLatPowerEirpAndOmni) {
    test::TempDir dir;
    const StudyArea area = hanoi_area();
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    test::write_text(
        dir / "sites.csv",
        fmt::format("site_id,sector,layer,lon,lat,height_m,azimuth_deg,mechanical_tilt_deg,"
                    "electrical_tilt_deg,power_dbm,eirp_dbm\n"
                    "A,1,lte,{0:.9f},{1:.9f},30,0,2,4,46,\n"
                    "A,2,lte,{0:.9f},{1:.9f},30,120,2,4,,63\n"
                    "B,1,other,{0:.9f},{1:.9f},25,,0,0,40,\n"
                    "C,1,lte,{0:.9f},{1:.9f},12,,,,30,\n",
                    lon, lat));
    const auto s = io::read_sectors(layer_for(dir / "sites.csv"), 3, area);
    ASSERT_EQ(s.size(), 3u); // B is another layer's
    EXPECT_EQ(s[0].site_id, "A");
    EXPECT_EQ(s[0].sector_id, "1");
    EXPECT_EQ(s[0].layer, 3u);
    EXPECT_NEAR(s[0].x_m, 582050.0, 1e-3);
    EXPECT_NEAR(s[0].y_m, 2325050.0, 1e-3);
    EXPECT_DOUBLE_EQ(s[0].height_m, 30.0);
    EXPECT_DOUBLE_EQ(*s[0].azimuth_deg, 0.0);
    EXPECT_DOUBLE_EQ(s[0].total_tilt_deg(), 6.0);
    EXPECT_DOUBLE_EQ(s[0].power_dbm, 46.0);
    EXPECT_DOUBLE_EQ(s[1].power_dbm, 63.0 - 17.0); // EIRP minus antenna gain
    EXPECT_FALSE(s[2].azimuth_deg.has_value());    // empty azimuth: omnidirectional
    EXPECT_DOUBLE_EQ(s[2].total_tilt_deg(), 0.0);
    EXPECT_EQ(s[0].district, 0);
}

TEST(SiteLayer, SiteOutsideDistrictsButInsideTheGridHasNoDistrict) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(588000.0, 2325000.0);
    test::write_text(
        dir / "s.csv",
        fmt::format("site_id,lon,lat,height_m,power_dbm\nX,{:.9f},{:.9f},30,43\n", lon, lat));
    const auto s = io::read_sectors(layer_for(dir / "s.csv"), 0, hanoi_area());
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].district, -1);
    EXPECT_EQ(s[0].sector_id, "1"); // numbered within the site when there is no sector field
}

TEST(SiteLayer, ErrorsNameFileLineFieldValueAndExpectation) {
    test::TempDir dir;
    const StudyArea area = hanoi_area();
    // Not a structured binding: clang 14 (the tsan preset) cannot capture one in a lambda.
    const std::pair<double, double> position = lonlat(582050.0, 2325050.0);
    const double lon = position.first;
    const double lat = position.second;
    const std::string header = "site_id,sector,lon,lat,height_m,azimuth_deg,power_dbm\n";
    auto row = [&](const std::string& height, const std::string& az, const std::string& power,
                   int sector = 1) {
        return fmt::format("A,{},{:.9f},{:.9f},{},{},{}\n", sector, lon, lat, height, az, power);
    };
    const auto path = dir / "s.csv";

    test::write_text(path, header + row("30", "0", "46") + row("-3", "0", "46", 2));
    std::string msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("line 3: field 'height_m' is '-3', expected an antenna height above ground "
                       "in [0.5, 1000] m"),
              std::string::npos)
        << msg;

    test::write_text(path, header + row("30", "nan", "46"));
    msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("line 2: field 'azimuth_deg' is 'nan'"), std::string::npos) << msg;

    test::write_text(path, header + row("30", "0", "inf"));
    EXPECT_NE(error_of(layer_for(path), area).find("field 'power_dbm' is 'inf'"),
              std::string::npos);

    test::write_text(path, header + row("30", "0", "46") + row("30", "90", "46"));
    EXPECT_NE(error_of(layer_for(path), area).find("site 'A' sector '1' appears twice"),
              std::string::npos);

    test::write_text(path, "site_id,lon,lat,power_dbm\nA,105.8,21.0,46\n");
    msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("no field 'height_m'; the layer's fields are: site_id, power_dbm"),
              std::string::npos)
        << msg;

    test::write_text(path, "site_id,lon,lat,height_m,power_dbm\nFar,108.2,16.0,30,46\n");
    msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("line 2: site 'Far' at (108.2, 16) is outside the study area"),
              std::string::npos)
        << msg;

    test::write_text(path, "site_id,layer,lon,lat,height_m,power_dbm\nA,nr,105.8,21.0,30,46\n");
    msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("no sectors for layer \"lte\" (its rows name layers \"nr\")"),
              std::string::npos)
        << msg;

    test::write_text(path, "site_id,height_m,power_dbm\nA,30,46\n");
    EXPECT_NE(error_of(layer_for(path), area).find("no position; expected lon and lat columns"),
              std::string::npos);
}

TEST(SiteLayer, WrittenLayersReadBackInEveryFormat) {
    test::TempDir dir;
    const StudyArea area = hanoi_area();
    const auto [lon, lat] = lonlat(581000.0, 2321000.0);
    std::vector<io::SectorRecord> records(2);
    for (std::size_t i = 0; i < 2; ++i) {
        records[i].site_id = "S1";
        records[i].sector_id = std::to_string(i + 1);
        records[i].layer = "lte";
        records[i].district_code = "001";
        records[i].lon_deg = lon;
        records[i].lat_deg = lat;
        records[i].height_m = 28.0;
        records[i].electrical_tilt_deg = 3.0;
        records[i].power_dbm = 43.0;
    }
    records[0].azimuth_deg = 30.0; // records[1] stays omnidirectional
    for (const char* name : {"p.csv", "p.gpkg", "p.geojson"}) {
        io::write_sectors(dir / name, records);
        const auto s = io::read_sectors(layer_for(dir / name), 0, area);
        ASSERT_EQ(s.size(), 2u) << name;
        EXPECT_NEAR(s[0].x_m, 581000.0, 0.02) << name; // 1e-7 degree rounding in CSV
        EXPECT_NEAR(s[0].y_m, 2321000.0, 0.02) << name;
        EXPECT_DOUBLE_EQ(*s[0].azimuth_deg, 30.0) << name;
        EXPECT_FALSE(s[1].azimuth_deg.has_value()) << name;
        EXPECT_DOUBLE_EQ(s[1].electrical_tilt_deg, 3.0) << name;
        EXPECT_DOUBLE_EQ(s[1].power_dbm, 43.0) << name;
    }
    EXPECT_THROW(io::write_sectors(dir / "p.txt", records), Error);
}

TEST(SiteLayer, ColumnNamesAreMatchedWithTheirUnits) {
    const io::SiteColumns c = io::match_site_columns(
        {"SITE_NAME", "TX_ID", "LON", "LAT", "Height (m)", "AZIMUT", "TILT", "REDT",
         "Max Power (dBm)", "Antenna File", "district_code", "Comment"});
    using io::SiteField;
    EXPECT_EQ(c.column(SiteField::site_id), 0);
    EXPECT_EQ(c.column(SiteField::sector), 1);
    EXPECT_EQ(c.column(SiteField::lon), 2);
    EXPECT_EQ(c.column(SiteField::lat), 3);
    EXPECT_EQ(c.column(SiteField::height_m), 4);
    EXPECT_EQ(c.column(SiteField::azimuth_deg), 5);
    EXPECT_EQ(c.column(SiteField::mechanical_tilt_deg), 6);
    EXPECT_EQ(c.column(SiteField::electrical_tilt_deg), 7);
    EXPECT_EQ(c.column(SiteField::power_dbm), 8);
    EXPECT_EQ(c.column(SiteField::antenna_file), 9);
    EXPECT_EQ(c.column(SiteField::district_code), 10);
    EXPECT_EQ(c.column(SiteField::layer), io::SiteColumns::absent);
    EXPECT_EQ(c.unused, std::vector<std::string>{"Comment"});
    EXPECT_TRUE(c.problems.empty());

    // Every canonical name is its own alias, with its unit as the last word.
    std::vector<std::string> canonical;
    for (std::size_t f = 0; f < io::site_field_count; ++f) {
        canonical.emplace_back(io::to_string(static_cast<SiteField>(f)));
    }
    const io::SiteColumns own = io::match_site_columns(canonical);
    for (std::size_t f = 0; f < io::site_field_count; ++f) {
        EXPECT_EQ(own.index[f], static_cast<int>(f)) << canonical[f];
    }
    EXPECT_TRUE(own.problems.empty());

    // A unit covsim does not read, a power without a unit, two columns for one field.
    const io::SiteColumns bad = io::match_site_columns(
        {"site_id", "Height (ft)", "Power", "MechTilt", "mechanical_tilt_deg", "eirp_dbw"});
    ASSERT_EQ(bad.problems.size(), 4u);
    EXPECT_EQ(bad.problems[0], "column 'Height (ft)' (column 2) is in 'ft', which covsim does not "
                               "read for height_m; expected m");
    EXPECT_EQ(bad.problems[1], "column 'Power' (column 3) names no unit; expected 'Power (dBm)' or "
                               "'Power (W)' (or power_dbm or power_w)");
    EXPECT_EQ(bad.problems[2], "columns 'MechTilt' (column 4) and 'mechanical_tilt_deg' (column "
                               "5) both give mechanical_tilt_deg; expected one of them");
    EXPECT_EQ(bad.problems[3], "column 'eirp_dbw' (column 6) is in 'dbw', which covsim does not "
                               "read for eirp_dbm or eirp_w; expected dBm or W");
}

TEST(SiteLayer, ASiteInADistrictsEdgeCellBelongsToTheDistrict) {
    // The district's polygon ends at x = 585040 m: the cell from 585000 to 585100 has its centre
    // outside it, so no district, but a site at x = 585020 stands in the district.
    test::TempDir dir;
    StudyArea area = hanoi_area();
    Polygon p;
    bg::append(p.outer(), Point(580000.0, 2320000.0));
    bg::append(p.outer(), Point(580000.0, 2330000.0));
    bg::append(p.outer(), Point(585040.0, 2330000.0));
    bg::append(p.outer(), Point(585040.0, 2320000.0));
    bg::append(p.outer(), Point(580000.0, 2320000.0));
    area.districts[0].geometry.push_back(p);
    ASSERT_EQ(area.district_index.at(50, 50), no_district);
    const auto [edge_lon, edge_lat] = lonlat(585020.0, 2325050.0);
    const auto [out_lon, out_lat] = lonlat(585060.0, 2325050.0);
    test::write_text(dir / "s.csv", fmt::format("site_id,lon,lat,height_m,power_dbm\n"
                                                "EDGE,{:.9f},{:.9f},30,43\n"
                                                "OUT,{:.9f},{:.9f},30,43\n",
                                                edge_lon, edge_lat, out_lon, out_lat));
    const auto s = io::read_sectors(layer_for(dir / "s.csv"), 0, area);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].district, 0);
    EXPECT_TRUE(s[0].inside());
    EXPECT_EQ(s[1].district, -1);
}

TEST(SiteLayer, ACarrierColumnAssignsRowsToTheLayersCarriers) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    test::write_text(dir / "s.csv", fmt::format("site_id,carrier,lon,lat,height_m,power_dbm\n"
                                                "A,f1,{0:.9f},{1:.9f},30,46\n"
                                                "A,f2,{0:.9f},{1:.9f},30,43\n"
                                                "B,f1,{0:.9f},{1:.9f},30,40\n",
                                                lon, lat));
    LayerSpec layer = layer_for(dir / "s.csv");
    layer.bandwidth_mhz = 20.0;
    layer.carriers = {{"f1", 1815.0, {}}, {"f2", 1835.0, 10.0}};
    const std::vector<LayerSpec> carriers = expand_carriers(layer);
    ASSERT_EQ(carriers.size(), 2u);
    const auto f1 = io::read_sectors(carriers[0], 0, hanoi_area());
    const auto f2 = io::read_sectors(carriers[1], 1, hanoi_area());
    ASSERT_EQ(f1.size(), 2u);
    ASSERT_EQ(f2.size(), 1u);
    EXPECT_EQ(f1[1].site_id, "B");
    EXPECT_DOUBLE_EQ(f2[0].power_dbm, 43.0);
    EXPECT_EQ(f2[0].layer, 1u);

    // A carrier the layer does not declare; a carrier column on a layer without carriers.
    test::write_text(dir / "bad.csv", fmt::format("site_id,carrier,lon,lat,height_m,power_dbm\n"
                                                  "A,f3,{0:.9f},{1:.9f},30,46\n",
                                                  lon, lat));
    LayerSpec bad = carriers[0];
    bad.sites_path = dir / "bad.csv";
    EXPECT_NE(error_of(bad, hanoi_area())
                  .find("line 2: field 'carrier' is 'f3', expected a carrier of layer \"lte\": "
                        "f1, f2"),
              std::string::npos);
    EXPECT_NE(error_of(layer_for(dir / "s.csv"), hanoi_area())
                  .find("line 2: field 'carrier' is 'f1', but layer \"lte\" declares no "
                        "carriers; declare them with [[layers.carriers]] (docs/sites.md) or "
                        "leave the column empty"),
              std::string::npos);
}
