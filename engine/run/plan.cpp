#include "run/plan.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/plan/kernel_evaluator.hpp"
#include "core/scenario_inputs.hpp"
#include "io/atomic_file.hpp"
#include "io/input_file.hpp"
#include "io/output_paths.hpp"
#include "io/scenario_parser.hpp"
#include "io/sha256.hpp"
#include "io/site_layer.hpp"
#include "run/batch_steps.hpp"
#include "run/interrupt.hpp"
#include "run/plan_outputs.hpp"
#include "run/version.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

namespace covsim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The plan file and what it is evaluated on: the network as built (its layers, sunk, and their
// sites on the study area) and the scenario the candidates are evaluated with (the built layers
// followed by one layer per radio option).
struct PlanInputs {
    io::PlanFile file;
    std::vector<Scenario> built; // one scenario: the network as built
    std::vector<Variant> variants;
    Scenario evaluated;
    std::vector<std::optional<std::size_t>> option_layer;
    std::vector<std::optional<std::size_t>> masts_layer;
};

std::optional<std::size_t> layer_index(const Scenario& sc, const std::string& name) {
    for (std::size_t l = 0; l < sc.layers.size(); ++l) {
        if (sc.layers[l].name == name) {
            return l;
        }
    }
    return std::nullopt;
}

// The layer an option deploys: its template's radio, under the option's name.
LayerSpec planned_layer(const Scenario& sc, const plan::OptionSpec& o) {
    LayerSpec l = sc.layers[*layer_index(sc, o.template_layer)];
    l.name = o.name;
    l.site_type = o.site_type;
    l.sites_path.clear();
    l.sites_layer.clear();
    if (l.carrier == o.template_layer) {
        l.carrier.clear();
    }
    return l;
}

std::unique_ptr<PlanInputs> load_plan(const fs::path& path) {
    auto in = std::make_unique<PlanInputs>();
    in->file = io::parse_plan_file(path);
    for (const std::string& w : io::scenario_warnings(in->file.scenario)) {
        spdlog::warn("{}", w);
    }
    const plan::PlanSpec& spec = in->file.spec;
    Scenario built = in->file.scenario;
    built.layers.clear();
    for (const LayerSpec& l : in->file.scenario.layers) {
        if (std::find(spec.existing.begin(), spec.existing.end(), l.name) != spec.existing.end()) {
            built.layers.push_back(l);
            built.layers.back().site_type = SiteType::existing;
        }
    }
    in->built.push_back(std::move(built));
    in->variants = load_variants(in->built);
    in->evaluated = in->built.front();
    for (const plan::OptionSpec& o : spec.options) {
        in->option_layer.emplace_back();
        in->masts_layer.emplace_back();
        if (o.radio()) {
            in->option_layer.back() = in->evaluated.layers.size();
            in->evaluated.layers.push_back(planned_layer(in->file.scenario, o));
        }
        if (o.kind == plan::OptionKind::masts) {
            in->masts_layer.back() = layer_index(in->built.front(), o.masts_layer);
        }
    }
    return in;
}

// Refuses a budget that the network as built already exceeds in some district (its running
// costs are sunk but not free), naming the districts.
void check_budget(const plan::PlanSpec& spec, const plan::Evaluator& evaluator,
                  const StudyArea& area) {
    if (!spec.target.district_budget_usd_per_year) {
        return;
    }
    const std::vector<plan::Candidate> built(
        area.district_count(), plan::Candidate{std::vector<std::int16_t>(spec.options.size(), -1)});
    std::string over;
    for (std::size_t d = 0; d < area.district_count(); ++d) {
        const double cost = evaluator.evaluate(d, built[d], built).annualised_cost_usd;
        if (cost > *spec.target.district_budget_usd_per_year) {
            over += fmt::format("{}{} ({:.0f} USD a year)", over.empty() ? "" : ", ",
                                area.districts[d].code, cost);
        }
    }
    if (!over.empty()) {
        throw Error(ErrorCode::input_data,
                    fmt::format("[plan] district_budget_usd_per_year = {:g} is below the running "
                                "costs of the network as built in district {}",
                                *spec.target.district_budget_usd_per_year, over));
    }
}

// The search's progress as log lines, at most one per interval, and at the end of each sweep.
class PlanProgressLog {
public:
    PlanProgressLog(ProgressMode mode, double interval_s) : mode_(mode), interval_s_(interval_s) {}

    void operator()(const plan::PlanProgress& p) {
        if (mode_ == ProgressMode::none) {
            return;
        }
        if (p.sweep != sweep_ || p.pass != pass_) {
            sweep_ = p.sweep;
            pass_ = p.pass;
            sweep_start_ = Clock::now();
        }
        const bool last = p.districts_done == p.district_count;
        if (!last && seconds_since(last_line_) < interval_s_) {
            return;
        }
        last_line_ = Clock::now();
        spdlog::info("plan: {}", describe(p, seconds_since(sweep_start_)));
    }

    // "sweep 1, 12/30 districts, 412 evaluations (this sweep: 412 of about 1030), the choices
    // so far cost 53.20 M USD a year (12 districts), about 95 s left in this sweep". The
    // stage's total and time left are extrapolated from its districts done: a district's
    // search ends when its target is met, so its length is not known in advance.
    static std::string describe(const plan::PlanProgress& p, double elapsed_s) {
        const char* stage = p.pass ? "pass" : "sweep";
        const bool last = p.districts_done == p.district_count;
        const double per_district = 1.0 / static_cast<double>(p.districts_done);
        const double left = static_cast<double>(p.district_count - p.districts_done);
        std::string out = fmt::format("{} {}, {}/{} districts, {} evaluations", stage, p.sweep,
                                      p.districts_done, p.district_count, p.evaluations);
        out += last ? fmt::format(" ({} in this {})", p.stage_evaluations, stage)
                    : fmt::format(" (this {}: {} of about {:.0f})", stage, p.stage_evaluations,
                                  static_cast<double>(p.stage_evaluations) *
                                      (1.0 + left * per_district));
        if (p.districts_costed > 0) {
            out += fmt::format(", the choices so far cost {:.2f} M USD a year",
                               p.city_cost_usd_per_year / 1e6);
            if (p.districts_costed < p.district_count) {
                out += fmt::format(" ({} districts)", p.districts_costed);
            }
        }
        if (!last) {
            out += fmt::format(", about {:.0f} s left in this {}", elapsed_s * per_district * left,
                               stage);
        }
        return out;
    }

private:
    ProgressMode mode_;
    double interval_s_;
    int sweep_ = 0;
    bool pass_ = false;
    Clock::time_point sweep_start_ = Clock::now();
    Clock::time_point last_line_ = Clock::now();
};

// Per sweep and pass, how many districts changed their choice (and, with -v, which and how).
void log_sweeps(const std::string& name, const plan::PlanResult& result, const plan::PlanSpec& spec,
                const StudyArea& area) {
    std::vector<plan::Candidate> before(
        area.district_count(), plan::Candidate{std::vector<std::int16_t>(spec.options.size(), -1)});
    const auto log = [&](const char* what, std::size_t i,
                         const std::vector<plan::Candidate>& after) {
        std::size_t changed = 0;
        for (std::size_t d = 0; d < after.size(); ++d) {
            if (after[d] != before[d]) {
                ++changed;
                spdlog::debug("plan {}: {} {}: district {}: {} -> {}", name, what, i + 1,
                              area.districts[d].code, plan::describe(before[d], spec.options),
                              plan::describe(after[d], spec.options));
            }
        }
        spdlog::info("plan {}: {} {} changed the choice of {} districts", name, what, i + 1,
                     changed);
        before = after;
    };
    for (std::size_t i = 0; i < result.choices_per_sweep.size(); ++i) {
        log("sweep", i, result.choices_per_sweep[i]);
    }
    for (std::size_t i = 0; i < result.choices_per_pass.size(); ++i) {
        log("pass", i, result.choices_per_pass[i]);
    }
}

// The search's evaluations, kept in DIR/.plan_cache.json after each sweep and pass under a
// checksum of every input and of covsim itself: a plan stopped by Ctrl-C (or finished) resumes
// from them when run again with the same inputs, without evaluating anything twice.
class SavedEvaluations {
public:
    SavedEvaluations(fs::path path, std::string checksum, bool force, std::size_t districts)
        : path_(std::move(path)), checksum_(std::move(checksum)) {
        cache_.resize(districts);
        std::error_code ec;
        if (force || !fs::exists(path_, ec)) {
            return;
        }
        try {
            std::ifstream in(path_, std::ios::binary);
            const nlohmann::json j = nlohmann::json::parse(in);
            if (j.at("checksum").get<std::string>() != checksum_ ||
                j.at("districts").size() != districts) {
                spdlog::info("plan: the inputs changed since '{}' was saved; searching from the "
                             "start",
                             path_.string());
                return;
            }
            for (std::size_t d = 0; d < districts; ++d) {
                for (const nlohmann::json& e : j.at("districts")[d]) {
                    const auto v = e.at("e").get<std::vector<double>>();
                    const plan::DistrictEvaluation ev{v.at(0), v.at(1), v.at(2), v.at(3),
                                                      static_cast<std::size_t>(v.at(4))};
                    cache_[d].emplace(e.at("k").get<std::vector<std::int16_t>>(), ev);
                    ++loaded_;
                }
            }
        } catch (const std::exception& e) {
            cache_.assign(districts, {});
            loaded_ = 0;
            spdlog::warn("plan: cannot read '{}' ({}); searching from the start", path_.string(),
                         e.what());
        }
    }

    [[nodiscard]] plan::EvaluationCache& cache() { return cache_; }
    [[nodiscard]] std::size_t loaded() const { return loaded_; }

    void save(const plan::EvaluationCache& cache) const {
        nlohmann::json districts = nlohmann::json::array();
        for (const auto& map : cache) {
            nlohmann::json entries = nlohmann::json::array();
            for (const auto& [key, e] : map) {
                entries.push_back({{"k", key},
                                   {"e",
                                    {e.population, e.served_population, e.subscribers,
                                     e.annualised_cost_usd, static_cast<double>(e.sites_added)}}});
            }
            districts.push_back(std::move(entries));
        }
        io::AtomicFile f(path_);
        std::ofstream out(f.temp_path(), std::ios::binary | std::ios::trunc);
        out << nlohmann::json{{"checksum", checksum_}, {"districts", districts}}.dump() << '\n';
        out.close();
        if (!out) {
            io::throw_cannot_write(path_);
        }
        f.commit();
    }

private:
    fs::path path_;
    std::string checksum_;
    plan::EvaluationCache cache_;
    std::size_t loaded_ = 0;
};

// What the search's evaluations depend on: the built network's inputs and resolved scenario,
// the plan file as written (its [plan]), and covsim's version.
std::string plan_checksum(PlanInputs& in, const fs::path& plan_file) {
    checksum_variants(in.variants, false);
    io::Sha256 h;
    h.update("covsim plan cache 1\n");
    h.update(std::string(version()) + " " + std::string(git_commit()) + "\n");
    h.update(in.variants.front().checksum + "\n");
    h.update(io::read_input_file(plan_file, "plan file", io::max_scenario_file_bytes,
                                 ErrorCode::scenario));
    return h.hex_digest();
}

// A denser choice for a district that the whole-city run finds short of the target: the next
// step of its first grid option that has one; else the cheapest other candidate its search
// found reaching the target, within the district budget, at a higher cost than the current one.
std::optional<plan::Candidate> densify(const plan::DistrictPlan& p, const plan::Candidate& current,
                                       const plan::PlanSpec& spec) {
    for (std::size_t o = 0; o < current.steps.size(); ++o) {
        const std::int16_t s = current.steps[o];
        if (s >= 0 && spec.options[o].kind == plan::OptionKind::grid &&
            static_cast<std::size_t>(s) + 1 < spec.options[o].steps()) {
            plan::Candidate next = current;
            ++next.steps[o];
            return next;
        }
    }
    // The current choice's cost: from the search when it is there, else at least the plan's.
    double current_cost = p.evaluation.annualised_cost_usd;
    for (const plan::EvaluatedCandidate& e : p.evaluated) {
        if (e.candidate == current) {
            current_cost = e.evaluation.annualised_cost_usd;
        }
    }
    const plan::EvaluatedCandidate* best = nullptr;
    for (const plan::EvaluatedCandidate& e : p.evaluated) {
        const double cost = e.evaluation.annualised_cost_usd;
        const bool in_budget = !spec.target.district_budget_usd_per_year ||
                               cost <= *spec.target.district_budget_usd_per_year;
        if (e.candidate != current && cost > current_cost && in_budget &&
            e.evaluation.served_share() >= spec.target.served_share &&
            (best == nullptr || cost < best->evaluation.annualised_cost_usd)) {
            best = &e;
        }
    }
    return best != nullptr ? std::optional(best->candidate) : std::nullopt;
}

// The whole-city run of plan.toml with the steps of `covsim run` (nothing written yet).
struct Confirmation {
    std::vector<Scenario> scenarios;
    std::vector<Variant> variants;
    ScenarioResult result;
};

std::unique_ptr<Confirmation> confirm(const fs::path& plan_toml, tbb::task_group_context& ctx) {
    auto c = std::make_unique<Confirmation>();
    c->scenarios = parse_batch({plan_toml});
    c->variants = load_variants(c->scenarios);
    c->result = parallel::run_in(ctx, [&] { return compute_variant(c->variants.front()); });
    return c;
}

void stop_if_interrupted(const CancellationMonitor& monitor) {
    if (monitor.stopped()) {
        const int sig = InterruptHandler::signal_received();
        throw Error(ErrorCode::interrupted,
                    fmt::format("plan interrupted by {}; nothing of it was written as complete; "
                                "run the same command again",
                                sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    }
}

// Everything a plan needs before its search. The process that writes the outputs also opens
// (and locks) the output directory.
struct PlanSetup {
    std::unique_ptr<PlanInputs> in;
    std::optional<OutputDirectory> out;
    std::unique_ptr<plan::KernelEvaluator> evaluator;
};

std::unique_ptr<PlanSetup> prepare_plan(const PlanConfig& config, bool writes) {
    auto setup = std::make_unique<PlanSetup>();
    setup->in = load_plan(config.plan_file);
    PlanInputs& in = *setup->in;
    const StudyArea& area = in.variants.front().area->area;
    if (writes) {
        setup->out.emplace(open_plan_output(config.out_dir, config.plan_file, in.variants));
    }
    plan::KernelEvaluatorInput ein;
    ein.scenario = &in.evaluated;
    ein.area = &area;
    ein.spec = &in.file.spec;
    ein.built_sectors = in.variants.front().input.sectors;
    ein.option_layer = in.option_layer;
    ein.masts_layer = in.masts_layer;
    ein.ftth_built = in.variants.front().ftth_district;
    const auto round_trip = std::make_shared<io::CsvPositionRoundTrip>(area.grid.crs_wkt);
    ein.site_position = [round_trip](double& x, double& y) { (*round_trip)(x, y); };
    setup->evaluator = std::make_unique<plan::KernelEvaluator>(std::move(ein));
    check_budget(in.file.spec, *setup->evaluator, area);
    return setup;
}

} // namespace

PlanReport run_plan(const PlanConfig& config) {
    return *run_plan(config, nullptr);
}

std::optional<PlanReport> run_plan(const PlanConfig& config, const PlanSharing* sharing) {
    const auto t0 = Clock::now();
    const int threads = config.threads > 0 ? config.threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    const bool writes = sharing == nullptr || sharing->root();
    std::unique_ptr<PlanSetup> setup;
    if (sharing == nullptr) {
        setup = prepare_plan(config, true);
    } else {
        std::exception_ptr failure;
        try {
            setup = prepare_plan(config, writes);
        } catch (...) {
            failure = std::current_exception();
        }
        sharing->agree(failure); // throws on every process when one failed
    }
    const std::unique_ptr<PlanInputs>& in = setup->in;
    const plan::PlanSpec& spec = in->file.spec;
    const StudyArea& area = in->variants.front().area->area;
    const plan::KernelEvaluator& evaluator = *setup->evaluator;

    PlanReport report;
    report.name = in->file.scenario.name;
    report.out_dir = config.out_dir;
    report.threads = threads;
    report.target_served_share = spec.target.served_share;
    report.target_indoors = spec.target.indoors;
    report.affordability_threshold = in->file.scenario.cost.affordability_threshold;
    report.city_budget_usd_per_year = spec.target.city_budget_usd_per_year;

    const InterruptHandler interrupts;
    tbb::task_group_context context;
    Progress ticker(ProgressMode::none, 1, 0);
    const CancellationMonitor monitor(context, ticker);

    spdlog::info("plan {}: searching {} districts, {} options", report.name, area.district_count(),
                 spec.options.size());
    PlanProgressLog log(writes ? config.progress : ProgressMode::none, config.progress_interval_s);
    plan::PlanResult result;
    // Every process resumes from the evaluations saved by an earlier plan; one saves them.
    SavedEvaluations saved(config.out_dir / ".plan_cache.json",
                           plan_checksum(*in, config.plan_file), config.force,
                           area.district_count());
    if (saved.loaded() > 0) {
        spdlog::info("plan {}: resuming with {} evaluations saved in '{}'", report.name,
                     saved.loaded(), (config.out_dir / ".plan_cache.json").string());
    }
    const auto save = [&](const plan::EvaluationCache& cache) {
        if (writes && !monitor.stopped()) { // evaluations of cancelled work may be incomplete
            saved.save(cache);
        }
    };
    // One body bound to `context`, so that Ctrl-C cancels the search's parallel work.
    result = parallel::run_in(context, [&] {
        return plan::plan_network(spec, evaluator, {}, std::ref(log), &saved.cache(), save,
                                  sharing);
    });
    stop_if_interrupted(monitor);
    if (!writes) {
        return std::nullopt; // the search's sweeps were shared; the writing process goes on
    }
    const OutputDirectory& out = *setup->out;
    report.sweeps = result.sweeps;
    report.passes = result.passes;
    report.converged = result.converged;
    report.evaluations = result.evaluations;
    log_sweeps(report.name, result, spec, area);
    if (!result.converged) {
        spdlog::warn("plan {}: choices still changed in the last pass (max_sweeps = {}); the "
                     "whole-city run confirms the last ones",
                     report.name, spec.max_sweeps);
    }

    std::vector<plan::Candidate> choices;
    for (const plan::DistrictPlan& p : result.districts) {
        choices.push_back(p.choice);
    }
    const PlanWriter writer(in->file, in->evaluated, in->built.front().layers.size(),
                            in->option_layer, evaluator, out.path());
    std::unique_ptr<Confirmation> c;
    for (int round = 1;; ++round) {
        const fs::path plan_toml = writer.write_scenario(choices);
        spdlog::info("plan {}: whole-city run {} of plan.toml", report.name, round);
        c = confirm(plan_toml, context);
        stop_if_interrupted(monitor);
        report.confirm_rounds = round;
        bool changed = false;
        for (std::size_t d = 0; d < choices.size() && round <= config.confirm_rounds; ++d) {
            const double served =
                plan::served_population(c->result.capacity.districts[d], spec.target);
            const double people = c->result.coverage.districts[d].population;
            if (people > 0.0 && served / people < spec.target.served_share - 1e-12) {
                if (auto next = densify(result.districts[d], choices[d], spec)) {
                    report.densified.push_back(fmt::format("{}: {} -> {}", area.districts[d].code,
                                                           plan::describe(choices[d], spec.options),
                                                           plan::describe(*next, spec.options)));
                    choices[d] = *next;
                    changed = true;
                }
            }
        }
        if (!changed) {
            break;
        }
    }
    for (const std::string& d : report.densified) {
        spdlog::info("plan {}: densified after the whole-city run: {}", report.name, d);
    }

    const RunInfo run{std::string(version()), std::string(git_commit()), config.command_line,
                      threads};
    checksum_variants(c->variants, false);
    std::mutex hdf5_mutex;
    out.store().invalidate(c->result.scenario->name); // a plan run before into this directory
    commit_variant(c->result, out, run, false, hdf5_mutex);
    assemble_batch(c->variants, out, false);
    fill_plan_rows(report, c->result, choices, result, spec, in->built.front().layers.size());
    report.files = writer.write_tables(report);
    write_batch_data_package(c->variants, out, plan_tables()); // the run's tables and the plan's
    report.elapsed_s = seconds_since(t0);
    return report;
}

} // namespace covsim
