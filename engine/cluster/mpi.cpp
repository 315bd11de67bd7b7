// covsim over MPI ranks (cluster/cluster.hpp): the session, the distributed batch and the
// distributed plan search.
//
// The protocol, on MPI_COMM_WORLD:
//   worker -> 0   tag_request   Request {how its last task ended, which, exit code, ms, bytes}
//   worker -> 0   tag_failure   the error message, after a Request that reports a failure
//   worker -> 0   tag_part      a part of a variant's coverage (core/coverage.hpp), after a
//                               Request that reports it, in messages of at most 1 GiB
//   0 -> worker   tag_assign    the next Task: a whole variant, one part of a variant's
//                               coverage, or the completion of the variant whose last part the
//                               worker sent; no_more_work when the queue is empty
//   0 -> worker   tag_part      after a completion: the other parts' sizes, then the parts
// Rank 0 answers from a thread of its own (MPI_THREAD_SERIALIZED: after the set-up only that
// thread calls MPI on rank 0) while its main thread computes tasks from the same queue. Rank 0
// keeps the parts of a variant until its last arrives; the rank that computed the last part
// (rank 0 or a worker) completes the variant: no rank waits for another's part.

#include "cluster/cluster.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "run/batch_steps.hpp"
#include "run/error_report.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/version.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <mpi.h>
#include <mutex>
#include <span>
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
constexpr int tag_part = 4;
constexpr int no_more_work = -1;
constexpr int completing = -1; // Task::part of a variant's completion

// A task: a whole variant (parts == 1), the tiles of part `part` of its coverage, or (part ==
// completing) the completion of a variant whose last part the rank computed.
struct Task {
    int variant = no_more_work;
    int part = 0;
    int parts = 1;
};
constexpr int task_ints = 3;
static_assert(sizeof(Task) == task_ints * sizeof(int));

enum Ended : long long { nothing_yet = 0, finished = 1, failed = 2, part_done = 3 };

// What a worker sends rank 0 when it asks for work: how its last task ended.
struct Request {
    long long ended = nothing_yet;
    long long variant = -1;
    long long part = 0; // of a part_done; of a finished variant, its number of parts
    long long exit_code = 0;
    long long elapsed_ms = 0;
    long long part_bytes = 0; // of a part_done: the size of the part that follows
};
constexpr int request_values = 6;
static_assert(sizeof(Request) == request_values * sizeof(long long));

// MPI counts are ints: a part goes in messages of at most 1 GiB.
constexpr std::size_t message_bytes = std::size_t{1} << 30;

