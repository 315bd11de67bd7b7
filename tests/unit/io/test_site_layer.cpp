#include "core/error.hpp"
#include "io/antenna_file.hpp"
#include "io/gdal_support.hpp"
#include "io/site_columns.hpp"
#include "io/site_layer.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sstream>

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

// A coordinate as a CSV written with 9 decimals gives it back, as messages print it.
std::string as_read(double v) {
    return fmt::format("{}", std::stod(fmt::format("{:.9f}", v)));
}

// The lines of a message.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
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
    EXPECT_NE(msg.find("no field 'height_m'; the layer's fields are: site_id, lon, lat, power_dbm"),
              std::string::npos)
        << msg;

    test::write_text(path, "site_id,lon,lat,height_m,power_dbm\nFar,108.2,16.0,30,46\n");
    msg = error_of(layer_for(path), area);
    EXPECT_NE(msg.find("line 2: site 'Far' at (108.2, 16) is "), std::string::npos) << msg;
    EXPECT_NE(msg.find(" km outside the analysis grid, beyond layer \"lte\"'s margin of 10 km "
                       "(sites_margin_m, default max_range_m)"),
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

TEST(SiteLayer, SitesBeyondTheGridWithinTheMarginAreReadAsOutside) {
    test::TempDir dir;
    const StudyArea area = hanoi_area(); // grid 580-590 km east, 2320-2330 km north
    const auto [in_lon, in_lat] = lonlat(582050.0, 2325050.0);
    const auto [east_lon, east_lat] = lonlat(593000.0, 2325000.0); // 3 km east of the grid
    const auto [far_lon, far_lat] = lonlat(600000.0, 2334000.0);   // (10, 4) km off a corner
    const std::string header = "site_id,lon,lat,height_m,power_dbm\n";
    test::write_text(dir / "s.csv", header + fmt::format("IN,{:.9f},{:.9f},30,43\n"
                                                         "EAST,{:.9f},{:.9f},30,43\n",
                                                         in_lon, in_lat, east_lon, east_lat));
    LayerSpec layer = layer_for(dir / "s.csv");
    layer.max_range_m = 5000.0; // the margin by default
    const auto s = io::read_sectors(layer, 0, area);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_TRUE(s[0].inside());
    EXPECT_EQ(s[0].district, 0);
    EXPECT_FALSE(s[1].inside());
    EXPECT_EQ(s[1].district, -1);
    EXPECT_NEAR(s[1].x_m, 593000.0, 1e-3);
    EXPECT_NEAR(s[1].y_m, 2325000.0, 1e-3);

    // 10.8 km from the grid's north-east corner: beyond 5 km, an error naming the row, the
    // position and the margin; within sites_margin_m = 11 km, read.
    test::write_text(dir / "far.csv",
                     header + fmt::format("FAR,{:.9f},{:.9f},30,43\n", far_lon, far_lat));
    layer.sites_path = dir / "far.csv";
    EXPECT_EQ(error_of(layer, area),
              fmt::format("sites file '{}' line 2: site 'FAR' at ({}, {}) is 10.8 km outside the "
                          "analysis grid, beyond layer \"lte\"'s margin of 5 km (sites_margin_m, "
                          "default max_range_m); expected a site within it",
                          (dir / "far.csv").string(), as_read(far_lon), as_read(far_lat)));
    layer.sites_margin_m = 11000.0;
    EXPECT_FALSE(io::read_sectors(layer, 0, area)[0].inside());
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

TEST(SiteLayer, ColumnsAsPlanningToolsNameThem) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    // An export with the tool's names: 20 W is 43.0103 dBm; MechTilt adds to ETilt.
    test::write_text(dir / "export.csv",
                     fmt::format("Site ID,Cell,Longitude,Latitude,AntennaHeight,Azimuth,MechTilt,"
                                 "ETilt,Power (W),Vendor\n"
                                 "HN1,HN1A,{0:.9f},{1:.9f},32,10,3,5,20,acme\n"
                                 "HN1,HN1B,{0:.9f},{1:.9f},32,130,2,5,40,acme\n",
                                 lon, lat));
    io::SiteFileNotes notes;
    const auto s = io::read_sectors(layer_for(dir / "export.csv"), 0, hanoi_area(), &notes);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].site_id, "HN1");
    EXPECT_EQ(s[0].sector_id, "HN1A");
    EXPECT_DOUBLE_EQ(s[0].height_m, 32.0);
    EXPECT_DOUBLE_EQ(*s[0].azimuth_deg, 10.0);
    EXPECT_DOUBLE_EQ(s[0].mechanical_tilt_deg, 3.0);
    EXPECT_DOUBLE_EQ(s[0].electrical_tilt_deg, 5.0);
    EXPECT_DOUBLE_EQ(s[0].power_dbm, 10.0 * std::log10(20.0) + 30.0);
    EXPECT_NEAR(s[0].power_dbm, 43.0103, 1e-4);
    EXPECT_NEAR(s[1].power_dbm, 46.0206, 1e-4);
    EXPECT_DOUBLE_EQ(s[1].total_tilt_deg(), 7.0);
    EXPECT_NEAR(s[0].x_m, 582050.0, 1e-3);
    EXPECT_EQ(notes.unused_columns, std::vector<std::string>{"Vendor"});
    EXPECT_EQ(io::unused_columns_warning(dir / "export.csv", notes),
              fmt::format("sites file '{}': columns not used: 'Vendor' (docs/sites.md lists the "
                          "names covsim reads)",
                          (dir / "export.csv").string()));

    // ERP in W (Signal-Server) and EIRP in dBm: EIRP = ERP + 2.15 dB, power = EIRP - 17 dBi.
    test::write_text(dir / "erp.csv", fmt::format("Site,lat,lon,txh,erp_w,name\n"
                                                  "A,{1:.9f},{0:.9f},20,100,Alpha\n",
                                                  lon, lat));
    io::SiteFileNotes erp_notes;
    const auto e = io::read_sectors(layer_for(dir / "erp.csv"), 0, hanoi_area(), &erp_notes);
    EXPECT_NEAR(e[0].power_dbm, 50.0 + 2.15 - 17.0, 1e-12);
    EXPECT_EQ(erp_notes.unused_columns, std::vector<std::string>{"name"});
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

