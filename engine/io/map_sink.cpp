#include "io/map_sink.hpp"

#include "core/error.hpp"
#include "io/geotiff_writer.hpp"

#include <fmt/format.h>

namespace covsim::io {

MapSink::MapSink(std::filesystem::path out_dir) : out_dir_(std::move(out_dir)) {}

void MapSink::write(const ScenarioResult& result, const RunInfo& run) {
    const std::string& scenario = result.scenario->name;
    const std::filesystem::path dir = out_dir_ / "maps" / scenario;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot create directory '{}': {}", dir.string(), ec.message()));
    }
    const CoverageMaps& m = result.coverage.maps;
    auto describe = [&](const char* metric, const char* description, const char* units,
                        OverviewResampling overviews) {
        MapDescription d;
        d.description = description;
        d.units = units;
        d.overviews = overviews;
        d.metadata = {{"COVSIM_SCENARIO", scenario},
                      {"COVSIM_METRIC", metric},
                      {"COVSIM_UNITS", units},
                      {"COVSIM_VERSION", run.covsim_version}};
        return d;
    };
    auto emit = [&](const char* metric, const auto& raster, const MapDescription& d) {
        AtomicFile file(dir / (std::string(metric) + ".tif"));
        write_geotiff(file.temp_path(), raster, d);
        files_.push_back(std::move(file));
    };
    emit("rsrp_dbm", m.rsrp_dbm,
         describe("rsrp_dbm", "RSRP of the serving layer's best server", "dBm",
                  OverviewResampling::average));
    emit("sinr_db", m.sinr_db,
         describe("sinr_db", "SINR of the serving layer", "dB", OverviewResampling::average));
    emit("best_server", m.best_server,
         describe("best_server", "best-server sector index (results.h5 sector variables)", "",
                  OverviewResampling::nearest));
    emit("covered", m.covered,
         describe("covered", "covered outdoors by at least one layer (1) or not (0)", "",
                  OverviewResampling::nearest));
    emit("serving_layer", m.serving_layer,
         describe("serving_layer", "index of the serving layer (results.h5 layer variable)", "",
                  OverviewResampling::nearest));
}

void MapSink::commit() {
    for (AtomicFile& f : files_) {
        f.commit();
    }
    files_.clear();
}

} // namespace covsim::io
