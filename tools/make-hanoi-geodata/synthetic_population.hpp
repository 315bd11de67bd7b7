#pragma once
// covsim's synthetic population surface: each district's census people spread over the grid
// cells of that district, so that the district totals are exact while the pattern inside a
// district is made up (no population raster of Hanoi could be redistributed with covsim).
//
// Expected people in cell c of a district with U urban and R rural people, interior point p and
// area A, where r is the distance from the cell's centre to p:
//     e(c) = U u(c) / sum u + R v(c) / sum v,
//     u(c) = exp(-r / (0.35 sqrt(A))) t(c)           (urban people crowd around the centre)
//     v(c) = (0.25 + exp(-r / (0.6 sqrt(A)))) t(c)   (rural people spread out, denser inside)
// with t(c) in [0.7, 1.3] a smooth texture (value noise on a 400 m lattice, hashed from the
// lattice node's indices) so that the surface does not look perfectly radial. The expected
// values are rounded to whole people by the largest-remainder method, so each district sums
// exactly to its census total; ties go to the lower cell index, which keeps runs identical.

#include "core/geometry.hpp"
#include "core/grid.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace covsim::geodata {

struct DistrictPopulation {
    std::string code;     // for messages
    Point interior_point; // in the grid's CRS
    double area_m2 = 0.0;
    std::int64_t urban = 0;
    std::int64_t rural = 0;
};

// People per cell, row-major like the grid; cells whose district index is negative get 0.
// Throws covsim::Error(input_data) when a district has no cell.
std::vector<std::uint32_t> distribute_population(const Grid& grid,
                                                 const std::vector<std::int16_t>& district_index,
                                                 const std::vector<DistrictPopulation>& districts);

} // namespace covsim::geodata
