// Capacity and cost on a one-cell district small enough to check by hand.

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/propagation/p2109.hpp"
#include "core/propagation/registry.hpp"
#include "core/uncertainty.hpp"
#include "support/study_areas.hpp"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <tbb/task_group.h>

using namespace covsim;

namespace {

// 10 x 10 cells of 100 m (1 km2), one urban district, 10 people per cell: 1000 people. One
// omnidirectional isotropic site in the middle, free-space loss, no noise to speak of: every
// cell's SINR is far above 22 dB, so the Shannon bound gives S_max = 4.4 bit/s/Hz everywhere.
struct OneCell {
    StudyArea area;
    CoverageInput coverage_input;
    CoverageResult coverage;
    CapacityInput capacity_input;

    explicit OneCell(double busy_hour_mbps, double min_user_mbps,
                     double noise_per_re_dbm = -250.0) {
        area = test::one_district_area(10, 10, 100.0, 10.0);

        CoverageLayer l;
        l.name = "lte";
        l.model = model_registry().find("free-space");
        l.frequency_mhz = 1800.0;
        l.noise_per_re_dbm = noise_per_re_dbm;
        l.rsrp_min_dbm = -120.0;
        l.sinr_min_db = -10.0;
        l.antenna.isotropic = true;
        l.antenna.gain_dbi = 0.0;
        coverage_input.area = &area;
        coverage_input.layers.push_back(l);
        Sector s;
        s.site_id = "S";
        s.sector_id = "1";
        s.x_m = 500.0;
        s.y_m = 500.0;
        s.power_dbm = 40.0;
        s.district = 0;
        coverage_input.sectors.push_back(s);
        coverage = compute_coverage(coverage_input);

        capacity_input.coverage_input = &coverage_input;
        capacity_input.coverage = &coverage;
        CapacityLayer cl;
        cl.throughput.mimo_layers = 1;
        cl.throughput.overhead = 0.0;
        // 10 MHz of OFDM symbols (14/15 of the occupied bandwidth with the normal cyclic
        // prefix): R = 4.4 x 10 MHz = 44 Mbit/s in every cell.
        cl.occupied_bandwidth_hz = 10e6 * 15.0 / 14.0;
        cl.carrier = "lte";
        capacity_input.layers.push_back(cl);
        capacity_input.demand.adoption = {0.5, 0.5, 0.5};
        capacity_input.demand.busy_hour_demand_mbps = busy_hour_mbps;
        capacity_input.demand.min_user_throughput_mbps = min_user_mbps;
        capacity_input.demand.household_size = 4.0;
        capacity_input.ftth = {{false}, {0.0}};
    }
};

CostInput cost_input(const OneCell& c, const CapacityResult& cap) {
    CostInput in;
    in.area = &c.area;
    in.sectors = &c.coverage_input.sectors;
    in.coverage = &c.coverage.districts;
    in.capacity = &cap;
    in.layers.push_back({"lte", SiteType::new_macro, Service::mobile, 40000.0, 0.0});
    in.demand = c.capacity_input.demand;
    in.ftth = c.capacity_input.ftth;
    return in; // CostSpec defaults: 5 %, 10 years, urban rental 10000, backhaul 0.5 km at 25 USD/m
}

// The central evaluation the ranges start from, on the one-cell district (0.044 Mbit/s per
// subscriber, served from 10 Mbit/s).
struct OneCellCentral {
    OneCell c{0.044, 10.0};
    CapacityResult cap = compute_capacity(c.capacity_input);
    CostInput cost_in = cost_input(c, cap);
    CostResult cost = compute_costs(cost_in);

    OneCellCentral() = default;
    OneCellCentral(const OneCellCentral&) = delete; // its members point at each other
    OneCellCentral& operator=(const OneCellCentral&) = delete;

    [[nodiscard]] CentralEvaluation evaluation() const {
        return {&c.capacity_input, &cost_in, &cap, &cost, {1.0, 1.0, 1.0}};
    }
};

} // namespace

TEST(Capacity, OneCellDistrictByHand) {
    // 1000 people x 0.5 adoption = 500 subscribers x 0.044 Mbit/s = 22 Mbit/s offered.
    // Load = sum D_i / R_i = 22 / 44 = 0.5; user throughput = 44 x (1 - 0.5) = 22 Mbit/s >= 10.
    const OneCell c(0.044, 10.0);
    ASSERT_EQ(c.coverage.districts[0].covered_population, 1000.0);
    const CapacityResult r = compute_capacity(c.capacity_input);
    EXPECT_NEAR(r.layer_throughput_mbps[0].at(3, 3), 44.0, 1e-4);
    ASSERT_EQ(r.sectors.size(), 1u);
    EXPECT_NEAR(r.sectors[0].load, 0.5, 1e-12);
    EXPECT_NEAR(r.sectors[0].offered_traffic_mbps, 22.0, 1e-12);
    EXPECT_NEAR(r.sectors[0].capacity_mbps, 44.0, 1e-9);
    EXPECT_NEAR(r.sectors[0].served_subscribers, 500.0, 1e-9);
    EXPECT_NEAR(r.user_throughput_mbps.at(7, 2), 22.0, 1e-4);
    EXPECT_NEAR(r.districts[0].subscribers, 500.0, 1e-9);
    EXPECT_NEAR(r.districts[0].served_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].reached_population, 1000.0, 1e-9);
    EXPECT_EQ(r.overloaded_cells, 0u);
    // Alone, the one layer serves everybody: all 1000 people in the set {layer 0}.
    ASSERT_EQ(r.districts[0].people_by_options.size(), 4u);
    EXPECT_NEAR(r.districts[0].people_by_options[1], 1000.0, 1e-9);
}

