#pragma once
// What a run holds in memory per analysis cell, for refusing runs that cannot fit before they
// start (engine/io/memory_limit checks the estimate against the machine). The figures count
// the rasters of core/study_area.hpp and core/coverage.hpp and the buffers that write them:
//
//   study area   population (8 B) + a warp buffer of the population (8 B) + district index (2 B)
//                + clutter class (1 B)                                                  = 19 B
//   per layer    RSRP, SINR (4 + 4 B), best server (4 B), covered, indoor, line of sight
//                (3 x 1 B), throughput (4 B), and 5 B of slack for the writers            = 24 B
//                + the map writers' copies of its RSRP, SINR and covered maps
//                (4 + 4 + 1 B; io/map_sink)                                            +  9 B
//                + the SINR inside two classes of building (2 x 4 B)                   +  8 B
//                + traffic steering's option per cell: its first component (4 B), share
//                (8 B), and the component's radio cell and rate (4 + 4 B)              + 20 B
//   per scenario the combined maps: RSRP, SINR, best server, throughput, user throughput
//                (5 x 4 B), serving layer, covered, indoor, line of sight, served (5 x 1 B),
//                people per cell (8 B), and 15 B for the map writers' copies              = 48 B
//                + traffic steering's demand point per cell: demand (8 B), first and
//                initial option (4 + 4 B)                                              + 16 B
//
// The ranges of [uncertainty] (core/uncertainty.hpp) run capacity and cost again, two runs at a
// time (range_runs_at_a_time), before the map writers copy anything: a run holds the combined
// maps it makes (throughput, user throughput, served: 9 B) and its layers' throughput (4 B
// each) besides steering buffers like those counted above. The first run fits in the writers'
// copies (15 B + 9 B per layer) counted for later; the second is counted on top:
//   per scenario with ranges                     9 B + 16 B of steering               = 25 B
//   per layer of it                              4 B + 20 B of steering               + 24 B
//
// On the 50 m Hanoi batch (2.8 M grid cells; 2, 4 and 5 layers, every scenario with ranges)
// this gives 0.78, 1.25 and 1.49 GB; the measured peak of the whole process on 2 threads is
// 1.11 GB (bench/README.md), with the variants one after another.

#include <cstddef>
#include <cstdint>

namespace covsim {

inline constexpr std::uint64_t study_area_bytes_per_cell = 19;

// Variants of a batch run side by side only while their estimated maps together fit in this
// budget (engine/run/batch.cpp): small variants overlap one's writing with another's computing;
// large ones run one after another, each over every thread, so that the peak does not grow
// with the thread count (Hanoi at 25 m: 1.1 GB per variant, one at a time).
inline constexpr std::uint64_t side_by_side_budget_bytes = std::uint64_t{1} << 30;

[[nodiscard]] constexpr std::uint64_t scenario_bytes_per_cell(std::size_t layers,
                                                              bool ranges) noexcept {
    const auto n = static_cast<std::uint64_t>(layers);
    return 64 + 61 * n + (ranges ? 25 + 24 * n : 0);
}

} // namespace covsim
