#include "hanoi_geodata.hpp"

#include "core/error.hpp"
#include "core/grid.hpp"
#include "facts.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"
#include "io/rasterize.hpp"
#include "power_diagram.hpp"
#include "synthetic_population.hpp"

#include <algorithm>
#include <cmath>
#include <cpl_string.h>
#include <fmt/format.h>
#include <limits>
#include <ogrsf_frmts.h>

namespace covsim::geodata {

namespace {

constexpr int analysis_epsg = 32648; // WGS 84 / UTM zone 48N, the zone of Hanoi
constexpr double cell_size_m = 100.0;
constexpr double m2_per_km2 = 1e6;

OGRSpatialReference utm_48n() {
    OGRSpatialReference srs = io::make_srs();
    srs.importFromEPSG(analysis_epsg);
    return srs;
}

Point project(OGRCoordinateTransformation& to_utm, const LonLat& v, std::string_view what) {
    double x = v.lon;
    double y = v.lat;
    if (!to_utm.Transform(1, &x, &y)) {
        throw Error(ErrorCode::input_data, fmt::format("cannot project {} ({}, {}) to EPSG:{}",
                                                       what, v.lon, v.lat, analysis_epsg));
    }
    return {x, y};
}

Polygon project_outline(const std::vector<LonLat>& ring, OGRCoordinateTransformation& to_utm,
                        const std::filesystem::path& file) {
    Polygon outline;
    for (const LonLat& v : ring) {
        outline.outer().push_back(project(to_utm, v, "an outline vertex"));
    }
    bg::correct(outline);
    std::string reason;
    if (!bg::is_valid(outline, reason)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("outline '{}' is not a valid polygon: {}", file.string(), reason));
    }
    return outline;
}

OGRLinearRing to_ogr(const Ring& ring) {
    OGRLinearRing out;
    for (const Point& p : ring) {
        out.addPoint(p.x(), p.y());
    }
    return out;
}

OGRPolygon to_ogr(const Polygon& polygon) {
    OGRPolygon out;
    OGRLinearRing outer = to_ogr(polygon.outer());
    out.addRing(&outer);
    for (const Ring& inner : polygon.inners()) {
        OGRLinearRing hole = to_ogr(inner);
        out.addRing(&hole);
    }
    return out;
}

// A Polygon for a cell in one part, a MultiPolygon otherwise.
OGRGeometryUniquePtr to_ogr(const MultiPolygon& shape) {
    if (shape.size() == 1) {
        return OGRGeometryUniquePtr(new OGRPolygon(to_ogr(shape.front())));
    }
    auto multi = std::make_unique<OGRMultiPolygon>();
    for (const Polygon& part : shape) {
        const OGRPolygon p = to_ogr(part);
        multi->addGeometry(&p);
    }
    return OGRGeometryUniquePtr(multi.release());
}

void add_field(OGRLayer& layer, const char* name, OGRFieldType type) {
    OGRFieldDefn field(name, type);
    if (layer.CreateField(&field) != OGRERR_NONE) {
        throw Error(ErrorCode::io, fmt::format("cannot create the GeoJSON field '{}' ({})", name,
                                               io::gdal_error_detail()));
    }
}

// districts.geojson: RFC 7946, longitude/latitude with 6 decimals, in the facts' order.
void write_districts(const std::filesystem::path& path, const std::vector<DistrictFacts>& facts,
                     const std::vector<PowerCell>& cells, const OGRSpatialReference& utm) {
    io::AtomicFile file(path);
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
        GDALDatasetUniquePtr ds(
            driver->Create(file.temp_path().string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) {
            throw Error(ErrorCode::io, fmt::format("cannot create '{}' ({})", path.string(),
                                                   io::gdal_error_detail()));
        }
        OGRSpatialReference geo = io::wgs84(); // CreateLayer takes a non-const pointer
        CPLStringList options;
        options.SetNameValue("RFC7946", "YES");
        options.SetNameValue("COORDINATE_PRECISION", "6");
        OGRLayer* layer = ds->CreateLayer("districts", &geo, wkbUnknown, options.List());
        if (layer == nullptr) {
            throw Error(ErrorCode::io, fmt::format("cannot create a layer in '{}' ({})",
                                                   path.string(), io::gdal_error_detail()));
        }
        for (const char* name : {"code", "name_vi", "name_ascii", "type"}) {
            add_field(*layer, name, OFTString);
        }
        for (const char* name : {"population", "population_urban", "population_rural"}) {
            add_field(*layer, name, OFTInteger);
        }
        for (const char* name :
             {"area_km2", "area_km2_generated", "interior_lon", "interior_lat"}) {
            add_field(*layer, name, OFTReal);
        }
        const io::TransformPtr to_geo = io::make_transform(utm, geo);
        for (std::size_t d = 0; d < facts.size(); ++d) {
            const DistrictFacts& f = facts[d];
            OGRFeature feature(layer->GetLayerDefn());
            feature.SetField("code", f.code.c_str());
            feature.SetField("name_vi", f.name_vi.c_str());
            feature.SetField("name_ascii", f.name_ascii.c_str());
            feature.SetField("type", std::string(to_string(f.type)).c_str());
            feature.SetField("population", static_cast<int>(f.population));
            feature.SetField("population_urban", static_cast<int>(f.population_urban));
            feature.SetField("population_rural", static_cast<int>(f.population_rural));
            feature.SetField("area_km2", f.area_km2);
            feature.SetField("area_km2_generated",
                             std::round(cells[d].area_m2 / m2_per_km2 * 100.0) / 100.0);
            feature.SetField("interior_lon", f.interior_lon);
            feature.SetField("interior_lat", f.interior_lat);
            OGRGeometryUniquePtr shape = to_ogr(cells[d].shape);
            if (shape->transform(to_geo.get()) != OGRERR_NONE) {
                throw Error(
                    ErrorCode::internal,
                    fmt::format("district {}: cannot transform its polygon to EPSG:4326", f.code));
            }
            feature.SetGeometryDirectly(shape.release());
            if (layer->CreateFeature(&feature) != OGRERR_NONE) {
                throw Error(ErrorCode::io,
                            fmt::format("cannot write district {} to '{}' ({})", f.code,
                                        path.string(), io::gdal_error_detail()));
            }
        }
    }
    file.commit();
}

struct DistrictShapes {
    std::vector<OGRGeometryUniquePtr> geometries; // EPSG:32648, file order
    OGREnvelope extent;
};

// The written polygons as covsim's loader sees them: read from the file, in EPSG:32648.
DistrictShapes read_back(const std::filesystem::path& path, const OGRSpatialReference& utm) {
    GDALDatasetUniquePtr ds = io::open_vector(path, "generated districts");
    OGRLayer* layer = ds->GetLayer(0);
    OGRSpatialReference source = *layer->GetSpatialRef();
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const io::TransformPtr to_utm = io::make_transform(source, utm);
    DistrictShapes out;
    for (const auto& feature : *layer) {
        OGRGeometryUniquePtr g(feature->GetGeometryRef()->clone());
        if (g->transform(to_utm.get()) != OGRERR_NONE || !g->IsValid()) {
            throw Error(ErrorCode::internal,
                        fmt::format("'{}': district {} is not a valid polygon once read back",
                                    path.string(), feature->GetFieldAsString("code")));
        }
        OGREnvelope e;
        g->getEnvelope(&e);
        out.extent.Merge(e);
        out.geometries.push_back(std::move(g));
    }
    return out;
}

// population_100m.tif: tiled, DEFLATE with horizontal differencing, no nodata (0 = nobody).
void write_population(const std::filesystem::path& path, const Grid& grid,
                      const OGRSpatialReference& utm, const std::vector<std::uint32_t>& people,
                      std::int64_t total) {
    const std::uint32_t max = *std::max_element(people.begin(), people.end());
    const GDALDataType type =
        max <= std::numeric_limits<std::uint16_t>::max() ? GDT_UInt16 : GDT_UInt32;
    io::AtomicFile file(path);
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
        CPLStringList options;
        options.SetNameValue("TILED", "YES");
        options.SetNameValue("COMPRESS", "DEFLATE");
        options.SetNameValue("PREDICTOR", "2");
        options.SetNameValue("ZLEVEL", "9");
        GDALDatasetUniquePtr ds(
            driver->Create(file.temp_path().string().c_str(), static_cast<int>(grid.width),
                           static_cast<int>(grid.height), 1, type, options.List()));
        if (!ds) {
            throw Error(ErrorCode::io, fmt::format("cannot create '{}' ({})", path.string(),
                                                   io::gdal_error_detail()));
        }
        auto gt = grid.geotransform();
        ds->SetGeoTransform(gt.data());
        ds->SetSpatialRef(&utm);
        ds->SetMetadataItem("source", "district totals: GSO, 2019 Population and Housing Census; "
                                      "distribution inside each district: synthetic (covsim "
                                      "make_hanoi_geodata, see geodata/hanoi/README.md)");
        ds->SetMetadataItem("districts", "districts.geojson (approximate district polygons)");
        ds->SetMetadataItem("total_people", std::to_string(total).c_str());
        GDALRasterBand* band = ds->GetRasterBand(1);
        band->SetDescription("people per 100 m cell (2019 census, covsim synthetic distribution)");
        band->SetMetadataItem("units", "people");
        if (band->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.width),
                           static_cast<int>(grid.height), const_cast<std::uint32_t*>(people.data()),
                           static_cast<int>(grid.width), static_cast<int>(grid.height), GDT_UInt32,
                           0, 0) != CE_None) {
            throw Error(ErrorCode::io, fmt::format("cannot write '{}' ({})", path.string(),
                                                   io::gdal_error_detail()));
        }
    }
    file.commit();
}

} // namespace

