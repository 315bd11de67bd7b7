#pragma once
// The results file, results.h5: one HDF5 group per scenario, laid out as netCDF-4 with CF-1.8
// metadata, so that h5py, xarray (engine="h5netcdf" or "netcdf4"), GDAL (NETCDF: and HDF5:) and
// R open it directly. This module alone owns the layout; docs/results-format.md describes it and
// the root attribute `schema_version` changes whenever it changes.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_handle.hpp"

#include <filesystem>

namespace covsim::io {

inline constexpr int results_schema_version = 1;

// Writes results.h5 under a temporary name; commit() closes it and moves it into place.
class Hdf5Sink final : public ResultSink {
public:
    explicit Hdf5Sink(const std::filesystem::path& path);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    void commit() override;

private:
    AtomicFile file_;
    h5::Id h5_;
};

} // namespace covsim::io
