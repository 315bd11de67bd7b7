#include "io/district_gpkg.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <ogrsf_frmts.h>

namespace covsim::io {

namespace {

// Sets GDAL's OGR_CURRENT_DATE for this thread while it lives: the GPKG driver then writes that
// date instead of the clock's.
class FixedDate {
public:
    FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", gpkg_fixed_date); }
    FixedDate(const FixedDate&) = delete;
    FixedDate& operator=(const FixedDate&) = delete;
    ~FixedDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

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

DistrictGpkgSink::DistrictGpkgSink(const std::filesystem::path& path) : file_(path) {}

void DistrictGpkgSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const FixedDate fixed_date;
    const std::filesystem::path& path = file_.final_path();
    open_dataset();

    // A table name is flat: a sweep variant's "base/a=1,b=2" becomes "base__a=1,b=2"; its
    // identifier (what QGIS shows as the title) keeps the scenario's name.
    const std::string scenario = flat_name(result.scenario->name);
    OGRSpatialReference srs = srs_from_wkt(result.area->grid.crs_wkt);
    const std::string identifier = "IDENTIFIER=" + result.scenario->name;
    const std::string desc_option = "DESCRIPTION=" + result.scenario->description;
    const char* options[] = {"FID=fid",           "GEOMETRY_NAME=geom", identifier.c_str(),
                             desc_option.c_str(), "SPATIAL_INDEX=YES",  nullptr};
    CPLErrorReset();
    OGRLayer* layer =
        ds_->CreateLayer(scenario.c_str(), &srs, wkbMultiPolygon, const_cast<char**>(options));
    if (layer == nullptr) {
        throw Error(ErrorCode::io, fmt::format("cannot create layer '{}' in '{}' ({})", scenario,
                                               path.string(), gdal_error_detail()));
    }
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
                  fmt::format("district '{}' of layer '{}'", info.code, scenario));
    }
    check_ogr(layer->CommitTransaction(), path, "a transaction");

    // The default style, in the table QGIS reads styles from (the schema QGIS itself creates).
    create_styles_table();
    OGRFeature style(styles_->GetLayerDefn());
    style.SetField("f_table_catalog", "");
    style.SetField("f_table_schema", "");
    style.SetField("f_table_name", scenario.c_str());
    style.SetField("f_geometry_column", "geom");
    style.SetField("styleName", "covsim");
    style.SetField("styleQML", district_qml(fields).c_str());
    style.SetField("styleSLD", district_sld(scenario).c_str());
    style.SetField("useAsDefault", 1);
    style.SetField("description",
                   "covsim: share of the people covered outdoors, with district names");
    style.SetField("owner", "");
    style.SetField("update_time", gpkg_fixed_date);
    check_ogr(styles_->CreateFeature(&style), path, "the layer style of " + scenario);
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
    const FixedDate fixed_date;
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
            const std::string identifier = "IDENTIFIER=" + name;
            const char* description = from->GetMetadataItem("DESCRIPTION");
            const std::string desc_option =
                std::string("DESCRIPTION=") + (description != nullptr ? description : "");
            const char* options[] = {"FID=fid",           "GEOMETRY_NAME=geom", identifier.c_str(),
                                     desc_option.c_str(), "SPATIAL_INDEX=YES",  nullptr};
            CPLErrorReset();
            to = ds_->CreateLayer(name.c_str(), from->GetSpatialRef(), from->GetGeomType(),
                                  const_cast<char**>(options));
            if (to == nullptr) {
                throw Error(ErrorCode::io, fmt::format("cannot create layer '{}' in '{}' ({})",
                                                       name, path.string(), gdal_error_detail()));
            }
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
    const FixedDate fixed_date;
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
