#include "io/area_prepare.hpp"

#include "core/error.hpp"
#include "core/memory_estimate.hpp"
#include "io/district_overlaps.hpp"
#include "io/gdal_support.hpp"
#include "io/georaster.hpp"
#include "io/geotiff_writer.hpp"
#include "io/memory_limit.hpp"
#include "io/population_table.hpp"
#include "io/rasterize.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

namespace covsim::io {

namespace fs = std::filesystem;

namespace {

// The directory being written: DIR.partial, renamed to DIR on commit, removed otherwise.
class StagingDirectory {
public:
    explicit StagingDirectory(fs::path final_dir) : final_(std::move(final_dir)) {
        std::string name = final_.lexically_normal().string();
        while (name.size() > 1 && name.back() == '/') {
            name.pop_back();
        }
        final_ = name;
        temp_ = name + ".partial";
        std::error_code ec;
        fs::remove_all(temp_, ec);
        if (!fs::create_directories(temp_, ec) || ec) {
            throw Error(ErrorCode::io, fmt::format("output directory '{}' cannot be created{}",
                                                   final_.string(), ec ? ": " + ec.message() : ""));
        }
    }
    StagingDirectory(const StagingDirectory&) = delete;
    StagingDirectory& operator=(const StagingDirectory&) = delete;
    ~StagingDirectory() {
        if (!committed_) {
            std::error_code ec;
            fs::remove_all(temp_, ec);
        }
    }
    [[nodiscard]] fs::path operator/(const std::string& name) const { return temp_ / name; }
    [[nodiscard]] const fs::path& final_path() const { return final_; }

