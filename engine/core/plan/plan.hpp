#pragma once
// Least-cost network planning (docs/planning.md). A plan chooses, per district, a candidate: the
// network as built, or options of the plan (a layer deployed as a hexagonal grid at one step of
// an inter-site-distance ladder, new radios on the masts of an existing layer, or fibre to the
// home). A candidate's served share and cost come from an Evaluator (core/plan/kernel_evaluator:
// covsim's coverage kernel, capacity and cost over the district's window, its neighbours at
// their current choices). plan_network() chooses every district's cheapest candidate that
// reaches the target, in Jacobi sweeps: every district chooses against the previous sweep's
// choices of its neighbours, the choices are taken in district order, and sweeps repeat until no
// choice changes, so the plan is the same for any thread count.

#include "core/district.hpp"
#include "core/scenario.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace covsim::plan {

enum class OptionKind { grid, masts, ftth };
std::optional<OptionKind> parse_option_kind(std::string_view text) noexcept;
std::string_view to_string(OptionKind kind) noexcept;

// One way to add to the network in a district ([[plan.options]], docs/plan-format.md).
struct OptionSpec {
    std::string name; // the planned layer's name (grid, masts)
    OptionKind kind = OptionKind::grid;
    std::string template_layer; // grid, masts: the scenario's layer whose radio it copies
    std::string masts_layer;    // masts: the existing layer whose sites carry the new radios
    std::vector<double> isd_m;  // grid: the inter-site distance ladder, sparsest first
    PerDistrictType<bool> district_types = {true, true, true}; // where it may be deployed
    double height_m = 30.0;               // grid: antenna height; masts: the mast's own when empty
    std::optional<double> masts_height_m; // masts: a height of their own (empty: the mast's)
    double power_dbm = 46.0;
    int sectors = 3;                // grid: sectors per site (1: omnidirectional)
    std::optional<double> tilt_deg; // grid: empty aims the beam at 2/3 of the ISD
    SiteType site_type = SiteType::new_macro;

    // Steps of the option: the ladder of a grid, one for masts and fibre.
    [[nodiscard]] std::size_t steps() const noexcept {
        return kind == OptionKind::grid ? isd_m.size() : 1;
    }
    [[nodiscard]] bool radio() const noexcept { return kind != OptionKind::ftth; }
};

struct TargetSpec {
    double served_share = 0.95; // of each district's people, served at the scenario's speed
    bool indoors = false;       // counted inside buildings (served_indoor_population)
    std::optional<double> district_budget_usd_per_year; // annualised, per district
    std::optional<double> city_budget_usd_per_year;     // annualised, the whole city
};

struct PlanSpec {
    TargetSpec target;
    std::vector<std::string> existing; // the scenario's layers as built (sunk)
    std::vector<OptionSpec> options;
    int max_sweeps = 6;
    int max_options_per_district = 2; // options combined in one district
    double curve_from_share = 0.5;    // the cost curve's first served share
    // A district whose choice still reaches the target switches to another only when that one
    // saves more than this share of the current choice's cost (hysteresis against sweeps that
    // flip back and forth).
    double switch_saving = 0.05;
    double window_margin_m = 2000.0; // cells around a district whose load its sites share
};

// A district's choice: per option, the step of its ladder deployed, or -1 (not deployed). All -1:
// the network as built.
struct Candidate {
    std::vector<std::int16_t> steps;

    [[nodiscard]] bool built_only() const noexcept {
        for (std::int16_t s : steps) {
            if (s >= 0) {
                return false;
            }
        }
        return true;
    }
    [[nodiscard]] std::size_t deployed() const noexcept {
        std::size_t n = 0;
        for (std::int16_t s : steps) {
            n += s >= 0 ? 1 : 0;
        }
        return n;
    }
    friend auto operator<=>(const Candidate&, const Candidate&) = default;
    friend bool operator==(const Candidate&, const Candidate&) = default;
};

// "nr-n78@500+ftth", "built" for the network as built.
std::string describe(const Candidate& candidate, const std::vector<OptionSpec>& options);

struct DistrictEvaluation {
    double population = 0.0;
    double served_population = 0.0;
    double subscribers = 0.0;
    double annualised_cost_usd = 0.0; // the district's sites, fibre and running costs, per year
    std::size_t sites_added = 0;

    [[nodiscard]] double served_share() const noexcept {
        return population > 0.0 ? served_population / population : 1.0;
    }
};

// What plan_network() asks of the models.
class Evaluator {
public:
    virtual ~Evaluator() = default;
    [[nodiscard]] virtual std::size_t district_count() const = 0;
    // The districts whose choices can change `district`'s evaluation (their sites reach it).
    [[nodiscard]] virtual const std::vector<std::size_t>&
    neighbours(std::size_t district) const = 0;
    // Whether an option may be deployed in a district (its district types).
    [[nodiscard]] virtual bool allowed(std::size_t district, std::size_t option) const = 0;
    // The district with `candidate`, every other district at its entry of `choices`.
    [[nodiscard]] virtual DistrictEvaluation
    evaluate(std::size_t district, const Candidate& candidate,
             const std::vector<Candidate>& choices) const = 0;
};

