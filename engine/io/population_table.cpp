#include "io/population_table.hpp"

#include "core/error.hpp"
#include "io/gdal_support.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace covsim::io {

namespace {

std::string trimmed(const std::string& s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) {
        return "";
    }
    return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A finite number >= 0 written in full ("8053663", "39.79"), or nothing.
std::optional<double> non_negative_number(const std::string& text) {
    const std::string t = trimmed(text);
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v) ||
        v < 0.0) {
        return std::nullopt;
    }
    return v;
}

} // namespace

const PopulationTableRow* PopulationTable::find(const std::string& code) const {
    for (const PopulationTableRow& r : rows) {
        if (r.code == code) {
            return &r;
        }
    }
    return nullptr;
}

PopulationTable read_population_table(const PopulationTableSpec& spec) {
    const std::string file = spec.path.string();
    auto ds = open_vector(spec.path, "population table");
    OGRLayer* layer = ds->GetLayerCount() > 0 ? ds->GetLayer(0) : nullptr;
    if (layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("population table '{}': no table in the file", file));
    }
    const bool csv = std::string(ds->GetDriver()->GetDescription()) == "CSV";
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    auto required = [&](const std::string& name, std::string_view what) {
        const int idx = defn->GetFieldIndex(name.c_str());
        if (idx < 0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("population table '{}': no column '{}' ({}); the table's "
                                    "columns are: {}",
                                    file, name, what, field_names(defn)));
        }
        return idx;
    };
    const int code_idx = required(spec.code_field, "the district code");
    const int pop_idx = required(spec.population_field, "the people of each district");
    const int name_idx = defn->GetFieldIndex(spec.name_field.c_str());
    const int ascii_idx = defn->GetFieldIndex(spec.name_ascii_field.c_str());
    const int type_idx = defn->GetFieldIndex(spec.type_field.c_str());
    const int area_idx = defn->GetFieldIndex(spec.area_field.c_str());

    PopulationTable out;
    out.path = spec.path;
    out.population_field = spec.population_field;
    out.has_name = name_idx >= 0;
    out.has_name_ascii = ascii_idx >= 0;
    out.has_type = type_idx >= 0;
    std::map<std::string, std::string> first_seen; // code -> where
    layer->ResetReading();
    for (auto& feature : *layer) {
        PopulationTableRow row;
        const auto fid = static_cast<long long>(feature->GetFID());
        row.where = csv ? fmt::format("line {}", fid + 1) : fmt::format("feature {}", fid);
        const std::string at = fmt::format("population table '{}' {}", file, row.where);
        row.code = trimmed(feature->GetFieldAsString(code_idx));
        if (row.code.empty()) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: column '{}' is empty; every row needs a district code", at,
                                    spec.code_field));
        }
        const auto [seen, fresh] = first_seen.emplace(row.code, row.where);
        if (!fresh) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: code '{}' appears twice (first on {}); expected one row "
                                    "per district",
                                    at, row.code, seen->second));
        }
        const std::string people = feature->GetFieldAsString(pop_idx);
        const auto value = non_negative_number(people);
        if (!value) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} ('{}'): column '{}' is '{}', expected a number of people "
                                    ">= 0 (digits only, no thousands separators)",
                                    at, row.code, spec.population_field, people));
        }
        row.population = *value;
        if (name_idx >= 0) {
            row.name = trimmed(feature->GetFieldAsString(name_idx));
        }
        if (ascii_idx >= 0) {
            row.name_ascii = trimmed(feature->GetFieldAsString(ascii_idx));
        }
        if (type_idx >= 0) {
            row.type = trimmed(feature->GetFieldAsString(type_idx));
        }
        if (area_idx >= 0 && !trimmed(feature->GetFieldAsString(area_idx)).empty()) {
            const std::string area = feature->GetFieldAsString(area_idx);
            row.area_km2 = non_negative_number(area);
            if (!row.area_km2) {
                throw Error(ErrorCode::input_data,
                            fmt::format("{} ('{}'): column '{}' is '{}', expected an area in km2 "
                                        ">= 0",
                                        at, row.code, spec.area_field, area));
            }
        }
        out.rows.push_back(std::move(row));
    }
    if (out.rows.empty()) {
        throw Error(
            ErrorCode::input_data,
            fmt::format("population table '{}': no rows; expected one row per district", file));
    }
    return out;
}

} // namespace covsim::io
