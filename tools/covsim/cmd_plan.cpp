// covsim plan PLAN.toml [--out DIR] [--threads N] [--force]

#include "cluster/cluster.hpp"
#include "commands.hpp"
#include "run/plan.hpp"

#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

void add_plan_command(CLI::App& app, Context& ctx) {
    auto config = std::make_shared<PlanConfig>();
    auto file = std::make_shared<std::string>();
    auto out_dir = std::make_shared<std::string>("plan");
    CLI::App* cmd = app.add_subcommand(
        "plan", "Find the least-cost network that serves the target share of every district "
                "(docs/planning.md)");
    cmd->add_option("plan", *file, "Plan file (TOML, docs/plan-format.md)")->required();
    cmd->add_option("-o,--out", *out_dir, "Output directory")->capture_default_str();
    cmd->add_option("-t,--threads", config->threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    cmd->add_flag("--force", config->force,
                  "Search from the start, ignoring the evaluations saved in DIR/.plan_cache.json "
                  "by an earlier (or interrupted) plan of the same inputs");
    cmd->callback([&ctx, config, file, out_dir] {
        ctx.action = [&ctx, config, file, out_dir] {
            config->plan_file = *file;
            config->out_dir = *out_dir;
            config->command_line = ctx.command_line;
            config->progress = ctx.quiet ? ProgressMode::none : ProgressMode::plain;
            const std::optional<PlanReport> planned = cluster::run_plan(*config, *ctx.session);
            if (!planned) {
                return 0; // a rank other than 0: rank 0 prints the plan
            }
            const PlanReport& report = *planned;
            std::cout << format_plan_report(report);
            std::cout << fmt::format("\nPlan in {}/ ({:.1f} s, {}):\n", report.out_dir.string(),
                                     report.elapsed_s,
                                     threads_text(ctx.session->size(), report.threads));
            for (const auto& f : report.files) {
                std::cout << "  " << f.string() << '\n';
            }
            return 0;
        };
    });
}

} // namespace covsim::cli
