#pragma once
// The result of one scenario, as handed to the result sinks, and the sink interface. Sinks
// (HDF5, GeoTIFF, CSV) live in engine/io; the core only knows this interface.

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/coverage.hpp"
#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"
#include "core/uncertainty.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace covsim {

// An input file a result depends on, recorded for provenance.
struct InputFile {
    InputFile() = default;
    InputFile(std::string role_name, std::filesystem::path file)
        : role(std::move(role_name)), path(std::move(file)) {}

    std::string role; // "scenario", "districts", "population", "sites_<layer>"
    std::filesystem::path path;
    std::string sha256; // of the file's bytes, 64 hex digits; empty when not computed
};

// How and when a run was made, recorded with every scenario.
struct RunInfo {
    std::string covsim_version;
    std::string git_commit;
    std::string command_line;
    int threads = 0;
};

struct ScenarioResult {
    const Scenario* scenario = nullptr;
    const StudyArea* area = nullptr;
    std::vector<Sector> sectors;
    std::vector<CoverageLayer> layers;
    CoverageResult coverage;
    CapacityResult capacity;
    CostResult cost;
    Ranges ranges; // of the served share and cost per subscriber; empty without [uncertainty]
    std::vector<InputFile> inputs;
    // SHA-256 over the resolved scenario and every input file's bytes: a variant whose stored
    // result carries the same checksum need not be computed again (run/variant_store).
    std::string input_checksum;
    std::string started_utc;  // ISO 8601
    std::string finished_utc; // ISO 8601
    double elapsed_s = 0.0;
};

class ResultSink {
public:
    virtual ~ResultSink() = default;
    // Called once per scenario, in the order of the batch.
    virtual void write(const ScenarioResult& result, const RunInfo& run) = 0;
    // Called once after the last scenario: make the outputs final and visible.
    virtual void commit() = 0;
};

} // namespace covsim
