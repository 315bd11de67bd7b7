#pragma once
// The one CSV reader of covsim's tests: comma-separated fields, no quoting (the reference files
// the tests read have none), every line kept with its number so that a failure can name it.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim::test {

struct CsvRow {
    std::size_t line = 0;            // 1-based line number in the file
    std::vector<std::string> fields; // trimmed of spaces, tabs and carriage returns
    // The field at `index`, "" when the row is shorter.
    [[nodiscard]] const std::string& field(std::size_t index) const;
    // The field at `index` as a number, when it is one (the whole field).
    [[nodiscard]] std::optional<double> number(std::size_t index) const;
};

// Every line of the file, empty ones included. Fails the current test (and returns no rows)
// when the file cannot be read.
std::vector<CsvRow> read_csv(const std::filesystem::path& path);

} // namespace covsim::test
