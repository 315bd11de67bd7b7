#include "io/district_gpkg.hpp"

#include "core/error.hpp"
#include "core/link_budget.hpp"
#include "core/result_table.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <ogrsf_frmts.h>

namespace covsim::io {

namespace {

std::string field_safe(const std::string& name) {
    std::string out = name;
    for (char& c : out) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        c = ok ? c : '_';
    }
    return out;
}

std::string alias_of(const Column& c) {
    return c.units.empty() || c.units == "1" ? c.long_name
                                             : fmt::format("{} ({})", c.long_name, c.units);
}

// OGC simple-features orientation: exterior rings counter-clockwise, holes clockwise (covsim's
// Boost.Geometry polygons are the other way round).
OGRLinearRing reversed_ring(const Ring& ring) {
    OGRLinearRing r;
    for (auto it = ring.rbegin(); it != ring.rend(); ++it) {
        r.addPoint(it->x(), it->y());
    }
    r.closeRings();
    return r;
}

OGRMultiPolygon to_ogr(const MultiPolygon& mp) {
    OGRMultiPolygon out;
    for (const Polygon& p : mp) {
        OGRPolygon poly;
        OGRLinearRing outer = reversed_ring(p.outer());
        poly.addRing(&outer);
        for (const Ring& inner : p.inners()) {
            OGRLinearRing hole = reversed_ring(inner);
            poly.addRing(&hole);
        }
        out.addGeometry(&poly);
    }
    return out;
}

void check_ogr(OGRErr err, const std::filesystem::path& path, const std::string& what) {
    if (err != OGRERR_NONE) {
        throw Error(ErrorCode::io, fmt::format("cannot write {} to '{}' ({})", what, path.string(),
                                               gdal_error_detail()));
    }
}

void add_field(OGRLayer* layer, const char* name, OGRFieldType type,
               const std::filesystem::path& path, int width = 0,
               OGRFieldSubType subtype = OFSTNone) {
    OGRFieldDefn f(name, type);
    f.SetWidth(width);
    f.SetSubType(subtype);
    check_ogr(layer->CreateField(&f), path, fmt::format("field '{}'", name));
}

// The sector layer's fields: one row per field, in the order set_sector_fields fills them.
struct SectorField {
    const char* name;
    OGRFieldType type;
    OGRFieldSubType subtype;
    const char* alias;
};
constexpr std::array<SectorField, 16> sector_fields = {{
    {"site_id", OFTString, OFSTNone, "site identifier"},
    {"sector_id", OFTString, OFSTNone, "sector identifier within its site"},
    {"layer", OFTString, OFSTNone, "technology layer"},
    {"technology", OFTString, OFSTNone, "radio technology (lte, nr)"},
    {"frequency_mhz", OFTReal, OFSTNone, "carrier frequency (MHz)"},
    {"bandwidth_mhz", OFTReal, OFSTNone, "channel bandwidth (MHz)"},
    {"height_m", OFTReal, OFSTNone, "antenna height above ground (m)"},
    {"azimuth_deg", OFTReal, OFSTNone,
     "azimuth clockwise from north (degree), empty when omnidirectional"},
    {"tilt_deg", OFTReal, OFSTNone, "total downtilt, mechanical + electrical (degree)"},
    {"power_dbm", OFTReal, OFSTNone, "total transmit power into the antenna (dBm)"},
    {"load", OFTReal, OFSTNone, "busy-hour load of the sector's cell (1: full)"},
    {"offered_traffic_mbps", OFTReal, OFSTNone,
     "busy-hour traffic offered to the sector's cell (Mbit/s)"},
    {"capacity_mbps", OFTReal, OFSTNone,
     "traffic the cell carries when full, for its spatial mix (Mbit/s)"},
    {"served_subscribers", OFTReal, OFSTNone, "subscribers served by the sector's cell"},
    {"inside", OFTInteger, OFSTBoolean,
     "site in a district (1) or outside every district (0: served and interfering, not costed "
     "unless [cost] count_sites_outside)"},
    {"district", OFTString, OFSTNone, "code of the district containing the site, empty outside"},
}};

// The fields of sector i, in the order of sector_fields.
void set_sector_fields(OGRFeature& feature, const ScenarioResult& result, std::size_t i) {
    const Sector& s = result.sectors[i];
    const LayerSpec& spec = result.scenario->layers[s.layer];
    const SectorLoad& load = result.capacity.sectors[i];
    int f = 0;
    feature.SetField(f++, s.site_id.c_str());
    feature.SetField(f++, s.sector_id.c_str());
    feature.SetField(f++, spec.name.c_str());
    feature.SetField(f++, std::string(to_string(spec.technology)).c_str());
    feature.SetField(f++, result.layers[s.layer].frequency_mhz);
    feature.SetField(f++, spec.bandwidth_mhz);
    feature.SetField(f++, s.height_m);
    if (s.azimuth_deg) {
        feature.SetField(f++, *s.azimuth_deg);
    } else {
        feature.SetFieldNull(f++);
    }
    feature.SetField(f++, s.total_tilt_deg());
    feature.SetField(f++, s.power_dbm);
    feature.SetField(f++, load.load);
    feature.SetField(f++, load.offered_traffic_mbps);
    feature.SetField(f++, load.capacity_mbps);
    feature.SetField(f++, load.served_subscribers);
    feature.SetField(f++, s.inside() ? 1 : 0);
    if (s.inside()) {
        feature.SetField(f++,
                         result.area->districts[static_cast<std::size_t>(s.district)].code.c_str());
    } else {
        feature.SetFieldNull(f++);
    }
}

} // namespace

