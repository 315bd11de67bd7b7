#pragma once
// The steps of a batch (../shared/DESIGN.md, "Orchestration steps"), each a function with its
// own inputs and outputs, computing apart from writing, so that every driver (run_batch in
// run/batch.cpp, the planner in run/plan.cpp, the MPI driver in cluster/mpi.cpp) calls the same
// steps:
//
//   check_run_config → parse_batch → load_variants → open_output → checksum_variants
//     → select_pending
//     → per pending variant, compute_and_commit: compute_variant (no writes) → commit_variant
//       (all its files); a variant whose coverage several MPI ranks computed in parts:
//       complete_and_commit (complete_variant → commit_variant)
//     → assemble_batch (the batch's files, in batch order)

#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/result.hpp"
#include "core/scenario.hpp"
#include "io/data_package.hpp"
#include "io/output_paths.hpp"
#include "io/study_area_loader.hpp"
#include "run/batch.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/variant_store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace covsim {

// Refuses (Error) a run without scenario files, or with web tiles and no Leaflet to copy, before
// anything is read.
void check_run_config(const RunConfig& config);

// The worker threads of the run: --threads, or every hardware thread for 0.
int batch_threads(const RunConfig& config);

// Every variant of every file, parsed and validated (one Error with every problem), the
// warnings logged, each variant with its own directory name in the store.
std::vector<Scenario> parse_batch(const std::vector<std::filesystem::path>& files);

// The output directory of a batch while it is written: locked against a second run
// (<out>/.covsim.lock, released when this is destroyed), with its variant store.
class OutputDirectory {
public:
    OutputDirectory(std::filesystem::path dir, int lock_fd);
    OutputDirectory(OutputDirectory&& other) noexcept;
    OutputDirectory(const OutputDirectory&) = delete;
    OutputDirectory& operator=(const OutputDirectory&) = delete;
    OutputDirectory& operator=(OutputDirectory&&) = delete;
    ~OutputDirectory();

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return dir_; }
    [[nodiscard]] const VariantStore& store() const noexcept { return store_; }

private:
    std::filesystem::path dir_;
    int lock_fd_ = -1;
    VariantStore store_;
};

// A variant ready to compute: its scenario, its study area (shared by the variants that describe
// the same one), the kernel's input with every sector, its input files and, once
// checksum_variants ran, their checksum.
struct Variant {
    const Scenario* scenario = nullptr;
    std::shared_ptr<const io::LoadedStudyArea> area;
    CoverageInput input;
    // The scenario, what it extends, the study area, sites, antennas, and every other file GDAL
    // reads for them (<role>_file_<n>: sidecars, a VRT's sources; <role>_remote_<n>: URLs).
    std::vector<InputFile> inputs;
    // Why the checksum cannot cover every input (remote data, a format that reads files it does
    // not list): such a variant is recomputed on every run, never skipped as unchanged.
    std::vector<std::string> unresumable;
    std::vector<bool> ftth_district; // per district: fibre offered
    std::string checksum;            // SHA-256 over the resolved scenario and its inputs
    std::uint64_t bytes = 0;         // memory estimate (core/memory_estimate.hpp)
};

// Loads every study area (once per distinct one) and site layer of the scenarios, so that a bad
// input in the last scenario stops the batch before minutes of work on the first; refuses a
// variant that would not fit in memory (ErrorCode::limit). Writes nothing.
std::vector<Variant> load_variants(const std::vector<Scenario>& scenarios);

// What a batch writes under its output directory (docs/results-format.md).
io::OutputLayout batch_output_layout(const std::filesystem::path& dir);

// Creates the output directory, locks it (Error(io) naming the lock when another run holds it)
// and removes what an interrupted run left behind. Before anything is created, refuses
// (Error(io)) a directory where a path the batch writes would replace an input of a variant
// (real paths compared: `--out .` beside a districts.gpkg input), or where a symbolic link was
// planted in what the batch writes (maps/, variants/, tiles/, results.h5, ...).
OutputDirectory open_output(const std::filesystem::path& dir, const std::vector<Variant>& variants);

// SHA-256 of every distinct input file (in parallel), and per variant over its resolved
// scenario, the options that change its files (`web_tiles`) and its inputs' digests.
void checksum_variants(std::vector<Variant>& variants, bool web_tiles);

