#include "io/qgis_project.hpp"

#include "core/error.hpp"
#include "io/district_gpkg.hpp"
#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "io/map_sink.hpp"
#include "io/map_styles.hpp"
#include "io/web_viewer.hpp"

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

// <spatialrefsys> of a CRS given as WKT.
std::string spatialrefsys(const std::string& wkt) {
    const OGRSpatialReference srs = srs_from_wkt(wkt);
    char* proj4 = nullptr;
    srs.exportToProj4(&proj4);
    const std::string proj(proj4 != nullptr ? proj4 : "");
    CPLFree(proj4);
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    const std::string authid =
        auth != nullptr && code != nullptr ? fmt::format("{}:{}", auth, code) : "";
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
    for (Kind k : {Kind::raster, Kind::districts, Kind::sectors}) {
        if (name == kind_name(k)) {
            return k;
        }
    }
    throw Error(ErrorCode::io, fmt::format("'{}' is not a covsim layer-group file (layer kind "
                                           "\"{}\"); delete its variant directory to recompute it",
                                           path.string(), name));
}

std::string tree_layer(const std::string& id, const QgisProjectSink::Layer& l, bool checked) {
    return fmt::format("<layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"{}\" "
                       "checked=\"{}\" expanded=\"{}\">\n  <customproperties/>\n"
                       "</layer-tree-layer>\n",
                       xml_escape(id), xml_escape(l.name), xml_escape(l.source),
                       l.kind == Kind::raster ? "gdal" : "ogr",
                       checked ? "Qt::Checked" : "Qt::Unchecked", l.expanded ? 1 : 0);
}

// A scenario's group in the layer tree: its sectors, shown, then the group "maps" of which one
// layer is shown at a time, the first (the districts).
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
    x += "  <layer-tree-group name=\"maps\" checked=\"Qt::Checked\" expanded=\"1\" "
         "mutually-exclusive=\"1\" mutually-exclusive-child=\"0\">\n";
    x += "    <customproperties/>\n";
    bool first = true;
    for (const QgisProjectSink::Layer& l : g.layers) {
        if (l.kind != Kind::sectors) {
            x += indent_xml(tree_layer(layer_id(group_index, g, l), l, first), 4);
            first = false;
        }
    }
    x += "  </layer-tree-group>\n";
    x += "</layer-tree-group>\n";
    return x;
}

std::string maplayer(const QgisProjectSink::Layer& l, const std::string& id, const Grid& grid) {
    const bool raster = l.kind == Kind::raster;
    std::string x;
    if (raster) {
        x += "<maplayer type=\"raster\" styleCategories=\"AllStyleCategories\" "
             "hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">\n";
    } else {
        const bool sectors = l.kind == Kind::sectors;
        x += fmt::format("<maplayer type=\"vector\" geometry=\"{}\" wkbType=\"{}\" "
                         "labelsEnabled=\"1\" styleCategories=\"AllStyleCategories\" "
                         "readOnly=\"0\" hasScaleBasedVisibilityFlag=\"{}\" "
                         "minScale=\"{:g}\" maxScale=\"0\">\n",
                         sectors ? "Point" : "Polygon", sectors ? "Point" : "MultiPolygon",
                         sectors ? 1 : 0, sectors ? sector_layer_scale : 1e8);
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

} // namespace

QgisProjectSink::QgisProjectSink(const std::filesystem::path& path, bool web_tiles)
    : file_(path), web_tiles_(web_tiles) {}

void QgisProjectSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const std::string& scenario = result.scenario->name;
    Group g{scenario, result.area->grid, {}};
    g.layers.push_back({"sectors", "Sectors: busy-hour load",
                        "./districts.gpkg|layername=" + sector_table(scenario), Kind::sectors,
                        sector_style_xml(sector_layer_fields()), true});
    g.layers.push_back({"districts", "Districts",
                        "./districts.gpkg|layername=" + district_table(scenario), Kind::districts,
                        district_project_style_xml(district_styles(*result.scenario),
                                                   district_layer_fields(result)),
                        true});
    const StyleContext context = style_context(result);
    for (const MapSpec& spec : scenario_maps(result)) {
        const std::optional<MapStyle> style = map_style(spec.metric, context);
        Layer l;
        l.id = spec.metric;
        l.name = style ? style->title : spec.metric;
        l.source = "./maps/" + scenario + "/" + spec.metric + ".tif";
        l.kind = Kind::raster;
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
                              {"expanded", l.expanded}});
        }
        groups.push_back({{"name", g.name},
                          {"grid",
                           {{"origin_x_m", g.grid.origin_x_m},
                            {"origin_y_m", g.grid.origin_y_m},
                            {"cell_size_m", g.grid.cell_size_m},
                            {"width", g.grid.width},
                            {"height", g.grid.height},
                            {"crs_wkt", g.grid.crs_wkt}}},
                          {"layers", layers}});
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << groups.dump(1) << '\n';
    out.close();
    if (!out) {
        throw Error(ErrorCode::io, fmt::format("cannot write '{}'", path.string()));
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
                     jl.at("style").get<std::string>(), jl.at("expanded").get<bool>()});
            }
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

    x += "  <layer-tree-group>\n";
    x += "    <customproperties/>\n";
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        x += indent_xml(layer_tree(gi, groups_[gi]), 4);
    }
    if (web_tiles_) {
        x += indent_xml(web_tiles_tree(groups_), 4);
    }
    x += "  </layer-tree-group>\n";

    x += "  <projectlayers>\n";
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
    x += "</qgis>\n";

    {
        std::ofstream out(file_.temp_path(), std::ios::binary | std::ios::trunc);
        out << x;
        out.close();
        if (!out) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot write '{}'", file_.final_path().string()));
        }
    }
    file_.commit();
}

} // namespace covsim::io
