#include "io/study_area_loader.hpp"

#include "core/error.hpp"
#include "core/memory_estimate.hpp"
#include "core/parallel.hpp"
#include "core/propagation/p2108.hpp"
#include "core/terrain.hpp"
#include "io/district_overlaps.hpp"
#include "io/gdal_support.hpp"
#include "io/georaster.hpp"
#include "io/memory_limit.hpp"
#include "io/population_check.hpp"
#include "io/rasterize.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <cmath>
#include <fmt/format.h>
#include <gdal_alg.h>
#include <limits>
#include <memory>
#include <ogrsf_frmts.h>
#include <set>
#include <spdlog/spdlog.h>
#include <string_view>

namespace covsim::io {

namespace {

struct DistrictRead {
    std::vector<District> districts;
    std::vector<OGRGeometryUniquePtr> geometries; // analysis CRS, same order
    OGRSpatialReference analysis_srs = make_srs();
    OGREnvelope extent; // analysis CRS
};

DistrictRead read_districts(const StudyAreaSpec& spec) {
    const std::string file = spec.districts_path.string();
    auto ds = open_vector(spec.districts_path, "districts file");
    OGRLayer* layer = spec.districts_layer.empty()
                          ? ds->GetLayer(0)
                          : ds->GetLayerByName(spec.districts_layer.c_str());
    if (layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': no layer '{}' (study_area.districts_layer)",
                                file, spec.districts_layer));
    }
    const OGRSpatialReference* src = layer->GetSpatialRef();
    if (!is_earth_crs(src)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': layer '{}' has no coordinate reference "
                                "system; assign one, e.g. ogr2ogr -a_srs EPSG:4326",
                                file, layer->GetName()));
    }
    OGRSpatialReference source_srs = *src;
    source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    OGRFeatureDefn* defn = layer->GetLayerDefn();
    auto field = [&](const std::string& name, std::string_view key, bool required) {
        const int idx = defn->GetFieldIndex(name.c_str());
        if (idx < 0 && required) {
            throw Error(ErrorCode::input_data,
                        fmt::format("districts file '{}': no field '{}' (study_area.{}); the "
                                    "layer's fields are: {}",
                                    file, name, key, field_names(defn)));
        }
        return idx;
    };
    const int code_idx = field(spec.code_field, "code_field", true);
    const int name_idx = field(spec.name_field, "name_field", true);
    const int ascii_idx = field(spec.name_ascii_field, "name_ascii_field", false);
    const int type_idx = field(spec.type_field, "type_field", true);
    const int pop_idx =
        spec.population_field.empty() ? -1 : field(spec.population_field, "population_field", true);

    DistrictRead out;
    out.analysis_srs =
        analysis_srs(spec.crs, "study_area.crs", ErrorCode::scenario, *layer, source_srs, file);
    auto to_analysis = make_transform(source_srs, out.analysis_srs);

    std::set<std::string> seen_codes;
    layer->ResetReading();
    for (auto& feature : *layer) {
        const std::string where = fmt::format("districts file '{}': feature {}", file,
                                              static_cast<long long>(feature->GetFID()));
        District d;
        d.code = feature->GetFieldAsString(code_idx);
        d.name = feature->GetFieldAsString(name_idx);
        d.name_ascii = ascii_idx >= 0 ? feature->GetFieldAsString(ascii_idx) : d.name;
        if (d.code.empty()) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: field '{}' is empty; every district needs a code", where,
                                    spec.code_field));
        }
        const std::string type_text = feature->GetFieldAsString(type_idx);
        const auto type = parse_district_type(type_text);
        if (!type) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): field '{}' is '{}', expected one of "
                                    "urban_district, town, rural_district",
                                    where, d.code, spec.type_field, type_text));
        }
        d.type = *type;
        if (pop_idx >= 0) {
            const double p = feature->GetFieldAsDouble(pop_idx);
            if (!feature->IsFieldSetAndNotNull(pop_idx) || !std::isfinite(p) || p < 0.0) {
                throw Error(ErrorCode::input_data,
                            fmt::format("{} ('{}'): field '{}' is '{}', expected a population "
                                        ">= 0",
                                        where, d.code, spec.population_field,
                                        feature->GetFieldAsString(pop_idx)));
            }
            d.census_population = p;
        }
        if (!seen_codes.insert(d.code).second) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: district code '{}' appears twice; codes must be unique",
                                    where, d.code));
        }

        const OGRGeometry* g = feature->GetGeometryRef();
        const auto gtype = g != nullptr ? wkbFlatten(g->getGeometryType()) : wkbNone;
        if (g == nullptr || g->IsEmpty() || (gtype != wkbPolygon && gtype != wkbMultiPolygon)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): geometry is {}, expected a polygon or "
                                    "multipolygon",
                                    where, d.code,
                                    g == nullptr ? "missing" : OGRGeometryTypeToName(gtype)));
        }
        OGRGeometryUniquePtr geom(g->clone());
        if (geom->transform(to_analysis.get()) != OGRERR_NONE) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): cannot transform the geometry to {}", where, d.code,
                                    srs_label(out.analysis_srs)));
        }
        if (!geom->IsValid()) {
            OGRGeometryUniquePtr repaired(geom->MakeValid());
            if (!repaired || repaired->IsEmpty()) {
                throw Error(ErrorCode::input_data,
                            fmt::format("{} ('{}'): the polygon is invalid and cannot be "
                                        "repaired",
                                        where, d.code));
            }
            spdlog::warn("{} ('{}'): invalid polygon repaired with GEOS MakeValid", where, d.code);
            geom = std::move(repaired);
        }
        // A ring of collinear points repairs to a line: people would be counted on no cell.
        if (!(OGR_G_Area(OGRGeometry::ToHandle(geom.get())) > 0.0)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): the polygon encloses no area (after repair: {}); "
                                    "expected a district with an area",
                                    where, d.code,
                                    OGRGeometryTypeToName(wkbFlatten(geom->getGeometryType()))));
        }
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
            fmt::format("districts file '{}': layer '{}' has no features", file, layer->GetName()));
    }
    if (out.districts.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': {} districts, at most {} are supported", file,
                                out.districts.size(), std::numeric_limits<std::int16_t>::max()));
    }
    check_district_overlaps(out.districts, out.geometries, file);
    return out;
}