// Indoors (docs/indoor.md): without interference the SINR inside a building is the outdoor SNR
// less the building entry loss (ITU-R P.2109 at the path's elevation), and a person inside is
// served when the rate at that SINR, under the cell's load, reaches the minimum. Noise at
// -80 dBm per RE puts the outdoor SINR at 26-46 dB: everybody is served outdoors, inside
// traditional buildings too, but not everybody inside thermally-efficient ones (20 % of the
// people of an urban district). Recomputed here cell by cell.
TEST(Capacity, ServedIndoorsByHand) {
    const OneCell c(0.001, 10.0, -80.0);
    const CapacityResult r = compute_capacity(c.capacity_input);
    const LayerMaps& lm = c.coverage.maps.layers[0];
    const double rho = r.sectors[0].load;
    const Grid& g = c.area.grid;
    double expected = 0.0;
    std::size_t efficient_unserved = 0;
    for (std::int64_t row = 0; row < g.height; ++row) {
        for (std::int64_t col = 0; col < g.width; ++col) {
            const double d =
                std::max(1.0, std::hypot(g.center_x_m(col) - 500.0, g.center_y_m(row) - 500.0));
            const double elevation = std::atan2(30.0 - 1.5, d) * 180.0 / M_PI;
            double served = 0.0;
            for (const auto& [type, people] :
                 {std::pair{p2109::BuildingType::traditional, 0.8},
                  std::pair{p2109::BuildingType::thermally_efficient, 0.2}}) {
                const double sinr = static_cast<double>(lm.sinr_db.at(col, row)) -
                                    p2109::building_entry_loss_db(1.8, 0.5, elevation, type);
                const auto k = type == p2109::BuildingType::traditional ? 0 : 1;
                ASSERT_NEAR(static_cast<double>(lm.indoor_sinr_db[k].at(col, row)), sinr, 1e-3)
                    << col << ' ' << row;
                const double rate =
                    peak_throughput_mbps(c.capacity_input.layers[0].throughput, sinr, 10e6);
                const bool ok = sinr >= -10.0 && rate * (1.0 - rho) >= 10.0;
                served += ok ? people : 0.0;
                efficient_unserved += !ok && k == 1 ? 1 : 0;
            }
            expected += 10.0 * served;
        }
    }
    EXPECT_GT(efficient_unserved, 10u);
    EXPECT_DOUBLE_EQ(r.districts[0].served_population, 1000.0);
    EXPECT_LT(r.districts[0].served_indoor_population, 990.0);
    EXPECT_NEAR(r.districts[0].served_indoor_population, expected, 1e-9);
}

TEST(Capacity, UsersShareTheCell) {
    // Same cell, a 25 Mbit/s minimum: 22 Mbit/s each is not enough, nobody is served.
    const CapacityResult slow = compute_capacity(OneCell(0.044, 25.0).capacity_input);
    EXPECT_DOUBLE_EQ(slow.districts[0].served_population, 0.0);
    // Twice the demand: load 1, the cell is overloaded and nobody is served.
    const CapacityResult full = compute_capacity(OneCell(0.088, 10.0).capacity_input);
    EXPECT_NEAR(full.sectors[0].load, 1.0, 1e-12);
    EXPECT_EQ(full.overloaded_cells, 1u);
    EXPECT_DOUBLE_EQ(full.districts[0].served_population, 0.0);
    // Less demand leaves each user more.
    const CapacityResult light = compute_capacity(OneCell(0.022, 10.0).capacity_input);
    EXPECT_NEAR(light.user_throughput_mbps.at(0, 0), 44.0 * 0.75, 1e-4);
}

TEST(Capacity, FibreServesItsDistrictWithoutLoadingTheRadio) {
    OneCell c(0.044, 10.0);
    c.capacity_input.ftth.built = {true};
    c.capacity_input.ftth_speed_mbps = 300.0;
    const CapacityResult r = compute_capacity(c.capacity_input);
    EXPECT_DOUBLE_EQ(r.sectors[0].load, 0.0);
    EXPECT_NEAR(r.districts[0].served_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].ftth_households, 250.0, 1e-9); // 1000 people / 4
    EXPECT_FLOAT_EQ(r.throughput_mbps.at(5, 5), 300.0f);
    // Both options alone serve everybody: bits 0 (layer) and 1 (fibre).
    EXPECT_NEAR(r.districts[0].people_by_options[3], 1000.0, 1e-9);
}

// The inverse of the weighted distribution function: the smallest value whose cumulative weight
// reaches q of the total.
TEST(Capacity, WeightedQuantileByHand) {
    const std::vector<WeightedValue> sample{{30.0, 1.0}, {10.0, 1.0}, {20.0, 2.0}};
    EXPECT_DOUBLE_EQ(weighted_quantile(sample, 0.1), 10.0);
    EXPECT_DOUBLE_EQ(weighted_quantile(sample, 0.25), 10.0); // 1 of 4 reached at 10
    EXPECT_DOUBLE_EQ(weighted_quantile(sample, 0.5), 20.0);
    EXPECT_DOUBLE_EQ(weighted_quantile(sample, 0.75), 20.0);
    EXPECT_DOUBLE_EQ(weighted_quantile(sample, 0.8), 30.0);
    EXPECT_TRUE(std::isnan(weighted_quantile({}, 0.5)));
    EXPECT_TRUE(std::isnan(weighted_quantile({{5.0, 0.0}}, 0.5)));
}

