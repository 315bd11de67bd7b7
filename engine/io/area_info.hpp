#pragma once
// `covsim area info`: what a study area holds, for a first look: its districts with their
// people and areas, the analysis grid, the DEM's spacing and coverage and the land-cover
// classes. The study area is a directory written by `covsim area prepare` (io/area_prepare; its
// study_area.toml names the same) or the [study_area] of a scenario file. It is loaded exactly
// as `covsim run` loads it (io/study_area_loader).

#include "core/scenario.hpp"
#include "io/population_check.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace covsim::io {

struct AreaDemInfo {
    std::filesystem::path path;
    double spacing_m = 0.0; // of the DEM on the analysis CRS
    std::int64_t width = 0;
    std::int64_t height = 0;
    double min_m = 0.0; // over the DEM's cells that have an elevation
    double max_m = 0.0;
    double mean_m = 0.0;
    std::uint64_t district_cells = 0; // analysis cells in the districts
    std::uint64_t missing_cells = 0;  // of those, without an elevation
};

struct AreaLandCoverInfo {
    std::filesystem::path path;
    std::vector<std::pair<int, std::uint64_t>> classes; // WorldCover code, district cells
    std::uint64_t district_cells = 0;
};

struct AreaInfo {
    std::filesystem::path source; // the directory or the scenario file
    std::string scenario;         // the scenario's name; empty for a prepared directory
    StudyAreaSpec spec;
    Grid grid;
    std::string crs_label; // e.g. "EPSG:32648"
    std::string crs_name;  // e.g. "WGS 84 / UTM zone 48N"
    PopulationCheck check; // per district: area, cells, people (as loaded)
    std::optional<AreaDemInfo> dem;
    std::optional<AreaLandCoverInfo> land_cover;
};

// Describes the study area of `path`: a prepared directory (or its study_area.toml), or a
// scenario file (its first variant's study area). Throws covsim::Error as loading it would.
AreaInfo describe_study_area(const std::filesystem::path& path);

} // namespace covsim::io
