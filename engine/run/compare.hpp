#pragma once
// `covsim compare`: every scenario group of one or more results files against a base, for the
// city and per district: covered population (outdoors), served population and cost per
// subscriber per month, each as base value, value and change.

#include <filesystem>
#include <string>
#include <vector>

namespace covsim {

struct CompareConfig {
    std::vector<std::filesystem::path> files;
    std::string base; // empty: the first scenario group of the first file
};

struct ComparedValue {
    double base = 0.0;
    double value = 0.0;
    [[nodiscard]] double change() const noexcept { return value - base; }
};

struct ComparisonRow {
    std::string scenario;
    bool city = false; // the city total (code and name empty) or one district
    std::string code;
    std::string name; // name_ascii when the file has it, for terminals and spreadsheets
    ComparedValue covered_population;
    ComparedValue served_population;
    ComparedValue cost_per_subscriber_usd_per_month;
};

struct Comparison {
    std::string base;
    std::vector<std::string> scenarios; // every compared scenario except the base, in file order
    std::vector<ComparisonRow> rows;    // per scenario: the city first, then the districts
};

// Scenario names are the groups' `scenario` attributes; with several files, a name found in
// more than one file is written "<file>:<name>". Throws covsim::Error(usage) for an unknown base
// (listing the names) and covsim::Error(input_data) when a scenario's districts differ from the
// base's.
Comparison compare_results(const CompareConfig& config);

// A readable table: per scenario, the city totals first, then every district.
std::string format_comparison(const Comparison& comparison);

// The rows as CSV (written atomically): scenario,base,level,code,name, then <variable>_base,
// <variable>, <variable>_change for each of the three variables.
void write_comparison_csv(const Comparison& comparison, const std::filesystem::path& path);

} // namespace covsim
