#include "io/profile_file.hpp"

#include "core/error.hpp"
#include "io/input_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <sstream>
#include <vector>

namespace covsim::io {

namespace {

struct Token {
    double value;
    std::size_t line;
};

std::optional<double> parse(const std::string& text) {
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

[[noreturn]] void fail(const std::string& file, std::size_t line, const std::string& what) {
    throw Error(ErrorCode::input_data, fmt::format("profile '{}' line {}: {}", file, line, what));
}

TerrainProfile from_pfl(const std::string& file, const std::vector<Token>& t) {
    const double n = t[0].value;
    if (n < 1.0 || n != std::floor(n) || n > 1e6) {
        fail(file, t[0].line,
             fmt::format("the number of intervals is {}, expected an integer >= 1", t[0].value));
    }
    if (t.size() < 2 || !(t[1].value > 0.0)) {
        fail(file, t.size() < 2 ? t[0].line : t[1].line,
             "expected a spacing > 0 m after the "
             "number of intervals");
    }
    const auto count = static_cast<std::size_t>(n) + 1;
    if (t.size() != count + 2) {
        fail(file, t.back().line,
             fmt::format("{} intervals need {} elevations, found {}", static_cast<std::size_t>(n),
                         count, t.size() - 2));
    }
    TerrainProfile p;
    p.spacing_m = t[1].value;
    for (std::size_t i = 2; i < t.size(); ++i) {
        p.elevation_m.push_back(t[i].value);
    }
    return p;
}

// Optional third and fourth columns: P.1812's representative clutter height (m, ≥ 0) and
// radio-climatic zone (1 sea, 3 coastal land, 4 inland), per sample; fails on another zone.
void zone_code(const std::string& file, std::size_t line, double v) {
    if (v != 1.0 && v != 3.0 && v != 4.0) {
        fail(file, line,
             fmt::format("zone {} is not a radio-climatic zone: expected 1 (sea), 3 (coastal "
                         "land) or 4 (inland)",
                         v));
    }
}

TerrainProfile from_columns(const std::string& file, const std::vector<std::size_t>& lines,
                            const std::vector<std::vector<double>>& rows) {
    std::vector<double> d;
    std::vector<double> z;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::vector<double>& r = rows[i];
        d.push_back(r[0]);
        z.push_back(r[1]);
        if (r.size() >= 3 && !(r[2] >= 0.0)) {
            fail(file, lines[i],
                 fmt::format("clutter height {} m is negative, expected >= 0", r[2]));
        }
        if (r.size() == 4) {
            zone_code(file, lines[i], r[3]);
        }
    }
    if (d.size() < 2) {
        fail(file, lines.empty() ? 1 : lines.back(), "a profile needs at least two samples");
    }
    if (d.front() != 0.0) {
        fail(file, lines.front(), fmt::format("the first distance is {}, expected 0", d.front()));
    }
    for (std::size_t i = 1; i < d.size(); ++i) {
        if (!(d[i] > d[i - 1])) {
            fail(file, lines[i],
                 fmt::format("distance {} does not increase (previous {})", d[i], d[i - 1]));
        }
    }
    TerrainProfile p;
    const std::size_t n = d.size() - 1;
    p.spacing_m = d.back() / static_cast<double>(n);
    std::size_t j = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        const double x = p.spacing_m * static_cast<double>(i);
        while (j + 1 < n && d[j + 1] < x) {
            ++j;
        }
        const double t = std::clamp((x - d[j]) / (d[j + 1] - d[j]), 0.0, 1.0);
        p.elevation_m.push_back(z[j] + t * (z[j + 1] - z[j]));
        if (rows[j].size() >= 3) { // clutter height: linear, as the elevation
            const double r0 = rows[j][2];
            const double r1 = rows[j + 1][2];
            p.clutter_height_m.push_back(r0 + t * (r1 - r0));
        }
        if (rows[j].size() >= 4) { // zone: the nearer sample's
            p.zone.push_back(static_cast<std::uint8_t>(t <= 0.5 ? rows[j][3] : rows[j + 1][3]));
        }
    }
    return p;
}

} // namespace

TerrainProfile read_profile(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(ErrorCode::io, fmt::format("profile '{}': cannot open the file", file));
    }
    std::istringstream in(read_input_file(path, "profile", max_profile_file_bytes));
    // Two numbers on every data line: distance,elevation columns; otherwise the pfl layout.
    std::vector<Token> tokens;
    std::vector<std::size_t> row_lines;
    std::vector<std::vector<double>> rows;
    bool columns = true;
    std::string line;
    std::size_t number = 0;
    bool seen_line = false;
    while (std::getline(in, line)) {
        ++number;
        for (char& c : line) {
            if (c == ',' || c == ';' || c == '\t' || c == '\r') {
                c = ' ';
            }
        }
        std::istringstream words(line);
        std::vector<double> row;
        bool header = false;
        for (std::string w; words >> w;) {
            const auto v = parse(w);
            if (!v) {
                if (!seen_line && row.empty()) {
                    header = true; // the first line may be a header
                    break;
                }
                fail(file, number, fmt::format("'{}' is not a number", w));
            }
            row.push_back(*v);
            tokens.push_back({*v, number});
        }
        if (header || !row.empty() || line.find_first_not_of(' ') != std::string::npos) {
            seen_line = true;
        }
        if (header || row.empty()) {
            continue;
        }
        if (row.size() >= 2 && row.size() <= 4 && (rows.empty() || row.size() == rows[0].size())) {
            rows.push_back(row);
            row_lines.push_back(number);
        } else {
            columns = false;
        }
    }
    if (tokens.empty()) {
        fail(file, number, "no numbers: expected the ITM pfl layout or distance,elevation rows");
    }
    // Every line holding the same two to four numbers means columns, unless the numbers are a pfl
    // array that happens to be written so (its count is then the number of elevations minus 1).
    const bool pfl_count =
        tokens[0].value == std::floor(tokens[0].value) &&
        std::abs(tokens[0].value + 3.0 - static_cast<double>(tokens.size())) < 0.5;
    // A single line of three or four numbers is a (short) pfl array, as before the optional
    // columns: a CSV has at least two samples.
    const bool single_wide_row = rows.size() == 1 && rows[0].size() > 2;
    if (columns && !pfl_count && !single_wide_row) {
        return from_columns(file, row_lines, rows);
    }
    return from_pfl(file, tokens);
}

} // namespace covsim::io
