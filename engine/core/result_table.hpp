#pragma once
// The per-district results of a scenario as named columns with units: the one definition that
// every sink writes (results.h5 variables, summary.csv columns, GeoPackage fields), so that a
// new result appears everywhere by being added here once.

#include "core/result.hpp"

#include <string>
#include <vector>

namespace covsim {

struct Column {
    std::string name;      // variable, CSV column and field name
    std::string units;     // CF units: "1", "km2", "dBm", ...
    std::string long_name; // what it is, for attributes and legends
    int decimals = 0;      // digits after the point in text outputs
    std::vector<double> values;
    // NaN means "no value" for the whole column (the ends of a range without [uncertainty]):
    // results.h5 declares NaN its _FillValue.
    bool may_be_missing = false;
};

struct TextColumn {
    std::string name;
    std::string long_name;
    std::vector<std::string> values;
};

// One value per district, in district order.
std::vector<Column> district_columns(const ScenarioResult& result);
std::vector<TextColumn> district_text_columns(const ScenarioResult& result);

// The city-wide value of every district column, in the same order (sums, or the ratio of the
// sums, or the city's own cost figures).
std::vector<double> city_values(const ScenarioResult& result, const std::vector<Column>& columns);

// One value per layer and district, layer-major ([layer * districts + district]).
std::vector<Column> layer_district_columns(const ScenarioResult& result);

} // namespace covsim
