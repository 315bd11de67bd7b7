#include "core/propagation/link_evaluation.hpp"

#include "core/propagation/p526.hpp"

#include <algorithm>
#include <cmath>

namespace covsim {

LinkEvaluation evaluate_link(const PropagationModel& model, const Link& link) {
    LinkEvaluation e;
    e.warnings = validity_warnings(model, link);
    const double dh = link.tx_height_m - link.rx_height_m;
    e.distance_3d_m = std::sqrt(link.distance_m * link.distance_m + dh * dh);
    e.path_loss_db = model.path_loss_db(link);
    if (!std::isfinite(e.path_loss_db) || link.profile == nullptr) {
        return e;
    }
    const p526::DeltaBullingtonResult d = p526::delta_bullington(
        *link.profile, link.tx_height_m, link.rx_height_m, link.frequency_mhz);
    e.line_of_sight = d.line_of_sight;
    if (!model.needs_profile()) {
        e.terrain_correction_db = std::max(0.0, d.bullington_actual_db - d.bullington_smooth_db);
        e.path_loss_db += *e.terrain_correction_db;
    }
    return e;
}

} // namespace covsim
