#pragma once
// A terrain profile between a transmitter and a receiver: ground elevations at equal horizontal
// spacing along the great circle, the first sample under the transmitter and the last under the
// receiver (the layout of NTIA ITM's pfl array: n intervals, spacing, n + 1 elevations).
// Optionally, per sample, the representative clutter height and the radio-climatic zone that
// ITU-R P.1812 reads (empty: the path's defaults, PathParameters); other models ignore them.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace covsim {

struct TerrainProfile {
    double spacing_m = 0.0;               // horizontal distance between samples
    std::vector<double> elevation_m;      // ground height above mean sea level, n + 1 samples
    std::vector<double> clutter_height_m; // empty, or n + 1: P.1812's R_i above the ground
    std::vector<std::uint8_t> zone;       // empty, or n + 1: p1812::Zone (1 sea, 3, 4 land)

    [[nodiscard]] std::size_t intervals() const noexcept {
        return elevation_m.empty() ? 0 : elevation_m.size() - 1;
    }
    [[nodiscard]] double length_m() const noexcept {
        return spacing_m * static_cast<double>(intervals());
    }
    [[nodiscard]] double distance_m(std::size_t i) const noexcept {
        return spacing_m * static_cast<double>(i);
    }
};

} // namespace covsim
