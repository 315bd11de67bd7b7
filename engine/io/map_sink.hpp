#pragma once
// Writes the maps of each scenario under <out>/maps/<scenario>/: <metric>.tif (Cloud-Optimized
// GeoTIFF; a categorical one with its style's colours and labels as its categories, the names
// in <metric>.tif.aux.xml beside it), and for every metric of the style table (io/map_styles)
// <metric>.qml, the QGIS style QGIS applies when it opens the map, and <metric>.legend.png, its
// legend for reports.
// With web tiles on, also <out>/tiles/<scenario>/<metric>/{z}/{x}/{y}.png (XYZ, Web Mercator)
// and its TileJSON, tiles.json (io/web_viewer).
// Files are written under temporary names (tiles: <out>/tiles/<scenario>.partial/) and renamed
// on commit().

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/geotiff_writer.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace covsim::io {

using MapRaster =
    std::variant<const Raster<float>*, const Raster<std::int32_t>*, const Raster<std::uint8_t>*>;

// One map of a scenario, as written to <metric>.tif.
struct MapSpec {
    std::string metric; // file name without .tif
    std::string description;
    std::string units;
    OverviewResampling overviews = OverviewResampling::average;
    MapRaster raster;
    // A radio layer's own map (layer_rsrp_dbm_<layer>, ...): the layer's name and the style
    // table's key of the map it is drawn like; both empty for the scenario's main maps, whose
    // metric is the style table's key. (Initialised so that the main maps' aggregates can leave
    // them out.)
    std::string layer = {};
    std::string style = {};

    [[nodiscard]] const std::string& style_metric() const { return style.empty() ? metric : style; }
};

// The maps of a scenario, in the order they are written (and listed in covsim.qgs): the main
// maps, then per radio layer (in the scenario's order) its RSRP, SINR and covered maps,
// layer_rsrp_dbm_<layer>, layer_sinr_db_<layer> and layer_covered_<layer>; those of the metrics
// the scenario's [output] maps lists.
std::vector<MapSpec> scenario_maps(const ScenarioResult& result);

class MapSink final : public ResultSink {
public:
    explicit MapSink(std::filesystem::path out_dir, bool web_tiles = false);
    MapSink(const MapSink&) = delete;
    MapSink& operator=(const MapSink&) = delete;
    ~MapSink() override;
    void write(const ScenarioResult& result, const RunInfo& run) override;
    void commit() override;

private:
    std::filesystem::path out_dir_;
    bool web_tiles_ = false;
    // (<out>/tiles/<scenario>.partial, <out>/tiles/<scenario>): written, renamed on commit
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> tiles_;
    std::vector<AtomicFile> files_;
};

} // namespace covsim::io
