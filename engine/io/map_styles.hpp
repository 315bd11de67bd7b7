#pragma once
// How covsim's maps and district layers look: one table lists the style of every map metric
// (class breaks, colours, legend labels), and this module turns an entry into a QGIS style
// (.qml, applied by QGIS when it opens the map), a legend PNG for reports, and colours for web
// tiles. The styles of districts.gpkg's layers (district choropleths, sector wedges) are defined
// here too, with their QML and SLD.
// docs/qgis.md lists the classes and where their breaks come from.

#include "core/result_table.hpp"
#include "io/canvas.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// One class (classified styles) or category (categorical styles) of a style.
struct StyleClass {
    double value = 0.0; // classified: the class's lower bound (inclusive); categorical: the value
    Rgba rgba{0, 0, 0, 255};
    std::string label; // legend text (UTF-8)
};

enum class StyleKind {
    classified,  // ascending lower bounds: a value falls in the last class whose bound it reaches
    categorical, // exact values
};

struct MapStyle {
    std::string metric; // map name, e.g. "rsrp_dbm"
    std::string title;  // legend title with units, e.g. "RSRP (dBm)"
    StyleKind kind = StyleKind::classified;
    std::vector<StyleClass> classes; // classified: the first bound is -inf
    // What the legend PNG shows when it differs from `classes` (best_server: the colour cycle
    // instead of one entry per sector).
    std::vector<StyleClass> legend;

    // The colour of a value; nullopt when no class or category holds it (drawn transparent).
    [[nodiscard]] std::optional<Rgba> colour_of(double value) const;
};

// What the categorical styles take from a scenario.
struct StyleContext {
    std::vector<std::string> layer_names;   // serving_layer categories
    std::vector<std::string> sector_labels; // best_server categories, "site/sector"
};

StyleContext style_context(const ScenarioResult& result);

// The style of a map metric from the table, or nullopt when the table has none.
std::optional<MapStyle> map_style(std::string_view metric, const StyleContext& context);

// A categorical style as a map's own categories (its GDAL colour table and category names, which
// GDAL, R's terra and other readers show without the .qml): the colour and the label of every
// value from 0 to the largest category; a value between categories is transparent and unnamed.
struct BandCategories {
    std::vector<Rgba> colours;
    std::vector<std::string> names;
};
BandCategories band_categories(const MapStyle& style);

// The colours best_server cycles through: sector i is drawn in server_palette()[i % 20].
const std::array<Rgba, 20>& server_palette();

// QGIS styles. The *_xml functions give the elements a .qml file and a layer of a .qgs project
// share (a raster's <pipe>; a vector's renderer, labels and field aliases); the *_qml functions
// give whole .qml documents.
std::string raster_style_xml(const MapStyle& style);
std::string raster_qml(const MapStyle& style);

// A field of a vector layer (districts.gpkg), for the aliases QGIS shows in attribute tables and
// forms.
struct FieldAlias {
    std::string name;
    std::string alias;
};

// A named style of a scenario's district layer: graduated on a numeric field (classified), or
// categories of a text field (categorical: a category's label is the field's value).
struct DistrictStyle {
    std::string name; // the style's name in covsim.qgs and in layer_styles, e.g. "served share"
    MapStyle map;     // map.metric: the field; map.title: what the style shows
};

// The district layer's styles, the default first: served share; cost per subscriber per month,
// broken at multiples of the cost the scenario's affordability threshold allows; the
// affordability verdict; covered share.
std::vector<DistrictStyle> district_styles(const Scenario& scenario);

std::string district_style_xml(const DistrictStyle& style, const std::vector<FieldAlias>& fields);
std::string district_qml(const DistrictStyle& style, const std::vector<FieldAlias>& fields);
// The same style as an OGC Styled Layer Descriptor 1.1 (for GeoServer, QGIS server, ...).
std::string district_sld(const std::string& layer_name, const DistrictStyle& style);
// The district layer's styles in a covsim.qgs layer: a <map-layer-style-manager> listing every
// style (the first current, the others whole), then the first style's elements.
std::string district_project_style_xml(const std::vector<DistrictStyle>& styles,
                                       const std::vector<FieldAlias>& fields);

// The district borders and names drawn above every map of covsim.qgs: no fill, an outline in
// district_outline_colour (the quick look's border colour), the names labelled as in the
// choropleths.
inline constexpr Rgba district_outline_colour{40, 40, 40, 255};
std::string district_outline_style_xml();

// The sector layer: a marker per sector at its site, a 120-degree wedge turned to the sector's
// azimuth_deg (a circle when it is null: omnidirectional), coloured by the load of its cell in
// these classes; the site ids labelled at scales of 1:sector_label_scale and larger.
MapStyle sector_load_style();
inline constexpr double sector_label_scale = 25000.0;
// The sectors are drawn at scales of 1:sector_layer_scale and larger: a city's thousands of
// wedges would hide the district layers below them at the scale of the whole city.
inline constexpr double sector_layer_scale = 150000.0;
// The rotation of the wedge marker, a QGIS expression: QGIS's third_circle points 60 degrees
// left of north unrotated.
inline constexpr const char* sector_rotation_expression = "coalesce(\"azimuth_deg\", 0) + 60";
std::string sector_style_xml(const std::vector<FieldAlias>& fields);
std::string sector_qml(const std::vector<FieldAlias>& fields);
std::string sector_sld(const std::string& layer_name);

// The entries a legend shows, top to bottom: the style's legend, or else its classes, the best
// (highest) class first when classified. The legend PNG and the web viewer show these.
std::vector<StyleClass> legend_swatches(const MapStyle& style);
// A legend image (title and one swatch per entry) as an RGBA PNG written through GDAL.
void write_legend_png(const std::filesystem::path& path, const MapStyle& style);
// "#rrggbb" of a colour (its alpha left out).
std::string hex_of(const Rgba& c);

// XML text with &, <, >, " and ' escaped.
std::string xml_escape(std::string_view text);
// Every line of `text` indented by `spaces`.
std::string indent_xml(const std::string& text, int spaces);

} // namespace covsim::io
