#include "io/map_styles.hpp"

#include "core/error.hpp"
#include "io/canvas.hpp"
#include "io/geotiff_writer.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <optional>

namespace covsim::io {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

constexpr std::uint8_t hex_digit(char c) {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

// "#rrggbb" (lower case) to an opaque colour.
constexpr Rgba hex(const char* text) {
    auto byte = [&](int i) {
        return static_cast<std::uint8_t>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1]));
    };
    return {byte(1), byte(3), byte(5), 255};
}

// ---------------------------------------------------------------------------------------------
// The style table. docs/qgis.md explains every break; change both together.
//
// Signal classes use ColorBrewer's 5-class RdYlGn (red: no service ... green: excellent), the
// convention of drive-test and planning tools; throughput uses the 6-class viridis ramp
// (perceptually uniform, readable by colour-blind readers and in grey print).

constexpr Rgba red = hex("#d7191c");
constexpr Rgba orange = hex("#fdae61");
constexpr Rgba yellow = hex("#ffffbf");
constexpr Rgba light_green = hex("#a6d96a");
constexpr Rgba green = hex("#1a9641");

// Peak and busy-hour user throughput, Mbit/s.
const std::vector<StyleClass>& throughput_classes() {
    static const std::vector<StyleClass> classes = {
        {-inf, hex("#440154"), "< 2"},         {2.0, hex("#414487"), "2 to 10"},
        {10.0, hex("#2a788e"), "10 to 25"},    {25.0, hex("#22a884"), "25 to 100"},
        {100.0, hex("#7ad151"), "100 to 300"}, {300.0, hex("#fde725"), "\u2265 300"}};
    return classes;
}

struct TableEntry {
    const char* metric;
    const char* title;
    StyleKind kind;
    std::vector<StyleClass> classes; // categorical entries filled from the scenario: empty
};

const std::vector<TableEntry>& style_table() {
    static const std::vector<TableEntry> table = {
        {"rsrp_dbm",
         "RSRP (dBm)",
         StyleKind::classified,
         {{-inf, red, "< \u2212110  no service"},
          {-110.0, orange, "\u2212110 to \u2212100  poor (cell edge)"},
          {-100.0, yellow, "\u2212100 to \u221290  fair"},
          {-90.0, light_green, "\u221290 to \u221280  good"},
          {-80.0, green, "\u2265 \u221280  excellent"}}},
        {"sinr_db",
         "SINR (dB)",
         StyleKind::classified,
         {{-inf, red, "< \u22125  no service"},
          {-5.0, orange, "\u22125 to 0  poor (cell edge)"},
          {0.0, yellow, "0 to 13  fair"},
          {13.0, light_green, "13 to 20  good"},
          {20.0, green, "\u2265 20  excellent"}}},
        {"throughput_mbps", "Throughput (Mbit/s)", StyleKind::classified, throughput_classes()},
        {"user_throughput_mbps", "User throughput, busy hour (Mbit/s)", StyleKind::classified,
         throughput_classes()},
        {"covered",
         "Covered outdoors",
         StyleKind::categorical,
         {{0.0, red, "not covered"}, {1.0, green, "covered"}}},
        {"served",
         "Served (minimum user throughput)",
         StyleKind::categorical,
         {{0.0, red, "not served"}, {1.0, green, "served"}}},
        {"covered_indoor",
         "Covered indoors (ITU-R P.2109)",
         StyleKind::categorical,
         {{0.0, red, "not covered indoors"},
          {1.0, Rgba{253, 174, 97, 255}, "traditional buildings only"},
          {2.0, green, "all buildings"}}},
        {"line_of_sight",
         "Line of sight to the best server",
         StyleKind::categorical,
         {{0.0, Rgba{120, 120, 120, 255}, "obstructed by terrain"},
          {1.0, Rgba{255, 255, 178, 255}, "line of sight"}}},
        {"serving_layer", "Serving layer", StyleKind::categorical, {}},
        {"best_server", "Best server (sector)", StyleKind::categorical, {}},
    };
    return table;
}

// Layers of a scenario (serving_layer), ColorBrewer Set1 reordered.
const std::array<Rgba, 8> layer_palette = {hex("#377eb8"), hex("#e41a1c"), hex("#4daf4a"),
                                           hex("#984ea3"), hex("#ff7f00"), hex("#ffff33"),
                                           hex("#a65628"), hex("#f781bf")};

