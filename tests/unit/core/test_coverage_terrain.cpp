// The coverage kernel over terrain, with clutter, indoor users and location variability.

#include "core/coverage.hpp"
#include "core/isa.hpp"
#include "core/propagation/location_variability.hpp"
#include "core/propagation/p2108.hpp"
#include "core/propagation/p2109.hpp"
#include "core/propagation/registry.hpp"
#include "core/terrain.hpp"
#include "terrain_strip.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <limits>
#include <tbb/global_control.h>
#include <vector>

using namespace covsim;

namespace {

CoverageInput one_site(const StudyArea& area, const char* model = "3gpp-38901-rma") {
    CoverageInput in;
    in.area = &area;
    CoverageLayer l;
    l.name = "n28";
    l.model = model_registry().find(model);
    l.frequency_mhz = 700.0;
    l.noise_per_re_dbm = -130.0;
    l.rsrp_min_dbm = -105.0;
    l.sinr_min_db = -10.0;
    l.max_range_m = 20000.0;
    l.antenna.isotropic = true;
    l.antenna.gain_dbi = 0.0;
    in.layers.push_back(l);
    Sector s;
    s.site_id = "S";
    s.x_m = 1025.0; // the west end of the strip, in the middle row
    s.y_m = 1025.0;
    s.height_m = 35.0;
    s.power_dbm = 43.0;
    s.ground_m = area.terrain ? sample_bilinear(*area.terrain, s.x_m, s.y_m) : std::nan("");
    in.sectors.push_back(s);
    return in;
}

// The row of the site: 20, cells at x = 25 + 50 col.
constexpr std::int64_t row = 19;

} // namespace

TEST(CoverageTerrain, FlatTerrainChangesNothing) {
    const StudyArea hilly_free = test::terrain_strip([](double) { return 12.0; });
    const CoverageResult with = compute_coverage(one_site(hilly_free));
    StudyArea flat = hilly_free;
    flat.terrain.reset();
    CoverageInput in = one_site(flat);
    const CoverageResult without = compute_coverage(in);
    EXPECT_GT(with.status.terrain_pairs, 0u);
    // Flat ground at 12 m: P.526's excess of the terrain over a smooth Earth is 0.
    for (std::int64_t c = 30; c < 240; c += 30) {
        EXPECT_NEAR(with.maps.rsrp_dbm.at(c, row), without.maps.rsrp_dbm.at(c, row), 1e-3) << c;
        EXPECT_EQ(with.maps.line_of_sight.at(c, row), 1) << c;
    }
    EXPECT_TRUE(without.maps.line_of_sight.values.empty());
}

TEST(CoverageTerrain, ARidgeShadowsTheValleyBehindIt) {
    // A 150 m ridge 4 km east of the site (x = 5 km), 500 m wide.
    const StudyArea area =
        test::terrain_strip([](double x) { return std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0; });
    const CoverageResult r = compute_coverage(one_site(area));
    const StudyArea open = test::terrain_strip([](double) { return 0.0; });
    const CoverageResult o = compute_coverage(one_site(open));
    // In front of the ridge (x = 3 km): line of sight, no excess loss.
    EXPECT_EQ(r.maps.line_of_sight.at(59, row), 1);
    EXPECT_NEAR(double(r.maps.rsrp_dbm.at(59, row)), double(o.maps.rsrp_dbm.at(59, row)), 1e-3);
    // Behind it (x = 6 to 11 km): shadowed, 10 dB and more below the open strip.
    for (std::int64_t c = 120; c < 230; c += 20) {
        EXPECT_EQ(r.maps.line_of_sight.at(c, row), 0) << c;
        EXPECT_LT(double(r.maps.rsrp_dbm.at(c, row)), double(o.maps.rsrp_dbm.at(c, row)) - 10.0)
            << c;
    }
    EXPECT_LT(r.districts[0].covered_population, o.districts[0].covered_population);
    EXPECT_EQ(r.status.cells_without_terrain, 0u);
}