std::vector<FieldAlias> district_layer_fields(const ScenarioResult& result) {
    std::vector<FieldAlias> fields = {{"code", "district code"},
                                      {"name", "district name"},
                                      {"name_ascii", "district name without diacritics"},
                                      {"type", "district type"}};
    for (const TextColumn& c : district_text_columns(result)) {
        fields.push_back({c.name, c.long_name});
    }
    for (const Column& c : district_columns(result)) {
        fields.push_back({c.name, alias_of(c)});
    }
    std::vector<std::string> used;
    for (const FieldAlias& f : fields) {
        used.push_back(f.name);
    }
    for (const Column& c : layer_district_columns(result)) {
        for (std::size_t l = 0; l < result.layers.size(); ++l) {
            std::string name = field_safe(c.name + "_" + result.layers[l].name);
            if (std::find(used.begin(), used.end(), name) != used.end()) {
                name += "_" + std::to_string(l); // two layer names that differ in punctuation
            }
            used.push_back(name);
            fields.push_back({name, alias_of(c) + ", layer " + result.layers[l].name});
        }
    }
    return fields;
}

const std::vector<FieldAlias>& sector_layer_fields() {
    static const std::vector<FieldAlias> fields = [] {
        std::vector<FieldAlias> out;
        for (const SectorField& f : sector_fields) {
            out.push_back({f.name, f.alias});
        }
        return out;
    }();
    return fields;
}

std::string district_table(const std::string& scenario) {
    return flat_name(scenario);
}

std::string sector_table(const std::string& scenario) {
    return "sectors_" + flat_name(scenario);
}

DistrictGpkgSink::DistrictGpkgSink(const std::filesystem::path& path) : file_(path) {}

void DistrictGpkgSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const FixedGpkgDate fixed_date;
    open_dataset();
    write_districts(result);
    write_sectors(result);
}

OGRLayer* DistrictGpkgSink::create_layer(const std::string& table, const std::string& identifier,
                                         const std::string& description,
                                         const OGRSpatialReference* srs, OGRwkbGeometryType type) {
    const std::string identifier_option = "IDENTIFIER=" + identifier;
    const std::string desc_option = "DESCRIPTION=" + description;
    const char* options[] = {"FID=fid",           "GEOMETRY_NAME=geom", identifier_option.c_str(),
                             desc_option.c_str(), "SPATIAL_INDEX=YES",  nullptr};
    CPLErrorReset();
    OGRLayer* layer = ds_->CreateLayer(table.c_str(), const_cast<OGRSpatialReference*>(srs), type,
                                       const_cast<char**>(options));
    if (layer == nullptr) {
        throw Error(ErrorCode::io, fmt::format("cannot create layer '{}' in '{}' ({})", table,
                                               file_.final_path().string(), gdal_error_detail()));
    }
    return layer;
}

