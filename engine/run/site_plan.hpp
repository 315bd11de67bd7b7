#pragma once
// Site plans made by covsim: a hexagonal layout over the districts, with the inter-site
// distance, antenna height, power and tilt chosen per district type (docs/sites.md).

#include "core/district.hpp"
#include "core/scenario.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace covsim {

struct HexgridConfig {
    StudyAreaSpec districts; // districts file, fields and CRS (population is not used)
    std::string layer;       // value of the `layer` field of every row
    std::string site_prefix; // site ids are <prefix>-<district code>-<nnnn>; default: layer
    PerDistrictType<std::optional<double>> isd_m{}; // types without an ISD get no sites
    PerDistrictType<double> height_m{30.0, 30.0, 30.0};
    PerDistrictType<double> power_dbm{46.0, 46.0, 46.0};
    PerDistrictType<std::optional<double>> tilt_deg{}; // empty: aim the beam at 2/3 of the ISD
    int sectors = 3;                                   // 1: omnidirectional
    double azimuth_offset_deg = 0.0;
    std::filesystem::path out;
};

struct HexgridReport {
    std::size_t sites = 0;
    std::size_t sectors = 0;
    PerDistrictType<std::size_t> sites_per_type{};
};

HexgridReport write_hexgrid_plan(const HexgridConfig& config);

} // namespace covsim
