#include "io/qgis_layout.hpp"

#include "io/map_styles.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace covsim::io {

namespace {

// QGIS's layout item types (QgsLayoutItemRegistry).
constexpr int page_item = 65638;
constexpr int map_item = 65639;
constexpr int picture_item = 65640;
constexpr int label_item = 65641;
constexpr int legend_item = 65642;
constexpr int scalebar_item = 65646;

// QFont::toString() of the fonts used: family, point size, ..., weight (50 normal, 75 bold).
constexpr const char* title_font = "Sans Serif,18,-1,5,75,0,0,0,0,0";
constexpr const char* text_font = "Sans Serif,10,-1,5,50,0,0,0,0,0";

std::string uuid(const PrintLayoutSpec& spec, int item) {
    return fmt::format("{{00000000-0000-4000-8000-{:08x}{:04x}}}", spec.index, item);
}

struct Box {
    double x_mm = 0.0;
    double y_mm = 0.0;
    double width_mm = 0.0;
    double height_mm = 0.0;
};

// The opening tag of a layout item at `box`, with `attributes` of its own; `z` orders items.
std::string item_open(const PrintLayoutSpec& spec, int type, int z, const char* id, const Box& b,
                      bool frame, const std::string& attributes) {
    return fmt::format("<LayoutItem type=\"{}\" uuid=\"{}\" id=\"{}\" zValue=\"{}\" "
                       "position=\"{},{},mm\" positionOnPage=\"{},{},mm\" size=\"{},{},mm\" "
                       "referencePoint=\"0\" itemRotation=\"0\" visibility=\"1\" opacity=\"1\" "
                       "frame=\"{}\" outlineWidthM=\"0.3,mm\" background=\"{}\"{}>\n",
                       type, uuid(spec, z), id, z, b.x_mm, b.y_mm, b.x_mm, b.y_mm, b.width_mm,
                       b.height_mm, frame ? "true" : "false", frame ? "true" : "false",
                       attributes.empty() ? "" : " " + attributes);
}

std::string label(const PrintLayoutSpec& spec, int z, const char* id, const Box& b,
                  const std::string& text, const char* font) {
    std::string x = item_open(spec, label_item, z, id, b, false,
                              fmt::format("labelText=\"{}\" htmlState=\"0\" halign=\"1\" "
                                          "valign=\"32\" marginX=\"0\" marginY=\"0\"",
                                          xml_escape(text)));
    x += fmt::format("  <LabelFont description=\"{}\" style=\"\"/>\n", font);
    x += "  <FontColor red=\"30\" green=\"30\" blue=\"30\" alpha=\"255\"/>\n";
    x += "</LayoutItem>\n";
    return x;
}

// The map's extent: the spec's, centred and enlarged to the map item's shape with a margin.
std::string map_extent(const PrintLayoutSpec& spec) {
    const Grid& g = spec.extent;
    const double cx = 0.5 * (g.origin_x_m + g.east_m());
    const double cy = 0.5 * (g.south_m() + g.origin_y_m);
    const double shape = layout_map_width_mm / layout_map_height_mm;
    const double width_m =
        1.04 * std::max(g.east_m() - g.origin_x_m, (g.origin_y_m - g.south_m()) * shape);
    const double height_m = width_m / shape;
    return fmt::format("<Extent xmin=\"{}\" ymin=\"{}\" xmax=\"{}\" ymax=\"{}\"/>\n",
                       cx - 0.5 * width_m, cy - 0.5 * height_m, cx + 0.5 * width_m,
                       cy + 0.5 * height_m);
}

std::string map(const PrintLayoutSpec& spec, int z) {
    const Box b{layout_map_x_mm, layout_map_y_mm, layout_map_width_mm, layout_map_height_mm};
    std::string x =
        item_open(spec, map_item, z, "map", b, true,
                  fmt::format("followPreset=\"true\" followPresetName=\"{}\" "
                              "keepLayerSet=\"false\" drawCanvasItems=\"true\" mapRotation=\"0\"",
                              xml_escape(spec.map_theme)));
    x += "  " + map_extent(spec);
    x += "  <LayerSet/>\n";
    x += "</LayoutItem>\n";
    return x;
}

std::string legend(const PrintLayoutSpec& spec, int z, int map_z) {
    const Box b{layout_map_x_mm + layout_map_width_mm + 10.0, layout_map_y_mm, 80.0, 120.0};
    std::string x = item_open(spec, legend_item, z, "legend", b, false,
                              fmt::format("title=\"Legend\" map_uuid=\"{}\" resizeToContents=\"1\" "
                                          "symbolWidth=\"7\" symbolHeight=\"4\" columnCount=\"1\"",
                                          uuid(spec, map_z)));
    // The legend's own layer tree: only these layers, not the whole project's.
    x += "  <layer-tree-group>\n    <customproperties/>\n";
    for (const LayoutLegendLayer& l : spec.legend) {
        // QGIS titles a legend entry with its layer's name unless the node has a title label.
        x += fmt::format("    <layer-tree-layer id=\"{0}\" name=\"{1}\" source=\"{2}\" "
                         "providerKey=\"{3}\" checked=\"Qt::Checked\" expanded=\"1\">\n"
                         "      <customproperties>\n        <Option type=\"Map\">\n"
                         "          <Option name=\"legend/title-label\" value=\"{1}\" "
                         "type=\"QString\"/>\n        </Option>\n      </customproperties>\n"
                         "    </layer-tree-layer>\n",
                         xml_escape(l.id), xml_escape(l.name), xml_escape(l.source), l.provider);
    }
    x += "  </layer-tree-group>\n";
    x += "</LayoutItem>\n";
    return x;
}

// A scale bar in kilometres whose segments QGIS sizes to round numbers between 25 and 60 mm.
std::string scale_bar(const PrintLayoutSpec& spec, int z, int map_z) {
    const Box b{layout_map_x_mm + layout_map_width_mm + 10.0,
                layout_map_y_mm + layout_map_height_mm - 15.0, 80.0, 15.0};
    std::string x = item_open(
        spec, scalebar_item, z, "scale bar", b, false,
        fmt::format("mapUuid=\"{}\" style=\"Single Box\" unitType=\"km\" unitLabel=\"km\" "
                    "numMapUnitsPerScaleBarUnit=\"1\" numSegments=\"2\" numSegmentsLeft=\"0\" "
                    "numUnitsPerSegment=\"5\" segmentSizeMode=\"1\" minBarWidth=\"25\" "
                    "maxBarWidth=\"60\" height=\"3\" numSubdivisions=\"1\" alignment=\"0\" "
                    "labelBarSpace=\"3\" boxContentSpace=\"1\"",
                    uuid(spec, map_z)));
    x += "</LayoutItem>\n";
    return x;
}

// QGIS's north arrow (an SVG of its library), turned with the map: grid north of the map's CRS.
std::string north_arrow(const PrintLayoutSpec& spec, int z, int map_z) {
    const Box b{layout_map_x_mm + layout_map_width_mm - 16.0, layout_map_y_mm + 4.0, 12.0, 18.0};
    std::string x = item_open(
        spec, picture_item, z, "north arrow", b, false,
        fmt::format("file=\"arrows/NorthArrow_02.svg\" mode=\"0\" resizeMode=\"0\" "
                    "mapUuid=\"{}\" northMode=\"0\" northOffset=\"0\" pictureRotation=\"0\" "
                    "anchorPoint=\"0\" svgFillColor=\"30,30,30,255\" "
                    "svgBorderColor=\"255,255,255,255\" svgBorderWidth=\"0.2\"",
                    uuid(spec, map_z)));
    x += "</LayoutItem>\n";
    return x;
}

} // namespace

