#include "io/summary_csv.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"

#include <cmath>
#include <fmt/format.h>
#include <sstream>
#include <utility>

namespace covsim::io {

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

SummaryCsvSink::SummaryCsvSink(const std::filesystem::path& out_dir)
    : districts_file_(out_dir / "summary.csv"), city_file_(out_dir / "summary_city.csv"),
      layers_file_(out_dir / "summary_layers.csv"), districts_(open_text(districts_file_)),
      city_(open_text(city_file_)), layers_(open_text(layers_file_)) {}

namespace {

std::string number(double value, int decimals) {
    if (!std::isfinite(value)) {
        return {};
    }
    std::string text = fmt::format("{:.{}f}", value, decimals);
    // A tiny negative value (e.g. -1e-9 people left over by a subtraction) rounds to "-0".
    if (text.front() == '-' && text.find_first_not_of("0.", 1) == std::string::npos) {
        text.erase(0, 1);
    }
    return text;
}

} // namespace

void SummaryCsvSink::write(const ScenarioResult& result, const RunInfo& /*run*/) {
    const std::string scenario = csv_field(result.scenario->name);
    const auto& districts = result.area->districts;
    const std::vector<Column> columns = district_columns(result);
    const std::vector<TextColumn> text_columns = district_text_columns(result);
    const std::vector<Column> layer_columns = layer_district_columns(result);
    // The header comes from the first scenario: every scenario has the same columns.
    if (!header_written_) {
        const std::vector<TableResource> tables = summary_tables(result);
        districts_ << csv_header(tables[0]);
        city_ << csv_header(tables[1]);
        layers_ << csv_header(tables[2]);
        header_written_ = true;
    }
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const District& info = districts[d];
        districts_ << fmt::format("{},{},{},{},{}", scenario, csv_field(info.code),
                                  csv_field(info.name), csv_field(info.name_ascii),
                                  to_string(info.type));
        for (const Column& c : columns) {
            districts_ << ',' << number(c.values[d], c.decimals);
        }
        for (const TextColumn& c : text_columns) {
            districts_ << ',' << csv_field(c.values[d]);
        }
        districts_ << '\n';
    }
    const std::vector<double> city = city_values(result, columns);
    city_ << scenario;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        city_ << ',' << number(city[i], columns[i].decimals);
    }
    city_ << '\n';
    const Column& population = columns.front();
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        for (std::size_t d = 0; d < districts.size(); ++d) {
            layers_ << fmt::format("{},{},{},{},{:.0f}", scenario, csv_field(result.layers[l].name),
                                   csv_field(districts[d].code), csv_field(districts[d].name_ascii),
                                   population.values[d]);
            for (const Column& c : layer_columns) {
                layers_ << ',' << number(c.values[l * districts.size() + d], c.decimals);
            }
            layers_ << '\n';
        }
    }
}

namespace {

TableField scenario_field() {
    return {"scenario", "string", "",
            "scenario name; a sweep variant's is <scenario>/<label>=<value>,..."};
}

// A numeric column as written: whole numbers when it has no decimals.
TableField numeric_field(const Column& c) {
    return {c.name, c.decimals == 0 ? "integer" : "number", c.units, c.long_name};
}

} // namespace

std::vector<TableResource> summary_tables(const ScenarioResult& result) {
    const std::vector<Column> columns = district_columns(result);
    TableResource districts{"summary",
                            "summary.csv",
                            "one row per scenario and district: every district result",
                            {scenario_field(),
                             {"code", "string", "", "district code"},
                             {"name", "string", "", "district name"},
                             {"name_ascii", "string", "", "district name in ASCII"},
                             {"type", "string", "", "district type"}},
                            {"scenario", "code"}};
    TableResource city{"summary-city",
                       "summary_city.csv",
                       "one row per scenario: the whole study area's values of summary.csv",
                       {scenario_field()},
                       {"scenario"}};
    for (const Column& c : columns) {
        districts.fields.push_back(numeric_field(c));
        city.fields.push_back(numeric_field(c));
    }
    for (const TextColumn& c : district_text_columns(result)) {
        districts.fields.push_back({c.name, "string", "", c.long_name});
    }
    TableResource layers{"summary-layers",
                         "summary_layers.csv",
                         "one row per scenario, layer and district: what each layer covers",
                         {scenario_field(),
                          {"layer", "string", "", "technology layer"},
                          {"code", "string", "", "district code"},
                          {"name_ascii", "string", "", "district name in ASCII"},
                          numeric_field(columns.front())},
                         {"scenario", "layer", "code"}};
    for (const Column& c : layer_district_columns(result)) {
        layers.fields.push_back(numeric_field(c));
    }
    return {districts, city, layers};
}

std::vector<TableResource> summary_tables(const Scenario& scenario) {
    ScenarioResult none; // no districts, no layers: the columns without values
    none.scenario = &scenario;
    return summary_tables(none);
}

namespace {

// The header line and the rows of a CSV file written by this sink.
std::pair<std::string, std::string> split_header(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("cannot read '{}'", path.string()));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const std::size_t eol = text.find('\n');
    if (eol == std::string::npos) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}' has no header line; delete it to recompute", path.string()));
    }
    return {text.substr(0, eol + 1), text.substr(eol + 1)};
}

} // namespace

void SummaryCsvSink::append(const std::filesystem::path& dir) {
    const auto districts = split_header(dir / "summary.csv");
    const auto city = split_header(dir / "summary_city.csv");
    const auto layers = split_header(dir / "summary_layers.csv");
    if (!header_written_) {
        districts_ << districts.first;
        city_ << city.first;
        layers_ << layers.first;
        header_written_ = true;
    }
    districts_ << districts.second;
    city_ << city.second;
    layers_ << layers.second;
}

void write_tornado_csv(const std::filesystem::path& path, const Ranges& ranges) {
    AtomicFile file(path);
    std::ofstream out = open_text(file);
    out << "input,low,high,served_share_at_low,served_share_at_high,served_swing,"
           "cost_per_subscriber_usd_per_month_at_low,cost_per_subscriber_usd_per_month_at_high,"
           "cost_swing_usd_per_month\n";
    for (const TornadoRow& r : ranges.tornado) {
        out << fmt::format("{},{},{},{},{},{},{},{},{}\n", to_string(r.range.input), r.range.low,
                           r.range.high, number(r.served_share_at_low, 6),
                           number(r.served_share_at_high, 6), number(r.served_swing(), 6),
                           number(r.cost_per_subscriber_at_low_usd_per_month, 4),
                           number(r.cost_per_subscriber_at_high_usd_per_month, 4),
                           number(r.cost_swing_usd_per_month(), 4));
    }
    finish_text(out, file);
}

void SummaryCsvSink::commit() {
    finish_text(districts_, districts_file_);
    finish_text(city_, city_file_);
    finish_text(layers_, layers_file_);
}

} // namespace covsim::io
