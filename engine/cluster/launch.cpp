#include "cluster/cluster.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace covsim::cluster {

namespace {

// A non-negative integer environment variable, or -1 when unset or not a number.
int env_int(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) {
        return -1;
    }
    const std::string_view s(text);
    int value = -1;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && value >= 0 ? value : -1;
}

} // namespace

int launched_ranks(int* rank) {
    // Slurm sets SLURM_STEP_NUM_TASKS for the tasks of an srun step only (a batch script started
    // by sbatch is no step task), with SLURM_PROCID as the rank.
    static constexpr std::pair<const char*, const char*> launchers[] = {
        {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
        {"PMI_SIZE", "PMI_RANK"},
        {"SLURM_STEP_NUM_TASKS", "SLURM_PROCID"},
    };
    for (const auto& [size_name, rank_name] : launchers) {
        const int size = env_int(size_name);
        if (size >= 1) {
            if (rank != nullptr) {
                *rank = std::max(env_int(rank_name), 0);
            }
            return size;
        }
    }
    if (rank != nullptr) {
        *rank = 0;
    }
    return 1;
}

} // namespace covsim::cluster
