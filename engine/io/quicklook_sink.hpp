#pragma once
// Pictures a planner looks at without a GIS (docs/results-format.md, "Quick looks"):
//   maps/<scenario>/quicklook.png  the RSRP map in the colours of its style (io/map_styles),
//                                  with the district outlines, a legend and the headline
//                                  figures;
//   batch.png                      served share against cost per subscriber and month, one
//                                  point per scenario of the batch, with axes, labels and the
//                                  ranges of [uncertainty] as error bars;
//   variants/<v>/tornado.png       which [uncertainty] inputs move the city's served share and
//                                  cost per subscriber most (render_tornado).
// Text is drawn with covsim's embedded bitmap font (io/canvas), so the pictures need no font
// files and are identical from run to run. Each is written under a temporary name and renamed.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/canvas.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace covsim::io {

// Where the analysis grid lands in a quick look: the map's top-left corner in image pixels and
// its scale. Image pixel (px, py) of the map shows the cell (floor((px - left + 0.5) / scale),
// floor((py - top + 0.5) / scale)). The scale is a whole number of pixels per cell when the
// grid's longer side has at most `quicklook_map_size` cells, else the map is that many pixels
// on its longer side.
// Below the legend: a scale bar and a north arrow. The analysis CRS is projected in metres
// (io/gdal_support: analysis_srs), so an image pixel spans cell_size_m / scale metres of the grid
// everywhere; UTM's scale factor (0.9996 to 1.001 within a zone) is left out. The bar's
// length is a round number of kilometres (1, 2 or 5 times a power of ten) that fits in
// quicklook_scale_bar_max_px, drawn in two halves. The grid is north-up: the arrow points up
// (grid north).
struct QuicklookLayout {
    int left = 0;
    int top = 0;
    int map_width = 0;
    int map_height = 0;
    double scale = 1.0; // image pixels per grid cell
    int width = 0;      // of the whole image
    int height = 0;
    double scale_bar_km = 0.0;
    int scale_bar_px = 0;   // the bar's length: scale_bar_km in image pixels, rounded
    int scale_bar_left = 0; // the bar's top-left corner
    int scale_bar_top = 0;
    int north_arrow_left = 0; // top-left corner of the arrow's box (the letter N above it)
    int north_arrow_top = 0;
};

inline constexpr int quicklook_scale_bar_max_px = 240;
inline constexpr int quicklook_scale_bar_height = 10;
inline constexpr int quicklook_north_arrow_width = 24;
inline constexpr int quicklook_north_arrow_height = 36;

// The longest round length (1, 2 or 5 times a power of ten, in km) that is at most `max_px`
// image pixels long at `metres_per_pixel`.
double round_scale_bar_km(double metres_per_pixel, int max_px);

inline constexpr int quicklook_map_size = 1000;
inline constexpr Rgba quicklook_outline{40, 40, 40, 255};      // district borders
inline constexpr Rgba quicklook_no_signal{190, 190, 190, 255}; // in a district, no sector in range
inline constexpr Rgba quicklook_background{255, 255, 255, 255};
inline constexpr Rgba quicklook_ink{30, 30, 30, 255}; // text, the scale bar, the north arrow

QuicklookLayout quicklook_layout(const ScenarioResult& result);
Canvas render_quicklook(const ScenarioResult& result);

// One point of the batch chart, with its ranges ([uncertainty], core/uncertainty.hpp) drawn as
// error bars: horizontal for the cost, vertical for the served share; NaN ends, no bar.
struct ChartPoint {
    std::string label;               // scenario name
    double cost_usd_per_month = 0.0; // city cost per subscriber and month (x)
    double served_share = 0.0;       // city share of the people served (y)
    double cost_low_usd_per_month = std::numeric_limits<double>::quiet_NaN();
    double cost_high_usd_per_month = std::numeric_limits<double>::quiet_NaN();
    double served_share_low = std::numeric_limits<double>::quiet_NaN();
    double served_share_high = std::numeric_limits<double>::quiet_NaN();

    [[nodiscard]] bool has_cost_range() const {
        return std::isfinite(cost_low_usd_per_month) && std::isfinite(cost_high_usd_per_month);
    }
    [[nodiscard]] bool has_served_range() const {
        return std::isfinite(served_share_low) && std::isfinite(served_share_high);
    }
};

// The batch chart's plot area (axes box) in image pixels; points are drawn inside it, the key
// (one line per point: number, name, values) below it.
struct ChartLayout {
    int plot_left = 0;
    int plot_top = 0;
    int plot_right = 0;
    int plot_bottom = 0;
    int width = 0;
    int height = 0;
};

// 900 pixels wide, or as wide as the longest key line needs.
ChartLayout batch_chart_layout(const std::vector<ChartPoint>& points);
// Point i is drawn as a disc of radius 5 in chart_colour(i), numbered i + 1.
Canvas render_batch_chart(const std::vector<ChartPoint>& points);
Rgba chart_colour(std::size_t i);

// Writes maps/<scenario>/quicklook.png under `out_dir` (temporary name, then renamed), with
// the scenario's maps, before its variant is committed; a run writes it when it writes the
// rsrp_dbm map.
void write_quicklook(const std::filesystem::path& out_dir, const ScenarioResult& result);

// The plan's cost curve (run/plan): the city's annualised cost, USD per year, against the served
// share that every district reaches (x, from `shares`); NaN costs are left out.
Canvas render_cost_curve(const std::string& title, const std::vector<double>& shares,
                         const std::vector<double>& city_cost_usd_per_year);
void write_cost_curve_chart(const std::filesystem::path& path, const std::string& title,
                            const std::vector<double>& shares,
                            const std::vector<double>& city_cost_usd_per_year);

// The tornado chart of a scenario's ranges: two panels, the city's served share (%) and cost per
// subscriber (USD a month), a row per input in the table's order (largest cost swing first), each
// with a bar from the central value to the value at the input's low end (light) and at its high
// end (dark), none where the value does not move, labelled with the key and the two ends.
inline constexpr Rgba tornado_low_colour{158, 202, 225, 255}; // an input at its low end
inline constexpr Rgba tornado_high_colour{33, 113, 181, 255}; // at its high end
Canvas render_tornado(const std::string& scenario, const Ranges& ranges,
                      double central_served_share, double central_cost_usd_per_month);
// Writes render_tornado to `path` (temporary name, then renamed).
void write_tornado_chart(const std::filesystem::path& path, const ScenarioResult& result);

// Writes the batch chart to `path` (temporary name, then renamed).
void write_batch_chart(const std::filesystem::path& path, const std::vector<ChartPoint>& points);

} // namespace covsim::io
