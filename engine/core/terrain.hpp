#pragma once
// Terrain on the analysis CRS: bilinear sampling of a DEM and straight-line path profiles.
//
// The DEM travels as a Raster<float> of ground elevations above mean sea level (m) in the
// analysis CRS, on its own grid at the DEM's native spacing (engine/io/study_area_loader warps
// it there); NaN marks missing elevations. Profiles between a site and a cell are sampled along
// the straight line at the DEM's spacing, or the analysis grid's when that is finer (a DEM
// coarser than the grid: the cells' own elevations are samples of the same bilinear surface),
// with bilinear interpolation between the DEM's cell centres: the sampling error is that of
// bilinear interpolation of the DEM, not more.

#include "core/propagation/terrain_profile.hpp"
#include "core/raster.hpp"

#include <cstddef>

namespace covsim {

// Elevation at (x, y) by bilinear interpolation between the four nearest cell centres; the
// outer half cell takes the edge value. NaN outside the grid or next to a missing elevation.
double sample_bilinear(const Raster<float>& dem, double x_m, double y_m) noexcept;

// The elevations at (x0, y0) + t ((x1, y1) - (x0, y0)) for t = i / intervals, i = 0 ...
// intervals, into out[0 .. intervals]: the samples of terrain_profile() for a given number of
// intervals (four at a time with AVX2 in the x86-64-v3 copy, the same bits). False when one is
// missing (NaN). intervals >= 1.
bool sample_segment(const Raster<float>& dem, double x0_m, double y0_m, double x1_m, double y1_m,
                    std::size_t intervals, double* out) noexcept;

// The profile from (x0, y0) to (x1, y1): max(1, ceil(length / spacing_m)) equal intervals.
// False, with `out` incomplete, when an elevation is missing.
bool terrain_profile(const Raster<float>& dem, double x0_m, double y0_m, double x1_m, double y1_m,
                     double spacing_m, TerrainProfile& out);

} // namespace covsim
