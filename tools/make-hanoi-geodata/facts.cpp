#include "facts.hpp"

#include "core/error.hpp"

#include <charconv>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <set>

namespace covsim::geodata {

namespace {

// A plain comma-separated file with a header line; the facts files use no quoting.
class CsvFile {
public:
    CsvFile(std::filesystem::path path, std::string_view what) : path_(std::move(path)) {
        std::ifstream in(path_, std::ios::binary);
        if (!in) {
            throw Error(ErrorCode::io,
                        fmt::format("{} '{}': cannot open it", what, path_.string()));
        }
        std::string line;
        while (std::getline(in, line)) {
            ++line_number_;
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (line.find('"') != std::string::npos) {
                fail(line_number_, "quoted fields are not supported");
            }
            if (line_number_ == 1) {
                header_ = split(line);
            } else if (!line.empty()) {
                rows_.push_back({line_number_, split(line)});
                if (rows_.back().fields.size() != header_.size()) {
                    fail(line_number_, fmt::format("{} fields, the header has {}",
                                                   rows_.back().fields.size(), header_.size()));
                }
            }
        }
        if (header_.empty()) {
            fail(1, "the file is empty, expected a header line");
        }
    }

    struct Row {
        int line = 0;
        std::vector<std::string> fields;
    };

    [[nodiscard]] const std::vector<Row>& rows() const noexcept { return rows_; }

    [[nodiscard]] std::size_t column(std::string_view name) const {
        for (std::size_t i = 0; i < header_.size(); ++i) {
            if (header_[i] == name) {
                return i;
            }
        }
        fail(1, fmt::format("no column '{}'; the columns are: {}", name, fmt::join(header_, ", ")));
    }

    [[noreturn]] void fail(int line, const std::string& message) const {
        throw Error(ErrorCode::input_data, fmt::format("{}:{}: {}", path_.string(), line, message));
    }

    template <typename T>
    T number(const Row& row, std::size_t col, T min, T max) const {
        const std::string& text = row.fields[col];
        T v{};
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
            !(v >= min && v <= max)) {
            fail(row.line, fmt::format("column '{}' is '{}', expected a number in [{}, {}]",
                                       header_[col], text, min, max));
        }
        return v;
    }

private:
    static std::vector<std::string> split(const std::string& line) {
        std::vector<std::string> out;
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = line.find(',', start);
            out.push_back(line.substr(start, comma - start));
            if (comma == std::string::npos) {
                return out;
            }
            start = comma + 1;
        }
    }

    std::filesystem::path path_;
    int line_number_ = 0;
    std::vector<std::string> header_;
    std::vector<Row> rows_;
};

} // namespace

std::vector<DistrictFacts> read_district_facts(const std::filesystem::path& path) {
    const CsvFile csv(path, "district facts");
    const std::size_t code = csv.column("code");
    const std::size_t name_vi = csv.column("name_vi");
    const std::size_t name_ascii = csv.column("name_ascii");
    const std::size_t type = csv.column("type");
    const std::size_t lon = csv.column("interior_lon");
    const std::size_t lat = csv.column("interior_lat");
    const std::size_t area = csv.column("area_km2");
    const std::size_t pop = csv.column("population_2019");
    const std::size_t urban = csv.column("population_urban_2019");
    const std::size_t rural = csv.column("population_rural_2019");

    constexpr std::int64_t max_people = 1'000'000'000;
    std::vector<DistrictFacts> out;
    std::set<std::string> codes;
    for (const CsvFile::Row& row : csv.rows()) {
        DistrictFacts d;
        d.code = row.fields[code];
        d.name_vi = row.fields[name_vi];
        d.name_ascii = row.fields[name_ascii];
        if (d.code.empty() || !codes.insert(d.code).second) {
            csv.fail(row.line, fmt::format("code '{}' is empty or repeated", d.code));
        }
        const auto t = parse_district_type(row.fields[type]);
        if (!t) {
            csv.fail(row.line, fmt::format("type is '{}', expected one of urban_district, town, "
                                           "rural_district",
                                           row.fields[type]));
        }
        d.type = *t;
        d.interior_lon = csv.number(row, lon, -180.0, 180.0);
        d.interior_lat = csv.number(row, lat, -90.0, 90.0);
        d.area_km2 = csv.number(row, area, 0.01, 1e6);
        d.population = csv.number<std::int64_t>(row, pop, 0, max_people);
        d.population_urban = csv.number<std::int64_t>(row, urban, 0, max_people);
        d.population_rural = csv.number<std::int64_t>(row, rural, 0, max_people);
        if (d.population_urban + d.population_rural != d.population) {
            csv.fail(row.line, fmt::format("urban {} + rural {} people != total {}",
                                           d.population_urban, d.population_rural, d.population));
        }
        out.push_back(std::move(d));
    }
    if (out.empty()) {
        csv.fail(2, "no districts");
    }
    return out;
}

std::vector<LonLat> read_outline(const std::filesystem::path& path) {
    const CsvFile csv(path, "outline");
    const std::size_t lon = csv.column("lon");
    const std::size_t lat = csv.column("lat");
    std::vector<LonLat> out;
    for (const CsvFile::Row& row : csv.rows()) {
        out.push_back({csv.number(row, lon, -180.0, 180.0), csv.number(row, lat, -90.0, 90.0)});
    }
    if (out.size() < 4 || out.front().lon != out.back().lon || out.front().lat != out.back().lat) {
        csv.fail(csv.rows().empty() ? 1 : csv.rows().back().line,
                 fmt::format("{} vertices; expected a closed ring of at least 4 (the first "
                             "vertex repeated last)",
                             out.size()));
    }
    return out;
}

} // namespace covsim::geodata
