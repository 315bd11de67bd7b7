#include "power_diagram.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <boost/geometry/geometries/linestring.hpp>
#include <boost/geometry/geometries/multi_linestring.hpp>
#include <cmath>
#include <fmt/format.h>
#include <optional>

namespace covsim::geodata {

namespace {

using Linestring = bg::model::linestring<Point>;
using MultiLinestring = bg::model::multi_linestring<Linestring>;

// A convex polygon as an open ring. Edge k runs from vertex k to vertex k + 1 (cyclically) and
// records the site whose half-plane produced it, or -1 for the initial bounding box.
struct ConvexVertex {
    Point p;
    int edge_site = -1;
};
using ConvexPolygon = std::vector<ConvexVertex>;

// Where site i competes with site j: the half-plane (x - m) . a <= c, with a = p_j - p_i,
// m = (p_i + p_j) / 2 and c = (w_i - w_j) / 2 (from expanding the power distances).
struct HalfPlane {
    Point m;
    Point a;
    double c = 0.0;
    [[nodiscard]] double excess(const Point& x) const noexcept {
        return (x.x() - m.x()) * a.x() + (x.y() - m.y()) * a.y() - c;
    }
};

HalfPlane half_plane(const Point& pi, const Point& pj, double wi, double wj) {
    return {Point((pi.x() + pj.x()) / 2.0, (pi.y() + pj.y()) / 2.0),
            Point(pj.x() - pi.x(), pj.y() - pi.y()), (wi - wj) / 2.0};
}

// Sutherland-Hodgman against one half-plane; the new edge along its line is labelled `site`.
ConvexPolygon clip(const ConvexPolygon& poly, const HalfPlane& h, int site) {
    ConvexPolygon out;
    const std::size_t n = poly.size();
    for (std::size_t k = 0; k < n; ++k) {
        const ConvexVertex& u = poly[k];
        const ConvexVertex& v = poly[(k + 1) % n];
        const double fu = h.excess(u.p);
        const double fv = h.excess(v.p);
        if (fu <= 0.0) {
            out.push_back(u);
        }
        if ((fu <= 0.0) != (fv <= 0.0)) {
            const double t = fu / (fu - fv);
            const Point q(u.p.x() + t * (v.p.x() - u.p.x()), u.p.y() + t * (v.p.y() - u.p.y()));
            // Leaving the half-plane: the next edge runs along its line; entering: the rest
            // of the edge u-v.
            out.push_back({q, fu <= 0.0 ? site : u.edge_site});
        }
    }
    return out;
}

// The domain's bounding box grown by 1 km, clockwise like Boost.Geometry's polygons.
ConvexPolygon bounding_box(const Polygon& domain) {
    Box box;
    bg::envelope(domain, box);
    constexpr double margin_m = 1000.0;
    const double x0 = box.min_corner().x() - margin_m;
    const double y0 = box.min_corner().y() - margin_m;
    const double x1 = box.max_corner().x() + margin_m;
    const double y1 = box.max_corner().y() + margin_m;
    return {{Point(x0, y0)}, {Point(x0, y1)}, {Point(x1, y1)}, {Point(x1, y0)}};
}

double distance(const Point& a, const Point& b) {
    return std::hypot(b.x() - a.x(), b.y() - a.y());
}

// The clearance constraint of site i against site j: p_i lies at least `clearance_m` inside the
// half-plane of i against j. The distance from p_i to its line is (w_i - w_j + d^2) / (2 d), so
// the constraint reads w_j - w_i <= d^2 - 2 d clearance.
double clearance_bound(const std::vector<Point>& sites, std::size_t i, std::size_t j,
                       double clearance_m) {
    const double d = distance(sites[i], sites[j]);
    return d * d - 2.0 * d * clearance_m;
}

// How far the weights break the clearance constraint of i against j (<= 0: kept).
double violation(const std::vector<Point>& sites, const std::vector<double>& w, std::size_t i,
                 std::size_t j, double clearance_m) {
    return w[j] - w[i] - clearance_bound(sites, i, j, clearance_m);
}

// Solves a x = b for a dense n x n matrix (row-major) by Gaussian elimination with partial
// pivoting.
std::vector<double> solve(std::vector<double> a, std::vector<double> b) {
    const std::size_t n = b.size();
    for (std::size_t col = 0; col < n; ++col) {
        std::size_t pivot = col;
        for (std::size_t r = col + 1; r < n; ++r) {
            if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) {
                pivot = r;
            }
        }
        if (a[pivot * n + col] == 0.0) {
            throw Error(ErrorCode::internal,
                        "power diagram: singular linear system (a cell without neighbours?)");
        }
        if (pivot != col) {
            for (std::size_t k = 0; k < n; ++k) {
                std::swap(a[col * n + k], a[pivot * n + k]);
            }
            std::swap(b[col], b[pivot]);
        }
        for (std::size_t r = col + 1; r < n; ++r) {
            const double f = a[r * n + col] / a[col * n + col];
            for (std::size_t k = col; k < n; ++k) {
                a[r * n + k] -= f * a[col * n + k];
            }
            b[r] -= f * b[col];
        }
    }
    std::vector<double> x(n);
    for (std::size_t r = n; r-- > 0;) {
        double s = b[r];
        for (std::size_t k = r + 1; k < n; ++k) {
            s -= a[r * n + k] * x[k];
        }
        x[r] = s / a[r * n + r];
    }
    return x;
}

double norm(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) {
        s += x * x;
    }
    return std::sqrt(s);
}

