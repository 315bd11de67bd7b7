#pragma once
// Power diagrams (weighted Voronoi diagrams) clipped to a polygon, and the fitting of their
// weights so that every cell has a prescribed area while every site stays inside its own cell.
//
// With sites p_i and weights w_i (m^2), the power cell of site i is
//     C_i = { x in D : |x - p_i|^2 - w_i <= |x - p_j|^2 - w_j for every j != i },
// the intersection of the domain D with one half-plane per other site, bounded by a line
// perpendicular to p_j - p_i. Raising w_i moves those lines away from p_i, so cell areas are
// steered by the weights alone while the sites stay fixed. Without further conditions, weights
// giving any areas exist and Newton's method finds them (semi-discrete optimal transport;
// Kitagawa, Merigot and Thibert, "Convergence of a Newton algorithm for semi-discrete optimal
// transport", J. Eur. Math. Soc. 21 (2019) 2603-2651). But a site can then end up outside its
// own cell, because a cell's boundary moves with the weights and not with the site. Site i stays
// at least c inside its cell exactly when w_j - w_i <= d_ij^2 - 2 d_ij c for every j, which is
// linear in the weights; fit_power_diagram therefore minimises the sum of squared relative area
// errors subject to these constraints (an active-set Gauss-Newton method), which gives the exact
// areas whenever they can be reached with every site inside its cell.

#include "core/geometry.hpp"

#include <utility>
#include <vector>

namespace covsim::geodata {

struct PowerCell {
    MultiPolygon shape; // the cell clipped to the domain (several parts where D is not convex)
    double area_m2 = 0.0;
    // Length of the boundary shared with every other cell, inside the domain (0: not adjacent).
    std::vector<double> shared_length_m;
};

// All cells of the power diagram of `sites` with `weights_m2`, clipped to `domain`.
std::vector<PowerCell> power_diagram(const std::vector<Point>& sites,
                                     const std::vector<double>& weights_m2, const Polygon& domain);

struct PowerFitOptions {
    // Every site stays at least this far inside its own (unclipped) cell, so that it still lies
    // in its polygon after the coordinates are rounded.
    double site_clearance_m = 50.0;
    double relative_tolerance = 1e-5; // stop when every |area / target - 1| is below this
    int max_iterations = 200;
};

struct PowerFit {
    std::vector<double> weights_m2;
    std::vector<PowerCell> cells;
    int iterations = 0; // Gauss-Newton steps and active-set changes
    // The binding clearance constraints: site i sits exactly at the clearance from its boundary
    // with site j, for each (i, j). They are what keeps some areas off target.
    std::vector<std::pair<std::size_t, std::size_t>> active_constraints;
    double worst_relative_error = 0.0; // max |area / target - 1|
};

// Weights for which cell i has (as nearly as the clearance allows) target_area_m2[i]. The
// targets must sum to the domain's area and every site must lie inside the domain.
// Deterministic: the same inputs give the same weights, bit for bit.
PowerFit fit_power_diagram(const std::vector<Point>& sites,
                           const std::vector<double>& target_area_m2, const Polygon& domain,
                           const PowerFitOptions& options);

} // namespace covsim::geodata
