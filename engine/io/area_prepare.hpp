#pragma once
// `covsim area prepare`: a study area made from open data, checked, in one directory that a
// scenario `extends` (docs/study-area.md). This module owns the directory's layout:
//
//   DIR/study_area.toml      the [study_area] table: the files below, name_field, population_field,
//                            crs and resolution_m; a comment says what it was made from
//   DIR/districts.gpkg       layer "districts" in the analysis CRS: code, name, name_ascii, type,
//                            population (the people of population.tif in the district), area_km2
//   DIR/population.tif       people per cell on the analysis grid (Float64 COG)
//   DIR/population_check.csv per district: area, cells, people given, people in the source
//                            raster, scale factor, people written; then the people outside
//   DIR/dem.tif              (with --dem) elevation in the analysis CRS at the DEM's own spacing,
//                            over the grid's extent (Float32 COG, NaN where unknown)
//   DIR/land_cover.tif       (with --land-cover) ESA WorldCover classes on the analysis grid (Byte
//                            COG, 0 = no data)
//
// The directory is written as DIR.partial and renamed to DIR when every file is complete; DIR
// must not exist or be empty, so nothing is ever overwritten. The analysis grid is the one the
// study-area loader builds from districts.gpkg at resolution_m, so `covsim run` reads the rasters
// back without resampling.
//
// Steps (each a function below): read the census table, read and check the districts, lay the
// grid, put people on it (from a raster, warped and scaled per district; or from the table,
// spread over each district uniformly or by weights), mosaic the DEM, put the land cover on the
// grid, write. Problems are errors (covsim::Error, one line naming the file, line or field, the
// value and what was expected) or warnings (logged, counted in the report).

#include "core/district.hpp"
#include "core/raster.hpp"
#include "io/population_check.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim::io {

struct AreaPrepareConfig {
    std::filesystem::path districts;             // any OGR vector layer of polygons
    std::string district_layer;                  // empty: the file's first layer
    std::string code_field = "code";             // in the districts and in the census table
    std::string name_field = "name";             // in the districts, else in the table
    std::string name_ascii_field = "name_ascii"; // optional; default: the name
    std::string type_field = "type"; // urban_district, town or rural_district; districts or table
    std::optional<DistrictType> default_type; // for districts without a type anywhere
    // People: a census table keyed by code (any OGR table, e.g. CSV) and/or a raster of people
    // per pixel, told apart by what GDAL opens them as. With both, the raster's people are
    // scaled per district to the table; with the table only, they are spread over each
    // district; with the raster only, scaled to the districts' population_field when the layer
    // has one, else kept as they are.
    std::vector<std::filesystem::path> population;
    std::string population_field = "population"; // the table's column (or the districts' field)
    std::filesystem::path built_up;              // weights for spreading a table (e.g. GHS-BUILT)
    std::vector<std::filesystem::path> dem;      // tiles, mosaicked (SRTM .hgt, GeoTIFF, VRT...)
    std::filesystem::path land_cover;            // ESA WorldCover classes
    double resolution_m = 100.0;
    std::string crs;           // e.g. "EPSG:32648"; empty: the UTM zone of the districts' centre
    std::filesystem::path out; // DIR
    PopulationTolerance tolerance;
    // A DEM whose spacing is more than this many cells is too coarse for the grid (a warning).
    double max_dem_spacing_cells = 5.0;
    std::string command_line; // recorded in study_area.toml
    std::string producer;     // e.g. "covsim 0.1.0 (abc1234)", recorded in study_area.toml
};

// How people were put on the grid.
enum class PopulationMethod {
    raster,           // a raster's people as they are
    raster_scaled,    // a raster's people scaled per district to the given people
    table_uniform,    // a table's people spread evenly over each district's cells
    table_land_cover, // spread by WorldCover class weights
    table_built_up    // spread in proportion to a built-up raster
};

struct AreaPrepareReport {
    std::filesystem::path out;
    PopulationMethod method = PopulationMethod::raster;
    PopulationCheck check; // per district; for a spread table, in_raster = given, scale 1
    Grid grid;
    std::string crs_label; // e.g. "EPSG:32648"
    std::uint64_t district_cells = 0;
    std::optional<double> dem_spacing_m;
    std::uint64_t dem_missing_cells = 0;          // district cells without an elevation
    std::vector<std::string> population_warnings; // beyond the tolerance (also logged)
    std::vector<std::filesystem::path> files;
};

AreaPrepareReport prepare_study_area(const AreaPrepareConfig& config);

// ESA WorldCover classes (v100/v200 legend): the name of a class code, or empty for a code that
// is not one.
std::string_view worldcover_class_name(std::uint8_t code) noexcept;

// The weight of a WorldCover class for spreading people over a district without a population
// raster: built-up 1, open land 0.05, trees 0.02, water, wetland, snow and mangroves 0, unknown
// 0.05 (docs/study-area.md).
double worldcover_people_weight(std::uint8_t code) noexcept;

} // namespace covsim::io
