// covsim validate SCENARIO.toml...

#include "commands.hpp"
#include "run/validate.hpp"

#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

void add_validate_command(CLI::App& app, Context& ctx) {
    auto files = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = app.add_subcommand(
        "validate", "Check scenario files, every variant and the data they reference, without "
                    "computing");
    cmd->add_option("scenarios", *files, "Scenario files (TOML)")->required();
    cmd->callback([&ctx, files] {
        ctx.action = [files] {
            const ValidationReport r = validate_scenarios(
                std::vector<std::filesystem::path>(files->begin(), files->end()));
            std::cout << fmt::format("{} scenario{}, {} variant{}: valid\n", r.files,
                                     r.files == 1 ? "" : "s", r.variants,
                                     r.variants == 1 ? "" : "s");
            return 0;
        };
    });
}

} // namespace covsim::cli
