#include "io/qgis_project.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"
#include "io/atomic_file.hpp"
#include "io/district_gpkg.hpp"
#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "io/map_sink.hpp"
#include "io/map_styles.hpp"
#include "io/qgis_layout.hpp"
#include "io/web_viewer.hpp"

#include <cmath>
#include <cpl_conv.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

namespace covsim::io {

namespace {

std::string id_safe(const std::string& text) {
    std::string out = text;
    for (char& c : out) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        c = ok ? c : '_';
    }
    return out;
}

// "EPSG:32648", or empty when the CRS has no authority code.
std::string authority_id(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    return auth != nullptr && code != nullptr ? fmt::format("{}:{}", auth, code) : "";
}

// <spatialrefsys> of a CRS given as WKT.
std::string spatialrefsys(const std::string& wkt) {
    const OGRSpatialReference srs = srs_from_wkt(wkt);
    char* proj4 = nullptr;
    srs.exportToProj4(&proj4);
    const std::string proj(proj4 != nullptr ? proj4 : "");
    CPLFree(proj4);
    const std::string authid = authority_id(srs);
    std::string x = "<spatialrefsys>\n";
    x += fmt::format("  <wkt>{}</wkt>\n", xml_escape(to_wkt(srs)));
    x += fmt::format("  <proj4>{}</proj4>\n", xml_escape(proj));
    x += fmt::format("  <authid>{}</authid>\n", xml_escape(authid));
    x += fmt::format("  <description>{}</description>\n",
                     xml_escape(srs.GetName() != nullptr ? srs.GetName() : ""));
    x += fmt::format("  <geographicflag>{}</geographicflag>\n",
                     srs.IsGeographic() ? "true" : "false");
    x += "</spatialrefsys>\n";
    return x;
}

std::string extent(const char* element, const Grid& g) {
    return fmt::format("<{0}>\n  <xmin>{1}</xmin>\n  <ymin>{2}</ymin>\n  <xmax>{3}</xmax>\n"
                       "  <ymax>{4}</ymax>\n</{0}>\n",
                       element, g.origin_x_m, g.south_m(), g.east_m(), g.origin_y_m);
}

// A layer's id in the project: unique across groups, stable for the same batch.
std::string layer_id(std::size_t group_index, const QgisProjectSink::Group& g,
                     const QgisProjectSink::Layer& l) {
    return fmt::format("s{}_{}_{}", group_index, id_safe(g.name), l.id);
}

using Kind = QgisProjectSink::Kind;

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::raster:
        return "raster";
    case Kind::districts:
        return "districts";
    case Kind::sectors:
        return "sectors";
    case Kind::layer_map:
        return "layer_map";
    case Kind::borders:
        return "borders";
    }
    return "";
}

// A layer's kind as saved by save_groups; a variant stored by a covsim without sector layers
// has "raster" (true or false) instead of "kind".
Kind kind_of(const nlohmann::json& layer, const std::filesystem::path& path) {
    if (!layer.contains("kind")) {
        return layer.at("raster").get<bool>() ? Kind::raster : Kind::districts;
    }
    const std::string name = layer.at("kind").get<std::string>();
    for (Kind k : {Kind::raster, Kind::districts, Kind::sectors, Kind::layer_map}) {
        if (name == kind_name(k)) {
            return k;
        }
    }
    throw Error(ErrorCode::io, fmt::format("'{}' is not a covsim layer-group file (layer kind "
                                           "\"{}\"); delete its variant directory to recompute it",
                                           path.string(), name));
}

bool is_raster(Kind kind) {
    return kind == Kind::raster || kind == Kind::layer_map;
}

const char* provider(Kind kind) {
    return is_raster(kind) ? "gdal" : "ogr";
}

std::string tree_layer(const std::string& id, const QgisProjectSink::Layer& l, bool checked) {
    return fmt::format("<layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"{}\" "
                       "checked=\"{}\" expanded=\"{}\">\n  <customproperties/>\n"
                       "</layer-tree-layer>\n",
                       xml_escape(id), xml_escape(l.name), xml_escape(l.source), provider(l.kind),
                       checked ? "Qt::Checked" : "Qt::Unchecked", l.expanded ? 1 : 0);
}