// The DEM warped onto the analysis CRS at its own spacing (bilinear), covering the analysis grid.
Raster<float> load_dem(const StudyAreaSpec& spec, const Grid& grid,
                       const OGRSpatialReference& grid_srs) {
    const std::string file = spec.dem_path.string();
    GeoRaster geo = open_georeferenced(spec.dem_path, "DEM");
    check_elevation_unit(geo, file);
    const Grid dem_grid = terrain_grid(grid, pixel_spacing_m(geo, grid, grid_srs), file);
    return warp_onto(geo, dem_grid, "bilinear", std::numeric_limits<float>::quiet_NaN(), "DEM",
                     file);
}

// ESA WorldCover class codes (v100/v200 legend) to ITU-R P.2108 Table 3 clutter types; built-up
// land is urban in urban districts and suburban elsewhere (docs/terrain.md).
std::uint8_t clutter_of_worldcover(std::uint8_t code, DistrictType type) {
    using p2108::ClutterType;
    switch (code) {
    case 10: // tree cover
    case 95: // mangroves
        return static_cast<std::uint8_t>(ClutterType::trees_forest);
    case 50: // built-up
        return static_cast<std::uint8_t>(
            type == DistrictType::urban_district ? ClutterType::urban : ClutterType::suburban);
    case 80: // permanent water bodies
        return static_cast<std::uint8_t>(ClutterType::water_sea);
    case 20:  // shrubland
    case 30:  // grassland
    case 40:  // cropland
    case 60:  // bare / sparse vegetation
    case 70:  // snow and ice
    case 90:  // herbaceous wetland
    case 100: // moss and lichen
        return static_cast<std::uint8_t>(ClutterType::open_rural);
    default:
        return 0; // not a WorldCover class: no correction
    }
}

// The land-cover raster on the analysis grid (majority of the source pixels in each cell), as
// clutter types.
Raster<std::uint8_t> load_land_cover(const StudyAreaSpec& spec, const StudyArea& area) {
    const std::string file = spec.land_cover_path.string();
    const GeoRaster geo = open_georeferenced(spec.land_cover_path, "land-cover raster");
    const Grid& grid = area.grid;
    Raster<std::uint8_t> classes =
        warp_onto(geo, grid, "mode", std::uint8_t{0}, "land-cover raster", file);
    std::uint64_t unknown = 0;
    for (std::size_t i = 0; i < classes.values.size(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            classes.values[i] = 0;
            continue;
        }
        classes.values[i] = clutter_of_worldcover(classes.values[i],
                                                  area.districts[static_cast<std::size_t>(d)].type);
        unknown += classes.values[i] == 0 ? 1 : 0;
    }
    if (unknown > 0) {
        spdlog::warn("land-cover raster '{}': {} cells in the districts have no ESA WorldCover "
                     "class; no terminal clutter correction there",
                     file, unknown);
    }
    return classes;
}