TEST(CoverageTerrain, ItmLayerSeesTheRidgeToo) {
    const StudyArea area =
        test::terrain_strip([](double x) { return std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0; });
    CoverageInput in = one_site(area, "itm");
    in.layers[0].path.climate = itm::Climate::maritime_subtropical;
    const CoverageResult r = compute_coverage(in);
    const StudyArea open = test::terrain_strip([](double) { return 0.0; });
    const CoverageResult o = compute_coverage(one_site(open, "itm"));
    EXPECT_LT(double(r.maps.rsrp_dbm.at(200, row)), double(o.maps.rsrp_dbm.at(200, row)) - 10.0);
    EXPECT_EQ(r.status.non_finite_losses, 0u);
}

TEST(CoverageTerrain, MissingElevationsFallBackToFlatAndAreCounted) {
    // No elevation west of x = 3 km, where the site stands.
    const StudyArea area =
        test::terrain_strip([](double x) { return x < 3000.0 ? std::nan("") : 0.0; });
    CoverageInput in = one_site(area);
    EXPECT_TRUE(std::isnan(in.sectors[0].ground_m));
    const CoverageResult r = compute_coverage(in);
    EXPECT_EQ(r.status.cells_without_terrain, 60u * 40u);
    EXPECT_EQ(r.status.terrain_pairs, 0u); // the site has no ground: every path stays flat
    EXPECT_GT(r.districts[0].covered_population, 0.0);
}

TEST(CoverageTerrain, IndoorCoverageFollowsTheBuildingEntryLoss) {
    StudyArea area = test::terrain_strip([](double) { return 0.0; });
    area.terrain.reset();
    CoverageInput in = one_site(area);
    in.indoor.probability = 0.5;
    in.indoor.thermally_efficient_share = {0.0, 0.0, 0.25};
    const CoverageResult r = compute_coverage(in);
    const DistrictTotals& t = r.districts[0];
    EXPECT_GT(t.covered_indoor_population, 0.0);
    EXPECT_LT(t.covered_indoor_population, t.covered_population);
    // A cell covered indoors in traditional buildings only counts 75 % of its people.
    double expected = 0.0;
    for (std::size_t i = 0; i < r.maps.covered_indoor.values.size(); ++i) {
        const auto level = r.maps.covered_indoor.values[i];
        expected += level == indoor_all ? 1.0 : level == indoor_traditional ? 0.75 : 0.0;
    }
    EXPECT_NEAR(t.covered_indoor_population, expected, 1e-9);
    // At the coverage edge the cell's RSRP minus the traditional BEL is just above threshold.
    const double bel =
        p2109::building_entry_loss_db(0.7, 0.5, 0.0, p2109::BuildingType::traditional);
    EXPECT_GT(bel, 5.0);
    for (std::int64_t c = 1; c < 240; ++c) {
        if (r.maps.covered_indoor.at(c, row) == indoor_none && r.maps.covered.at(c, row) == 1) {
            EXPECT_LT(double(r.maps.rsrp_dbm.at(c, row)) - bel, -105.0 + 0.5) << c;
            break;
        }
    }
    // An FWA CPE on the roof is not indoors: its indoor coverage is the outdoor one.
    in.layers[0].indoor = false;
    const CoverageResult fwa = compute_coverage(in);
    EXPECT_DOUBLE_EQ(fwa.districts[0].covered_indoor_population,
                     fwa.districts[0].covered_population);
}

TEST(CoverageTerrain, HigherLocationProbabilityShrinksCoverageByTheShadowMargin) {
    StudyArea area = test::terrain_strip([](double) { return 0.0; });
    area.terrain.reset();
    CoverageInput in = one_site(area, "cost231-hata");
    in.layers[0].frequency_mhz = 1800.0;
    const CoverageResult median = compute_coverage(in);
    in.layers[0].location_probability = 0.9;
    const CoverageResult p90 = compute_coverage(in);
    EXPECT_LT(p90.districts[0].covered_population, median.districts[0].covered_population);
    // 90 % of locations: 8 dB x 1.2816 = 10.25 dB of margin on the RSRP threshold.
    const double margin = variability::location_margin_db(8.0, 0.9);
    EXPECT_NEAR(margin, 10.2524, 1e-3);
    for (std::int64_t c = 1; c < 240; ++c) {
        if (p90.maps.covered.at(c, row) == 0) {
            EXPECT_LT(double(p90.maps.rsrp_dbm.at(c, row)) - margin, -105.0);
            EXPECT_GE(double(p90.maps.rsrp_dbm.at(c - 1, row)) - margin, -105.0);
            break;
        }
    }
}