// Large samples (the selection path, not only the final scan), one of distinct values and one
// with many ties, against sorting and scanning them: integer weights make every partial sum
// exact, so the two agree exactly.
TEST(Capacity, WeightedQuantileOfALargeSampleIsThatOfTheSortedSample) {
    std::mt19937_64 random(11);
    std::uniform_int_distribution<int> weight(0, 5);
    for (const int distinct : {10000, 50}) {
        std::uniform_int_distribution<int> value(1, distinct);
        std::vector<WeightedValue> sample(10000);
        for (std::size_t i = 0; i < sample.size(); ++i) {
            const int v = distinct == 10000 ? static_cast<int>((i * 7919) % 10000) : value(random);
            sample[i] = {static_cast<double>(v) * 1.5, static_cast<double>(weight(random))};
        }
        std::vector<WeightedValue> in_order = sample;
        std::sort(in_order.begin(), in_order.end(),
                  [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
        double total = 0.0;
        for (const WeightedValue& v : in_order) {
            total += v.weight;
        }
        for (const double q : {0.001, 0.1, 0.25, 0.5, 0.77, 0.9, 0.999, 1.0}) {
            double cumulative = 0.0;
            double expected = in_order.back().value;
            for (const WeightedValue& v : in_order) {
                cumulative += v.weight;
                if (cumulative >= q * total) {
                    expected = v.value;
                    break;
                }
            }
            EXPECT_EQ(weighted_quantile(sample, q), expected) << distinct << ' ' << q;
        }
    }
}

// The quantile is the pivot of the first selection: 1001 distinct values of weight 1, the median
// the 501st smallest.
TEST(Capacity, WeightedQuantileThatIsTheSelectionsPivot) {
    std::vector<WeightedValue> sample(1001);
    for (std::size_t i = 0; i < sample.size(); ++i) {
        sample[i] = {static_cast<double>((i * 613) % 1001), 1.0};
    }
    EXPECT_EQ(weighted_quantile(sample, 0.5), 500.0);
    EXPECT_EQ(weighted_quantile(sample, 0.1), 100.0); // 100.1 of 1001 reached by the 101st
}

// Noise at -60 dBm per RE puts the SINR at 6-26 dB: the user throughput falls towards the
// corners. Every cell holds 5 subscribers, so the 10th percentile is the 10th slowest cell's
// throughput and the median the 50th's; the city's are the district's. A fibre district has
// nobody on radio.
TEST(Capacity, RadioUserThroughputPercentilesOfTheSubscribers) {
    OneCell c(0.005, 10.0, -60.0);
    const CapacityResult r = compute_capacity(c.capacity_input);
    std::vector<double> rates(r.user_throughput_mbps.values.begin(),
                              r.user_throughput_mbps.values.end());
    std::sort(rates.begin(), rates.end());
    ASSERT_EQ(rates.size(), 100u);
    const ThroughputQuantiles& q = r.districts[0].radio_user_throughput;
    EXPECT_NEAR(q.p10_mbps, rates[9], 1e-5); // the map holds float32
    EXPECT_NEAR(q.median_mbps, rates[49], 1e-5);
    EXPECT_LT(q.p10_mbps, q.median_mbps);
    EXPECT_DOUBLE_EQ(r.city_radio_user_throughput.median_mbps, q.median_mbps);

    c.capacity_input.ftth.built = {true};
    const CapacityResult fibre = compute_capacity(c.capacity_input);
    EXPECT_TRUE(std::isnan(fibre.districts[0].radio_user_throughput.median_mbps));
    EXPECT_TRUE(std::isnan(fibre.city_radio_user_throughput.p10_mbps));
}

// Fibre already passes 60 % of the homes, and the scenario builds none: those people use fibre,
// the other 40 % the radio. Twice the one-cell demand (44 Mbit/s) would overload the cell
// (load 1); its 40 % offers 17.6 Mbit/s, load 17.6 / 44 = 0.4, 44 x 0.6 = 26.4 Mbit/s each.
TEST(Capacity, PassedFibreTakesItsShareOffTheRadio) {
    OneCell c(0.088, 10.0);
    c.capacity_input.ftth.passed_share = {0.6};
    const CapacityResult r = compute_capacity(c.capacity_input);
    EXPECT_NEAR(r.sectors[0].load, 0.4, 1e-12);
    EXPECT_NEAR(r.sectors[0].offered_traffic_mbps, 17.6, 1e-12);
    EXPECT_NEAR(r.sectors[0].assigned_people, 400.0, 1e-9);
    EXPECT_NEAR(r.sectors[0].served_subscribers, 200.0, 1e-9); // 400 x 0.5 adoption
    EXPECT_EQ(r.overloaded_cells, 0u);
    // 600 people on fibre and 400 on the radio at 26.4 Mbit/s: everybody served.
    EXPECT_NEAR(r.districts[0].served_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].served_indoor_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].reached_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].subscribers, 500.0, 1e-9);         // everybody's
    EXPECT_NEAR(r.districts[0].offered_traffic_mbps, 44.0, 1e-9); // fibre's and radio's
    EXPECT_NEAR(r.districts[0].ftth_households, 150.0, 1e-9);     // 600 people / 4
    // The maps weigh the options by their shares: 0.6 x 300 + 0.4 x 44 = 197.6 Mbit/s peak,
    // 0.6 x 300 + 0.4 x 26.4 = 190.56 Mbit/s under load.
    EXPECT_NEAR(r.throughput_mbps.at(5, 5), 197.6, 1e-4);
    EXPECT_NEAR(r.user_throughput_mbps.at(5, 5), 190.56, 1e-4);
    EXPECT_EQ(r.served.at(5, 5), 1);
    // The radio's users alone make its percentiles.
    EXPECT_NEAR(r.districts[0].radio_user_throughput.median_mbps, 26.4, 1e-9);
    EXPECT_NEAR(r.city_radio_user_throughput.p10_mbps, 26.4, 1e-9);
    // Alone the layer carries all 44 Mbit/s (load 1) and serves nobody: fibre alone serves its
    // 600 people (bit 1), nobody else is served by anything.
    EXPECT_NEAR(r.districts[0].people_by_options[2], 600.0, 1e-9);
    EXPECT_NEAR(r.districts[0].people_by_options[0], 400.0, 1e-9);

    // Without the passed homes the same demand overloads the cell: nobody is served.
    c.capacity_input.ftth.passed_share = {0.0};
    EXPECT_DOUBLE_EQ(compute_capacity(c.capacity_input).districts[0].served_population, 0.0);
}

