#pragma once
// Scenario files (TOML) → covsim::Scenario: compose (`extends`, `[sweep]`), parse, then
// validate every key, collecting all problems. Each problem is one line
// "<file>:<line>: <where> <what>, got <value>", naming the file that wrote the value; when there
// are any, one covsim::Error(scenario) carries them all. docs/scenario-format.md lists the keys.

#include "core/error.hpp"
#include "core/plan/plan.hpp"
#include "core/scenario.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// Every variant of a scenario file: the file on top of the files it `extends`, expanded over its
// [sweep] in the order of the sweep's keys (the last varies fastest); one scenario when it has
// no [sweep]. Every problem of every variant at once.
std::vector<Scenario> parse_scenario_variants(const std::filesystem::path& path);

// Same, from text; `path` names the file in messages and anchors relative paths.
std::vector<Scenario> parse_scenario_variants_text(const std::string& text,
                                                   const std::filesystem::path& path);

// The one scenario of a file without a [sweep] (a file with one is an error).
Scenario parse_scenario_file(const std::filesystem::path& path);
Scenario parse_scenario_text(const std::string& text, const std::filesystem::path& path);

// The scenarios of a batch: every variant of every file, in order. Names must be unique in the
// batch. `problems` has one entry per file that failed (its lines, one per problem).
struct ScenarioBatch {
    std::vector<Scenario> scenarios; // of the files without problems
    std::vector<std::string> problems;
    ErrorCode code = ErrorCode::scenario; // of the first problem
};
ScenarioBatch read_scenario_batch(const std::vector<std::filesystem::path>& files);

// Same, throwing one covsim::Error with every problem when there is one.
std::vector<Scenario> parse_scenario_batch(const std::vector<std::filesystem::path>& files);

// Warnings that do not stop a run (e.g. a layer's frequency outside its model's validity).
std::vector<std::string> scenario_warnings(const Scenario& scenario);

// A key of the scenario format: the table it is in, by its dotted name ("" for the top level,
// "layers" for every [[layers]] entry, "layer_defaults.antenna"), its name, and whether it holds
// a table of keys of its own (an array of them for "layers").
struct ScenarioKey {
    enum class Kind { value, table, array_of_tables };
    std::string table;
    std::string key;
    Kind kind = Kind::value;
};

// Every key the parser accepts, once, in the order it reads them: the keys it asks scenarios for
// when they hold every table it reads, nested tables found one level at a time.
// docs/scenario-format.md documents each (tests/unit/io/test_scenario_format_docs.cpp).
std::vector<ScenarioKey> scenario_keys();

// A plan file (docs/plan-format.md): a scenario file (it may `extends` one) with a [plan] table.
struct PlanFile {
    // The scenario without [plan]: study area, demand, cost and every layer (those the plan
    // lists as built, and the templates of its options).
    Scenario scenario;
    plan::PlanSpec spec;
    // The scenario as TOML: every file merged, no [plan], paths absolute.
    std::string resolved_toml;
    std::vector<std::string> path_values; // the values of resolved_toml that are paths
};

// Every problem of the scenario and of its [plan] at once, as one Error(scenario).
PlanFile parse_plan_file(const std::filesystem::path& path);
// Same, from text; `path` names the file in messages and anchors relative paths.
PlanFile parse_plan_text(const std::string& text, const std::filesystem::path& path);

} // namespace covsim::io
