// covsim over MPI ranks (cluster/cluster.hpp): the session, the distributed batch and the
// distributed plan search.
//
// The protocol, on MPI_COMM_WORLD, all messages small:
//   worker -> 0   tag_request   Request {how its last variant ended, which, exit code, ms}
//   worker -> 0   tag_failure   the error message, after a Request that reports a failure
//   0 -> worker   tag_assign    the index of the next variant in batch order, or no_more_work
// Rank 0 answers from a thread of its own (MPI_THREAD_SERIALIZED: after the set-up only that
// thread calls MPI on rank 0) while its main thread computes variants from the same queue.

#include "cluster/cluster.hpp"
#include "core/error.hpp"
#include "run/batch_steps.hpp"
#include "run/error_report.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/version.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <mpi.h>
#include <mutex>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/task_group.h>
#include <thread>

namespace covsim::cluster {

bool built_with_mpi() noexcept {
    return true;
}

Session::Session(int& argc, char**& argv) {
    if (launched_ranks() <= 1) {
        return; // alone: no MPI at all (no singleton start-up, nothing to finalise)
    }
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        throw Error(ErrorCode::internal, "MPI_Init_thread failed");
    }
    initialised_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    if (provided < MPI_THREAD_SERIALIZED) {
        MPI_Finalize();
        throw Error(ErrorCode::internal,
                    rank_ != 0 ? std::string()
                               : "this MPI library does not support MPI_THREAD_SERIALIZED, which "
                                 "covsim's rank 0 needs (one thread schedules while another "
                                 "computes)");
    }
}

Session::~Session() {
    if (initialised_) {
        MPI_Finalize();
    }
}

void Session::abort(int exit_code) const {
    if (initialised_) {
        MPI_Abort(MPI_COMM_WORLD, exit_code);
    }
    std::_Exit(exit_code);
}

namespace {

using Clock = std::chrono::steady_clock;

constexpr int root_rank = 0;
constexpr int tag_request = 1;
constexpr int tag_assign = 2;
constexpr int tag_failure = 3;
constexpr int no_more_work = -1;

enum Ended : int { nothing_yet = 0, finished = 1, failed = 2 };

// What a worker sends rank 0 when it asks for work: how its last variant ended.
struct Request {
    int ended = nothing_yet;
    int variant = -1;
    int exit_code = 0;
    int elapsed_ms = 0;
};
constexpr int request_ints = 4;
static_assert(sizeof(Request) == request_ints * sizeof(int));

// A variant that failed, or was stopped, on some rank.
struct Failure {
    int rank = 0;
    int variant = -1;
    int exit_code = 0;
    std::string message;
};

// The failure the exception being handled is for a user (run/error_report.hpp).
Failure current_failure(int rank, int variant) {
    ErrorReport report = current_error_report();
    return {rank, variant, report.exit_code, std::move(report.message)};
}

std::string broadcast_string(std::string s) {
    unsigned long long size = s.size();
    MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, root_rank, MPI_COMM_WORLD);
    s.resize(size);
    MPI_Bcast(s.data(), static_cast<int>(size), MPI_CHAR, root_rank, MPI_COMM_WORLD);
    return s;
}