    void commit() {
        std::error_code ec;
        if (fs::is_directory(final_, ec)) {
            fs::remove(final_, ec); // empty, checked before anything was written
        }
        fs::rename(temp_, final_, ec);
        if (ec) {
            throw Error(ErrorCode::io, fmt::format("output directory '{}' cannot be written: {}",
                                                   final_.string(), ec.message()));
        }
        committed_ = true;
    }

private:
    fs::path final_;
    fs::path temp_;
    bool committed_ = false;
};

// ---- inputs --------------------------------------------------------------------------------

void check_config(const AreaPrepareConfig& c) {
    auto usage = [](const std::string& message) { return Error(ErrorCode::usage, message); };
    if (!(c.resolution_m >= 0.5 && c.resolution_m <= 10000.0)) {
        throw usage(
            fmt::format("--resolution-m must be in [0.5, 10000] m, got {}", c.resolution_m));
    }
    if (!(c.tolerance.max_scale_deviation > 0.0 && c.tolerance.max_scale_deviation < 1.0)) {
        throw usage(fmt::format("--max-scale-deviation must be in (0, 1), got {}",
                                c.tolerance.max_scale_deviation));
    }
    if (!(c.tolerance.max_outside_share >= 0.0 && c.tolerance.max_outside_share <= 1.0)) {
        throw usage(fmt::format("--max-outside-share must be in [0, 1], got {}",
                                c.tolerance.max_outside_share));
    }
    if (c.population.empty()) {
        throw usage("give --population: a census table keyed by district code, a raster of "
                    "people per pixel, or both");
    }
    std::error_code ec;
    if (fs::exists(c.out, ec) && (!fs::is_directory(c.out, ec) || !fs::is_empty(c.out, ec))) {
        throw Error(ErrorCode::io,
                    fmt::format("output directory '{}' exists and is not empty; covsim area "
                                "prepare writes a new directory and overwrites nothing",
                                c.out.string()));
    }
}

// A raster of people, or a table: a .csv file is always a table (GDAL's XYZ driver would read
// three regular numeric columns as a grid).
bool opens_as_raster(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (ext == ".csv") {
        return false;
    }
    ensure_gdal();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    CPLPopErrorHandler();
    CPLErrorReset();
    return ds != nullptr;
}

struct PopulationInputs {
    std::optional<PopulationTable> table;
    fs::path raster;
};

PopulationInputs read_population_inputs(const AreaPrepareConfig& c) {
    PopulationInputs in;
    fs::path table_path;
    for (const fs::path& p : c.population) {
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            throw Error(ErrorCode::io,
                        fmt::format("population file '{}': file not found", p.string()));
        }
        fs::path& slot = opens_as_raster(p) ? in.raster : table_path;
        if (!slot.empty()) {
            throw Error(ErrorCode::usage,
                        fmt::format("--population: '{}' and '{}' are both {}; give at most one "
                                    "census table and one population raster",
                                    slot.string(), p.string(),
                                    &slot == &in.raster ? "rasters" : "tables"));
        }
        slot = p;
    }
    if (!c.built_up.empty() && (table_path.empty() || !in.raster.empty())) {
        throw Error(ErrorCode::usage, "--built-up weights spread a census table over each "
                                      "district; it needs a table and no population raster");
    }
    if (!table_path.empty()) {
        PopulationTableSpec spec;
        spec.path = table_path;
        spec.code_field = c.code_field;
        spec.population_field = c.population_field;
        spec.name_field = c.name_field;
        spec.name_ascii_field = c.name_ascii_field;
        spec.type_field = c.type_field;
        in.table = read_population_table(spec);
    }
    return in;
}

// ---- districts -----------------------------------------------------------------------------

struct AreaDistricts {
    std::vector<District> districts;              // census_population: the people given, if any
    std::vector<OGRGeometryUniquePtr> geometries; // MultiPolygons in the analysis CRS, valid
    std::vector<std::optional<double>> table_area_km2;
    OGRSpatialReference srs = make_srs();
    OGREnvelope extent;
    std::string given_source; // empty: no people given
};

// Where each attribute of a district comes from: a field of the layer (index >= 0) or the table.
struct DistrictFields {
    int code = -1;
    int name = -1;
    int name_ascii = -1;
    int type = -1;
    int population = -1;
    bool name_from_table = false;
    bool ascii_from_table = false;
    bool type_from_table = false;
};

DistrictFields district_fields(const AreaPrepareConfig& c, OGRFeatureDefn* defn,
                               const PopulationTable* table) {
    const std::string file = c.districts.string();
    DistrictFields f;
    auto missing = [&](const std::string& name, std::string_view option, std::string_view hint) {
        return Error(ErrorCode::input_data,
                     fmt::format("districts file '{}': no field '{}' ({}){}; the layer's fields "
                                 "are: {}",
                                 file, name, option, hint, field_names(defn)));
    };
    f.code = defn->GetFieldIndex(c.code_field.c_str());
    if (f.code < 0) {
        throw missing(c.code_field, "--code-field", "");
    }
    f.name = defn->GetFieldIndex(c.name_field.c_str());
    f.name_from_table = f.name < 0 && table != nullptr && table->has_name;
    if (f.name < 0 && !f.name_from_table) {
        throw missing(c.name_field, "--name-field", " in the layer or the census table");
    }
    f.name_ascii = defn->GetFieldIndex(c.name_ascii_field.c_str());
    f.ascii_from_table = f.name_ascii < 0 && table != nullptr && table->has_name_ascii;
    f.type = defn->GetFieldIndex(c.type_field.c_str());
    f.type_from_table = f.type < 0 && table != nullptr && table->has_type;
    if (f.type < 0 && !f.type_from_table && !c.default_type) {
        throw missing(c.type_field, "--type-field",
                      " in the layer or the census table: give each district's type "
                      "(urban_district, town or rural_district) in a column of the table, or "
                      "--default-type");
    }
    if (table == nullptr) {
        f.population = defn->GetFieldIndex(c.population_field.c_str());
    }
    return f;
}

// The attributes of one feature, from the layer, the table's row or the defaults.
District district_attributes(const AreaPrepareConfig& c, OGRFeature& feature,
                             const DistrictFields& f, const PopulationTable* table,
                             const std::string& where) {
    District d;
    d.code = feature.GetFieldAsString(f.code);
    if (d.code.empty()) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{}: field '{}' is empty; every district needs a code", where,
                                c.code_field));
    }
    const PopulationTableRow* row = table != nullptr ? table->find(d.code) : nullptr;
    auto text = [&](int idx, bool from_table, const std::optional<std::string>* table_value) {
        if (idx >= 0) {
            return std::string(feature.GetFieldAsString(idx));
        }
        return from_table && row != nullptr && table_value->has_value() ? **table_value
                                                                        : std::string();
    };
    d.name = text(f.name, f.name_from_table, row != nullptr ? &row->name : nullptr);
    d.name_ascii =
        text(f.name_ascii, f.ascii_from_table, row != nullptr ? &row->name_ascii : nullptr);
    if (d.name_ascii.empty()) {
        d.name_ascii = d.name;
    }
    const std::string type_text =
        text(f.type, f.type_from_table, row != nullptr ? &row->type : nullptr);
    const auto type =
        type_text.empty() && c.default_type ? c.default_type : parse_district_type(type_text);
    if (!type && (f.type >= 0 || row != nullptr)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} ('{}'): {} '{}' is '{}', expected one of urban_district, "
                                "town, rural_district",
                                f.type >= 0 ? where
                                            : fmt::format("population table '{}' {}",
                                                          table->path.string(), row->where),
                                d.code, f.type >= 0 ? "field" : "column", c.type_field, type_text));
    }
    d.type = type.value_or(DistrictType::urban_district);
    if (row != nullptr) {
        d.census_population = row->population;
    } else if (f.population >= 0) {
        const double p = feature.GetFieldAsDouble(f.population);
        if (!feature.IsFieldSetAndNotNull(f.population) || !std::isfinite(p) || p < 0.0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): field '{}' is '{}', expected a population >= 0",
                                    where, d.code, c.population_field,
                                    feature.GetFieldAsString(f.population)));
        }
        d.census_population = p;
    }
    return d;
}

