#include "io/map_styles.hpp"

#include "core/error.hpp"
#include "io/canvas.hpp"
#include "io/geotiff_writer.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <limits>

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

std::string hex_of(const Rgba& c) {
    return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
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

// The district choropleth of covered_share (a fraction), ColorBrewer's 6-class RdYlGn.
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
        const std::size_t shown = std::min(palette.size(), context.sector_labels.size());
        for (std::size_t i = 0; i < shown; ++i) {
            s.legend.push_back({static_cast<double>(i), palette[i],
                                fmt::format("sectors {}, {}, {}, ...", i, i + palette.size(),
                                            i + 2 * palette.size())});
        }
    }
    return s;
}

MapStyle district_style() {
    return {"covered_share",
            "Share of the people covered outdoors",
            StyleKind::classified,
            share_classes(),
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

std::string fill_symbol(std::size_t index, const Rgba& fill) {
    std::string x;
    x += fmt::format("<symbol type=\"fill\" name=\"{}\" alpha=\"1\" clip_to_extent=\"1\" "
                     "force_rhr=\"0\">\n",
                     index);
    x += "  <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    x += "    <Option type=\"Map\">\n";
    x += "      " + option("color", rgba_text(fill)) + "\n";
    x += "      " + option("joinstyle", "bevel") + "\n";
    x += "      " + option("outline_color", "80,80,80,255") + "\n";
    x += "      " + option("outline_style", "solid") + "\n";
    x += "      " + option("outline_width", "0.26") + "\n";
    x += "      " + option("outline_width_unit", "MM") + "\n";
    x += "      " + option("style", "solid") + "\n";
    x += "    </Option>\n";
    x += "  </layer>\n";
    x += "</symbol>\n";
    return x;
}

} // namespace

std::string district_style_xml(const std::vector<FieldAlias>& fields) {
    const MapStyle style = district_style();
    std::string x;
    // Graduated renderer on covered_share, classes closed below and open above (see float_below;
    // shares are float64, so the bound below is the next double down).
    x += fmt::format("<renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" "
                     "graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
                     "forceraster=\"0\">\n",
                     style.metric);
    x += "  <ranges>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        const double lower = i == 0 ? 0.0 : style.classes[i].value;
        const double upper =
            i + 1 < style.classes.size() ? std::nextafter(style.classes[i + 1].value, -inf) : 1.0;
        x += fmt::format("    <range lower=\"{}\" upper=\"{}\" symbol=\"{}\" label=\"{}\" "
                         "render=\"true\"/>\n",
                         number(lower), number(upper), i, xml_escape(style.classes[i].label));
    }
    x += "  </ranges>\n";
    x += "  <symbols>\n";
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        x += indent_xml(fill_symbol(i, style.classes[i].rgba), 4);
    }
    x += "  </symbols>\n";
    x += "  <classificationMethod id=\"Custom\">\n";
    x += "    <labelFormat format=\"%1 - %2\" labelprecision=\"4\" trimtrailingzeroes=\"1\"/>\n";
    x += "  </classificationMethod>\n";
    x += "</renderer-v2>\n";
    // District names as labels, on a white halo, placed inside each polygon.
    x += "<labeling type=\"simple\">\n";
    x += "  <settings calloutType=\"simple\">\n";
    x += "    <text-style fieldName=\"name\" isExpression=\"0\" fontFamily=\"Sans Serif\" "
         "namedStyle=\"Regular\" fontSize=\"8\" fontSizeUnit=\"Point\" fontWeight=\"50\" "
         "textColor=\"30,30,30,255\" textOpacity=\"1\" multilineHeight=\"1\">\n";
    x += "      <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
         "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\" bufferNoFill=\"1\" "
         "bufferJoinStyle=\"128\"/>\n";
    x += "    </text-style>\n";
    x += "    <text-format wrapChar=\"\" autoWrapLength=\"12\" "
         "useMaxLineLengthForAutoWrap=\"1\" multilineAlign=\"3\"/>\n";
    x += "    <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" "
         "fitInPolygonOnly=\"0\" polygonPlacementFlags=\"2\" priority=\"5\" dist=\"0\"/>\n";
    x += "    <rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" "
         "upsidedownLabels=\"0\" labelPerPart=\"0\" mergeLines=\"0\" displayAll=\"0\" "
         "scaleVisibility=\"0\" fontLimitPixelSize=\"0\" limitNumLabels=\"0\" zIndex=\"0\"/>\n";
    x += "  </settings>\n";
    x += "</labeling>\n";
    x += "<aliases>\n";
    for (const FieldAlias& f : fields) {
        x += fmt::format("  <alias field=\"{}\" name=\"{}\"/>\n", xml_escape(f.name),
                         xml_escape(f.alias));
    }
    x += "</aliases>\n";
    x += "<blendMode>0</blendMode>\n";
    x += "<featureBlendMode>0</featureBlendMode>\n";
    x += "<layerOpacity>1</layerOpacity>\n";
    x += "<legend type=\"default-vector\" showLabelLegend=\"0\"/>\n";
    x += "<layerGeometryType>2</layerGeometryType>\n";
    return x;
}