void make_hanoi_geodata(const GeneratorConfig& config) {
    io::ensure_gdal();
    const std::vector<DistrictFacts> facts = read_district_facts(config.facts_path);
    const std::vector<LonLat> outline_ring = read_outline(config.outline_path);
    if (facts.size() > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
        throw Error(ErrorCode::input_data,
                    fmt::format("'{}': {} districts, at most {}", config.facts_path.string(),
                                facts.size(), std::numeric_limits<std::int16_t>::max()));
    }

    // 1. Project to UTM 48N.
    const OGRSpatialReference utm = utm_48n();
    const io::TransformPtr to_utm = io::make_transform(io::wgs84(), utm);
    const Polygon outline = project_outline(outline_ring, *to_utm, config.outline_path);
    std::vector<Point> sites;
    for (const DistrictFacts& f : facts) {
        sites.push_back(project(*to_utm, {f.interior_lon, f.interior_lat},
                                fmt::format("the interior point of district {}", f.code)));
    }

    // 2. Fit the power diagram to the districts' areas, scaled to the outline's area.
    const double outline_m2 = bg::area(outline);
    double facts_km2 = 0.0;
    for (const DistrictFacts& f : facts) {
        facts_km2 += f.area_km2;
    }
    const double scale = outline_m2 / (facts_km2 * m2_per_km2);
    std::vector<double> targets;
    for (const DistrictFacts& f : facts) {
        targets.push_back(f.area_km2 * m2_per_km2 * scale);
    }
    const PowerFit fit = fit_power_diagram(sites, targets, outline, PowerFitOptions{});

    // 3. Write the polygons.
    std::error_code ec;
    std::filesystem::create_directories(config.out_dir, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot create the directory '{}': {}",
                                               config.out_dir.string(), ec.message()));
    }
    const std::filesystem::path districts_path = config.out_dir / "districts.geojson";
    write_districts(districts_path, facts, fit.cells, utm);

    // 4. Read them back, rasterize them like the loader and distribute the people.
    const DistrictShapes shapes = read_back(districts_path, utm);
    if (shapes.geometries.size() != facts.size()) {
        throw Error(ErrorCode::internal,
                    fmt::format("'{}' holds {} districts, {} were written", districts_path.string(),
                                shapes.geometries.size(), facts.size()));
    }
    std::vector<DistrictPopulation> districts;
    std::int64_t total = 0;
    for (std::size_t d = 0; d < facts.size(); ++d) {
        const OGRPoint p(sites[d].x(), sites[d].y());
        if (!shapes.geometries[d]->Contains(&p)) {
            throw Error(ErrorCode::internal,
                        fmt::format("district {}: its interior point is outside its polygon",
                                    facts[d].code));
        }
        districts.push_back({facts[d].code, sites[d], targets[d], facts[d].population_urban,
                             facts[d].population_rural});
        total += facts[d].population;
    }
    const Grid grid = aligned_grid(shapes.extent.MinX, shapes.extent.MinY, shapes.extent.MaxX,
                                   shapes.extent.MaxY, cell_size_m, io::to_wkt(utm));
    // The districts on the raster's grid exactly as covsim's loader puts them.
    std::vector<const OGRGeometry*> polygons;
    for (const auto& g : shapes.geometries) {
        polygons.push_back(g.get());
    }
    const std::vector<std::int16_t> index = io::rasterize_polygons(grid, polygons).values;
    const std::vector<std::uint32_t> people = distribute_population(grid, index, districts);
    const std::filesystem::path population_path = config.out_dir / "population_100m.tif";
    write_population(population_path, grid, utm, people, total);

    // The report, with a last check that every district got exactly its census people.
    std::vector<std::int64_t> cells(facts.size(), 0);
    std::vector<std::int64_t> placed(facts.size(), 0);
    std::vector<std::uint32_t> max_cell(facts.size(), 0);
    for (std::size_t i = 0; i < index.size(); ++i) {
        if (index[i] >= 0) {
            const auto d = static_cast<std::size_t>(index[i]);
            ++cells[d];
            placed[d] += people[i];
            max_cell[d] = std::max(max_cell[d], people[i]);
        }
    }
    for (std::size_t d = 0; d < facts.size(); ++d) {
        if (placed[d] != facts[d].population) {
            throw Error(ErrorCode::internal,
                        fmt::format("district {}: {} people placed, census {}", facts[d].code,
                                    placed[d], facts[d].population));
        }
    }
    fmt::print("outline {:.2f} km2; facts' areas sum to {:.2f} km2, scaled by {:.5f}\n",
               outline_m2 / m2_per_km2, facts_km2, scale);
    fmt::print("power diagram: {} iterations; interior points kept >= {} m inside their cells",
               fit.iterations, PowerFitOptions{}.site_clearance_m);
    for (const auto& [i, j] : fit.active_constraints) {
        fmt::print("; {} held at that distance from {}", facts[i].name_ascii, facts[j].name_ascii);
    }
    fmt::print("\n\n");
    fmt::print("{:<4} {:<14} {:<14} {:>10} {:>10} {:>8} {:>5} {:>6} {:>7} {:>8}\n", "code",
               "district", "type", "target_km2", "polygon", "error_%", "parts", "cells", "max/cell",
               "people");
    std::size_t worst = 0;
    for (std::size_t d = 0; d < facts.size(); ++d) {
        const double error = fit.cells[d].area_m2 / targets[d] - 1.0;
        if (std::abs(error) > std::abs(fit.cells[worst].area_m2 / targets[worst] - 1.0)) {
            worst = d;
        }
        fmt::print("{:<4} {:<14} {:<14} {:>10.2f} {:>10.2f} {:>+8.4f} {:>5} {:>6} {:>7} {:>8}\n",
                   facts[d].code, facts[d].name_ascii, to_string(facts[d].type),
                   targets[d] / m2_per_km2, fit.cells[d].area_m2 / m2_per_km2, 100.0 * error,
                   fit.cells[d].shape.size(), cells[d], max_cell[d], placed[d]);
    }
    fmt::print("\nworst area error: {:+.4f} % (district {})\n",
               100.0 * (fit.cells[worst].area_m2 / targets[worst] - 1.0), facts[worst].code);
    fmt::print("raster: {} x {} cells of {} m, max {} people per cell, {} people in total\n",
               grid.width, grid.height, cell_size_m,
               *std::max_element(people.begin(), people.end()), total);
    fmt::print("wrote {} ({} bytes) and {} ({} bytes)\n", districts_path.string(),
               std::filesystem::file_size(districts_path), population_path.string(),
               std::filesystem::file_size(population_path));
}

} // namespace covsim::geodata
