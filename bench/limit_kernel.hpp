#pragma once
// The limit kernel: what this machine allows for the coverage kernel's memory traffic, measured
// in the same process so that every benchmark can report itself as a fraction of it.
//
// Same cells (n x n cells of 50 m, tiles of 128 x 128), same sectors (the hexagonal 500 m grid of
// 3-sector sites of bench_coverage.cpp) and same range; per cell-sector pair in range only the
// simplest loss formula, L = a + b log10(d), then the received power in mW, the best server (max)
// and the sum of all powers, and per cell the SINR. covsim's fixed polynomials (fast_math.hpp)
// for log10 and 10^x; cells in structure-of-arrays; loops the compiler vectorises.

#include <cstdint>

namespace covsim::bench {

struct LimitResult {
    std::uint64_t pairs = 0; // cell-sector pairs within range
    double checksum = 0.0;   // sum of the SINRs (keeps the work observable)
};

// One run over the whole area with the current TBB thread limit.
LimitResult run_limit_kernel(std::int64_t cells_per_side, double range_m);

// Nanoseconds per pixel-sector of the limit kernel for these arguments: the best of `runs`
// timed runs.
double limit_ns_per_pixel_sector(std::int64_t cells_per_side, double range_m, int runs = 3);

} // namespace covsim::bench
