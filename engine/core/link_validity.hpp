#pragma once
// How many of a layer's serving links fall outside its propagation model's validity range, for
// the warning of an area run (docs/models/README.md, "What all models share"). A serving link
// joins a cell of a district to its best server (CoverageMaps: the sector with the strongest
// RSRP); its horizontal distance and the server's antenna height are compared with
// PropagationModel::validity_for(the layer's LOS condition). The frequency and the receiver
// height, one per layer, are checked when the scenario is read (io::scenario_warnings).

#include "core/coverage.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace covsim {

struct LinkValidity {
    std::uint64_t links = 0;             // cells of a district with a best server
    std::uint64_t shorter = 0;           // distance below the model's range
    std::uint64_t longer = 0;            // distance above it
    std::uint64_t tx_height_outside = 0; // the server's antenna height outside its range
    std::uint64_t outside = 0;           // links with any of the three
};

// Per layer, in the order of input.layers.
std::vector<LinkValidity> serving_link_validity(const CoverageInput& input,
                                                const CoverageResult& result);

// One sentence per layer with links outside the range, e.g. "layer lte-1800: 31.2 % of the
// serving links are outside cost231-hata's validity range (31.2 % shorter than 1000 m);
// results there are extrapolated".
std::vector<std::string> link_validity_warnings(const CoverageInput& input,
                                                const std::vector<LinkValidity>& validity);

} // namespace covsim
