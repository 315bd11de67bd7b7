#include "io/profile_file.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
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

TerrainProfile from_columns(const std::string& file, const std::vector<std::size_t>& lines,
                            const std::vector<double>& d, const std::vector<double>& z) {
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
    }
    return p;
}

} // namespace

TerrainProfile read_profile(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::ifstream in(path);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("profile '{}': cannot open the file", file));
    }
    // Two numbers on every data line: distance,elevation columns; otherwise the pfl layout.
    std::vector<Token> tokens;
    std::vector<std::size_t> row_lines;
    std::vector<double> distances, elevations;
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
        if (row.size() == 2) {
            distances.push_back(row[0]);
            elevations.push_back(row[1]);
            row_lines.push_back(number);
        } else {
            columns = false;
        }
    }
    if (tokens.empty()) {
        fail(file, number, "no numbers: expected the ITM pfl layout or distance,elevation rows");
    }
    // Every line holding two numbers means columns, unless the numbers are a pfl array that
    // happens to be written two per line (its count is then the number of elevations minus 1).
    const bool pfl_count =
        tokens[0].value == std::floor(tokens[0].value) &&
        std::abs(tokens[0].value + 3.0 - static_cast<double>(tokens.size())) < 0.5;
    if (columns && !pfl_count) {
        return from_columns(file, row_lines, distances, elevations);
    }
    return from_pfl(file, tokens);
}

} // namespace covsim::io