TEST(Capacity, PassedFibreServesOnlyItsShareWhereTheRadioIsTooSlow) {
    // A 30 Mbit/s minimum: the radio's 26.4 Mbit/s is not enough, only fibre's 600 are served
    // (the served map marks the cell: at least half its people are served).
    OneCell c(0.088, 30.0);
    c.capacity_input.ftth.passed_share = {0.6};
    const CapacityResult r = compute_capacity(c.capacity_input);
    EXPECT_NEAR(r.districts[0].served_population, 600.0, 1e-9);
    EXPECT_NEAR(r.sectors[0].served_subscribers, 0.0, 1e-12);
    EXPECT_EQ(r.served.at(0, 0), 1);
    // Fibre at 20 Mbit/s serves nobody at 30 either.
    c.capacity_input.ftth_speed_mbps = 20.0;
    const CapacityResult slow = compute_capacity(c.capacity_input);
    EXPECT_DOUBLE_EQ(slow.districts[0].served_population, 0.0);
    EXPECT_EQ(slow.served.at(0, 0), 0);
}

TEST(Capacity, FibreBuiltWhereSomeIsPassedServesEveryone) {
    OneCell c(0.044, 10.0);
    c.capacity_input.ftth = {{true}, {0.6}};
    const CapacityResult r = compute_capacity(c.capacity_input);
    EXPECT_DOUBLE_EQ(r.sectors[0].load, 0.0);
    EXPECT_NEAR(r.districts[0].served_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.districts[0].ftth_households, 250.0, 1e-9);
    EXPECT_NEAR(r.districts[0].people_by_options[3], 1000.0, 1e-9);
}

// A second layer on the same site: a thin carrier (2.5 MHz, R = 11 Mbit/s) with the higher
// priority beside the 10 MHz one (R = 44 Mbit/s). 22 Mbit/s offered, 5 Mbit/s to be served.
OneCell with_thin_priority_layer(Steering steering) {
    OneCell c(0.044, 5.0);
    CoverageLayer thin = c.coverage_input.layers[0];
    thin.name = "thin";
    thin.priority = 1;
    c.coverage_input.layers.push_back(thin);
    Sector s = c.coverage_input.sectors[0];
    s.layer = 1;
    c.coverage_input.sectors.push_back(s);
    c.coverage = compute_coverage(c.coverage_input);
    CapacityLayer cl = c.capacity_input.layers[0];
    cl.occupied_bandwidth_hz = 2.5e6 * 15.0 / 14.0;
    cl.carrier = "thin";
    c.capacity_input.layers.push_back(cl);
    c.capacity_input.traffic.steering = steering;
    return c;
}

TEST(Capacity, PriorityPutsEveryoneOnTheThinLayer) {
    // All 22 Mbit/s on the thin layer: load 22 / 11 = 2, nobody served, the wide layer idle.
    const OneCell c = with_thin_priority_layer(Steering::priority);
    const CapacityResult r = compute_capacity(c.capacity_input);
    ASSERT_EQ(r.sectors.size(), 2u);
    EXPECT_NEAR(r.sectors[1].load, 2.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.sectors[0].load, 0.0);
    EXPECT_DOUBLE_EQ(r.districts[0].served_population, 0.0);
    EXPECT_EQ(r.steering_iterations, 0);
}

TEST(Capacity, BestThroughputMovesUsersToTheWideLayer) {
    // At the equilibrium every user is on the wide layer (44 (1 - 1/2) = 22 Mbit/s beats the
    // thin layer's 11 even when idle): the successive averages leave 1 / (k + 1) of the traffic
    // on the thin layer after k steps (from all of it), 1/51 after 50: loads 0.5 (1 - 1/51)
    // and 2 / 51, both layers serve their users (>= 5 Mbit/s).
    const OneCell c = with_thin_priority_layer(Steering::best_throughput);
    const CapacityResult r = compute_capacity(c.capacity_input);
    ASSERT_EQ(r.sectors.size(), 2u);
    EXPECT_EQ(r.steering_iterations, steering_iterations);
    EXPECT_NEAR(r.sectors[0].load, 0.5 * 50.0 / 51.0, 1e-9);
    EXPECT_NEAR(r.sectors[1].load, 2.0 / 51.0, 1e-9);
    EXPECT_NEAR(r.sectors[0].offered_traffic_mbps + r.sectors[1].offered_traffic_mbps, 22.0, 1e-9);
    EXPECT_NEAR(r.districts[0].served_population, 1000.0, 1e-9);
    EXPECT_NEAR(r.sectors[0].assigned_people, 1000.0 * 50.0 / 51.0, 1e-6);
    EXPECT_EQ(r.overloaded_cells, 0u);
}

// The peak throughputs of a run on the same coverage (the ranges' runs) are taken as they are:
// given the computed ones, every result is the same; given others, those are used.
TEST(Capacity, KnownPeakThroughputsAreTakenAsTheyAre) {
    OneCell c = with_thin_priority_layer(Steering::best_throughput);
    const CapacityResult computed = compute_capacity(c.capacity_input);
    c.capacity_input.known_peak_throughputs = &computed.layer_throughput_mbps;
    const CapacityResult reused = compute_capacity(c.capacity_input);
    ASSERT_EQ(reused.sectors.size(), computed.sectors.size());
    for (std::size_t s = 0; s < computed.sectors.size(); ++s) {
        EXPECT_EQ(reused.sectors[s].load, computed.sectors[s].load);
        EXPECT_EQ(reused.sectors[s].served_subscribers, computed.sectors[s].served_subscribers);
    }
    EXPECT_EQ(reused.districts[0].served_population, computed.districts[0].served_population);
    EXPECT_EQ(reused.user_throughput_mbps.values, computed.user_throughput_mbps.values);

    std::vector<Raster<float>> halved = computed.layer_throughput_mbps;
    for (Raster<float>& r : halved) {
        for (float& v : r.values) {
            v = v > 0.0f ? v / 2.0f : v;
        }
    }
    c.capacity_input.known_peak_throughputs = &halved;
    const CapacityResult slower = compute_capacity(c.capacity_input);
    EXPECT_EQ(slower.layer_throughput_mbps[0].values, halved[0].values);
    EXPECT_EQ(slower.layer_throughput_mbps[1].values, halved[1].values);
    // Half the rates: the same traffic loads the cells more.
    EXPECT_GT(slower.sectors[0].load + slower.sectors[1].load,
              1.5 * (computed.sectors[0].load + computed.sectors[1].load));
}

