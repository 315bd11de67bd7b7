#include "io/results_reader.hpp"

#include "core/error.hpp"
#include "io/hdf5_results.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <limits>

namespace covsim::io {

namespace {

using h5::Id;

// The text of a string attribute (variable or fixed length); nullopt for other types.
std::optional<std::string> read_string_attr(hid_t attr) {
    Id type(H5Aget_type(attr));
    if (!type.valid() || H5Tget_class(type) != H5T_STRING) {
        return std::nullopt;
    }
    Id space(H5Aget_space(attr));
    if (!space.valid() || H5Sget_simple_extent_npoints(space) != 1) {
        return std::nullopt;
    }
    if (H5Tis_variable_str(type) > 0) {
        Id mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        char* p = nullptr;
        if (H5Aread(attr, mem, static_cast<void*>(&p)) < 0) {
            return std::nullopt;
        }
        std::string out = p != nullptr ? p : "";
        H5free_memory(p);
        return out;
    }
    const std::size_t size = H5Tget_size(type);
    std::string buffer(size, '\0');
    Id mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, size);
    if (H5Aread(attr, mem, buffer.data()) < 0) {
        return std::nullopt;
    }
    buffer.resize(std::min(buffer.find('\0'), buffer.size()));
    return buffer;
}

std::optional<double> read_number_attr(hid_t attr) {
    Id type(H5Aget_type(attr));
    if (!type.valid()) {
        return std::nullopt;
    }
    const H5T_class_t cls = H5Tget_class(type);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
        return std::nullopt;
    }
    Id space(H5Aget_space(attr));
    if (!space.valid() || H5Sget_simple_extent_npoints(space) != 1) {
        return std::nullopt;
    }
    double v = 0.0;
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) {
        return std::nullopt;
    }
    return v;
}

herr_t collect_attribute(hid_t obj, const char* name, const H5A_info_t* /*info*/, void* data) {
    auto* out = static_cast<std::vector<ResultsAttribute>*>(data);
    Id a(H5Aopen(obj, name, H5P_DEFAULT));
    if (!a.valid()) {
        return 0;
    }
    ResultsAttribute attr{name, read_string_attr(a), std::nullopt};
    if (!attr.text) {
        attr.number = read_number_attr(a);
    }
    out->push_back(std::move(attr));
    return 0;
}

std::vector<ResultsAttribute> attributes_of(hid_t obj) {
    std::vector<ResultsAttribute> out;
    hsize_t idx = 0;
    if (H5Aiterate2(obj, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attribute, &out) < 0) {
        out.clear(); // written without creation order: by name instead
        idx = 0;
        H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attribute, &out);
    }
    return out;
}

std::optional<std::string> string_attr(hid_t obj, const char* name) {
    if (H5Aexists(obj, name) <= 0) {
        return std::nullopt;
    }
    Id a(H5Aopen(obj, name, H5P_DEFAULT));
    return a.valid() ? read_string_attr(a) : std::nullopt;
}

std::vector<std::string> read_strings(hid_t ds, const std::string& what) {
    Id type = h5::check(H5Dget_type(ds), what);
    Id space = h5::check(H5Dget_space(ds), what);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<std::string> out;
    out.reserve(n);
    if (H5Tget_class(type) != H5T_STRING) {
        throw Error(ErrorCode::io, fmt::format("{} is not a string variable", what));
    }
    if (H5Tis_variable_str(type) > 0) {
        Id mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        std::vector<char*> ptrs(n, nullptr);
        if (n > 0) {
            h5::check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), what);
        }
        for (char* p : ptrs) {
            out.emplace_back(p != nullptr ? p : "");
        }
        if (n > 0) {
            H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
        }
        return out;
    }
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buffer(n * size);
    Id mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, size);
    if (n > 0) {
        h5::check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), what);
    }
    for (std::size_t i = 0; i < n; ++i) {
        std::string s(buffer.data() + i * size, size);
        s.resize(std::min(s.find('\0'), s.size()));
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<double> read_doubles(hid_t ds, const std::string& what) {
    Id space = h5::check(H5Dget_space(ds), what);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<double> out(n);
    if (n > 0) {
        h5::check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), what);
    }
    return out;
}

struct LinkNames {
    std::vector<std::string> names;
};

herr_t collect_link(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
    static_cast<LinkNames*>(data)->names.emplace_back(name);
    return 0;
}

std::vector<std::string> member_names(hid_t group) {
    LinkNames out;
    hsize_t idx = 0;
    if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_link, &out) < 0) {
        out.names.clear();
        idx = 0;
        H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link, &out);
    }
    return out.names;
}

// Every group under `group` (path `prefix`) with a scenario attribute, depth first, each group's
// members in creation order.
void find_scenario_groups(hid_t group, const std::string& prefix, std::vector<ScenarioGroup>& out) {
    for (const std::string& name : member_names(group)) {
        Id obj(H5Oopen(group, name.c_str(), H5P_DEFAULT));
        if (!obj.valid() || H5Iget_type(obj) != H5I_GROUP) {
            continue;
        }
        const std::string path = prefix.empty() ? name : prefix + "/" + name;
        if (auto scenario = string_attr(obj, "scenario")) {
            out.push_back({path, *scenario, attributes_of(obj)});
        }
        find_scenario_groups(obj, path, out);
    }
}

} // namespace