// District choropleths of shares of people (covered_share, served_share: fractions),
// ColorBrewer's 6-class RdYlGn.
const std::vector<StyleClass>& share_classes() {
    static const std::vector<StyleClass> classes = {
        {-inf, hex("#d73027"), "< 50 %"},     {0.5, hex("#fc8d59"), "50 to 80 %"},
        {0.8, hex("#fee08b"), "80 to 90 %"},  {0.9, hex("#d9ef8b"), "90 to 95 %"},
        {0.95, hex("#91cf60"), "95 to 99 %"}, {0.99, hex("#1a9850"), "\u2265 99 %"}};
    return classes;
}

// The largest float below `bound`: QGIS's discrete colour ramps and graduated renderers put a
// value equal to a class's upper bound into that class, so an upper bound just below the next
// class's lower bound keeps every class closed below and open above, like the table says. The
// maps are float32, so the next float32 down is exact for them.
double float_below(double bound) {
    return static_cast<double>(
        std::nextafter(static_cast<float>(bound), -std::numeric_limits<float>::infinity()));
}

std::string number(double v) {
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    return fmt::format("{}", v);
}

} // namespace

// ---------------------------------------------------------------------------------------------

std::string hex_of(const Rgba& c) {
    return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

std::optional<Rgba> MapStyle::colour_of(double value) const {
    if (std::isnan(value) || classes.empty()) {
        return std::nullopt;
    }
    if (kind == StyleKind::classified) {
        for (auto it = classes.rbegin(); it != classes.rend(); ++it) {
            if (value >= it->value) {
                return it->rgba;
            }
        }
        return std::nullopt;
    }
    // Categories are sorted by value.
    auto it = std::lower_bound(classes.begin(), classes.end(), value,
                               [](const StyleClass& c, double v) { return c.value < v; });
    if (it == classes.end() || it->value != value) {
        return std::nullopt;
    }
    return it->rgba;
}

StyleContext style_context(const ScenarioResult& result) {
    StyleContext c;
    for (const auto& l : result.layers) {
        c.layer_names.push_back(l.name);
    }
    c.sector_labels.reserve(result.sectors.size());
    for (const Sector& s : result.sectors) {
        c.sector_labels.push_back(s.site_id + "/" + s.sector_id);
    }
    return c;
}

const std::array<Rgba, 20>& server_palette() {
    // Sasha Trubetskoy's "List of 20 Simple, Distinct Colors" without white and black.
    static const std::array<Rgba, 20> palette = {
        hex("#e6194b"), hex("#3cb44b"), hex("#ffe119"), hex("#4363d8"), hex("#f58231"),
        hex("#911eb4"), hex("#42d4f4"), hex("#f032e6"), hex("#bfef45"), hex("#fabed4"),
        hex("#469990"), hex("#dcbeff"), hex("#9a6324"), hex("#fffac8"), hex("#800000"),
        hex("#aaffc3"), hex("#808000"), hex("#ffd8b1"), hex("#000075"), hex("#a9a9a9")};
    return palette;
}

std::optional<MapStyle> map_style(std::string_view metric, const StyleContext& context) {
    const auto& table = style_table();
    auto entry = std::find_if(table.begin(), table.end(),
                              [&](const TableEntry& e) { return metric == e.metric; });
    if (entry == table.end()) {
        return std::nullopt;
    }
    MapStyle s{entry->metric, entry->title, entry->kind, entry->classes, {}};
    if (metric == "serving_layer") {
        for (std::size_t i = 0; i < context.layer_names.size(); ++i) {
            s.classes.push_back({static_cast<double>(i), layer_palette[i % layer_palette.size()],
                                 context.layer_names[i]});
        }
    } else if (metric == "best_server") {
        const auto& palette = server_palette();
        for (std::size_t i = 0; i < context.sector_labels.size(); ++i) {
            s.classes.push_back(
                {static_cast<double>(i), palette[i % palette.size()], context.sector_labels[i]});
        }
        // The legend names the first sectors of each colour by their site and sector ids (the
        // Sectors layer's), as Identify names a cell's sector.
        const std::size_t shown = std::min(palette.size(), context.sector_labels.size());
        for (std::size_t i = 0; i < shown; ++i) {
            std::string label;
            for (std::size_t k = i; k < context.sector_labels.size() && k < i + 3 * palette.size();
                 k += palette.size()) {
                label += (label.empty() ? "" : ", ") + context.sector_labels[k];
            }
            if (i + 3 * palette.size() < context.sector_labels.size()) {
                label += ", ...";
            }
            s.legend.push_back({static_cast<double>(i), palette[i], label});
        }
    }
    return s;
}

BandCategories band_categories(const MapStyle& style) {
    BandCategories b;
    if (style.kind != StyleKind::categorical || style.classes.empty()) {
        return b;
    }
    // Categories are sorted by value, from 0.
    const auto size = static_cast<std::size_t>(style.classes.back().value) + 1;
    b.colours.assign(size, Rgba{0, 0, 0, 0});
    b.names.assign(size, "");
    for (const StyleClass& c : style.classes) {
        const auto value = static_cast<std::size_t>(c.value);
        b.colours[value] = c.rgba;
        b.names[value] = c.label;
    }
    return b;
}

std::vector<DistrictStyle> district_styles(const Scenario& scenario) {
    // The cost per subscriber and month at the affordability threshold (core/cost.hpp), and
    // classes at 1/4, 1/2, 1, 2 and 4 times it: green below, red above, ColorBrewer's RdYlGn.
    const double limit =
        scenario.cost.affordability_threshold * scenario.cost.gni_per_capita_usd_per_year / 12.0;
    std::vector<StyleClass> cost;
    const std::array<Rgba, 6> cost_colours = {hex("#1a9850"), hex("#91cf60"), hex("#d9ef8b"),
                                              hex("#fee08b"), hex("#fc8d59"), hex("#d73027")};
    const std::array<double, 5> factors = {0.25, 0.5, 1.0, 2.0, 4.0};
    for (std::size_t i = 0; i < cost_colours.size(); ++i) {
        const double lower = i == 0 ? -inf : factors[i - 1] * limit;
        std::string label = i == 0 ? fmt::format("< {:.2f}", factors[0] * limit)
                            : i + 1 < cost_colours.size()
                                ? fmt::format("{:.2f} to {:.2f}", lower, factors[i] * limit)
                                : fmt::format("\u2265 {:.2f}", lower);
        if (i == 2) {
            label += "  affordable up to here";
        }
        cost.push_back({lower, cost_colours[i], label});
    }
    return {
        {"served share",
         {"served_share",
          "Share of the people served",
          StyleKind::classified,
          share_classes(),
          {}}},
        {"cost per subscriber",
         {"cost_per_subscriber_usd_per_month",
          "Cost per subscriber and month (USD)",
          StyleKind::classified,
          cost,
          {}}},
        {"affordability",
         {"verdict",
          "Affordability verdict",
          StyleKind::categorical,
          {{0.0, hex("#1a9850"), "affordable"},
           {1.0, hex("#fdae61"), "under-served"},
           {2.0, hex("#d73027"), "not affordable"}},
          {}}},
        {"covered share",
         {"covered_share",
          "Share of the people covered outdoors",
          StyleKind::classified,
          share_classes(),
          {}}},
    };
}

MapStyle sector_load_style() {
    return {"load",
            "Busy-hour load of the sector's cell",
            StyleKind::classified,
            {{-inf, green, "< 0.5"},
             {0.5, light_green, "0.5 to 0.8"},
             {0.8, orange, "0.8 to 1"},
             {1.0, red, "\u2265 1  overloaded"}},
            {}};
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// QGIS styles (QGIS 3.22 and later read them; QGIS fills in every element left out).

namespace {

constexpr const char* qml_doctype = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
constexpr const char* qml_version = "3.22.0-covsim";

} // namespace

std::string raster_style_xml(const MapStyle& style) {
    std::string x;
    x += "<pipe>\n";
    x += "  <provider>\n";
    x += "    <resampling enabled=\"false\" zoomedInResamplingMethod=\"nearestNeighbour\" "
         "zoomedOutResamplingMethod=\"nearestNeighbour\" maxOversampling=\"2\"/>\n";
    x += "  </provider>\n";
    if (style.kind == StyleKind::classified) {
        const double lo = style.classes.size() > 1 ? style.classes[1].value : 0.0;
        const double hi = style.classes.back().value;
        x += fmt::format("  <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" "
                         "opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\" "
                         "classificationMin=\"{}\" classificationMax=\"{}\">\n",
                         number(lo), number(hi));
        x += "    <rastershader>\n";
        x += fmt::format("      <colorrampshader colorRampType=\"DISCRETE\" "
                         "classificationMode=\"1\" clip=\"0\" minimumValue=\"{}\" "
                         "maximumValue=\"{}\" labelPrecision=\"0\">\n",
                         number(lo), number(hi));
        for (std::size_t i = 0; i < style.classes.size(); ++i) {
            const StyleClass& c = style.classes[i];
            const double upper =
                i + 1 < style.classes.size() ? float_below(style.classes[i + 1].value) : inf;
            x +=
                fmt::format("        <item value=\"{}\" color=\"{}\" alpha=\"{}\" label=\"{}\"/>\n",
                            number(upper), hex_of(c.rgba), c.rgba[3], xml_escape(c.label));
        }
        x += "      </colorrampshader>\n";
        x += "    </rastershader>\n";
    } else {
        x += "  <rasterrenderer type=\"paletted\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" "
             "nodataColor=\"\">\n";
        x += "    <colorPalette>\n";
        for (const StyleClass& c : style.classes) {
            x += fmt::format(
                "      <paletteEntry value=\"{}\" color=\"{}\" alpha=\"{}\" label=\"{}\"/>\n",
                number(c.value), hex_of(c.rgba), c.rgba[3], xml_escape(c.label));
        }
        x += "    </colorPalette>\n";
    }
    x += "  </rasterrenderer>\n";
    x += "  <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n";
    x += "  <huesaturation saturation=\"0\" grayscaleMode=\"0\" invertColors=\"0\" "
         "colorizeOn=\"0\" colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\" "
         "colorizeStrength=\"100\"/>\n";
    x += "  <rasterresampler maxOversampling=\"2\"/>\n";
    x += "  <resamplingStage>resamplingFilter</resamplingStage>\n";
    x += "</pipe>\n";
    x += "<blendMode>0</blendMode>\n";
    return x;
}

std::string indent_xml(const std::string& text, int spaces) {
    std::string out;
    const std::string pad(static_cast<std::size_t>(spaces), ' ');
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::size_t stop = end == std::string::npos ? text.size() : end + 1;
        out += pad;
        out.append(text, start, stop - start);
        start = stop;
    }
    return out;
}

std::string raster_qml(const MapStyle& style) {
    std::string x = qml_doctype;
    x += fmt::format("<qgis version=\"{}\" styleCategories=\"AllStyleCategories\" "
                     "hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">\n",
                     qml_version);
    x += indent_xml(raster_style_xml(style), 2);
    x += "</qgis>\n";
    return x;
}

namespace {

std::string rgba_text(const Rgba& c) {
    return fmt::format("{},{},{},{}", c[0], c[1], c[2], c[3]);
}

std::string option(const char* name, const std::string& value) {
    return fmt::format("<Option name=\"{}\" value=\"{}\" type=\"QString\"/>", name,
                       xml_escape(value));
}

// A symbol layer's <data_defined_properties>: each property given by a QGIS expression.
std::string data_defined(const std::vector<std::pair<const char*, std::string>>& expressions) {
    std::string x = "<data_defined_properties>\n  <Option type=\"Map\">\n";
    x += "    <Option name=\"name\" value=\"\" type=\"QString\"/>\n";
    x += "    <Option name=\"properties\" type=\"Map\">\n";
    for (const auto& [property, expression] : expressions) {
        x += fmt::format("      <Option name=\"{}\" type=\"Map\">\n", property);
        x += "        <Option name=\"active\" value=\"true\" type=\"bool\"/>\n";
        x += "        " + option("expression", expression) + "\n";
        x += "        <Option name=\"type\" value=\"3\" type=\"int\"/>\n"; // expression-based
        x += "      </Option>\n";
    }
    x += "    </Option>\n";
    x += "    <Option name=\"type\" value=\"collection\" type=\"QString\"/>\n";
    x += "  </Option>\n</data_defined_properties>\n";
    return x;
}

// A QGIS symbol of one symbol layer: `type` (fill, marker) and the layer's class, its options
// in order, and its data-defined properties (empty: none).
std::string symbol(const char* type, std::size_t index, const char* layer_class,
                   const std::vector<std::pair<const char*, std::string>>& options,
                   const std::string& data_defined_xml) {
    std::string x;
    x += fmt::format("<symbol type=\"{}\" name=\"{}\" alpha=\"1\" clip_to_extent=\"1\" "
                     "force_rhr=\"0\">\n",
                     type, index);
    x += fmt::format("  <layer class=\"{}\" enabled=\"1\" locked=\"0\" pass=\"0\">\n", layer_class);
    x += "    <Option type=\"Map\">\n";
    for (const auto& [name, value] : options) {
        x += "      " + option(name, value) + "\n";
    }
    x += "    </Option>\n";
    x += indent_xml(data_defined_xml, 4);
    x += "  </layer>\n";
    x += "</symbol>\n";
    return x;
}

std::string fill_symbol(std::size_t index, const Rgba& fill) {
    return symbol("fill", index, "SimpleFill",
                  {{"color", rgba_text(fill)},
                   {"joinstyle", "bevel"},
                   {"outline_color", "80,80,80,255"},
                   {"outline_style", "solid"},
                   {"outline_width", "0.26"},
                   {"outline_width_unit", "MM"},
                   {"style", "solid"}},
                  "");
}

// A sector: a wedge with its tip at the site, turned to the azimuth; a circle when omnidirectional.
std::string sector_symbol(std::size_t index, const Rgba& fill) {
    return symbol("marker", index, "SimpleMarker",
                  {{"angle", "0"},
                   {"color", rgba_text(fill)},
                   {"horizontal_anchor_point", "1"},
                   {"joinstyle", "bevel"},
                   {"name", "third_circle"},
                   {"offset", "0,0"},
                   {"offset_unit", "MM"},
                   {"outline_color", "50,50,50,255"},
                   {"outline_style", "solid"},
                   {"outline_width", "0.2"},
                   {"outline_width_unit", "MM"},
                   {"scale_method", "diameter"},
                   {"size", "6"},
                   {"size_unit", "MM"},
                   {"vertical_anchor_point", "1"}},
                  data_defined({{"angle", sector_rotation_expression},
                                {"name", "if(\"azimuth_deg\" IS NULL, 'circle', "
                                         "'third_circle')"}}));
}

using SymbolMaker = std::string (*)(std::size_t, const Rgba&);

// A graduated renderer on style.metric, classes closed below and open above (see float_below;
// the fields are float64, so the bound below is the next double down). The fields are never
// negative; the last class has no end: a share may exceed 1 by a rounding error (1 + 2e-16).
std::string graduated_renderer(const MapStyle& style, SymbolMaker symbol) {
    std::string x;
    x += fmt::format("<renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" "
                     "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
                     "forceraster=\"0\">\n",
                     xml_escape(style.metric));
    x += "  <ranges>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        const double lower = i == 0 ? 0.0 : style.classes[i].value;
        const double upper = i + 1 < style.classes.size()
                                 ? std::nextafter(style.classes[i + 1].value, -inf)
                                 : std::numeric_limits<double>::max();
        x += fmt::format("    <range lower=\"{}\" upper=\"{}\" symbol=\"{}\" label=\"{}\" "
                         "render=\"true\"/>\n",
                         number(lower), number(upper), i, xml_escape(style.classes[i].label));
    }
    x += "  </ranges>\n";
    x += "  <symbols>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        x += indent_xml(symbol(i, style.classes[i].rgba), 4);
    }
    x += "  </symbols>\n";
    x += "  <classificationMethod id=\"Custom\">\n";
    x += "    <labelFormat format=\"%1 - %2\" labelprecision=\"4\" trimtrailingzeroes=\"1\"/>\n";
    x += "  </classificationMethod>\n";
    x += "</renderer-v2>\n";
    return x;
}

