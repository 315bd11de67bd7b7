#include "core/aggregation.hpp"

namespace covsim {

void DistrictTotals::add(const DistrictTotals& other) noexcept {
    population += other.population;
    area_km2 += other.area_km2;
    covered_population += other.covered_population;
    covered_area_km2 += other.covered_area_km2;
    covered_indoor_population += other.covered_indoor_population;
    for (std::size_t i = 0; i < layer_covered_population.size(); ++i) {
        layer_covered_population[i] += other.layer_covered_population[i];
        layer_covered_indoor_population[i] += other.layer_covered_indoor_population[i];
    }
}

DistrictTable make_district_table(std::size_t district_count, std::size_t layer_count) {
    return DistrictTable(district_count, DistrictTotals(layer_count));
}

DistrictTable reduce_in_order(const std::vector<PartialTable>& partials, std::size_t district_count,
                              std::size_t layer_count) {
    DistrictTable total = make_district_table(district_count, layer_count);
    for (const PartialTable& part : partials) {
        for (const auto& [district, totals] : part) {
            total[static_cast<std::size_t>(district)].add(totals);
        }
    }
    return total;
}

DistrictTotals total_of(const DistrictTable& table, std::size_t layer_count) {
    DistrictTotals sum(layer_count);
    for (const DistrictTotals& d : table) {
        sum.add(d);
    }
    return sum;
}

} // namespace covsim
