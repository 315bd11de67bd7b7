#pragma once
// covsim over MPI ranks (docs/scale-out.md): `mpirun -n N covsim run|plan ...`, or with srun.
// Rank 0 parses, validates and schedules; every rank computes whole variants taken from one work
// queue (largest first) and commits them to the shared output directory (run/variant_store);
// rank 0 assembles the batch's files from the committed variants, exactly as one process does.
// The MPI types stay inside this library's .cpp files; a build without MPI (no libopenmpi-dev at
// configure time) has the same interface and refuses to run as one of several ranks.

#include "run/batch.hpp"
#include "run/plan.hpp"

#include <optional>
#include <string>

namespace covsim::cluster {

// Whether this build of covsim can run over MPI ranks.
bool built_with_mpi() noexcept;

// How many processes the launcher started as one job, read from its environment (Open MPI's
// mpirun: OMPI_COMM_WORLD_SIZE; MPICH's and Slurm's PMI: PMI_SIZE; Slurm's srun:
// SLURM_STEP_NUM_TASKS): 1 when started alone. `rank` receives this process's rank (0 alone).
int launched_ranks(int* rank = nullptr);

// The MPI job this process is one rank of, for the lifetime of main(). Started alone (one rank),
// it initialises nothing and is not distributed. A build without MPI started as one of several
// ranks throws Error(usage) on rank 0 and Error(usage) with an empty message on the others (so
// that the message is printed once).
class Session {
public:
    Session(int& argc, char**& argv);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session(); // MPI_Finalize, unless abort() ended the job

    [[nodiscard]] int rank() const noexcept { return rank_; }
    [[nodiscard]] int size() const noexcept { return size_; }
    [[nodiscard]] bool distributed() const noexcept { return size_ > 1; }

    // Marks the error being thrown as known to every rank (each throws or returns on its own and
    // all reach MPI_Finalize), so that main() exits normally instead of aborting the job.
    void set_failure_agreed() const noexcept { failure_agreed_ = true; }
    [[nodiscard]] bool failure_agreed() const noexcept { return failure_agreed_; }

    // Ends every rank of the job with `exit_code` (MPI_Abort): for an error the other ranks do
    // not know of, so that none waits for this one forever.
    [[noreturn]] void abort(int exit_code) const;

private:
    int rank_ = 0;
    int size_ = 1;
    [[maybe_unused]] bool initialised_ = false; // read by the MPI build only (mpi.cpp)
    mutable bool failure_agreed_ = false;
};

// `covsim run` on every rank of `session` (run_batch when it is not distributed). Returns the
// report on rank 0 and nothing on the other ranks, which print nothing but their warnings
// (prefixed with their rank). A variant that fails on any rank, or a rank stopped by a signal,
// stops the job: rank 0 throws an Error naming the rank and the variant, and main() aborts the
// job (Session::abort); variants already committed stay, so the same command resumes.
std::optional<RunReport> run_batch(const RunConfig& config, const Session& session);

// `covsim plan` on every rank of `session` (run_plan when it is not distributed): every rank
// loads the plan and searches its share of the districts in each Jacobi sweep (district d on rank
// d mod ranks), the outcomes are exchanged after each sweep (MPI_Allgatherv), and rank 0 makes
// the Gauss-Seidel passes, the whole-city runs and the outputs: the same plan as one process.
// Returns the report on rank 0 and nothing on the others, which log nothing.
std::optional<PlanReport> run_plan(const PlanConfig& config, const Session& session);

} // namespace covsim::cluster