// A categorised renderer on the text field style.metric: a category's label is its value.
std::string categorized_renderer(const MapStyle& style, SymbolMaker symbol) {
    std::string x;
    x += fmt::format("<renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" "
                     "enableorderby=\"0\" forceraster=\"0\">\n",
                     xml_escape(style.metric));
    x += "  <categories>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        const std::string label = xml_escape(style.classes[i].label);
        x += fmt::format("    <category value=\"{}\" symbol=\"{}\" label=\"{}\" "
                         "render=\"true\"/>\n",
                         label, i, label);
    }
    x += "  </categories>\n";
    x += "  <symbols>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        x += indent_xml(symbol(i, style.classes[i].rgba), 4);
    }
    x += "  </symbols>\n";
    x += "</renderer-v2>\n";
    return x;
}

// Labels of `field` on a white halo; `placement` is the <placement> element; `max_scale` > 0
// shows them only at scales of 1:max_scale and larger.
std::string labeling(const char* field, const std::string& placement, double max_scale) {
    std::string x;
    x += "<labeling type=\"simple\">\n";
    x += "  <settings calloutType=\"simple\">\n";
    x += fmt::format("    <text-style fieldName=\"{}\" isExpression=\"0\" "
                     "fontFamily=\"Sans Serif\" namedStyle=\"Regular\" fontSize=\"8\" "
                     "fontSizeUnit=\"Point\" fontWeight=\"50\" textColor=\"30,30,30,255\" "
                     "textOpacity=\"1\" multilineHeight=\"1\">\n",
                     field);
    x += "      <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
         "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\" bufferNoFill=\"1\" "
         "bufferJoinStyle=\"128\"/>\n";
    x += "    </text-style>\n";
    x += "    <text-format wrapChar=\"\" autoWrapLength=\"12\" "
         "useMaxLineLengthForAutoWrap=\"1\" multilineAlign=\"3\"/>\n";
    x += "    " + placement + "\n";
    // QGIS names them the other way round: scaleMax is the smallest scale (largest denominator).
    x += fmt::format("    <rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" "
                     "upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" "
                     "displayAll=\"0\" scaleVisibility=\"{}\" scaleMin=\"0\" scaleMax=\"{}\" "
                     "fontLimitPixelSize=\"0\" limitNumLabels=\"0\" zIndex=\"0\"/>\n",
                     max_scale > 0.0 ? 1 : 0, number(max_scale));
    x += "  </settings>\n";
    x += "</labeling>\n";
    return x;
}