std::string receive_string(int source, int tag) {
    MPI_Status status;
    MPI_Probe(source, tag, MPI_COMM_WORLD, &status);
    int size = 0;
    MPI_Get_count(&status, MPI_CHAR, &size);
    std::string s(static_cast<std::size_t>(size), '\0');
    MPI_Recv(s.data(), size, MPI_CHAR, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return s;
}

// Silences the default logger while it lives (the other ranks' copies of rank 0's warnings).
class QuietLog {
public:
    explicit QuietLog(bool quiet) : previous_(spdlog::get_level()) {
        if (quiet) {
            spdlog::set_level(spdlog::level::off);
        }
    }
    QuietLog(const QuietLog&) = delete;
    QuietLog& operator=(const QuietLog&) = delete;
    ~QuietLog() { spdlog::set_level(previous_); }

private:
    spdlog::level::level_enum previous_;
};

// The batch as every rank holds it. Every rank parses and loads the same files (rank 0 alone
// logs their warnings); rank 0 alone locks the output directory, hashes the inputs and selects
// the variants to compute, then gives the checksums to the others.
struct Prepared {
    std::vector<Scenario> scenarios;
    std::vector<Variant> variants;
    std::optional<OutputDirectory> out;
    std::vector<Variant*> pending; // rank 0
};

// Throws, on every rank, when a rank could not prepare the batch: rank 0 its own error or one
// that names the rank whose message is above, the others their own error when rank 0 had none
// (prefixed with the rank by main) and an empty one otherwise.
void agree_on_preparation(const std::optional<Failure>& own, const Session& session) {
    const int code = own ? own->exit_code : 0;
    std::vector<int> codes(static_cast<std::size_t>(session.size()));
    MPI_Allgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    const auto first = std::find_if(codes.begin(), codes.end(), [](int c) { return c != 0; });
    if (first == codes.end()) {
        return;
    }
    session.set_failure_agreed();
    const int failed_rank = static_cast<int>(first - codes.begin());
    if (session.rank() == root_rank) {
        throw Error(static_cast<ErrorCode>(own ? own->exit_code : *first),
                    own ? own->message
                        : fmt::format("rank {} could not read the inputs; its message is above",
                                      failed_rank));
    }
    throw Error(static_cast<ErrorCode>(*first),
                own && codes[root_rank] == 0 ? own->message : std::string());
}

// An input's size in bytes, -1 for what is not a regular file here (a URL).
std::intmax_t file_size_or_none(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? -1 : static_cast<std::intmax_t>(size);
}

// Rank 0's checksums of every variant and digests of its inputs, given to every rank (its
// results record them), one line each in batch order; an input's line also holds its path and
// size, which every rank checks against the file it read: a rank that sees other files (no
// shared filesystem, a file replaced meanwhile) would compute other results under rank 0's
// checksum, so it stops the job instead.
void share_checksums(std::vector<Variant>& variants, const Session& session) {
    std::string lines;
    for (const Variant& v : variants) {
        lines += v.checksum + '\n';
        for (const InputFile& in : v.inputs) {
            lines += fmt::format("{}\t{}\t{}\n", in.sha256, file_size_or_none(in.path),
                                 in.path.string());
        }
    }
    lines = broadcast_string(std::move(lines));
    if (session.rank() == root_rank) {
        return;
    }
    std::size_t at = 0;
    const auto next_line = [&] {
        const std::size_t end = lines.find('\n', at);
        std::string line = lines.substr(at, end - at);
        at = end == std::string::npos ? lines.size() : end + 1;
        return line;
    };
    for (Variant& v : variants) {
        v.checksum = next_line();
        for (InputFile& in : v.inputs) {
            const std::string line = next_line();
            const std::size_t tab1 = line.find('\t');
            const std::size_t tab2 = line.find('\t', tab1 + 1);
            const std::string size = line.substr(tab1 + 1, tab2 - tab1 - 1);
            const std::string path = line.substr(tab2 + 1);
            const std::string own_size = std::to_string(file_size_or_none(in.path));
            if (path != in.path.string() || size != own_size) {
                throw Error(ErrorCode::input_data,
                            fmt::format("scenario {}: {} '{}' is {} bytes here and {} bytes on "
                                        "rank 0 ('{}'): every rank must read the same files (a "
                                        "filesystem shared by every node)",
                                        v.scenario->name, in.role, in.path.string(), own_size, size,
                                        path));
            }
            in.sha256 = line.substr(0, tab1);
        }
    }
}

Prepared prepare(const RunConfig& config, const Session& session) {
    Prepared b;
    std::optional<Failure> own;
    {
        const QuietLog quiet(session.rank() != root_rank);
        try {
            if (session.rank() == root_rank) {
                check_run_config(config);
            }
            b.scenarios = parse_batch(config.scenario_files);
            b.variants = load_variants(b.scenarios);
            if (session.rank() == root_rank) {
                b.out.emplace(open_output(config.out_dir, b.variants));
                checksum_variants(b.variants, config.web_tiles);
                b.pending = select_pending(b.variants, b.out->store(), config.force);
            }
        } catch (...) {
            own = current_failure(session.rank(), -1);
        }
    }
    agree_on_preparation(own, session);
    share_checksums(b.variants, session);
    if (session.rank() != root_rank) {
        // The directory is open (and locked) by rank 0; the other ranks write their variants
        // into its store.
        b.out.emplace(config.out_dir, -1);
    }
    return b;
}

// Rank 0's view of the job: the queue of variants to compute (largest first), what each rank is
// computing, and the first failure, shared by its scheduling thread and its computing thread.
class Job {
public:
    Job(const std::vector<Variant>& variants, const std::vector<Variant*>& pending, int ranks)
        : running_(static_cast<std::size_t>(ranks), -1) {
        for (const Variant* v : pending) {
            queue_.push_back(static_cast<int>(v - variants.data()));
        }
        std::stable_sort(queue_.begin(), queue_.end(), [&](int a, int b) {
            return variants[static_cast<std::size_t>(a)].bytes >
                   variants[static_cast<std::size_t>(b)].bytes;
        });
    }

    // The next variant for `rank`, or nothing once the queue is empty or the job is failing.
    std::optional<int> take(int rank) {
        const std::lock_guard lock(mutex_);
        running_[static_cast<std::size_t>(rank)] = -1;
        if (failure_ || next_ == queue_.size()) {
            return std::nullopt;
        }
        const int v = queue_[next_++];
        running_[static_cast<std::size_t>(rank)] = v;
        return v;
    }

    void fail(Failure f) {
        const std::lock_guard lock(mutex_);
        if (!failure_) {
            failure_ = std::move(f);
        }
    }

    [[nodiscard]] std::optional<Failure> failure() const {
        const std::lock_guard lock(mutex_);
        return failure_;
    }

    // "rank 1 was computing 'a', rank 2 'b'" (empty when no rank computes anything).
    [[nodiscard]] std::string running(const std::vector<Variant>& variants) const {
        const std::lock_guard lock(mutex_);
        std::string text;
        for (std::size_t r = 0; r < running_.size(); ++r) {
            if (running_[r] >= 0) {
                text += fmt::format("{}rank {} {}'{}'", text.empty() ? "" : ", ", r,
                                    text.empty() ? "was computing " : "",
                                    variants[static_cast<std::size_t>(running_[r])].scenario->name);
            }
        }
        return text;
    }

private:
    mutable std::mutex mutex_;
    std::vector<int> queue_;
    std::size_t next_ = 0;
    std::vector<int> running_; // per rank: the variant it computes, or -1
    std::optional<Failure> failure_;
};

// f() as a task of `context`, so that cancelling the context (a signal, a failure elsewhere)
// reaches the parallel loops inside it.
template <typename F>
auto in_context(tbb::task_group_context& context, const F& f) {
    decltype(f()) result{};
    tbb::task_group group(context);
    group.run_and_wait([&] { result = f(); });
    return result;
}

// Rank 0's scheduling thread: answers every other rank's requests from the job's queue until
// each was told there is no more work, or stops answering once the job fails or a signal
// arrives (main() then aborts the job). Polls, so that waiting costs no CPU time.
void serve(Job& job, const std::vector<Variant>& variants, int ranks, Progress& progress,
           tbb::task_group_context& rank0_work) {
    int active = ranks - 1;
    while (active > 0 && !job.failure() && InterruptHandler::signal_received() == 0) {
        int arrived = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, tag_request, MPI_COMM_WORLD, &arrived, &status);
        if (arrived == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            continue;
        }
        const int from = status.MPI_SOURCE;
        Request r;
        MPI_Recv(&r, request_ints, MPI_INT, from, tag_request, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (r.ended == finished) {
            const std::string& name = variants[static_cast<std::size_t>(r.variant)].scenario->name;
            progress.finished(name);
            spdlog::info("scenario {}: done in {:.1f} s on rank {}", name, r.elapsed_ms / 1000.0,
                         from);
        } else if (r.ended == failed) {
            job.fail({from, r.variant, r.exit_code, receive_string(from, tag_failure)});
            rank0_work.cancel_group_execution();
            return;
        }
        const std::optional<int> next = job.take(from);
        const int assigned = next.value_or(no_more_work);
        MPI_Send(&assigned, 1, MPI_INT, from, tag_assign, MPI_COMM_WORLD);
        if (next) {
            progress.started(variants[static_cast<std::size_t>(*next)].scenario->name);
        } else {
            --active;
        }
    }
}

// The error that ends the job on rank 0 once every rank stopped taking work, if any.
std::optional<Error> job_error(const Job& job, const std::vector<Variant>& variants,
                               const OutputDirectory& out) {
    if (const std::optional<Failure> f = job.failure()) {
        const std::string name =
            f->variant >= 0 ? variants[static_cast<std::size_t>(f->variant)].scenario->name : "";
        return Error(static_cast<ErrorCode>(f->exit_code),
                     fmt::format("rank {}, scenario {}: {}", f->rank, name, f->message));
    }
    if (const int sig = InterruptHandler::signal_received(); sig != 0) {
        const std::string running = job.running(variants);
        return interrupted_batch(
            sig, variants, out,
            running.empty()
                ? std::string()
                : fmt::format(" (mpirun or srun ends every rank when one ends: {})", running));
    }
    return std::nullopt;
}

// Rank 0: computes variants from the queue while its scheduling thread serves the other ranks.
// Throws the job's error (a failure on any rank, a signal).
void compute_as_root(Prepared& b, const RunConfig& config, const RunInfo& run,
                     const Session& session, std::size_t skipped) {
    Job job(b.variants, b.pending, session.size());
    spdlog::info("{} of {} variants to compute on {} ranks, largest first", b.pending.size(),
                 b.variants.size(), session.size());
    const InterruptHandler interrupts;
    {
        tbb::task_group_context context;
        std::mutex hdf5_mutex;
        Progress progress(config.progress, b.variants.size(), skipped, config.progress_interval_s);
        const CancellationMonitor monitor(context, progress);
        std::jthread scheduler([&] { serve(job, b.variants, session.size(), progress, context); });
        while (const std::optional<int> i = job.take(root_rank)) {
            Variant& v = b.variants[static_cast<std::size_t>(*i)];
            try {
                const std::optional<double> seconds = in_context(context, [&] {
                    return compute_and_commit(v, *b.out, run, config.web_tiles, monitor, progress,
                                              hdf5_mutex);
                });
                if (seconds) {
                    spdlog::info("scenario {}: done in {:.1f} s on rank 0", v.scenario->name,
                                 *seconds);
                }
            } catch (...) {
                job.fail(current_failure(root_rank, *i));
            }
            if (monitor.stopped()) {
                break;
            }
        }
    }
    if (std::optional<Error> error = job_error(job, b.variants, *b.out)) {
        throw *error;
    }
}

// A rank other than 0: asks rank 0 for variants and computes them until there is no more work.
// After a failure it reports and waits: rank 0 then ends the job.
void compute_as_worker(Prepared& b, const RunConfig& config, const RunInfo& run,
                       const Session& session) {
    const InterruptHandler interrupts;
    tbb::task_group_context context;
    std::mutex hdf5_mutex;
    Progress progress(ProgressMode::none, b.variants.size(), 0);
    const CancellationMonitor monitor(context, progress);
    Request request;
    for (;;) {
        MPI_Send(&request, request_ints, MPI_INT, root_rank, tag_request, MPI_COMM_WORLD);
        int assigned = no_more_work;
        MPI_Recv(&assigned, 1, MPI_INT, root_rank, tag_assign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (assigned == no_more_work) {
            return;
        }
        std::optional<Failure> failure;
        try {
            const std::optional<double> seconds = in_context(context, [&] {
                return compute_and_commit(b.variants[static_cast<std::size_t>(assigned)], *b.out,
                                          run, config.web_tiles, monitor, progress, hdf5_mutex);
            });
            if (seconds) {
                request = {finished, assigned, 0, static_cast<int>(*seconds * 1000.0)};
            } else {
                const int sig = InterruptHandler::signal_received();
                failure =
                    Failure{session.rank(), assigned, static_cast<int>(ErrorCode::interrupted),
                            fmt::format("stopped by {}", sig == SIGINT ? "SIGINT" : "SIGTERM")};
            }
        } catch (...) {
            failure = current_failure(session.rank(), assigned);
        }
        if (failure) {
            request = {failed, assigned, failure->exit_code, 0};
            MPI_Send(&request, request_ints, MPI_INT, root_rank, tag_request, MPI_COMM_WORLD);
            MPI_Send(failure->message.data(), static_cast<int>(failure->message.size()), MPI_CHAR,
                     root_rank, tag_failure, MPI_COMM_WORLD);
            MPI_Recv(&assigned, 1, MPI_INT, root_rank, tag_assign, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            return; // not reached: rank 0 aborts the job
        }
    }
}

// The plan's search shared over the ranks (run/plan.hpp): district d is searched on rank
// d mod ranks, the sweeps' outcomes gathered by every rank, rank 0 writes.
class RankPlanSharing final : public PlanSharing {
public:
    explicit RankPlanSharing(const Session& session) : session_(session) {}

    [[nodiscard]] bool owns(std::size_t district) const override {
        return district % static_cast<std::size_t>(session_.size()) ==
               static_cast<std::size_t>(session_.rank());
    }
    [[nodiscard]] bool runs_passes() const override { return session_.rank() == root_rank; }
    [[nodiscard]] bool root() const override { return session_.rank() == root_rank; }

    [[nodiscard]] std::vector<std::string> all_gather(const std::string& own) const override {
        const auto ranks = static_cast<std::size_t>(session_.size());
        const int size = static_cast<int>(own.size());
        std::vector<int> sizes(ranks);
        MPI_Allgather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
        std::vector<int> offsets(ranks);
        long long total = 0;
        for (std::size_t r = 0; r < ranks; ++r) {
            offsets[r] = static_cast<int>(total);
            total += sizes[r];
        }
        if (total > std::numeric_limits<int>::max()) {
            throw Error(ErrorCode::limit, "plan: a sweep's outcome exceeds 2 GB; use fewer ranks");
        }
        std::string all(static_cast<std::size_t>(total), '\0');
        MPI_Allgatherv(own.data(), size, MPI_CHAR, all.data(), sizes.data(), offsets.data(),
                       MPI_CHAR, MPI_COMM_WORLD);
        std::vector<std::string> each;
        for (std::size_t r = 0; r < ranks; ++r) {
            each.push_back(all.substr(static_cast<std::size_t>(offsets[r]),
                                      static_cast<std::size_t>(sizes[r])));
        }
        return each;
    }

    void agree(const std::exception_ptr& own) const override {
        std::optional<Failure> failure;
        if (own) {
            try {
                std::rethrow_exception(own);
            } catch (...) {
                failure = current_failure(session_.rank(), -1);
            }
        }
        agree_on_preparation(failure, session_);
    }

private:
    const Session& session_;
};

} // namespace

std::optional<PlanReport> run_plan(const PlanConfig& config, const Session& session) {
    if (!session.distributed()) {
        return covsim::run_plan(config);
    }
    const RankPlanSharing sharing(session);
    const QuietLog quiet(session.rank() != root_rank); // rank 0 logs the plan's progress
    return covsim::run_plan(config, &sharing);
}

std::optional<RunReport> run_batch(const RunConfig& config, const Session& session) {
    if (!session.distributed()) {
        return covsim::run_batch(config);
    }
    const auto t0 = Clock::now();
    const int threads = batch_threads(config);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    Prepared b = prepare(config, session);
    const RunInfo run{std::string(version()), std::string(git_commit()), config.command_line,
                      threads};
    if (session.rank() != root_rank) {
        compute_as_worker(b, config, run, session);
        return std::nullopt;
    }
    RunReport report;
    report.out_dir = config.out_dir;
    report.threads = threads;
    report.ranks = session.size();
    report.computed = b.pending.size();
    report.skipped = b.variants.size() - b.pending.size();
    compute_as_root(b, config, run, session, report.skipped);
    report.scenarios = assemble_batch(b.variants, *b.out, config.web_tiles);
    report.files = batch_files(config.out_dir, config.web_tiles);
    report.elapsed_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return report;
}

} // namespace covsim::cluster
