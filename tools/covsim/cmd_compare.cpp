// covsim compare RESULTS.h5... [--base NAME] [--out compare.csv]

#include "commands.hpp"
#include "run/compare.hpp"

#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

void add_compare_command(CLI::App& app, Context& ctx) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto base = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>("compare.csv");
    CLI::App* cmd = app.add_subcommand(
        "compare", "Compare every scenario with a base: covered, served, cost per subscriber");
    cmd->add_option("results", *files, "results.h5 files written by covsim run")->required();
    cmd->add_option("--base", *base, "Base scenario (default: the first of the first file)");
    cmd->add_option("-o,--out", *out, "CSV file to write")->capture_default_str();
    cmd->callback([&ctx, files, base, out] {
        ctx.action = [files, base, out] {
            CompareConfig config;
            config.files.assign(files->begin(), files->end());
            config.base = *base;
            const Comparison c = compare_results(config);
            std::cout << format_comparison(c);
            write_comparison_csv(c, *out);
            std::cout << fmt::format("\n{} scenario{} against {}: {}\n", c.scenarios.size(),
                                     c.scenarios.size() == 1 ? "" : "s", c.base, *out);
            return 0;
        };
    });
}

} // namespace covsim::cli