// Field aliases and the layer-wide settings that close a vector style.
std::string vector_style_tail(const std::vector<FieldAlias>& fields, int geometry_type) {
    std::string x = "<aliases>\n";
    for (const FieldAlias& f : fields) {
        x += fmt::format("  <alias field=\"{}\" name=\"{}\"/>\n", xml_escape(f.name),
                         xml_escape(f.alias));
    }
    x += "</aliases>\n";
    x += "<blendMode>0</blendMode>\n";
    x += "<featureBlendMode>0</featureBlendMode>\n";
    x += "<layerOpacity>1</layerOpacity>\n";
    x += "<legend type=\"default-vector\" showLabelLegend=\"0\"/>\n";
    x += fmt::format("<layerGeometryType>{}</layerGeometryType>\n", geometry_type);
    return x;
}

// A whole vector style: the <qgis> element of a .qml file, or of a named style in a project;
// with `min_scale`, the layer is drawn only at scales of 1:min_scale and larger.
std::string vector_qgis_element(const std::string& style_xml,
                                std::optional<double> min_scale = std::nullopt) {
    std::string x = fmt::format("<qgis version=\"{}\" styleCategories=\"AllStyleCategories\" "
                                "labelsEnabled=\"1\" hasScaleBasedVisibilityFlag=\"{}\" "
                                "minScale=\"{:g}\" maxScale=\"0\" readOnly=\"0\">\n",
                                qml_version, min_scale ? 1 : 0, min_scale.value_or(1e8));
    x += indent_xml(style_xml, 2);
    x += "</qgis>\n";
    return x;
}

