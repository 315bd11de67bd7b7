#include "run/batch.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "run/batch_steps.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/version.hpp"

#include <chrono>
#include <mutex>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/task_group.h>

namespace covsim {

using Clock = std::chrono::steady_clock;

RunReport run_batch(const RunConfig& config) {
    const auto t0 = Clock::now();
    check_run_config(config);
    const int threads = batch_threads(config);
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
    spdlog::info("{} of {} variants to compute", pending.size(), variants.size());
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
                Variant& v = *pending[i];
                if (const auto seconds = compute_and_commit(v, out, run, config.web_tiles, monitor,
                                                            progress, hdf5_mutex)) {
                    spdlog::info("scenario {}: done in {:.1f} s", v.scenario->name, *seconds);
                }
            },
            context);
    }
    if (const int sig = InterruptHandler::signal_received(); sig != 0) {
        throw interrupted_batch(sig, variants, out);
    }

    report.scenarios = assemble_batch(variants, out, config.web_tiles);
    report.files = batch_files(config.out_dir, config.web_tiles);
    report.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return report;
}

} // namespace covsim
