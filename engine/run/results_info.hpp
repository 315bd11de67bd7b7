#pragma once
// What `covsim info` shows of a results file: per scenario group, its provenance (scenario file,
// covsim version and commit, command line, times, threads, input files and their checksums) and
// its headline figures (the city values the writer records as city_* attributes).

#include "io/results_reader.hpp"

#include <string>
#include <vector>

namespace covsim {

struct InputRecord {
    std::string role;   // "scenario", "districts", "population", "sites_<layer>", ...
    std::string path;   // input_<role>; empty when only a checksum is recorded
    std::string sha256; // sha256_<role>; empty when the file records none
};

struct Headline {
    double population = 0.0;
    double covered_population = 0.0; // outdoors
    double covered_share = 0.0;
    double covered_indoor_population = 0.0;
    double covered_indoor_share = 0.0;
    double served_population = 0.0;
    double served_share = 0.0;
    double cost_per_subscriber_usd_per_month = 0.0;
    double affordability_share_of_gni = 0.0;
    double affordable = 0.0; // 1 or 0; NaN when the file does not say
};

struct ScenarioInfo {
    std::string name;
    std::string group; // HDF5 path
    std::string description;
    std::string scenario_file;
    std::string covsim_version;
    std::string git_commit;
    std::string command_line;
    std::string started_utc;
    std::string finished_utc;
    double elapsed_s = 0.0;
    double threads = 0.0;
    double resolution_m = 0.0;
    std::string input_checksum; // empty when absent
    std::vector<InputRecord> inputs;
    Headline headline;
};

struct ResultsInfo {
    std::string path;
    int schema_version = 0;
    std::vector<ScenarioInfo> scenarios;
};

ResultsInfo results_info(const io::ResultsFile& file);
std::string format_info(const ResultsInfo& info);

} // namespace covsim
