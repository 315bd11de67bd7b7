#pragma once
// `covsim plan PLAN.toml`: the least-cost network that brings the target share of every
// district's people broadband (docs/planning.md). Steps:
//
//   parse the plan file → load the study area and the network as built → search
//   (core/plan: Jacobi sweeps of district windows) → write the plan as a scenario (plan.toml and
//   its site layers) → confirm it with the batch steps of `covsim run` over the whole city,
//   densifying the districts that fall short → write the batch's outputs and the plan's own
//   (plan_districts.csv, plan_curve.csv, plan_curve.png, the `plan` group of results.h5).

#include "core/plan/plan.hpp"
#include "run/progress.hpp"

#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim {

struct PlanConfig {
    std::filesystem::path plan_file;
    std::filesystem::path out_dir = "plan";
    int threads = 0;    // 0: all hardware threads
    bool force = false; // ignore the evaluations saved by an earlier plan (.plan_cache.json)
    std::string command_line;
    ProgressMode progress = ProgressMode::none;
    double progress_interval_s = 10.0;
    int confirm_rounds = 3; // whole-city runs that may densify districts that fall short
};

// One district of the plan, as the whole-city run of plan.toml gives it.
struct PlanDistrictRow {
    std::string code;
    std::string name_ascii;
    std::string type;
    double population = 0.0;
    double subscribers = 0.0;
    double served_population = 0.0;
    bool target_met = false;
    std::string choice; // e.g. "nr-n78@500", "built"
    std::size_t sites_added = 0;
    double capex_usd = 0.0;
    double opex_usd_per_year = 0.0;
    double annualised_cost_usd = 0.0;
    double cost_per_subscriber_usd_per_month = 0.0;
    double cost_per_served_subscriber_usd_per_month = 0.0;
    double affordability = 0.0; // share of monthly GNI per capita
    // The cost curve: the least annualised cost found for each served share of the curve.
    std::vector<double> curve_usd_per_year;

    [[nodiscard]] double served_share() const noexcept {
        return population > 0.0 ? served_population / population : 1.0;
    }
};

struct PlanReport {
    std::string name;
    std::filesystem::path out_dir;
    std::vector<std::filesystem::path> files;
    std::vector<PlanDistrictRow> districts;
    PlanDistrictRow city; // code "city"
    std::vector<double> curve_shares;
    double target_served_share = 0.0;
    bool target_indoors = false; // the shares count people served inside buildings
    double affordability_threshold = 0.0;
    std::optional<double> city_budget_usd_per_year;
    int sweeps = 0;
    int passes = 0;
    bool converged = false;
    std::size_t evaluations = 0;
    int confirm_rounds = 0;
    std::vector<std::string> densified; // "<code>: <from> -> <to>"
    double elapsed_s = 0.0;
    int threads = 0;
};

PlanReport run_plan(const PlanConfig& config);

// What run_plan needs from the processes it shares its search with (cluster/ gives it over MPI
// ranks): the Jacobi sweeps' districts (plan::SweepSharing), which process writes the outputs,
// and an agreement that every process prepared the plan.
class PlanSharing : public plan::SweepSharing {
public:
    // Whether this process writes the outputs and makes the rest of the search (one does).
    [[nodiscard]] virtual bool root() const = 0;
    // Called by every process once its preparation ended, with its failure if any; throws on
    // every process when one failed (the writing one's error, or one naming the process).
    virtual void agree(const std::exception_ptr& own) const = 0;
};

// The plan with its search shared between processes: every process loads the plan and makes its
// share of the sweeps; the root() one makes the passes, the whole-city runs and the outputs and
// returns the report, the others nothing. The same plan as one process's.
std::optional<PlanReport> run_plan(const PlanConfig& config, const PlanSharing* sharing);

// The terminal summary: one line per district, the city, and what the last points cost.
std::string format_plan_report(const PlanReport& report);

} // namespace covsim
