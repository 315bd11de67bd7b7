#include "io/study_area_loader.hpp"

#include "core/error.hpp"
#include "core/memory_estimate.hpp"
#include "core/propagation/p2108.hpp"
#include "core/terrain.hpp"
#include "io/gdal_support.hpp"
#include "io/memory_limit.hpp"
#include "io/rasterize.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <fmt/format.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <limits>
#include <memory>
#include <numbers>
#include <ogrsf_frmts.h>
#include <set>
#include <spdlog/spdlog.h>
#include <string_view>

namespace covsim::io {

namespace {

Polygon to_boost(const OGRPolygon& polygon) {
    Polygon out;
    auto copy_ring = [](const OGRLinearRing* from, Ring& to) {
        if (from == nullptr) {
            return;
        }
        for (int i = 0; i < from->getNumPoints(); ++i) {
            to.emplace_back(from->getX(i), from->getY(i));
        }
    };
    copy_ring(polygon.getExteriorRing(), out.outer());
    for (int k = 0; k < polygon.getNumInteriorRings(); ++k) {
        out.inners().emplace_back();
        copy_ring(polygon.getInteriorRing(k), out.inners().back());
    }
    bg::correct(out);
    return out;
}

MultiPolygon to_boost(const OGRGeometry& g) {
    MultiPolygon out;
    const auto type = wkbFlatten(g.getGeometryType());
    if (type == wkbPolygon) {
        out.push_back(to_boost(*g.toPolygon()));
    } else if (type == wkbMultiPolygon) {
        for (const OGRPolygon* p : *g.toMultiPolygon()) {
            out.push_back(to_boost(*p));
        }
    }
    return out;
}

struct DistrictRead {
    std::vector<District> districts;
    std::vector<OGRGeometryUniquePtr> geometries; // analysis CRS, same order
    OGRSpatialReference analysis_srs = make_srs();
    OGREnvelope extent; // analysis CRS
};

OGRSpatialReference choose_analysis_srs(const StudyAreaSpec& spec, OGRLayer& layer,
                                        const OGRSpatialReference& source_srs) {
    if (!spec.crs.empty()) {
        OGRSpatialReference srs = srs_from_user_input(spec.crs, "study_area.crs");
        if (!srs.IsProjected() || std::abs(srs.GetLinearUnits() - 1.0) > 1e-12) {
            throw Error(ErrorCode::scenario,
                        fmt::format("study_area.crs: '{}' is not a projected CRS in metres "
                                    "(expected e.g. a UTM zone such as \"EPSG:32648\")",
                                    spec.crs));
        }
        return srs;
    }
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot compute the layer's extent",
                                spec.districts_path.string()));
    }
    OGRSpatialReference geo = wgs84();
    auto to_geo = make_transform(source_srs, geo);
    double x = (env.MinX + env.MaxX) / 2.0;
    double y = (env.MinY + env.MaxY) / 2.0;
    if (!to_geo->Transform(1, &x, &y)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot locate the layer's centre in "
                                "longitude/latitude",
                                spec.districts_path.string()));
    }
    OGRSpatialReference utm = make_srs();
    utm.importFromEPSG(utm_epsg(x, y));
    return utm;
}