// The polygons of a geometry (GEOS MakeValid may return a collection with lines) as one
// MultiPolygon.
OGRGeometryUniquePtr polygons_of(const OGRGeometry& g) {
    auto multi = std::make_unique<OGRMultiPolygon>();
    const auto type = wkbFlatten(g.getGeometryType());
    if (type == wkbPolygon) {
        multi->addGeometry(&g);
    } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        for (const OGRGeometry* part : *g.toGeometryCollection()) {
            if (wkbFlatten(part->getGeometryType()) == wkbPolygon ||
                wkbFlatten(part->getGeometryType()) == wkbMultiPolygon) {
                OGRGeometryUniquePtr sub = polygons_of(*part);
                for (const OGRGeometry* p : *sub->toMultiPolygon()) {
                    multi->addGeometry(p);
                }
            }
        }
    }
    return OGRGeometryUniquePtr(multi.release());
}

// The feature's polygon in the analysis CRS, repaired when invalid (a warning).
OGRGeometryUniquePtr district_geometry(OGRFeature& feature, OGRCoordinateTransformation& to_srs,
                                       const std::string& where, const std::string& code) {
    const OGRGeometry* g = feature.GetGeometryRef();
    const auto gtype = g != nullptr ? wkbFlatten(g->getGeometryType()) : wkbNone;
    if (g == nullptr || g->IsEmpty() || (gtype != wkbPolygon && gtype != wkbMultiPolygon)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} ('{}'): geometry is {}, expected a polygon or multipolygon",
                                where, code,
                                g == nullptr ? "missing" : OGRGeometryTypeToName(gtype)));
    }
    OGRGeometryUniquePtr geom(g->clone());
    if (geom->transform(&to_srs) != OGRERR_NONE) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} ('{}'): cannot transform the geometry to the analysis CRS",
                                where, code));
    }
    if (!geom->IsValid()) {
        OGRGeometryUniquePtr repaired(geom->MakeValid());
        if (repaired) {
            repaired = polygons_of(*repaired);
        }
        if (!repaired || repaired->IsEmpty() ||
            !(OGR_G_Area(OGRGeometry::ToHandle(repaired.get())) > 0.0)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): the polygon is invalid and repairs to nothing "
                                    "that encloses an area; expected a district with an area",
                                    where, code));
        }
        spdlog::warn("{} ('{}'): invalid polygon repaired with GEOS MakeValid", where, code);
        return repaired;
    }
    return polygons_of(*geom);
}

std::string listed(const std::vector<std::string>& items) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(items.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) {
        out += (i > 0 ? ", " : "") + items[i];
    }
    if (items.size() > shown) {
        out += fmt::format(" and {} more", items.size() - shown);
    }
    return out;
}

std::string without_leading_zeros(const std::string& code) {
    const auto a = code.find_first_not_of('0');
    return a == std::string::npos ? "0" : code.substr(a);
}

