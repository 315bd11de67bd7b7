#pragma once
// The population check of a study area (docs/study-area.md, "Checks"): per district, the people
// given for it (a census table or the district layer's population field), the people the
// population raster holds in its cells, the factor that scales the second to the first; and the
// raster's people in cells of no district, which are dropped. The study-area loader computes it
// and logs it when `covsim run` loads an area; `covsim area prepare` prints it and writes it as
// population_check.csv. Warnings above the tolerances name the district and the numbers.

#include "core/district.hpp"
#include "core/raster.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim::io {

struct PopulationCheckRow {
    std::string code;
    std::string name;
    std::string name_ascii;
    DistrictType type = DistrictType::urban_district;
    double area_km2 = 0.0;       // of the polygon, in the analysis CRS
    std::uint64_t cells = 0;     // analysis cells whose centre lies in the district
    std::optional<double> given; // people given for the district; empty: the raster's are kept
    double on_grid = 0.0;        // people of the raster in the district's cells, before scaling
    double scale = 1.0;          // given / on_grid (1 without a given value or without people)
    [[nodiscard]] double people() const { return on_grid * scale; } // after scaling
};

struct PopulationCheck {
    std::string source;       // where the people come from, e.g. "population raster 'wp.tif'"
    std::string given_source; // e.g. "field 'population' of 'districts.gpkg'"; empty: none
    std::vector<PopulationCheckRow> rows; // in district order
    double outside = 0.0;                 // people of the raster in cells of no district (dropped)

    [[nodiscard]] double raster_total() const; // people of the raster on the grid
    [[nodiscard]] double total() const;        // people in the districts after scaling
    [[nodiscard]] double total_area_km2() const;
    [[nodiscard]] bool rescaled() const; // some district has a given value
};

// When a check deserves a warning.
struct PopulationTolerance {
    double max_scale_deviation = 0.1; // a factor outside [1 - d, 1 + d]
    double max_outside_share = 0.005; // more than this share of the raster's people outside
};

// Names for the errors of calibrate_population().
struct PopulationNames {
    std::string raster;         // e.g. "population raster 'wp.tif'"
    std::string given;          // e.g. "field 'population'"
    std::string resolution_key; // e.g. "study_area.resolution_m"
};

// Sums the people of `people` per district (cells of `district_index`, in cell order), sets the
// cells of no district to 0 and scales every district with a census_population to it. Throws
// covsim::Error(input_data) when a district covers no cell, when the raster has no people in the
// districts, or when a district given people > 0 has none on the grid.
PopulationCheck calibrate_population(Raster<double>& people,
                                     const Raster<std::int16_t>& district_index,
                                     const std::vector<District>& districts,
                                     const PopulationNames& names);

// One line per problem above the tolerance: a district's factor, the people outside.
std::vector<std::string> population_warnings(const PopulationCheck& check,
                                             const PopulationTolerance& tolerance);

// "30 districts, 8053663 people from <source> (scaled to <given>: factors 0.738-1.142); 75235
// people (0.93 %) outside every district dropped".
std::string population_summary(const PopulationCheck& check);

// The per-district table, one line per district then the totals and the people outside; lines
// end with '\n'. Rows beyond the tolerance are marked.
std::string format_population_check(const PopulationCheck& check,
                                    const PopulationTolerance& tolerance);

// Logs the summary (info), the table (info when there is a warning, debug otherwise) and the
// warnings.
void log_population_check(const PopulationCheck& check, const PopulationTolerance& tolerance);

// The table as CSV: code,name,name_ascii,type,area_km2,cells,population_given,
// population_raster,scale,population; then a row with an empty code, named "outside every
// district", with the people outside every district in population_raster. Throws covsim::Error(io)
// when it cannot be written.
void write_population_check_csv(const PopulationCheck& check, const std::filesystem::path& path);

} // namespace covsim::io
