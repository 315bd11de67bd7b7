#include "io/data_package.hpp"

#include "io/atomic_file.hpp"

#include <nlohmann/json.hpp>

namespace covsim::io {

namespace {

using nlohmann::ordered_json;

ordered_json field_json(const TableField& f) {
    ordered_json j;
    j["name"] = f.name;
    j["type"] = f.type;
    if (!f.description.empty()) {
        j["description"] = f.description;
    }
    if (!f.unit.empty()) {
        j["unit"] = f.unit; // not a Table Schema property: custom properties are allowed
    }
    return j;
}

ordered_json resource_json(const TableResource& t) {
    ordered_json fields = ordered_json::array();
    for (const TableField& f : t.fields) {
        fields.push_back(field_json(f));
    }
    ordered_json schema;
    schema["fields"] = std::move(fields);
    if (!t.primary_key.empty()) {
        schema["primaryKey"] = t.primary_key;
    }
    schema["missingValues"] =
        ordered_json::array({""}); // an undefined value (a share of nobody) is an empty cell
    ordered_json j;
    j["name"] = t.name;
    j["path"] = t.path;
    j["profile"] = "tabular-data-resource";
    j["title"] = t.title;
    j["format"] = "csv";
    j["mediatype"] = "text/csv";
    j["encoding"] = "utf-8";
    j["dialect"] = {{"delimiter", ","},
                    {"lineTerminator", "\n"},
                    {"quoteChar", "\""},
                    {"doubleQuote", true},
                    {"header", true}};
    j["schema"] = std::move(schema);
    return j;
}

} // namespace

std::string csv_header(const TableResource& table) {
    std::string line;
    for (const TableField& f : table.fields) {
        line += (line.empty() ? "" : ",") + f.name;
    }
    return line + '\n';
}

void write_data_package(const std::filesystem::path& file, const std::string& name,
                        const std::string& title, const std::string& description,
                        const std::vector<TableResource>& tables) {
    ordered_json package;
    package["profile"] = "tabular-data-package";
    package["name"] = name;
    package["title"] = title;
    package["description"] = description;
    ordered_json resources = ordered_json::array();
    for (const TableResource& t : tables) {
        resources.push_back(resource_json(t));
    }
    package["resources"] = std::move(resources);
    AtomicFile f(file);
    std::ofstream out = open_text(f);
    out << package.dump(2) << '\n';
    finish_text(out, f);
}

} // namespace covsim::io
