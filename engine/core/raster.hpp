#pragma once
// Raster<T>: a Grid plus one value per cell plus the nodata value. See grid.hpp for the cell
// order (row-major, row 0 north, column 0 west).

#include "core/grid.hpp"

#include <cmath>
#include <type_traits>
#include <vector>

namespace covsim {

template <typename T>
struct Raster {
    Grid grid;
    std::vector<T> values;
    T nodata{};

    Raster() = default;
    Raster(Grid g, T nodata_value)
        : grid(std::move(g)), values(grid.cell_count(), nodata_value), nodata(nodata_value) {}

    [[nodiscard]] T& at(std::int64_t col, std::int64_t row) { return values[grid.index(col, row)]; }
    [[nodiscard]] const T& at(std::int64_t col, std::int64_t row) const {
        return values[grid.index(col, row)];
    }
    [[nodiscard]] bool is_nodata(T v) const noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            return std::isnan(v) || v == nodata;
        } else {
            return v == nodata;
        }
    }
};

} // namespace covsim
