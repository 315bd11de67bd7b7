#include "core/uncertainty.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tbb/task_group.h>
#include <utility>

namespace covsim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double share(double part, double whole) {
    return whole > 0.0 ? part / whole : nan;
}

// Every unit cost of [cost] times `factor`; the economic frame (horizon, discount rate, GNI,
// thresholds) and the quantities (backhaul length per site) stay.
void scale_unit_costs(CostSpec& c, double factor) {
    for (double* usd : {&c.equipment_usd, &c.site_build_usd, &c.installation_usd, &c.small_cell_usd,
                        &c.small_cell_usd_per_year, &c.operation_and_maintenance_usd_per_year,
                        &c.power_usd_per_year, &c.fwa_cpe_usd, &c.ftth_home_passed_fixed_usd,
                        &c.ftth_connection_usd, &c.ftth_usd_per_subscriber_year}) {
        *usd *= factor;
    }
    for (std::size_t t = 0; t < district_type_count; ++t) {
        c.site_rental_usd_per_year[t] *= factor;
        c.fibre_usd_per_m[t] *= factor;
    }
}

// The two outputs of one evaluation, per district and for the city.
struct Outputs {
    std::vector<double> served_share;
    std::vector<double> cost_per_subscriber;
    double city_served_share = nan;
    double city_cost_per_subscriber = nan;
};

Outputs outputs_of(const CostInput& in, const CapacityResult& capacity, const CostResult& cost) {
    Outputs out;
    double people = 0.0;
    double served = 0.0;
    for (std::size_t d = 0; d < capacity.districts.size(); ++d) {
        const double p = in.people(d);
        out.served_share.push_back(share(capacity.districts[d].served_population, p));
        out.cost_per_subscriber.push_back(cost.districts[d].per_subscriber_usd_per_month);
        people += p;
        served += capacity.districts[d].served_population;
    }
    out.city_served_share = share(served, people);
    out.city_cost_per_subscriber = cost.city.per_subscriber_usd_per_month;
    return out;
}

// Per input: empty to leave it central, else false for its low end, true for its high end.
using Ends = std::vector<std::optional<bool>>;

// Whether `input` changes what compute_capacity is given (set_uncertain_input): the unit costs
// and the discount rate move the costs only.
bool moves_capacity(UncertainInput input) {
    return input != UncertainInput::unit_cost_scale && input != UncertainInput::discount_rate;
}

// The outputs at `ends`; the central capacity result where no input at an end moves it (the same
// result compute_capacity would give again).
Outputs evaluate(const std::vector<InputRange>& inputs, const Ends& ends,
                 const CentralEvaluation& central) {
    CapacityInput capacity_in = *central.capacity_input;
    capacity_in.known_peak_throughputs =
        &central.capacity->layer_throughput_mbps; // no input changes them
    capacity_in.extras = {.maps = false, .indoors = false, .percentiles = false}; // not in Outputs
    CostInput cost_in = *central.cost_input;
    bool capacity_moves = false;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        if (ends[k]) {
            set_uncertain_input(inputs[k].input, *ends[k] ? inputs[k].high : inputs[k].low,
                                central.population_growth, capacity_in, cost_in);
            capacity_moves = capacity_moves || moves_capacity(inputs[k].input);
        }
    }
    std::optional<CapacityResult> moved;
    if (capacity_moves) {
        moved = compute_capacity(capacity_in);
    }
    const CapacityResult& capacity = moved ? *moved : *central.capacity;
    cost_in.capacity = &capacity;
    return outputs_of(cost_in, capacity, compute_costs(cost_in));
}

// -1, 0 or 1: how `at_high` compares with `at_low`; 0 when either is NaN.
int direction(double at_low, double at_high) {
    return at_high > at_low ? 1 : (at_high < at_low ? -1 : 0);
}

// The output whose worse end the combined cases follow first.
enum class Output { served_share, cost };

