#include "io/map_sink.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "io/atomic_file.hpp"
#include "io/map_styles.hpp"
#include "io/web_viewer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <optional>
#include <spdlog/spdlog.h>
#include <system_error>
#include <type_traits>

namespace covsim::io {

namespace {

// best_server in the smallest unsigned type that holds every sector index and a nodata value
// (the type's maximum), so that it can carry a GeoTIFF palette; nullopt when T is too small.
template <typename T>
std::optional<Raster<T>> narrow_best_server(const Raster<std::int32_t>& r) {
    constexpr std::int32_t nodata = std::numeric_limits<T>::max();
    Raster<T> out(r.grid, static_cast<T>(nodata));
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        const std::int32_t v = r.values[i];
        if (r.is_nodata(v)) {
            continue;
        }
        if (v < 0 || v >= nodata) {
            return std::nullopt;
        }
        out.values[i] = static_cast<T>(v);
    }
    return out;
}

// Writes best_server as Byte or UInt16 when the indices fit (so that it can carry its colour
// table); false otherwise.
bool write_narrow_best_server(const std::filesystem::path& path, const Raster<std::int32_t>& r,
                              const MapDescription& d) {
    if (auto byte = narrow_best_server<std::uint8_t>(r)) {
        write_geotiff(path, *byte, d);
        return true;
    }
    if (auto uint16 = narrow_best_server<std::uint16_t>(r)) {
        write_geotiff(path, *uint16, d);
        return true;
    }
    return false;
}

// How a map describes itself: its name as the band description, units, the long description
// and provenance as metadata, and a categorical style's colours and labels as its categories.
MapDescription map_description(const MapSpec& spec, const std::string& scenario, const RunInfo& run,
                               const std::optional<MapStyle>& style) {
    MapDescription d;
    d.description = spec.metric;
    d.units = spec.units;
    d.overviews = spec.overviews;
    d.metadata = {{"COVSIM_SCENARIO", scenario},
                  {"COVSIM_METRIC", spec.metric},
                  {"COVSIM_DESCRIPTION", spec.description},
                  {"COVSIM_UNITS", spec.units},
                  {"COVSIM_VERSION", run.covsim_version}};
    if (!spec.layer.empty()) {
        d.metadata.emplace("COVSIM_LAYER", spec.layer);
    }
    if (style) {
        BandCategories categories = band_categories(*style);
        d.color_table = std::move(categories.colours);
        d.category_names = std::move(categories.names);
    }
    return d;
}

// Writes <metric>.tif under `tif`'s temporary name; best_server in the smallest type that holds
// its values (Int32 without categories beyond 65534 sectors).
void write_map(const AtomicFile& tif, const MapSpec& spec, MapDescription d,
               const std::string& scenario) {
    std::visit(
        [&](const auto* raster) {
            using T = std::remove_cvref_t<decltype(raster->nodata)>;
            if constexpr (std::is_same_v<T, std::int32_t>) {
                if (write_narrow_best_server(tif.temp_path(), *raster, d)) {
                    return;
                }
                spdlog::warn("scenario {}: the sectors do not fit a UInt16 map; {}.tif is Int32 "
                             "without a colour table and category names",
                             scenario, spec.metric);
                d.color_table.clear();
                d.category_names.clear();
            }
            write_geotiff(tif.temp_path(), *raster, d);
        },
        spec.raster);
}

// The side-car GDAL wrote beside the map's temporary file, moved under its own temporary name;
// nothing when the map has none.
std::optional<AtomicFile> take_side_car(const AtomicFile& tif) {
    const std::filesystem::path written = aux_xml_path(tif.temp_path());
    if (!std::filesystem::exists(written)) {
        return std::nullopt;
    }
    AtomicFile aux(aux_xml_path(tif.final_path()));
    std::error_code ec;
    std::filesystem::rename(written, aux.temp_path(), ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot rename '{}' to '{}': {}", written.string(),
                                               aux.temp_path().string(), ec.message()));
    }
    return aux;
}

template <typename T>
RgbaImage render(const Raster<T>& raster, const MapStyle& style) {
    RgbaImage image{raster.grid, std::vector<std::uint8_t>(raster.values.size() * 4, 0)};
    for (std::size_t i = 0; i < raster.values.size(); ++i) {
        const T v = raster.values[i];
        if (raster.is_nodata(v)) {
            continue;
        }
        if (const auto c = style.colour_of(static_cast<double>(v))) {
            std::copy(c->begin(), c->end(), image.rgba.begin() + static_cast<long>(i * 4));
        }
    }
    return image;
}

} // namespace

