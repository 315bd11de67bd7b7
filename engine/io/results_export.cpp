#include "io/results_export.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"
#include "io/summary_csv.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>

namespace covsim::io {

namespace {

struct ColumnName {
    std::string name;
    bool text = false;
};

// The variables of all tables, text first, each in first-seen order.
std::vector<ColumnName> union_of(const std::vector<ScenarioTable>& tables) {
    std::vector<ColumnName> text, numbers;
    auto add = [](std::vector<ColumnName>& v, const std::string& name, bool is_text) {
        if (std::none_of(v.begin(), v.end(), [&](const ColumnName& c) { return c.name == name; })) {
            v.push_back({name, is_text});
        }
    };
    for (const ScenarioTable& t : tables) {
        for (const DistrictTextVariable& v : t.districts.text_variables) {
            add(text, v.name, true);
        }
        for (const DistrictVariable& v : t.districts.variables) {
            add(numbers, v.name, false);
        }
    }
    text.insert(text.end(), numbers.begin(), numbers.end());
    return text;
}

const DistrictTextVariable* find_text(const DistrictTable& t, const std::string& name) {
    for (const DistrictTextVariable& v : t.text_variables) {
        if (v.name == name) {
            return &v;
        }
    }
    return nullptr;
}

// Full precision, so that a spreadsheet or pandas gets the values of results.h5.
std::string number(double v) {
    return std::isfinite(v) ? fmt::format("{}", v) : std::string();
}

void check_ogr(OGRErr err, const std::filesystem::path& path, const std::string& what) {
    if (err != OGRERR_NONE) {
        throw Error(ErrorCode::io, fmt::format("cannot write {} to '{}' ({})", what, path.string(),
                                               gdal_error_detail()));
    }
}

} // namespace

void write_results_csv(const std::filesystem::path& path,
                       const std::vector<ScenarioTable>& tables) {
    const std::vector<ColumnName> columns = union_of(tables);
    AtomicFile file(path);
    {
        std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
        out << "scenario,code,name,name_ascii,type";
        for (const ColumnName& c : columns) {
            out << ',' << csv_field(c.name);
        }
        out << '\n';
        for (const ScenarioTable& t : tables) {
            const DistrictTable& d = t.districts;
            for (std::size_t i = 0; i < d.codes.size(); ++i) {
                out << csv_field(t.scenario) << ',' << csv_field(d.codes[i]) << ','
                    << csv_field(d.names[i]) << ',' << csv_field(d.names_ascii[i]) << ','
                    << csv_field(d.types[i]);
                for (const ColumnName& c : columns) {
                    out << ',';
                    if (c.text) {
                        const DistrictTextVariable* v = find_text(d, c.name);
                        out << (v != nullptr ? csv_field(v->values[i]) : std::string());
                    } else {
                        const DistrictVariable* v = d.find(c.name);
                        out << (v != nullptr ? number(v->values[i]) : std::string());
                    }
                }
                out << '\n';
            }
        }
        out.flush();
        if (!out) {
            throw_cannot_write(path);
        }
    }
    file.commit();
}

void write_results_gpkg(const std::filesystem::path& path, const std::vector<ScenarioTable>& tables,
                        const std::filesystem::path& districts_gpkg) {
    ensure_gdal();
    // The polygons, by district code.
    GDALDatasetUniquePtr src = open_vector(districts_gpkg, "district GeoPackage");
    OGRLayer* src_layer = nullptr;
    for (int i = 0; i < src->GetLayerCount() && src_layer == nullptr; ++i) {
        OGRLayer* l = src->GetLayer(i);
        if (l->GetLayerDefn()->GetFieldIndex("code") >= 0 && l->GetGeomType() != wkbNone) {
            src_layer = l;
        }
    }
    if (src_layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("'{}' has no layer with a 'code' field and polygons; expected the "
                                "districts.gpkg of a covsim run",
                                districts_gpkg.string()));
    }
    std::map<std::string, std::unique_ptr<OGRGeometry>> polygons;
    src_layer->ResetReading();
    for (auto& f : *src_layer) {
        if (f->GetGeometryRef() != nullptr) {
            polygons[f->GetFieldAsString("code")].reset(f->GetGeometryRef()->clone());
        }
    }
    for (const ScenarioTable& t : tables) {
        for (const std::string& code : t.districts.codes) {
            if (polygons.find(code) == polygons.end()) {
                throw Error(ErrorCode::input_data,
                            fmt::format("'{}' layer '{}' has no district with code \"{}\" (of "
                                        "scenario \"{}\"); give the districts.gpkg of the run "
                                        "that wrote the results",
                                        districts_gpkg.string(), src_layer->GetName(), code,
                                        t.scenario));
            }
        }
    }

