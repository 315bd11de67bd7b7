#include "io/stac_catalog.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>

namespace covsim::io {

namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr const char* stac_version = "1.0.0";
constexpr const char* projection_extension =
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json";
constexpr const char* raster_extension =
    "https://stac-extensions.github.io/raster/v1.1.0/schema.json";
constexpr const char* cog_media_type = "image/tiff; application=geotiff; profile=cloud-optimized";
constexpr int edge_points = 16; // footprint vertices per raster edge: UTM edges curve in lon/lat

// What the STAC Item says of a map, read back from the GeoTIFF.
struct MapFacts {
    int width = 0;
    int height = 0;
    std::array<double, 6> geotransform{}; // GDAL's order
    std::optional<int> epsg;
    std::string wkt2;
    std::string data_type; // raster extension names: uint8, int32, float32, ...
    std::optional<double> nodata;
    std::string unit;
    std::string description;
    std::vector<std::array<double, 2>> footprint; // lon, lat; closed, counter-clockwise
};

std::string raster_data_type(GDALDataType t) {
    switch (t) {
    case GDT_Byte:
        return "uint8";
    case GDT_UInt16:
        return "uint16";
    case GDT_Int16:
        return "int16";
    case GDT_UInt32:
        return "uint32";
    case GDT_Int32:
        return "int32";
    case GDT_Float32:
        return "float32";
    case GDT_Float64:
        return "float64";
    default:
        return "other";
    }
}

// The raster's outline in its CRS, `edge_points` per edge, south-west, south-east, north-east,
// north-west (counter-clockwise for a north-up grid), transformed to WGS 84 lon/lat.
std::vector<std::array<double, 2>>
footprint_lonlat(const MapFacts& m, const OGRSpatialReference& srs, const fs::path& path) {
    std::vector<double> xs;
    std::vector<double> ys;
    const std::array<std::array<double, 2>, 5> corners{{{0.0, 1.0 * m.height},
                                                        {1.0 * m.width, 1.0 * m.height},
                                                        {1.0 * m.width, 0.0},
                                                        {0.0, 0.0},
                                                        {0.0, 1.0 * m.height}}};
    const auto& g = m.geotransform;
    for (std::size_t e = 0; e + 1 < corners.size(); ++e) {
        for (int i = 0; i < edge_points; ++i) {
            const double t = static_cast<double>(i) / edge_points;
            const double col = corners[e][0] + t * (corners[e + 1][0] - corners[e][0]);
            const double row = corners[e][1] + t * (corners[e + 1][1] - corners[e][1]);
            xs.push_back(g[0] + col * g[1] + row * g[2]);
            ys.push_back(g[3] + col * g[4] + row * g[5]);
        }
    }
    OGRSpatialReference source(srs);
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const TransformPtr to_geo = make_transform(source, wgs84());
    if (!to_geo->Transform(static_cast<int>(xs.size()), xs.data(), ys.data())) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot transform the outline of '{}' to WGS 84", path.string()));
    }
    std::vector<std::array<double, 2>> ring;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        ring.push_back({xs[i], ys[i]});
    }
    ring.push_back(ring.front());
    return ring;
}

MapFacts read_map(const fs::path& path) {
    const GDALDatasetUniquePtr ds = open_raster(path, "map");
    MapFacts m;
    m.width = ds->GetRasterXSize();
    m.height = ds->GetRasterYSize();
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    if (ds->GetGeoTransform(m.geotransform.data()) != CE_None || srs == nullptr ||
        ds->GetRasterCount() != 1) {
        throw Error(ErrorCode::io, fmt::format("map '{}' has no georeferencing or not one band; "
                                               "delete maps/ and run again",
                                               path.string()));
    }
    const char* authority = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr && std::string_view(authority) == "EPSG") {
        m.epsg = std::stoi(code);
    }
    m.wkt2 = to_wkt(*srs);
    GDALRasterBand* band = ds->GetRasterBand(1);
    m.data_type = raster_data_type(band->GetRasterDataType());
    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    if (has_nodata != 0) {
        m.nodata = nodata;
    }
    m.unit = band->GetUnitType();
    m.description = band->GetDescription();
    m.footprint = footprint_lonlat(m, *srs, path);
    return m;
}