// District names, placed inside each polygon.
std::string district_name_labels() {
    return labeling("name",
                    "<placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" "
                    "fitInPolygonOnly=\"0\" polygonPlacementFlags=\"2\" priority=\"5\" "
                    "dist=\"0\"/>",
                    0.0);
}

} // namespace

std::string district_style_xml(const DistrictStyle& style, const std::vector<FieldAlias>& fields) {
    std::string x = style.map.kind == StyleKind::classified
                        ? graduated_renderer(style.map, fill_symbol)
                        : categorized_renderer(style.map, fill_symbol);
    x += district_name_labels();
    x += vector_style_tail(fields, 2);
    return x;
}

std::string district_outline_style_xml() {
    std::string x = "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
                    "forceraster=\"0\">\n";
    x += "  <symbols>\n";
    x += indent_xml(symbol("fill", 0, "SimpleFill",
                           {{"color", "0,0,0,0"},
                            {"joinstyle", "round"},
                            {"outline_color", rgba_text(district_outline_colour)},
                            {"outline_style", "solid"},
                            {"outline_width", "0.5"},
                            {"outline_width_unit", "MM"},
                            {"style", "no"}},
                           ""),
                    4);
    x += "  </symbols>\n";
    x += "</renderer-v2>\n";
    x += district_name_labels();
    x += vector_style_tail({}, 2);
    return x;
}