    AtomicFile file(path);
    {
        GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
        CPLPushErrorHandler(CPLQuietErrorHandler); // the temporary name does not end in .gpkg
        GDALDatasetUniquePtr ds(
            gpkg->Create(file.temp_path().string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        CPLPopErrorHandler();
        if (!ds) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot create '{}' ({})", path.string(), gdal_error_detail()));
        }
        const char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES", nullptr};
        OGRLayer* layer = ds->CreateLayer(results_gpkg_layer, src_layer->GetSpatialRef(),
                                          wkbMultiPolygon, const_cast<char**>(options));
        if (layer == nullptr) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot create layer '{}' in '{}' ({})", results_gpkg_layer,
                                    path.string(), gdal_error_detail()));
        }
        const std::vector<ColumnName> columns = union_of(tables);
        for (const char* name : {"scenario", "code", "name", "name_ascii", "type"}) {
            OGRFieldDefn f(name, OFTString);
            check_ogr(layer->CreateField(&f), path, fmt::format("field '{}'", name));
        }
        for (const ColumnName& c : columns) {
            OGRFieldDefn f(c.name.c_str(), c.text ? OFTString : OFTReal);
            check_ogr(layer->CreateField(&f), path, fmt::format("field '{}'", c.name));
        }
        check_ogr(layer->StartTransaction(), path, "a transaction");
        GIntBig fid = 1;
        for (const ScenarioTable& t : tables) {
            const DistrictTable& d = t.districts;
            for (std::size_t i = 0; i < d.codes.size(); ++i) {
                OGRFeature feature(layer->GetLayerDefn());
                feature.SetFID(fid++);
                int k = 0;
                feature.SetField(k++, t.scenario.c_str());
                feature.SetField(k++, d.codes[i].c_str());
                feature.SetField(k++, d.names[i].c_str());
                feature.SetField(k++, d.names_ascii[i].c_str());
                feature.SetField(k++, d.types[i].c_str());
                for (const ColumnName& c : columns) {
                    if (c.text) {
                        if (const DistrictTextVariable* v = find_text(d, c.name)) {
                            feature.SetField(k, v->values[i].c_str());
                        } else {
                            feature.SetFieldNull(k);
                        }
                    } else {
                        const DistrictVariable* v = d.find(c.name);
                        if (v != nullptr && std::isfinite(v->values[i])) {
                            feature.SetField(k, v->values[i]);
                        } else {
                            feature.SetFieldNull(k);
                        }
                    }
                    ++k;
                }
                std::unique_ptr<OGRGeometry> g(polygons[d.codes[i]]->clone());
                if (wkbFlatten(g->getGeometryType()) == wkbPolygon) {
                    g.reset(OGRGeometryFactory::forceToMultiPolygon(g.release()));
                }
                feature.SetGeometry(g.get());
                check_ogr(layer->CreateFeature(&feature), path,
                          fmt::format("district {} of scenario {}", d.codes[i], t.scenario));
            }
        }
        check_ogr(layer->CommitTransaction(), path, "a transaction");
        ds.reset();
    }
    file.commit();
}

} // namespace covsim::io
