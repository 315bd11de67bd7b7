#pragma once
// The terminal text of `covsim area prepare` and `covsim area info` (io/area_prepare,
// io/area_info).

#include "io/area_info.hpp"
#include "io/area_prepare.hpp"

#include <string>

namespace covsim {

// What was written: the grid, the population check table, the DEM, the files, and how a
// scenario uses the directory.
std::string format_area_prepare_report(const io::AreaPrepareReport& report,
                                       const io::PopulationTolerance& tolerance);

// The study area at a glance, then one line per district.
std::string format_area_info(const io::AreaInfo& info);

} // namespace covsim
