#pragma once
// The facts make_hanoi_geodata builds the study area from, read from two small CSV files
// (../shared/data/standin in the development tree; see geodata/hanoi/README.md):
//  - district facts: code, name_vi, name_ascii, type, interior_lon, interior_lat, area_km2,
//    population_2019, population_urban_2019, population_rural_2019 (GSO 2019 census; the
//    interior points and areas measured on the dvhcvn district boundaries);
//  - the city outline: a closed ring of lon,lat vertices rounded to 0.01 degree.

#include "core/district.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace covsim::geodata {

struct DistrictFacts {
    std::string code;
    std::string name_vi;
    std::string name_ascii;
    DistrictType type = DistrictType::urban_district;
    double interior_lon = 0.0; // a point inside the real district, WGS 84 degrees
    double interior_lat = 0.0;
    double area_km2 = 0.0;
    std::int64_t population = 0; // 2019 census, persons
    std::int64_t population_urban = 0;
    std::int64_t population_rural = 0;
};

struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

// Throws covsim::Error(input_data) naming the file, the line and the bad value.
std::vector<DistrictFacts> read_district_facts(const std::filesystem::path& path);
// The outline's vertices, closed (first vertex repeated last).
std::vector<LonLat> read_outline(const std::filesystem::path& path);

} // namespace covsim::geodata
