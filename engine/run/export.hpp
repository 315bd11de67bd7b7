#pragma once
// `covsim export`: the per-district tables of every scenario group of a results file as one long
// CSV and a GeoPackage (io/results_export).

#include <filesystem>
#include <vector>

namespace covsim {

struct ExportConfig {
    std::filesystem::path results;        // results.h5
    std::filesystem::path csv;            // empty: no CSV
    std::filesystem::path gpkg;           // empty: no GeoPackage
    std::filesystem::path districts_gpkg; // empty: districts.gpkg next to results.h5
};

struct ExportReport {
    std::size_t scenarios = 0;
    std::size_t rows = 0; // scenario x district
    std::vector<std::filesystem::path> files;
};

ExportReport export_results(const ExportConfig& config);

} // namespace covsim
