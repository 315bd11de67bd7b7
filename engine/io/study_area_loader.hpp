#pragma once
// Builds the StudyArea from a district layer and a population raster, through GDAL:
//  1. districts (any OGR vector: GeoJSON, GeoPackage, Shapefile...) are read with their code,
//     names and type, and transformed to the analysis CRS (the UTM zone of their centre unless
//     the scenario names one);
//  2. the analysis grid covers their extent, aligned to multiples of the resolution;
//  3. districts are rasterized on it (a cell belongs to the district containing its centre);
//  4. the population raster (any CRS and resolution) is warped onto it with GDAL's "average"
//     resampling of people per source pixel, then converted to people per cell by the ratio of
//     cell area to source-pixel area, which conserves people when cells are finer or coarser
//     than the source;
//  5. optionally each district's people are scaled to the district layer's population field,
//     so that district totals equal the census exactly; the population check (per district: the
//     people given, in the raster, the scale factor; the people outside every district) is
//     logged, with warnings beyond the tolerance (io/population_check, docs/study-area.md).

#include "core/result.hpp"
#include "core/scenario.hpp"
#include "core/study_area.hpp"
#include "io/population_check.hpp"

#include <vector>

namespace covsim::io {

struct LoadedStudyArea {
    StudyArea area;
    std::vector<InputFile> inputs;
    std::vector<double> population_scale;      // per district, 1 when not calibrated
    double population_outside_districts = 0.0; // people of the raster in no district (dropped)
    PopulationCheck population_check;          // per district: given, in the raster, scale
};

LoadedStudyArea load_study_area(const StudyAreaSpec& spec);

// Reads the districts only (no grid), in the CRS given by `crs` or, when empty, the UTM zone of
// their centre. Returns the districts and the CRS WKT used. For `covsim sites hexgrid`.
struct LoadedDistricts {
    std::vector<District> districts;
    std::string crs_wkt;
};
LoadedDistricts load_districts(const StudyAreaSpec& spec);

} // namespace covsim::io