// "/"-separated path of `target` relative to the directory `from`, starting with "./" or "../".
std::string relative_href(const fs::path& target, const fs::path& from) {
    const std::string rel = target.lexically_relative(from).generic_string();
    return rel.starts_with("../") ? rel : "./" + rel;
}

ordered_json link(const char* rel, const std::string& href, const std::string& title) {
    ordered_json j{{"rel", rel}, {"href", href}, {"type", "application/json"}};
    if (!title.empty()) {
        j["title"] = title;
    }
    return j;
}

// A scenario's '/' (a sweep variant) becomes "__" in identifiers, as in districts.gpkg.
std::string identifier(std::string_view name) {
    std::string id;
    for (char c : name) {
        id += c == '/' ? std::string("__") : std::string(1, c);
    }
    return id;
}

ordered_json geometry_json(const MapFacts& m) {
    ordered_json ring = ordered_json::array();
    for (const auto& p : m.footprint) {
        ring.push_back({p[0], p[1]});
    }
    return {{"type", "Polygon"}, {"coordinates", ordered_json::array({ring})}};
}

ordered_json bbox_json(const MapFacts& m) {
    double west = std::numeric_limits<double>::infinity();
    double south = west;
    double east = -west;
    double north = -west;
    for (const auto& p : m.footprint) {
        west = std::min(west, p[0]);
        east = std::max(east, p[0]);
        south = std::min(south, p[1]);
        north = std::max(north, p[1]);
    }
    return {west, south, east, north};
}

// The raster extension's band object: nodata, data type, unit, cell size.
ordered_json band_json(const MapFacts& m) {
    ordered_json band;
    if (!m.description.empty()) {
        band["description"] = m.description;
    }
    if (m.nodata) {
        if (std::isnan(*m.nodata)) {
            band["nodata"] = "nan";
        } else {
            band["nodata"] = *m.nodata;
        }
    }
    band["data_type"] = m.data_type;
    if (!m.unit.empty()) {
        band["unit"] = m.unit;
    }
    band["spatial_resolution"] = m.geotransform[1];
    return band;
}

// Provenance: the covsim that computed the map, the scenario, and every input by role, file
// name and SHA-256 (paths are left out: they name the machine's directories).
ordered_json provenance_json(const PublishedScenario& sc, const RunInfo& run) {
    ordered_json inputs = ordered_json::array();
    for (const InputFile& in : sc.inputs) {
        ordered_json j{{"role", in.role}, {"file", in.path.filename().string()}};
        j["sha256"] = in.sha256.empty() ? ordered_json(nullptr) : ordered_json(in.sha256);
        inputs.push_back(std::move(j));
    }
    return {{"covsim:version", run.covsim_version},
            {"covsim:git_commit", run.git_commit},
            {"covsim:scenario", sc.name},
            {"covsim:input_checksum", sc.input_checksum},
            {"covsim:inputs", std::move(inputs)}};
}

// STAC requires a time; a scenario is a plan for a year, not an observation: its year, from
// the first to the last second (datetime null, start_datetime and end_datetime).
ordered_json time_json(int year) {
    return {{"datetime", nullptr},
            {"start_datetime", fmt::format("{:04d}-01-01T00:00:00Z", year)},
            {"end_datetime", fmt::format("{:04d}-12-31T23:59:59Z", year)}};
}

struct ItemPlace {
    fs::path root;   // DIR/catalog.json
    fs::path dir;    // DIR/maps/<scenario>
    std::string tif; // <metric>.tif
};

ordered_json item_json(const PublishedScenario& sc, const RunInfo& run, int year,
                       const ItemPlace& at, const MapFacts& m) {
    const std::string metric = fs::path(at.tif).stem().string();
    ordered_json properties{
        {"title", fmt::format("{}: {}", sc.name, m.description.empty() ? metric : m.description)}};
    properties.update(time_json(year));
    properties["proj:epsg"] = m.epsg ? ordered_json(*m.epsg) : ordered_json(nullptr);
    properties["proj:wkt2"] = m.wkt2;
    properties["proj:shape"] = {m.height, m.width};
    const auto& g = m.geotransform; // proj:transform is the affine matrix's rows: a b c, d e f
    properties["proj:transform"] = {g[1], g[2], g[0], g[4], g[5], g[3]};
    properties.update(provenance_json(sc, run));
    ordered_json data{{"href", "./" + at.tif},
                      {"type", cog_media_type},
                      {"title", m.description.empty() ? metric : m.description},
                      {"roles", ordered_json::array({"data"})},
                      {"raster:bands", ordered_json::array({band_json(m)})}};
    ordered_json item{{"type", "Feature"},
                      {"stac_version", stac_version},
                      {"stac_extensions", {projection_extension, raster_extension}},
                      {"id", identifier(sc.name) + "__" + metric},
                      {"geometry", geometry_json(m)},
                      {"bbox", bbox_json(m)},
                      {"properties", std::move(properties)}};
    item["links"] =
        ordered_json::array({link("root", relative_href(at.root, at.dir), "covsim results"),
                             link("parent", "./catalog.json", sc.name)});
    item["assets"] = {{"data", std::move(data)}};
    return item;
}

