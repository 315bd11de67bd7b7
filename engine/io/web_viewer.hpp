#pragma once
// The web deliverable of `covsim run --web-tiles`, beside the XYZ tiles of every styled map
// (io/map_sink: <out>/tiles/<scenario>/<metric>/{z}/{x}/{y}.png):
//   <out>/tiles/<scenario>/<metric>/tiles.json   TileJSON 3.0.0 of the tile set (written by
//                                                 MapSink with the tiles)
//   <out>/index.html                              a Leaflet viewer: every scenario's maps in a
//                                                 layer switcher, one shown at a time, with its
//                                                 legend (io/map_styles: the classes of the .qml
//                                                 and the legend PNGs); the district borders and
//                                                 names, and the sectors, of the shown scenario
//   <out>/web/leaflet/                            Leaflet (from Debian's libjs-leaflet, BSD-2-
//                                                 Clause, its LICENSE beside it)
//   <out>/web/data/<scenario>/districts.geojson   the scenario's district layer of districts.gpkg
//   <out>/web/data/<scenario>/sectors.geojson     and its sector layer, in WGS 84 (RFC 7946)
// Nothing comes from the network, so the directory works offline from any static file server
// (python3 -m http.server). Paths are relative; <scenario> is the GeoPackage's flat table name.
// index.html and web/ are written at commit(), web/ under a temporary name then renamed.

#include "core/grid.hpp"
#include "core/result.hpp"
#include "io/map_styles.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// One map's web tiles: what TileJSON and the viewer say about them.
struct TileSet {
    std::string scenario;
    std::string metric;
    std::string title; // the style's title, e.g. "RSRP (dBm)"
    int min_zoom = 0;
    int max_zoom = 0;
    std::array<double, 4> bounds_deg{}; // west, south, east, north (WGS 84 longitude, latitude)
    std::vector<StyleClass> legend;     // legend_swatches() of the style
};

TileSet tile_set(const std::string& scenario, const MapStyle& style, const Grid& grid);

// A path (a scenario's name) as a URL path: bytes other than RFC 3986's unreserved characters,
// '/' and the sub-delimiters a sweep variant's name uses ('=', ',') percent-encoded.
std::string url_path(const std::string& text);

// The TileJSON 3.0.0 document of a tile set, to be written beside its {z} directories: its
// tiles template "{z}/{x}/{y}.png" is relative to that file (the output directory cannot know
// the URL it will be served from).
std::string tilejson(const TileSet& set, const std::string& covsim_version);

// The directory Leaflet is copied from: $COVSIM_LEAFLET_DIR, or else Debian's libjs-leaflet
// (/usr/share/javascript/leaflet). Throws covsim::Error(usage) naming what is missing, so that
// a run with --web-tiles fails before it computes anything.
std::filesystem::path leaflet_dir();

// The zoom from which the viewer draws the sectors: the first whose scale at the grid's centre
// is 1:sector_layer_scale or larger (io/map_styles; the scale of covsim.qgs's sector layer).
int sector_min_zoom(const Grid& grid);

class WebViewerSink final : public ResultSink {
public:
    explicit WebViewerSink(std::filesystem::path out_dir);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    // The scenarios written so far, as JSON (a variant's file, run/variant_store), and the
    // scenarios of such a file appended to this viewer.
    void save_scenarios(const std::filesystem::path& path) const;
    void append(const std::filesystem::path& path);
    // index.html and web/, from the scenarios and <out>/districts.gpkg (assembled before).
    void commit() override;

    struct Scenario {
        std::string name;
        std::string covsim_version;
        int sector_min_zoom = 0; // sector_min_zoom() of its grid
        std::vector<TileSet> maps;
    };

private:
    std::filesystem::path out_dir_;
    std::vector<Scenario> scenarios_;
};

} // namespace covsim::io
