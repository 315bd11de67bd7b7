#pragma once
// Orchestration of a batch: parse and validate every scenario, load every input (study areas
// shared between scenarios that use the same one), then compute the variants not already stored
// with the same input checksum, in parallel, each written as it completes (run/variant_store),
// and finally assemble results.h5, the summaries, districts.gpkg and covsim.qgs from all of them.

#include "core/aggregation.hpp"
#include "run/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace covsim {

struct RunConfig {
    std::vector<std::filesystem::path> scenario_files;
    std::filesystem::path out_dir = "out";
    int threads = 0; // 0: all hardware threads
    std::string command_line;
    bool web_tiles = false; // also write XYZ PNG tiles of the styled maps (<out>/tiles/)
    bool force = false;     // recompute variants already stored with the same input checksum
    ProgressMode progress = ProgressMode::none;
    double progress_interval_s = 10.0; // plain progress: a line at least this often
};

struct LayerSummary {
    std::string name;
    std::string model;
    std::size_t sectors = 0;
    double covered_population = 0.0;
};

struct DistrictSummary {
    std::string code;
    std::string name_ascii;
    std::string type;
    DistrictTotals totals;
    double served_population = 0.0;
    double cost_per_subscriber_usd_per_month = 0.0;
    double affordability = 0.0; // share of monthly GNI per capita
    std::string cheapest_mix;
    std::string verdict; // affordability_verdict(): affordable, not affordable, under-served
};

struct ScenarioSummary {
    std::string name;
    std::size_t sites = 0;
    std::size_t sectors = 0;
    double resolution_m = 0.0;
    std::size_t cells = 0;
    double elapsed_s = 0.0;
    DistrictTotals total;
    double served_population = 0.0;
    double covered_indoor_population = 0.0;
    double annualised_cost_usd = 0.0;
    double cost_per_subscriber_usd_per_month = 0.0;
    // The city's ranges ([uncertainty], core/uncertainty.hpp); NaN without one.
    double served_share_low = std::numeric_limits<double>::quiet_NaN();
    double served_share_high = std::numeric_limits<double>::quiet_NaN();
    double cost_per_subscriber_low_usd_per_month = std::numeric_limits<double>::quiet_NaN();
    double cost_per_subscriber_high_usd_per_month = std::numeric_limits<double>::quiet_NaN();
    double affordability = 0.0; // share of monthly GNI per capita
    double affordability_threshold = 0.0;
    double target_served_share = 0.0;
    std::string verdict; // of the city (affordability_verdict)
    std::uint64_t overloaded_cells = 0;
    std::vector<LayerSummary> layers;
    std::vector<DistrictSummary> districts;
};

struct RunReport {
    std::filesystem::path out_dir;
    std::vector<std::filesystem::path> files; // written, final names
    std::vector<ScenarioSummary> scenarios;
    double elapsed_s = 0.0;
    int threads = 0;          // per rank
    int ranks = 1;            // MPI ranks (cluster/cluster.hpp)
    std::size_t computed = 0; // variants computed by this run
    std::size_t skipped = 0;  // variants already stored with the same input checksum
};

RunReport run_batch(const RunConfig& config);

} // namespace covsim