// Districts must not overlap: a cell belongs to the district containing its centre, and an
// overlap would give its people to whichever district the rasterizer drew last. Slivers from
// digitising (at most 1 % of the smaller district) are tolerated. Candidate pairs come from an
// R-tree of the envelopes; GEOS measures each intersection.
void check_overlaps(const DistrictRead& read, const std::string& file) {
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using Pt = bg::model::point<double, 2, bg::cs::cartesian>;
    using Env = bg::model::box<Pt>;
    using Entry = std::pair<Env, std::size_t>;
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < read.geometries.size(); ++i) {
        OGREnvelope e;
        read.geometries[i]->getEnvelope(&e);
        entries.emplace_back(Env(Pt(e.MinX, e.MinY), Pt(e.MaxX, e.MaxY)), i);
    }
    const bgi::rtree<Entry, bgi::quadratic<16>> tree(entries.begin(), entries.end());
    auto area_of = [](const OGRGeometry& g) {
        const auto type = wkbFlatten(g.getGeometryType());
        if (type == wkbPolygon || type == wkbMultiPolygon || type == wkbGeometryCollection) {
            return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
        }
        return 0.0;
    };
    std::size_t pairs = 0;
    std::string first;
    for (const Entry& a : entries) {
        std::vector<Entry> hits;
        tree.query(bgi::intersects(a.first), std::back_inserter(hits));
        std::sort(hits.begin(), hits.end(),
                  [](const Entry& x, const Entry& y) { return x.second < y.second; });
        for (const Entry& b : hits) {
            if (b.second <= a.second) {
                continue;
            }
            const OGRGeometry& ga = *read.geometries[a.second];
            const OGRGeometry& gb = *read.geometries[b.second];
            OGRGeometryUniquePtr common(ga.Intersection(&gb));
            const double overlap = common ? area_of(*common) : 0.0;
            const double smaller = std::min(area_of(ga), area_of(gb));
            if (overlap > 0.01 * smaller) {
                ++pairs;
                if (first.empty()) {
                    const District& da = read.districts[a.second];
                    const District& db = read.districts[b.second];
                    first = fmt::format("districts '{}' ({}) and '{}' ({}) overlap by {:.3f} km2 "
                                        "({:.0f} % of the smaller)",
                                        da.code, da.name, db.code, db.name, overlap / 1e6,
                                        100.0 * overlap / smaller);
                }
            }
        }
    }
    if (pairs > 0) {
        throw Error(
            ErrorCode::input_data,
            fmt::format("districts file '{}': {}; expected districts that do not overlap "
                        "(more than 1 % of the smaller one){}",
                        file, first,
                        pairs > 1 ? fmt::format(", {} overlapping pairs in all", pairs) : ""));
    }
}

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
    out.analysis_srs = choose_analysis_srs(spec, *layer, source_srs);
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
        d.geometry = to_boost(*geom);
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
    check_overlaps(out, file);
    return out;
}

// Area of the source pixel containing each analysis cell, m^2. Constant for a projected
// source; for a geographic one, the area of a Δλ x Δφ cell on the sphere of equal area
// (authalic radius of WGS 84, 6371007.2 m) at the cell's latitude.
std::vector<double> source_pixel_area_m2(const Grid& grid, GDALDataset& src,
                                         const OGRSpatialReference& src_srs,
                                         const OGRSpatialReference& grid_srs) {
    std::array<double, 6> gt{};
    src.GetGeoTransform(gt.data());
    const double det = std::abs(gt[1] * gt[5] - gt[2] * gt[4]);
    std::vector<double> area(grid.cell_count());
    if (!src_srs.IsGeographic()) {
        const double unit = src_srs.GetLinearUnits();
        std::fill(area.begin(), area.end(), det * unit * unit);
        return area;
    }
    constexpr double authalic_radius_m = 6371007.2;
    const double deg = src_srs.GetAngularUnits(); // radians per unit of the CRS
    const double dlon = std::abs(gt[1]) * deg;
    const double dlat = std::abs(gt[5]) * deg;
    auto to_src = make_transform(grid_srs, src_srs);
    std::vector<double> xs(static_cast<std::size_t>(grid.width));
    std::vector<double> ys(xs.size());
    for (std::int64_t row = 0; row < grid.height; ++row) {
        for (std::int64_t col = 0; col < grid.width; ++col) {
            xs[static_cast<std::size_t>(col)] = grid.center_x_m(col);
            ys[static_cast<std::size_t>(col)] = grid.center_y_m(row);
        }
        to_src->Transform(static_cast<std::size_t>(grid.width), xs.data(), ys.data());
        for (std::int64_t col = 0; col < grid.width; ++col) {
            const double lat = ys[static_cast<std::size_t>(col)] * deg;
            area[grid.index(col, row)] =
                authalic_radius_m * authalic_radius_m * dlon *
                std::abs(std::sin(lat + dlat / 2) - std::sin(lat - dlat / 2));
        }
    }
    return area;
}

// A raster GDAL opens, with a coordinate reference system (axes in GIS order: x east, y north)
// and a geotransform.
struct GeoRaster {
    GDALDatasetUniquePtr dataset;
    OGRSpatialReference srs;
    std::array<double, 6> geotransform{};
};

