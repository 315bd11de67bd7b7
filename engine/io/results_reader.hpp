#pragma once
// Reading results.h5 back: the scenario groups of a file (at any depth: the variants of a sweep
// are nested groups, /<scenario>/<label>=<value>,...), their attributes (provenance, city
// values) and their per-district tables. The layout is written by io/hdf5_results, which owns
// it; this reader finds what it needs by the documented names (docs/results-format.md) and
// takes every float64 variable along the `district` dimension as a district variable, so that
// a variable added to the writer is read without a change here.

#include "io/hdf5_handle.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// One attribute of a scenario group: text, or a number (scalar or one-element array).
struct ResultsAttribute {
    std::string name;
    std::optional<std::string> text;
    std::optional<double> number;
};

// A group with a `scenario` attribute.
struct ScenarioGroup {
    std::string path; // HDF5 path without the leading '/', e.g. "hanoi-5g-2025/isd=400"
    std::string name; // its `scenario` attribute (the same as `path` for covsim's own files)
    std::vector<ResultsAttribute> attributes; // in creation order

    [[nodiscard]] const ResultsAttribute* find(std::string_view attribute) const;
    // The text of an attribute; "" when absent or not text.
    [[nodiscard]] std::string text(std::string_view attribute) const;
    // A numeric attribute; NaN when absent or not a number.
    [[nodiscard]] double number(std::string_view attribute) const;
};

// A float64 variable along the district dimension.
struct DistrictVariable {
    std::string name;
    std::string units;
    std::string long_name;
    std::vector<double> values;
};

struct DistrictTextVariable {
    std::string name;
    std::string long_name;
    std::vector<std::string> values;
};

// The per-district table of a scenario group, in district order.
struct DistrictTable {
    std::vector<std::string> codes; // the `district` coordinate
    std::vector<std::string> names;
    std::vector<std::string> names_ascii;
    std::vector<std::string> types;
    std::vector<DistrictVariable> variables;          // in the file's order
    std::vector<DistrictTextVariable> text_variables; // other than name, name_ascii, type

    [[nodiscard]] const DistrictVariable* find(std::string_view variable) const;
    // The values of a variable; throws covsim::Error(io) naming the file when it is absent.
    [[nodiscard]] const std::vector<double>& values(std::string_view variable,
                                                    const std::filesystem::path& file) const;
};

class ResultsFile {
public:
    // Opens a results file and lists its scenario groups. Throws covsim::Error(io) when the file
    // is missing, is not HDF5, is not a covsim results file (no schema_version) or has a newer
    // schema than this covsim reads.
    explicit ResultsFile(std::filesystem::path path);

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] int schema_version() const noexcept { return schema_version_; }
    // In the file's creation order (the batch's order), parents before their nested variants.
    [[nodiscard]] const std::vector<ScenarioGroup>& scenarios() const noexcept {
        return scenarios_;
    }
    // The group named `name` (its scenario attribute or its path); throws covsim::Error(usage)
    // listing the names of the file when there is none.
    [[nodiscard]] const ScenarioGroup& scenario(std::string_view name) const;
    [[nodiscard]] DistrictTable districts(const ScenarioGroup& group) const;

private:
    std::filesystem::path path_;
    h5::Id file_;
    int schema_version_ = 0;
    std::vector<ScenarioGroup> scenarios_;
};

} // namespace covsim::io
