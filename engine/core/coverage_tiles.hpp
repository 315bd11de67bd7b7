#pragma once
// The coverage kernel's tiles, for computing a variant's coverage in parts (core/coverage.hpp,
// compute_coverage_part and CoverageJoin). Internal to engine/core.

#include "core/aggregation.hpp"
#include "core/coverage.hpp"
#include "core/grid.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace covsim {

// Square tiles of `size` cells over a grid (the last row and column of tiles cut at its edges),
// numbered row by row from the north-west corner.
struct TileLayout {
    std::int64_t grid_width = 0;
    std::int64_t grid_height = 0;
    std::int64_t size = 1;
    std::int64_t tiles_x = 0;
    std::int64_t tiles_y = 0;

    struct Rect {
        std::int64_t col0, row0, col1, row1; // [col0, col1) x [row0, row1)
    };

    TileLayout() = default;
    TileLayout(const Grid& grid, std::int64_t tile_size);

    [[nodiscard]] std::size_t count() const noexcept {
        return static_cast<std::size_t>(tiles_x * tiles_y);
    }
    // How many tiles part `part` of `parts` holds: the tiles t with t mod parts == part.
    [[nodiscard]] std::size_t count_of_part(std::size_t part, std::size_t parts) const noexcept {
        return part < count() ? (count() - part + parts - 1) / parts : 0;
    }
    [[nodiscard]] Rect rect(std::size_t tile) const noexcept {
        const std::int64_t col0 = static_cast<std::int64_t>(tile) % tiles_x * size;
        const std::int64_t row0 = static_cast<std::int64_t>(tile) / tiles_x * size;
        return {col0, row0, std::min(col0 + size, grid_width), std::min(row0 + size, grid_height)};
    }
};

// The kernel's output before its sums are reduced: maps with the computed tiles' cells, and per
// tile (computed or not) its district sums and status.
struct CoverageTiles {
    TileLayout layout;
    CoverageMaps maps;
    std::vector<PartialTable> partials;
    std::vector<CoverageStatus> statuses;
};

// Maps of the input's grid and layers, every cell nodata (line of sight only with a DEM).
CoverageMaps empty_coverage_maps(const CoverageInput& input);

// The tiles t with t mod parts == part (part < parts).
CoverageTiles compute_coverage_tiles(const CoverageInput& input, std::size_t part,
                                     std::size_t parts);

// The coverage of every tile: the maps, and the tiles' sums reduced in tile order.
CoverageResult reduce_coverage_tiles(const CoverageInput& input, CoverageMaps maps,
                                     const std::vector<PartialTable>& partials,
                                     const std::vector<CoverageStatus>& statuses);

} // namespace covsim
