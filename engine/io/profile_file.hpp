#pragma once
// Terrain profile files for `covsim link --profile`:
//   ITM pfl layout: numbers separated by spaces, commas or line breaks: the number of intervals
//     n, the spacing in metres, then n + 1 elevations in metres (NTIA ITM's pfl array);
//   a CSV of two columns, distance (m) and elevation (m), one sample per line, distances from 0
//     and increasing (an optional header line is skipped). Unequal steps are resampled linearly
//     to the mean step. Two optional columns, for ITU-R P.1812 (docs/terrain.md): the
//     representative clutter height above the ground (m, resampled linearly) and the
//     radio-climatic zone (1 sea, 3 coastal land, 4 inland; the nearer sample's). Every line
//     has the same number of columns.

#include "core/propagation/terrain_profile.hpp"

#include <filesystem>

namespace covsim::io {

// Throws covsim::Error naming the file, the line and the value on malformed input.
TerrainProfile read_profile(const std::filesystem::path& path);

} // namespace covsim::io