// A mutually exclusive subgroup of a scenario's group holding its layers of `kind`, the first
// of them checked.
std::string exclusive_group(std::size_t group_index, const QgisProjectSink::Group& g,
                            const char* name, Kind kind, bool shown) {
    std::string x = fmt::format("<layer-tree-group name=\"{}\" checked=\"{}\" expanded=\"{}\" "
                                "mutually-exclusive=\"1\" mutually-exclusive-child=\"0\">\n",
                                name, shown ? "Qt::Checked" : "Qt::Unchecked", shown ? 1 : 0);
    x += "  <customproperties/>\n";
    bool first = true;
    for (const QgisProjectSink::Layer& l : g.layers) {
        // The choropleth belongs with the maps.
        if (l.kind == kind || (kind == Kind::raster && l.kind == Kind::districts)) {
            x += indent_xml(tree_layer(layer_id(group_index, g, l), l, first), 2);
            first = false;
        }
    }
    x += "</layer-tree-group>\n";
    return x;
}

bool has_layer_maps(const QgisProjectSink::Group& g) {
    return std::any_of(g.layers.begin(), g.layers.end(),
                       [](const QgisProjectSink::Layer& l) { return l.kind == Kind::layer_map; });
}

// A scenario's group in the layer tree: its sectors, shown, then the group "layers" (collapsed,
// hidden) with each radio layer's maps, then the group "maps" of which one layer is shown at a
// time, the first (the districts).
std::string layer_tree(std::size_t group_index, const QgisProjectSink::Group& g) {
    std::string x =
        fmt::format("<layer-tree-group name=\"{}\" checked=\"{}\" expanded=\"{}\" "
                    "mutually-exclusive=\"0\">\n",
                    xml_escape(g.name), group_index == 0 ? "Qt::Checked" : "Qt::Unchecked",
                    group_index == 0 ? 1 : 0);
    x += "  <customproperties/>\n";
    for (const QgisProjectSink::Layer& l : g.layers) {
        if (l.kind == Kind::sectors) {
            x += indent_xml(tree_layer(layer_id(group_index, g, l), l, true), 2);
        }
    }
    if (has_layer_maps(g)) {
        x += indent_xml(exclusive_group(group_index, g, "layers", Kind::layer_map, false), 2);
    }
    x += indent_xml(exclusive_group(group_index, g, "maps", Kind::raster, true), 2);
    x += "</layer-tree-group>\n";
    return x;
}

std::string maplayer(const QgisProjectSink::Layer& l, const std::string& id, const Grid& grid) {
    const bool raster = is_raster(l.kind);
    std::string x;
    if (raster) {
        x += "<maplayer type=\"raster\" styleCategories=\"AllStyleCategories\" "
             "hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">\n";
    } else {
        const bool sectors = l.kind == Kind::sectors;
        x += fmt::format("<maplayer type=\"vector\" geometry=\"{}\" wkbType=\"{}\" "
                         "labelsEnabled=\"{}\" styleCategories=\"AllStyleCategories\" "
                         "readOnly=\"0\" hasScaleBasedVisibilityFlag=\"{}\" "
                         "minScale=\"{:g}\" maxScale=\"0\">\n",
                         sectors ? "Point" : "Polygon", sectors ? "Point" : "MultiPolygon",
                         // The borders layer labels the districts, above every map.
                         l.kind == Kind::districts ? 0 : 1, sectors ? 1 : 0,
                         sectors ? sector_layer_scale : 1e8);
    }
    x += indent_xml(extent("extent", grid), 2);
    x += fmt::format("  <id>{}</id>\n", xml_escape(id));
    x += fmt::format("  <datasource>{}</datasource>\n", xml_escape(l.source));
    x += fmt::format("  <layername>{}</layername>\n", xml_escape(l.name));
    x += "  <srs>\n" + indent_xml(spatialrefsys(grid.crs_wkt), 4) + "  </srs>\n";
    if (raster) {
        x += "  <provider>gdal</provider>\n";
        x += "  <noData>\n    <noDataList bandNo=\"1\" useSrcNoData=\"1\"/>\n  </noData>\n";
    } else {
        x += "  <provider encoding=\"UTF-8\">ogr</provider>\n";
    }
    x += indent_xml(l.style, 2);
    x += "</maplayer>\n";
    return x;
}

