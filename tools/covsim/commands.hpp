#pragma once
// The subcommands of the covsim CLI. Each add_*_command registers its options on `app` and
// sets `action` to what runs when that subcommand is chosen; main() maps errors to exit codes.

#include "cluster/cluster.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace covsim::cli {

struct Context {
    std::function<int()> action;
    const cluster::Session* session = nullptr; // the MPI job (one process: not distributed)
    std::string command_line;
    bool quiet = false;    // -q: warnings and errors only
    bool json_log = false; // --log-format json
};

void add_run_command(CLI::App& app, Context& ctx);
// "2 threads", "1 thread", "3 ranks of 1 thread each": how a run or a plan was computed.
std::string threads_text(int ranks, int threads);
void add_link_command(CLI::App& app, Context& ctx);
void add_models_command(CLI::App& app, Context& ctx);
void add_sites_command(CLI::App& app, Context& ctx);
void add_antenna_command(CLI::App& app, Context& ctx);
void add_info_command(CLI::App& app, Context& ctx);
void add_compare_command(CLI::App& app, Context& ctx);
void add_export_command(CLI::App& app, Context& ctx);
void add_validate_command(CLI::App& app, Context& ctx);
void add_area_command(CLI::App& app, Context& ctx);
void add_plan_command(CLI::App& app, Context& ctx);

} // namespace covsim::cli
