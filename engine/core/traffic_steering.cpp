#include "core/traffic_steering.hpp"

#include "core/names.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace covsim {

namespace {

constexpr std::array<std::string_view, 2> steering_names = {"priority", "best_throughput"};

// How an option's traffic splits between its components at a load: over their spare
// throughputs R (1 - rho)^+, over their rates R when every component is full, equally when no
// component has a rate.
struct Split {
    std::size_t first = 0;
    std::size_t end = 0;
    double spare_sum = 0.0;
    double rate_sum = 0.0;
};

double spare_mbps(const SteeringProblem& p, const std::vector<double>& load, std::size_t k) {
    return static_cast<double>(p.component_rate_mbps[k]) *
           std::max(0.0, 1.0 - load[p.component_cell[k]]);
}

Split split_of(const SteeringProblem& p, const std::vector<double>& load, std::size_t option) {
    Split s{p.first_component[option], p.first_component[option + 1], 0.0, 0.0};
    if (s.end - s.first == 1) {
        return s;
    }
    for (std::size_t k = s.first; k < s.end; ++k) {
        s.spare_sum += spare_mbps(p, load, k);
        s.rate_sum += static_cast<double>(p.component_rate_mbps[k]);
    }
    return s;
}

// Component k's part of the option's traffic (f_c of traffic_steering.hpp).
double fraction(const SteeringProblem& p, const std::vector<double>& load, const Split& s,
                std::size_t k) {
    if (s.end - s.first == 1) {
        return 1.0;
    }
    if (s.spare_sum > 0.0) {
        return spare_mbps(p, load, k) / s.spare_sum;
    }
    return s.rate_sum > 0.0 ? static_cast<double>(p.component_rate_mbps[k]) / s.rate_sum
                            : 1.0 / static_cast<double>(s.end - s.first);
}

// Adds `traffic` Mbit/s carried by component k to its radio cell's load and offered traffic;
// nothing for a component without a rate.
void add_traffic(const SteeringProblem& p, std::size_t k, double traffic, std::vector<double>& load,
                 std::vector<double>& offered) {
    const double rate = static_cast<double>(p.component_rate_mbps[k]);
    if (!(rate > 0.0)) {
        return;
    }
    load[p.component_cell[k]] += traffic / rate;
    offered[p.component_cell[k]] += traffic;
}

// The loads and offered traffic of `share`, each multi-component option split at `split_load`
// (its split computed once per option), summed in point order.
void loads_of(const SteeringProblem& p, const std::vector<double>& share,
              const std::vector<double>& split_load, std::vector<double>& load,
              std::vector<double>& offered) {
    load.assign(p.radio_cells, 0.0);
    offered.assign(p.radio_cells, 0.0);
    for (std::size_t pt = 0; pt < p.points(); ++pt) {
        for (std::size_t o = p.first_option[pt]; o < p.first_option[pt + 1]; ++o) {
            const double x = share[o];
            if (x == 0.0) {
                continue;
            }
            const Split split = split_of(p, split_load, o);
            for (std::size_t k = split.first; k < split.end; ++k) {
                if (const double f = fraction(p, split_load, split, k); f != 0.0) {
                    add_traffic(p, k, x * f * p.demand_mbps[pt], load, offered);
                }
            }
        }
    }
}

// What a user compares options by: the throughput R (1 - rho) summed over the components,
// negative where a cell is overloaded (then the least overloaded option is preferred).
double score(const SteeringProblem& p, const std::vector<double>& load, std::size_t o) {
    double s = 0.0;
    for (std::size_t k = p.first_component[o]; k < p.first_component[o + 1]; ++k) {
        s += static_cast<double>(p.component_rate_mbps[k]) * (1.0 - load[p.component_cell[k]]);
    }
    return s;
}

// Point pt's option of the highest score_of(option) (the first of equal ones).
template <typename Score>
std::size_t top_option(const SteeringProblem& p, std::size_t pt, Score score_of) {
    const std::size_t first = p.first_option[pt];
    const std::size_t end = p.first_option[pt + 1];
    std::size_t top = first;
    double top_score = score_of(first);
    for (std::size_t o = first + 1; o < end; ++o) {
        if (const double s = score_of(o); s > top_score) {
            top = o;
            top_score = s;
        }
    }
    return top;
}

// Point pt's option of the highest score at `load` (the first of equal ones).
std::size_t best_option(const SteeringProblem& p, const std::vector<double>& load, std::size_t pt) {
    return top_option(p, pt, [&p, &load](std::size_t o) { return score(p, load, o); });
}

// best_option() where every option has one component, whose index is the option's: the same
// scores (0 + x is x) without the walk over components.
std::size_t best_single_component_option(const SteeringProblem& p, const std::vector<double>& load,
                                         std::size_t pt) {
    return top_option(p, pt, [&p, &load](std::size_t o) {
        return static_cast<double>(p.component_rate_mbps[o]) * (1.0 - load[p.component_cell[o]]);
    });
}

// Loads and traffic per radio cell.
struct CellSums {
    std::vector<double> load;
    std::vector<double> offered;
};

// One step of the association: every point's shares move by `step` towards its best option at
// `load`.
void move_towards_best(const SteeringProblem& p, const std::vector<double>& load, double step,
                       std::vector<double>& share) {
    for (std::size_t pt = 0; pt < p.points(); ++pt) {
        const std::size_t top = best_option(p, load, pt);
        if (share[top] == 1.0) {
            continue; // already all on its best option
        }
        for (std::size_t o = p.first_option[pt]; o < p.first_option[pt + 1]; ++o) {
            share[o] = (1.0 - step) * share[o] + (o == top ? step : 0.0);
        }
    }
}

// Step t (1, 2, ...) without aggregation, where step_t = 1 / (t + 1): (t + 1) x_t = t x_(t-1) +
// [o is the best option at t] for every share x, so a share after t steps is its option's count
// (1 for the initial option, plus one per step it was the best) over t + 1. The step adds one to
// every point's best option's count and, in point order, the point's traffic on it to `best`;
// the loads move linearly (linear_step). Returns how many points moved: those not all on their
// best option already (a count of t before the step).
std::size_t count_best_options(const SteeringProblem& p, const std::vector<double>& load,
                               std::uint32_t t, std::vector<std::uint32_t>& count, CellSums& best) {
    std::size_t moved = 0;
    for (std::size_t pt = 0; pt < p.points(); ++pt) {
        const std::size_t top = best_single_component_option(p, load, pt);
        add_traffic(p, top, p.demand_mbps[pt], best.load, best.offered);
        moved += count[top] == t ? 0 : 1;
        ++count[top];
    }
    return moved;
}

// One step where every option has one component: the loads are linear in the shares, so the
// step's loads are (1 - step) times `out`'s plus step times those of every point on its best
// option, found in the same pass. False when no point moved (`out` unchanged).
bool linear_step(const SteeringProblem& p, std::uint32_t t, std::vector<std::uint32_t>& count,
                 SteeringResult& out, CellSums& sums) {
    sums.load.assign(p.radio_cells, 0.0);
    sums.offered.assign(p.radio_cells, 0.0);
    out.last_change = 0.0;
    if (count_best_options(p, out.load, t, count, sums) == 0) {
        return false;
    }
    const double step = 1.0 / (t + 1);
    for (std::size_t c = 0; c < p.radio_cells; ++c) {
        const double next = (1.0 - step) * out.load[c] + step * sums.load[c];
        out.last_change = std::max(out.last_change, std::abs(next - out.load[c]));
        out.load[c] = next;
        out.offered_mbps[c] = (1.0 - step) * out.offered_mbps[c] + step * sums.offered[c];
    }
    return true;
}

// One step with carrier aggregation: an option's split depends on the loads, so the step's loads
// are summed again from the shares (split at the last loads). False when they did not change.
bool summed_step(const SteeringProblem& p, double step, SteeringResult& out, CellSums& next) {
    move_towards_best(p, out.load, step, out.share);
    loads_of(p, out.share, out.load, next.load, next.offered);
    out.last_change = 0.0;
    for (std::size_t c = 0; c < p.radio_cells; ++c) {
        out.last_change = std::max(out.last_change, std::abs(next.load[c] - out.load[c]));
    }
    std::swap(next.load, out.load);
    std::swap(next.offered, out.offered_mbps);
    return out.last_change != 0.0;
}

} // namespace