struct EvaluatedCandidate {
    Candidate candidate;
    DistrictEvaluation evaluation;
};

struct DistrictPlan {
    Candidate choice;
    DistrictEvaluation evaluation; // of the choice, in the last sweep
    bool target_met = false;
    // Every candidate of the district's last full search, in the order evaluated (against its
    // neighbours' choices of that sweep).
    std::vector<EvaluatedCandidate> evaluated;
};

struct PlanProgress {
    int sweep = 0;                  // 1-based, of the sweeps, then of the passes
    bool pass = false;              // a Gauss-Seidel pass, not a sweep
    std::size_t districts_done = 0; // in this sweep or pass
    std::size_t district_count = 0;
    std::size_t evaluations = 0;       // computed so far (cache hits not counted)
    std::size_t stage_evaluations = 0; // computed in this sweep or pass
    // The annualised cost of the districts' latest choices (this stage's where made), summed
    // over the districts that have one: every district after the first sweep.
    double city_cost_usd_per_year = 0.0;
    std::size_t districts_costed = 0;
};

struct PlanResult {
    std::vector<DistrictPlan> districts;
    int sweeps = 0;
    int passes = 0;         // Gauss-Seidel passes after the sweeps
    bool converged = false; // the last pass changed no choice
    std::size_t evaluations = 0;
    std::vector<std::vector<Candidate>> choices_per_sweep; // every district's choice, per sweep
    std::vector<std::vector<Candidate>> choices_per_pass;  // and after each pass
};

// Evaluations per district, keyed by the candidate's steps followed by the steps of the choices
// of the district's neighbours (Evaluator::neighbours, in that order).
using EvaluationCache = std::vector<std::map<std::vector<std::int16_t>, DistrictEvaluation>>;

// The choice among evaluated candidates: the cheapest that reaches the target within the
// district budget (ties: the higher share, then the earlier candidate); when none does, the one
// with the highest share within the budget (ties: the cheaper).
std::size_t choose(const std::vector<EvaluatedCandidate>& evaluated, const TargetSpec& target);

// Shares the Jacobi sweeps of plan_network() between processes (cluster/ gives one over MPI
// ranks): each process searches the districts it owns, then every process takes every district's
// outcome (its move, the candidates it evaluated, its cache of evaluations), so that the sweeps
// and the plan are the same as one process's. The Gauss-Seidel passes, one district at a time,
// are made by one process (runs_passes()); plan_network() returns after the sweeps on the others.
class SweepSharing {
public:
    virtual ~SweepSharing() = default;
    [[nodiscard]] virtual bool owns(std::size_t district) const = 0;
    // Every process's bytes, in process order; every process calls it once after each sweep.
    [[nodiscard]] virtual std::vector<std::string> all_gather(const std::string& own) const = 0;
    [[nodiscard]] virtual bool runs_passes() const = 0;
};

// The least-cost plan from `start` (one candidate per district; empty: all as built), in two
// stages (docs/planning.md, "The search"):
//  1. Jacobi sweeps, the districts in parallel (TBB), each against the previous sweep's choices
//     of the others: in the first, every district takes its best candidate; in later ones a
//     district whose choice no longer reaches the target takes its best (forced), one whose
//     choice works switches only to save more than switch_saving, and never back to a choice it
//     has left (a tabu list: neighbours switching together would flip back and forth). Until a
//     sweep changes nothing, or max_sweeps.
//  2. Gauss-Seidel passes: one district at a time in district order against the others' latest
//     choices, with the same rule and no tabu list, until a pass changes nothing (or
//     max_sweeps passes).
// Choices depend only on evaluations and the district order, so the plan is the same for any
// thread count. `progress` is called after each district of each sweep and pass, from any
// thread, one call at a time. Throws what the evaluator throws.
//
// `cache`, when given, holds evaluations from an earlier search of the same inputs (run/plan
// saves it to resume an interrupted plan): they are used instead of evaluating again, and the
// search adds its own. `stage_done` is called with it after each sweep and pass.
//
// `sharing`, when given, shares the sweeps with other processes (SweepSharing); `progress` then
// hears of the other processes' districts after each sweep.
PlanResult plan_network(const PlanSpec& spec, const Evaluator& evaluator,
                        std::vector<Candidate> start,
                        const std::function<void(const PlanProgress&)>& progress = {},
                        EvaluationCache* cache = nullptr,
                        const std::function<void(const EvaluationCache&)>& stage_done = {},
                        const SweepSharing* sharing = nullptr);

// The cost curve of one district: for each served share, the least annualised cost among
// `evaluated` that serves at least that share (NaN when none does).
std::vector<double> cost_curve(const std::vector<EvaluatedCandidate>& evaluated,
                               const std::vector<double>& shares);

// The shares of a cost curve: from `from` in steps of `step` up to `to`, ending at `to`.
std::vector<double> curve_shares(double from, double to, double step);

} // namespace covsim::plan
