#pragma once
// Writes the maps of each scenario as GeoTIFF (COG) under <out>/maps/<scenario>/<metric>.tif.
// Files are written under temporary names and renamed on commit().

#include "core/result.hpp"
#include "io/atomic_file.hpp"

#include <filesystem>
#include <vector>

namespace covsim::io {

class MapSink final : public ResultSink {
public:
    explicit MapSink(std::filesystem::path out_dir);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    void commit() override;

private:
    std::filesystem::path out_dir_;
    std::vector<AtomicFile> files_;
};

} // namespace covsim::io
