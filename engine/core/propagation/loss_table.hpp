#pragma once
// One link's path loss as a function of the 2-D distance alone, tabulated
// (docs/models/3gpp-38901.md, "Tabulated in coverage runs").
//
// For a layer and a sector height, a model whose loss depends on nothing but the distance
// (PropagationModel::worth_tabulating) gives the same curve to every cell. The coverage kernel
// evaluates it once per step_m from 0 to the range and interpolates linearly between the nodes;
// where the interpolation at an interval's midpoint misses the model by more than
// tolerance_db (a jump or a kink of the model: TR 38.901 RMa's LOS σ steps from 4 to 6 dB at the
// breakpoint, which moves the mixture's median by 1 dB), and beyond the range, the model itself
// is evaluated. Away from those intervals the interpolation error is at most twice the midpoint
// test's (tests/unit/core/test_loss_table.cpp).
//
// Plain IEEE arithmetic on a table built the same way whatever the thread or instruction set:
// the same bits everywhere.

#include "core/propagation/model.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace covsim {

class DistanceLossTable {
public:
    static constexpr double step_m = 0.25;
    static constexpr double tolerance_db = 1e-3;

    // The losses of `link` (its distance replaced) in `environment` for distances 0 to range_m.
    DistanceLossTable(const PropagationModel& model, const Link& link, Environment environment,
                      double range_m);

    // loss_db[i] for distance_m[i] (finite, non-negative), as PropagationModel::path_losses_db.
    // `exact` is working memory for the distances the model evaluates itself.
    void losses_db(std::span<const double> distance_m, std::span<double> loss_db,
                   std::vector<double>& exact) const;

    // Intervals the model evaluates itself (for tests and the log).
    [[nodiscard]] std::size_t exact_intervals() const noexcept { return exact_intervals_; }

private:
    struct Node {
        double loss_db;  // at the interval's start
        double slope_db; // per step to the next node; NaN: the model evaluates this interval
    };
    const PropagationModel* model_;
    Link link_;
    Environment environment_;
    std::vector<Node> nodes_; // one per interval
    std::size_t exact_intervals_ = 0;
};

} // namespace covsim
