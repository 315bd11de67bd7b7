#pragma once
// make_hanoi_geodata's work, apart from option parsing: builds covsim's approximate Hanoi study
// area from the district facts and the coarse city outline (see facts.hpp), in four steps.
//  1. The interior points and the outline are projected to WGS 84 / UTM 48N (EPSG:32648).
//  2. A power diagram of the interior points, clipped to the outline, is fitted so that each
//     cell's area is the district's area, scaled so that the areas sum to the outline's
//     (power_diagram.hpp).
//  3. The cells are written as RFC 7946 GeoJSON with 6 decimals (about 0.1 m).
//  4. The GeoJSON is read back, reprojected and rasterized on a 100 m grid exactly as covsim's
//     study-area loader does it (GDALRasterizeGeometries, cell centre inside the polygon), and
//     each district's census people are spread over its cells (synthetic_population.hpp) and
//     written as a GeoTIFF.
// Everything is deterministic: the same inputs give the same files.

#include <filesystem>

namespace covsim::geodata {

struct GeneratorConfig {
    std::filesystem::path facts_path;   // hanoi_district_facts.csv
    std::filesystem::path outline_path; // hanoi_outline_coarse.csv
    std::filesystem::path out_dir;      // receives districts.geojson and population_100m.tif
};

// Writes the two files and prints a report (areas, cells and people per district) to stdout.
void make_hanoi_geodata(const GeneratorConfig& config);

} // namespace covsim::geodata
