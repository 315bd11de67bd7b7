#pragma once
// Rasters of the study area read through GDAL: a raster with its CRS and geotransform, warped
// onto an analysis grid with gdalwarp, and the two conversions built on that, people per source
// pixel to people per cell and a DEM onto a grid at its own spacing. Shared by the study-area
// loader (io/study_area_loader) and `covsim area prepare` (io/area_prepare), so that a prepared
// study area holds what `covsim run` would have computed from the same inputs.

#include "core/raster.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <span>
#include <string>
#include <string_view>

namespace covsim::io {

// A raster GDAL opens, with a coordinate reference system (axes in GIS order: x east, y north)
// and a geotransform.
struct GeoRaster {
    GDALDatasetUniquePtr dataset;
    OGRSpatialReference srs;
    std::array<double, 6> geotransform{};
};

// Opens a raster that has both; `what` names it in errors, e.g. "DEM".
GeoRaster open_georeferenced(const std::filesystem::path& path, std::string_view what);

// `sources` warped onto `grid` (GDAL's gdalwarp with the given resampling; where sources
// overlap, the later one wins); cells no source pixel covers hold `nodata`. `what` and `file`
// name the raster in errors. T: float, double or std::uint8_t.
template <typename T>
Raster<T> warp_onto(std::span<const GeoRaster* const> sources, const Grid& grid,
                    const char* resampling, T nodata, std::string_view what,
                    const std::string& file);
template <typename T>
Raster<T> warp_onto(const GeoRaster& source, const Grid& grid, const char* resampling, T nodata,
                    std::string_view what, const std::string& file) {
    const GeoRaster* one = &source;
    return warp_onto<T>(std::span<const GeoRaster* const>(&one, 1), grid, resampling, nodata, what,
                        file);
}

// People per cell of `grid` from a raster of people per pixel (docs/study-area.md): GDAL's
// "average" of the source pixels, times cell area / source-pixel area, which conserves people
// for cells finer or coarser than the pixels. Negative values count as 0 (and are reported);
// cells no pixel covers hold 0.
Raster<double> warp_population(const std::filesystem::path& path, const Grid& grid,
                               const OGRSpatialReference& grid_srs);

// The raster's pixel spacing in metres: the smaller side, measured at the centre of `grid` for a
// geographic raster; at least 1 m.
double pixel_spacing_m(const GeoRaster& raster, const Grid& grid,
                       const OGRSpatialReference& grid_srs);

// The grid a DEM of `spacing_m` is warped to: the analysis grid's extent at that spacing, in the
// analysis CRS (core/terrain.hpp). Throws covsim::Error(limit) naming `file` when it would need
// more than 1.6 GB.
Grid terrain_grid(const Grid& grid, double spacing_m, const std::string& file);

// Elevations a DEM may hold, m: the Dead Sea's shore is at -430 m, Everest at 8,849 m. A value
// outside is not terrain but an undeclared nodata value (1e30, -32768), or a DEM in another unit.
inline constexpr double min_elevation_m = -500.0;
inline constexpr double max_elevation_m = 9000.0;

// Throws covsim::Error(input_data) naming `file` when the DEM's first band declares a unit other
// than metres (GDAL's unit type: "ft", "US survey foot", "cm"); no unit is taken as metres.
void check_elevation_unit(const GeoRaster& dem, const std::string& file);

// Throws covsim::Error(input_data) naming the first cell of `terrain` (row 0 north) whose
// elevation is finite and outside [min_elevation_m, max_elevation_m], and its position in the
// analysis CRS. `what` names the DEM, e.g. "DEM 'srtm.tif'".
void check_elevation_range(const Raster<float>& terrain, const std::string& what);

// District cells (district_index >= 0) and those among them where `terrain` has no elevation at
// the cell's centre (core/terrain.hpp, sample_bilinear).
struct ElevationCoverage {
    std::uint64_t district_cells = 0;
    std::uint64_t missing = 0;
};

ElevationCoverage elevation_coverage(const Raster<std::int16_t>& district_index,
                                     const Raster<float>& terrain);

// Measures the coverage; throws covsim::Error(input_data) when no district cell has an
// elevation and warns when some have none. `what` names the DEM, e.g. "DEM 'srtm.tif'".
ElevationCoverage check_elevation_coverage(const Raster<std::int16_t>& district_index,
                                           const Raster<float>& terrain, const std::string& what);

} // namespace covsim::io
