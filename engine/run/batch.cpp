#include "run/batch.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "io/web_viewer.hpp"
#include "run/batch_steps.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/version.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <functional>
#include <mutex>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

namespace covsim {

namespace {

using Clock = std::chrono::steady_clock;

// Computes and commits one variant, unless the batch is stopping; a variant that fails or is
// stopped leaves nothing that looks complete (run/variant_store).
void compute_and_commit(Variant& v, const OutputDirectory& out, const RunInfo& run,
                        const RunConfig& config, const CancellationMonitor& monitor,
                        Progress& progress, std::mutex& hdf5_mutex) {
    const std::string& name = v.scenario->name;
    if (monitor.stopped()) {
        return;
    }
    const auto t0 = Clock::now();
    progress.started(name);
    bool committed = false;
    struct Abandoned {
        const std::function<void()> f;
        ~Abandoned() { f(); }
    } abandoned{[&] {
        if (!committed) {
            out.store().abandon(name);
            progress.abandoned(name);
        }
    }};
    out.store().invalidate(name);
    ScenarioResult result;
    // Isolated: while it waits for its tiles, this thread takes no other variant, so at most
    // --threads variants are in memory at once.
    tbb::this_task_arena::isolate([&] { result = compute_variant(v); });
    if (monitor.stopped()) {
        return; // cancelled TBB work may have left tiles out: never write it
    }
    commit_variant(result, out, run, config.web_tiles, hdf5_mutex);
    committed = true;
    spdlog::info("scenario {}: done in {:.1f} s", name,
                 std::chrono::duration<double>(Clock::now() - t0).count());
    progress.finished(name);
}

// The error of a batch stopped by a signal, after its finished variants were committed.
Error interrupted(int sig, const std::vector<Variant>& variants, const OutputDirectory& out) {
    std::size_t complete = 0;
    for (const Variant& v : variants) {
        complete += out.store().stored_checksum(v.scenario->name) == v.checksum ? 1 : 0;
    }
    return Error(ErrorCode::interrupted,
                 fmt::format("interrupted by {} with {} of {} variants complete in '{}'; run the "
                             "same command again to compute the rest",
                             sig == SIGINT ? "SIGINT" : "SIGTERM", complete, variants.size(),
                             (out.path() / "variants").string()));
}

} // namespace

RunReport run_batch(const RunConfig& config) {
    const auto t0 = Clock::now();
    if (config.scenario_files.empty()) {
        throw Error(ErrorCode::usage, "no scenario files given");
    }
    if (config.web_tiles) {
        io::leaflet_dir(); // the viewer needs Leaflet: fail now rather than after computing
    }
    const int threads = config.threads > 0 ? config.threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));

    const std::vector<Scenario> scenarios = parse_batch(config.scenario_files);
    // Loaded before the output directory is opened: open_output compares the real paths of
    // every input with the paths the batch writes.
    std::vector<Variant> variants = load_variants(scenarios);
    const OutputDirectory out = open_output(config.out_dir, variants);
    checksum_variants(variants, config.web_tiles);
    const std::vector<Variant*> pending = select_pending(variants, out.store(), config.force);

    RunReport report;
    report.out_dir = config.out_dir;
    report.threads = threads;
    report.computed = pending.size();
    report.skipped = variants.size() - pending.size();
    const RunInfo run{std::string(version()), std::string(git_commit()), config.command_line,
                      threads};

    // Ctrl-C or SIGTERM cancels the TBB work: the tiles being computed finish, the variants
    // being computed are dropped, the finished ones stay.
    const InterruptHandler interrupts;
    {
        tbb::task_group_context context;
        std::mutex hdf5_mutex; // the HDF5 library is not built thread-safe
        Progress progress(config.progress, variants.size(), report.skipped,
                          config.progress_interval_s);
        const CancellationMonitor monitor(context, progress);
        parallel::for_each_limited(
            pending.size(), variants_side_by_side(pending, threads),
            [&](std::size_t i) {
                compute_and_commit(*pending[i], out, run, config, monitor, progress, hdf5_mutex);
            },
            context);
    }
    if (const int sig = InterruptHandler::signal_received(); sig != 0) {
        throw interrupted(sig, variants, out);
    }

    report.scenarios = assemble_batch(variants, out, config.web_tiles);
    for (const char* name :
         {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv", "districts.gpkg",
          "covsim.qgs", "batch.png", "catalog.json", "datapackage.json", "maps", "variants"}) {
        report.files.push_back(config.out_dir / name);
    }
    if (config.web_tiles) {
        for (const char* name : {"tiles", "index.html", "web"}) {
            report.files.push_back(config.out_dir / name);
        }
    }
    report.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return report;
}

} // namespace covsim