// The web tiles of each scenario's styled maps as QGIS XYZ layers (provider "wms"), in a
// hidden group "web tiles" below the scenarios, a mutually exclusive group per scenario. Their
// "file:./tiles/..." URLs are relative: QGIS resolves them against the project's directory.
struct XyzLayer {
    std::string id;
    std::string name;
    std::string source;
};

std::vector<XyzLayer> xyz_layers(std::size_t group_index, const QgisProjectSink::Group& g) {
    const ZoomRange zooms = xyz_zoom_range(g.grid);
    std::vector<XyzLayer> layers;
    for (const QgisProjectSink::Layer& l : g.layers) {
        if (l.kind == Kind::raster && !l.style.empty()) {
            layers.push_back(
                {fmt::format("xyz{}_{}_{}", group_index, id_safe(g.name), l.id),
                 l.name + " (web tiles)",
                 fmt::format("type=xyz&url=file:./tiles/{}/{}/%7Bz%7D/%7Bx%7D/"
                             "%7By%7D.png&zmax={}&zmin={}",
                             url_path(g.name), url_path(l.id), zooms.max_zoom, zooms.min_zoom)});
        }
    }
    return layers;
}

std::string web_tiles_tree(const std::vector<QgisProjectSink::Group>& groups) {
    std::string x = "<layer-tree-group name=\"web tiles\" checked=\"Qt::Unchecked\" "
                    "expanded=\"0\" mutually-exclusive=\"0\">\n  <customproperties/>\n";
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        x += fmt::format("  <layer-tree-group name=\"{}\" checked=\"Qt::Checked\" expanded=\"0\" "
                         "mutually-exclusive=\"1\" mutually-exclusive-child=\"0\">\n"
                         "    <customproperties/>\n",
                         xml_escape(groups[gi].name));
        bool first = true;
        for (const XyzLayer& l : xyz_layers(gi, groups[gi])) {
            x += fmt::format("    <layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" "
                             "providerKey=\"wms\" checked=\"{}\" expanded=\"0\">\n"
                             "      <customproperties/>\n    </layer-tree-layer>\n",
                             xml_escape(l.id), xml_escape(l.name), xml_escape(l.source),
                             first ? "Qt::Checked" : "Qt::Unchecked");
            first = false;
        }
        x += "  </layer-tree-group>\n";
    }
    x += "</layer-tree-group>\n";
    return x;
}

std::string web_tiles_layers(const std::vector<QgisProjectSink::Group>& groups) {
    OGRSpatialReference mercator = make_srs();
    mercator.importFromEPSG(3857);
    const std::string srs = indent_xml(spatialrefsys(to_wkt(mercator)), 4);
    const double half_m = std::numbers::pi * 6378137.0; // half the Web Mercator world
    std::string x;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        for (const XyzLayer& l : xyz_layers(gi, groups[gi])) {
            x += "<maplayer type=\"raster\" styleCategories=\"AllStyleCategories\" "
                 "hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">\n";
            x += fmt::format("  <extent>\n    <xmin>{0}</xmin>\n    <ymin>{0}</ymin>\n"
                             "    <xmax>{1}</xmax>\n    <ymax>{1}</ymax>\n  </extent>\n",
                             -half_m, half_m);
            x += fmt::format("  <id>{}</id>\n", xml_escape(l.id));
            x += fmt::format("  <datasource>{}</datasource>\n", xml_escape(l.source));
            x += fmt::format("  <layername>{}</layername>\n", xml_escape(l.name));
            x += "  <srs>\n" + srs + "  </srs>\n";
            x += "  <provider>wms</provider>\n";
            x += "  <pipe>\n    <rasterrenderer type=\"singlebandcolordata\" band=\"1\" "
                 "opacity=\"1\" alphaBand=\"-1\"/>\n  </pipe>\n";
            x += "</maplayer>\n";
        }
    }
    return x;
}

// JSON has no NaN: nlohmann writes it as null.
double number_or_nan(const nlohmann::json& value) {
    return value.is_null() ? std::nan("") : value.get<double>();
}

QgisProjectSink::Headline headline(const ScenarioResult& result) {
    const std::vector<Column> columns = district_columns(result);
    const std::vector<double> city = city_values(result, columns);
    QgisProjectSink::Headline h{std::nan(""), std::nan("")};
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name == "served_share") {
            h.served_share = city[i];
        } else if (columns[i].name == "cost_per_subscriber_usd_per_month") {
            h.cost_per_subscriber_usd_per_month = city[i];
        }
    }
    return h;
}