TEST(CoverageTerrain, StatisticalClutterLossIsAddedPerPath) {
    StudyArea area = test::terrain_strip([](double) { return 0.0; });
    area.terrain.reset();
    CoverageInput in = one_site(area, "free-space");
    in.layers[0].frequency_mhz = 3500.0;
    const CoverageResult bare = compute_coverage(in);
    in.layers[0].clutter_loss = true;
    in.layers[0].clutter_location_percent = 50.0;
    const CoverageResult cluttered = compute_coverage(in);
    // 5 km east of the site: the cell's RSRP drops by P.2108 §3.2 at 5 km, 50 %.
    const double loss = p2108::terrestrial_clutter_loss_db(3.5, 5.0, 50.0);
    EXPECT_GT(loss, 10.0);
    EXPECT_NEAR(bare.maps.rsrp_dbm.at(120, row) - cluttered.maps.rsrp_dbm.at(120, row), loss, 1e-3);
}

TEST(TerrainProfile, SamplesTheBilinearSurfaceAtTheGivenSpacing) {
    Grid g;
    g.cell_size_m = 100.0;
    g.width = 20;
    g.height = 5;
    g.origin_y_m = 500.0;
    Raster<float> dem(g, 0.0f);
    for (std::int64_t r = 0; r < g.height; ++r) {
        for (std::int64_t c = 0; c < g.width; ++c) {
            dem.at(c, r) = static_cast<float>(2.0 * c); // 2 m per cell eastwards: 0.02 m per m
        }
    }
    TerrainProfile p;
    ASSERT_TRUE(terrain_profile(dem, 250.0, 250.0, 1250.0, 250.0, 30.0, p));
    EXPECT_EQ(p.elevation_m.size(), 35u); // ceil(1000 / 30) = 34 intervals
    EXPECT_NEAR(p.spacing_m, 1000.0 / 34.0, 1e-12);
    for (std::size_t i = 0; i < p.elevation_m.size(); ++i) {
        const double x = 250.0 + p.spacing_m * static_cast<double>(i);
        EXPECT_NEAR(p.elevation_m[i], 0.02 * (x - 50.0), 1e-9) << i; // cell 0 centred at 50 m
    }
    dem.at(7, 2) = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(terrain_profile(dem, 250.0, 250.0, 1250.0, 250.0, 30.0, p));
}