// Per input, whether its high end is the worse one for `first` (the one that lowers the city's
// served share, or raises its cost per subscriber); where the input does not move `first`, the
// worse one for the other output; else the low end.
std::vector<bool> worse_high_ends(const std::vector<TornadoRow>& rows, Output first) {
    std::vector<bool> ends;
    for (const TornadoRow& r : rows) {
        // +1 where the high end is the worse one, -1 where the low end is, 0 where neither.
        const int served = -direction(r.served_share_at_low, r.served_share_at_high);
        const int cost = direction(r.cost_per_subscriber_at_low_usd_per_month,
                                   r.cost_per_subscriber_at_high_usd_per_month);
        const auto [primary, secondary] =
            first == Output::served_share ? std::pair{served, cost} : std::pair{cost, served};
        ends.push_back(primary != 0 ? primary > 0 : secondary > 0);
    }
    return ends;
}

std::vector<bool> flipped(std::vector<bool> ends) {
    ends.flip();
    return ends;
}

// The least (or largest) of the central value and two cases; NaN where the central is NaN (a
// district without people or subscribers).
double bound(double central, double a, double b, bool lowest) {
    if (std::isnan(central)) {
        return nan;
    }
    double out = central;
    for (const double v : {a, b}) {
        if (lowest ? v < out : v > out) {
            out = v;
        }
    }
    return out;
}

OutputRange bounds(const std::vector<double>& central, double city_central,
                   const std::vector<double>& a_values, double a_city,
                   const std::vector<double>& b_values, double b_city) {
    OutputRange r;
    for (std::size_t d = 0; d < central.size(); ++d) {
        r.low.push_back(bound(central[d], a_values[d], b_values[d], true));
        r.high.push_back(bound(central[d], a_values[d], b_values[d], false));
    }
    r.city_low = bound(city_central, a_city, b_city, true);
    r.city_high = bound(city_central, a_city, b_city, false);
    return r;
}

// The evaluations of the combined cases, by the ends of every input (true: high).
using Cases = std::map<std::vector<bool>, Outputs>;

// evaluate() of every set of ends in `ends`, in that order, range_runs_at_a_time at once (each
// over every thread: the steering's sums are serial, its maps parallel). Nothing when the
// caller's TBB context was cancelled before every run was handed out (the batch is stopping:
// what the variant computes is not kept).
std::optional<std::vector<Outputs>> evaluate_all(const std::vector<InputRange>& inputs,
                                                 const std::vector<Ends>& ends,
                                                 const CentralEvaluation& central) {
    std::vector<Outputs> out(ends.size());
    std::vector<char> done(ends.size(), 0);
    tbb::task_group_context context; // bound to the caller's: its cancellation stops these
    parallel::for_each_limited(
        ends.size(), range_runs_at_a_time,
        [&](std::size_t i) {
            out[i] = evaluate(inputs, ends[i], central);
            done[i] = 1;
        },
        context);
    if (std::find(done.begin(), done.end(), 0) != done.end()) {
        return std::nullopt;
    }
    return out;
}

// Step 1: each input at each end, the others central. With a single input these are the
// combined cases too: they join `cases`. Nothing when the batch is stopping (evaluate_all).
std::optional<std::vector<TornadoRow>> one_at_a_time(const std::vector<InputRange>& inputs,
                                                     const CentralEvaluation& central,
                                                     Cases& cases) {
    std::vector<Ends> ends;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        for (bool high : {false, true}) {
            ends.emplace_back(inputs.size());
            ends.back()[k] = high;
        }
    }
    std::optional<std::vector<Outputs>> outputs = evaluate_all(inputs, ends, central);
    if (!outputs) {
        return std::nullopt;
    }
    std::vector<TornadoRow> rows;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const Outputs& low = (*outputs)[2 * k];
        const Outputs& high = (*outputs)[2 * k + 1];
        rows.push_back({inputs[k], low.city_served_share, high.city_served_share,
                        low.city_cost_per_subscriber, high.city_cost_per_subscriber});
    }
    if (inputs.size() == 1) {
        cases.emplace(std::vector<bool>{false}, std::move((*outputs)[0]));
        cases.emplace(std::vector<bool>{true}, std::move((*outputs)[1]));
    }
    return rows;
}

// Largest cost swing first; equal swings (or NaN ones, last) keep the input order.
void sort_by_cost_swing(std::vector<TornadoRow>& rows) {
    const auto key = [](const TornadoRow& r) {
        const double s = r.cost_swing_usd_per_month();
        return std::isnan(s) ? -1.0 : s;
    };
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const TornadoRow& a, const TornadoRow& b) { return key(a) > key(b); });
}

} // namespace

