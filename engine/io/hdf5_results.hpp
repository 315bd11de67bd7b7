#pragma once
// The results file, results.h5: one HDF5 group per scenario, laid out as netCDF-4 with CF-1.8
// metadata, so that h5py, xarray (engine="h5netcdf" or "netcdf4"), GDAL (NETCDF: and HDF5:) and
// R open it directly. This module alone owns the layout; docs/results-format.md describes it and
// the root attribute `schema_version` changes whenever it changes.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_handle.hpp"

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

// A variable-length string attribute of an object (e.g. "/scenario") of an HDF5 file; nothing
// when the file is not HDF5, cannot be opened, or has no such attribute.
std::optional<std::string> read_string_attribute(const std::filesystem::path& path,
                                                 const std::string& object, const char* name);

} // namespace covsim::io