// The variants to compute: all of them with `force`, else those not stored with the same
// checksum and those whose inputs the checksum cannot cover (the others are logged as skipped).
std::vector<Variant*> select_pending(std::vector<Variant>& variants, const VariantStore& store,
                                     bool force);

// How many of `pending` may be computed side by side: as many as fit in the memory budget
// (core/memory_estimate.hpp), at least one, at most one per thread.
std::size_t variants_side_by_side(const std::vector<Variant*>& pending, int threads);

// When a variant's computation started: for its elapsed time and its started_utc attribute.
struct VariantStart {
    VariantStart();
    explicit VariantStart(double seconds_ago); // started elsewhere (on another MPI rank)
    std::chrono::steady_clock::time_point time;
    std::string utc;
};

// Coverage, capacity and cost of one variant; writes nothing. Moves the variant's sectors and
// layers into the result. Cancellable through the caller's TBB context: a result computed while
// the work was cancelled may lack tiles and must not be committed.
ScenarioResult compute_variant(Variant& variant);

// compute_variant's steps after the coverage, for a variant whose coverage was computed
// elsewhere (in parts by several MPI ranks: core/coverage.hpp, CoverageJoin).
ScenarioResult complete_variant(Variant& variant, CoverageResult coverage,
                                const VariantStart& start);

// Computes (compute_variant) and commits (commit_variant) one variant, unless the batch is
// stopping, telling `progress` when it starts, finishes or is abandoned; a variant that fails
// (the exception propagates) or is stopped leaves nothing that looks complete. Returns the
// seconds it took, or nothing when the batch was stopping and nothing was committed.
std::optional<double> compute_and_commit(Variant& v, const OutputDirectory& out, const RunInfo& run,
                                         bool web_tiles, const CancellationMonitor& monitor,
                                         Progress& progress, std::mutex& hdf5_mutex);

// compute_and_commit for a variant whose coverage was computed elsewhere (complete_variant), and
// whose start the caller told `progress`.
std::optional<double> complete_and_commit(Variant& v, CoverageResult coverage,
                                          const VariantStart& start, const OutputDirectory& out,
                                          const RunInfo& run, bool web_tiles,
                                          const CancellationMonitor& monitor, Progress& progress,
                                          std::mutex& hdf5_mutex);

// The error of a batch stopped by signal `sig` after its finished variants were committed:
// how many are complete and how to resume. `cause` (may be empty) is added after the signal.
Error interrupted_batch(int sig, const std::vector<Variant>& variants, const OutputDirectory& out,
                        const std::string& cause = {});

// Writes every file of a computed variant (its maps, then its directory in the store) and
// commits it with one rename; on failure nothing of it looks complete. HDF5 is not built
// thread-safe: `hdf5_mutex` serialises its writes between variants committed in parallel.
void commit_variant(const ScenarioResult& result, const OutputDirectory& out, const RunInfo& run,
                    bool web_tiles, std::mutex& hdf5_mutex);

// The batch's files (results.h5, the summaries, districts.gpkg, covsim.qgs, batch.png, and with
// web tiles the web viewer index.html and web/), assembled from the committed variants in batch
// order, each written under a temporary name and renamed when complete, then what publishes them:
// the STAC catalog of the maps (catalog.json, io/stac_catalog) and datapackage.json
// (write_batch_data_package). Returns the variants' summaries, in batch order.
std::vector<ScenarioSummary> assemble_batch(const std::vector<Variant>& variants,
                                            const OutputDirectory& out, bool web_tiles);

// The files and directories assemble_batch leaves in `dir` (RunReport::files).
std::vector<std::filesystem::path> batch_files(const std::filesystem::path& dir, bool web_tiles);

// DIR/datapackage.json (io/data_package): the batch's CSV files and `more` (a driver's own
// tables, e.g. the planner's, written before this is called), written atomically.
void write_batch_data_package(const std::vector<Variant>& variants, const OutputDirectory& out,
                              const std::vector<io::TableResource>& more = {});

// The terminal summary of a computed variant (run/summary_table prints it).
ScenarioSummary summarise(const ScenarioResult& result);

} // namespace covsim