// A run without the extras (the ranges' and the planner's) gives the same district sums and
// loads as a full run, without the maps, the service indoors or the percentiles; with the
// service indoors alone, that too. On the cell of ServedIndoorsByHand, where indoor service
// differs from outdoor.
TEST(Capacity, ARunWithoutExtrasGivesTheSameSumsAndLeavesThemOut) {
    OneCell c(0.001, 10.0, -80.0);
    const CapacityResult full = compute_capacity(c.capacity_input);
    c.capacity_input.extras = {.maps = false, .indoors = false, .percentiles = false};
    const CapacityResult bare = compute_capacity(c.capacity_input);
    c.capacity_input.extras.indoors = true;
    const CapacityResult indoors = compute_capacity(c.capacity_input);

    for (const CapacityResult* r : {&bare, &indoors}) {
        const DistrictService& got = r->districts[0];
        const DistrictService& want = full.districts[0];
        EXPECT_EQ(got.served_population, want.served_population);
        EXPECT_EQ(got.subscribers, want.subscribers);
        EXPECT_EQ(got.reached_population, want.reached_population);
        EXPECT_EQ(got.people_by_options, want.people_by_options);
        EXPECT_EQ(got.fwa_households_alone, want.fwa_households_alone);
        EXPECT_EQ(r->sectors[0].load, full.sectors[0].load);
        EXPECT_EQ(r->sectors[0].served_subscribers, full.sectors[0].served_subscribers);
        EXPECT_TRUE(r->served.values.empty());
        EXPECT_TRUE(r->user_throughput_mbps.values.empty());
        EXPECT_TRUE(std::isnan(got.radio_user_throughput.median_mbps));
        EXPECT_TRUE(std::isnan(r->city_radio_user_throughput.p10_mbps));
    }
    EXPECT_LT(full.districts[0].served_indoor_population, 990.0);
    EXPECT_TRUE(std::isnan(bare.districts[0].served_indoor_population));
    EXPECT_EQ(indoors.districts[0].served_indoor_population,
              full.districts[0].served_indoor_population);
    EXPECT_FALSE(std::isnan(full.districts[0].radio_user_throughput.median_mbps));
    EXPECT_EQ(full.served.values.size(), c.area.grid.cell_count());
}

TEST(Cost, AnnuityAndNetPresentValue) {
    EXPECT_DOUBLE_EQ(annuity_factor(0.0, 10), 10.0);
    // (1 - 1.05^-10) / 0.05 = 7.721734929
    EXPECT_NEAR(annuity_factor(0.05, 10), 7.721734929, 1e-9);
    const Money m{100000.0, 10000.0};
    EXPECT_NEAR(net_present_value_usd(m, 0.05, 10), 100000.0 + 10000.0 * 7.721734929, 1e-5);
    EXPECT_NEAR(annualised_cost_usd(m, 0.05, 10), 100000.0 / 7.721734929 + 10000.0, 1e-6);
    // A higher discount rate lowers the NPV of future costs...
    EXPECT_LT(net_present_value_usd(m, 0.10, 10), net_present_value_usd(m, 0.05, 10));
    // ...and leaves an investment-only NPV unchanged.
    EXPECT_DOUBLE_EQ(net_present_value_usd({5000.0, 0.0}, 0.10, 10), 5000.0);
}

TEST(Cost, OneCellDistrictByHand) {
    const OneCell c(0.044, 10.0);
    const CapacityResult cap = compute_capacity(c.capacity_input);
    const CostResult r = compute_costs(cost_input(c, cap));
    ASSERT_EQ(r.districts.size(), 1u);
    const DistrictCost& d = r.districts[0];
    // capex: equipment 40000 + installation 30000 + site build 30000
    //        + backhaul 0.5 km x 1000 x 25 USD/m = 12500           = 112500
    // opex:  O&M 7400 + power 3000 + urban rental 10000            =  20400 per year
    EXPECT_DOUBLE_EQ(d.money.capex_usd, 112500.0);
    EXPECT_DOUBLE_EQ(d.money.opex_usd_per_year, 20400.0);
    // NPV = 112500 + 20400 x 7.721734929 = 270023.39;
    // annualised = 112500 / 7.721734929 + 20400 = 14569.26 + 20400 = 34969.26
    EXPECT_NEAR(d.npv_usd, 270023.3926, 1e-3);
    EXPECT_NEAR(d.annualised_usd, 34969.2647, 1e-3);
    // 500 subscribers: 34969.26 / 500 / 12 = 5.8282 USD per month; 1000 people served.
    EXPECT_NEAR(d.per_subscriber_usd_per_month, 5.828211, 1e-5);
    EXPECT_NEAR(d.per_served_person_usd_per_month, 2.914105, 1e-5);
    // GNI 4000 USD a year = 333.33 a month: 5.8282 / 333.33 = 1.7485 %, under the 2 % target.
    EXPECT_NEAR(d.affordability, 0.0174846, 1e-6);
    EXPECT_EQ(d.cheapest_mix, "lte");
    EXPECT_DOUBLE_EQ(d.cheapest_mix_served_share, 1.0);
    EXPECT_NEAR(r.city.annualised_usd, d.annualised_usd, 1e-9);
}

TEST(Cost, UpgradesAndExistingSitesCostLess) {
    const OneCell c(0.044, 10.0);
    const CapacityResult cap = compute_capacity(c.capacity_input);
    CostInput in = cost_input(c, cap);
    in.layers[0].site_type = SiteType::upgrade; // equipment + installation; O&M + power
    EXPECT_DOUBLE_EQ(compute_costs(in).districts[0].money.capex_usd, 70000.0);
    EXPECT_DOUBLE_EQ(compute_costs(in).districts[0].money.opex_usd_per_year, 10400.0);
    in.layers[0].site_type = SiteType::existing; // nothing to invest; rental, O&M, power
    EXPECT_DOUBLE_EQ(compute_costs(in).districts[0].money.capex_usd, 0.0);
    EXPECT_DOUBLE_EQ(compute_costs(in).districts[0].money.opex_usd_per_year, 20400.0);
}

