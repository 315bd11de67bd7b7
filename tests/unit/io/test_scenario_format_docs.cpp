// docs/scenario-format.md documents every key the scenario parser accepts (io::scenario_keys()),
// nested tables included: a key the parser reads and the page does not name fails here.

#include "io/scenario_parser.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <string>

using namespace covsim;

namespace {

// The words of each table of the page's TOML examples, by the table's dotted name ("" before
// the first header of a block). A header counts when commented out too ("# [layers.itm]"): the
// page shows optional tables that way.
std::map<std::string, std::set<std::string>> documented_tables(const std::string& page) {
    std::map<std::string, std::set<std::string>> tables;
    std::istringstream lines(page);
    bool in_toml = false;
    std::string table;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("```", 0) == 0) {
            in_toml = !in_toml && line == "```toml";
            table.clear();
            continue;
        }
        if (!in_toml) {
            continue;
        }
        const std::size_t start = line.find_first_not_of("# ");
        if (start != std::string::npos && line[start] == '[') {
            const std::size_t first = line.find_first_not_of('[', start);
            const std::size_t end = line.find(']', first);
            table = line.substr(first, end - first);
            tables[table];
            continue;
        }
        std::string word;
        for (const char c : line + ' ') {
            if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
                word += c;
            } else if (!word.empty()) {
                tables[table].insert(word);
                word.clear();
            }
        }
    }
    return tables;
}

} // namespace

TEST(ScenarioFormatDocs, DocumentEveryKeyTheParserAccepts) {
    const std::string page =
        test::read_text(std::filesystem::path(test::source_dir) / "docs" / "scenario-format.md");
    const auto tables = documented_tables(page);
    const std::vector<io::ScenarioKey> keys = io::scenario_keys();
    ASSERT_FALSE(keys.empty());
    std::set<std::string> missing; // once for [layers] and [layer_defaults]
    for (const io::ScenarioKey& k : keys) {
        // [layer_defaults] takes the layer keys, documented once under [[layers]].
        std::string table = k.table;
        if (table == "layer_defaults" || table.rfind("layer_defaults.", 0) == 0) {
            table.replace(0, std::string("layer_defaults").size(), "layers");
        }
        if (k.kind == io::ScenarioKey::Kind::value) {
            const auto it = tables.find(table);
            if (it == tables.end() || it->second.count(k.key) == 0) {
                missing.insert("key '" + k.key + "' of [" + table + "]");
            }
        } else if (const std::string name = table.empty() ? k.key : table + "." + k.key;
                   tables.count(name) == 0) {
            missing.insert("the table [" + name + "]");
        }
    }
    for (const std::string& m : missing) {
        ADD_FAILURE() << "docs/scenario-format.md does not document " << m;
    }
}

TEST(ScenarioFormatDocs, TheParsersKeysIncludeEveryNestedTableOnce) {
    const std::vector<io::ScenarioKey> keys = io::scenario_keys();
    auto has = [&](const std::string& table, const std::string& key, io::ScenarioKey::Kind kind) {
        return std::count_if(keys.begin(), keys.end(), [&](const io::ScenarioKey& k) {
                   return k.table == table && k.key == key && k.kind == kind;
               }) == 1;
    };
    using Kind = io::ScenarioKey::Kind;
    EXPECT_TRUE(has("", "layers", Kind::array_of_tables));
    EXPECT_TRUE(has("", "layer_defaults", Kind::table));
    EXPECT_TRUE(has("layers", "name", Kind::value));
    EXPECT_TRUE(has("layers", "frequency_mhz", Kind::value));
    EXPECT_TRUE(has("layer_defaults", "frequency_mhz", Kind::value));
    EXPECT_FALSE(has("layer_defaults", "name", Kind::value)); // a layer's own
    for (const char* table : {"layers", "layer_defaults"}) {
        EXPECT_TRUE(has(table, "antenna", Kind::table)) << table;
        EXPECT_TRUE(has(table, "throughput", Kind::table)) << table;
        EXPECT_TRUE(has(table, "itm", Kind::table)) << table;
        const std::string prefix = std::string(table) + ".";
        EXPECT_TRUE(has(prefix + "antenna", "gain_dbi", Kind::value)) << table;
        EXPECT_TRUE(has(prefix + "throughput", "cqi_sinr_db", Kind::value)) << table;
        EXPECT_TRUE(has(prefix + "itm", "climate", Kind::value)) << table;
    }
    EXPECT_TRUE(has("cost", "discount_rate", Kind::value));
    EXPECT_TRUE(has("demand", "adoption", Kind::value));
}