double max_abs(const std::vector<double>& v) {
    double m = 0.0;
    for (double x : v) {
        m = std::max(m, std::abs(x));
    }
    return m;
}

// An active clearance constraint, held as an equality: w_j - w_i = clearance_bound(i, j).
struct Tie {
    std::size_t i = 0;
    std::size_t j = 0;
};

// Sites joined by ties move together: w_s = z_{group[s]} + offset[s]. A group's lowest site has
// offset 0, so site 0 always leads group 0.
struct Groups {
    std::vector<std::size_t> group;
    std::vector<double> offset_m2;
    std::size_t count = 0;
};

Groups make_groups(const std::vector<Point>& sites, const std::vector<Tie>& ties,
                   double clearance_m) {
    const std::size_t n = sites.size();
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    Groups g{std::vector<std::size_t>(n, none), std::vector<double>(n, 0.0), 0};
    for (std::size_t root = 0; root < n; ++root) {
        if (g.group[root] != none) {
            continue;
        }
        g.group[root] = g.count;
        std::vector<std::size_t> todo{root};
        while (!todo.empty()) {
            const std::size_t s = todo.back();
            todo.pop_back();
            for (const Tie& t : ties) {
                const bool forward = t.i == s && g.group[t.j] == none;
                const bool backward = t.j == s && g.group[t.i] == none;
                if (forward || backward) {
                    const std::size_t other = forward ? t.j : t.i;
                    const double bound = clearance_bound(sites, t.i, t.j, clearance_m);
                    g.group[other] = g.count;
                    g.offset_m2[other] = g.offset_m2[s] + (forward ? bound : -bound);
                    todo.push_back(other);
                }
            }
        }
        ++g.count;
    }
    return g;
}

// Moves the weights onto the ties: every site takes its group leader's weight plus its offset.
std::vector<double> onto_ties(const Groups& g, const std::vector<double>& w) {
    std::vector<double> leader(g.count, 0.0);
    for (std::size_t s = w.size(); s-- > 0;) {
        leader[g.group[s]] = w[s] - g.offset_m2[s]; // the lowest site of the group writes last
    }
    std::vector<double> out(w.size());
    for (std::size_t s = 0; s < w.size(); ++s) {
        out[s] = leader[g.group[s]] + g.offset_m2[s];
    }
    return out;
}

