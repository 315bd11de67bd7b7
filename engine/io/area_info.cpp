#include "io/area_info.hpp"

#include "core/error.hpp"
#include "io/area_prepare.hpp"
#include "io/gdal_support.hpp"
#include "io/georaster.hpp"
#include "io/scenario_parser.hpp"
#include "io/study_area_loader.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>

namespace covsim::io {

namespace fs = std::filesystem;

namespace {

// The [study_area] of a directory written by `covsim area prepare` (its layout:
// io/area_prepare.hpp): the grid's CRS and cell size are those of population.tif.
StudyAreaSpec prepared_spec(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / "study_area.toml", ec)) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}' is not a study area written by covsim area prepare (no "
                                "study_area.toml); give such a directory or a scenario file",
                                dir.string()));
    }
    StudyAreaSpec spec;
    spec.districts_path = dir / "districts.gpkg";
    spec.name_field = "name";
    spec.population_path = dir / "population.tif";
    spec.population_field = "population";
    const GeoRaster population = open_georeferenced(spec.population_path, "population raster");
    spec.crs = to_wkt(population.srs);
    spec.resolution_m = std::abs(population.geotransform[1]);
    if (fs::exists(dir / "dem.tif", ec)) {
        spec.dem_path = dir / "dem.tif";
    }
    if (fs::exists(dir / "land_cover.tif", ec)) {
        spec.land_cover_path = dir / "land_cover.tif";
    }
    return spec;
}

AreaDemInfo dem_info(const StudyAreaSpec& spec, const StudyArea& area) {
    const Raster<float>& dem = *area.terrain;
    AreaDemInfo out;
    out.path = spec.dem_path;
    out.spacing_m = dem.grid.cell_size_m;
    out.width = dem.grid.width;
    out.height = dem.grid.height;
    out.min_m = std::numeric_limits<double>::infinity();
    out.max_m = -std::numeric_limits<double>::infinity();
    double sum = 0.0;
    std::uint64_t n = 0;
    for (float v : dem.values) {
        if (std::isfinite(v)) {
            out.min_m = std::min(out.min_m, static_cast<double>(v));
            out.max_m = std::max(out.max_m, static_cast<double>(v));
            sum += static_cast<double>(v);
            ++n;
        }
    }
    out.mean_m = n > 0 ? sum / static_cast<double>(n) : std::nan("");
    const ElevationCoverage coverage = elevation_coverage(area.district_index, dem);
    out.district_cells = coverage.district_cells;
    out.missing_cells = coverage.missing;
    return out;
}

// The land cover's WorldCover classes in the district cells (as the loader reads them, the
// majority class of each cell).
AreaLandCoverInfo land_cover_info(const StudyAreaSpec& spec, const StudyArea& area) {
    const GeoRaster geo = open_georeferenced(spec.land_cover_path, "land-cover raster");
    const Raster<std::uint8_t> classes =
        warp_onto(geo, area.grid, "mode", std::uint8_t{0}, "land-cover raster",
                  spec.land_cover_path.string());
    std::map<int, std::uint64_t> counts;
    AreaLandCoverInfo out;
    out.path = spec.land_cover_path;
    for (std::size_t i = 0; i < classes.values.size(); ++i) {
        if (area.district_index.values[i] >= 0) {
            ++counts[classes.values[i]];
            ++out.district_cells;
        }
    }
    out.classes.assign(counts.begin(), counts.end());
    return out;
}

} // namespace

AreaInfo describe_study_area(const fs::path& path) {
    AreaInfo info;
    info.source = path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        info.spec = prepared_spec(path);
    } else if (path.filename() == "study_area.toml" &&
               fs::exists(path.parent_path() / "districts.gpkg", ec)) {
        info.source = path.parent_path();
        info.spec = prepared_spec(path.parent_path());
    } else {
        const std::vector<Scenario> variants = parse_scenario_variants(path);
        info.scenario = variants.front().name;
        info.spec = variants.front().study_area;
    }
    const LoadedStudyArea loaded = load_study_area(info.spec);
    const StudyArea& area = loaded.area;
    info.grid = area.grid;
    const OGRSpatialReference srs = srs_from_wkt(area.grid.crs_wkt);
    info.crs_label = srs_label(srs);
    info.crs_name = srs.GetName() != nullptr ? srs.GetName() : "";
    info.check = loaded.population_check;
    if (area.terrain) {
        info.dem = dem_info(info.spec, area);
    }
    if (area.clutter) {
        info.land_cover = land_cover_info(info.spec, area);
    }
    return info;
}

} // namespace covsim::io
