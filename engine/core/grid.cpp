#include "core/grid.hpp"

#include "core/error.hpp"

#include <string>

namespace covsim {

Grid aligned_grid(double min_x_m, double min_y_m, double max_x_m, double max_y_m,
                  double cell_size_m, std::string crs_wkt) {
    if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m)) {
        throw Error(ErrorCode::internal,
                    "aligned_grid: cell size must be positive, got " + std::to_string(cell_size_m));
    }
    if (!(max_x_m >= min_x_m) || !(max_y_m >= min_y_m)) {
        throw Error(ErrorCode::internal, "aligned_grid: empty or invalid extent");
    }
    Grid grid;
    grid.cell_size_m = cell_size_m;
    grid.origin_x_m = std::floor(min_x_m / cell_size_m) * cell_size_m;
    grid.origin_y_m = std::ceil(max_y_m / cell_size_m) * cell_size_m;
    const double east = std::ceil(max_x_m / cell_size_m) * cell_size_m;
    const double south = std::floor(min_y_m / cell_size_m) * cell_size_m;
    grid.width = std::max<std::int64_t>(1, std::llround((east - grid.origin_x_m) / cell_size_m));
    grid.height = std::max<std::int64_t>(1, std::llround((grid.origin_y_m - south) / cell_size_m));
    grid.crs_wkt = std::move(crs_wkt);
    return grid;
}

} // namespace covsim
