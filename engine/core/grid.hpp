#pragma once
// The analysis grid: a north-up affine grid in a projected CRS whose unit is the metre.
//
// Raster convention, stated once for all of covsim: (origin_x_m, origin_y_m) is the outer
// corner of the north-west cell; column 0 is the western-most column and row 0 the northern-most
// row; cells are square with side cell_size_m; values are stored row by row (row-major), so cell
// (col, row) is at index row * width + col. The CRS travels as an opaque WKT string that only the
// I/O layer interprets.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace covsim {

struct CellIndex {
    std::int64_t col = 0;
    std::int64_t row = 0;
};

struct Grid {
    double origin_x_m = 0.0; // west edge
    double origin_y_m = 0.0; // north edge
    double cell_size_m = 1.0;
    std::int64_t width = 0;  // columns
    std::int64_t height = 0; // rows
    std::string crs_wkt;

    [[nodiscard]] std::size_t cell_count() const noexcept {
        return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    }
    [[nodiscard]] double cell_area_m2() const noexcept { return cell_size_m * cell_size_m; }
    [[nodiscard]] double east_m() const noexcept {
        return origin_x_m + static_cast<double>(width) * cell_size_m;
    }
    [[nodiscard]] double south_m() const noexcept {
        return origin_y_m - static_cast<double>(height) * cell_size_m;
    }
    [[nodiscard]] double center_x_m(std::int64_t col) const noexcept {
        return origin_x_m + (static_cast<double>(col) + 0.5) * cell_size_m;
    }
    [[nodiscard]] double center_y_m(std::int64_t row) const noexcept {
        return origin_y_m - (static_cast<double>(row) + 0.5) * cell_size_m;
    }
    [[nodiscard]] std::size_t index(std::int64_t col, std::int64_t row) const noexcept {
        return static_cast<std::size_t>(row) * static_cast<std::size_t>(width) +
               static_cast<std::size_t>(col);
    }
    // The cell containing (x, y); may lie outside the grid (check with contains()).
    [[nodiscard]] CellIndex cell_at(double x_m, double y_m) const noexcept {
        return {static_cast<std::int64_t>(std::floor((x_m - origin_x_m) / cell_size_m)),
                static_cast<std::int64_t>(std::floor((origin_y_m - y_m) / cell_size_m))};
    }
    [[nodiscard]] bool contains(CellIndex c) const noexcept {
        return c.col >= 0 && c.row >= 0 && c.col < width && c.row < height;
    }
    [[nodiscard]] bool contains_point(double x_m, double y_m) const noexcept {
        return contains(cell_at(x_m, y_m));
    }
    // GDAL-style geotransform: x = gt[0] + col * gt[1], y = gt[3] + row * gt[5].
    [[nodiscard]] std::array<double, 6> geotransform() const noexcept {
        return {origin_x_m, cell_size_m, 0.0, origin_y_m, 0.0, -cell_size_m};
    }
};

// A grid that covers [min_x, max_x] x [min_y, max_y] with cells aligned to multiples of
// cell_size_m, so that grids of the same area at 25, 50 and 100 m nest exactly.
Grid aligned_grid(double min_x_m, double min_y_m, double max_x_m, double max_y_m,
                  double cell_size_m, std::string crs_wkt);

} // namespace covsim