// Every table row names a district and every district has a row; one line for all mismatches.
void check_codes(const AreaPrepareConfig& c, const AreaDistricts& read,
                 const PopulationTable& table) {
    std::set<std::string> codes;
    std::set<std::string> stripped;
    for (const District& d : read.districts) {
        codes.insert(d.code);
        stripped.insert(without_leading_zeros(d.code));
    }
    std::vector<std::string> unknown;
    bool zeros_only = true;
    for (const PopulationTableRow& r : table.rows) {
        if (codes.count(r.code) == 0) {
            unknown.push_back(fmt::format("'{}' ({})", r.code, r.where));
            zeros_only = zeros_only && stripped.count(without_leading_zeros(r.code)) > 0;
        }
    }
    std::vector<std::string> rowless;
    for (const District& d : read.districts) {
        if (table.find(d.code) == nullptr) {
            rowless.push_back(fmt::format("'{}' ({})", d.code, d.name_ascii));
        }
    }
    if (unknown.empty() && rowless.empty()) {
        return;
    }
    std::string what;
    if (!unknown.empty()) {
        what = fmt::format("{} {} no district of '{}' (field '{}'): {}", unknown.size(),
                           unknown.size() == 1 ? "code matches" : "codes match",
                           c.districts.string(), c.code_field, listed(unknown));
    }
    if (!rowless.empty()) {
        what +=
            fmt::format("{}{} {} no row: {}", what.empty() ? "" : "; ", rowless.size(),
                        rowless.size() == 1 ? "district has" : "districts have", listed(rowless));
    }
    const bool hint = !unknown.empty() && zeros_only;
    throw Error(ErrorCode::input_data,
                fmt::format("population table '{}': {}; expected one row per district{}",
                            table.path.string(), what,
                            hint ? " (the codes differ only in leading zeros: keep the codes "
                                   "as text, e.g. '001')"
                                 : ""));
}

// A table's area that differs from the polygon's by more than 20 %: a code on the wrong row?
void warn_about_areas(const AreaDistricts& read, const PopulationTable& table) {
    for (const District& d : read.districts) {
        const PopulationTableRow* row = table.find(d.code);
        if (row == nullptr || !row->area_km2 || !(*row->area_km2 > 0.0)) {
            continue;
        }
        const double polygon = bg::area(d.geometry) / 1e6;
        const double apart = std::abs(polygon - *row->area_km2) / *row->area_km2;
        if (apart > 0.2) {
            spdlog::warn("population table '{}' {} ('{}', {}): its area is {:.2f} km2, the "
                         "polygon's {:.2f} km2 ({:.0f} % apart); is the row's code right?",
                         table.path.string(), row->where, d.code, d.name_ascii, *row->area_km2,
                         polygon, 100.0 * apart);
        }
    }
}

OGRLayer& district_layer(GDALDataset& ds, const AreaPrepareConfig& c) {
    OGRLayer* layer =
        c.district_layer.empty() ? ds.GetLayer(0) : ds.GetLayerByName(c.district_layer.c_str());
    if (layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': no layer '{}' (--district-layer)",
                                c.districts.string(), c.district_layer));
    }
    return *layer;
}

AreaDistricts read_area_districts(const AreaPrepareConfig& c, const PopulationTable* table) {
    const std::string file = c.districts.string();
    auto ds = open_vector(c.districts, "districts file");
    OGRLayer& layer = district_layer(*ds, c);
    const OGRSpatialReference* src = layer.GetSpatialRef();
    if (!is_earth_crs(src)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': layer '{}' has no coordinate reference "
                                "system; assign one, e.g. ogr2ogr -a_srs EPSG:4326",
                                file, layer.GetName()));
    }
    OGRSpatialReference source_srs = *src;
    source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const DistrictFields fields = district_fields(c, layer.GetLayerDefn(), table);
    AreaDistricts out;
    out.srs = analysis_srs(c.crs, "--crs", ErrorCode::usage, layer, source_srs, file);
    auto to_srs = make_transform(source_srs, out.srs);
    std::map<std::string, long long> first_fid;
    for (auto& feature : layer) {
        const long long fid = feature->GetFID();
        const std::string where = fmt::format("districts file '{}': feature {}", file, fid);
        District d = district_attributes(c, *feature, fields, table, where);
        if (const auto [seen, fresh] = first_fid.emplace(d.code, fid); !fresh) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: district code '{}' appears twice (first in feature "
                                    "{}); codes must be unique",
                                    where, d.code, seen->second));
        }
        OGRGeometryUniquePtr geom = district_geometry(*feature, *to_srs, where, d.code);
        d.geometry = to_multipolygon(*geom);
        OGREnvelope e;
        geom->getEnvelope(&e);
        out.extent.Merge(e);
        out.districts.push_back(std::move(d));
        out.geometries.push_back(std::move(geom));
    }
    if (out.districts.empty()) {
        throw Error(
            ErrorCode::input_data,
            fmt::format("districts file '{}': layer '{}' has no features", file, layer.GetName()));
    }
    if (table != nullptr) {
        check_codes(c, out, *table);
        warn_about_areas(out, *table);
        out.given_source = fmt::format("census table '{}' column '{}'", table->path.string(),
                                       table->population_field);
    } else if (fields.population >= 0) {
        out.given_source = fmt::format("field '{}' of '{}'", c.population_field, file);
    }
    check_district_overlaps(out.districts, out.geometries, file);
    return out;
}

