// covsim run SCENARIO.toml... [--out DIR] [--threads N] [--web-tiles] [--force] [--list]

#include "cluster/cluster.hpp"
#include "commands.hpp"
#include "io/scenario_parser.hpp"
#include "run/batch.hpp"
#include "run/summary_table.hpp"

#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace covsim::cli {

std::string threads_text(int ranks, int threads) {
    const std::string per_rank = fmt::format("{} thread{}", threads, threads == 1 ? "" : "s");
    return ranks > 1 ? fmt::format("{} ranks of {} each", ranks, per_rank) : per_rank;
}

void add_run_command(CLI::App& app, Context& ctx) {
    auto config = std::make_shared<RunConfig>();
    auto files = std::make_shared<std::vector<std::string>>();
    auto out_dir = std::make_shared<std::string>("out");
    CLI::App* cmd = app.add_subcommand("run", "Run a batch of scenarios and write the results");
    cmd->add_option("scenarios", *files, "Scenario files (TOML)")->required();
    cmd->add_option("-o,--out", *out_dir, "Output directory")->capture_default_str();
    cmd->add_option("-t,--threads", config->threads, "Worker threads (0: all cores)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    cmd->add_flag("--web-tiles", config->web_tiles,
                  "Also write XYZ PNG tiles of the styled maps to DIR/tiles/ (docs/qgis.md)");
    cmd->add_flag("--force", config->force,
                  "Recompute every variant, also those already in DIR/variants/ with unchanged "
                  "inputs");
    auto list = std::make_shared<bool>(false);
    cmd->add_flag("--list", *list,
                  "Print the scenarios of the batch (every variant of a [sweep]), one name per "
                  "line, after validating the files; compute nothing");
    cmd->callback([&ctx, config, files, out_dir, list] {
        ctx.action = [&ctx, config, files, out_dir, list] {
            config->scenario_files.assign(files->begin(), files->end());
            const bool root = ctx.session->rank() == 0;
            if (*list) {
                if (!root) {
                    return 0; // rank 0 prints the list
                }
                for (const Scenario& sc : io::parse_scenario_batch(config->scenario_files)) {
                    std::cout << sc.name << '\n';
                }
                return 0;
            }
            config->out_dir = *out_dir;
            config->command_line = ctx.command_line;
            // A live line on a terminal; log lines (text or JSON) otherwise; nothing with -q.
            config->progress = ctx.quiet               ? ProgressMode::none
                               : ctx.json_log          ? ProgressMode::plain
                               : isatty(STDERR_FILENO) ? ProgressMode::live
                                                       : ProgressMode::plain;
            const std::optional<RunReport> ran = cluster::run_batch(*config, *ctx.session);
            if (!ran) {
                return 0; // a rank other than 0: rank 0 prints the summary
            }
            const RunReport& report = *ran;
            std::cout << format_summary(report);
            std::cout << fmt::format("\nResults in {}/ ({} scenarios: {} computed, {} unchanged; "
                                     "{:.1f} s, {}):\n",
                                     report.out_dir.string(), report.scenarios.size(),
                                     report.computed, report.skipped, report.elapsed_s,
                                     threads_text(report.ranks, report.threads));
            for (const auto& f : report.files) {
                std::cout << "  " << f.string() << '\n';
            }
            return 0;
        };
    });
}

} // namespace covsim::cli
