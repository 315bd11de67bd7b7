#pragma once
// Polygons to a grid of indices, the one rule covsim uses everywhere (the study-area loader and
// the Hanoi generator): GDAL's default rasterization, a cell belongs to a polygon when the
// polygon contains the cell's centre; where polygons overlap, the later one wins.

#include "core/raster.hpp"

#include <cstdint>
#include <ogr_geometry.h>
#include <vector>

namespace covsim::io {

// Index of the polygon containing each cell's centre, -1 where none does. The polygons must be
// in the grid's CRS; at most 32767 of them.
Raster<std::int16_t> rasterize_polygons(const Grid& grid,
                                        const std::vector<const OGRGeometry*>& polygons);

} // namespace covsim::io