// The fit at one set of weights. The objective is half the sum of squared relative area errors.
struct State {
    std::vector<double> w;
    std::vector<PowerCell> cells;
    std::vector<double> errors; // area / target - 1
    double objective = 0.0;
};

State evaluate(const std::vector<Point>& sites, const std::vector<double>& target,
               const Polygon& domain, std::vector<double> w) {
    State st;
    st.cells = power_diagram(sites, w, domain);
    st.w = std::move(w);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        st.errors.push_back(st.cells[i].area_m2 / target[i] - 1.0);
        st.objective += 0.5 * st.errors.back() * st.errors.back();
    }
    return st;
}

// The Jacobian of the areas with respect to the weights, n x n row-major: the graph Laplacian
// with off-diagonal entries -L_ij / (2 d_ij) (L_ij: shared boundary length; raising w_i by dw
// moves the boundary with j by dw / (2 d_ij)). It is symmetric and singular along the constant
// vector (adding a constant to every weight changes nothing).
std::vector<double> area_jacobian(const std::vector<Point>& sites,
                                  const std::vector<PowerCell>& cells) {
    const std::size_t n = sites.size();
    std::vector<double> jac(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            const double shared = (cells[i].shared_length_m[j] + cells[j].shared_length_m[i]) / 2.0;
            const double c = shared / (2.0 * distance(sites[i], sites[j]));
            jac[i * n + i] += c;
            jac[j * n + j] += c;
            jac[i * n + j] -= c;
            jac[j * n + i] -= c;
        }
    }
    return jac;
}

// The objective's gradient J^T D r, with r_i the relative errors and D = diag(1 / target).
std::vector<double> gradient(const std::vector<double>& jac, const State& st,
                             const std::vector<double>& target) {
    const std::size_t n = target.size();
    std::vector<double> g(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < n; ++k) {
            g[i] += jac[k * n + i] * st.errors[k] / target[k];
        }
    }
    return g;
}

// The Gauss-Newton step for the group weights: minimise |r + D J P dz|^2, with P the
// site-to-group incidence matrix, by the normal equations. Group 0 is held fixed, which removes
// the constant null vector. Without ties this is Newton's method for the areas.
std::vector<double> gauss_newton_direction(const std::vector<double>& jac, const Groups& g,
                                           const State& st, const std::vector<double>& target) {
    const std::size_t n = target.size();
    const std::size_t m = g.count - 1;
    std::vector<double> b(n * m, 0.0); // D J P without group 0's column
    for (std::size_t s = 0; s < n; ++s) {
        for (std::size_t t = 0; t < n; ++t) {
            if (g.group[t] > 0) {
                b[s * m + g.group[t] - 1] += jac[s * n + t] / target[s];
            }
        }
    }
    std::vector<double> normal(m * m, 0.0);
    std::vector<double> rhs(m, 0.0);
    for (std::size_t s = 0; s < n; ++s) {
        for (std::size_t c = 0; c < m; ++c) {
            rhs[c] -= b[s * m + c] * st.errors[s];
            for (std::size_t e = 0; e < m; ++e) {
                normal[c * m + e] += b[s * m + c] * b[s * m + e];
            }
        }
    }
    const std::vector<double> dz = solve(std::move(normal), std::move(rhs));
    std::vector<double> direction(n, 0.0);
    for (std::size_t s = 0; s < n; ++s) {
        direction[s] = g.group[s] > 0 ? dz[g.group[s] - 1] : 0.0;
    }
    return direction;
}

