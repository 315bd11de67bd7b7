#pragma once
// The study area: the analysis grid with population and district index per cell, and the
// district table. Loaded by the I/O layer (engine/io/study_area_loader), used by the core.

#include "core/district.hpp"
#include "core/raster.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace covsim {

inline constexpr std::int16_t no_district = -1;

struct StudyArea {
    Grid grid;
    Raster<double> population;           // people per cell; 0 where nobody lives or outside
    Raster<std::int16_t> district_index; // index into districts, no_district outside all
    std::vector<District> districts;
    // Ground elevation above mean sea level (m), on its own grid in the analysis CRS at the DEM's
    // spacing (core/terrain.hpp); NaN where the DEM has no value. Absent: a flat city.
    std::optional<Raster<float>> terrain;
    // ITU-R P.2108 clutter type per analysis cell (p2108::ClutterType, 0 = unknown), from a
    // land-cover raster. Absent: no terminal clutter correction.
    std::optional<Raster<std::uint8_t>> clutter;

    [[nodiscard]] std::size_t district_count() const noexcept { return districts.size(); }
    // People in the study area, summed in cell order.
    [[nodiscard]] double total_population() const noexcept {
        double sum = 0.0;
        for (double v : population.values) {
            sum += v;
        }
        return sum;
    }
};

} // namespace covsim