TEST(Cost, CheapestMixPrefersTheCheaperOptionThatMeetsTheTarget) {
    OneCell c(0.044, 10.0);
    c.capacity_input.ftth.built = {true};
    const CapacityResult cap = compute_capacity(c.capacity_input);
    CostInput in = cost_input(c, cap);
    // Fibre for 250 homes on 1 km2: route 1 / sqrt(250) km per home at 25 USD/m = 1581.14 USD,
    // plus 100 fixed: 1681.14 per home passed; 125 subscribing homes x 150 connection.
    const CostResult r = compute_costs(in);
    const double fibre_capex = 250.0 * (100.0 + 1000.0 / std::sqrt(250.0) * 25.0) + 125.0 * 150.0;
    EXPECT_NEAR(r.districts[0].money.capex_usd, 112500.0 + fibre_capex, 1e-6);
    // The radio layer alone (34969 USD a year) is cheaper than fibre alone
    // (439034 / 7.7217 + 2500 = 59358 USD a year): it is the cheapest mix.
    EXPECT_EQ(r.districts[0].cheapest_mix, "lte");
    in.layers[0].equipment_usd = 400000.0; // now fibre is cheaper
    EXPECT_EQ(compute_costs(in).districts[0].cheapest_mix, "ftth");
}

// Fibre built in the one-cell district (250 homes on 1 km2, 125 subscribing) where 60 % of the
// homes are already passed: passing costs 40 % of the full build, 100 homes x 1681.14 USD;
// every subscribing home still pays its connection (125 x 150) and 20 USD a year.
TEST(Cost, BuiltFibrePassesOnlyTheHomesNotYetPassed) {
    OneCell c(0.044, 10.0);
    c.capacity_input.ftth.built = {true};
    const CapacityResult full_cap = compute_capacity(c.capacity_input);
    const CostResult full = compute_costs(cost_input(c, full_cap));
    c.capacity_input.ftth.passed_share = {0.6};
    const CapacityResult cap = compute_capacity(c.capacity_input);
    const CostResult r = compute_costs(cost_input(c, cap));
    const double radio_capex = 112500.0;
    const double connections = 125.0 * 150.0;
    const double per_home = 100.0 + 1000.0 / std::sqrt(250.0) * 25.0; // 1681.14
    EXPECT_NEAR(full.districts[0].money.capex_usd, radio_capex + 250.0 * per_home + connections,
                1e-6);
    EXPECT_NEAR(r.districts[0].money.capex_usd, radio_capex + 100.0 * per_home + connections, 1e-6);
    EXPECT_NEAR(r.districts[0].money.capex_usd - radio_capex - connections,
                0.4 * (full.districts[0].money.capex_usd - radio_capex - connections), 1e-6);
    EXPECT_DOUBLE_EQ(r.districts[0].money.opex_usd_per_year, 20400.0 + 125.0 * 20.0);
    // Fully passed, building costs the connections alone.
    c.capacity_input.ftth.passed_share = {1.0};
    const CapacityResult passed_cap = compute_capacity(c.capacity_input);
    EXPECT_NEAR(compute_costs(cost_input(c, passed_cap)).districts[0].money.capex_usd,
                radio_capex + connections, 1e-6);
}

// Fibre passes 60 % of the homes and none is built: 75 of the 125 subscribing homes are on
// fibre, each paying its connection (150 USD) and 20 USD a year; nothing is paid for passing.
TEST(Cost, PassedFibreCostsItsConnectionsOnly) {
    OneCell c(0.044, 10.0);
    c.capacity_input.ftth.passed_share = {0.6};
    const CapacityResult cap = compute_capacity(c.capacity_input);
    CostInput in = cost_input(c, cap);
    const CostResult r = compute_costs(in);
    EXPECT_NEAR(r.districts[0].money.capex_usd, 112500.0 + 75.0 * 150.0, 1e-9);
    EXPECT_NEAR(r.districts[0].money.opex_usd_per_year, 20400.0 + 75.0 * 20.0, 1e-9);
    // Fibre alone serves 60 % (< 95 %); the radio alone (load 0.5) serves everybody.
    EXPECT_EQ(r.districts[0].cheapest_mix, "lte");
    // With a 95 % target out of the radio's reach alone (a 30 Mbit/s minimum: 22 Mbit/s each),
    // radio and fibre together serve only fibre's 600 (the layer alone serves nobody): none
    // meets it. At a 60 % target fibre alone does, for its connections alone:
    // 11250 / 7.7217 + 1500 = 2956.9 USD a year, 0.49 USD per subscriber and month.
    OneCell slow(0.044, 30.0);
    slow.capacity_input.ftth.passed_share = {0.6};
    const CapacityResult slow_cap = compute_capacity(slow.capacity_input);
    CostInput slow_in = cost_input(slow, slow_cap);
    EXPECT_EQ(compute_costs(slow_in).districts[0].cheapest_mix, "");
    slow_in.cost.target_served_share = 0.6;
    const CostResult cheap = compute_costs(slow_in);
    EXPECT_EQ(cheap.districts[0].cheapest_mix, "ftth");
    EXPECT_NEAR(cheap.districts[0].cheapest_mix_served_share, 0.6, 1e-12);
    EXPECT_NEAR(cheap.districts[0].cheapest_mix_per_subscriber_usd_per_month,
                (11250.0 / annuity_factor(0.05, 10) + 1500.0) / 500.0 / 12.0, 1e-9);
}

// A passed share of 0 is the model without fibre passed: the service and cost of the tests above.
TEST(Cost, NoHomesPassedIsTheModelWithoutPassedFibre) {
    for (const bool built : {false, true}) {
        OneCell c(0.044, 10.0);
        c.capacity_input.ftth = {{built}, {0.0}};
        const CapacityResult cap = compute_capacity(c.capacity_input);
        const CostResult r = compute_costs(cost_input(c, cap));
        const double fibre =
            built ? 250.0 * (100.0 + 1000.0 / std::sqrt(250.0) * 25.0) + 125.0 * 150.0 : 0.0;
        EXPECT_NEAR(r.districts[0].money.capex_usd, 112500.0 + fibre, 1e-6) << built;
        EXPECT_DOUBLE_EQ(r.districts[0].money.opex_usd_per_year, 20400.0 + (built ? 2500.0 : 0.0))
            << built;
        EXPECT_DOUBLE_EQ(cap.sectors[0].load, built ? 0.0 : 0.5) << built;
        EXPECT_DOUBLE_EQ(cap.districts[0].served_population, 1000.0) << built;
        EXPECT_DOUBLE_EQ(cap.districts[0].ftth_households, built ? 250.0 : 0.0) << built;
    }
}

