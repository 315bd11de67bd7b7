#pragma once
// Study areas built in memory for the core tests.

#include "core/study_area.hpp"

#include <cstdint>

namespace covsim::test {

// width x height cells of cell_m metres, the lower-left corner at (0, 0), every cell in one
// district (code "001", of `type`) with `people` in each.
inline StudyArea one_district_area(std::int64_t width, std::int64_t height, double cell_m,
                                   double people,
                                   DistrictType type = DistrictType::urban_district) {
    StudyArea a;
    a.grid.cell_size_m = cell_m;
    a.grid.width = width;
    a.grid.height = height;
    a.grid.origin_y_m = cell_m * static_cast<double>(height);
    a.population = Raster<double>(a.grid, people);
    a.district_index = Raster<std::int16_t>(a.grid, 0);
    District d;
    d.code = "001";
    d.type = type;
    a.districts.push_back(d);
    return a;
}

} // namespace covsim::test
