#pragma once
// What `covsim plan` writes (docs/planning.md, "Outputs"): the plan as a scenario (plan.toml and
// its site layers under plan_sites/), and its tables (plan_districts.csv, plan_curve.csv,
// plan_curve.png, the `plan` group of results.h5) beside the batch outputs of its whole-city run.

#include "core/plan/kernel_evaluator.hpp"
#include "core/plan/plan.hpp"
#include "core/result.hpp"
#include "io/scenario_parser.hpp"
#include "io/site_layer.hpp"
#include "run/batch_steps.hpp"
#include "run/plan.hpp"

#include <filesystem>
#include <optional>
#include <vector>

namespace covsim {

// The batch's output directory (open_output: lock, no input replaced, no planted link), after
// the same checks for the plan's own files; refuses a plan.toml there that covsim did not write
// and a plan file that is one of them.
OutputDirectory open_plan_output(const std::filesystem::path& dir,
                                 const std::filesystem::path& plan_file,
                                 const std::vector<Variant>& built);

// plan_districts.csv and plan_curve.csv as data package resources (io/data_package): their
// columns in file order, from which write_tables writes their headers.
std::vector<io::TableResource> plan_tables();

class PlanWriter {
public:
    PlanWriter(const io::PlanFile& file, const Scenario& evaluated, std::size_t built_layers,
               const std::vector<std::optional<std::size_t>>& option_layer,
               const plan::KernelEvaluator& evaluator, std::filesystem::path dir);

    // plan_sites/<option>.csv for every radio option chosen somewhere, and plan.toml: the
    // scenario with the built layers, one layer per chosen option, fibre where chosen. Returns
    // the path of plan.toml.
    [[nodiscard]] std::filesystem::path
    write_scenario(const std::vector<plan::Candidate>& choices) const;

    // plan_districts.csv, plan_curve.csv, plan_curve.png and the plan group of results.h5;
    // returns every file of the plan's directory that a user opens.
    [[nodiscard]] std::vector<std::filesystem::path> write_tables(const PlanReport& report) const;

private:
    [[nodiscard]] std::string scenario_text(const std::vector<plan::Candidate>& choices,
                                            const std::vector<bool>& deployed) const;
    std::vector<io::SectorRecord> write_sites(std::size_t option,
                                              const std::vector<plan::Candidate>& choices) const;

    const io::PlanFile& file_;
    const Scenario& evaluated_;
    std::size_t built_layers_;
    const std::vector<std::optional<std::size_t>>& option_layer_;
    const plan::KernelEvaluator& evaluator_;
    std::filesystem::path dir_;
};

// The report's district and city rows from the whole-city run of the plan, and the cost
// curves from the search's evaluations.
void fill_plan_rows(PlanReport& report, const ScenarioResult& result,
                    const std::vector<plan::Candidate>& choices, const plan::PlanResult& search,
                    const plan::PlanSpec& spec, std::size_t built_layers);

} // namespace covsim