TEST(Cost, SitesOutsideTheDistrictsAreCountedOnlyWhenTheScenarioSaysSo) {
    // A second site, a neighbour beyond the district (district -1), on the same layer.
    OneCell c(0.044, 10.0);
    Sector neighbour = c.coverage_input.sectors[0];
    neighbour.site_id = "N";
    neighbour.x_m = 1500.0; // 500 m east of the grid
    neighbour.district = -1;
    ASSERT_FALSE(neighbour.inside());
    c.coverage_input.sectors.push_back(neighbour);
    const CapacityResult cap = compute_capacity(c.capacity_input);
    CostInput in = cost_input(c, cap);
    // By default the neighbour costs nothing: the district's 112500 USD and the city's the same.
    const CostResult r = compute_costs(in);
    EXPECT_DOUBLE_EQ(r.districts[0].money.capex_usd, 112500.0);
    EXPECT_DOUBLE_EQ(r.outside_districts.capex_usd, 0.0);
    EXPECT_DOUBLE_EQ(r.city.money.capex_usd, 112500.0);
    EXPECT_DOUBLE_EQ(r.city.money.opex_usd_per_year, 20400.0);
    // Counted, it adds a new macro site to the city (not to the district): 112500 USD and
    // 20400 USD a year at the default (urban) site type.
    in.cost.count_sites_outside = true;
    const CostResult counted = compute_costs(in);
    EXPECT_DOUBLE_EQ(counted.districts[0].money.capex_usd, 112500.0);
    EXPECT_DOUBLE_EQ(counted.outside_districts.capex_usd, 112500.0);
    EXPECT_DOUBLE_EQ(counted.city.money.capex_usd, 225000.0);
    EXPECT_DOUBLE_EQ(counted.city.money.opex_usd_per_year, 40800.0);
}

// Ranges (core/uncertainty.hpp) on the one-cell district: 500 subscribers (1000 people x 0.5) of
// D Mbit/s each load the 44 Mbit/s cell to rho = 500 D / 44 and get r = 44 (1 - rho), served
// from 10 Mbit/s: D <= 0.068. The cost is 112500 USD capex and 20400 USD a year, annualised
// 34969.26 USD, whatever the demand; per subscriber 34969.26 / subscribers / 12.
//   busy_hour_demand_mbps [0.03, 0.08]: rho 0.34 (served) / 0.91, r = 4 (nobody served)
//   unit_cost_scale [0.8, 1.3]: every cost times the factor: 4.662569 / 7.576674 USD
//   population_growth [0.8, 1.6]: 400 subscribers (rho 0.4, served, 7.285263 USD) / 800
//     (rho 0.8, r = 8.8 < 10: nobody served; 3.642632 USD)
// Combined: served low = demand 0.08, costs x 1.3, growth 1.6 (800 x 0.08 = 64 > 44: 0 served);
// served high = the other ends (400 x 0.03 = 12: all served). Cost high = demand 0.08 (the cost
// does not move; by the served share, lowered), costs x 1.3, growth 0.8 (fewer subscribers):
// 1.3 x 7.285263 = 9.470843; cost low = 0.8 x 3.642632 = 2.914105. In Python:
//   a = (1 - 1.05**-10) / 0.05; ann = 112500 / a + 20400; f * ann / subscribers / 12
TEST(Ranges, OneAtATimeAndCombinedByHand) {
    const OneCellCentral one;
    ASSERT_NEAR(one.cost.city.per_subscriber_usd_per_month, 5.828211, 1e-6);
    const std::vector<InputRange> inputs = {{UncertainInput::busy_hour_demand_mbps, 0.03, 0.08},
                                            {UncertainInput::unit_cost_scale, 0.8, 1.3},
                                            {UncertainInput::population_growth, 0.8, 1.6}};
    const Ranges r = compute_ranges(inputs, one.evaluation());
    // 6 one-at-a-time runs and 4 distinct combined cases.
    EXPECT_EQ(r.evaluations, 10);
    ASSERT_EQ(r.tornado.size(), 3u);
    // By cost swing: growth (3.64), unit costs (2.91), demand (0).
    const TornadoRow& growth = r.tornado[0];
    EXPECT_EQ(growth.range.input, UncertainInput::population_growth);
    EXPECT_DOUBLE_EQ(growth.served_share_at_low, 1.0);
    EXPECT_DOUBLE_EQ(growth.served_share_at_high, 0.0);
    EXPECT_NEAR(growth.cost_per_subscriber_at_low_usd_per_month, 7.285263, 1e-6);
    EXPECT_NEAR(growth.cost_per_subscriber_at_high_usd_per_month, 3.642632, 1e-6);
    const TornadoRow& unit = r.tornado[1];
    EXPECT_EQ(unit.range.input, UncertainInput::unit_cost_scale);
    EXPECT_DOUBLE_EQ(unit.served_share_at_low, 1.0);
    EXPECT_DOUBLE_EQ(unit.served_share_at_high, 1.0);
    EXPECT_NEAR(unit.cost_per_subscriber_at_low_usd_per_month,
                0.8 * one.cost.city.per_subscriber_usd_per_month, 1e-9);
    EXPECT_NEAR(unit.cost_per_subscriber_at_high_usd_per_month,
                1.3 * one.cost.city.per_subscriber_usd_per_month, 1e-9);
    const TornadoRow& demand = r.tornado[2];
    EXPECT_EQ(demand.range.input, UncertainInput::busy_hour_demand_mbps);
    EXPECT_DOUBLE_EQ(demand.served_share_at_low, 1.0);
    EXPECT_DOUBLE_EQ(demand.served_share_at_high, 0.0); // r = 4 Mbit/s < 10
    EXPECT_DOUBLE_EQ(demand.cost_per_subscriber_at_low_usd_per_month,
                     one.cost.city.per_subscriber_usd_per_month);
    EXPECT_DOUBLE_EQ(demand.served_swing(), 1.0);
    EXPECT_DOUBLE_EQ(demand.cost_swing_usd_per_month(), 0.0);
    // The combined cases bracket the central values (served 1, 5.828211 USD).
    EXPECT_DOUBLE_EQ(r.served_share.city_low, 0.0);
    EXPECT_DOUBLE_EQ(r.served_share.city_high, 1.0);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_low, 2.914105, 1e-6);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_high, 9.470843, 1e-6);
    ASSERT_EQ(r.served_share.low.size(), 1u);
    EXPECT_DOUBLE_EQ(r.served_share.low[0], 0.0);
    EXPECT_DOUBLE_EQ(r.served_share.high[0], 1.0);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.low[0], 2.914105, 1e-6);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.high[0], 9.470843, 1e-6);
}