// The district borders and names above every group: the first scenario's district polygons
// (a batch has one study area per scenario, and they draw the same borders).
QgisProjectSink::Layer borders_layer(const QgisProjectSink::Group& first) {
    for (const QgisProjectSink::Layer& l : first.layers) {
        if (l.kind == Kind::districts) {
            return {"borders",
                    "District borders and names",
                    l.source,
                    Kind::borders,
                    district_outline_style_xml(),
                    true,
                    {}};
        }
    }
    throw Error(ErrorCode::internal, "a covsim.qgs group without a district layer");
}

constexpr const char* borders_id = "district_borders";

// A map theme showing the borders, the group's sectors and `map` (in `style` when not empty).
std::string map_theme(std::size_t group_index, const QgisProjectSink::Group& g,
                      const QgisProjectSink::Layer& map, const std::string& theme,
                      const std::string& style) {
    std::string x = fmt::format("<visibility-preset name=\"{}\" has-checked-group-info=\"1\" "
                                "has-expanded-info=\"1\">\n",
                                xml_escape(theme));
    auto visible = [&](const std::string& id, const std::string& layer_style) {
        x += fmt::format("  <layer id=\"{}\" visible=\"1\" expanded=\"1\"{}/>\n", xml_escape(id),
                         layer_style.empty() ? "" : " style=\"" + xml_escape(layer_style) + "\"");
    };
    visible(borders_id, "");
    for (const QgisProjectSink::Layer& l : g.layers) {
        if (l.kind == Kind::sectors) {
            visible(layer_id(group_index, g, l), "");
        }
    }
    visible(layer_id(group_index, g, map), style);
    // Group nodes are named by their path of group names.
    const std::string group = xml_escape(g.name);
    x += fmt::format("  <checked-group-nodes>\n    <checked-group-node id=\"{0}\"/>\n"
                     "    <checked-group-node id=\"{0}/maps\"/>\n  </checked-group-nodes>\n",
                     group);
    x += fmt::format("  <expanded-group-nodes>\n    <expanded-group-node id=\"{0}\"/>\n"
                     "    <expanded-group-node id=\"{0}/maps\"/>\n  </expanded-group-nodes>\n",
                     group);
    x += "</visibility-preset>\n";
    return x;
}

// The theme of a district style, e.g. "hanoi-5g-2025: Districts, served share".
std::string district_theme_name(const QgisProjectSink::Group& g,
                                const QgisProjectSink::Layer& districts, const std::string& style) {
    return fmt::format("{}: {}, {}", g.name, districts.name, style);
}

// Per scenario, a theme per main map: each named style of the choropleth, each raster of "maps".
std::string map_themes(const std::vector<QgisProjectSink::Group>& groups) {
    std::string x = "<visibility-presets>\n";
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const QgisProjectSink::Group& g = groups[gi];
        for (const QgisProjectSink::Layer& l : g.layers) {
            if (l.kind == Kind::districts) {
                for (const std::string& style : l.style_names) {
                    x +=
                        indent_xml(map_theme(gi, g, l, district_theme_name(g, l, style), style), 2);
                }
            } else if (l.kind == Kind::raster) {
                x += indent_xml(map_theme(gi, g, l, g.name + ": " + l.name, ""), 2);
            }
        }
    }
    x += "</visibility-presets>\n";
    return x;
}

std::string percent_text(double share) {
    return std::isfinite(share) ? fmt::format("{:.1f} %", 100.0 * share) : "no";
}

std::string usd_text(double usd) {
    return std::isfinite(usd) ? fmt::format("{:.2f} USD", usd) : "no cost";
}

