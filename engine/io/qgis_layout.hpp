#pragma once
// A print layout of covsim.qgs (QGIS's <Layout> element): one A4 landscape page per scenario with
// its title and headline figures, the map (following a map theme, so that it shows the same
// layers whatever the layer tree shows), a legend of chosen layers, a scale bar in kilometres,
// a north arrow and the date of printing. QGIS exports it as it is (Project → Layouts → Export).
// Every element QGIS fills in by default is left out; item identifiers are derived from the
// layout's index, so that the same batch gives the same project.

#include "core/grid.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace covsim::io {

struct LayoutLegendLayer {
    std::string id;     // the layer's id in the project
    std::string name;   // its name in the legend
    std::string source; // as in the project's layer tree
    std::string provider;
};

struct PrintLayoutSpec {
    std::size_t index = 0; // unique in the project; makes the item identifiers
    std::string name;      // the layout's name in QGIS
    std::string title;
    std::string subtitle;  // the headline figures
    std::string map_theme; // the map item follows this theme
    Grid extent;           // what the map shows (enlarged to the map item's shape)
    std::string crs_authid;
    std::vector<LayoutLegendLayer> legend;
};

// The page and the map item in millimetres, for the tests and for the extent's shape.
inline constexpr double layout_page_width_mm = 297.0;
inline constexpr double layout_page_height_mm = 210.0;
inline constexpr double layout_map_x_mm = 10.0;
inline constexpr double layout_map_y_mm = 30.0;
inline constexpr double layout_map_width_mm = 190.0;
inline constexpr double layout_map_height_mm = 170.0;

std::string print_layout_xml(const PrintLayoutSpec& spec);

} // namespace covsim::io