// Grows the people of each district by its type's factor ([study_area] population_growth): from
// the population source's date to the scenario's year.
void grow_population(StudyArea& area, const PerDistrictType<double>& growth) {
    if (growth == PerDistrictType<double>{1.0, 1.0, 1.0}) {
        return;
    }
    double before = 0.0;
    double after = 0.0;
    for (std::size_t i = 0; i < area.population.values.size(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            continue;
        }
        double& people = area.population.values[i];
        before += people;
        people *=
            growth[static_cast<std::size_t>(area.districts[static_cast<std::size_t>(d)].type)];
        after += people;
    }
    spdlog::info("population: grown by {:g} (urban_district), {:g} (town), {:g} "
                 "(rural_district) from {:.0f} to {:.0f} people ([study_area] population_growth)",
                 growth[0], growth[1], growth[2], before, after);
}

} // namespace

LoadedDistricts load_districts(const StudyAreaSpec& spec) {
    DistrictRead read = read_districts(spec);
    return {std::move(read.districts), to_wkt(read.analysis_srs)};
}

LoadedStudyArea load_study_area(const StudyAreaSpec& spec) {
    DistrictRead read = read_districts(spec);
    LoadedStudyArea out;
    StudyArea& area = out.area;
    area.grid = aligned_grid(read.extent.MinX, read.extent.MinY, read.extent.MaxX, read.extent.MaxY,
                             spec.resolution_m, to_wkt(read.analysis_srs));
    spdlog::debug("analysis grid: {} x {} cells of {} m in {}", area.grid.width, area.grid.height,
                  spec.resolution_m, srs_label(read.analysis_srs));
    const std::uint64_t bytes = area.grid.cell_count() * study_area_bytes_per_cell;
    check_memory(
        bytes,
        fmt::format("[study_area] resolution_m = {:g}: the analysis grid of {} x {} "
                    "cells",
                    spec.resolution_m, area.grid.width, area.grid.height),
        fmt::format("Use a coarser resolution_m (at least {:g} m) or a smaller study area.",
                    coarser_resolution_m(bytes, spec.resolution_m)));
    std::vector<const OGRGeometry*> polygons;
    for (const auto& g : read.geometries) {
        polygons.push_back(g.get());
    }
    // The DEM is read and warped while the districts are rasterised and the population warped
    // (GDAL on two threads, each on its own file and its own copy of the CRS: GDAL's spatial
    // references are not safe to share between threads); a failure of the DEM is reported where
    // it was when they ran one after the other, after the population's check.
    const OGRSpatialReference dem_grid_srs = read.analysis_srs;
    const auto failed = parallel::run_both(
        [&] {
            area.district_index = rasterize_polygons(area.grid, polygons);
            area.population = warp_population(spec.population_path, area.grid, read.analysis_srs);
        },
        [&] {
            if (!spec.dem_path.empty()) {
                area.terrain = load_dem(spec, area.grid, dem_grid_srs);
            }
        });
    if (failed[0]) {
        std::rethrow_exception(failed[0]);
    }
    area.districts = std::move(read.districts);

    // People in cells of no district are dropped; each district is scaled to its population
    // field when there is one. The check is logged: a summary line, and the per-district table
    // whenever a factor or the people outside are beyond the tolerance (docs/study-area.md).
    PopulationCheck& check = out.population_check;
    check = calibrate_population(
        area.population, area.district_index, area.districts,
        {fmt::format("population raster '{}'", spec.population_path.string()),
         fmt::format("field '{}'", spec.population_field), "study_area.resolution_m"});
    if (!spec.population_field.empty()) {
        check.given_source =
            fmt::format("field '{}' of '{}'", spec.population_field, spec.districts_path.string());
    }
    for (const PopulationCheckRow& row : check.rows) {
        out.population_scale.push_back(row.scale);
    }
    out.population_outside_districts = check.outside;
    log_population_check(check, PopulationTolerance{});
    grow_population(area, spec.population_growth);

    out.inputs.push_back({"districts", spec.districts_path});
    out.inputs.push_back({"population", spec.population_path});

    if (failed[1]) {
        std::rethrow_exception(failed[1]);
    }
    if (area.terrain) {
        check_elevation_range(*area.terrain, fmt::format("DEM '{}'", spec.dem_path.string()));
        check_elevation_coverage(area.district_index, *area.terrain,
                                 fmt::format("DEM '{}'", spec.dem_path.string()));
        spdlog::info("terrain: {} x {} cells of {:.1f} m from {}", area.terrain->grid.width,
                     area.terrain->grid.height, area.terrain->grid.cell_size_m,
                     spec.dem_path.string());
        out.inputs.push_back({"dem", spec.dem_path});
    }
    if (!spec.land_cover_path.empty()) {
        area.clutter = load_land_cover(spec, area);
        out.inputs.push_back({"land_cover", spec.land_cover_path});
    }
    return out;
}

} // namespace covsim::io