// A print layout per scenario: the served-share choropleth with the borders, and the
// headline figures.
std::string print_layouts(const std::vector<QgisProjectSink::Group>& groups,
                          const QgisProjectSink::Layer& borders) {
    std::string x = "<Layouts>\n";
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const QgisProjectSink::Group& g = groups[gi];
        PrintLayoutSpec spec;
        spec.index = gi;
        spec.name = g.name;
        spec.title = g.name;
        spec.subtitle = fmt::format(
            "Served: {} of the people get the minimum user throughput in the busy hour. "
            "Cost: {} per subscriber and month. Whole study area.",
            percent_text(g.headline.served_share),
            usd_text(g.headline.cost_per_subscriber_usd_per_month));
        spec.extent = g.grid;
        spec.crs_authid = authority_id(srs_from_wkt(g.grid.crs_wkt));
        spec.legend.push_back({borders_id, borders.name, borders.source, provider(Kind::borders)});
        for (const QgisProjectSink::Layer& l : g.layers) {
            if (l.kind == Kind::districts && !l.style_names.empty()) {
                spec.map_theme = district_theme_name(g, l, l.style_names.front());
                spec.legend.push_back(
                    {layer_id(gi, g, l),
                     fmt::format("{}: {} of the people", l.name, l.style_names.front()), l.source,
                     provider(l.kind)});
            }
        }
        x += indent_xml(print_layout_xml(spec), 2);
    }
    x += "</Layouts>\n";
    return x;
}

// The map canvas, the default view (the first scenario's grid) and the project properties
// (relative paths).
std::string view_settings(const Grid& first) {
    std::string x;
    x += "  <mapcanvas name=\"theMapCanvas\">\n";
    x += "    <units>meters</units>\n";
    x += indent_xml(extent("extent", first), 4);
    x += "    <rotation>0</rotation>\n";
    x += "    <destinationsrs>\n" + indent_xml(spatialrefsys(first.crs_wkt), 6) +
         "    </destinationsrs>\n";
    x += "  </mapcanvas>\n";
    x += fmt::format("  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n"
                     "    <Scales/>\n"
                     "    <DefaultViewExtent xmin=\"{}\" ymin=\"{}\" xmax=\"{}\" ymax=\"{}\">\n",
                     first.origin_x_m, first.south_m(), first.east_m(), first.origin_y_m);
    x += indent_xml(spatialrefsys(first.crs_wkt), 6);
    x += "    </DefaultViewExtent>\n";
    x += "  </ProjectViewSettings>\n";
    x += "  <properties>\n";
    x += "    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n";
    x += "    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n"
         "    </SpatialRefSys>\n";
    x += "  </properties>\n";
    return x;
}

} // namespace

QgisProjectSink::QgisProjectSink(const std::filesystem::path& path, bool web_tiles)
    : file_(path), web_tiles_(web_tiles) {}

void QgisProjectSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const std::string& scenario = result.scenario->name;
    Group g{scenario, result.area->grid, {}, headline(result)};
    g.layers.push_back({"sectors",
                        "Sectors: busy-hour load",
                        "./districts.gpkg|layername=" + sector_table(scenario),
                        Kind::sectors,
                        sector_style_xml(sector_layer_fields()),
                        true,
                        {}});
    const std::vector<DistrictStyle> district = district_styles(*result.scenario);
    Layer choropleth{"districts",
                     "Districts",
                     "./districts.gpkg|layername=" + district_table(scenario),
                     Kind::districts,
                     district_project_style_xml(district, district_layer_fields(result)),
                     true,
                     {}};
    for (const DistrictStyle& s : district) {
        choropleth.style_names.push_back(s.name);
    }
    g.layers.push_back(std::move(choropleth));
    const StyleContext context = style_context(result);
    for (const MapSpec& spec : scenario_maps(result)) {
        const std::optional<MapStyle> style = map_style(spec.style_metric(), context);
        Layer l;
        l.id = spec.metric;
        l.name = style ? style->title : spec.metric;
        if (!spec.layer.empty()) {
            l.name = spec.layer + ": " + l.name;
        }
        l.source = "./maps/" + scenario + "/" + spec.metric + ".tif";
        l.kind = spec.layer.empty() ? Kind::raster : Kind::layer_map;
        l.style = style ? raster_style_xml(*style) : "";
        // One legend entry per sector is too long to show unfolded.
        l.expanded = !(style && style->classes.size() > 20);
        g.layers.push_back(std::move(l));
    }
    groups_.push_back(std::move(g));
}

