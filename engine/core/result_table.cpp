#include "core/result_table.hpp"

#include <functional>

namespace covsim {

namespace {

double share(double part, double whole) {
    return whole > 0.0 ? part / whole : 0.0;
}

} // namespace

std::vector<Column> district_columns(const ScenarioResult& result) {
    const DistrictTable& t = result.coverage.districts;
    auto column = [&](std::string name, std::string units, std::string long_name, int decimals,
                      const std::function<double(const DistrictTotals&)>& get) {
        Column c{std::move(name), std::move(units), std::move(long_name), decimals, {}};
        c.values.reserve(t.size());
        for (const DistrictTotals& d : t) {
            c.values.push_back(get(d));
        }
        return c;
    };
    std::vector<Column> out;
    out.push_back(column("population", "1", "people in the district's cells", 0,
                         [](const DistrictTotals& d) { return d.population; }));
    out.push_back(column("area_km2", "km2", "area of the district's cells", 3,
                         [](const DistrictTotals& d) { return d.area_km2; }));
    out.push_back(column("covered_population", "1", "people covered outdoors by at least one layer",
                         0, [](const DistrictTotals& d) { return d.covered_population; }));
    out.push_back(column("covered_share", "1", "share of the people covered outdoors", 4,
                         [](const DistrictTotals& d) { return d.covered_share(); }));
    out.push_back(column("covered_area_km2", "km2", "area covered outdoors", 3,
                         [](const DistrictTotals& d) { return d.covered_area_km2; }));
    return out;
}

std::vector<Column> layer_district_columns(const ScenarioResult& result) {
    const DistrictTable& t = result.coverage.districts;
    Column people{"layer_covered_population", "1", "people covered outdoors by each layer", 0, {}};
    Column shares{
        "layer_covered_share", "1", "share of the people covered outdoors by each layer", 4, {}};
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        for (const DistrictTotals& d : t) {
            people.values.push_back(d.layer_covered_population[l]);
            shares.values.push_back(share(d.layer_covered_population[l], d.population));
        }
    }
    return {people, shares};
}

} // namespace covsim
