#pragma once
// The terminal summary of a run: per scenario, its layers and a table of districts.

#include "run/batch.hpp"

#include <string>

namespace covsim {

std::string format_summary(const RunReport& report);

} // namespace covsim
