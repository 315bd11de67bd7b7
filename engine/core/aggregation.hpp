#pragma once
// Per-district sums of a coverage run. Each tile produces its own partial sums; they are added
// in tile order (never in completion order), so totals are bit-identical for any thread count.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace covsim {

struct DistrictTotals {
    double population = 0.0;         // people
    double area_km2 = 0.0;           // area of the district's cells
    double covered_population = 0.0; // people covered by at least one layer
    double covered_area_km2 = 0.0;
    double covered_indoor_population = 0.0;       // people covered indoors by at least one layer
    std::vector<double> layer_covered_population; // per layer
    std::vector<double> layer_covered_indoor_population; // per layer

    explicit DistrictTotals(std::size_t layer_count = 0)
        : layer_covered_population(layer_count), layer_covered_indoor_population(layer_count) {}

    void add(const DistrictTotals& other) noexcept;
    [[nodiscard]] double covered_share() const noexcept {
        return population > 0.0 ? covered_population / population : 0.0;
    }
};

// One entry per district, in district order.
using DistrictTable = std::vector<DistrictTotals>;

// The districts one tile touched, sorted by district index.
using PartialTable = std::vector<std::pair<std::int32_t, DistrictTotals>>;

DistrictTable make_district_table(std::size_t district_count, std::size_t layer_count);

// Sums the partial tables in the order given (tile order).
DistrictTable reduce_in_order(const std::vector<PartialTable>& partials, std::size_t district_count,
                              std::size_t layer_count);

// City-wide totals: the districts added in table order.
DistrictTotals total_of(const DistrictTable& table, std::size_t layer_count);

} // namespace covsim
