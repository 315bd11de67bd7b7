#pragma once
// Scenario files (TOML) → covsim::Scenario: parse, then validate every key, collecting all
// problems. Each problem is one line "<file>:<line>: <where> <what>, got <value>"; when there
// are any, one covsim::Error(scenario) carries them all. docs/scenario-format.md lists the keys.

#include "core/scenario.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

Scenario parse_scenario_file(const std::filesystem::path& path);

// Same, from text; `path` names the file in messages and anchors relative paths.
Scenario parse_scenario_text(const std::string& text, const std::filesystem::path& path);

// Warnings that do not stop a run (e.g. a layer's frequency outside its model's validity).
std::vector<std::string> scenario_warnings(const Scenario& scenario);

} // namespace covsim::io