// The other inputs move what they name: adoption and market share the subscribers, the discount
// rate the annuity (A(0.10, 10) = 6.144567, A(0.03, 10) = 8.530203).
TEST(Ranges, AdoptionMarketShareAndDiscountRateByHand) {
    const OneCellCentral one;
    const std::vector<InputRange> inputs = {{UncertainInput::adoption_scale, 0.8, 1.2},
                                            {UncertainInput::market_share, 0.5, 1.0},
                                            {UncertainInput::discount_rate, 0.03, 0.10}};
    const Ranges r = compute_ranges(inputs, one.evaluation());
    ASSERT_EQ(r.tornado.size(), 3u);
    const double annualised = 112500.0 / 7.721734929 + 20400.0;
    // Market share 0.5: 250 subscribers (swing 11.656 - 5.828); adoption x 0.8 / 1.2: 400 / 600.
    EXPECT_EQ(r.tornado[0].range.input, UncertainInput::market_share);
    EXPECT_NEAR(r.tornado[0].cost_per_subscriber_at_low_usd_per_month, annualised / 250.0 / 12.0,
                1e-5);
    EXPECT_EQ(r.tornado[1].range.input, UncertainInput::adoption_scale);
    EXPECT_NEAR(r.tornado[1].cost_per_subscriber_at_low_usd_per_month, annualised / 400.0 / 12.0,
                1e-5);
    EXPECT_NEAR(r.tornado[1].cost_per_subscriber_at_high_usd_per_month, annualised / 600.0 / 12.0,
                1e-5);
    EXPECT_EQ(r.tornado[2].range.input, UncertainInput::discount_rate);
    EXPECT_NEAR(r.tornado[2].cost_per_subscriber_at_low_usd_per_month,
                (112500.0 / 8.530202837 + 20400.0) / 500.0 / 12.0, 1e-5);
    EXPECT_NEAR(r.tornado[2].cost_per_subscriber_at_high_usd_per_month,
                (112500.0 / 6.144567106 + 20400.0) / 500.0 / 12.0, 1e-5);
    // 600 subscribers of 0.044 Mbit/s: rho 0.6, r = 17.6: still everybody served.
    for (const TornadoRow& row : r.tornado) {
        EXPECT_DOUBLE_EQ(row.served_share_at_low, 1.0);
        EXPECT_DOUBLE_EQ(row.served_share_at_high, 1.0);
    }
    EXPECT_DOUBLE_EQ(r.served_share.city_low, 1.0);
    EXPECT_DOUBLE_EQ(r.served_share.city_high, 1.0);
    // The served share moves with none of them: its cases take the ends by the cost and are the
    // cost's two cases, evaluated once each (6 + 2 runs).
    EXPECT_EQ(r.evaluations, 8);
    // Cost high: 200 subscribers (1000 people x 0.5 adoption x 0.8 x market 0.5) at 10 %; cost low:
    // 600 (x 1.2, market 1) at 3 %.
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_high,
                (112500.0 / 6.144567106 + 20400.0) / 200.0 / 12.0, 1e-5);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_low,
                (112500.0 / 8.530202837 + 20400.0) / 600.0 / 12.0, 1e-5);
}

// A batch that is stopping (its TBB context cancelled, as when another variant failed or a
// signal came) gets no ranges from a variant still computing, and nothing crashes: the runs are
// handed out two at a time, and a cancelled context hands out none.
TEST(Ranges, ACancelledBatchGetsNoRanges) {
    const OneCellCentral one;
    const std::vector<InputRange> inputs = {{UncertainInput::busy_hour_demand_mbps, 0.03, 0.08},
                                            {UncertainInput::unit_cost_scale, 0.8, 1.3}};
    tbb::task_group_context batch;
    Ranges r;
    r.evaluations = -1;
    tbb::task_group group(batch);
    group.run_and_wait([&] {
        batch.cancel_group_execution(); // while the variant computes
        r = compute_ranges(inputs, one.evaluation());
    });
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.evaluations, 0);
}

// A single input: its two ends are the combined cases, evaluated once; all the cost is unit
// costs, so its ends are the central cost times 0.8 and 1.3.
TEST(Ranges, OneInputReusesItsTwoRuns) {
    const OneCellCentral one;
    const Ranges r =
        compute_ranges({{UncertainInput::unit_cost_scale, 0.8, 1.3}}, one.evaluation());
    EXPECT_EQ(r.evaluations, 2);
    const double central = one.cost.city.per_subscriber_usd_per_month;
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_low, 0.8 * central, 1e-12 * central);
    EXPECT_NEAR(r.cost_per_subscriber_usd_per_month.city_high, 1.3 * central, 1e-12 * central);
    EXPECT_DOUBLE_EQ(r.served_share.city_low, 1.0);
    EXPECT_DOUBLE_EQ(r.served_share.city_high, 1.0);
}