void DistrictGpkgSink::write_districts(const ScenarioResult& result) {
    const std::filesystem::path& path = file_.final_path();
    // The identifier (what QGIS shows as the title) keeps the scenario's name.
    const std::string table = district_table(result.scenario->name);
    const OGRSpatialReference srs = srs_from_wkt(result.area->grid.crs_wkt);
    OGRLayer* layer = create_layer(table, result.scenario->name, result.scenario->description, &srs,
                                   wkbMultiPolygon);
    const std::vector<FieldAlias> fields = district_layer_fields(result);
    const std::vector<TextColumn> text_columns = district_text_columns(result);
    const std::size_t text_fields = 4 + text_columns.size();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        add_field(layer, fields[i].name.c_str(), i < text_fields ? OFTString : OFTReal, path);
    }

    const std::vector<Column> columns = district_columns(result);
    const std::vector<Column> layer_columns = layer_district_columns(result);
    const auto& districts = result.area->districts;
    check_ogr(layer->StartTransaction(), path, "a transaction");
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const District& info = districts[d];
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetFID(static_cast<GIntBig>(d) + 1);
        int f = 0;
        feature.SetField(f++, info.code.c_str());
        feature.SetField(f++, info.name.c_str());
        feature.SetField(f++, info.name_ascii.c_str());
        feature.SetField(f++, std::string(to_string(info.type)).c_str());
        for (const TextColumn& c : text_columns) {
            feature.SetField(f++, c.values[d].c_str());
        }
        for (const Column& c : columns) {
            feature.SetField(f++, c.values[d]);
        }
        for (const Column& c : layer_columns) {
            for (std::size_t l = 0; l < result.layers.size(); ++l) {
                feature.SetField(f++, c.values[l * districts.size() + d]);
            }
        }
        OGRMultiPolygon geometry = to_ogr(info.geometry);
        geometry.assignSpatialReference(layer->GetSpatialRef());
        feature.SetGeometry(&geometry);
        check_ogr(layer->CreateFeature(&feature), path,
                  fmt::format("district '{}' of layer '{}'", info.code, table));
    }
    check_ogr(layer->CommitTransaction(), path, "a transaction");

    const std::vector<DistrictStyle> styles = district_styles(*result.scenario);
    for (std::size_t i = 0; i < styles.size(); ++i) {
        add_style({table, styles[i].name, district_qml(styles[i], fields),
                   district_sld(table, styles[i]), i == 0,
                   "covsim: " + styles[i].map.title + ", with district names"});
    }
}

void DistrictGpkgSink::write_sectors(const ScenarioResult& result) {
    const std::filesystem::path& path = file_.final_path();
    const std::string table = sector_table(result.scenario->name);
    const OGRSpatialReference srs = srs_from_wkt(result.area->grid.crs_wkt);
    OGRLayer* layer = create_layer(table, "sectors of " + result.scenario->name,
                                   "sectors of scenario " + result.scenario->name, &srs, wkbPoint);
    for (const SectorField& f : sector_fields) {
        add_field(layer, f.name, f.type, path, 0, f.subtype);
    }
    check_ogr(layer->StartTransaction(), path, "a transaction");
    for (std::size_t i = 0; i < result.sectors.size(); ++i) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetFID(static_cast<GIntBig>(i) + 1); // best_server map value + 1
        set_sector_fields(feature, result, i);
        OGRPoint point(result.sectors[i].x_m, result.sectors[i].y_m);
        point.assignSpatialReference(layer->GetSpatialRef());
        feature.SetGeometry(&point);
        check_ogr(layer->CreateFeature(&feature), path,
                  fmt::format("sector '{}/{}' of layer '{}'", result.sectors[i].site_id,
                              result.sectors[i].sector_id, table));
    }
    check_ogr(layer->CommitTransaction(), path, "a transaction");
    add_style({table, "sector load", sector_qml(sector_layer_fields()), sector_sld(table), true,
               "covsim: sectors turned to their azimuth, coloured by busy-hour load"});
}

// The table QGIS reads styles from (the schema QGIS itself creates).
void DistrictGpkgSink::add_style(const Style& s) {
    create_styles_table();
    OGRFeature style(styles_->GetLayerDefn());
    style.SetField("f_table_catalog", "");
    style.SetField("f_table_schema", "");
    style.SetField("f_table_name", s.table.c_str());
    style.SetField("f_geometry_column", "geom");
    style.SetField("styleName", s.name.c_str());
    style.SetField("styleQML", s.qml.c_str());
    style.SetField("styleSLD", s.sld.c_str());
    style.SetField("useAsDefault", s.use_as_default ? 1 : 0);
    style.SetField("description", s.description.c_str());
    style.SetField("owner", "");
    style.SetField("update_time", gpkg_fixed_date);
    check_ogr(styles_->CreateFeature(&style), file_.final_path(),
              fmt::format("the layer style '{}' of {}", s.name, s.table));
}

