#include "io/web_viewer.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/district_gpkg.hpp"
#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "io/map_sink.hpp"
#include "io/web_viewer_page.hpp"

#include <algorithm>
#include <cmath>
#include <cpl_string.h>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <gdal_utils.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>

namespace covsim::io {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* debian_leaflet_dir = "/usr/share/javascript/leaflet";
constexpr double earth_circumference_m = 2.0 * std::numbers::pi * 6378137.0; // Web Mercator
// OGC's standardized rendering pixel, 0.28 mm (WMS 1.3.0, section 7.2.4.6.9): the pixel size
// that turns a zoom level into a map scale, as QGIS and GeoServer do.
constexpr double ogc_pixel_m = 0.00028;

// Leaflet's copyright (the header of leaflet.js) and the licence it is distributed under.
constexpr const char* leaflet_licence =
    R"(Leaflet, copied here from Debian's libjs-leaflet package by covsim.

Copyright (c) 2010-2019, Vladimir Agafonkin
Copyright (c) 2010-2011, CloudMade
All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

   1. Redistributions of source code must retain the above copyright notice, this list of
      conditions and the following disclaimer.

   2. Redistributions in binary form must reproduce the above copyright notice, this list
      of conditions and the following disclaimer in the documentation and/or other materials
      provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY
EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT HOLDERS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE
GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED
AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED
OF THE POSSIBILITY OF SUCH DAMAGE.
)";

// The fields of districts.gpkg's layers the viewer shows (popups, labels, wedge colours).
constexpr const char* district_fields =
    "code,name,name_ascii,type,population,covered_share,served_share,"
    "cost_per_subscriber_usd_per_month,verdict";
constexpr const char* sector_fields =
    "site_id,sector_id,layer,frequency_mhz,azimuth_deg,load,capacity_mbps,served_subscribers,"
    "district";

// The grid's extent in WGS 84 (west, south, east, north), from points along its edges.
std::array<double, 4> bounds_deg(const Grid& g) {
    auto round7 = [](double v) { return std::round(v * 1e7) / 1e7; }; // about 1 cm
    const auto [west, south, east, north] = grid_extent_in(g, wgs84());
    return {round7(west), round7(south), round7(east), round7(north)};
}

Json legend_json(const std::vector<StyleClass>& entries) {
    Json legend = Json::array();
    for (const StyleClass& e : entries) {
        legend.push_back({{"colour", hex_of(e.rgba)}, {"label", e.label}});
    }
    return legend;
}

void copy_one(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot copy '{}' to '{}': {}", from.string(),
                                               to.string(), ec.message()));
    }
}

// Leaflet's script, style sheet and images, and its licence, into dir.
void copy_leaflet(const std::filesystem::path& dir) {
    const std::filesystem::path from = leaflet_dir();
    make_directories(dir / "images");
    copy_one(from / "leaflet.js", dir / "leaflet.js");
    copy_one(from / "leaflet.css", dir / "leaflet.css");
    std::vector<std::filesystem::path> images;
    for (const auto& entry : std::filesystem::directory_iterator(from / "images")) {
        if (entry.path().extension() == ".png") {
            images.push_back(entry.path());
        }
    }
    std::sort(images.begin(), images.end());
    for (const std::filesystem::path& image : images) {
        copy_one(image, dir / "images" / image.filename());
    }
    write_text_file(dir / "LICENSE", leaflet_licence);
}

// One layer of a GeoPackage as RFC 7946 GeoJSON (WGS 84, 6 decimals: 0.1 m), with `fields`,
// through GDAL's ogr2ogr library.
void write_geojson(GDALDataset& gpkg, const std::string& table, const char* fields,
                   const std::filesystem::path& path) {
    CPLStringList args;
    for (const char* a : {"-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "RFC7946=YES", "-lco",
                          "COORDINATE_PRECISION=6", "-select", fields, "-nln"}) {
        args.AddString(a);
    }
    args.AddString(path.stem().string().c_str());
    args.AddString(table.c_str());
    GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(args.List(), nullptr);
    GDALDatasetH source = GDALDataset::ToHandle(&gpkg);
    int usage_error = 0;
    GDALDatasetH out =
        GDALVectorTranslate(path.string().c_str(), nullptr, 1, &source, options, &usage_error);
    GDALVectorTranslateOptionsFree(options);
    if (out == nullptr) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write '{}' from layer {} of '{}': {}", path.string(), table,
                                gpkg.GetDescription(), CPLGetLastErrorMsg()));
    }
    GDALClose(out);
}