TEST(SiteLayer, EveryProblemOfAFileIsReportedInOnePass) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    const auto [lon2, lat2] = lonlat(582250.0, 2325050.0); // 200 m east
    const auto path = dir / "s.csv";
    const std::string f = path.string();
    test::write_text(path,
                     fmt::format("site_id,sector,lon,lat,height_m,azimuth_deg,power_dbm,eirp_dbm\n"
                                 "A,1,{0:.9f},{1:.9f},-3,0,46,\n"
                                 "A,2,{0:.9f},{1:.9f},30,400,,\n"
                                 ",1,{0:.9f},{1:.9f},30,0,46,\n"
                                 "A,3,{2:.9f},{3:.9f},30,0,46,60\n"
                                 "B,1,{0:.9f},{1:.9f},30,0,46,\n"
                                 "B,1,{0:.9f},{1:.9f},30,90,46,\n",
                                 lon, lat, lon2, lat2));
    const std::vector<std::string> lines = lines_of(error_of(layer_for(path), hanoi_area()));
    ASSERT_EQ(lines.size(), 7u) << error_of(layer_for(path), hanoi_area());
    const std::string expected_azimuth =
        "an azimuth in [0, 360] degrees clockwise from north, a list of them such as "
        "\"0/120/240\" (one sector each), or empty for an omnidirectional antenna";
    EXPECT_EQ(lines[0], fmt::format("sites file '{}' line 2: field 'height_m' is '-3', expected "
                                    "an antenna height above ground in [0.5, 1000] m",
                                    f));
    EXPECT_EQ(lines[1], fmt::format("sites file '{}' line 3: field 'azimuth_deg' is '400', "
                                    "expected {}",
                                    f, expected_azimuth));
    EXPECT_EQ(lines[2], fmt::format("sites file '{}' line 3: both power_dbm and eirp_dbm are "
                                    "empty; give one",
                                    f));
    EXPECT_EQ(lines[3], fmt::format("sites file '{}' line 4: field 'site_id' is empty, expected "
                                    "an identifier",
                                    f));
    EXPECT_EQ(lines[4], fmt::format("sites file '{}' line 5: both power_dbm and eirp_dbm are "
                                    "given; give one",
                                    f));
    EXPECT_EQ(lines[5], fmt::format("sites file '{0}' line 5: site 'A' at ({1}, {2}) is 200 m "
                                    "from its position at sites file '{0}' line 2 ({3}, {4}); "
                                    "expected one position per site (within 1 m)",
                                    f, as_read(lon2), as_read(lat2), as_read(lon), as_read(lat)));
    EXPECT_EQ(lines[6], fmt::format("sites file '{}' line 7: site 'B' sector '1' appears twice in "
                                    "layer \"lte\"",
                                    f));

    // At most 50 lines, then how many more.
    std::string many = "site_id,lon,lat,height_m,power_dbm\n";
    for (int i = 0; i < 60; ++i) {
        many += fmt::format("S{},{:.9f},{:.9f},0,43\n", i, lon, lat);
    }
    test::write_text(path, many);
    const std::vector<std::string> bounded = lines_of(error_of(layer_for(path), hanoi_area()));
    ASSERT_EQ(bounded.size(), 51u);
    EXPECT_EQ(
        bounded[49].rfind(fmt::format("sites file '{}' line 51: field 'height_m' is '0'", f), 0),
        0u)
        << bounded[49];
    EXPECT_EQ(bounded[50], fmt::format("sites file '{}': and 10 more problems", f));
}