void QgisProjectSink::save_groups(const std::filesystem::path& path) const {
    nlohmann::json groups = nlohmann::json::array();
    for (const Group& g : groups_) {
        nlohmann::json layers = nlohmann::json::array();
        for (const Layer& l : g.layers) {
            layers.push_back({{"id", l.id},
                              {"name", l.name},
                              {"source", l.source},
                              {"kind", kind_name(l.kind)},
                              {"style", l.style},
                              {"expanded", l.expanded},
                              {"styles", l.style_names}});
        }
        groups.push_back(
            {{"name", g.name},
             {"grid",
              {{"origin_x_m", g.grid.origin_x_m},
               {"origin_y_m", g.grid.origin_y_m},
               {"cell_size_m", g.grid.cell_size_m},
               {"width", g.grid.width},
               {"height", g.grid.height},
               {"crs_wkt", g.grid.crs_wkt}}},
             {"layers", layers},
             {"served_share", g.headline.served_share},
             {"cost_per_subscriber_usd_per_month", g.headline.cost_per_subscriber_usd_per_month}});
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << groups.dump(1) << '\n';
    out.close();
    if (!out) {
        throw_cannot_write(path);
    }
}

void QgisProjectSink::append(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("cannot read '{}'", path.string()));
    }
    try {
        const nlohmann::json groups = nlohmann::json::parse(in);
        for (const nlohmann::json& jg : groups) {
            Group g;
            g.name = jg.at("name").get<std::string>();
            const nlohmann::json& grid = jg.at("grid");
            g.grid.origin_x_m = grid.at("origin_x_m").get<double>();
            g.grid.origin_y_m = grid.at("origin_y_m").get<double>();
            g.grid.cell_size_m = grid.at("cell_size_m").get<double>();
            g.grid.width = grid.at("width").get<std::int64_t>();
            g.grid.height = grid.at("height").get<std::int64_t>();
            g.grid.crs_wkt = grid.at("crs_wkt").get<std::string>();
            for (const nlohmann::json& jl : jg.at("layers")) {
                g.layers.push_back(
                    {jl.at("id").get<std::string>(), jl.at("name").get<std::string>(),
                     jl.at("source").get<std::string>(), kind_of(jl, path),
                     jl.at("style").get<std::string>(), jl.at("expanded").get<bool>(),
                     jl.at("styles").get<std::vector<std::string>>()});
            }
            g.headline.served_share = number_or_nan(jg.at("served_share"));
            g.headline.cost_per_subscriber_usd_per_month =
                number_or_nan(jg.at("cost_per_subscriber_usd_per_month"));
            groups_.push_back(std::move(g));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::io, fmt::format("'{}' is not a covsim layer-group file ({}); delete "
                                               "its variant directory to recompute it",
                                               path.string(), e.what()));
    }
}

void QgisProjectSink::commit() {
    if (groups_.empty()) {
        return;
    }
    const Grid& first = groups_.front().grid;
    std::string names;
    for (const Group& g : groups_) {
        names += (names.empty() ? "" : ", ") + g.name;
    }
    std::string x = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    x += "<qgis projectname=\"covsim\" version=\"3.22.0-covsim\">\n";
    x += "  <homePath path=\"\"/>\n";
    x += fmt::format("  <title>{}</title>\n", xml_escape("covsim: " + names));
    x += "  <projectCrs>\n" + indent_xml(spatialrefsys(first.crs_wkt), 4) + "  </projectCrs>\n";

    const Layer borders = borders_layer(groups_.front());
    x += "  <layer-tree-group>\n";
    x += "    <customproperties/>\n";
    x += indent_xml(tree_layer(borders_id, borders, true), 4);
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        x += indent_xml(layer_tree(gi, groups_[gi]), 4);
    }
    if (web_tiles_) {
        x += indent_xml(web_tiles_tree(groups_), 4);
    }
    x += "  </layer-tree-group>\n";

    x += "  <projectlayers>\n";
    x += indent_xml(maplayer(borders, borders_id, first), 4);
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const Group& g = groups_[gi];
        for (const Layer& l : g.layers) {
            x += indent_xml(maplayer(l, layer_id(gi, g, l), g.grid), 4);
        }
    }
    if (web_tiles_) {
        x += indent_xml(web_tiles_layers(groups_), 4);
    }
    x += "  </projectlayers>\n";
    x += indent_xml(map_themes(groups_), 2);
    x += indent_xml(print_layouts(groups_, borders), 2);

    x += view_settings(first);
    x += "</qgis>\n";

    {
        std::ofstream out(file_.temp_path(), std::ios::binary | std::ios::trunc);
        out << x;
        out.close();
        if (!out) {
            throw_cannot_write(file_.final_path());
        }
    }
    file_.commit();
}

} // namespace covsim::io