// terrain_profile() inlines sample_bilinear() for speed: on oblique lines, in either instruction
// set's copy (core/isa.hpp), every sample must be sample_bilinear() at that point, bit for bit;
// a line that leaves the grid has no profile.
TEST(TerrainProfile, IsSampleBilinearBitForBitInEitherInstructionSet) {
    Grid g;
    g.cell_size_m = 30.87;
    g.width = 173;
    g.height = 121;
    g.origin_x_m = -1234.5;
    g.origin_y_m = 4321.25;
    Raster<float> dem(g, 0.0f);
    for (std::int64_t r = 0; r < g.height; ++r) {
        for (std::int64_t c = 0; c < g.width; ++c) {
            dem.at(c, r) =
                static_cast<float>(100.0 + 60.0 * std::sin(0.13 * c) * std::cos(0.07 * r));
        }
    }
    const double west = g.origin_x_m;
    const double north = g.origin_y_m;
    const double east = g.east_m();
    const double south = g.south_m();
    const isa::Level before = isa::active();
    for (const isa::Level level :
         {isa::Level::baseline, isa::Level::x86_64_v3, isa::Level::x86_64_v4}) {
        if (isa::select(level) != level) {
            continue; // not on this CPU or build
        }
        int lines = 0;
        for (int k = 0; k < 40; ++k) {
            const double x0 = west + 10.0 + 97.3 * k;
            const double y0 = south + 5.0 + 71.9 * k;
            const double x1 = east - 3.0 - 41.1 * k;
            const double y1 = north - 0.5 - 29.3 * k;
            TerrainProfile p;
            ASSERT_TRUE(terrain_profile(dem, x0, y0, x1, y1, 30.87, p)) << k;
            const double n = static_cast<double>(p.intervals());
            for (std::size_t i = 0; i < p.elevation_m.size(); ++i) {
                const double t = static_cast<double>(i) / n;
                const double z = sample_bilinear(dem, x0 + t * (x1 - x0), y0 + t * (y1 - y0));
                ASSERT_EQ(std::bit_cast<std::uint64_t>(p.elevation_m[i]),
                          std::bit_cast<std::uint64_t>(z))
                    << isa::name(level) << " line " << k << " sample " << i;
            }
            ++lines;
        }
        EXPECT_EQ(lines, 40);
        TerrainProfile p;
        EXPECT_FALSE(terrain_profile(dem, west + 10.0, south + 10.0, east + 1.0, north - 10.0,
                                     30.87, p)); // ends east of the grid
        EXPECT_FALSE(terrain_profile(dem, west + 10.0, north + 0.5, east - 10.0, south + 10.0,
                                     30.87, p)); // starts north of it
    }
    isa::select(before);
}

// Sectors on one mast share each terrain profile and loss (computed once, engine/core/coverage.cpp
// TerrainMemo): with every pair over the terrain, two 3-sector masts together must give exactly,
// bit for bit, the best of the six sectors computed one at a time, and as many terrain pairs.
TEST(CoverageTerrain, CoSitedSectorsShareTerrainLossesExactly) {
    const StudyArea area = test::terrain_strip([](double x) {
        return 40.0 * std::sin(x / 700.0) + (std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0);
    });
    for (const char* model : {"3gpp-38901-rma", "itm"}) {
        CoverageInput all = one_site(area, model);
        all.layers[0].antenna.isotropic = false;
        all.layers[0].antenna.gain_dbi = 15.0;
        all.layers[0].terrain_margin_db = 1000.0; // every pair over the terrain
        const Sector base = all.sectors[0];
        all.sectors.clear();
        for (const double x : {1025.0, 7025.0}) {
            for (const double azimuth : {30.0, 150.0, 270.0}) {
                Sector s = base;
                s.x_m = x;
                s.azimuth_deg = azimuth;
                s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
                all.sectors.push_back(s);
            }
        }
        const CoverageResult together = compute_coverage(all);

        std::vector<float> best(together.maps.rsrp_dbm.values.size(),
                                -std::numeric_limits<float>::infinity());
        std::uint64_t terrain_pairs = 0;
        for (const Sector& s : all.sectors) {
            CoverageInput one = all;
            one.sectors = {s};
            const CoverageResult alone = compute_coverage(one);
            terrain_pairs += alone.status.terrain_pairs;
            for (std::size_t i = 0; i < best.size(); ++i) {
                best[i] = std::max(best[i], alone.maps.rsrp_dbm.values[i]);
            }
        }
        EXPECT_EQ(together.status.terrain_pairs, terrain_pairs) << model;
        std::size_t differ = 0;
        for (std::size_t i = 0; i < best.size(); ++i) {
            differ += together.maps.rsrp_dbm.values[i] == best[i] ? 0 : 1;
        }
        EXPECT_EQ(differ, 0u) << model;
        EXPECT_GT(together.status.terrain_pairs, best.size()) << model;
    }
}