std::string district_qml(const std::vector<FieldAlias>& fields) {
    std::string x = qml_doctype;
    x += fmt::format("<qgis version=\"{}\" styleCategories=\"AllStyleCategories\" "
                     "labelsEnabled=\"1\" hasScaleBasedVisibilityFlag=\"0\" "
                     "minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\">\n",
                     qml_version);
    x += indent_xml(district_style_xml(fields), 2);
    x += "</qgis>\n";
    return x;
}

std::string district_sld(const std::string& layer_name) {
    const MapStyle style = district_style();
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
    x += "   <se:Name>covsim covered share</se:Name>\n";
    x += "   <se:FeatureTypeStyle>\n";
    auto comparison = [&](const char* op, double v) {
        return fmt::format("<ogc:{0}><ogc:PropertyName>{1}</ogc:PropertyName>"
                           "<ogc:Literal>{2}</ogc:Literal></ogc:{0}>",
                           op, style.metric, number(v));
    };
    for (std::size_t i = 0; i < style.classes.size(); ++i) {
        const StyleClass& c = style.classes[i];
        std::string filter;
        const bool has_lower = i > 0;
        const bool has_upper = i + 1 < style.classes.size();
        if (has_lower && has_upper) {
            filter = "<ogc:And>" + comparison("PropertyIsGreaterThanOrEqualTo", c.value) +
                     comparison("PropertyIsLessThan", style.classes[i + 1].value) + "</ogc:And>";
        } else if (has_lower) {
            filter = comparison("PropertyIsGreaterThanOrEqualTo", c.value);
        } else {
            filter = comparison("PropertyIsLessThan", style.classes[i + 1].value);
        }
        x += "    <se:Rule>\n";
        x += fmt::format("     <se:Name>{}</se:Name>\n", xml_escape(c.label));
        x += fmt::format("     <se:Description><se:Title>{}</se:Title></se:Description>\n",
                         xml_escape(c.label));
        x += "     <ogc:Filter>" + filter + "</ogc:Filter>\n";
        x += "     <se:PolygonSymbolizer>\n";
        x += fmt::format("      <se:Fill><se:SvgParameter name=\"fill\">{}</se:SvgParameter>"
                         "</se:Fill>\n",
                         hex_of(c.rgba));
        x += "      <se:Stroke><se:SvgParameter name=\"stroke\">#505050</se:SvgParameter>"
             "<se:SvgParameter name=\"stroke-width\">1</se:SvgParameter></se:Stroke>\n";
        x += "     </se:PolygonSymbolizer>\n";
        x += "    </se:Rule>\n";
    }
    x += "    <se:Rule>\n";
    x += "     <se:TextSymbolizer>\n";
    x += "      <se:Label><ogc:PropertyName>name</ogc:PropertyName></se:Label>\n";
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
    x += "   </se:FeatureTypeStyle>\n";
    x += "  </UserStyle>\n";
    x += " </NamedLayer>\n";
    x += "</StyledLayerDescriptor>\n";
    return x;
}

// ---------------------------------------------------------------------------------------------
// Legend images, drawn on io/canvas with its embedded bitmap font and written as PNG.

void write_legend_png(const std::filesystem::path& path, const MapStyle& style) {
    std::vector<StyleClass> entries = style.legend.empty() ? style.classes : style.legend;
    if (style.kind == StyleKind::classified) {
        std::reverse(entries.begin(), entries.end()); // the best class on top
    }
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