// What index.html is given: the scenarios with their maps and data files, and the sector style.
Json viewer_config(const std::vector<WebViewerSink::Scenario>& scenarios) {
    Json list = Json::array();
    for (const WebViewerSink::Scenario& s : scenarios) {
        const std::string data = "web/data/" + url_path(district_table(s.name)) + "/";
        Json maps = Json::array();
        for (const TileSet& t : s.maps) {
            const std::string dir = "tiles/" + url_path(s.name) + "/" + url_path(t.metric);
            maps.push_back({{"metric", t.metric},
                            {"title", t.title},
                            {"tiles", dir + "/{z}/{x}/{y}.png"},
                            {"tilejson", dir + "/tiles.json"},
                            {"minzoom", t.min_zoom},
                            {"maxzoom", t.max_zoom},
                            {"bounds", t.bounds_deg},
                            {"legend", legend_json(t.legend)}});
        }
        list.push_back({{"name", s.name},
                        {"districts", data + "districts.geojson"},
                        {"sectors", data + "sectors.geojson"},
                        {"sector_min_zoom", s.sector_min_zoom},
                        {"attribution", "covsim " + s.covsim_version},
                        {"maps", maps}});
    }
    const MapStyle load = sector_load_style();
    Json classes = Json::array();
    for (const StyleClass& c : load.classes) {
        classes.push_back(
            {{"lower", std::isinf(c.value) ? Json() : Json(c.value)}, {"colour", hex_of(c.rgba)}});
    }
    return {{"scenarios", list},
            {"sectors",
             {{"title", load.title},
              {"classes", classes},
              {"legend", legend_json(legend_swatches(load))}}}};
}

} // namespace

std::string url_path(const std::string& text) {
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') ||
                          std::string_view("-._~/=,").find(ch) != std::string_view::npos;
        out += keep ? std::string(1, ch) : fmt::format("%{:02X}", c);
    }
    return out;
}

TileSet tile_set(const std::string& scenario, const MapStyle& style, const Grid& grid) {
    const ZoomRange zooms = xyz_zoom_range(grid);
    return {scenario,       style.metric,     style.title,           zooms.min_zoom,
            zooms.max_zoom, bounds_deg(grid), legend_swatches(style)};
}