void DistrictGpkgSink::open_dataset() {
    if (ds_) {
        return;
    }
    ensure_gdal();
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    CPLErrorReset();
    // The temporary name does not end in .gpkg: GDAL warns about it, rightly for the final file,
    // needlessly here.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds_.reset(gpkg->Create(file_.temp_path().string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    CPLPopErrorHandler();
    if (!ds_) {
        throw Error(ErrorCode::io, fmt::format("cannot create '{}' ({})",
                                               file_.final_path().string(), gdal_error_detail()));
    }
}

void DistrictGpkgSink::create_styles_table() {
    if (styles_ != nullptr) {
        return;
    }
    const std::filesystem::path& path = file_.final_path();
    const char* style_options[] = {"FID=id", nullptr};
    styles_ = ds_->CreateLayer("layer_styles", nullptr, wkbNone, const_cast<char**>(style_options));
    if (styles_ == nullptr) {
        throw Error(ErrorCode::io, fmt::format("cannot create table layer_styles in '{}' ({})",
                                               path.string(), gdal_error_detail()));
    }
    add_field(styles_, "f_table_catalog", OFTString, path, 256);
    add_field(styles_, "f_table_schema", OFTString, path, 256);
    add_field(styles_, "f_table_name", OFTString, path, 256);
    add_field(styles_, "f_geometry_column", OFTString, path, 256);
    add_field(styles_, "styleName", OFTString, path, 30);
    add_field(styles_, "styleQML", OFTString, path);
    add_field(styles_, "styleSLD", OFTString, path);
    add_field(styles_, "useAsDefault", OFTInteger, path, 0, OFSTBoolean);
    add_field(styles_, "description", OFTString, path);
    add_field(styles_, "owner", OFTString, path, 30);
    add_field(styles_, "ui", OFTString, path, 30);
    add_field(styles_, "update_time", OFTDateTime, path);
}

void DistrictGpkgSink::append(const std::filesystem::path& source) {
    const FixedGpkgDate fixed_date;
    const std::filesystem::path& path = file_.final_path();
    open_dataset();
    ensure_gdal();
    GDALDatasetUniquePtr src(
        GDALDataset::Open(source.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!src) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot open '{}' ({})", source.string(), gdal_error_detail()));
    }
    for (OGRLayer* from : src->GetLayers()) {
        const std::string name = from->GetName();
        OGRFeatureDefn* defn = from->GetLayerDefn();
        OGRLayer* to = nullptr;
        if (name == "layer_styles") {
            create_styles_table();
            to = styles_;
        } else {
            const char* identifier = from->GetMetadataItem("IDENTIFIER");
            const char* description = from->GetMetadataItem("DESCRIPTION");
            to = create_layer(name, identifier != nullptr ? identifier : name,
                              description != nullptr ? description : "", from->GetSpatialRef(),
                              from->GetGeomType());
            for (int i = 0; i < defn->GetFieldCount(); ++i) {
                check_ogr(to->CreateField(defn->GetFieldDefn(i)), path,
                          fmt::format("field '{}'", defn->GetFieldDefn(i)->GetNameRef()));
            }
        }
        check_ogr(to->StartTransaction(), path, "a transaction");
        from->ResetReading();
        for (auto& feature : *from) {
            OGRFeature copy(to->GetLayerDefn());
            check_ogr(copy.SetFrom(feature.get(), TRUE), path, "a feature of " + name);
            if (to != styles_) {
                copy.SetFID(feature->GetFID());
            }
            check_ogr(to->CreateFeature(&copy), path, "a feature of " + name);
        }
        check_ogr(to->CommitTransaction(), path, "a transaction");
    }
}

void DistrictGpkgSink::commit() {
    const FixedGpkgDate fixed_date;
    if (ds_) {
        CPLErrorReset();
        ds_.reset(); // closes the file: GDAL reports a failure through its error state
        if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot write '{}' ({})", file_.final_path().string(),
                                    gdal_error_detail()));
        }
        file_.commit();
    }
}

} // namespace covsim::io
