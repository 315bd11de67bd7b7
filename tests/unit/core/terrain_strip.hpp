#pragma once
// A study area over terrain for the coverage tests (test_coverage_terrain.cpp,
// test_coverage_parts.cpp).

#include "core/study_area.hpp"
#include "support/study_areas.hpp"

#include <cstdint>
#include <functional>

namespace covsim::test {

// A 12 km x 2 km strip of 50 m cells (240 x 40), one rural district, 1 person per cell, with a
// DEM of 25 m cells whose height is `ground(x)` (m).
inline StudyArea terrain_strip(const std::function<double(double)>& ground) {
    StudyArea a = one_district_area(240, 40, 50.0, 1.0, DistrictType::rural_district);
    Grid dem_grid;
    dem_grid.cell_size_m = 25.0;
    dem_grid.width = 480;
    dem_grid.height = 80;
    dem_grid.origin_y_m = 2000.0;
    Raster<float> dem(dem_grid, 0.0f);
    for (std::int64_t r = 0; r < dem_grid.height; ++r) {
        for (std::int64_t c = 0; c < dem_grid.width; ++c) {
            dem.at(c, r) = static_cast<float>(ground(dem_grid.center_x_m(c)));
        }
    }
    a.terrain = dem;
    return a;
}

} // namespace covsim::test