void send_bytes(const std::vector<std::byte>& bytes, int dest, int tag) {
    for (std::size_t at = 0; at < bytes.size(); at += message_bytes) {
        const std::size_t n = std::min(message_bytes, bytes.size() - at);
        MPI_Send(bytes.data() + at, static_cast<int>(n), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
    }
}

std::vector<std::byte> receive_bytes(std::size_t size, int source, int tag) {
    std::vector<std::byte> bytes(size);
    for (std::size_t at = 0; at < size; at += message_bytes) {
        const std::size_t n = std::min(message_bytes, size - at);
        MPI_Recv(bytes.data() + at, static_cast<int>(n), MPI_BYTE, source, tag, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    }
    return bytes;
}

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

// " (part 2 of 3)" for a part, " (completing, 3 parts)" for the completion of a variant computed
// in parts, "" for a whole variant.
std::string part_text(const Task& t) {
    if (t.parts == 1) {
        return {};
    }
    return t.part == completing ? fmt::format(" (completing, {} parts)", t.parts)
                                : fmt::format(" (part {} of {})", t.part + 1, t.parts);
}

// How many parts a variant's coverage is computed in: as many as the whole shares of the ranks
// its size holds (its memory estimate, which grows with its cells and layers, over the batch's,
// times the ranks), at most one per tile. A variant is split only when it holds at least two
// ranks' shares: a part's rank completes the variant after the coverage (capacity, cost, files),
// so more parts than ranks would queue completions behind parts instead of saving time.
int parts_of(const Variant& v, std::uint64_t batch_bytes, int ranks) {
    const double shares = static_cast<double>(v.bytes) * ranks / static_cast<double>(batch_bytes);
    const double most = static_cast<double>(std::min<std::size_t>(
        static_cast<std::size_t>(ranks), std::max<std::size_t>(coverage_tile_count(v.input), 1)));
    // Rounding error must not take a share away: a variant alone holds exactly N shares.
    return static_cast<int>(std::clamp(std::floor(shares * (1.0 + 1e-12)), 1.0, most));
}

// The last part of a variant computed in parts has arrived: the rank that computed it completes
// the variant (capacity, cost, files) from its own part and the others.
struct Completion {
    Task task;                                 // the variant, its parts, part = completing
    std::vector<std::vector<std::byte>> parts; // per part (a worker's own is not sent back)
    double seconds = 0.0;                      // since the first part was handed out
};

// Rank 0's view of the job, shared by its scheduling thread and its computing thread: the queue
// of tasks (largest first), what each rank is computing, the parts of the variants computed in
// parts (kept until their last part arrives) and the first failure.
class Job {
public:
    Job(const std::vector<Variant>& variants, const std::vector<Variant*>& pending, int ranks)
        : variants_(variants), running_(static_cast<std::size_t>(ranks)) {
        std::uint64_t batch_bytes = 0;
        for (const Variant* v : pending) {
            batch_bytes += v->bytes;
        }
        batch_bytes = std::max<std::uint64_t>(batch_bytes, 1);
        for (const Variant* v : pending) {
            const int variant = static_cast<int>(v - variants.data());
            const int parts = parts_of(*v, batch_bytes, ranks);
            if (parts > 1) {
                spdlog::info("scenario {}: computed in {} parts on as many ranks ({} ranks' "
                             "share of the batch)",
                             v->scenario->name, parts, parts);
            }
            for (int k = 0; k < parts; ++k) {
                queue_.push_back({variant, k, parts});
            }
        }
        std::stable_sort(queue_.begin(), queue_.end(),
                         [&](const Task& a, const Task& b) { return size(a) > size(b); });
    }

    // The next task for `rank`, or nothing once the queue is empty or the job is failing. Tells
    // `progress` when a variant starts, unless rank 0 takes it whole (compute_and_commit does).
    std::optional<Task> take(int rank, Progress& progress) {
        const std::lock_guard lock(mutex_);
        running_[static_cast<std::size_t>(rank)] = Task{};
        if (failure_ || next_ == queue_.size()) {
            return std::nullopt;
        }
        const Task t = queue_[next_++];
        running_[static_cast<std::size_t>(rank)] = t;
        if (t.part == 0 && t.parts > 1) {
            splits_[t.variant].parts.resize(static_cast<std::size_t>(t.parts));
        }
        if (t.part == 0 && (t.parts > 1 || rank != root_rank)) {
            progress.started(variants_[static_cast<std::size_t>(t.variant)].scenario->name);
        }
        return t;
    }

    // Keeps part `t` computed by `rank`; once it is the variant's last, the completion `rank`
    // is to make (the other parts, handed over).
    std::optional<Completion> add_part(const Task& t, std::vector<std::byte> bytes, int rank) {
        const std::lock_guard lock(mutex_);
        const auto split = splits_.find(t.variant);
        if (split == splits_.end() || t.part < 0 ||
            static_cast<std::size_t>(t.part) >= split->second.parts.size()) {
            throw Error(ErrorCode::internal, "a part of a variant not computed in parts");
        }
        Split& s = split->second;
        s.parts[static_cast<std::size_t>(t.part)] = std::move(bytes);
        if (++s.received < s.parts.size()) {
            return std::nullopt;
        }
        Completion c{{t.variant, completing, static_cast<int>(s.parts.size())},
                     std::move(s.parts),
                     std::chrono::duration<double>(Clock::now() - s.start).count()};
        splits_.erase(split);
        running_[static_cast<std::size_t>(rank)] = c.task;
        return c;
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

    // "rank 1 was computing 'a', rank 2 'b' (part 2 of 3)" (empty when no rank computes).
    [[nodiscard]] std::string running() const {
        const std::lock_guard lock(mutex_);
        std::string text;
        for (std::size_t r = 0; r < running_.size(); ++r) {
            const Task& t = running_[r];
            if (t.variant >= 0) {
                text += fmt::format("{}rank {} {}'{}'{}", text.empty() ? "" : ", ", r,
                                    text.empty() ? "was computing " : "",
                                    variants_[static_cast<std::size_t>(t.variant)].scenario->name,
                                    part_text(t));
            }
        }
        return text;
    }

private:
    [[nodiscard]] std::uint64_t size(const Task& t) const {
        return variants_[static_cast<std::size_t>(t.variant)].bytes /
               static_cast<std::uint64_t>(t.parts);
    }

    struct Split {
        std::vector<std::vector<std::byte>> parts; // per part, once computed
        std::size_t received = 0;
        Clock::time_point start = Clock::now();
    };

    const std::vector<Variant>& variants_;
    mutable std::mutex mutex_;
    std::vector<Task> queue_;
    std::size_t next_ = 0;
    std::vector<Task> running_; // per rank: its task, variant no_more_work for none
    std::map<int, Split> splits_;
    std::optional<Failure> failure_;
};

// What one rank computes with: the batch, its output, its TBB context, its progress.
struct RankWork {
    Prepared& b;
    const RunConfig& config;
    const RunInfo& run;
    tbb::task_group_context& context;
    const CancellationMonitor& monitor;
    Progress& progress;
    std::mutex& hdf5_mutex;
};

// Completes a variant computed in parts from the parts and this rank's own (the last to arrive;
// empty when it is among the parts): joins them (CoverageJoin: the one-process coverage, bit for
// bit), then capacity, cost and every file (complete_and_commit). Returns the seconds since its
// first part was handed out, or nothing when the batch was stopping.
std::optional<double> complete_in_parts(RankWork& w, Completion& c, std::vector<std::byte> own) {
    Variant& v = w.b.variants[static_cast<std::size_t>(c.task.variant)];
    const VariantStart start(c.seconds);
    return parallel::run_in(w.context, [&] {
        CoverageJoin join(v.input, static_cast<std::size_t>(c.task.parts));
        if (!own.empty()) {
            join.add(own);
            std::vector<std::byte>().swap(own);
        }
        for (std::vector<std::byte>& part : c.parts) {
            if (!part.empty()) {
                join.add(part);
                std::vector<std::byte>().swap(part);
            }
        }
        return complete_and_commit(v, join.finish(), start, *w.b.out, w.run, w.config.web_tiles,
                                   w.monitor, w.progress, w.hdf5_mutex);
    });
}

// Computes part `t` of a variant's coverage; nothing when the batch was stopping (cancelled
// work may have left tiles out).
std::optional<std::vector<std::byte>> compute_part(RankWork& w, const Task& t) {
    const Variant& v = w.b.variants[static_cast<std::size_t>(t.variant)];
    std::vector<std::byte> part = parallel::run_in(w.context, [&] {
        return compute_coverage_part(v.input, static_cast<std::size_t>(t.part),
                                     static_cast<std::size_t>(t.parts));
    });
    if (w.monitor.stopped()) {
        return std::nullopt;
    }
    return part;
}

void log_done(const std::string& name, double seconds, int rank, int parts) {
    if (parts > 1) {
        spdlog::info("scenario {}: done in {:.1f} s, in {} parts, completed on rank {}", name,
                     seconds, parts, rank);
    } else {
        spdlog::info("scenario {}: done in {:.1f} s on rank {}", name, seconds, rank);
    }
}

// Sends a worker the completion of a variant whose last part it computed: the task, then the
// other parts' sizes and the seconds since the first part (parts + 1 values), then each part.
void send_completion(const Completion& c, int to) {
    MPI_Send(&c.task, task_ints, MPI_INT, to, tag_assign, MPI_COMM_WORLD);
    std::vector<long long> sizes;
    for (const std::vector<std::byte>& part : c.parts) {
        sizes.push_back(static_cast<long long>(part.size()));
    }
    sizes.push_back(static_cast<long long>(c.seconds * 1000.0));
    MPI_Send(sizes.data(), static_cast<int>(sizes.size()), MPI_LONG_LONG, to, tag_part,
             MPI_COMM_WORLD);
    for (const std::vector<std::byte>& part : c.parts) {
        send_bytes(part, to, tag_part);
    }
}

// A worker's side of send_completion, after the task.
Completion receive_completion(const Task& t) {
    std::vector<long long> sizes(static_cast<std::size_t>(t.parts) + 1);
    MPI_Recv(sizes.data(), static_cast<int>(sizes.size()), MPI_LONG_LONG, root_rank, tag_part,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    Completion c{t, {}, static_cast<double>(sizes.back()) / 1000.0};
    for (int k = 0; k < t.parts; ++k) {
        c.parts.push_back(receive_bytes(
            static_cast<std::size_t>(sizes[static_cast<std::size_t>(k)]), root_rank, tag_part));
    }
    return c;
}

// Answers one worker's request: takes in what it reports (a finished variant, a part, a
// failure) and sends its next task: the completion of a variant whose last part it sent, or the
// next task of the queue, or no_more_work. False when the job failed; `active` counts the
// workers not yet told there is no more work.
bool answer(const Request& r, int from, Job& job, const std::vector<Variant>& variants,
            Progress& progress, int& active) {
    const Task task{static_cast<int>(r.variant), static_cast<int>(r.part), 0};
    if (r.ended == failed) {
        job.fail(
            {from, task.variant, static_cast<int>(r.exit_code), receive_string(from, tag_failure)});
        return false;
    }
    const double seconds = static_cast<double>(r.elapsed_ms) / 1000.0;
    if (r.ended == finished) {
        const std::string& name = variants[static_cast<std::size_t>(task.variant)].scenario->name;
        progress.finished(name);
        log_done(name, seconds, from, task.part);
    } else if (r.ended == part_done) {
        std::vector<std::byte> bytes =
            receive_bytes(static_cast<std::size_t>(r.part_bytes), from, tag_part);
        spdlog::info("scenario {}: part {} computed in {:.1f} s on rank {}",
                     variants[static_cast<std::size_t>(task.variant)].scenario->name, task.part + 1,
                     seconds, from);
        try {
            if (std::optional<Completion> c = job.add_part(task, std::move(bytes), from)) {
                c->parts[static_cast<std::size_t>(task.part)].clear(); // the worker has it
                send_completion(*c, from);
                return true;
            }
        } catch (...) {
            job.fail(current_failure(from, task.variant));
            return false;
        }
    }
    const std::optional<Task> next = job.take(from, progress);
    const Task assigned = next.value_or(Task{});
    MPI_Send(&assigned, task_ints, MPI_INT, from, tag_assign, MPI_COMM_WORLD);
    active -= next ? 0 : 1;
    return true;
}

// Rank 0's scheduling thread: answers every other rank's requests until each was told there is
// no more work, or stops answering once the job fails or a signal arrives (main() then aborts
// the job). Polls, so that waiting costs no CPU time.
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
        MPI_Recv(&r, request_values, MPI_LONG_LONG, from, tag_request, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (!answer(r, from, job, variants, progress, active)) {
            rank0_work.cancel_group_execution();
            return;
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
        const std::string running = job.running();
        return interrupted_batch(
            sig, variants, out,
            running.empty()
                ? std::string()
                : fmt::format(" (mpirun or srun ends every rank when one ends: {})", running));
    }
    return std::nullopt;
}

// One task of rank 0: a whole variant, or a part (and, when it is the variant's last, the
// variant's completion).
void root_task(RankWork& w, Job& job, const Task& t) {
    const std::string& name = w.b.variants[static_cast<std::size_t>(t.variant)].scenario->name;
    const auto t0 = Clock::now();
    if (t.parts == 1) {
        const std::optional<double> seconds = parallel::run_in(w.context, [&] {
            return compute_and_commit(w.b.variants[static_cast<std::size_t>(t.variant)], *w.b.out,
                                      w.run, w.config.web_tiles, w.monitor, w.progress,
                                      w.hdf5_mutex);
        });
        if (seconds) {
            log_done(name, *seconds, root_rank, 1);
        }
        return;
    }
    std::optional<std::vector<std::byte>> part = compute_part(w, t);
    if (!part) {
        return;
    }
    spdlog::info("scenario {}: part {} computed in {:.1f} s on rank 0", name, t.part + 1,
                 std::chrono::duration<double>(Clock::now() - t0).count());
    if (std::optional<Completion> c = job.add_part(t, std::move(*part), root_rank)) {
        if (const std::optional<double> seconds = complete_in_parts(w, *c, {})) {
            log_done(name, *seconds, root_rank, t.parts);
        }
    }
}

// Rank 0: computes tasks from the queue while its scheduling thread serves the other ranks.
// Throws the job's error (a failure on any rank, a signal).
void compute_as_root(Prepared& b, const RunConfig& config, const RunInfo& run,
                     const Session& session, std::size_t skipped) {
    spdlog::info("{} of {} variants to compute on {} ranks, largest first", b.pending.size(),
                 b.variants.size(), session.size());
    Job job(b.variants, b.pending, session.size());
    const InterruptHandler interrupts;
    {
        tbb::task_group_context context;
        std::mutex hdf5_mutex;
        Progress progress(config.progress, b.variants.size(), skipped, config.progress_interval_s);
        const CancellationMonitor monitor(context, progress);
        RankWork work{b, config, run, context, monitor, progress, hdf5_mutex};
        std::jthread scheduler([&] { serve(job, b.variants, session.size(), progress, context); });
        while (const std::optional<Task> t = job.take(root_rank, progress)) {
            try {
                root_task(work, job, *t);
            } catch (...) {
                job.fail(current_failure(root_rank, t->variant));
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

// What a worker's task ended with: the request that reports it to rank 0. A part stays in
// `part` (sent after the request, and kept: the completion may need it).
Request worker_task(RankWork& w, const Task& t, std::vector<std::byte>& part) {
    const auto t0 = Clock::now();
    const auto ms = [&] {
        return static_cast<long long>(std::chrono::duration<double>(Clock::now() - t0).count() *
                                      1000.0);
    };
    if (t.part == completing) {
        Completion c = receive_completion(t);
        const std::optional<double> seconds = complete_in_parts(w, c, std::move(part));
        part.clear();
        return {seconds ? finished : nothing_yet,
                t.variant,
                t.parts,
                0,
                seconds ? static_cast<long long>(*seconds * 1000.0) : 0,
                0};
    }
    if (t.parts == 1) {
        const std::optional<double> seconds = parallel::run_in(w.context, [&] {
            return compute_and_commit(w.b.variants[static_cast<std::size_t>(t.variant)], *w.b.out,
                                      w.run, w.config.web_tiles, w.monitor, w.progress,
                                      w.hdf5_mutex);
        });
        return {seconds ? finished : nothing_yet, t.variant, 1, 0, ms(), 0};
    }
    std::optional<std::vector<std::byte>> computed = compute_part(w, t);
    if (!computed) {
        return {nothing_yet, t.variant, t.part, 0, ms(), 0};
    }
    part = std::move(*computed);
    return {part_done, t.variant, t.part, 0, ms(), static_cast<long long>(part.size())};
}

// A rank other than 0: asks rank 0 for tasks and computes them until there is no more work,
// sending each part it computed with the request that follows it. After a failure it reports
// and waits: rank 0 then ends the job.
void compute_as_worker(Prepared& b, const RunConfig& config, const RunInfo& run,
                       const Session& session) {
    const InterruptHandler interrupts;
    tbb::task_group_context context;
    std::mutex hdf5_mutex;
    Progress progress(ProgressMode::none, b.variants.size(), 0);
    const CancellationMonitor monitor(context, progress);
    RankWork work{b, config, run, context, monitor, progress, hdf5_mutex};
    Request request;
    std::vector<std::byte> part; // the last part computed, until the next task
    for (;;) {
        MPI_Send(&request, request_values, MPI_LONG_LONG, root_rank, tag_request, MPI_COMM_WORLD);
        if (request.ended == part_done) {
            send_bytes(part, root_rank, tag_part);
        }
        Task assigned;
        MPI_Recv(&assigned, task_ints, MPI_INT, root_rank, tag_assign, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (assigned.variant == no_more_work) {
            return;
        }
        if (assigned.part != completing) {
            std::vector<std::byte>().swap(part);
        }
        std::optional<Failure> failure;
        try {
            request = worker_task(work, assigned, part);
            if (request.ended == nothing_yet) {
                const int sig = InterruptHandler::signal_received();
                failure = Failure{
                    session.rank(), assigned.variant, static_cast<int>(ErrorCode::interrupted),
                    fmt::format("stopped by {}", sig == SIGINT ? "SIGINT" : "SIGTERM")};
            }
        } catch (...) {
            failure = current_failure(session.rank(), assigned.variant);
        }
        if (failure) {
            request = {failed, assigned.variant, assigned.part, failure->exit_code, 0, 0};
            MPI_Send(&request, request_values, MPI_LONG_LONG, root_rank, tag_request,
                     MPI_COMM_WORLD);
            MPI_Send(failure->message.data(), static_cast<int>(failure->message.size()), MPI_CHAR,
                     root_rank, tag_failure, MPI_COMM_WORLD);
            MPI_Recv(&assigned, task_ints, MPI_INT, root_rank, tag_assign, MPI_COMM_WORLD,
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