// ---- the grid and its people ---------------------------------------------------------------

struct AreaGrid {
    Grid grid;
    Raster<std::int16_t> district_index;
};

AreaGrid lay_grid(const AreaPrepareConfig& c, const AreaDistricts& read) {
    if (read.districts.size() >
        static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': {} districts, at most {} are supported",
                                c.districts.string(), read.districts.size(),
                                std::numeric_limits<std::int16_t>::max()));
    }
    AreaGrid out;
    out.grid = aligned_grid(read.extent.MinX, read.extent.MinY, read.extent.MaxX, read.extent.MaxY,
                            c.resolution_m, to_wkt(read.srs));
    const std::uint64_t bytes = out.grid.cell_count() * study_area_bytes_per_cell;
    check_memory(bytes,
                 fmt::format("--resolution-m {:g}: the analysis grid of {} x {} cells",
                             c.resolution_m, out.grid.width, out.grid.height),
                 fmt::format("Use a coarser --resolution-m (at least {:g} m).",
                             coarser_resolution_m(bytes, c.resolution_m)));
    std::vector<const OGRGeometry*> polygons;
    for (const auto& g : read.geometries) {
        polygons.push_back(g.get());
    }
    out.district_index = rasterize_polygons(out.grid, polygons);
    return out;
}

struct AreaPopulation {
    Raster<double> people;
    PopulationCheck check;
    PopulationMethod method = PopulationMethod::raster;
};

PopulationNames population_names(std::string raster, const AreaDistricts& read) {
    return {std::move(raster), read.given_source, "--resolution-m"};
}

AreaPopulation population_from_raster(const fs::path& raster, const AreaDistricts& read,
                                      const AreaGrid& g) {
    AreaPopulation out;
    const std::string name = fmt::format("population raster '{}'", raster.string());
    out.people = warp_population(raster, g.grid, read.srs);
    out.check = calibrate_population(out.people, g.district_index, read.districts,
                                     population_names(name, read));
    out.check.given_source = read.given_source;
    out.method = out.check.rescaled() ? PopulationMethod::raster_scaled : PopulationMethod::raster;
    return out;
}

// Weights for spreading a table's people: 1 per cell, WorldCover class weights or built-up.
Raster<double> spreading_weights(const AreaPrepareConfig& c, const AreaGrid& g,
                                 const Raster<std::uint8_t>* land_cover, PopulationMethod& method,
                                 std::string& how) {
    Raster<double> w(g.grid, 0.0);
    if (!c.built_up.empty()) {
        method = PopulationMethod::table_built_up;
        how = fmt::format("in proportion to built-up raster '{}'", c.built_up.string());
        const GeoRaster geo = open_georeferenced(c.built_up, "built-up raster");
        w = warp_onto(geo, g.grid, "average", std::numeric_limits<double>::quiet_NaN(),
                      "built-up raster", c.built_up.string());
        for (double& v : w.values) {
            v = std::isfinite(v) && v > 0.0 ? v : 0.0;
        }
    } else if (land_cover != nullptr) {
        method = PopulationMethod::table_land_cover;
        how = fmt::format("by the land cover of '{}' (ESA WorldCover class weights)",
                          c.land_cover.string());
        for (std::size_t i = 0; i < w.values.size(); ++i) {
            w.values[i] = worldcover_people_weight(land_cover->values[i]);
        }
    } else {
        method = PopulationMethod::table_uniform;
        how = "uniformly";
        std::fill(w.values.begin(), w.values.end(), 1.0);
    }
    return w;
}

AreaPopulation population_from_table(const AreaPrepareConfig& c, const PopulationTable& table,
                                     const AreaDistricts& read, const AreaGrid& g,
                                     const Raster<std::uint8_t>* land_cover) {
    AreaPopulation out;
    std::string how;
    Raster<double> weights = spreading_weights(c, g, land_cover, out.method, how);
    // A district without any weight (all water, no built-up cell) is spread uniformly.
    std::vector<double> sums(read.districts.size(), 0.0);
    for (std::size_t i = 0; i < weights.values.size(); ++i) {
        const std::int16_t d = g.district_index.values[i];
        if (d >= 0) {
            sums[static_cast<std::size_t>(d)] += weights.values[i];
        }
    }
    for (std::size_t i = 0; i < weights.values.size(); ++i) {
        const std::int16_t d = g.district_index.values[i];
        if (d >= 0 && !(sums[static_cast<std::size_t>(d)] > 0.0)) {
            weights.values[i] = 1.0;
        }
    }
    for (std::size_t d = 0; d < sums.size(); ++d) {
        if (!(sums[d] > 0.0) && out.method != PopulationMethod::table_uniform) {
            spdlog::warn("district '{}' ({}): no weight {}; its people are spread uniformly",
                         read.districts[d].code, read.districts[d].name_ascii, how);
        }
    }
    const std::string name = fmt::format("census table '{}'", table.path.string());
    out.people = std::move(weights);
    out.check = calibrate_population(out.people, g.district_index, read.districts,
                                     population_names(name, read));
    // The check of a spread table: the people written are the people given.
    out.check.source = fmt::format("{} spread {} over each district", name, how);
    out.check.given_source = read.given_source;
    out.check.outside = 0.0;
    for (PopulationCheckRow& row : out.check.rows) {
        row.on_grid = row.people();
        row.scale = 1.0;
    }
    return out;
}