// Opens a raster that has both; `what` names it in errors, e.g. "DEM".
GeoRaster open_georeferenced(const std::filesystem::path& path, std::string_view what) {
    GeoRaster out;
    out.dataset = open_raster(path, what);
    const OGRSpatialReference* sref = out.dataset->GetSpatialRef();
    if (!is_earth_crs(sref)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} '{}': no coordinate reference system; assign one, e.g. "
                                "gdal_edit.py -a_srs EPSG:4326",
                                what, path.string()));
    }
    out.srs = *sref;
    out.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (out.dataset->GetGeoTransform(out.geotransform.data()) != CE_None) {
        throw Error(ErrorCode::input_data, fmt::format("{} '{}': no geotransform (not "
                                                       "georeferenced)",
                                                       what, path.string()));
    }
    return out;
}

// `src` warped onto `grid` (GDAL's gdalwarp with the given resampling); cells no source pixel
// covers hold `nodata`. `what` and `file` name the raster in errors.
template <typename T>
Raster<T> warp_onto(const GeoRaster& src, const Grid& grid, const char* resampling, T nodata,
                    std::string_view what, const std::string& file) {
    constexpr GDALDataType type = gdal_type<T>();
    auto dst = make_mem_dataset(grid, type);
    GDALRasterBand* band = dst->GetRasterBand(1);
    band->SetNoDataValue(static_cast<double>(nodata));
    band->Fill(static_cast<double>(nodata));
    const char* argv[] = {"-r", resampling, "-wo", "INIT_DEST=NO_DATA", nullptr};
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(const_cast<char**>(argv), nullptr);
    GDALDatasetH src_h = GDALDataset::ToHandle(src.dataset.get());
    int usage_error = 0;
    CPLErrorReset();
    GDALDatasetH result =
        GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), 1, &src_h, options, &usage_error);
    GDALWarpAppOptionsFree(options);
    if (result == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} '{}': cannot warp it onto the analysis grid ({})", what, file,
                                gdal_error_detail()));
    }
    Raster<T> out(grid, nodata);
    if (band->RasterIO(GF_Read, 0, 0, static_cast<int>(grid.width), static_cast<int>(grid.height),
                       out.values.data(), static_cast<int>(grid.width),
                       static_cast<int>(grid.height), type, 0, 0) != CE_None) {
        throw Error(ErrorCode::internal, fmt::format("cannot read back the warped {}", what));
    }
    return out;
}

Raster<double> warp_population(const StudyAreaSpec& spec, const Grid& grid,
                               const OGRSpatialReference& grid_srs) {
    const std::string file = spec.population_path.string();
    GeoRaster geo = open_georeferenced(spec.population_path, "population raster");
    const OGRSpatialReference& src_srs = geo.srs;
    Raster<double> people = warp_onto(
        geo, grid, "average", std::numeric_limits<double>::quiet_NaN(), "population raster", file);
    const std::vector<double> src_area =
        source_pixel_area_m2(grid, *geo.dataset, src_srs, grid_srs);
    const double cell_area = grid.cell_area_m2();
    std::uint64_t negative = 0;
    for (std::size_t i = 0; i < people.values.size(); ++i) {
        double& v = people.values[i];
        if (!std::isfinite(v)) {
            v = 0.0;
        } else if (v < 0.0) {
            ++negative;
            v = 0.0;
        } else {
            v *= cell_area / src_area[i];
        }
    }
    if (negative > 0) {
        spdlog::warn("population raster '{}': {} cells with negative values counted as 0 people "
                     "(is the raster's nodata value set?)",
                     file, negative);
    }
    return people;
}

