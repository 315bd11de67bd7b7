#pragma once
// A census table: people per district, keyed by the district's code, in any table OGR reads (CSV,
// a spreadsheet, a GeoPackage attribute table...). Besides the code and the people it may give
// each district's name, ASCII name, type and area, for district layers that lack them. Codes are
// compared as text: "001" and "1" differ (a spreadsheet that dropped the leading zeros is
// reported as such by `covsim area prepare`).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim::io {

struct PopulationTableSpec {
    std::filesystem::path path;
    std::string code_field = "code";
    std::string population_field = "population";
    // Optional columns, read when the table has them.
    std::string name_field = "name";
    std::string name_ascii_field = "name_ascii";
    std::string type_field = "type";
    std::string area_field = "area_km2";
};

struct PopulationTableRow {
    std::string code;
    double population = 0.0;
    std::optional<std::string> name;
    std::optional<std::string> name_ascii;
    std::optional<std::string> type;
    std::optional<double> area_km2;
    std::string where; // "line 4" (CSV) or "feature 3", for messages
};

struct PopulationTable {
    std::filesystem::path path;
    std::string population_field;
    std::vector<PopulationTableRow> rows; // in the table's order
    bool has_name = false;
    bool has_name_ascii = false;
    bool has_type = false;

    // The row of a code, or null.
    [[nodiscard]] const PopulationTableRow* find(const std::string& code) const;
};

// Reads the table. Throws covsim::Error: io when it cannot be opened, input_data (naming the
// file, the line and the value) for a missing column, an empty or duplicate code, or a number of
// people or an area that is not a number >= 0.
PopulationTable read_population_table(const PopulationTableSpec& spec);

} // namespace covsim::io
