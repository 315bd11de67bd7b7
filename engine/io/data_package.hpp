#pragma once
// datapackage.json: a Frictionless Data Package (v1, profile tabular-data-package) describing
// the CSV files of a run, so that an open-data portal (CKAN, the frictionless tools) reads their
// columns, types and units without our docs. The writers of those CSV files take their header
// from the same TableResource, so a column cannot be added to a file and missed here.
// Specifications: https://specs.frictionlessdata.io/data-package/, .../tabular-data-resource/,
// .../table-schema/.

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// A column of a CSV file: its Table Schema type ("string", "number", "integer", "boolean"),
// its unit (CF/UDUNITS as in results.h5; empty when it has none) and what it is.
struct TableField {
    std::string name;
    std::string type;
    std::string unit;
    std::string description;
};

// A CSV file under the output directory: its resource name (lower case, digits, '-', '_', '.'),
// its path relative to the directory (with '/'), what it holds, its columns in file order and
// the columns that identify a row.
struct TableResource {
    std::string name;
    std::string path;
    std::string title;
    std::vector<TableField> fields;
    std::vector<std::string> primary_key;
};

// The header line of a resource's CSV file: its field names, comma-separated, and '\n'.
std::string csv_header(const TableResource& table);

// Writes `file` (atomically: io/atomic_file) describing `tables`; `name` is the package's name
// (same characters as a resource's), `title` and `description` say what the run was.
void write_data_package(const std::filesystem::path& file, const std::string& name,
                        const std::string& title, const std::string& description,
                        const std::vector<TableResource>& tables);

} // namespace covsim::io
