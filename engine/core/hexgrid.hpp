#pragma once
// Hexagonal site layouts: sites on a triangular lattice with a given inter-site distance (ISD),
// every site six neighbours at exactly the ISD, so each site serves a hexagon of area
// (sqrt(3)/2) ISD^2. Lattices are anchored at the CRS origin, so the same ISD gives the same
// lattice in neighbouring districts and plans are stable when a district is added or removed.

#include "core/district.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace covsim {

struct HexPlanOptions {
    // Inter-site distance per district type; districts of a type without a value get no sites.
    PerDistrictType<std::optional<double>> isd_m{};
};

struct PlannedSite {
    double x_m = 0.0;
    double y_m = 0.0;
    std::int32_t district = -1; // index into the districts
};

// Lattice points inside each planned district, district by district in input order, each
// district row by row (north to south, west to east). A planned district too small to hold a
// lattice point gets one site at a point inside it.
std::vector<PlannedSite> plan_hex_sites(const std::vector<District>& districts,
                                        const HexPlanOptions& options);

// The lattice points of one district at `isd_m`, row by row (north to south, west to east); a
// district too small to hold one gets one site at a point inside it. `index` is the district's
// index, recorded in each site.
std::vector<PlannedSite> hex_sites_in_district(const District& district, double isd_m,
                                               std::int32_t index);

// Area served by one site of a hexagonal layout, km^2.
double hex_cell_area_km2(double isd_m) noexcept;

// Downtilt that points the main beam at the far edge of a 3-sector hexagonal cell, 2/3 of the
// ISD away: atan(h / (2 ISD / 3)), degrees.
double hex_default_tilt_deg(double antenna_height_m, double isd_m) noexcept;

} // namespace covsim
