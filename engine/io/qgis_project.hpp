#pragma once
// covsim.qgs: a QGIS project that opens every map and district layer of a run at once, one
// layer group per scenario (in batch order), with relative paths so that the output directory
// can be moved or shared. Each layer carries the same style as its .qml (maps) or its
// layer_styles entries (districts.gpkg), so the project opens fully styled; the district layer
// carries every named style of district_styles().
//
// The layer tree: on top, the district borders and names (the first scenario's district
// polygons, unfilled, labelled), above every map of every scenario. Then a group per scenario:
// its sectors, shown whatever else is; a collapsed, hidden, mutually exclusive group "layers"
// with each radio layer's own maps; and a mutually exclusive group "maps" (one map shown at a
// time): the district choropleth first (shown, its labels left to the borders layer), then the
// rasters. The first scenario's group is shown, the others are hidden.
//
// Map themes (Project → Themes): per scenario, one per main map (each raster of "maps" and
// each named style of the choropleth), named "<scenario>: <map>", showing the borders, the
// sectors and that map. Print layouts (Project → Layouts): one per scenario, named after it,
// its map following the theme of the served-share choropleth, with the headline figures
// (qgis_layout.hpp). Written at commit().
#include "core/grid.hpp"
#include "core/result.hpp"
#include "io/atomic_file.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

class QgisProjectSink final : public ResultSink {
public:
    // With web_tiles, the project also has a group "web tiles": each scenario's XYZ tiles
    // (--web-tiles) as XYZ layers, hidden.
    explicit QgisProjectSink(const std::filesystem::path& path, bool web_tiles = false);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    void commit() override;
    // The layer groups written so far, as JSON (a variant's file, run/variant_store), and the
    // groups of such a file appended to this project.
    void save_groups(const std::filesystem::path& path) const;
    void append(const std::filesystem::path& path);

    enum class Kind {
        raster,    // a map, in the group "maps"
        districts, // the district polygons, in the group "maps"
        sectors,   // the sector points, above the group "maps"
        layer_map, // a radio layer's own map, in the group "layers"
        borders,   // the district borders and names above every group (not in a group)
    };
    struct Layer {
        std::string id; // unique in the group ("districts", "sectors", the metric); the project
                        // id adds the group's index and name
        std::string name;
        std::string source; // relative to the project file
        Kind kind = Kind::raster;
        std::string style;    // the layer's style elements (map_styles)
        bool expanded = true; // legend shown in the layer tree
        // The named styles of the district layer (district_styles), the current first; each
        // gets a map theme. Empty for the other layers.
        std::vector<std::string> style_names;
    };
    // The scenario's headline figures for its print layout: the city's values.
    struct Headline {
        double served_share = 0.0;
        double cost_per_subscriber_usd_per_month = 0.0; // NaN without subscribers
    };
    struct Group {
        std::string name;
        Grid grid; // extent and CRS
        std::vector<Layer> layers;
        Headline headline;
    };

private:
    AtomicFile file_;
    bool web_tiles_ = false;
    std::vector<Group> groups_;
};

} // namespace covsim::io
