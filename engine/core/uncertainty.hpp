#pragma once
// Ranges, not points (docs/capacity-and-cost.md, "Ranges"): how far the served share and the
// cost per subscriber move when the inputs of [uncertainty] (core/scenario.hpp, UncertainInput)
// go to the ends of their ranges. None of those inputs changes the radio coverage, so every
// evaluation is the capacity and cost stages again on the central coverage (the cost stage
// alone, on the central capacity result, where only the unit costs and the discount rate move):
//
//   1. one at a time: each input at its low end, then at its high end, the others central; the
//      city's served share and cost per subscriber at each end make the tornado table;
//   2. combined: every input at the end that lowered the city's served share in step 1 (the
//      pessimistic case for service), and every input at its other end (the optimistic case);
//      likewise every input at the end that raised the city's cost per subscriber, and at its
//      other end. An input that leaves one output unchanged takes its end by the other output,
//      so that the cases often coincide and are evaluated once (with a single input, they are
//      the runs of step 1);
//   3. the low and high of each output, per district and for the city: the least and the
//      largest of the central value and the output's two combined cases.
//
// These are bounds from the inputs' ranges, not a confidence interval: no probability is
// attached to an end, and an input left out of [uncertainty] is held at its central value.
// The evaluations run one after another (each capacity run is deterministic), so the ranges are
// the same for any number of threads.

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/scenario.hpp"

#include <vector>

namespace covsim {

// One input's row of the tornado table: the city's outputs with the input at each end.
struct TornadoRow {
    InputRange range;
    double served_share_at_low = 0.0; // city, people served / people
    double served_share_at_high = 0.0;
    double cost_per_subscriber_at_low_usd_per_month = 0.0; // city
    double cost_per_subscriber_at_high_usd_per_month = 0.0;
    [[nodiscard]] double served_swing() const;
    [[nodiscard]] double cost_swing_usd_per_month() const;
};

// The low and high of one output, per district (in district order) and for the city.
struct OutputRange {
    std::vector<double> low;
    std::vector<double> high;
    double city_low = 0.0;
    double city_high = 0.0;
};

struct Ranges {
    std::vector<TornadoRow> tornado; // by cost swing, largest first (then in input order)
    OutputRange served_share;
    OutputRange cost_per_subscriber_usd_per_month;
    int evaluations = 0; // cost runs made (each on a capacity run, or on the central one)
    [[nodiscard]] bool empty() const noexcept { return tornado.empty(); }
};

// The central evaluation the ranges start from: the inputs of compute_capacity and
// compute_costs (core/scenario_inputs.hpp), their results, and the scenario's population growth
// per district type (the study area's people already carry it).
struct CentralEvaluation {
    const CapacityInput* capacity_input = nullptr;
    const CostInput* cost_input = nullptr;
    const CapacityResult* capacity = nullptr;
    const CostResult* cost = nullptr;
    PerDistrictType<double> population_growth = {1.0, 1.0, 1.0};
};

// Moves one input of a copy of the central inputs to `value` (a factor for the *_scale inputs;
// population_growth: the people per cell scaled by value / the central growth of their type).
void set_uncertain_input(UncertainInput input, double value,
                         const PerDistrictType<double>& central_growth, CapacityInput& capacity,
                         CostInput& cost);

// How many capacity and cost runs of the ranges are computed at once: two, so that a second
// thread works while the first is in traffic steering's serial sums (the ranges of the Hanoi
// batch took half the time). core/memory_estimate.hpp counts the second run's maps.
inline constexpr std::size_t range_runs_at_a_time = 2;

// The ranges of `inputs` around `central`; empty for no inputs.
Ranges compute_ranges(const std::vector<InputRange>& inputs, const CentralEvaluation& central);

} // namespace covsim