std::string tilejson(const TileSet& set, const std::string& covsim_version) {
    std::string legend;
    for (const StyleClass& e : set.legend) {
        legend += hex_of(e.rgba) + " " + e.label + "\n";
    }
    const auto& b = set.bounds_deg;
    const Json doc = {{"tilejson", "3.0.0"},
                      {"name", set.scenario + ": " + set.title},
                      {"description", fmt::format("covsim map {} of scenario {}, in the classes "
                                                  "of its legend (docs/qgis.md)",
                                                  set.metric, set.scenario)},
                      {"version", "1.0.0"},
                      {"attribution", "covsim " + covsim_version},
                      {"scheme", "xyz"},
                      {"tiles", {"{z}/{x}/{y}.png"}},
                      {"minzoom", set.min_zoom},
                      {"maxzoom", set.max_zoom},
                      {"bounds", b},
                      {"center", {(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, set.min_zoom}},
                      {"legend", legend}};
    return doc.dump(2) + "\n";
}

std::filesystem::path leaflet_dir() {
    const char* env = std::getenv("COVSIM_LEAFLET_DIR");
    const std::filesystem::path dir = env != nullptr && *env != '\0' ? env : debian_leaflet_dir;
    for (const char* file : {"leaflet.js", "leaflet.css", "images"}) {
        if (!std::filesystem::exists(dir / file)) {
            throw Error(ErrorCode::usage,
                        fmt::format("--web-tiles writes a Leaflet viewer and needs Leaflet: '{}' "
                                    "does not exist; install Debian's libjs-leaflet or set "
                                    "COVSIM_LEAFLET_DIR to a directory with leaflet.js, "
                                    "leaflet.css and images/",
                                    (dir / file).string()));
        }
    }
    return dir;
}

int sector_min_zoom(const Grid& grid) {
    const std::array<double, 4> b = bounds_deg(grid);
    const double latitude = (b[1] + b[3]) / 2.0 * std::numbers::pi / 180.0;
    // A pixel of zoom z covers earth_circumference cos(latitude) / (256 2^z) metres on the
    // ground, and the map scale is that over the pixel's size.
    const double tiles =
        earth_circumference_m * std::cos(latitude) / (256.0 * ogc_pixel_m * sector_layer_scale);
    return static_cast<int>(std::ceil(std::log2(tiles)));
}

WebViewerSink::WebViewerSink(std::filesystem::path out_dir) : out_dir_(std::move(out_dir)) {}

void WebViewerSink::write(const ScenarioResult& result, const RunInfo& run) {
    Scenario s{result.scenario->name, run.covsim_version, sector_min_zoom(result.area->grid), {}};
    const StyleContext context = style_context(result);
    for (const MapSpec& spec : scenario_maps(result)) {
        if (const std::optional<MapStyle> style = map_style(spec.metric, context)) {
            s.maps.push_back(tile_set(s.name, *style, result.area->grid));
        }
    }
    scenarios_.push_back(std::move(s));
}

void WebViewerSink::save_scenarios(const std::filesystem::path& path) const {
    Json list = Json::array();
    for (const Scenario& s : scenarios_) {
        Json maps = Json::array();
        for (const TileSet& t : s.maps) {
            Json legend = Json::array();
            for (const StyleClass& e : t.legend) {
                // the lowest class's bound, -inf, as null (JSON has no infinity)
                legend.push_back({{"value", std::isinf(e.value) ? Json() : Json(e.value)},
                                  {"rgba", e.rgba},
                                  {"label", e.label}});
            }
            maps.push_back({{"metric", t.metric},
                            {"title", t.title},
                            {"min_zoom", t.min_zoom},
                            {"max_zoom", t.max_zoom},
                            {"bounds_deg", t.bounds_deg},
                            {"legend", legend}});
        }
        list.push_back({{"name", s.name},
                        {"covsim_version", s.covsim_version},
                        {"sector_min_zoom", s.sector_min_zoom},
                        {"maps", maps}});
    }
    write_text_file(path, list.dump(1) + "\n");
}

void WebViewerSink::append(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("cannot read '{}'", path.string()));
    }
    try {
        for (const Json& js : Json::parse(in)) {
            Scenario s{js.at("name").get<std::string>(),
                       js.at("covsim_version").get<std::string>(),
                       js.at("sector_min_zoom").get<int>(),
                       {}};
            for (const Json& jm : js.at("maps")) {
                TileSet t{s.name,
                          jm.at("metric").get<std::string>(),
                          jm.at("title").get<std::string>(),
                          jm.at("min_zoom").get<int>(),
                          jm.at("max_zoom").get<int>(),
                          jm.at("bounds_deg").get<std::array<double, 4>>(),
                          {}};
                for (const Json& je : jm.at("legend")) {
                    const Json& value = je.at("value");
                    t.legend.push_back({value.is_null() ? -std::numeric_limits<double>::infinity()
                                                        : value.get<double>(),
                                        je.at("rgba").get<Rgba>(),
                                        je.at("label").get<std::string>()});
                }
                s.maps.push_back(std::move(t));
            }
            scenarios_.push_back(std::move(s));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::io, fmt::format("'{}' is not a covsim web viewer file ({}); delete "
                                               "its variant directory to recompute it",
                                               path.string(), e.what()));
    }
}

void WebViewerSink::commit() {
    if (scenarios_.empty()) {
        return;
    }
    const std::filesystem::path web = out_dir_ / "web";
    std::filesystem::path partial = web;
    partial += ".partial";
    std::error_code ec;
    std::filesystem::remove_all(partial, ec);
    copy_leaflet(partial / "leaflet");
    {
        const std::filesystem::path gpkg_path = out_dir_ / "districts.gpkg";
        GDALDatasetUniquePtr gpkg(
            GDALDataset::Open(gpkg_path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        if (!gpkg) {
            throw Error(ErrorCode::io, fmt::format("cannot open '{}'", gpkg_path.string()));
        }
        for (const Scenario& s : scenarios_) {
            const std::filesystem::path dir = partial / "data" / district_table(s.name);
            make_directories(dir);
            write_geojson(*gpkg, district_table(s.name), district_fields,
                          dir / "districts.geojson");
            write_geojson(*gpkg, sector_table(s.name), sector_fields, dir / "sectors.geojson");
        }
    }
    std::filesystem::remove_all(web, ec);
    std::filesystem::rename(partial, web, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot rename '{}' to '{}': {}", partial.string(),
                                               web.string(), ec.message()));
    }
    std::string names;
    for (const Scenario& s : scenarios_) {
        names += (names.empty() ? "" : ", ") + s.name;
    }
    AtomicFile index(out_dir_ / "index.html");
    std::ofstream out = open_text(index);
    out << viewer_page("covsim: " + names, viewer_config(scenarios_).dump());
    finish_text(out, index);
}

} // namespace covsim::io