// ---- DEM and land cover --------------------------------------------------------------------

std::string dem_label(const std::vector<fs::path>& tiles) {
    if (tiles.size() == 1) {
        return fmt::format("DEM '{}'", tiles.front().string());
    }
    std::vector<std::string> names;
    for (const fs::path& t : tiles) {
        names.push_back("'" + t.string() + "'");
    }
    return fmt::format("DEM tiles {}", listed(names));
}

struct AreaDem {
    Raster<float> dem;
    double spacing_m = 0.0;
    ElevationCoverage coverage;
};

AreaDem mosaic_dem(const AreaPrepareConfig& c, const AreaDistricts& read, const AreaGrid& g) {
    std::vector<GeoRaster> tiles;
    for (const fs::path& p : c.dem) {
        tiles.push_back(open_georeferenced(p, "DEM"));
        check_elevation_unit(tiles.back(), p.string());
    }
    AreaDem out;
    out.spacing_m = std::numeric_limits<double>::infinity();
    std::vector<const GeoRaster*> sources;
    for (const GeoRaster& t : tiles) {
        out.spacing_m = std::min(out.spacing_m, pixel_spacing_m(t, g.grid, read.srs));
        sources.push_back(&t);
    }
    const std::string label = dem_label(c.dem);
    std::string files;
    for (const fs::path& p : c.dem) {
        files += (files.empty() ? "" : "', '") + p.string();
    }
    const Grid dem_grid = terrain_grid(g.grid, out.spacing_m, files);
    out.dem = warp_onto<float>(sources, dem_grid, "bilinear",
                               std::numeric_limits<float>::quiet_NaN(), "DEM", files);
    check_elevation_range(out.dem, label);
    out.coverage = check_elevation_coverage(g.district_index, out.dem, label);
    if (out.spacing_m > c.max_dem_spacing_cells * c.resolution_m) {
        spdlog::warn("{}: its spacing of {:.0f} m cannot resolve the terrain of {:g} m cells "
                     "(more than {:g} cells per elevation); terrain losses follow a smoothed "
                     "surface: use a finer DEM (SRTM or Copernicus GLO-30: 30 m)",
                     label, out.spacing_m, c.resolution_m, c.max_dem_spacing_cells);
    }
    return out;
}

Raster<std::uint8_t> land_cover_on_grid(const AreaPrepareConfig& c, const AreaGrid& g) {
    const std::string file = c.land_cover.string();
    const GeoRaster geo = open_georeferenced(c.land_cover, "land-cover raster");
    Raster<std::uint8_t> classes =
        warp_onto(geo, g.grid, "mode", std::uint8_t{0}, "land-cover raster", file);
    std::uint64_t cells = 0;
    std::uint64_t empty = 0;
    std::map<int, std::uint64_t> unknown;
    for (std::size_t i = 0; i < classes.values.size(); ++i) {
        if (g.district_index.values[i] < 0) {
            continue;
        }
        ++cells;
        const std::uint8_t v = classes.values[i];
        empty += v == 0 ? 1 : 0;
        if (v != 0 && worldcover_class_name(v).empty()) {
            ++unknown[v];
        }
    }
    if (empty == cells) {
        throw Error(ErrorCode::input_data,
                    fmt::format("land-cover raster '{}' has no class inside the districts; does "
                                "it cover them?",
                                file));
    }
    if (empty > 0) {
        spdlog::warn("land-cover raster '{}': {} of {} cells in the districts have no class", file,
                     empty, cells);
    }
    if (!unknown.empty()) {
        std::vector<std::string> codes;
        std::uint64_t n = 0;
        for (const auto& [code, count] : unknown) {
            codes.push_back(std::to_string(code));
            n += count;
        }
        spdlog::warn("land-cover raster '{}': {} cells in the districts hold values that are not "
                     "ESA WorldCover classes ({}); no clutter correction there",
                     file, n, listed(codes));
    }
    return classes;
}

