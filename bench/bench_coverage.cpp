// The coverage kernel on a synthetic city: a square of n x n cells of 50 m, a hexagonal grid of
// 3-sector sites at 500 m, TR 38.901 UMa with the 3GPP sector pattern, best server and SINR.
// Reported as pixel-sectors per second (cell-sector pairs evaluated within range). The terrain
// variants add a DEM of 30 m cells (rolling hills, 0-80 m): profiles, P.526 terrain excess or a
// terrain-aware model, and the line-of-sight flag. Every benchmark also runs the limit kernel
// (limit_kernel.hpp) over the same cells, sectors and range with the same threads and reports
// `of_limit`: the limit's time per pixel-sector divided by the kernel's (1 = at the limit).

#include "core/coverage.hpp"
#include "core/propagation/registry.hpp"
#include "core/terrain.hpp"
#include "limit_kernel.hpp"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <tbb/global_control.h>

namespace {

// The kernel's ns per pixel-sector, and as a fraction of the limit kernel's measured now.
void report(benchmark::State& state, std::uint64_t pairs, double seconds, std::int64_t cells,
            double range_m) {
    const double ns = seconds * 1e9 / static_cast<double>(std::max<std::uint64_t>(pairs, 1));
    const double limit_ns = covsim::bench::limit_ns_per_pixel_sector(cells, range_m);
    state.counters["ns_per_pixel_sector"] = ns;
    state.counters["limit_ns"] = limit_ns;
    state.counters["of_limit"] = limit_ns / ns;
    state.counters["pixel_sectors_per_s"] = 1e9 / ns;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

covsim::StudyArea make_area(std::int64_t n) {
    covsim::StudyArea a;
    a.grid.cell_size_m = 50.0;
    a.grid.width = n;
    a.grid.height = n;
    a.grid.origin_y_m = 50.0 * static_cast<double>(n);
    a.population = covsim::Raster<double>(a.grid, 1.0);
    a.district_index = covsim::Raster<std::int16_t>(a.grid, 0);
    a.districts.resize(1);
    return a;
}

covsim::CoverageInput make_input(const covsim::StudyArea& area, double range_m) {
    covsim::CoverageInput in;
    in.area = &area;
    covsim::CoverageLayer l;
    l.name = "nr";
    l.model = covsim::model_registry().find("3gpp-38901-uma");
    l.frequency_mhz = 3500.0;
    l.re_offset_db = -10.0 * std::log10(12.0 * 273.0);
    l.max_range_m = range_m;
    l.antenna.vertical_beamwidth_deg = 10.0;
    l.antenna.gain_dbi = 17.0;
    in.layers.push_back(l);
    const double side = area.grid.cell_size_m * static_cast<double>(area.grid.width);
    const double isd = 500.0;
    for (int j = 0; j * isd * std::sqrt(3.0) / 2.0 < side; ++j) {
        for (int i = 0; i * isd < side; ++i) {
            for (int k = 0; k < 3; ++k) {
                covsim::Sector s;
                s.x_m = i * isd + (j % 2) * isd / 2.0;
                s.y_m = j * isd * std::sqrt(3.0) / 2.0;
                s.height_m = 25.0;
                s.azimuth_deg = 120.0 * k;
                s.electrical_tilt_deg = 6.0;
                s.power_dbm = 49.0;
                in.sectors.push_back(s);
            }
        }
    }
    return in;
}

void BM_CoverageKernel(benchmark::State& state) {
    const auto area = make_area(state.range(0));
    const auto input = make_input(area, static_cast<double>(state.range(1)));
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(state.range(2)));
    std::uint64_t pairs = 0;
    double seconds = 0.0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = covsim::compute_coverage(input);
        seconds += seconds_since(t0);
        pairs += r.status.pixel_sectors;
        benchmark::DoNotOptimize(r.districts.data());
    }
    report(state, pairs, seconds, state.range(0), static_cast<double>(state.range(1)));
}