std::string print_layout_xml(const PrintLayoutSpec& spec) {
    constexpr int map_z = 1;
    std::string x =
        fmt::format("<Layout name=\"{}\" units=\"mm\" printResolution=\"300\" worldFileMap=\"\">\n",
                    xml_escape(spec.name));
    x += "  <PageCollection>\n";
    x += indent_xml(item_open(spec, page_item, 0, "",
                              {0, 0, layout_page_width_mm, layout_page_height_mm}, false, "") +
                        "</LayoutItem>\n",
                    4);
    x += "  </PageCollection>\n";
    x += indent_xml(map(spec, map_z), 2);
    const double text_width_mm = layout_page_width_mm - 2 * layout_map_x_mm;
    x += indent_xml(label(spec, 2, "title", {layout_map_x_mm, 8.0, text_width_mm, 10.0}, spec.title,
                          title_font),
                    2);
    x += indent_xml(label(spec, 3, "headline figures", {layout_map_x_mm, 19.0, text_width_mm, 8.0},
                          spec.subtitle, text_font),
                    2);
    x += indent_xml(legend(spec, 4, map_z), 2);
    x += indent_xml(scale_bar(spec, 5, map_z), 2);
    x += indent_xml(north_arrow(spec, 6, map_z), 2);
    // The date the layout is printed or exported, a QGIS expression; the CRS of the map.
    x += indent_xml(label(spec, 7, "date",
                          {layout_map_x_mm, layout_map_y_mm + layout_map_height_mm + 2.0,
                           layout_map_width_mm, 6.0},
                          fmt::format("Printed [% format_date(now(), 'yyyy-MM-dd') %] from "
                                      "covsim results; map in {}",
                                      spec.crs_authid),
                          text_font),
                    2);
    x += "</Layout>\n";
    return x;
}

} // namespace covsim::io
