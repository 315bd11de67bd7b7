#pragma once
// One point-to-point link evaluated as an area run evaluates a cell-sector pair: the model's
// basic transmission loss and, over a terrain profile, the line of sight and, for a model that
// does not see terrain, P.526's terrain excess on top (docs/terrain.md). `covsim link` checks its
// options, builds the Link, calls evaluate_link() and prints the result.

#include "core/propagation/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace covsim {

struct LinkEvaluation {
    // The model's loss plus terrain_correction_db when there is one; NaN when the model gives no
    // finite loss for the link (then neither terrain_correction_db nor line_of_sight is set).
    double path_loss_db = 0.0;
    // Over a profile, for a model that does not need one: max(0, L_ba - L_bs), the excess of the
    // delta-Bullington loss over the actual terrain above that over its smooth fit.
    std::optional<double> terrain_correction_db;
    // Over a profile: whether the terrain clears the ray between the antennas.
    std::optional<bool> line_of_sight;
    double distance_3d_m = 0.0; // from the horizontal distance and the two antenna heights
    // One line per parameter of the link outside the model's validity range; the loss is
    // evaluated anyway.
    std::vector<std::string> warnings;
};

// `model` on `link`, over link.profile when it has one. A nonsensical link (a negative distance,
// a model that needs a profile without one) gives a NaN loss, not an exception.
LinkEvaluation evaluate_link(const PropagationModel& model, const Link& link);

} // namespace covsim