const ResultsAttribute* ScenarioGroup::find(std::string_view attribute) const {
    for (const ResultsAttribute& a : attributes) {
        if (a.name == attribute) {
            return &a;
        }
    }
    return nullptr;
}

std::string ScenarioGroup::text(std::string_view attribute) const {
    const ResultsAttribute* a = find(attribute);
    return a != nullptr && a->text ? *a->text : std::string();
}

double ScenarioGroup::number(std::string_view attribute) const {
    const ResultsAttribute* a = find(attribute);
    return a != nullptr && a->number ? *a->number : std::numeric_limits<double>::quiet_NaN();
}

const DistrictVariable* DistrictTable::find(std::string_view variable) const {
    for (const DistrictVariable& v : variables) {
        if (v.name == variable) {
            return &v;
        }
    }
    return nullptr;
}

const std::vector<double>& DistrictTable::values(std::string_view variable,
                                                 const std::filesystem::path& file) const {
    const DistrictVariable* v = find(variable);
    if (v == nullptr) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}': no district variable '{}' (docs/results-format.md)",
                                file.string(), variable));
    }
    return v->values;
}

ResultsFile::ResultsFile(std::filesystem::path path) : path_(std::move(path)) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors become covsim::Error
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec)) {
        throw Error(ErrorCode::io, fmt::format("'{}' does not exist or is not a file; expected a "
                                               "results.h5 written by covsim run",
                                               path_.string()));
    }
    if (H5Fis_hdf5(path_.string().c_str()) <= 0) {
        throw Error(ErrorCode::io, fmt::format("'{}' is not an HDF5 file; expected a results.h5 "
                                               "written by covsim run",
                                               path_.string()));
    }
    file_ = Id(H5Fopen(path_.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file_.valid()) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot open '{}' (is it still being written?)", path_.string()));
    }
    Id root(H5Gopen2(file_, "/", H5P_DEFAULT));
    const auto root_attrs = attributes_of(root);
    const auto version = std::find_if(root_attrs.begin(), root_attrs.end(), [](const auto& a) {
        return a.name == "schema_version" && a.number.has_value();
    });
    if (version == root_attrs.end()) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}' has no root attribute 'schema_version'; it is not a covsim "
                                "results file",
                                path_.string()));
    }
    schema_version_ = static_cast<int>(*version->number);
    if (schema_version_ > results_schema_version) {
        throw Error(ErrorCode::io,
                    fmt::format("'{}' has schema_version {}, this covsim reads up to {}; use a "
                                "newer covsim",
                                path_.string(), schema_version_, results_schema_version));
    }
    find_scenario_groups(root, "", scenarios_);
}

const ScenarioGroup& ResultsFile::scenario(std::string_view name) const {
    for (const ScenarioGroup& g : scenarios_) {
        if (g.name == name || g.path == name) {
            return g;
        }
    }
    std::string names;
    for (const ScenarioGroup& g : scenarios_) {
        names += (names.empty() ? "" : ", ") + g.name;
    }
    throw Error(ErrorCode::usage,
                fmt::format("'{}' has no scenario \"{}\"; its scenarios are: {}", path_.string(),
                            name, names.empty() ? "(none)" : names));
}

DistrictTable ResultsFile::districts(const ScenarioGroup& group) const {
    const std::string where = fmt::format("'{}' group '{}'", path_.string(), group.path);
    Id g = h5::check(H5Gopen2(file_, group.path.c_str(), H5P_DEFAULT), where);
    if (H5Lexists(g, "district", H5P_DEFAULT) <= 0) {
        throw Error(ErrorCode::io, fmt::format("{}: no 'district' variable", where));
    }
    Id scale = h5::check(H5Dopen2(g, "district", H5P_DEFAULT), where + ": 'district'");
    DistrictTable table;
    table.codes = read_strings(scale, where + ": 'district'");
    for (const std::string& name : member_names(g)) {
        if (name == "district") {
            continue;
        }
        Id obj(H5Oopen(g, name.c_str(), H5P_DEFAULT));
        if (!obj.valid() || H5Iget_type(obj) != H5I_DATASET) {
            continue;
        }
        Id space(H5Dget_space(obj));
        if (H5Sget_simple_extent_ndims(space) != 1 || H5DSis_attached(obj, scale, 0) <= 0) {
            continue;
        }
        const std::string what = fmt::format("{}: '{}'", where, name);
        Id type(H5Dget_type(obj));
        const H5T_class_t cls = H5Tget_class(type);
        const std::string long_name = string_attr(obj, "long_name").value_or("");
        if (cls == H5T_STRING) {
            std::vector<std::string> values = read_strings(obj, what);
            if (name == "name") {
                table.names = std::move(values);
            } else if (name == "name_ascii") {
                table.names_ascii = std::move(values);
            } else if (name == "type") {
                table.types = std::move(values);
            } else {
                table.text_variables.push_back({name, long_name, std::move(values)});
            }
        } else if (cls == H5T_FLOAT) {
            table.variables.push_back(
                {name, string_attr(obj, "units").value_or(""), long_name, read_doubles(obj, what)});
        }
    }
    const std::size_t n = table.codes.size();
    for (auto* v : {&table.names, &table.names_ascii, &table.types}) {
        v->resize(n);
    }
    return table;
}

} // namespace covsim::io