// The limit kernel alone. Args: cells per side, max range (m), threads.
void BM_LimitKernel(benchmark::State& state) {
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(state.range(2)));
    std::uint64_t pairs = 0;
    double seconds = 0.0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r =
            covsim::bench::run_limit_kernel(state.range(0), static_cast<double>(state.range(1)));
        seconds += seconds_since(t0);
        pairs += r.pairs;
        benchmark::DoNotOptimize(r.checksum);
    }
    state.counters["ns_per_pixel_sector"] =
        seconds * 1e9 / static_cast<double>(std::max<std::uint64_t>(pairs, 1));
}

// Rolling hills under the whole area, 30 m cells, and the sites standing on them.
void add_terrain(covsim::StudyArea& area) {
    covsim::Grid g;
    g.cell_size_m = 30.0;
    const double side = area.grid.cell_size_m * static_cast<double>(area.grid.width);
    g.width = static_cast<std::int64_t>(std::ceil(side / 30.0));
    g.height = g.width;
    g.origin_y_m = 30.0 * static_cast<double>(g.height);
    covsim::Raster<float> dem(g, 0.0f);
    for (std::int64_t r = 0; r < g.height; ++r) {
        for (std::int64_t c = 0; c < g.width; ++c) {
            const double x = g.center_x_m(c);
            const double y = g.center_y_m(r);
            dem.at(c, r) =
                static_cast<float>(40.0 + 40.0 * std::sin(x / 700.0) * std::cos(y / 900.0));
        }
    }
    area.terrain = std::move(dem);
}

// Args: cells per side, max range (m), threads, terrain_margin_db; the model by name.
void BM_CoverageTerrain(benchmark::State& state, const char* model) {
    auto area = make_area(state.range(0));
    add_terrain(area);
    auto input = make_input(area, static_cast<double>(state.range(1)));
    input.layers[0].model = covsim::model_registry().find(model);
    input.layers[0].terrain_margin_db = static_cast<double>(state.range(3));
    for (covsim::Sector& s : input.sectors) {
        s.ground_m = covsim::sample_bilinear(*area.terrain, s.x_m, s.y_m);
    }
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(state.range(2)));
    std::uint64_t pairs = 0;
    std::uint64_t terrain_pairs = 0;
    double seconds = 0.0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = covsim::compute_coverage(input);
        seconds += seconds_since(t0);
        pairs += r.status.pixel_sectors;
        terrain_pairs += r.status.terrain_pairs;
        benchmark::DoNotOptimize(r.districts.data());
    }
    report(state, pairs, seconds, state.range(0), static_cast<double>(state.range(1)));
    state.counters["terrain_share"] =
        static_cast<double>(terrain_pairs) / static_cast<double>(std::max<std::uint64_t>(pairs, 1));
}

BENCHMARK_CAPTURE(BM_CoverageTerrain, uma_p526_excess, "3gpp-38901-uma")
    ->Args({200, 2000, 1, 30})
    ->Args({200, 2000, 2, 30})
    ->Args({200, 2000, 2, 200})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_CoverageTerrain, itm, "itm")
    ->Args({200, 2000, 2, 30})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Args: cells per side, max range (m), threads. Scaling: pixels (200 -> 400 per side), range
// (2 -> 4 km: about 4x the sectors per pixel), threads (1 -> 2; at 400 cells per side there are
// 16 tiles of 128 cells to share between the threads, at 200 only 4).
BENCHMARK(BM_CoverageKernel)
    ->Args({200, 2000, 1})
    ->Args({200, 2000, 2})
    ->Args({400, 2000, 1})
    ->Args({400, 2000, 2})
    ->Args({200, 4000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_LimitKernel)
    ->Args({200, 2000, 1})
    ->Args({200, 2000, 2})
    ->Args({400, 2000, 1})
    ->Args({400, 2000, 2})
    ->Args({200, 4000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