// Lagrange multipliers of the ties: the optimality (KKT) conditions read
// grad + sum_k mu_k (e_j - e_i) = 0 with mu_k >= 0 while tie k is needed; solved in the
// least-squares sense.
std::vector<double> multipliers(const std::vector<Tie>& ties, const std::vector<double>& grad) {
    const std::size_t m = ties.size();
    auto row = [&](const Tie& t, std::size_t s) {
        return (s == t.j ? 1.0 : 0.0) - (s == t.i ? 1.0 : 0.0);
    };
    std::vector<double> cct(m * m, 0.0);
    std::vector<double> rhs(m, 0.0);
    for (std::size_t a = 0; a < m; ++a) {
        for (std::size_t s = 0; s < grad.size(); ++s) {
            rhs[a] -= row(ties[a], s) * grad[s];
            for (std::size_t b = 0; b < m; ++b) {
                cct[a * m + b] += row(ties[a], s) * row(ties[b], s);
            }
        }
    }
    return solve(std::move(cct), std::move(rhs));
}

} // namespace

std::vector<PowerCell> power_diagram(const std::vector<Point>& sites,
                                     const std::vector<double>& weights_m2, const Polygon& domain) {
    const std::size_t n = sites.size();
    const ConvexPolygon box = bounding_box(domain);
    std::vector<PowerCell> cells(n);
    for (std::size_t i = 0; i < n; ++i) {
        PowerCell& cell = cells[i];
        cell.shared_length_m.assign(n, 0.0);
        ConvexPolygon poly = box;
        for (std::size_t j = 0; j < n && poly.size() >= 3; ++j) {
            if (j != i) {
                poly = clip(poly, half_plane(sites[i], sites[j], weights_m2[i], weights_m2[j]),
                            static_cast<int>(j));
            }
        }
        if (poly.size() < 3) {
            continue; // an empty cell
        }
        Polygon convex;
        for (const ConvexVertex& v : poly) {
            convex.outer().push_back(v.p);
        }
        bg::correct(convex);
        bg::intersection(convex, domain, cell.shape);
        cell.area_m2 = bg::area(cell.shape);
        for (std::size_t k = 0; k < poly.size(); ++k) {
            if (poly[k].edge_site < 0) {
                continue;
            }
            const Linestring edge{poly[k].p, poly[(k + 1) % poly.size()].p};
            MultiLinestring inside;
            bg::intersection(edge, domain, inside);
            cell.shared_length_m[static_cast<std::size_t>(poly[k].edge_site)] += bg::length(inside);
        }
    }
    return cells;
}

