#include "run/export.hpp"

#include "core/error.hpp"
#include "io/results_export.hpp"
#include "io/results_reader.hpp"

namespace covsim {

ExportReport export_results(const ExportConfig& config) {
    if (config.csv.empty() && config.gpkg.empty()) {
        throw Error(ErrorCode::usage,
                    "nothing to write: give --out DIR, --csv FILE or --gpkg FILE");
    }
    const io::ResultsFile file(config.results);
    std::vector<io::ScenarioTable> tables;
    ExportReport report;
    for (const io::ScenarioGroup& g : file.scenarios()) {
        tables.push_back({g.name, file.districts(g)});
        report.rows += tables.back().districts.codes.size();
    }
    report.scenarios = tables.size();
    if (!config.gpkg.empty()) {
        const std::filesystem::path polygons = config.districts_gpkg.empty()
                                                   ? config.results.parent_path() / "districts.gpkg"
                                                   : config.districts_gpkg;
        io::write_results_gpkg(config.gpkg, tables, polygons);
    }
    if (!config.csv.empty()) {
        io::write_results_csv(config.csv, tables);
        report.files.push_back(config.csv);
    }
    if (!config.gpkg.empty()) {
        report.files.push_back(config.gpkg);
    }
    return report;
}

} // namespace covsim
