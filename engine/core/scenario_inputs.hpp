#pragma once
// The one translation from a scenario (core/scenario.hpp, as parsed) to the inputs of the
// coverage kernel, the capacity model and the cost model. Every driver (the batch, the planner,
// a cluster run) builds its inputs here, so that a scenario key means the same thing to all of
// them: nobody translates a second time.

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/coverage.hpp"
#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <cstddef>
#include <vector>

namespace covsim {

// The kernel's layers, one per scenario layer and in its order, each with its model looked up
// in the registry (nullptr for an unknown name: the parser has already rejected it).
std::vector<CoverageLayer> coverage_layers(const Scenario& scenario);

// Per district of `area`, whether the scenario offers fibre there. Throws one Error(scenario),
// a line per code, when [ftth] districts names codes that are not districts of the area.
std::vector<bool> ftth_districts(const Scenario& scenario, const StudyArea& area);

// The capacity model's input for a computed coverage; the pointers refer to the arguments.
CapacityInput capacity_input(const Scenario& scenario, const CoverageInput& coverage_input,
                             const CoverageResult& coverage, const std::vector<bool>& fibre);

// The cost model's input for a computed coverage and capacity; the pointers refer to the
// arguments.
CostInput cost_input(const Scenario& scenario, const CoverageInput& coverage_input,
                     const CoverageResult& coverage, const CapacityResult& capacity,
                     const std::vector<bool>& fibre);

// Sets each sector's ground elevation from the study area's DEM (nothing without one). Returns
// the number of sectors that stand where the DEM has no elevation: their paths are computed
// without terrain.
std::size_t place_on_terrain(std::vector<Sector>& sectors, const StudyArea& area);

} // namespace covsim