std::vector<MapSpec> scenario_maps(const ScenarioResult& result) {
    const CoverageMaps& m = result.coverage.maps;
    const CapacityResult& c = result.capacity;
    std::vector<MapSpec> maps = {
        {"rsrp_dbm", "RSRP of the serving layer's best server", "dBm", OverviewResampling::average,
         &m.rsrp_dbm},
        {"sinr_db", "SINR of the serving layer", "dB", OverviewResampling::average, &m.sinr_db},
        {"throughput_mbps", "peak downlink throughput of the serving option", "Mbit/s",
         OverviewResampling::average, &c.throughput_mbps},
        {"user_throughput_mbps", "mean user throughput in the busy hour", "Mbit/s",
         OverviewResampling::average, &c.user_throughput_mbps},
        {"best_server", "best-server sector index (results.h5 sector variables)", "",
         OverviewResampling::nearest, &m.best_server},
        {"covered", "covered outdoors by at least one layer (1) or not (0)", "",
         OverviewResampling::nearest, &m.covered},
        {"served", "served with the minimum user throughput (1) or not (0)", "",
         OverviewResampling::nearest, &c.served},
        {"covered_indoor",
         "covered indoors: 0 no, 1 traditional buildings only, 2 all buildings (P.2109)", "",
         OverviewResampling::nearest, &m.covered_indoor},
        {"line_of_sight", "line of sight to the serving layer's best server over the terrain", "",
         OverviewResampling::nearest, &m.line_of_sight},
        {"serving_layer", "index of the serving layer (results.h5 layer variable)", "",
         OverviewResampling::nearest, &m.serving_layer},
    };
    for (std::size_t i = 0; i < m.layers.size() && i < result.layers.size(); ++i) {
        const LayerMaps& lm = m.layers[i];
        const std::string& layer = result.layers[i].name;
        maps.push_back({"layer_rsrp_dbm_" + layer, "RSRP of layer " + layer + "'s best server",
                        "dBm", OverviewResampling::average, &lm.rsrp_dbm, layer, "rsrp_dbm"});
        maps.push_back({"layer_sinr_db_" + layer, "SINR of layer " + layer, "dB",
                        OverviewResampling::average, &lm.sinr_db, layer, "sinr_db"});
        maps.push_back({"layer_covered_" + layer,
                        "covered outdoors by layer " + layer + " (1) or not (0)", "",
                        OverviewResampling::nearest, &lm.covered, layer, "covered"});
    }
    // A result that was not computed (an empty raster) has no map, nor has one that [output]
    // leaves out.
    const OutputSpec& output = result.scenario->output;
    std::erase_if(maps, [&](const MapSpec& spec) {
        return !output.writes(spec.style_metric()) ||
               std::visit([](const auto* raster) { return raster->values.empty(); }, spec.raster);
    });
    return maps;
}

MapSink::MapSink(std::filesystem::path out_dir, bool web_tiles)
    : out_dir_(std::move(out_dir)), web_tiles_(web_tiles) {}

MapSink::~MapSink() {
    for (const auto& [partial, final_dir] : tiles_) {
        std::error_code ec;
        std::filesystem::remove_all(partial, ec); // left only when the scenario failed
    }
}

void MapSink::write(const ScenarioResult& result, const RunInfo& run) {
    const std::string& scenario = result.scenario->name;
    const std::vector<MapSpec> specs = scenario_maps(result);
    if (specs.empty()) {
        return; // [output] maps = []
    }
    const std::filesystem::path dir = out_dir_ / "maps" / scenario;
    make_directories(dir);
    const StyleContext context = style_context(result);
    std::vector<std::optional<MapStyle>> styles(specs.size());
    // The maps are independent GDAL datasets: written (DEFLATE-compressed, with overviews) in
    // parallel, their files kept in map order.
    std::vector<std::vector<AtomicFile>> written(specs.size());
    parallel::for_each_index(std::size_t{0}, specs.size(), [&](std::size_t m) {
        const MapSpec& spec = specs[m];
        styles[m] = map_style(spec.style_metric(), context);
        AtomicFile tif(dir / (spec.metric + ".tif"));
        write_map(tif, spec, map_description(spec, scenario, run, styles[m]), scenario);
        std::optional<AtomicFile> aux = take_side_car(tif);
        written[m].push_back(std::move(tif));
        if (aux) {
            written[m].push_back(std::move(*aux));
        }
        if (!styles[m]) {
            return;
        }
        AtomicFile qml(dir / (spec.metric + ".qml"));
        write_text_file(qml.temp_path(), raster_qml(*styles[m]));
        written[m].push_back(std::move(qml));
        AtomicFile legend(dir / (spec.metric + ".legend.png"));
        write_legend_png(legend.temp_path(), *styles[m]);
        written[m].push_back(std::move(legend));
    });
    for (std::vector<AtomicFile>& files : written) {
        for (AtomicFile& f : files) {
            files_.push_back(std::move(f));
        }
    }
    if (!web_tiles_) {
        return;
    }
    // Tiles of the main maps only: the per-layer maps would multiply the tiles for a web view
    // that shows one serving map at a time.
    for (std::size_t m = 0; m < specs.size(); ++m) {
        if (!styles[m] || !specs[m].layer.empty()) {
            continue;
        }
        const MapSpec& spec = specs[m];
        if (tiles_.empty() || tiles_.back().second != out_dir_ / "tiles" / scenario) {
            const std::filesystem::path final_dir = out_dir_ / "tiles" / scenario;
            std::filesystem::path partial = final_dir;
            partial += ".partial";
            std::error_code ec;
            std::filesystem::remove_all(partial, ec);
            tiles_.emplace_back(partial, final_dir);
        }
        const RgbaImage image = std::visit(
            [&](const auto* raster) { return render(*raster, *styles[m]); }, spec.raster);
        const TileSet set = tile_set(scenario, *styles[m], image.grid);
        const std::filesystem::path set_dir = tiles_.back().first / spec.metric;
        const std::size_t n = write_xyz_tiles(set_dir, image, {set.min_zoom, set.max_zoom});
        make_directories(set_dir);
        write_text_file(set_dir / "tiles.json", tilejson(set, run.covsim_version));
        spdlog::info("scenario {}: {} web tiles of {} (zoom {} to {})", scenario, n, spec.metric,
                     set.min_zoom, set.max_zoom);
    }
}

void MapSink::commit() {
    for (AtomicFile& f : files_) {
        f.commit();
    }
    files_.clear();
    for (const auto& [partial, final_dir] : tiles_) {
        std::error_code ec;
        std::filesystem::remove_all(final_dir, ec);
        std::filesystem::rename(partial, final_dir, ec);
        if (ec) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot rename '{}' to '{}': {}", partial.string(),
                                    final_dir.string(), ec.message()));
        }
    }
    tiles_.clear();
}

} // namespace covsim::io
