#pragma once
// Where the busy-hour traffic of a grid cell goes when several radio layers cover it
// (docs/capacity-and-cost.md, "Traffic between layers").
//
// A demand point is a grid cell's subscribers, offering D Mbit/s. Its options are the layers
// that cover it, each its best server there: a radio cell c with the peak single-user rate R_c
// at the point (core/throughput.hpp). With carrier aggregation the mobile layers that cover a
// point are one option whose components are their radio cells. Radio cells are
// processor-sharing servers (core/capacity.hpp): with load rho_c a user there gets R_c (1 - rho_c),
// and an option with several components gets the sum over them. A share x of a point's demand on
// an option loads each component c with x D f_c / R_c, where f_c is c's part of the option's
// traffic: R_c (1 - rho_c)^+ over their sum (R_c over the sum of the R when every component is
// full).
//
//   priority         every point's demand on one option: the serving layer's (the covered layer
//                    with the highest priority, then the highest SINR; core/coverage.hpp);
//   best_throughput  users go where they are served best: the alpha = 1 ("throughput-optimal")
//                    association of H. Kim, G. de Veciana, X. Yang, M. Venkatachalam,
//                    "Distributed alpha-optimal user association and cell load balancing in
//                    wireless networks", IEEE/ACM Trans. Networking 20(1), 177-190, 2012: the
//                    loads that minimise sum_c -log(1 - rho_c), where every user is on an
//                    option of the highest throughput R (1 - rho) and users split where options
//                    tie. It is found by the method of successive averages (the Frank-Wolfe
//                    method with a predetermined step; Y. Sheffi, "Urban Transportation
//                    Networks", 1985, ch. 12): from the priority assignment, every user's best
//                    option at the current loads (BR; ties go to the option listed first), then
//                        x^{k+1} = x^k + (BR(rho^k) - x^k) / (k + 1),   k = 1, 2, ...
//                    for `steering_iterations` steps, or until every user is on its best option
//                    already (nothing moves). Loads at or above 1 are compared the same way (the
//                    least overloaded option wins), where the convex problem has no solution.
//
// Without carrier aggregation (one component per option) the loads are linear in the shares: a
// step's loads are then (1 - step) times the last ones plus step times those of every point on
// its best option, summed in the pass that finds the best options, and the final loads are
// summed again from the final shares. With it, each step's loads are summed from the shares.
//
// Deterministic: every sum runs in point order, whatever the thread count.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace covsim {

enum class Steering : std::uint8_t { priority, best_throughput };
std::optional<Steering> parse_steering(std::string_view text) noexcept;
std::string_view to_string(Steering s) noexcept;

// The demand points and their options in compressed rows: point p's options are
// [first_option[p], first_option[p + 1]), option o's components
// [first_component[o], first_component[o + 1]).
struct SteeringProblem {
    std::size_t radio_cells = 0;
    std::vector<double> demand_mbps;            // per point
    std::vector<std::uint32_t> first_option;    // per point, and one past the last option
    std::vector<std::uint32_t> initial_option;  // per point: its option under `priority`
    std::vector<std::uint32_t> first_component; // per option, and one past the last component
    std::vector<std::uint32_t> component_cell;  // per component: its radio cell
    std::vector<float> component_rate_mbps;     // per component: the peak rate R at the point

    [[nodiscard]] std::size_t points() const noexcept { return demand_mbps.size(); }
};

struct SteeringResult {
    std::vector<double> share;        // per option: share of its point's demand and people
    std::vector<double> load;         // per radio cell: rho
    std::vector<double> offered_mbps; // per radio cell: the traffic it carries
    int iterations = 0;               // of best_throughput; 0 for priority
    double last_change = 0.0;         // the largest load change of the last iteration
};

// The number of steps of best_throughput: the shares are then within about 1/50 of the
// equilibrium's (the method's error falls as 1/k).
inline constexpr int steering_iterations = 50;

SteeringResult steer_traffic(const SteeringProblem& problem, Steering steering);

// Component c's part of its option's traffic at `load` (f_c above).
double component_fraction(const SteeringProblem& problem, const std::vector<double>& load,
                          std::size_t option, std::size_t component) noexcept;

// The throughput a user of `option` gets at `load`: sum over its components of R (1 - rho)
// where rho < 1.
double option_throughput_mbps(const SteeringProblem& problem, const std::vector<double>& load,
                              std::size_t option) noexcept;

} // namespace covsim
