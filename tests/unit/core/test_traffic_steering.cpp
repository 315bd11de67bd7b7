// Traffic steering between layers (core/traffic_steering.hpp), on small problems whose
// equilibrium is computed by hand in the comments.

#include "core/traffic_steering.hpp"

#include <gtest/gtest.h>

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

TEST(TrafficSteering, NamesRoundTrip) {
    EXPECT_EQ(parse_steering("best_throughput"), Steering::best_throughput);
    EXPECT_EQ(parse_steering("priority"), Steering::priority);
    EXPECT_FALSE(parse_steering("balanced"));
    EXPECT_EQ(to_string(Steering::best_throughput), "best_throughput");
}

} // namespace
} // namespace covsim