TEST(SiteLayer, AzimuthListsMakeOneSectorEach) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    test::write_text(dir / "s.csv", fmt::format("site_id,sector,lon,lat,height_m,azimuth_deg,"
                                                "electrical_tilt_deg,power_dbm\n"
                                                "A,,{0:.9f},{1:.9f},30,0/120/240,4,46\n"
                                                "B,X;Y,{0:.9f},{1:.9f},25,\"90, 270\",6,43\n"
                                                "C,,{0:.9f},{1:.9f},20,,0,40\n",
                                                lon, lat));
    const auto s = io::read_sectors(layer_for(dir / "s.csv"), 0, hanoi_area());
    ASSERT_EQ(s.size(), 6u);
    const std::vector<std::pair<std::string, std::string>> ids = {
        {"A", "1"}, {"A", "2"}, {"A", "3"}, {"B", "X"}, {"B", "Y"}, {"C", "1"}};
    const std::vector<std::optional<double>> azimuths = {0.0, 120.0, 240.0, 90.0, 270.0, {}};
    for (std::size_t i = 0; i < s.size(); ++i) {
        EXPECT_EQ(s[i].site_id, ids[i].first) << i;
        EXPECT_EQ(s[i].sector_id, ids[i].second) << i;
        EXPECT_EQ(s[i].azimuth_deg, azimuths[i]) << i;
    }
    EXPECT_DOUBLE_EQ(s[2].electrical_tilt_deg, 4.0); // the row's tilt and power for each
    EXPECT_DOUBLE_EQ(s[2].power_dbm, 46.0);
    EXPECT_DOUBLE_EQ(s[4].height_m, 25.0);

    test::write_text(dir / "bad.csv", fmt::format("site_id,sector,lon,lat,height_m,azimuth_deg,"
                                                  "power_dbm\n"
                                                  "A,X/Y,{0:.9f},{1:.9f},30,0/120/240,46\n"
                                                  "B,,{0:.9f},{1:.9f},30,0/north,46\n",
                                                  lon, lat));
    const auto lines = lines_of(error_of(layer_for(dir / "bad.csv"), hanoi_area()));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("line 2: field 'sector' is 'X/Y' beside 3 azimuths '0/120/240'; "
                            "expected 3 sector names separated the same way, or an empty field "
                            "to number them"),
              std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("line 3: field 'azimuth_deg' is '0/north', expected an azimuth"),
              std::string::npos)
        << lines[1];

    // In a file separated by semicolons a comma is a decimal comma, not a list: not two sectors
    // at 120 and 5 degrees, but an error.
    test::write_text(dir / "semicolons.csv",
                     fmt::format("site_id;lon;lat;height_m;azimuth_deg;power_dbm\n"
                                 "A;{:.9f};{:.9f};30;120,5;46\n",
                                 lon, lat));
    EXPECT_NE(error_of(layer_for(dir / "semicolons.csv"), hanoi_area())
                  .find("line 2: field 'azimuth_deg' is '120,5', expected an azimuth"),
              std::string::npos);
}