// ---- writing -------------------------------------------------------------------------------

void write_districts(const fs::path& path, const AreaDistricts& read,
                     const PopulationCheck& check) {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs = read.srs; // GDAL 3.6 takes a non-const CRS
    OGRLayer* layer = ds ? ds->CreateLayer("districts", &srs, wkbMultiPolygon, nullptr) : nullptr;
    if (layer == nullptr) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}' cannot be written ({})", path.string(), gdal_error_detail()));
    }
    for (const char* name : {"code", "name", "name_ascii", "type"}) {
        OGRFieldDefn def(name, OFTString);
        layer->CreateField(&def);
    }
    for (const char* name : {"population", "area_km2"}) {
        OGRFieldDefn def(name, OFTReal);
        layer->CreateField(&def);
    }
    for (std::size_t d = 0; d < read.districts.size(); ++d) {
        const District& district = read.districts[d];
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("code", district.code.c_str());
        feature.SetField("name", district.name.c_str());
        feature.SetField("name_ascii", district.name_ascii.c_str());
        feature.SetField("type", std::string(to_string(district.type)).c_str());
        feature.SetField("population", check.rows[d].people());
        feature.SetField("area_km2", check.rows[d].area_km2);
        feature.SetGeometry(read.geometries[d].get());
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(ErrorCode::io, fmt::format("'{}' cannot be written ({})", path.string(),
                                                   gdal_error_detail()));
        }
    }
}

// "EPSG:32648" when the CRS has an EPSG code, else its WKT.
std::string crs_text(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth != nullptr && code != nullptr && std::string(auth) == "EPSG") {
        return fmt::format("\"EPSG:{}\"", code);
    }
    return "'''" + to_wkt(srs) + "'''";
}

std::string toml_comment(const std::string& text) {
    std::string out;
    for (char ch : text) {
        out += ch == '\n' ? ' ' : ch;
    }
    return out;
}

void write_fragment(const fs::path& path, const AreaPrepareConfig& c, const AreaDistricts& read,
                    const AreaPrepareReport& r) {
    std::string t;
    t += fmt::format("# A covsim study area, written by `covsim area prepare`{}.\n",
                     c.producer.empty() ? "" : " (" + c.producer + ")");
    t += "# A scenario uses it with `extends = \"<this file>\"` and adds its own tables\n"
         "# (docs/study-area.md, docs/scenario-format.md).\n#\n";
    if (!c.command_line.empty()) {
        t += "# command: " + toml_comment(c.command_line) + "\n";
    }
    t += fmt::format("# districts: {} districts from '{}', {:.2f} km2\n", read.districts.size(),
                     toml_comment(c.districts.string()), r.check.total_area_km2());
    t += fmt::format("# people: {:.0f} from {}\n", r.check.total(), toml_comment(r.check.source));
    if (!r.check.given_source.empty()) {
        t += fmt::format("#   given by {}\n", toml_comment(r.check.given_source));
    }
    if (r.method == PopulationMethod::raster || r.method == PopulationMethod::raster_scaled) {
        t += fmt::format("#   {:.0f} people of the raster outside every district dropped "
                         "(population_check.csv)\n",
                         r.check.outside);
    }
    t += "\n[study_area]\n"
         "districts = \"districts.gpkg\"\n"
         "name_field = \"name\"\n"
         "population = \"population.tif\"\n"
         "population_field = \"population\"  # the people of population.tif per district\n";
    t += fmt::format("crs = {}\nresolution_m = {:g}\n", crs_text(read.srs), c.resolution_m);
    if (!c.dem.empty()) {
        t += fmt::format("dem = \"dem.tif\"  # {:.0f} m spacing\n", *r.dem_spacing_m);
    }
    if (!c.land_cover.empty()) {
        t += "land_cover = \"land_cover.tif\"\n";
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << t;
    out.flush();
    if (!out) {
        throw Error(ErrorCode::io, fmt::format("'{}' cannot be written", path.string()));
    }
}

MapDescription describe(std::string text, std::string units) {
    MapDescription m;
    m.description = std::move(text);
    m.units = std::move(units);
    m.metadata["source"] = "covsim area prepare";
    return m;
}

std::vector<std::array<std::uint8_t, 4>> worldcover_colours() {
    std::vector<std::array<std::uint8_t, 4>> table(256, {0, 0, 0, 0});
    const std::map<int, std::array<std::uint8_t, 4>> colours = {
        {10, {0, 100, 0, 255}},     {20, {255, 187, 34, 255}},  {30, {255, 255, 76, 255}},
        {40, {240, 150, 255, 255}}, {50, {250, 0, 0, 255}},     {60, {180, 180, 180, 255}},
        {70, {240, 240, 240, 255}}, {80, {0, 100, 200, 255}},   {90, {0, 150, 160, 255}},
        {95, {0, 207, 117, 255}},   {100, {250, 230, 160, 255}}};
    for (const auto& [code, rgba] : colours) {
        table[static_cast<std::size_t>(code)] = rgba;
    }
    return table;
}

} // namespace

