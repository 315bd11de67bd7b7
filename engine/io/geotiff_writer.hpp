#pragma once
// Map output through GDAL: Cloud-Optimized GeoTIFF through GDAL's COG driver (tiled 256 x 256,
// DEFLATE with a predictor, internal overviews), with CRS, nodata, band description, units,
// dataset metadata and an optional colour table; RGBA PNG images; and XYZ web tiles (256 x 256
// PNG in Web Mercator) of a styled map.

#include "core/raster.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace covsim::io {

enum class OverviewResampling { nearest, average };

struct MapDescription {
    std::string description; // band description, e.g. "RSRP of the serving layer"
    std::string units;       // e.g. "dBm"
    std::map<std::string, std::string> metadata; // dataset metadata (scenario, metric, ...)
    OverviewResampling overviews = OverviewResampling::average;
    // RGBA per value, for Byte and UInt16 maps only (GeoTIFF palettes); GDAL stores a UInt16
    // palette with all 65536 entries.
    std::vector<std::array<std::uint8_t, 4>> color_table;
};

// T: float, double, std::int32_t, std::int16_t, std::uint16_t or std::uint8_t.
template <typename T>
void write_geotiff(const std::filesystem::path& path, const Raster<T>& raster,
                   const MapDescription& description);

// An RGBA PNG of width x height pixels (rgba: row-major, 4 bytes per pixel), without
// georeferencing or side-car files.
void write_png(const std::filesystem::path& path, int width, int height,
               std::span<const std::uint8_t> rgba);

// An RGBA image on a grid: 4 bytes per cell, in the grid's cell order; alpha 0 is transparent.
struct RgbaImage {
    Grid grid;
    std::vector<std::uint8_t> rgba;
};

struct ZoomRange {
    int min_zoom = 0;
    int max_zoom = 0;
};

// The XYZ zooms that suit a grid: from the zoom at which the whole grid fits in about one
// tile to the first zoom whose pixels are no larger than the grid's cells.
ZoomRange xyz_zoom_range(const Grid& grid);

// Writes the image as XYZ tiles dir/{z}/{x}/{y}.png (256 x 256 RGBA PNG, Web Mercator
// EPSG:3857, y counted from the north, nearest-neighbour resampling by GDAL's warper) for every
// zoom of `zooms`; tiles without any visible pixel are left out. Returns the tiles written.
std::size_t write_xyz_tiles(const std::filesystem::path& dir, const RgbaImage& image,
                            ZoomRange zooms);

} // namespace covsim::io