std::optional<Steering> parse_steering(std::string_view text) noexcept {
    return parse_name<Steering>(steering_names, text);
}

std::string_view to_string(Steering s) noexcept {
    return steering_names[static_cast<std::size_t>(s)];
}

double component_fraction(const SteeringProblem& p, const std::vector<double>& load,
                          std::size_t option, std::size_t component) noexcept {
    return fraction(p, load, split_of(p, load, option), component);
}

double option_throughput_mbps(const SteeringProblem& p, const std::vector<double>& load,
                              std::size_t option) noexcept {
    double r = 0.0;
    for (std::size_t k = p.first_component[option]; k < p.first_component[option + 1]; ++k) {
        const double rho = load[p.component_cell[k]];
        r += rho < 1.0 ? static_cast<double>(p.component_rate_mbps[k]) * (1.0 - rho) : 0.0;
    }
    return r;
}

SteeringResult steer_traffic(const SteeringProblem& p, Steering steering) {
    SteeringResult out;
    out.share.assign(p.first_component.empty() ? 0 : p.first_component.size() - 1, 0.0);
    for (std::size_t pt = 0; pt < p.points(); ++pt) {
        out.share[p.initial_option[pt]] = 1.0;
    }
    const std::vector<double> unloaded(p.radio_cells, 0.0);
    loads_of(p, out.share, unloaded, out.load, out.offered_mbps);
    if (steering == Steering::priority) {
        return out;
    }
    const bool linear = p.component_cell.size() == out.share.size();
    std::vector<std::uint32_t> count; // linear: per option, as count_best_options()
    if (linear) {
        count.assign(out.share.size(), 0);
        for (std::size_t pt = 0; pt < p.points(); ++pt) {
            count[p.initial_option[pt]] = 1;
        }
    }
    CellSums sums;
    for (out.iterations = 1; out.iterations <= steering_iterations; ++out.iterations) {
        const auto t = static_cast<std::uint32_t>(out.iterations);
        const double step = 1.0 / (out.iterations + 1);
        if (!(linear ? linear_step(p, t, count, out, sums) : summed_step(p, step, out, sums))) {
            break; // every user is on its best option already
        }
    }
    if (linear) {
        // The shares of the counts after the last step (the one that found nobody to move
        // counted too: it kept every share), and their loads, summed in point order as the
        // other steps' are.
        const double steps = static_cast<double>(std::min(out.iterations, steering_iterations));
        for (std::size_t o = 0; o < out.share.size(); ++o) {
            out.share[o] = static_cast<double>(count[o]) / (steps + 1.0);
        }
        loads_of(p, out.share, unloaded, out.load, out.offered_mbps);
    }
    out.iterations = std::min(out.iterations, steering_iterations);
    return out;
}

} // namespace covsim