std::string_view worldcover_class_name(std::uint8_t code) noexcept {
    switch (code) {
    case 10:
        return "tree cover";
    case 20:
        return "shrubland";
    case 30:
        return "grassland";
    case 40:
        return "cropland";
    case 50:
        return "built-up";
    case 60:
        return "bare / sparse vegetation";
    case 70:
        return "snow and ice";
    case 80:
        return "permanent water bodies";
    case 90:
        return "herbaceous wetland";
    case 95:
        return "mangroves";
    case 100:
        return "moss and lichen";
    default:
        return "";
    }
}

double worldcover_people_weight(std::uint8_t code) noexcept {
    switch (code) {
    case 50:
        return 1.0; // built-up
    case 10:
        return 0.02; // tree cover
    case 70:         // snow and ice
    case 80:         // permanent water bodies
    case 90:         // herbaceous wetland
    case 95:         // mangroves
        return 0.0;
    default:
        return 0.05; // shrubs, grass, cropland, bare, moss, no data or an unknown code
    }
}

AreaPrepareReport prepare_study_area(const AreaPrepareConfig& c) {
    check_config(c);
    const PopulationInputs inputs = read_population_inputs(c);
    const PopulationTable* table = inputs.table ? &*inputs.table : nullptr;
    const AreaDistricts read = read_area_districts(c, table);
    const AreaGrid g = lay_grid(c, read);
    std::optional<Raster<std::uint8_t>> land_cover;
    if (!c.land_cover.empty()) {
        land_cover = land_cover_on_grid(c, g);
    }
    AreaPopulation population =
        inputs.raster.empty()
            ? population_from_table(c, *table, read, g, land_cover ? &*land_cover : nullptr)
            : population_from_raster(inputs.raster, read, g);
    std::optional<AreaDem> dem;
    if (!c.dem.empty()) {
        dem = mosaic_dem(c, read, g);
    }

    AreaPrepareReport r;
    r.method = population.method;
    r.check = std::move(population.check);
    r.population_warnings = population_warnings(r.check, c.tolerance);
    for (const std::string& w : r.population_warnings) {
        spdlog::warn("{}", w);
    }
    r.grid = g.grid;
    r.crs_label = srs_label(read.srs);
    for (const PopulationCheckRow& row : r.check.rows) {
        r.district_cells += row.cells;
    }
    if (dem) {
        r.dem_spacing_m = dem->spacing_m;
        r.dem_missing_cells = dem->coverage.missing;
    }

    // No nodata value: 0 means nobody, and must count as 0 when the loader averages the raster
    // onto another grid (a nodata 0 would be left out of the average and inflate edge cells).
    population.people.nodata = std::numeric_limits<double>::quiet_NaN();
    StagingDirectory dir(c.out);
    write_districts(dir / "districts.gpkg", read, r.check);
    write_geotiff(dir / "population.tif", population.people, describe("people per cell", "people"));
    write_population_check_csv(r.check, dir / "population_check.csv");
    std::vector<std::string> names = {"study_area.toml", "districts.gpkg", "population.tif",
                                      "population_check.csv"};
    if (dem) {
        write_geotiff(dir / "dem.tif", dem->dem, describe("ground elevation above sea level", "m"));
        names.emplace_back("dem.tif");
    }
    if (land_cover) {
        MapDescription m = describe("ESA WorldCover class", "");
        m.overviews = OverviewResampling::nearest;
        m.color_table = worldcover_colours();
        write_geotiff(dir / "land_cover.tif", *land_cover, m);
        names.emplace_back("land_cover.tif");
    }
    write_fragment(dir / "study_area.toml", c, read, r);
    dir.commit();
    r.out = dir.final_path();
    for (const std::string& n : names) {
        r.files.push_back(r.out / n);
    }
    return r;
}

} // namespace covsim::io
