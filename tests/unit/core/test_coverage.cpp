#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/isa.hpp"
#include "core/propagation/free_space.hpp"
#include "core/propagation/loss_table.hpp"
#include "core/propagation/registry.hpp"
#include "support/study_areas.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <numbers>
#include <tbb/global_control.h>

using namespace covsim;

namespace {

// A square study area of n x n cells, one urban district covering all of it (or only the cells
// for which in_district(col, row) holds), `people` per cell.
StudyArea make_area(std::int64_t n, double cell_m, double people,
                    const std::function<bool(std::int64_t, std::int64_t)>& in_district = {}) {
    StudyArea a = test::one_district_area(n, n, cell_m, people);
    for (std::int64_t r = 0; r < n; ++r) {
        for (std::int64_t c = 0; c < n; ++c) {
            if (in_district && !in_district(c, r)) {
                a.district_index.at(c, r) = no_district;
                a.population.at(c, r) = 0.0;
            }
        }
    }
    return a;
}

CoverageLayer free_space_layer(double frequency_mhz) {
    CoverageLayer l;
    l.name = "test";
    l.model = model_registry().find("free-space");
    l.frequency_mhz = frequency_mhz;
    l.rx_height_m = 1.5;
    l.re_offset_db = 0.0;
    l.noise_per_re_dbm = -200.0;
    l.max_range_m = 100000.0;
    l.load = 1.0;
    l.rsrp_min_dbm = -100.0;
    l.sinr_min_db = -100.0;
    l.antenna.isotropic = true;
    l.antenna.gain_dbi = 0.0;
    return l;
}

Sector omni_at(double x, double y, double power_dbm, std::size_t layer = 0) {
    Sector s;
    s.site_id = "s";
    s.x_m = x;
    s.y_m = y;
    s.height_m = 30.0;
    s.power_dbm = power_dbm;
    s.layer = layer;
    return s;
}

// 25 directional UMa sites over a disc-shaped district (the determinism tests' city). `area`
// must outlive the input.
CoverageInput uma_city(const StudyArea& area) {
    CoverageInput in;
    in.area = &area;
    in.tile_size = 32;
    CoverageLayer layer = free_space_layer(2600.0);
    layer.model = model_registry().find("3gpp-38901-uma");
    layer.antenna = AntennaPattern{};
    layer.load = 0.7;
    layer.noise_per_re_dbm = -125.0;
    layer.rsrp_min_dbm = -95.0;
    layer.sinr_min_db = 0.0;
    layer.max_range_m = 4000.0;
    in.layers.push_back(layer);
    for (int i = 0; i < 25; ++i) {
        Sector s = omni_at(1000.0 + 600.0 * (i % 5) + 37.0 * i, 1000.0 + 600.0 * (i / 5), 43.0);
        s.azimuth_deg = std::fmod(77.0 * i, 360.0);
        s.electrical_tilt_deg = 4.0;
        in.sectors.push_back(s);
    }
    return in;
}

StudyArea disc_area() {
    return make_area(300, 50.0, 3.0, [](std::int64_t c, std::int64_t r) {
        return (c - 150) * (c - 150) + (r - 150) * (r - 150) < 140 * 140;
    });
}

template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Every map of the result and every district sum, compared bit for bit.
::testing::AssertionResult same_bits(const CoverageResult& a, const CoverageResult& b) {
    const auto same_layer = [](const LayerMaps& x, const LayerMaps& y) {
        return same_bytes(x.rsrp_dbm.values, y.rsrp_dbm.values) &&
               same_bytes(x.sinr_db.values, y.sinr_db.values) &&
               same_bytes(x.best_server.values, y.best_server.values) &&
               same_bytes(x.covered.values, y.covered.values) &&
               same_bytes(x.covered_indoor.values, y.covered_indoor.values);
    };
    if (!same_bytes(a.maps.rsrp_dbm.values, b.maps.rsrp_dbm.values) ||
        !same_bytes(a.maps.sinr_db.values, b.maps.sinr_db.values) ||
        !same_bytes(a.maps.best_server.values, b.maps.best_server.values) ||
        !same_bytes(a.maps.serving_layer.values, b.maps.serving_layer.values) ||
        !same_bytes(a.maps.covered.values, b.maps.covered.values) ||
        !same_bytes(a.maps.covered_indoor.values, b.maps.covered_indoor.values)) {
        return ::testing::AssertionFailure() << "the combined maps differ";
    }
    if (a.maps.layers.size() != b.maps.layers.size()) {
        return ::testing::AssertionFailure() << "different layer counts";
    }
    for (std::size_t l = 0; l < a.maps.layers.size(); ++l) {
        if (!same_layer(a.maps.layers[l], b.maps.layers[l])) {
            return ::testing::AssertionFailure() << "the maps of layer " << l << " differ";
        }
    }
    if (a.districts.size() != b.districts.size()) {
        return ::testing::AssertionFailure() << "different district counts";
    }
    for (std::size_t d = 0; d < a.districts.size(); ++d) {
        const DistrictTotals& x = a.districts[d];
        const DistrictTotals& y = b.districts[d];
        const std::vector<double> xs{x.population, x.area_km2, x.covered_population,
                                     x.covered_area_km2, x.covered_indoor_population};
        const std::vector<double> ys{y.population, y.area_km2, y.covered_population,
                                     y.covered_area_km2, y.covered_indoor_population};
        if (!same_bytes(xs, ys) ||
            !same_bytes(x.layer_covered_population, y.layer_covered_population) ||
            !same_bytes(x.layer_covered_indoor_population, y.layer_covered_indoor_population)) {
            return ::testing::AssertionFailure() << "the sums of district " << d << " differ";
        }
    }
    return ::testing::AssertionSuccess();
}

} // namespace

