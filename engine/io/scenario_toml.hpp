#pragma once
// Internal to engine/io: a scenario's TOML tree → covsim::Scenario. The parser
// (scenario_parser.cpp) interprets and validates the keys; composition (scenario_compose.cpp)
// builds the tree from `extends` and `[sweep]` first. Nodes keep the file and line they were
// written at, so problems and relative paths refer to the file that wrote each value.

#include "core/plan/plan.hpp"
#include "core/scenario.hpp"
#include "io/scenario_parser.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <toml++/toml.h>
#include <vector>

namespace covsim::io::detail {

// One problem with a scenario: "<file>:<line>: <message>" (line 0: no line).
struct Problem {
    std::string file;
    std::uint32_t line = 0;
    std::string message;

    [[nodiscard]] std::string location() const;
    [[nodiscard]] std::string text() const { return location() + ": " + message; }
};

// A value that names a file, and the path it resolves to (relative to the file that wrote it).
struct PathValue {
    const toml::node* node = nullptr;
    std::filesystem::path resolved;
};

// The file a node was written in (`fallback` for nodes made in memory).
std::filesystem::path source_file(const toml::node& node, const std::filesystem::path& fallback);

// Interprets and validates the tree of the scenario file `file`, appending every problem to
// `problems` (the result means nothing when one was added), when `paths` is given every value
// that names a file, and when `keys` is given every key asked for (scenario_keys()).
Scenario interpret_scenario(const toml::table& root, const std::filesystem::path& file,
                            std::vector<Problem>& problems, std::vector<PathValue>* paths,
                            std::vector<ScenarioKey>* keys = nullptr);

// Interprets and validates the [plan] table of a plan file (docs/plan-format.md) against the
// scenario it plans for, appending every problem to `problems`.
plan::PlanSpec interpret_plan(const toml::table& root, const std::filesystem::path& file,
                              const Scenario& scenario, std::vector<Problem>& problems,
                              std::vector<ScenarioKey>* keys = nullptr);

} // namespace covsim::io::detail