double TornadoRow::served_swing() const {
    return std::abs(served_share_at_high - served_share_at_low);
}

double TornadoRow::cost_swing_usd_per_month() const {
    return std::abs(cost_per_subscriber_at_high_usd_per_month -
                    cost_per_subscriber_at_low_usd_per_month);
}

void set_uncertain_input(UncertainInput input, double value,
                         const PerDistrictType<double>& central_growth, CapacityInput& capacity,
                         CostInput& cost) {
    switch (input) {
    case UncertainInput::busy_hour_demand_mbps:
        capacity.demand.busy_hour_demand_mbps = value;
        cost.demand.busy_hour_demand_mbps = value;
        break;
    case UncertainInput::adoption_scale:
        for (std::size_t t = 0; t < district_type_count; ++t) {
            capacity.demand.adoption[t] *= value;
            cost.demand.adoption[t] *= value;
        }
        break;
    case UncertainInput::market_share:
        capacity.demand.market_share = value;
        cost.demand.market_share = value;
        break;
    case UncertainInput::unit_cost_scale:
        scale_unit_costs(cost.cost, value);
        for (CostLayer& l : cost.layers) {
            l.equipment_usd *= value;
            l.spectrum_fee_usd_per_year *= value;
        }
        break;
    case UncertainInput::discount_rate:
        cost.cost.discount_rate = value;
        break;
    case UncertainInput::population_growth:
        for (std::size_t t = 0; t < district_type_count; ++t) {
            capacity.people_scale[t] = value / central_growth[t];
            cost.people_scale[t] = value / central_growth[t];
        }
        break;
    }
}

Ranges compute_ranges(const std::vector<InputRange>& inputs, const CentralEvaluation& central) {
    Ranges out;
    if (inputs.empty()) {
        return out;
    }
    // A batch that is stopping gets no ranges (the variant is not committed).
    Cases cases;
    std::optional<std::vector<TornadoRow>> one_at_a_time_rows =
        one_at_a_time(inputs, central, cases);
    if (!one_at_a_time_rows) {
        return {};
    }
    std::vector<TornadoRow>& rows = *one_at_a_time_rows;
    out.evaluations = static_cast<int>(2 * inputs.size());

    // Step 2: the combined cases, each distinct set of ends evaluated once.
    const std::vector<bool> pessimistic = worse_high_ends(rows, Output::served_share);
    const std::vector<bool> costly = worse_high_ends(rows, Output::cost);
    std::vector<std::vector<bool>> fresh;
    std::vector<Ends> fresh_ends;
    for (const std::vector<bool>& c :
         {pessimistic, flipped(pessimistic), costly, flipped(costly)}) {
        if (!cases.contains(c) && std::find(fresh.begin(), fresh.end(), c) == fresh.end()) {
            fresh.push_back(c);
            fresh_ends.emplace_back(c.begin(), c.end());
        }
    }
    std::optional<std::vector<Outputs>> evaluated = evaluate_all(inputs, fresh_ends, central);
    if (!evaluated) {
        return {};
    }
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        cases.emplace(fresh[i], std::move((*evaluated)[i]));
    }
    out.evaluations += static_cast<int>(fresh.size());
    const Outputs& served_low = cases.at(pessimistic);
    const Outputs& served_high = cases.at(flipped(pessimistic));
    const Outputs& cost_high = cases.at(costly);
    const Outputs& cost_low = cases.at(flipped(costly));

    // Step 3: the bounds around the central values.
    const Outputs c = outputs_of(*central.cost_input, *central.capacity, *central.cost);
    out.served_share = bounds(c.served_share, c.city_served_share, served_low.served_share,
                              served_low.city_served_share, served_high.served_share,
                              served_high.city_served_share);
    out.cost_per_subscriber_usd_per_month =
        bounds(c.cost_per_subscriber, c.city_cost_per_subscriber, cost_low.cost_per_subscriber,
               cost_low.city_cost_per_subscriber, cost_high.cost_per_subscriber,
               cost_high.city_cost_per_subscriber);
    sort_by_cost_swing(rows);
    out.tornado = std::move(rows);
    return out;
}

} // namespace covsim