void write_json(const fs::path& path, const ordered_json& j) {
    AtomicFile f(path);
    std::ofstream out = open_text(f);
    out << j.dump(2) << '\n';
    finish_text(out, f);
}

// The maps of a scenario's directory (not those of a sweep's variants below it), by name.
std::vector<std::string> map_files(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_regular_file(ec) && e.path().extension() == ".tif") {
            names.push_back(e.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Writes a scenario's Items and its Catalog; returns the Catalog's path, or nothing for a
// scenario without maps ([output] maps = []), which has no catalog.
std::optional<fs::path> write_scenario_catalog(const fs::path& out_dir, const PublishedScenario& sc,
                                               const RunInfo& run, int year) {
    const ItemPlace base{out_dir / "catalog.json", out_dir / "maps" / sc.name, {}};
    const std::vector<std::string> tifs = map_files(base.dir);
    if (tifs.empty()) {
        return std::nullopt;
    }
    ordered_json catalog{{"type", "Catalog"},
                         {"stac_version", stac_version},
                         {"id", identifier(sc.name)},
                         {"title", sc.name},
                         {"description", sc.description.empty()
                                             ? fmt::format("The maps of scenario {}.", sc.name)
                                             : sc.description}};
    ordered_json links =
        ordered_json::array({link("root", relative_href(base.root, base.dir), "covsim results"),
                             link("parent", relative_href(base.root, base.dir), "covsim results")});
    for (const std::string& tif : tifs) {
        ItemPlace at = base;
        at.tif = tif;
        const MapFacts m = read_map(base.dir / tif);
        const std::string item = fs::path(tif).replace_extension(".json").string();
        write_json(base.dir / item, item_json(sc, run, year, at, m));
        links.push_back(link("item", "./" + item, m.description));
    }
    catalog["links"] = std::move(links);
    write_json(base.dir / "catalog.json", catalog);
    return base.dir / "catalog.json";
}

} // namespace

std::optional<int> scenario_year(std::string_view name) {
    std::optional<int> year;
    for (std::size_t i = 0; i < name.size();) {
        std::size_t j = i;
        while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j])) != 0) {
            ++j;
        }
        if (j - i == 4) {
            const int y = std::stoi(std::string(name.substr(i, 4)));
            if (y >= 1900 && y <= 2199) {
                year = y;
            }
        }
        i = j == i ? i + 1 : j;
    }
    return year;
}

void write_stac_catalog(const fs::path& out_dir, const std::vector<PublishedScenario>& scenarios,
                        const RunInfo& run, int fallback_year) {
    ensure_gdal();
    ordered_json links = ordered_json::array({link("root", "./catalog.json", "covsim results")});
    std::size_t published = 0;
    for (const PublishedScenario& sc : scenarios) {
        const std::optional<fs::path> child = write_scenario_catalog(
            out_dir, sc, run, sc.year.value_or(scenario_year(sc.name).value_or(fallback_year)));
        if (child) {
            ++published;
            links.push_back(link("child", relative_href(*child, out_dir), sc.name));
        }
    }
    ordered_json root{{"type", "Catalog"},
                      {"stac_version", stac_version},
                      {"id", "covsim-results"},
                      {"title", "covsim results"},
                      {"description", fmt::format("Coverage maps computed by covsim {} for {} "
                                                  "scenario(s); every link is relative.",
                                                  run.covsim_version, published)},
                      {"links", std::move(links)}};
    write_json(out_dir / "catalog.json", root);
}

} // namespace covsim::io