// One omnidirectional site, free-space loss, uniform population: the covered population is the
// density times the area of the disc where P - L_fs(d) >= threshold.
TEST(Coverage, SingleSiteFreeSpaceCoversTheAnalyticDisc) {
    const std::int64_t n = 400;
    const double cell = 50.0;
    const StudyArea area = make_area(n, cell, 10.0);
    CoverageInput in;
    in.area = &area;
    in.layers.push_back(free_space_layer(1800.0));
    const double centre = static_cast<double>(n) * cell / 2.0;
    const double power = 10.0;
    in.sectors.push_back(omni_at(centre, centre, power));

    const CoverageResult r = compute_coverage(in);

    // L_fs(d3) = P - threshold  =>  d3 = c / (4 pi f) 10^((P - threshold) / 20)
    const double d3 =
        299792458.0 / (4.0 * std::numbers::pi * 1800e6) * std::pow(10.0, (power - (-100.0)) / 20.0);
    const double d2 = std::sqrt(d3 * d3 - 28.5 * 28.5);
    ASSERT_LT(d2, centre); // the disc fits in the area
    const double expected = 10.0 / (cell * cell) * std::numbers::pi * d2 * d2;
    ASSERT_EQ(r.districts.size(), 1u);
    EXPECT_NEAR(r.districts[0].covered_population, expected, 0.01 * expected);
    EXPECT_DOUBLE_EQ(r.districts[0].population, 10.0 * n * n);
    EXPECT_NEAR(r.districts[0].area_km2, 400.0, 1e-9);
    EXPECT_EQ(r.status.cells, static_cast<std::uint64_t>(n * n));
    EXPECT_EQ(r.status.non_finite_losses, 0u);
}

