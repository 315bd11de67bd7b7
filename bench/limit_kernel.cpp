#include "limit_kernel.hpp"

#include "core/fast_math.hpp"
#include "core/isa.hpp"
#include "core/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <vector>

namespace covsim::bench {

namespace {

struct Site {
    double x;
    double y;
};

// The sector positions of bench_coverage.cpp's make_input (3 co-located sectors per site).
std::vector<Site> sectors(double side_m) {
    std::vector<Site> out;
    const double isd = 500.0;
    for (int j = 0; j * isd * std::sqrt(3.0) / 2.0 < side_m; ++j) {
        for (int i = 0; i * isd < side_m; ++i) {
            for (int k = 0; k < 3; ++k) {
                out.push_back({i * isd + (j % 2) * isd / 2.0, j * isd * std::sqrt(3.0) / 2.0});
            }
        }
    }
    return out;
}

struct Scratch {
    std::vector<double> x, y, best, sum, p;
    std::vector<std::int32_t> server;
    std::vector<std::uint32_t> candidates;
};

} // namespace

LimitResult run_limit_kernel(std::int64_t n, double range_m) {
    constexpr double cell = 50.0;
    constexpr std::int64_t ts = 128;
    const double side = cell * static_cast<double>(n);
    const std::vector<Site> sec = sectors(side);
    const std::int64_t tiles_x = (n + ts - 1) / ts;
    const auto tile_count = static_cast<std::size_t>(tiles_x * tiles_x);
    std::vector<std::uint64_t> pairs(tile_count, 0);
    std::vector<double> sums(tile_count, 0.0);
    const double range2 = range_m * range_m;
    // L = 28 + 35 log10(d) = 28 + 17.5 log10(d^2); P = 15 dBm per RE; noise -132 dBm.
    const double a = 15.0 - 28.0;
    const double b = -17.5;
    const double noise_mw = std::pow(10.0, -13.2);
    tbb::enumerable_thread_specific<Scratch> scratch;
    // The same instruction-set copy as the kernels it is compared with (core/isa.hpp).
    parallel::for_ranges(
        tbb::blocked_range<std::size_t>(0, tile_count),
        [&](const tbb::blocked_range<std::size_t>& range) {
            Scratch& s = scratch.local();
            isa::dispatch([&]() COVSIM_ALWAYS_INLINE {
                for (std::size_t t = range.begin(); t != range.end(); ++t) {
                    const std::int64_t c0 = static_cast<std::int64_t>(t) % tiles_x * ts;
                    const std::int64_t r0 = static_cast<std::int64_t>(t) / tiles_x * ts;
                    const std::int64_t c1 = std::min(c0 + ts, n);
                    const std::int64_t r1 = std::min(r0 + ts, n);
                    s.x.clear();
                    s.y.clear();
                    for (std::int64_t row = r0; row < r1; ++row) {
                        for (std::int64_t col = c0; col < c1; ++col) {
                            s.x.push_back((static_cast<double>(col) + 0.5) * cell);
                            s.y.push_back(side - (static_cast<double>(row) + 0.5) * cell);
                        }
                    }
                    const std::size_t m = s.x.size();
                    s.best.assign(m, 0.0);
                    s.sum.assign(m, 0.0);
                    s.server.assign(m, -1);
                    const double x0 = (static_cast<double>(c0) + 0.5) * cell - range_m;
                    const double x1 = (static_cast<double>(c1) - 0.5) * cell + range_m;
                    const double y1 = side - (static_cast<double>(r0) + 0.5) * cell + range_m;
                    const double y0 = side - (static_cast<double>(r1) - 0.5) * cell - range_m;
                    std::uint64_t count = 0;
                    const double* px = s.x.data();
                    const double* py = s.y.data();
                    double* best = s.best.data();
                    double* sum = s.sum.data();
                    std::int32_t* server = s.server.data();
                    for (std::size_t k = 0; k < sec.size(); ++k) {
                        const double sx = sec[k].x;
                        const double sy = sec[k].y;
                        if (sx < x0 || sx > x1 || sy < y0 || sy > y1) {
                            continue;
                        }
                        const auto id = static_cast<std::int32_t>(k);
                        // Per row, only the columns that can be within range (as the kernel does).
                        const auto w = static_cast<std::size_t>(c1 - c0);
                        for (std::size_t r = 0; r < static_cast<std::size_t>(r1 - r0); ++r) {
                            const double dy = py[r * w] - sy;
                            if (dy * dy > range2) {
                                continue;
                            }
                            const double half = std::sqrt(range2 - dy * dy);
                            const double first = std::ceil((sx - half - px[0]) / cell) - 1.0;
                            const double last = std::floor((sx + half - px[0]) / cell) + 1.0;
                            if (last < 0.0 || first > static_cast<double>(w - 1)) {
                                continue;
                            }
                            const std::size_t lo =
                                r * w + static_cast<std::size_t>(std::max(first, 0.0));
                            const std::size_t hi = r * w + static_cast<std::size_t>(std::min(
                                                               last, static_cast<double>(w - 1)));
                            // As in the kernel: the powers in one vectorised loop, then best server
                            // and sum in a short contiguous one.
                            const std::size_t len = hi + 1 - lo;
                            s.p.resize(len);
                            double* pw = s.p.data();
                            for (std::size_t c = 0; c < len; ++c) {
                                const double dx = px[lo + c] - sx;
                                const double d2 = std::max(dx * dx + dy * dy, 1.0);
                                const double p = fast::db_to_linear(a + b * fast::log10(d2));
                                pw[c] = d2 <= range2 ? p : -1.0;
                            }
                            for (std::size_t c = 0; c < len; ++c) {
                                const double p = pw[c];
                                if (p < 0.0) {
                                    continue;
                                }
                                ++count;
                                sum[lo + c] += p;
                                if (p > best[lo + c]) {
                                    best[lo + c] = p;
                                    server[lo + c] = id;
                                }
                            }
                        }
                    }
                    double checksum = 0.0;
                    for (std::size_t i = 0; i < m; ++i) {
                        const double interference = 0.5 * (sum[i] - best[i]);
                        checksum += server[i] < 0
                                        ? 0.0
                                        : 10.0 * std::log10(best[i] / (interference + noise_mw));
                    }
                    pairs[t] = count;
                    sums[t] = checksum;
                }
            });
        });
    LimitResult out;
    for (std::size_t t = 0; t < tile_count; ++t) {
        out.pairs += pairs[t];
        out.checksum += sums[t];
    }
    return out;
}

double limit_ns_per_pixel_sector(std::int64_t n, double range_m, int runs) {
    double best = 1e300;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const LimitResult res = run_limit_kernel(n, range_m);
        const auto t1 = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
        best = std::min(best, ns / static_cast<double>(std::max<std::uint64_t>(res.pairs, 1)));
    }
    return best;
}

} // namespace covsim::bench
