#pragma once
// Map output: Cloud-Optimized GeoTIFF through GDAL's COG driver (tiled 256 x 256, DEFLATE with
// a predictor, internal overviews), with CRS, nodata, band description, units and dataset
// metadata.

#include "core/raster.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace covsim::io {

enum class OverviewResampling { nearest, average };

struct MapDescription {
    std::string description; // band description, e.g. "RSRP of the serving layer"
    std::string units;       // e.g. "dBm"
    std::map<std::string, std::string> metadata; // dataset metadata (scenario, metric, ...)
    OverviewResampling overviews = OverviewResampling::average;
    std::vector<std::array<std::uint8_t, 4>> color_table; // RGBA per value, Byte maps only
};

template <typename T>
void write_geotiff(const std::filesystem::path& path, const Raster<T>& raster,
                   const MapDescription& description);

} // namespace covsim::io