// The DEM warped onto the analysis CRS at its own spacing (bilinear), covering the analysis grid.
Raster<float> load_dem(const StudyAreaSpec& spec, const Grid& grid,
                       const OGRSpatialReference& grid_srs) {
    const std::string file = spec.dem_path.string();
    GeoRaster geo = open_georeferenced(spec.dem_path, "DEM");
    const OGRSpatialReference& src_srs = geo.srs;
    const std::array<double, 6>& gt = geo.geotransform;
    // The DEM's spacing in metres, at the centre of the analysis grid for a geographic DEM.
    double spacing = std::min(std::abs(gt[1]), std::abs(gt[5]));
    if (src_srs.IsGeographic()) {
        double x = (grid.origin_x_m + grid.east_m()) / 2.0;
        double y = (grid.origin_y_m + grid.south_m()) / 2.0;
        auto to_src = make_transform(grid_srs, src_srs);
        to_src->Transform(1, &x, &y);
        constexpr double metres_per_degree = 6371007.2 * std::numbers::pi / 180.0;
        const double rad = src_srs.GetAngularUnits() / (std::numbers::pi / 180.0);
        spacing = std::min(std::abs(gt[1]) * std::cos(y * std::numbers::pi / 180.0 * rad),
                           std::abs(gt[5])) *
                  rad * metres_per_degree;
    } else {
        spacing *= src_srs.GetLinearUnits();
    }
    spacing = std::max(spacing, 1.0);
    const Grid dem_grid = aligned_grid(grid.origin_x_m, grid.south_m(), grid.east_m(),
                                       grid.origin_y_m, spacing, grid.crs_wkt);
    if (static_cast<double>(dem_grid.cell_count()) > 4e8) {
        throw Error(ErrorCode::limit,
                    fmt::format("DEM '{}': {} x {} cells of {:.1f} m over the study area need "
                                "more than 1.6 GB; resample it to a coarser spacing first",
                                file, dem_grid.width, dem_grid.height, spacing));
    }
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
    area.district_index = rasterize_polygons(area.grid, polygons);
    area.population = warp_population(spec, area.grid, read.analysis_srs);
    area.districts = std::move(read.districts);

    // People in cells of no district are dropped; sum the rest per district in cell order.
    const std::size_t nd = area.districts.size();
    std::vector<double> sums(nd, 0.0);
    std::vector<std::uint64_t> cells(nd, 0);
    for (std::size_t i = 0; i < area.population.values.size(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            out.population_outside_districts += area.population.values[i];
            area.population.values[i] = 0.0;
        } else {
            sums[static_cast<std::size_t>(d)] += area.population.values[i];
            ++cells[static_cast<std::size_t>(d)];
        }
    }
    double total = 0.0;
    for (std::size_t d = 0; d < nd; ++d) {
        total += sums[d];
        if (cells[d] == 0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("district '{}' ({}) covers no cell of the {} m grid; use a "
                                    "finer study_area.resolution_m",
                                    area.districts[d].code, area.districts[d].name,
                                    spec.resolution_m));
        }
    }
    if (!(total > 0.0)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("population raster '{}' has no people inside the districts; does "
                                "it overlap them?",
                                spec.population_path.string()));
    }

    out.population_scale.assign(nd, 1.0);
    if (!spec.population_field.empty()) {
        for (std::size_t d = 0; d < nd; ++d) {
            const double target = area.districts[d].census_population.value_or(0.0);
            if (sums[d] <= 0.0) {
                if (target > 0.0) {
                    throw Error(ErrorCode::input_data,
                                fmt::format("population raster '{}' has no people in district "
                                            "'{}' ({}), whose field '{}' says {}; does the "
                                            "raster cover it?",
                                            spec.population_path.string(), area.districts[d].code,
                                            area.districts[d].name, spec.population_field, target));
                }
                continue;
            }
            out.population_scale[d] = target / sums[d];
        }
        for (std::size_t i = 0; i < area.population.values.size(); ++i) {
            const std::int16_t d = area.district_index.values[i];
            if (d != no_district) {
                area.population.values[i] *= out.population_scale[static_cast<std::size_t>(d)];
            }
        }
    }

    out.inputs.push_back({"districts", spec.districts_path});
    out.inputs.push_back({"population", spec.population_path});

    if (!spec.dem_path.empty()) {
        area.terrain = load_dem(spec, area.grid, read.analysis_srs);
        std::uint64_t district_cells = 0;
        std::uint64_t missing = 0;
        for (std::int64_t row = 0; row < area.grid.height; ++row) {
            for (std::int64_t col = 0; col < area.grid.width; ++col) {
                if (area.district_index.at(col, row) == no_district) {
                    continue;
                }
                ++district_cells;
                missing += std::isfinite(sample_bilinear(*area.terrain, area.grid.center_x_m(col),
                                                         area.grid.center_y_m(row)))
                               ? 0
                               : 1;
            }
        }
        if (missing == district_cells) {
            throw Error(ErrorCode::input_data,
                        fmt::format("DEM '{}' has no elevation inside the districts; does it "
                                    "cover them?",
                                    spec.dem_path.string()));
        }
        if (missing > 0) {
            spdlog::warn("DEM '{}': {} of {} cells in the districts have no elevation; they are "
                         "computed without terrain",
                         spec.dem_path.string(), missing, district_cells);
        }
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