TEST(SiteLayer, ARowsAntennaFileOverridesTheLayersAntenna) {
    test::TempDir dir;
    const auto [lon, lat] = lonlat(582050.0, 2325050.0);
    AntennaPattern panel;
    panel.horizontal_beamwidth_deg = 33.0;
    panel.vertical_beamwidth_deg = 7.0;
    panel.gain_dbi = 21.0;
    std::filesystem::create_directories(dir / "antennas");
    io::write_msi(dir / "antennas" / "panel.msi", panel, io::AntennaFileMetadata{});
    test::write_text(dir / "s.csv",
                     fmt::format("site_id,lon,lat,height_m,azimuth_deg,eirp_dbm,antenna_file\n"
                                 "A,{0:.9f},{1:.9f},30,0,65,antennas/panel.msi\n"
                                 "A,{0:.9f},{1:.9f},30,120,65,\n"
                                 "B,{0:.9f},{1:.9f},30,0,65,antennas/panel.msi\n",
                                 lon, lat));
    io::SiteFileNotes notes;
    const auto s = io::read_sectors(layer_for(dir / "s.csv"), 0, hanoi_area(), &notes);
    ASSERT_EQ(s.size(), 3u);
    ASSERT_NE(s[0].antenna, nullptr);
    EXPECT_EQ(s[1].antenna, nullptr);      // the layer's
    EXPECT_EQ(s[0].antenna, s[2].antenna); // read once, shared
    ASSERT_NE(s[0].antenna->table, nullptr);
    EXPECT_DOUBLE_EQ(s[0].antenna->gain_dbi, 21.0);
    // The file's cut (two decimals): 12 (16 / 33)^2 dB at 16 degrees off boresight.
    EXPECT_NEAR(s[0].antenna->table->horizontal_db()[16], 12.0 * (16.0 / 33.0) * (16.0 / 33.0),
                0.005);
    // The EIRP is converted with the row's antenna: 65 - 21, and 65 - 17 with the layer's.
    EXPECT_DOUBLE_EQ(s[0].power_dbm, 44.0);
    EXPECT_DOUBLE_EQ(s[1].power_dbm, 48.0);
    EXPECT_EQ(notes.antenna_files, std::vector<std::filesystem::path>{
                                       (dir / "antennas" / "panel.msi").lexically_normal()});

    // A missing file is reported once, on the first row that names it.
    test::write_text(dir / "s.csv", fmt::format("site_id,lon,lat,height_m,power_dbm,antenna_file\n"
                                                "A,{0:.9f},{1:.9f},30,43,none.msi\n"
                                                "B,{0:.9f},{1:.9f},30,43,none.msi\n",
                                                lon, lat));
    const auto lines = lines_of(error_of(layer_for(dir / "s.csv"), hanoi_area()));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], fmt::format("sites file '{}' line 2: field 'antenna_file' is 'none.msi': "
                                    "antenna file '{}' not found",
                                    (dir / "s.csv").string(), (dir / "none.msi").string()));
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