PowerFit fit_power_diagram(const std::vector<Point>& sites,
                           const std::vector<double>& target_area_m2, const Polygon& domain,
                           const PowerFitOptions& options) {
    const std::size_t n = sites.size();
    if (n < 2 || target_area_m2.size() != n) {
        throw Error(ErrorCode::internal, "fit_power_diagram: need >= 2 sites, one target each");
    }
    double target_sum = 0.0;
    for (double t : target_area_m2) {
        target_sum += t;
    }
    if (std::abs(target_sum / bg::area(domain) - 1.0) > 1e-9) {
        throw Error(ErrorCode::internal,
                    "fit_power_diagram: the target areas do not sum to the domain's area");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!bg::within(sites[i], domain)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("site {} ({:.0f}, {:.0f}) lies outside the outline", i,
                                    sites[i].x(), sites[i].y()));
        }
        for (std::size_t j = i + 1; j < n; ++j) {
            if (distance(sites[i], sites[j]) <= 2.0 * options.site_clearance_m) {
                throw Error(ErrorCode::input_data,
                            fmt::format("sites {} and {} are closer than {} m; districts need "
                                        "distinct interior points",
                                        i, j, 2.0 * options.site_clearance_m));
            }
        }
    }

    // An active-set method (Nocedal and Wright, Numerical Optimization, 2nd ed., section 16.5)
    // with Gauss-Newton steps: minimise half the sum of squared relative area errors subject to
    // the clearance constraints, which are linear in the weights. Active constraints are held as
    // ties; a step stops at the first constraint it would break, which is then tied; at the
    // optimum of a face, the tie with the most negative multiplier is released. Weights start at
    // 0 (the Voronoi diagram), where every site is clear.
    std::vector<Tie> ties;
    Groups groups = make_groups(sites, ties, options.site_clearance_m);
    State st = evaluate(sites, target_area_m2, domain, std::vector<double>(n, 0.0));
    double gradient_scale = -1.0; // |gradient| at the start, to judge multipliers against
    PowerFit fit;
    while (fit.iterations < options.max_iterations &&
           max_abs(st.errors) > options.relative_tolerance) {
        const std::vector<double> jac = area_jacobian(sites, st.cells);
        const std::vector<double> grad = gradient(jac, st, target_area_m2);
        if (gradient_scale < 0.0) {
            gradient_scale = norm(grad);
        }
        const std::vector<double> dir = gauss_newton_direction(jac, groups, st, target_area_m2);
        double slope = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            slope += grad[i] * dir[i];
        }

        // The longest step that keeps every constraint not yet tied.
        double max_step = 1.0;
        std::optional<Tie> blocking;
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                const double rate = dir[j] - dir[i];
                if (i == j || groups.group[i] == groups.group[j] || rate <= 0.0) {
                    continue;
                }
                const double room = -violation(sites, st.w, i, j, options.site_clearance_m) / rate;
                if (room < max_step) {
                    max_step = std::max(room, 0.0);
                    blocking = Tie{i, j};
                }
            }
        }

        // Backtracking (Armijo) from that step; no cell may shrink below half the smaller of
        // its target and current areas (Kitagawa, Merigot and Thibert 2019).
        std::optional<State> next;
        double step = max_step;
        for (; step > 0.0 && step >= max_step / 1048576.0; step /= 2.0) {
            std::vector<double> w(n);
            for (std::size_t i = 0; i < n; ++i) {
                w[i] = st.w[i] + step * dir[i];
            }
            State trial = evaluate(sites, target_area_m2, domain, std::move(w));
            bool large_enough = true;
            for (std::size_t i = 0; i < n; ++i) {
                large_enough =
                    large_enough && trial.cells[i].area_m2 >=
                                        0.5 * std::min(target_area_m2[i], st.cells[i].area_m2);
            }
            if (large_enough && trial.objective <= st.objective + 1e-4 * step * slope) {
                next = std::move(trial);
                break;
            }
        }
        ++fit.iterations;
        if (next) {
            st = std::move(*next);
        }
        if (blocking && (max_step == 0.0 || (next && step == max_step))) {
            ties.push_back(*blocking);
            groups = make_groups(sites, ties, options.site_clearance_m);
            st = evaluate(sites, target_area_m2, domain, onto_ties(groups, st.w));
            continue;
        }
        if (next) {
            continue;
        }
        // No progress on this face: release a tie that holds the fit back, or stop.
        const std::vector<double> mu = multipliers(ties, grad);
        std::optional<std::size_t> release;
        for (std::size_t k = 0; k < ties.size(); ++k) {
            if (mu[k] < -1e-6 * gradient_scale && (!release || mu[k] < mu[*release])) {
                release = k;
            }
        }
        if (!release) {
            break;
        }
        ties.erase(ties.begin() + static_cast<std::ptrdiff_t>(*release));
        groups = make_groups(sites, ties, options.site_clearance_m);
    }
    fit.weights_m2 = std::move(st.w);
    fit.cells = std::move(st.cells);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            if (i != j && violation(sites, fit.weights_m2, i, j, options.site_clearance_m) > 1e-3) {
                throw Error(ErrorCode::internal,
                            fmt::format("power diagram: site {} is not clear of site {}", i, j));
            }
        }
    }
    fit.worst_relative_error = max_abs(st.errors);
    for (const Tie& t : ties) {
        fit.active_constraints.emplace_back(t.i, t.j);
    }
    return fit;
}

} // namespace covsim::geodata
