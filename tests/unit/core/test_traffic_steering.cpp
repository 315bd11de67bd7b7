// Traffic steering between layers (core/traffic_steering.hpp), on small problems whose
// equilibrium is computed by hand in the comments.

#include "core/traffic_steering.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <random>

namespace covsim {
namespace {

// Point A (30 Mbit/s) is covered by radio cell 0 (R = 100) and cell 1 (R = 50); point B
// (40 Mbit/s) by cell 0 only. Under priority both are on cell 0.
SteeringProblem two_cells() {
    SteeringProblem p;
    p.radio_cells = 2;
    p.demand_mbps = {30.0, 40.0};
    p.first_option = {0, 2, 3};
    p.initial_option = {0, 2};
    p.first_component = {0, 1, 2, 3};
    p.component_cell = {0, 1, 0};
    p.component_rate_mbps = {100.0f, 50.0f, 100.0f};
    return p;
}

TEST(TrafficSteering, PriorityKeepsEveryPointOnItsServingLayer) {
    const SteeringResult r = steer_traffic(two_cells(), Steering::priority);
    EXPECT_EQ(r.share, (std::vector<double>{1.0, 0.0, 1.0}));
    EXPECT_DOUBLE_EQ(r.load[0], 30.0 / 100.0 + 40.0 / 100.0);
    EXPECT_DOUBLE_EQ(r.load[1], 0.0);
    EXPECT_DOUBLE_EQ(r.offered_mbps[0], 70.0);
    EXPECT_EQ(r.iterations, 0);
}

TEST(TrafficSteering, UsersMoveUntilTheirThroughputsAreEqual) {
    // With a share x of A on cell 1: rho_0 = 0.4 + 0.3 (1 - x), rho_1 = 0.6 x; A's throughputs
    // are 100 (1 - rho_0) = 30 + 30 x and 50 (1 - rho_1) = 50 - 30 x, equal at x = 1/3, where
    // both are 40 Mbit/s and rho = (0.6, 0.2).
    const SteeringProblem p = two_cells();
    const SteeringResult r = steer_traffic(p, Steering::best_throughput);
    EXPECT_EQ(r.iterations, steering_iterations);
    EXPECT_NEAR(r.share[1], 1.0 / 3.0, 0.02);
    EXPECT_NEAR(r.share[0] + r.share[1], 1.0, 1e-12);
    EXPECT_EQ(r.share[2], 1.0); // B has one option
    EXPECT_NEAR(r.load[0], 0.6, 0.01);
    EXPECT_NEAR(r.load[1], 0.2, 0.01);
    EXPECT_NEAR(option_throughput_mbps(p, r.load, 0), 40.0, 1.0);
    EXPECT_NEAR(option_throughput_mbps(p, r.load, 1), 40.0, 1.0);
    // The loads are those of the shares.
    EXPECT_DOUBLE_EQ(r.load[1], r.share[1] * 30.0 / 50.0);
    EXPECT_DOUBLE_EQ(r.offered_mbps[0] + r.offered_mbps[1], 70.0);
}

TEST(TrafficSteering, OnePointOnOneOptionNeedsOneStep) {
    SteeringProblem p;
    p.radio_cells = 1;
    p.demand_mbps = {5.0};
    p.first_option = {0, 1};
    p.initial_option = {0};
    p.first_component = {0, 1};
    p.component_cell = {0};
    p.component_rate_mbps = {20.0f};
    const SteeringResult r = steer_traffic(p, Steering::best_throughput);
    EXPECT_EQ(r.iterations, 1);
    EXPECT_EQ(r.share[0], 1.0);
    EXPECT_EQ(r.load[0], 0.25);
}

TEST(TrafficSteering, AnAggregatedOptionSplitsItsTrafficBySpareThroughput) {
    // One point of 30 Mbit/s on an option of two components: cell 0 (R = 100) already half
    // loaded by point B (50 Mbit/s alone on it), cell 1 (R = 50) empty. Spare throughputs
    // R (1 - rho) decide the split; the user gets their sum.
    SteeringProblem p;
    p.radio_cells = 2;
    p.demand_mbps = {30.0, 50.0};
    p.first_option = {0, 1, 2};
    p.initial_option = {0, 1};
    p.first_component = {0, 2, 3};
    p.component_cell = {0, 1, 0};
    p.component_rate_mbps = {100.0f, 50.0f, 100.0f};
    const std::vector<double> load = {0.5, 0.0};
    EXPECT_DOUBLE_EQ(component_fraction(p, load, 0, 0), 50.0 / 100.0);
    EXPECT_DOUBLE_EQ(component_fraction(p, load, 0, 1), 50.0 / 100.0);
    EXPECT_DOUBLE_EQ(option_throughput_mbps(p, load, 0), 100.0);
    // Every component full: the split follows the peak rates.
    const std::vector<double> full = {1.2, 1.0};
    EXPECT_DOUBLE_EQ(component_fraction(p, full, 0, 0), 100.0 / 150.0);
    EXPECT_DOUBLE_EQ(option_throughput_mbps(p, full, 0), 0.0);
}

// The method of successive averages as traffic_steering.hpp states it: each step moves every
// point towards its best option at the loads, then sums the loads of the shares again.
SteeringResult successive_averages(const SteeringProblem& p) {
    SteeringResult r;
    r.share.assign(p.component_cell.size(), 0.0);
    for (std::size_t pt = 0; pt < p.points(); ++pt) {
        r.share[p.initial_option[pt]] = 1.0;
    }
    const auto loads = [&] {
        r.load.assign(p.radio_cells, 0.0);
        for (std::size_t pt = 0; pt < p.points(); ++pt) {
            for (std::size_t o = p.first_option[pt]; o < p.first_option[pt + 1]; ++o) {
                r.load[p.component_cell[o]] +=
                    r.share[o] * p.demand_mbps[pt] / double(p.component_rate_mbps[o]);
            }
        }
    };
    loads();
    for (int k = 1; k <= steering_iterations; ++k) {
        const std::vector<double> before = r.load;
        for (std::size_t pt = 0; pt < p.points(); ++pt) {
            std::size_t best = p.first_option[pt];
            for (std::size_t o = best + 1; o < p.first_option[pt + 1]; ++o) {
                if (option_throughput_mbps(p, before, o) >
                    option_throughput_mbps(p, before, best)) {
                    best = o;
                }
            }
            for (std::size_t o = p.first_option[pt]; o < p.first_option[pt + 1]; ++o) {
                r.share[o] += ((o == best ? 1.0 : 0.0) - r.share[o]) / (k + 1);
            }
        }
        loads();
    }
    return r;
}

// Without carrier aggregation each step's loads are the last ones moved towards those of every
// point on its best option (one pass): the shares and loads of summing them again from the
// shares, on 3000 points with one to three options over 40 cells (none overloaded).
TEST(TrafficSteering, WithoutAggregationTheLoadsMoveLinearly) {
    std::mt19937 random(17);
    std::uniform_real_distribution<double> demand(0.001, 0.02);
    std::uniform_real_distribution<float> rate(20.0f, 200.0f);
    std::uniform_int_distribution<std::uint32_t> cell(0, 39);
    std::uniform_int_distribution<std::uint32_t> options(1, 3);
    SteeringProblem p;
    p.radio_cells = 40;
    p.first_option = {0};
    p.first_component = {0};
    for (int pt = 0; pt < 3000; ++pt) {
        p.demand_mbps.push_back(demand(random));
        p.initial_option.push_back(p.first_option.back());
        for (std::uint32_t o = options(random); o > 0; --o) {
            p.component_cell.push_back(cell(random));
            p.component_rate_mbps.push_back(rate(random));
            p.first_component.push_back(static_cast<std::uint32_t>(p.component_cell.size()));
        }
        p.first_option.push_back(static_cast<std::uint32_t>(p.component_cell.size()));
    }
    const SteeringResult r = steer_traffic(p, Steering::best_throughput);
    const SteeringResult expected = successive_averages(p);
    EXPECT_EQ(r.iterations, steering_iterations);
    ASSERT_EQ(r.share.size(), expected.share.size());
    for (std::size_t o = 0; o < r.share.size(); ++o) {
        ASSERT_NEAR(r.share[o], expected.share[o], 1e-12) << o;
    }
    const SteeringResult start = steer_traffic(p, Steering::priority);
    double moved = 0.0;
    for (std::size_t c = 0; c < p.radio_cells; ++c) {
        EXPECT_NEAR(r.load[c], expected.load[c], 1e-12) << c;
        EXPECT_LT(r.load[c], 1.0);
        moved += std::abs(r.load[c] - start.load[c]);
    }
    EXPECT_GT(moved, 0.1); // the users did move
}

TEST(TrafficSteering, NamesRoundTrip) {
    EXPECT_EQ(parse_steering("best_throughput"), Steering::best_throughput);
    EXPECT_EQ(parse_steering("priority"), Steering::priority);
    EXPECT_FALSE(parse_steering("balanced"));
    EXPECT_EQ(to_string(Steering::best_throughput), "best_throughput");
}

} // namespace
} // namespace covsim
