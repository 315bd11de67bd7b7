#include "synthetic_population.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

namespace covsim::geodata {

namespace {

// SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a well-mixed 64-bit hash.
std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

// A pseudo-random value in [0, 1) for a lattice node.
double node_value(std::int64_t ix, std::int64_t iy) {
    const std::uint64_t h =
        mix(mix(static_cast<std::uint64_t>(ix)) ^ static_cast<std::uint64_t>(iy));
    return static_cast<double>(h >> 11U) * 0x1.0p-53;
}

// Value noise in [0, 1): node values interpolated bilinearly with smoothstep weights.
double value_noise(double x_m, double y_m) {
    constexpr double spacing_m = 400.0;
    const double gx = x_m / spacing_m;
    const double gy = y_m / spacing_m;
    const double fx0 = std::floor(gx);
    const double fy0 = std::floor(gy);
    const auto ix = static_cast<std::int64_t>(fx0);
    const auto iy = static_cast<std::int64_t>(fy0);
    auto smooth = [](double t) { return t * t * (3.0 - 2.0 * t); };
    const double sx = smooth(gx - fx0);
    const double sy = smooth(gy - fy0);
    const double south = node_value(ix, iy) + sx * (node_value(ix + 1, iy) - node_value(ix, iy));
    const double north =
        node_value(ix, iy + 1) + sx * (node_value(ix + 1, iy + 1) - node_value(ix, iy + 1));
    return south + sy * (north - south);
}

// Whole numbers with the given total, each the floor of its expected value or one more; the
// extra units go to the largest fractional parts (ties: lower index first).
std::vector<std::uint32_t> largest_remainder(const std::vector<double>& expected,
                                             std::int64_t total) {
    std::vector<std::uint32_t> out(expected.size());
    std::int64_t assigned = 0;
    for (std::size_t k = 0; k < expected.size(); ++k) {
        out[k] = static_cast<std::uint32_t>(std::floor(expected[k]));
        assigned += out[k];
    }
    const std::int64_t missing = total - assigned;
    if (missing < 0 || missing > static_cast<std::int64_t>(expected.size())) {
        throw Error(ErrorCode::internal,
                    fmt::format("largest remainder: {} people to place in {} cells", missing,
                                expected.size()));
    }
    std::vector<std::size_t> order(expected.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return expected[a] - std::floor(expected[a]) > expected[b] - std::floor(expected[b]);
    });
    for (std::int64_t k = 0; k < missing; ++k) {
        ++out[order[static_cast<std::size_t>(k)]];
    }
    return out;
}

} // namespace

std::vector<std::uint32_t> distribute_population(const Grid& grid,
                                                 const std::vector<std::int16_t>& district_index,
                                                 const std::vector<DistrictPopulation>& districts) {
    // The cells of each district, in cell order.
    std::vector<std::vector<std::size_t>> cells(districts.size());
    for (std::size_t i = 0; i < district_index.size(); ++i) {
        if (district_index[i] >= 0) {
            cells[static_cast<std::size_t>(district_index[i])].push_back(i);
        }
    }
    std::vector<std::uint32_t> people(grid.cell_count(), 0);
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const DistrictPopulation& district = districts[d];
        if (cells[d].empty()) {
            throw Error(ErrorCode::input_data,
                        fmt::format("district {} contains the centre of no {} m cell; its "
                                    "people have nowhere to go",
                                    district.code, grid.cell_size_m));
        }
        const double urban_scale_m = 0.35 * std::sqrt(district.area_m2);
        const double rural_scale_m = 0.6 * std::sqrt(district.area_m2);
        std::vector<double> urban(cells[d].size());
        std::vector<double> rural(cells[d].size());
        double urban_sum = 0.0;
        double rural_sum = 0.0;
        for (std::size_t k = 0; k < cells[d].size(); ++k) {
            const std::size_t i = cells[d][k];
            const auto col = static_cast<std::int64_t>(i % static_cast<std::size_t>(grid.width));
            const auto row = static_cast<std::int64_t>(i / static_cast<std::size_t>(grid.width));
            const double x = grid.center_x_m(col);
            const double y = grid.center_y_m(row);
            const double r =
                std::hypot(x - district.interior_point.x(), y - district.interior_point.y());
            const double texture = 0.7 + 0.6 * value_noise(x, y);
            urban[k] = std::exp(-r / urban_scale_m) * texture;
            rural[k] = (0.25 + std::exp(-r / rural_scale_m)) * texture;
            urban_sum += urban[k];
            rural_sum += rural[k];
        }
        std::vector<double> expected(cells[d].size());
        for (std::size_t k = 0; k < expected.size(); ++k) {
            expected[k] = static_cast<double>(district.urban) * urban[k] / urban_sum +
                          static_cast<double>(district.rural) * rural[k] / rural_sum;
        }
        const std::vector<std::uint32_t> whole =
            largest_remainder(expected, district.urban + district.rural);
        for (std::size_t k = 0; k < whole.size(); ++k) {
            people[cells[d][k]] = whole[k];
        }
    }
    return people;
}

} // namespace covsim::geodata
