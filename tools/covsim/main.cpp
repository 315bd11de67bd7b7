// covsim-engine: the command-line interface (started by the covsim launcher, launcher.cpp). Only
// option parsing and the mapping of errors to exit codes live here; the work is done by
// covsim::run and the other libraries.

#include "commands.hpp"
#include "core/error.hpp"
#include "io/gdal_support.hpp"
#include "run/error_report.hpp"
#include "run/json_log_sink.hpp"
#include "run/version.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string_view>

namespace {

// Prints every line of `message` (nothing when it is empty: another rank of the job prints it),
// prefixed with the rank on ranks other than 0.
void print_error(const std::string& message, int rank = 0) {
    std::istringstream lines(message);
    std::string line;
    const std::string prefix =
        rank == 0 ? "covsim: error: " : fmt::format("covsim: error: rank {}: ", rank);
    while (std::getline(lines, line)) {
        std::cerr << prefix << line << '\n';
    }
}

// The exit code of a failed command; under MPI, an error the other ranks do not know of ends
// the whole job (cluster::Session::abort) so that none of them waits forever.
int failed(const covsim::cluster::Session& session, int exit_code) {
    if (session.distributed() && !session.failure_agreed()) {
        session.abort(exit_code);
    }
    return exit_code;
}

// An argument as a POSIX shell reads it back: as is when it holds only characters the shell
// does not interpret, else in single quotes (a quote inside as '\'').
std::string shell_quoted(const std::string& arg) {
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 ||
               std::string_view("_@%+=:,./-").find(static_cast<char>(c)) != std::string_view::npos;
    });
    if (plain) {
        return arg;
    }
    std::string out = "'";
    for (const char c : arg) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

// The command line as stored in results.h5, quoted so that it can be rerun as written.
std::string join_arguments(int argc, char** argv) {
    std::string out;
    for (int i = 0; i < argc; ++i) {
        out += (i > 0 ? " " : "") + shell_quoted(argv[i]);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("covsim");
    logger->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);

    std::optional<covsim::cluster::Session> session;
    try {
        session.emplace(argc, argv);
    } catch (const covsim::Error& e) {
        print_error(e.what());
        return e.exit_code();
    }
    const int rank = session->rank();
    if (rank != 0) {
        logger->set_pattern(fmt::format("rank {}: %^%l%$: %v", rank));
    }

    CLI::App app{"covsim: coverage, capacity and cost of mobile and fixed broadband for a city",
                 "covsim"};
    app.require_subcommand(1);
    app.fallthrough(); // global options (-q, -v) may follow the subcommand
    app.set_version_flag("--version",
                         fmt::format("covsim {} ({})", covsim::version(), covsim::git_commit()));
    bool quiet = false;
    bool verbose = false;
    bool allow_network = false;
    std::string log_format = "text";
    app.add_flag("-q,--quiet", quiet, "Only print warnings and errors (no progress)");
    app.add_flag("-v,--verbose", verbose, "Print debug messages, GDAL's among them");
    app.add_flag("--allow-network", allow_network,
                 "Let GDAL read remote data (/vsicurl/, http:// sources of a VRT, ...); off by "
                 "default: such inputs are an error");
    app.add_option("--log-format", log_format,
                   "Log messages as text, or as one JSON object per line (time, level, message)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    covsim::cli::Context ctx;
    ctx.session = &*session;
    ctx.command_line = join_arguments(argc, argv);
    covsim::cli::add_run_command(app, ctx);
    covsim::cli::add_plan_command(app, ctx);
    covsim::cli::add_link_command(app, ctx);
    covsim::cli::add_models_command(app, ctx);
    covsim::cli::add_sites_command(app, ctx);
    covsim::cli::add_antenna_command(app, ctx);
    covsim::cli::add_info_command(app, ctx);
    covsim::cli::add_compare_command(app, ctx);
    covsim::cli::add_export_command(app, ctx);
    covsim::cli::add_validate_command(app, ctx);
    covsim::cli::add_area_command(app, ctx);

    // Under mpirun every rank parses the same arguments: rank 0 alone prints the help, the
    // version or what is wrong with them.
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::CallForAllHelp& e) {
        return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::CallForVersion& e) {
        return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::ParseError& e) {
        if (rank == 0) {
            print_error(e.what());
            std::cerr << "Run 'covsim --help' for usage.\n";
        }
        return static_cast<int>(covsim::ErrorCode::usage);
    }
    if (const std::string command = app.get_subcommands().front()->get_name();
        session->distributed() && command != "run" && command != "plan") {
        session->set_failure_agreed();
        print_error(rank != 0 ? std::string()
                              : fmt::format("covsim {} runs as one process; of the commands only "
                                            "covsim run and covsim plan are distributed over MPI "
                                            "ranks: start it without mpirun or srun",
                                            command));
        return static_cast<int>(covsim::ErrorCode::usage);
    }
    ctx.quiet = quiet;
    if (allow_network) {
        covsim::io::set_gdal_network_access(true);
    }
    ctx.json_log = log_format == "json";
    if (ctx.json_log) {
        logger->sinks() = {covsim::make_json_log_sink()};
    }
    // Ranks other than 0 print their warnings only: progress and the summary are rank 0's.
    spdlog::set_level(verbose              ? spdlog::level::debug
                      : quiet || rank != 0 ? spdlog::level::warn
                                           : spdlog::level::info);

    try {
        return ctx.action ? ctx.action() : 0;
    } catch (const std::exception&) {
        const covsim::ErrorReport report = covsim::current_error_report();
        print_error(report.message, rank);
        return failed(*session, report.exit_code);
    }
}