std::string district_qml(const DistrictStyle& style, const std::vector<FieldAlias>& fields) {
    return qml_doctype + vector_qgis_element(district_style_xml(style, fields));
}

std::string district_project_style_xml(const std::vector<DistrictStyle>& styles,
                                       const std::vector<FieldAlias>& fields) {
    std::string x =
        fmt::format("<map-layer-style-manager current=\"{}\">\n", xml_escape(styles.front().name));
    for (std::size_t i = 0; i < styles.size(); ++i) {
        if (i == 0) { // the current style is the layer's own
            x += fmt::format("  <map-layer-style name=\"{}\"/>\n", xml_escape(styles[i].name));
            continue;
        }
        x += fmt::format("  <map-layer-style name=\"{}\">\n", xml_escape(styles[i].name));
        x += indent_xml(vector_qgis_element(district_style_xml(styles[i], fields)), 4);
        x += "  </map-layer-style>\n";
    }
    x += "</map-layer-style-manager>\n";
    x += district_style_xml(styles.front(), fields);
    return x;
}

std::string sector_style_xml(const std::vector<FieldAlias>& fields) {
    std::string x = graduated_renderer(sector_load_style(), sector_symbol);
    // Site ids above the sites, when zoomed in far enough to read them: one label at a point
    // (the sectors of a site share it; the others collide with it and are not drawn).
    x += labeling("site_id",
                  "<placement placement=\"1\" quadOffset=\"1\" xOffset=\"0\" yOffset=\"-3\" "
                  "offsetUnits=\"MM\" priority=\"5\"/>",
                  sector_label_scale);
    x += vector_style_tail(fields, 0);
    return x;
}

