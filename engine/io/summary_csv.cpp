#include "io/summary_csv.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

namespace covsim::io {

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

namespace {

std::ofstream open_csv(const AtomicFile& f) {
    std::ofstream out(f.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) {
        throw Error(ErrorCode::io, fmt::format("cannot write '{}'", f.final_path().string()));
    }
    return out;
}

void finish(std::ofstream& out, AtomicFile& f) {
    out.flush();
    if (!out) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write '{}' (disk full?)", f.final_path().string()));
    }
    out.close();
    f.commit();
}

} // namespace

SummaryCsvSink::SummaryCsvSink(const std::filesystem::path& out_dir)
    : districts_file_(out_dir / "summary.csv"), layers_file_(out_dir / "summary_layers.csv"),
      districts_(open_csv(districts_file_)), layers_(open_csv(layers_file_)) {
    districts_ << "scenario,code,name,name_ascii,type,population,area_km2,covered_population,"
                  "covered_share,covered_area_km2\n";
    layers_ << "scenario,layer,code,name_ascii,population,covered_population,covered_share\n";
}

void SummaryCsvSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const std::string scenario = csv_field(result.scenario->name);
    const auto& districts = result.area->districts;
    const DistrictTable& table = result.coverage.districts;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const District& info = districts[d];
        const DistrictTotals& t = table[d];
        districts_ << fmt::format(
            "{},{},{},{},{},{:.0f},{:.3f},{:.0f},{:.4f},{:.3f}\n", scenario, csv_field(info.code),
            csv_field(info.name), csv_field(info.name_ascii), to_string(info.type), t.population,
            t.area_km2, t.covered_population, t.covered_share(), t.covered_area_km2);
    }
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        for (std::size_t d = 0; d < districts.size(); ++d) {
            const DistrictTotals& t = table[d];
            const double covered = t.layer_covered_population[l];
            layers_ << fmt::format("{},{},{},{},{:.0f},{:.0f},{:.4f}\n", scenario,
                                   csv_field(result.layers[l].name), csv_field(districts[d].code),
                                   csv_field(districts[d].name_ascii), t.population, covered,
                                   t.population > 0 ? covered / t.population : 0.0);
        }
    }
}

void SummaryCsvSink::commit() {
    finish(districts_, districts_file_);
    finish(layers_, layers_file_);
}

} // namespace covsim::io