TEST(Coverage, RsrpAtACellIsTheLinkBudget) {
    const StudyArea area = make_area(100, 100.0, 1.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(3500.0);
    layer.re_offset_db = -10.0 * std::log10(12.0 * 273.0);
    layer.rx_gain_dbi = 2.0;
    in.layers.push_back(layer);
    in.sectors.push_back(omni_at(5050.0, 5050.0, 46.0)); // centre of cell (50, 49)

    const CoverageResult r = compute_coverage(in);
    // Cell (60, 49): 1000 m east, same row.
    const double d3 = std::sqrt(1000.0 * 1000.0 + 28.5 * 28.5);
    const double expected =
        46.0 - 10.0 * std::log10(12.0 * 273.0) + 2.0 - p525::free_space_loss_db(d3, 3500.0);
    EXPECT_NEAR(r.maps.rsrp_dbm.at(60, 49), expected, 1e-4); // float storage
    EXPECT_EQ(r.maps.best_server.at(60, 49), 0);
    EXPECT_EQ(r.maps.serving_layer.at(60, 49), 0);
    EXPECT_NEAR(r.maps.layers[0].rsrp_dbm.at(60, 49), expected, 1e-4);
}

TEST(Coverage, SinrWeighsInterferersByTheLoad) {
    const StudyArea area = make_area(50, 100.0, 1.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(2000.0);
    layer.load = 0.5;
    layer.noise_per_re_dbm = -110.0;
    in.layers.push_back(layer);
    in.sectors.push_back(omni_at(1050.0, 2550.0, 20.0)); // cell (10, 24)
    in.sectors.push_back(omni_at(4050.0, 2550.0, 20.0)); // cell (40, 24)

    const CoverageResult r = compute_coverage(in);
    // Cell (15, 24): 500 m from the first site, 2500 m from the second.
    auto rx_mw = [](double d2) {
        const double d3 = std::sqrt(d2 * d2 + 28.5 * 28.5);
        return std::pow(10.0, (20.0 - p525::free_space_loss_db(d3, 2000.0)) / 10.0);
    };
    const double s = rx_mw(500.0);
    const double i = 0.5 * rx_mw(2500.0);
    const double noise = std::pow(10.0, -110.0 / 10.0);
    EXPECT_NEAR(r.maps.sinr_db.at(15, 24), 10.0 * std::log10(s / (i + noise)), 1e-4);
    EXPECT_EQ(r.maps.best_server.at(15, 24), 0);
    EXPECT_EQ(r.maps.best_server.at(35, 24), 1);
}

TEST(Coverage, SectorAzimuthSelectsTheBestServer) {
    const StudyArea area = make_area(61, 100.0, 1.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(1800.0);
    layer.antenna = AntennaPattern{}; // 3GPP parametric, 65 degrees
    layer.antenna.vertical_beamwidth_deg = 10.0;
    in.layers.push_back(layer);
    for (double az : {0.0, 120.0, 240.0}) {
        Sector s = omni_at(3050.0, 3050.0, 40.0); // cell (30, 30)
        s.azimuth_deg = az;
        s.electrical_tilt_deg = 2.0;
        in.sectors.push_back(s);
    }
    const CoverageResult r = compute_coverage(in);
    EXPECT_EQ(r.maps.best_server.at(30, 10), 0); // north
    EXPECT_EQ(r.maps.best_server.at(47, 40), 1); // east-south-east (bearing ~120)
    EXPECT_EQ(r.maps.best_server.at(13, 40), 2); // west-south-west (bearing ~240)
}

TEST(Coverage, CellsOutsideDistrictsAreNodataAndNotCounted) {
    const StudyArea area =
        make_area(20, 100.0, 5.0, [](std::int64_t c, std::int64_t) { return c < 10; });
    CoverageInput in;
    in.area = &area;
    in.layers.push_back(free_space_layer(1800.0));
    in.sectors.push_back(omni_at(500.0, 1000.0, 30.0));
    const CoverageResult r = compute_coverage(in);
    EXPECT_EQ(r.maps.covered.at(15, 5), flag_nodata);
    EXPECT_EQ(r.maps.best_server.at(15, 5), no_server);
    EXPECT_FLOAT_EQ(r.maps.rsrp_dbm.at(15, 5), map_nodata);
    EXPECT_EQ(r.maps.covered.at(5, 5), 1);
    EXPECT_EQ(r.status.cells, 200u);
    EXPECT_DOUBLE_EQ(r.districts[0].population, 1000.0);
}

TEST(Coverage, CellsBeyondRangeHaveNoSignalButAreCountedUncovered) {
    const StudyArea area = make_area(40, 100.0, 1.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(1800.0);
    layer.max_range_m = 1000.0;
    in.layers.push_back(layer);
    in.sectors.push_back(omni_at(50.0, 3950.0, 30.0)); // north-west corner cell
    const CoverageResult r = compute_coverage(in);
    EXPECT_EQ(r.maps.covered.at(39, 39), 0);
    EXPECT_EQ(r.maps.best_server.at(39, 39), no_server);
    EXPECT_GT(r.status.cells_without_signal, 1000u);
    EXPECT_EQ(r.maps.covered.at(1, 1), 1);
}

TEST(Coverage, HigherPriorityLayerServesWhenBothCover) {
    const StudyArea area = make_area(30, 100.0, 1.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer low = free_space_layer(1800.0);
    low.name = "low";
    CoverageLayer high = free_space_layer(3500.0);
    high.name = "high";
    high.priority = 1;
    in.layers = {low, high};
    in.sectors.push_back(omni_at(1550.0, 1550.0, 40.0, 0));
    in.sectors.push_back(omni_at(1550.0, 1550.0, 10.0, 1)); // weaker, but preferred
    const CoverageResult r = compute_coverage(in);
    EXPECT_EQ(r.maps.serving_layer.at(16, 16), 1);
    EXPECT_EQ(r.maps.best_server.at(16, 16), 1);
    ASSERT_EQ(r.districts[0].layer_covered_population.size(), 2u);
    EXPECT_GE(r.districts[0].layer_covered_population[0],
              r.districts[0].layer_covered_population[1]);
}

namespace {

// A model that fails (returns NaN) beyond 500 m: the kernel must skip and count, not crash.
class FailingModel final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "failing"; }
    std::string_view summary() const noexcept override { return ""; }
    std::string_view reference() const noexcept override { return ""; }
    ValidityRange validity() const noexcept override { return {}; }
    double path_loss_db(const Link& l) const noexcept override {
        return l.distance_m > 500.0 ? std::nan("") : 60.0;
    }
};

} // namespace

TEST(Coverage, NonFiniteLossesAreSkippedAndCounted) {
    const StudyArea area = make_area(20, 100.0, 1.0);
    FailingModel model;
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(1800.0);
    layer.model = &model;
    in.layers.push_back(layer);
    in.sectors.push_back(omni_at(1050.0, 1050.0, 30.0));
    const CoverageResult r = compute_coverage(in);
    EXPECT_GT(r.status.non_finite_losses, 0u);
    EXPECT_EQ(r.status.non_finite_losses + (r.status.cells - r.status.cells_without_signal),
              r.status.pixel_sectors);
    EXPECT_EQ(r.maps.best_server.at(0, 0), no_server); // far corner: its only pair failed
    EXPECT_EQ(r.maps.best_server.at(10, 9), 0);
}

TEST(Coverage, OutputsAreBitIdenticalForAnyThreadCount) {
    const StudyArea area = disc_area();
    const CoverageInput in = uma_city(area);
    auto run = [&](std::size_t threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        return compute_coverage(in);
    };
    const CoverageResult one = run(1);
    const CoverageResult two = run(2);
    const CoverageResult four = run(4);
    EXPECT_TRUE(same_bits(one, two));
    EXPECT_TRUE(same_bits(one, four));
    EXPECT_GT(one.districts[0].covered_population, 0.0);
    EXPECT_LT(one.districts[0].covered_population, one.districts[0].population);
}

// The hot loops run from a copy compiled for x86-64-v3 (AVX2) or x86-64-v4 (AVX-512) when the
// CPU has it (core/isa.hpp): every copy must give the baseline's bits. Two layers: the span
// kernel (UMa, parametric pattern) and the pair lists (with P.2108 clutter loss).
TEST(Coverage, OutputsAreBitIdenticalForEveryInstructionSet) {
    if (!isa::supported(isa::Level::x86_64_v3)) {
        GTEST_SKIP() << "this CPU (or build) has no x86-64-v3 copy";
    }
    const StudyArea area = disc_area();
    CoverageInput in = uma_city(area);
    CoverageLayer clutter = in.layers[0];
    clutter.name = "clutter";
    clutter.clutter_loss = true;
    in.layers.push_back(clutter);
    for (std::size_t i = 0; i < 10; ++i) {
        Sector s = in.sectors[i];
        s.layer = 1;
        s.azimuth_deg = std::fmod(*s.azimuth_deg + 120.0, 360.0);
        in.sectors.push_back(s);
    }
    const isa::Level before = isa::active();
    ASSERT_EQ(isa::select(isa::Level::baseline), isa::Level::baseline);
    const CoverageResult baseline = compute_coverage(in);
    for (const isa::Level level : {isa::Level::x86_64_v3, isa::Level::x86_64_v4}) {
        if (isa::select(level) != level) {
            continue; // not on this CPU
        }
        const CoverageResult other = compute_coverage(in);
        EXPECT_TRUE(same_bits(baseline, other)) << isa::name(level);
    }
    isa::select(before);
    EXPECT_GT(baseline.districts[0].layer_covered_population[1], 0.0);
    EXPECT_LT(baseline.districts[0].layer_covered_population[1],
              baseline.districts[0].layer_covered_population[0]); // the clutter loss counts
}

// More sites never lower the covered population when coverage is limited by RSRP: the best RSRP
// over a set of sectors can only grow as sectors are added. (With an SINR threshold an added
// site can push a cell below it through interference, which is physics, not a defect.)
TEST(Coverage, MoreSitesNeverLowerRsrpLimitedCoverage) {
    const StudyArea area = make_area(120, 50.0, 2.0);
    CoverageInput in;
    in.area = &area;
    CoverageLayer layer = free_space_layer(1800.0);
    layer.model = model_registry().find("cost231-hata");
    layer.antenna = AntennaPattern{};
    layer.rsrp_min_dbm = -75.0;
    layer.sinr_min_db = -100.0; // coverage decided by RSRP alone
    in.layers.push_back(layer);
    double previous = 0.0;
    for (int i = 0; i < 6; ++i) {
        Sector s = omni_at(500.0 + 900.0 * i, 1200.0 + 700.0 * (i % 3), 43.0);
        s.azimuth_deg = 60.0 * i;
        in.sectors.push_back(s);
        const CoverageResult r = compute_coverage(in);
        EXPECT_GE(r.districts[0].covered_population, previous) << i + 1 << " sites";
        previous = r.districts[0].covered_population;
    }
    EXPECT_GT(previous, 0.0);
    EXPECT_LT(previous, 2.0 * 120 * 120); // not trivially everything
}

// The span kernel (layers without terrain, clutter or antenna tables) against a brute-force
// evaluation with the C library, cell by cell: every pair within range counted once, the
// RSRP and SINR to float precision, the same best server. Small tiles, a range shorter than
// the area and a district with holes exercise the span edges and the masks. With
// probabilistic LOS the kernel interpolates the model's losses from a table
// (core/propagation/loss_table.hpp): within twice the table's tolerance.
class SpanKernel : public testing::TestWithParam<LosCondition> {};

TEST_P(SpanKernel, MatchesABruteForceLinkBudget) {
    const LosCondition los = GetParam();
    const double tolerance_db =
        2e-5 + (los == LosCondition::probabilistic ? 2.0 * DistanceLossTable::tolerance_db : 0.0);
    const std::int64_t n = 70;
    const double cell = 50.0;
    const StudyArea area =
        make_area(n, cell, 1.0, [](std::int64_t c, std::int64_t r) { return (c * 7 + r) % 5; });
    CoverageInput in;
    in.area = &area;
    in.tile_size = 16;
    CoverageLayer layer;
    layer.name = "nr";
    layer.model = model_registry().find("3gpp-38901-uma");
    layer.frequency_mhz = 3500.0;
    layer.re_offset_db = -10.0 * std::log10(12.0 * 273.0);
    layer.max_range_m = 1200.0;
    layer.antenna.vertical_beamwidth_deg = 10.0;
    layer.antenna.gain_dbi = 17.0;
    layer.load = 0.5;
    layer.los = los;
    in.layers.push_back(layer);
    for (const auto& [x, y] : {std::pair{500.0, 700.0},
                               {2100.0, 1800.0},
                               {3300.0, 400.0},
                               {1400.0, 3100.0},
                               {1725.0, 1725.0}}) {
        for (int k = 0; k < 3; ++k) {
            Sector s = omni_at(x, y, 46.0 + k);
            s.height_m = 25.0;
            s.azimuth_deg = 120.0 * k + 10.0;
            s.electrical_tilt_deg = 6.0;
            in.sectors.push_back(s);
        }
    }
    const CoverageResult r = compute_coverage(in);

    const double noise_mw = std::pow(10.0, layer.noise_per_re_dbm / 10.0);
    std::uint64_t pairs = 0;
    for (std::int64_t row = 0; row < n; ++row) {
        for (std::int64_t col = 0; col < n; ++col) {
            if (area.district_index.at(col, row) == no_district) {
                EXPECT_EQ(r.maps.best_server.at(col, row), no_server);
                continue;
            }
            const double x = area.grid.center_x_m(col);
            const double y = area.grid.center_y_m(row);
            double best = 0.0;
            double sum = 0.0;
            std::int32_t server = no_server;
            for (std::size_t k = 0; k < in.sectors.size(); ++k) {
                const Sector& s = in.sectors[k];
                const double dx = x - s.x_m;
                const double dy = y - s.y_m;
                if (dx * dx + dy * dy > layer.max_range_m * layer.max_range_m) {
                    continue;
                }
                ++pairs;
                const double d = std::max(std::hypot(dx, dy), minimum_distance_m);
                Link link;
                link.distance_m = d;
                link.frequency_mhz = 3500.0;
                link.tx_height_m = 25.0;
                link.rx_height_m = 1.5;
                link.los = los;
                const double dh = 25.0 - 1.5;
                const double loss = std::max(layer.model->path_loss_db(link),
                                             p525::free_space_loss_db(std::hypot(d, dh), 3500.0));
                const double gain = layer.antenna.gain_dbi_towards(
                    std::atan2(dx, dy) * 180.0 / std::numbers::pi - *s.azimuth_deg,
                    std::atan2(dh, d) * 180.0 / std::numbers::pi - s.total_tilt_deg(), false);
                const double mw =
                    std::pow(10.0, (s.power_dbm + layer.re_offset_db + gain - loss) / 10.0);
                sum += mw;
                if (mw > best) {
                    best = mw;
                    server = static_cast<std::int32_t>(k);
                }
            }
            ASSERT_EQ(r.maps.best_server.at(col, row), server) << col << ',' << row;
            if (server == no_server) {
                continue;
            }
            const double rsrp = 10.0 * std::log10(best);
            const double sinr = 10.0 * std::log10(best / (0.5 * (sum - best) + noise_mw));
            EXPECT_NEAR(r.maps.rsrp_dbm.at(col, row), rsrp, tolerance_db) << col << ',' << row;
            EXPECT_NEAR(r.maps.sinr_db.at(col, row), sinr, tolerance_db) << col << ',' << row;
        }
    }
    EXPECT_EQ(r.status.pixel_sectors, pairs);
    EXPECT_GT(pairs, 10000u);
}

INSTANTIATE_TEST_SUITE_P(Coverage, SpanKernel,
                         testing::Values(LosCondition::nlos, LosCondition::probabilistic));

TEST(Coverage, SiteBeyondTheGridServesBorderCellsAndInterferes) {
    // 40 x 40 cells of 50 m; site A (omnidirectional) inside near the west edge, site B 100 m
    // beyond the east edge (x = 2100 m, outside the grid) facing west. The span kernel finds B
    // by its range like any other sector.
    const StudyArea area = make_area(40, 50.0, 1.0);
    CoverageInput in;
    in.area = &area;
    in.tile_size = 16;
    CoverageLayer layer = free_space_layer(1800.0);
    layer.antenna = AntennaPattern{};
    layer.antenna.vertical_beamwidth_deg = 10.0;
    layer.antenna.gain_dbi = 15.0;
    layer.noise_per_re_dbm = -130.0;
    in.layers.push_back(layer);
    in.sectors.push_back(omni_at(125.0, 1025.0, 40.0));
    Sector b = omni_at(2100.0, 1025.0, 40.0);
    b.site_id = "beyond";
    b.azimuth_deg = 270.0;
    b.district = -1;
    in.sectors.push_back(b);
    const CoverageResult with = compute_coverage(in);

    // What a sector delivers to a cell centre, by the link budget (isotropic receiver).
    auto rx_dbm = [&](const Sector& s, std::int64_t col, std::int64_t row) {
        const double dx = area.grid.center_x_m(col) - s.x_m;
        const double dy = area.grid.center_y_m(row) - s.y_m;
        const double d = std::hypot(dx, dy);
        const double dh = s.height_m - 1.5;
        const double bearing = std::atan2(dx, dy) * 180.0 / std::numbers::pi;
        const double depression = std::atan2(dh, d) * 180.0 / std::numbers::pi;
        const double gain = layer.antenna.gain_dbi_towards(bearing - s.azimuth_deg.value_or(0.0),
                                                           depression - s.total_tilt_deg(),
                                                           !s.azimuth_deg.has_value());
        return s.power_dbm + gain - p525::free_space_loss_db(std::hypot(d, dh), 1800.0);
    };
    // The east border column is served by B, at B's link budget.
    const LayerMaps& m = with.maps.layers[0];
    EXPECT_EQ(m.best_server.at(39, 19), 1);
    EXPECT_NEAR(m.rsrp_dbm.at(39, 19), rx_dbm(b, 39, 19), 1e-3);
    EXPECT_EQ(m.best_server.at(2, 19), 0);
    // B interferes in A's cells: SINR = S_A / (load * P_B + N) at cell (10, 19).
    const double s_mw = std::pow(10.0, rx_dbm(in.sectors[0], 10, 19) / 10.0);
    const double i_mw = std::pow(10.0, rx_dbm(b, 10, 19) / 10.0);
    const double n_mw = std::pow(10.0, -130.0 / 10.0);
    EXPECT_NEAR(m.sinr_db.at(10, 19), 10.0 * std::log10(s_mw / (i_mw + n_mw)), 1e-3);
    in.sectors.pop_back();
    const CoverageResult alone = compute_coverage(in);
    EXPECT_GT(alone.maps.layers[0].sinr_db.at(10, 19), m.sinr_db.at(10, 19) + 10.0f);
}

TEST(Coverage, ASectorsOwnPatternActsAsTheSamePatternGivenForTheLayer) {
    // A narrow panel as a tabulated pattern (what an MSI file gives), for the whole layer or for
    // each sector of a layer whose own pattern is the wide parametric one.
    const StudyArea area = make_area(60, 50.0, 1.0);
    AntennaPattern narrow;
    narrow.horizontal_beamwidth_deg = 30.0;
    narrow.vertical_beamwidth_deg = 8.0;
    narrow.gain_dbi = 18.0;
    auto file_pattern = std::make_shared<AntennaPattern>();
    file_pattern->table = std::make_shared<const AntennaTable>(tabulate(narrow));
    file_pattern->gain_dbi = 18.0;

    auto input = [&](const AntennaPattern& layer_pattern,
                     const std::shared_ptr<const AntennaPattern>& own, std::size_t own_count) {
        CoverageInput in;
        in.area = &area;
        in.tile_size = 16;
        CoverageLayer layer = free_space_layer(2600.0);
        layer.antenna = layer_pattern;
        layer.noise_per_re_dbm = -125.0;
        in.layers.push_back(layer);
        for (int k = 0; k < 3; ++k) {
            Sector s = omni_at(1500.0, 1500.0, 43.0);
            s.azimuth_deg = 120.0 * k;
            s.electrical_tilt_deg = 4.0;
            s.antenna = static_cast<std::size_t>(k) < own_count ? own : nullptr;
            in.sectors.push_back(s);
        }
        return in;
    };
    const AntennaPattern wide; // the parametric default, 65 degrees, 8 dBi
    const CoverageResult layer_wide = compute_coverage(input(*file_pattern, nullptr, 0));
    const CoverageResult every_row = compute_coverage(input(wide, file_pattern, 3));
    EXPECT_TRUE(same_bits(layer_wide, every_row));

    // Only sector 1 (azimuth 0) has its own pattern: on its boresight, 600 m north, its RSRP is
    // the narrow panel's, 10 dB more than the wide one gives there.
    const CoverageResult parametric = compute_coverage(input(wide, nullptr, 0));
    const CoverageResult first_row = compute_coverage(input(wide, file_pattern, 1));
    const std::int64_t col = 29; // x = 1475 m, 25 m west of the mast
    const std::int64_t row = 18; // y = 2075 m
    EXPECT_EQ(first_row.maps.layers[0].best_server.at(col, row), 0);
    EXPECT_EQ(first_row.maps.layers[0].rsrp_dbm.at(col, row),
              layer_wide.maps.layers[0].rsrp_dbm.at(col, row));
    EXPECT_GT(first_row.maps.layers[0].rsrp_dbm.at(col, row),
              parametric.maps.layers[0].rsrp_dbm.at(col, row) + 9.0f);
    // Cells behind it, served by sectors 2 and 3, keep the wide pattern's values.
    EXPECT_EQ(first_row.maps.layers[0].rsrp_dbm.at(40, 40),
              parametric.maps.layers[0].rsrp_dbm.at(40, 40));
}

// The planner's candidates share the built layers (core/plan/kernel_evaluator.cpp): a layer
// remembered over the built sectors gives every later run the bits of computing it again, with
// other sectors added on another layer that the remembered one interferes with (co-channel),
// for two different sets of them.
TEST(Coverage, ARememberedLayerGivesTheBitsOfComputingItAgain) {
    const StudyArea area = disc_area();
    CoverageInput built = uma_city(area);
    CoverageLayer planned = built.layers[0];
    planned.name = "planned";
    planned.interferers = {{.layer = 0, .coupling = 0.1, .shares_transmitters = false}};
    built.layers.push_back(planned);
    built.layers[0].interferers = {{.layer = 1, .coupling = 0.1, .shares_transmitters = false}};
    const std::shared_ptr<const CoverageMemo> memo = remember_layers(built, {true, false});
    const CoverageResult built_alone = compute_coverage(built);

    for (const double shift_m : {0.0, 450.0}) {
        CoverageInput candidate = built;
        for (int i = 0; i < 6; ++i) {
            Sector s =
                omni_at(1300.0 + shift_m + 500.0 * (i % 3), 1400.0 + 900.0 * (i / 3), 46.0, 1);
            s.azimuth_deg = 60.0 * i;
            candidate.sectors.push_back(s);
        }
        const CoverageResult again = compute_coverage(candidate);
        candidate.memo = memo;
        const CoverageResult remembered = compute_coverage(candidate);
        EXPECT_TRUE(same_bits(again, remembered)) << "shift " << shift_m;
        EXPECT_EQ(again.status.pixel_sectors, remembered.status.pixel_sectors);
        // The planned layer covers people, and the built one's SINR feels it.
        EXPECT_GT(again.districts[0].layer_covered_population[1], 0.0);
        EXPECT_FALSE(same_bytes(again.maps.layers[0].sinr_db.values,
                                built_alone.maps.layers[0].sinr_db.values));
    }
}

// A memo is refused, not silently misapplied, when the remembered layer's sectors changed.
TEST(Coverage, AMemoOfOtherSectorsIsRefused) {
    const StudyArea area = disc_area();
    CoverageInput in = uma_city(area);
    in.memo = remember_layers(in, {true});
    EXPECT_NO_THROW(compute_coverage(in));
    in.sectors[3].power_dbm += 1.0;
    EXPECT_THROW(compute_coverage(in), Error);
    in.sectors[3].power_dbm -= 1.0;
    in.sectors.pop_back();
    EXPECT_THROW(compute_coverage(in), Error);
}

// Loss tables shared between runs (the planner's evaluations: CoverageInput::loss_tables) give
// the bits of tabulating in each run, in the run that makes them and in the runs that take them.
TEST(Coverage, SharedLossTablesGiveTheBitsOfTheRunsOwn) {
    const StudyArea area = disc_area();
    CoverageInput in = uma_city(area); // UMa with probabilistic LOS: tabulated (loss_table.hpp)
    const CoverageResult own = compute_coverage(in);
    in.loss_tables = std::make_shared<LossTableCache>();
    const CoverageResult first = compute_coverage(in);
    const CoverageResult second = compute_coverage(in);
    EXPECT_TRUE(same_bits(own, first));
    EXPECT_TRUE(same_bits(own, second));
}