// The radial method (core/radial_terrain.hpp) computes each mast's field in parallel over its
// radials, from whichever tile needs it first: the maps must not depend on the thread count or
// the instruction-set copy. Two 3-sector masts over hills and a ridge, each terrain model.
TEST(CoverageTerrain, RadialMethodIsBitIdenticalForAnyThreadCountAndInstructionSet) {
    const StudyArea area = test::terrain_strip([](double x) {
        return 40.0 * std::sin(x / 700.0) + (std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0);
    });
    for (const char* model : {"3gpp-38901-rma", "itm", "p526"}) {
        CoverageInput in = one_site(area, model);
        in.layers[0].antenna.isotropic = false;
        in.layers[0].antenna.gain_dbi = 15.0;
        ASSERT_EQ(in.layers[0].terrain_method, TerrainMethod::radial);
        const Sector base = in.sectors[0];
        in.sectors.clear();
        for (const double x : {1025.0, 7025.0}) {
            for (const double azimuth : {30.0, 150.0, 270.0}) {
                Sector s = base;
                s.x_m = x;
                s.azimuth_deg = azimuth;
                s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
                in.sectors.push_back(s);
            }
        }
        const auto run = [&in](std::size_t threads, isa::Level level) {
            tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
            const isa::Level before = isa::active();
            isa::select(level);
            CoverageResult r = compute_coverage(in);
            isa::select(before);
            return r;
        };
        const CoverageResult one = run(1, isa::Level::x86_64_v3);
        const CoverageResult two = run(2, isa::Level::x86_64_v3);
        const CoverageResult baseline = run(2, isa::Level::baseline);
        const CoverageResult v4 = run(2, isa::Level::x86_64_v4); // the highest the CPU has
        for (const CoverageResult* other : {&two, &baseline, &v4}) {
            const auto& a = one.maps;
            const auto& b = other->maps;
            EXPECT_EQ(0, std::memcmp(a.rsrp_dbm.values.data(), b.rsrp_dbm.values.data(),
                                     a.rsrp_dbm.values.size() * sizeof(float)))
                << model;
            EXPECT_EQ(0, std::memcmp(a.sinr_db.values.data(), b.sinr_db.values.data(),
                                     a.sinr_db.values.size() * sizeof(float)))
                << model;
            EXPECT_EQ(a.line_of_sight.values, b.line_of_sight.values) << model;
            EXPECT_EQ(a.best_server.values, b.best_server.values) << model;
        }
        EXPECT_GT(one.status.terrain_pairs, one.maps.rsrp_dbm.values.size()) << model;
        // Both kinds of cell: shadowed by the ridge or by the hills, and in sight.
        const auto& los = one.maps.line_of_sight.values;
        EXPECT_GT(std::count(los.begin(), los.end(), 0), 0) << model;
        EXPECT_GT(std::count(los.begin(), los.end(), 1), 0) << model;
    }
}

