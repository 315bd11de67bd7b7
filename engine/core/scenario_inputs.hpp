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

// The occupied channel of a layer: its centre frequency ± half of its 12 N_RB subcarriers.
struct Channel {
    double low_mhz = 0.0;
    double high_mhz = 0.0;
    [[nodiscard]] double width_mhz() const noexcept { return high_mhz - low_mhz; }
};
Channel occupied_channel(const LayerSpec& layer);
// The width of the overlap of two channels, MHz; 0 when they do not overlap.
double overlap_mhz(const Channel& a, const Channel& b) noexcept;

// How much of `source`'s power per resource element a receiver of `victim` takes as
// interference per RE of its own, averaged over its channel (docs/scenario-format.md,
// "Interference between layers"):
//   co-channel (overlap o > 0):  c = (o / B_victim) (Δf_victim / Δf_source)
//     (the source's spectral density over the victim's subcarrier, on the overlapped share)
//   adjacent, with ACIR a dB:    c = (12 N_RB,source / 12 N_RB,victim) 10^(-a/10)
//     (the source's whole power, less the ACIR, spread over the victim's subcarriers)
//   otherwise 0.
double interference_coupling(const LayerSpec& victim, const LayerSpec& source);

// The kernel's layers, one per scenario layer and in its order, each with its model looked up
// in the registry (nullptr for an unknown name: the parser has already rejected it) and the
// layers that interfere with it (a coupling above 0).
std::vector<CoverageLayer> coverage_layers(const Scenario& scenario);

// Per district of `area`, whether the scenario builds fibre there. Throws one Error(scenario),
// a line per code, when [ftth] districts or passed_share_by_district names codes that are not
// districts of the area.
std::vector<bool> ftth_districts(const Scenario& scenario, const StudyArea& area);

// Per district of `area`, the share of homes already passed by fibre ([ftth] passed_share and
// passed_share_by_district).
std::vector<double> ftth_passed_shares(const Scenario& scenario, const StudyArea& area);

// The capacity model's input for a computed coverage, with fibre built in the districts of
// `fibre` (ftth_districts(), or a plan's choice) and passed where the scenario says, with the
// service maps (CapacityExtras::maps) only when the scenario's [output] maps lists one; the
// pointers refer to the arguments.
CapacityInput capacity_input(const Scenario& scenario, const CoverageInput& coverage_input,
                             const CoverageResult& coverage, const std::vector<bool>& fibre);

// The cost model's input for a computed coverage and capacity, with fibre as capacity_input()
// has it; the pointers refer to the arguments.
CostInput cost_input(const Scenario& scenario, const CoverageInput& coverage_input,
                     const CoverageResult& coverage, const CapacityResult& capacity,
                     const std::vector<bool>& fibre);

// Sets each sector's ground elevation from the study area's DEM (nothing without one). Returns
// the number of sectors that stand where the DEM has no elevation: their paths are computed
// without terrain.
std::size_t place_on_terrain(std::vector<Sector>& sectors, const StudyArea& area);

} // namespace covsim
