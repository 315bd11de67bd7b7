#pragma once
// ITM's parameters for a link: what the registered model `itm` (builtin_models.cpp) passes to
// itm::point_to_point(), for the engine's other uses of ITM (core/radial_terrain.hpp).

#include "core/propagation/itm.hpp"
#include "core/propagation/model.hpp"

namespace covsim {

// The link's antenna heights, frequency and PathParameters (radio climate, ground, variability)
// as ITM's parameters. False, with `out` incomplete, for a variability mode ITM does not know.
bool itm_parameters_for(const Link& link, itm::ItmParameters& out) noexcept;

} // namespace covsim