std::string sector_qml(const std::vector<FieldAlias>& fields) {
    return qml_doctype + vector_qgis_element(sector_style_xml(fields), sector_layer_scale);
}

namespace {

std::string sld_header(const std::string& layer_name, const std::string& style_name) {
    std::string x;
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<StyledLayerDescriptor version=\"1.1.0\" xmlns=\"http://www.opengis.net/sld\" "
         "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
         "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.opengis.net/sld "
         "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n";
    x += " <NamedLayer>\n";
    x += fmt::format("  <se:Name>{}</se:Name>\n", xml_escape(layer_name));
    x += "  <UserStyle>\n";
    x += fmt::format("   <se:Name>{}</se:Name>\n", xml_escape(style_name));
    x += "   <se:FeatureTypeStyle>\n";
    return x;
}

std::string sld_footer() {
    return "   </se:FeatureTypeStyle>\n  </UserStyle>\n </NamedLayer>\n</StyledLayerDescriptor>\n";
}

// The filter of class i of a style: a range of a classified style, a value of a categorical one.
std::string sld_filter(const MapStyle& style, std::size_t i) {
    auto comparison = [&](const char* op, const std::string& v) {
        return fmt::format("<ogc:{0}><ogc:PropertyName>{1}</ogc:PropertyName>"
                           "<ogc:Literal>{2}</ogc:Literal></ogc:{0}>",
                           op, style.metric, xml_escape(v));
    };
    const StyleClass& c = style.classes[i];
    if (style.kind == StyleKind::categorical) {
        return comparison("PropertyIsEqualTo", c.label);
    }
    const bool has_lower = i > 0;
    const bool has_upper = i + 1 < style.classes.size();
    if (has_lower && has_upper) {
        return "<ogc:And>" + comparison("PropertyIsGreaterThanOrEqualTo", number(c.value)) +
               comparison("PropertyIsLessThan", number(style.classes[i + 1].value)) + "</ogc:And>";
    }
    if (has_lower) {
        return comparison("PropertyIsGreaterThanOrEqualTo", number(c.value));
    }
    return comparison("PropertyIsLessThan", number(style.classes[i + 1].value));
}

// One rule per class, drawn by `symbolizer(colour)`.
template <class Symbolizer>
std::string sld_rules(const MapStyle& style, Symbolizer symbolizer) {
    std::string x;
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        const StyleClass& c = style.classes[i];
        x += "    <se:Rule>\n";
        x += fmt::format("     <se:Name>{}</se:Name>\n", xml_escape(c.label));
        x += fmt::format("     <se:Description><se:Title>{}</se:Title></se:Description>\n",
                         xml_escape(c.label));
        x += "     <ogc:Filter>" + sld_filter(style, i) + "</ogc:Filter>\n";
        x += symbolizer(hex_of(c.rgba));
        x += "    </se:Rule>\n";
    }
    return x;
}