// Interference between layers over the terrain: a derived pass (the interferer's layer seen by
// the victim's receiver, coverage.cpp InterferencePass) evaluates its pairs as the layer itself
// does, over the masts' radial fields. Layer 0 at the west end, layer 1 across the ridge.
TEST(CoverageTerrain, RadialMethodServesInterferenceBetweenLayers) {
    const StudyArea area = test::terrain_strip([](double x) {
        return 40.0 * std::sin(x / 700.0) + (std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0);
    });
    for (const char* model : {"3gpp-38901-rma", "itm", "p526"}) {
        CoverageInput in = one_site(area, model);
        in.layers.push_back(in.layers[0]);
        in.layers[1].name = "other";
        Sector far = in.sectors[0];
        far.site_id = "F";
        far.x_m = 11025.0;
        far.ground_m = sample_bilinear(*area.terrain, far.x_m, far.y_m);
        far.layer = 1;
        in.sectors.push_back(far);
        in.layers[0].interferers.push_back({1, 1.0, false});

        // The same receivers: layer 1's own sums, or a derived pass (shares_transmitters, with
        // no transmitter shared) that must find the same power, bit for bit.
        const CoverageResult own = compute_coverage(in);
        in.layers[0].interferers[0].shares_transmitters = true;
        const CoverageResult derived = compute_coverage(in);
        const auto& a = own.maps.layers[0].sinr_db.values;
        const auto& b = derived.maps.layers[0].sinr_db.values;
        ASSERT_EQ(a.size(), b.size());
        EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << model;

        // Another receiver height (a derived pass): radial and exact agree as for coverage.
        in.layers[0].interferers[0].shares_transmitters = false;
        in.layers[0].rx_height_m = 10.0;
        const CoverageResult radial = compute_coverage(in);
        for (CoverageLayer& l : in.layers) {
            l.terrain_method = TerrainMethod::exact;
        }
        const CoverageResult exact = compute_coverage(in);
        const auto& r = radial.maps.layers[0].sinr_db.values;
        const auto& e = exact.maps.layers[0].sinr_db.values;
        std::vector<double> diff;
        for (std::size_t i = 0; i < r.size(); ++i) {
            ASSERT_EQ(r[i] == map_nodata, e[i] == map_nodata) << model << " cell " << i;
            if (r[i] != map_nodata) {
                diff.push_back(std::abs(static_cast<double>(r[i]) - static_cast<double>(e[i])));
            }
        }
        ASSERT_FALSE(diff.empty()) << model;
        std::sort(diff.begin(), diff.end());
        EXPECT_LT(diff[diff.size() / 2], 0.1) << model; // median, dB
        EXPECT_LT(diff[diff.size() * 95 / 100], 1.0) << model;
        // The terrain reached the interference: over flat ground the SINR differs (a model
        // that needs no profile runs without a DEM too).
        if (!in.layers[0].model->needs_profile()) {
            in.layers[0].terrain_method = TerrainMethod::radial;
            in.layers[1].terrain_method = TerrainMethod::radial;
            StudyArea flat = area;
            flat.terrain.reset();
            in.area = &flat;
            for (Sector& s : in.sectors) {
                s.ground_m = std::nan("");
            }
            const CoverageResult level = compute_coverage(in);
            EXPECT_NE(0, std::memcmp(r.data(), level.maps.layers[0].sinr_db.values.data(),
                                     r.size() * sizeof(float)));
        }
    }
}

// Without a line-of-sight map to write, the kernel finds no flag (no slopes along the radials,
// no profile of its own: CoverageInput::line_of_sight) and every other map keeps its bits, for
// each terrain method and for a model without a radial form of its loss (P.1812, exact).
TEST(CoverageTerrain, NoLineOfSightMapChangesNoOtherMap) {
    const StudyArea area = test::terrain_strip([](double x) {
        return 40.0 * std::sin(x / 700.0) + (std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0);
    });
    for (const char* model : {"3gpp-38901-rma", "itm", "p526", "p1812"}) {
        for (const TerrainMethod method : {TerrainMethod::radial, TerrainMethod::exact}) {
            CoverageInput in = one_site(area, model);
            in.layers[0].terrain_method = method;
            const CoverageResult with = compute_coverage(in);
            in.line_of_sight = false;
            const CoverageResult without = compute_coverage(in);
            const std::string what = std::string(model) + " " + std::string(to_string(method));
            ASSERT_FALSE(with.maps.line_of_sight.values.empty()) << what;
            EXPECT_TRUE(without.maps.line_of_sight.values.empty()) << what;
            EXPECT_TRUE(without.maps.layers[0].line_of_sight.values.empty()) << what;
            EXPECT_EQ(0, std::memcmp(with.maps.rsrp_dbm.values.data(),
                                     without.maps.rsrp_dbm.values.data(),
                                     with.maps.rsrp_dbm.values.size() * sizeof(float)))
                << what;
            EXPECT_EQ(0, std::memcmp(with.maps.sinr_db.values.data(),
                                     without.maps.sinr_db.values.data(),
                                     with.maps.sinr_db.values.size() * sizeof(float)))
                << what;
            EXPECT_EQ(with.maps.covered_indoor.values, without.maps.covered_indoor.values) << what;
            EXPECT_EQ(with.maps.best_server.values, without.maps.best_server.values) << what;
            EXPECT_EQ(with.status.terrain_pairs, without.status.terrain_pairs) << what;
        }
    }
}
