#pragma once
// `covsim export`: the per-district tables of every scenario group of a results file as one long
// CSV (a row per scenario and district) and as a GeoPackage with one layer, district_results
// (a feature per scenario and district, with a `scenario` field). The polygons come from a
// district GeoPackage written by covsim run (districts.gpkg, matched by the `code` field), which
// is in the analysis CRS and has exactly the run's districts. Both files are written atomically.

#include "io/results_reader.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// The table of one scenario group.
struct ScenarioTable {
    std::string scenario;
    DistrictTable districts;
};

// The columns of the long table: scenario, code, name, name_ascii, type, the text variables,
// then every numeric variable (the union over the scenarios, in first-seen order; a scenario
// without a variable has an empty cell / a null field).
void write_results_csv(const std::filesystem::path& path, const std::vector<ScenarioTable>& tables);

// `districts_gpkg`: the GeoPackage to take the polygons from (its first layer with a `code`
// field). Throws covsim::Error(input_data) when a district of the tables has no polygon there.
void write_results_gpkg(const std::filesystem::path& path, const std::vector<ScenarioTable>& tables,
                        const std::filesystem::path& districts_gpkg);

inline constexpr const char* results_gpkg_layer = "district_results";

} // namespace covsim::io