std::string sld_label_rule(const char* field, double max_scale) {
    std::string x = "    <se:Rule>\n";
    if (max_scale > 0.0) {
        x += fmt::format("     <se:MaxScaleDenominator>{}</se:MaxScaleDenominator>\n",
                         number(max_scale));
    }
    x += "     <se:TextSymbolizer>\n";
    x += fmt::format("      <se:Label><ogc:PropertyName>{}</ogc:PropertyName></se:Label>\n", field);
    x += "      <se:Font><se:SvgParameter name=\"font-family\">Sans Serif</se:SvgParameter>"
         "<se:SvgParameter name=\"font-size\">11</se:SvgParameter></se:Font>\n";
    x += "      <se:LabelPlacement><se:PointPlacement><se:AnchorPoint>"
         "<se:AnchorPointX>0.5</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY>"
         "</se:AnchorPoint></se:PointPlacement></se:LabelPlacement>\n";
    x += "      <se:Halo><se:Radius>2</se:Radius><se:Fill><se:SvgParameter name=\"fill\">"
         "#ffffff</se:SvgParameter></se:Fill></se:Halo>\n";
    x += "      <se:Fill><se:SvgParameter name=\"fill\">#1e1e1e</se:SvgParameter></se:Fill>\n";
    x += "     </se:TextSymbolizer>\n";
    x += "    </se:Rule>\n";
    return x;
}

} // namespace

std::string district_sld(const std::string& layer_name, const DistrictStyle& style) {
    std::string x = sld_header(layer_name, "covsim " + style.name);
    x += sld_rules(style.map, [](const std::string& colour) {
        return fmt::format("     <se:PolygonSymbolizer>\n"
                           "      <se:Fill><se:SvgParameter name=\"fill\">{}</se:SvgParameter>"
                           "</se:Fill>\n"
                           "      <se:Stroke><se:SvgParameter name=\"stroke\">#505050"
                           "</se:SvgParameter><se:SvgParameter name=\"stroke-width\">1"
                           "</se:SvgParameter></se:Stroke>\n"
                           "     </se:PolygonSymbolizer>\n",
                           colour);
    });
    x += sld_label_rule("name", 0.0);
    x += sld_footer();
    return x;
}

// SLD has no wedge: a triangle pointing to the azimuth stands for each sector.
std::string sector_sld(const std::string& layer_name) {
    std::string x = sld_header(layer_name, "covsim sector load");
    x += sld_rules(sector_load_style(), [](const std::string& colour) {
        return fmt::format("     <se:PointSymbolizer>\n"
                           "      <se:Graphic><se:Mark><se:WellKnownName>triangle"
                           "</se:WellKnownName><se:Fill><se:SvgParameter name=\"fill\">{}"
                           "</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter "
                           "name=\"stroke\">#323232</se:SvgParameter></se:Stroke></se:Mark>"
                           "<se:Size>14</se:Size><se:Rotation><ogc:PropertyName>azimuth_deg"
                           "</ogc:PropertyName></se:Rotation></se:Graphic>\n"
                           "     </se:PointSymbolizer>\n",
                           colour);
    });
    x += sld_label_rule("site_id", sector_label_scale);
    x += sld_footer();
    return x;
}

// ---------------------------------------------------------------------------------------------
// Legend images, drawn on io/canvas with its embedded bitmap font and written as PNG.

std::vector<StyleClass> legend_swatches(const MapStyle& style) {
    std::vector<StyleClass> entries = style.legend.empty() ? style.classes : style.legend;
    if (style.kind == StyleKind::classified) {
        std::reverse(entries.begin(), entries.end()); // the best class on top
    }
    return entries;
}

void write_legend_png(const std::filesystem::path& path, const MapStyle& style) {
    const std::vector<StyleClass> entries = legend_swatches(style);
    constexpr int margin = 12;
    constexpr int swatch_w = 36;
    constexpr int swatch_h = font::line_h;
    constexpr int gap = 10;
    constexpr int row_h = swatch_h + 6;
    int label_w = 0;
    for (const StyleClass& e : entries) {
        label_w = std::max(label_w, font::text_width(e.label));
    }
    const int width =
        2 * margin + std::max(font::text_width(style.title), swatch_w + gap + label_w);
    const int height = 2 * margin + font::line_h + 8 + static_cast<int>(entries.size()) * row_h;
    const Rgba white{255, 255, 255, 255};
    const Rgba ink{30, 30, 30, 255};
    const Rgba frame{80, 80, 80, 255};
    Canvas canvas(width, height, white);
    canvas.text(margin, margin, style.title, ink);
    int y = margin + font::line_h + 8;
    for (const StyleClass& e : entries) {
        canvas.fill(margin, y, swatch_w, swatch_h, frame);
        canvas.fill(margin + 1, y + 1, swatch_w - 2, swatch_h - 2, e.rgba);
        canvas.text(margin + swatch_w + gap, y + font::scale, e.label, ink);
        y += row_h;
    }
    write_png(path, canvas.width, canvas.height, canvas.rgba);
}

} // namespace covsim::io
