#include "support/csv.hpp"

#include <charconv>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace covsim::test {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    const auto last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

} // namespace

const std::string& CsvRow::field(std::size_t index) const {
    static const std::string empty;
    return index < fields.size() ? fields[index] : empty;
}

std::optional<double> CsvRow::number(std::size_t index) const {
    const std::string& f = field(index);
    double v = 0.0;
    const char* end = f.data() + f.size();
    const auto [ptr, ec] = std::from_chars(f.data(), end, v);
    if (f.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return v;
}

std::vector<CsvRow> read_csv(const std::filesystem::path& path) {
    std::vector<CsvRow> rows;
    std::ifstream in(path);
    if (!in) {
        ADD_FAILURE() << "cannot read " << path;
        return rows;
    }
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        CsvRow row;
        row.line = number;
        std::stringstream fields(line);
        std::string field;
        while (std::getline(fields, field, ',')) {
            row.fields.push_back(trim(field));
        }
        if (!line.empty() && line.back() == ',') {
            row.fields.emplace_back();
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace covsim::test
