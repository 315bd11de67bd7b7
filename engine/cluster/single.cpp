// The build without MPI: one process, and a clear refusal to run as one rank of several.

#include "cluster/cluster.hpp"
#include "core/error.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace covsim::cluster {

bool built_with_mpi() noexcept {
    return false;
}

Session::Session(int& /*argc*/, char**& /*argv*/) {
    int rank = 0;
    const int size = launched_ranks(&rank);
    if (size > 1) {
        throw Error(ErrorCode::usage,
                    rank != 0 ? std::string()
                              : fmt::format("started as one of {} processes (mpirun or srun), but "
                                            "this covsim was built without MPI: install "
                                            "libopenmpi-dev and openmpi-bin and build again "
                                            "(tools/run-tests installs them), or start covsim as "
                                            "one process",
                                            size));
    }
}

Session::~Session() = default;

void Session::abort(int exit_code) const {
    std::exit(exit_code);
}

std::optional<RunReport> run_batch(const RunConfig& config, const Session& /*session*/) {
    return covsim::run_batch(config);
}

std::optional<PlanReport> run_plan(const PlanConfig& config, const Session& /*session*/) {
    return covsim::run_plan(config);
}

} // namespace covsim::cluster
