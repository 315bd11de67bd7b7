#pragma once
// Map output through GDAL: Cloud-Optimized GeoTIFF through GDAL's COG driver (tiled 256 x 256,
// DEFLATE with a predictor, internal overviews), with CRS, nodata, band description, units,
// dataset metadata and, for categorical maps, a colour table and category names; RGBA PNG
// images; and XYZ web tiles (256 x 256 PNG in Web Mercator) of a styled map.

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
    // Band description: short, one word, e.g. "rsrp_dbm" (R's terra names the layer after it).
    std::string description;
    std::string units;                           // e.g. "dBm"
    std::map<std::string, std::string> metadata; // dataset metadata (scenario, metric, ...)
    OverviewResampling overviews = OverviewResampling::average;
    // RGBA per value from 0, for Byte and UInt16 maps only. A Byte map carries it as the
    // GeoTIFF's palette (256 entries in every IFD: 1.5 kB); a UInt16 map in its .aux.xml
    // side-car, as long as the table: a GeoTIFF palette of 16-bit samples has 65536 entries,
    // and GDAL repeats it in every overview's IFD (384 kB each).
    std::vector<std::array<std::uint8_t, 4>> color_table;
    // The name of each value from 0 ("" for a value that is no category), in the .aux.xml
    // side-car: GeoTIFF has no tag for them.
    std::vector<std::string> category_names;
};

// The side-car beside a map where GDAL keeps what GeoTIFF cannot hold (GDAL's PAM format,
// <map>.aux.xml): written by write_geotiff when the map has category names or a UInt16 colour
// table, and read by every GDAL-based reader (gdalinfo, QGIS, R's terra, ...).
std::filesystem::path aux_xml_path(const std::filesystem::path& map);

// T: float, double, std::int32_t, std::int16_t, std::uint16_t or std::uint8_t. Any old
// side-car of `path` is removed first.
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
