#pragma once
// The results file, results.h5: one HDF5 group per scenario, laid out as netCDF-4 with CF-1.8
// metadata, so that h5py, xarray (engine="h5netcdf" or "netcdf4"), GDAL (NETCDF: and HDF5:) and
// R open it directly. This module alone owns the layout; docs/results-format.md describes it and
// the root attribute `schema_version` changes whenever it changes.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_handle.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace covsim::io {

inline constexpr int results_schema_version = 1;

// Writes results.h5 under a temporary name; commit() closes it and moves it into place.
class Hdf5Sink final : public ResultSink {
public:
    explicit Hdf5Sink(const std::filesystem::path& path);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    // Copies the group /<scenario> of another results file (a variant's, run/variant_store)
    // with its variables and attributes, creating intermediate groups for nested names.
    void append(const std::filesystem::path& source, const std::string& scenario);
    void commit() override;

private:
    AtomicFile file_;
    h5::Id h5_;
};

// The `plan` group of a planned network (run/plan, docs/results-format.md): per district its
// choice, served share and costs, and the cost curves (district x served share, and the city).
struct PlanTable {
    std::vector<std::string> codes;
    std::vector<std::string> choices;
    std::vector<double> served_share;
    std::vector<std::uint8_t> target_met;
    std::vector<double> sites_added;
    std::vector<double> capex_usd;
    std::vector<double> opex_usd_per_year;
    std::vector<double> annualised_cost_usd;
    std::vector<double> cost_per_subscriber_usd_per_month;
    std::vector<double> cost_per_served_subscriber_usd_per_month;
    std::vector<double> affordability;
    std::vector<double> curve_share;             // the curve's served shares
    std::vector<double> curve_cost_usd_per_year; // district x share, row-major; NaN: not reached
    std::vector<double> city_curve_cost_usd_per_year;
    std::string scenario; // the plan's scenario group in the same file
    double target_served_share = 0.0;
    bool target_indoors = false;
    int sweeps = 0;
    int passes = 0;
    bool converged = false;
    std::uint64_t evaluations = 0;
};

// Adds the group /plan to a committed results file: the file is copied under a temporary name,
// the group written there, and the copy renamed over the original.
void append_plan_group(const std::filesystem::path& results_h5, const PlanTable& table);

// A variable-length string attribute of an object (e.g. "/scenario") of an HDF5 file; nothing
// when the file is not HDF5, cannot be opened, or has no such attribute.
std::optional<std::string> read_string_attribute(const std::filesystem::path& path,
                                                 const std::string& object, const char* name);

} // namespace covsim::io
