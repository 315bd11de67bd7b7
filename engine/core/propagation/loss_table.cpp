#include "core/propagation/loss_table.hpp"

#include <cmath>
#include <limits>

namespace covsim {

DistanceLossTable::DistanceLossTable(const PropagationModel& model, const Link& link,
                                     Environment environment, double range_m)
    : model_(&model), link_(link), environment_(environment) {
    const auto intervals = static_cast<std::size_t>(std::ceil(range_m / step_m)) + 1;
    // The nodes and the midpoints, in one batch: 0, h/2, h, 3h/2, ...
    std::vector<double> d(2 * intervals + 1);
    for (std::size_t i = 0; i < d.size(); ++i) {
        d[i] = static_cast<double>(i) * (step_m / 2.0);
    }
    std::vector<double> loss(d.size());
    const std::vector<Environment> environments(d.size(), environment);
    model.path_losses_db(link, d, environments, loss);
    nodes_.resize(intervals);
    for (std::size_t k = 0; k < intervals; ++k) {
        const double a = loss[2 * k];
        const double mid = loss[2 * k + 1];
        const double b = loss[2 * k + 2];
        const bool linear = std::abs(0.5 * (a + b) - mid) <= tolerance_db; // false for NaN
        nodes_[k] = {a, linear ? b - a : std::numeric_limits<double>::quiet_NaN()};
        exact_intervals_ += linear ? 0 : 1;
    }
}

void DistanceLossTable::losses_db(std::span<const double> distance_m, std::span<double> loss_db,
                                  std::vector<double>& exact) const {
    const std::size_t n = distance_m.size();
    const double* d = distance_m.data();
    double* out = loss_db.data();
    const Node* nodes = nodes_.data();
    const auto last = static_cast<double>(nodes_.size());
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::size_t misses = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = d[i] * (1.0 / step_m); // exact: step_m is a power of 2
        const bool inside = x < last;
        const auto k = static_cast<std::size_t>(inside ? x : 0.0);
        const double t = x - static_cast<double>(k);
        const double v = nodes[k].loss_db + t * nodes[k].slope_db;
        out[i] = inside ? v : nan;
        misses += out[i] == out[i] ? 0 : 1;
    }
    if (misses == 0) {
        return;
    }
    // The model's own values where the table has none: gathered, evaluated, scattered back.
    exact.clear();
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(out[i])) {
            exact.push_back(d[i]);
        }
    }
    const std::size_t m = exact.size();
    exact.resize(2 * m);
    const std::vector<Environment> environments(m, environment_);
    model_->path_losses_db(link_, {exact.data(), m}, environments, {exact.data() + m, m});
    std::size_t j = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(out[i])) {
            out[i] = exact[m + j++];
        }
    }
}

} // namespace covsim
