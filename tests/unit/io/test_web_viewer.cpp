// The pieces of the web viewer (io/web_viewer) that do not need a run: a tile set's bounds and
// zooms, its TileJSON, URL paths, the zoom from which sectors are drawn and Leaflet's directory.
// tests/qgis/web_viewer_check.py checks the whole viewer of a Hanoi run in Chromium.

#include "core/error.hpp"
#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "io/web_viewer.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace covsim;

namespace {

// 20 x 16 km of UTM zone 48N around Hanoi, 50 m cells.
Grid hanoi_grid() {
    OGRSpatialReference srs = io::make_srs();
    srs.importFromEPSG(32648);
    Grid g;
    g.origin_x_m = 580000.0;
    g.origin_y_m = 2330000.0;
    g.cell_size_m = 50.0;
    g.width = 400;
    g.height = 320;
    g.crs_wkt = io::to_wkt(srs);
    return g;
}

// The grid's corners in WGS 84 (longitude, latitude).
std::vector<std::pair<double, double>> corners_deg(const Grid& g) {
    const io::TransformPtr t = io::make_transform(io::srs_from_wkt(g.crs_wkt), io::wgs84());
    std::vector<std::pair<double, double>> out;
    for (const double x : {g.origin_x_m, g.east_m()}) {
        for (const double y : {g.south_m(), g.origin_y_m}) {
            double lon = x;
            double lat = y;
            t->Transform(1, &lon, &lat);
            out.emplace_back(lon, lat);
        }
    }
    return out;
}

class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_.empty()) {
            unsetenv(name_);
        } else {
            setenv(name_, old_.c_str(), 1);
        }
    }

private:
    const char* name_;
    std::string old_;
};

} // namespace

TEST(WebViewer, TileSetBoundsHoldTheGridAndZoomsAreTheTiles) {
    const Grid g = hanoi_grid();
    const io::MapStyle style = *io::map_style("rsrp_dbm", {});
    const io::TileSet set = io::tile_set("s", style, g);
    const auto [west, south, east, north] = set.bounds_deg;
    for (const auto& [lon, lat] : corners_deg(g)) {
        EXPECT_LE(west, lon + 1e-7);
        EXPECT_GE(east, lon - 1e-7);
        EXPECT_LE(south, lat + 1e-7);
        EXPECT_GE(north, lat - 1e-7);
    }
    // A UTM grid is turned against the meridians: the bounds are a little larger than the
    // corners' range, not much.
    EXPECT_NEAR(east - west, 0.1925, 0.003);
    EXPECT_NEAR(north - south, 0.1447, 0.003);
    const io::ZoomRange zooms = io::xyz_zoom_range(g);
    EXPECT_EQ(set.min_zoom, zooms.min_zoom);
    EXPECT_EQ(set.max_zoom, zooms.max_zoom);
    EXPECT_EQ(set.title, "RSRP (dBm)");
    ASSERT_EQ(set.legend.size(), 5U);
    EXPECT_EQ(io::hex_of(set.legend.front().rgba), "#1a9641"); // excellent on top
    EXPECT_EQ(io::hex_of(set.legend.back().rgba), "#d7191c");
}

TEST(WebViewer, TileJsonHasTheRequiredAndDescribingFields) {
    const io::TileSet set =
        io::tile_set("hanoi-5g-2025", *io::map_style("covered", {}), hanoi_grid());
    const nlohmann::json tj = nlohmann::json::parse(io::tilejson(set, "1.2.3"));
    EXPECT_EQ(tj.at("tilejson"), "3.0.0");
    EXPECT_EQ(tj.at("tiles"), nlohmann::json::array({"{z}/{x}/{y}.png"}));
    EXPECT_EQ(tj.at("scheme"), "xyz");
    EXPECT_EQ(tj.at("name"), "hanoi-5g-2025: Covered outdoors");
    EXPECT_EQ(tj.at("attribution"), "covsim 1.2.3");
    EXPECT_EQ(tj.at("minzoom"), set.min_zoom);
    EXPECT_EQ(tj.at("maxzoom"), set.max_zoom);
    EXPECT_EQ(tj.at("bounds").get<std::vector<double>>(),
              std::vector<double>(set.bounds_deg.begin(), set.bounds_deg.end()));
    const auto center = tj.at("center").get<std::vector<double>>();
    ASSERT_EQ(center.size(), 3U);
    EXPECT_DOUBLE_EQ(center[0], (set.bounds_deg[0] + set.bounds_deg[2]) / 2.0);
    EXPECT_EQ(tj.at("legend"), "#d7191c not covered\n#1a9641 covered\n");
}

TEST(WebViewer, UrlPathsEncodeWhatWouldBreakAUrlOrATemplate) {
    EXPECT_EQ(io::url_path("hanoi-5g-2025/isd=400,n78=60"), "hanoi-5g-2025/isd=400,n78=60");
    EXPECT_EQ(io::url_path("a b#{z}?"), "a%20b%23%7Bz%7D%3F");
    EXPECT_EQ(io::url_path("Hà"), "H%C3%A0");
}

TEST(WebViewer, SectorsAreDrawnFromTheZoomOfTheirQgisScale) {
    // Hanoi at 21.0 degrees north: a 256-pixel tile of zoom z spans 40,075,017 cos(21) / 2^z m;
    // at 0.28 mm a pixel, zoom 11 is 1:255,000 and zoom 12 1:127,000, the first at 1:150,000
    // or larger.
    EXPECT_EQ(io::sector_min_zoom(hanoi_grid()), 12);
    Grid equator = hanoi_grid();
    equator.origin_y_m = 8000.0; // 0.07 degrees north: zoom 12 is 1:137,000
    EXPECT_EQ(io::sector_min_zoom(equator), 12);
    Grid north = hanoi_grid();
    north.origin_y_m = 7000000.0; // 63 degrees north: zoom 11 is 1:124,000
    EXPECT_EQ(io::sector_min_zoom(north), 11);
}

TEST(WebViewer, LeafletIsFoundOrNamedInOneError) {
    const std::filesystem::path empty =
        std::filesystem::temp_directory_path() / "covsim_test_no_leaflet";
    std::filesystem::create_directories(empty);
    {
        const ScopedEnv env("COVSIM_LEAFLET_DIR", empty.string());
        try {
            io::leaflet_dir();
            FAIL() << "no error for a directory without Leaflet";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::usage);
            const std::string m = e.what();
            EXPECT_NE(m.find((empty / "leaflet.js").string()), std::string::npos) << m;
            EXPECT_NE(m.find("libjs-leaflet"), std::string::npos) << m;
            EXPECT_EQ(m.find('\n'), std::string::npos) << m;
        }
    }
    std::filesystem::remove_all(empty);
    if (std::filesystem::exists("/usr/share/javascript/leaflet/leaflet.js")) {
        const ScopedEnv env("COVSIM_LEAFLET_DIR", "");
        EXPECT_EQ(io::leaflet_dir(), "/usr/share/javascript/leaflet");
    }
}
