#pragma once
// The upper convex hull of a profile's samples, built as the samples arrive (increasing
// distance), for the maxima that terrain models take over the samples between two terminals.
//
// Many of those maxima are of the form max_i (y_i + b x_i) (a linear function of the sample) or
// max_i (y_i - Y) / (X - x_i) (the elevation slope of the sample seen from a point (X, Y) beyond
// the last sample, e.g. the receiver). Both are attained at a vertex of the upper convex hull of
// the points (x_i, y_i): a sample under a hull edge is below a point of that edge, which scores at
// least as well. Along the hull both scores rise, then fall (the edge slopes decrease), so a
// search finds the best vertex: O(log n) per question instead of a pass over the n samples. A
// sample dropped from the hull of a prefix stays under the hull of every longer prefix, so the
// prefixes of a radial share one hull (core/radial_terrain.hpp): add a sample, ask about the
// prefix, add the next. Consecutive prefixes ask nearly the same questions: the searches start
// from a hint (the vertex found last time) and gallop from it.
//
// The search compares the scores of neighbouring vertices as computed, so it returns the vertex
// a full pass would find except where two vertices score equal to rounding. Never throws after
// reserve(); add() may allocate.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace covsim {

class UpperHull {
public:
    void clear() noexcept {
        x_.clear();
        y_.clear();
        index_.clear();
    }
    void reserve(std::size_t n) {
        x_.reserve(n);
        y_.reserve(n);
        index_.reserve(n);
    }
    [[nodiscard]] bool empty() const noexcept { return x_.empty(); }

    // Adds the sample `index` at (x, y); x above every x added so far.
    void add(double x, double y, std::int32_t index) {
        // Drop the last vertex while it is on or below the segment from the one before to the
        // new point (no right turn).
        while (x_.size() >= 2) {
            const std::size_t b = x_.size() - 1;
            const double cross =
                (x_[b] - x_[b - 1]) * (y - y_[b - 1]) - (y_[b] - y_[b - 1]) * (x - x_[b - 1]);
            if (cross < 0.0) {
                break;
            }
            x_.pop_back();
            y_.pop_back();
            index_.pop_back();
        }
        x_.push_back(x);
        y_.push_back(y);
        index_.push_back(index);
    }

    // The sample with the largest y + slope x (-1 when empty). `hint`: a vertex position to start
    // from, updated to the one found.
    [[nodiscard]] std::int32_t argmax_linear(double slope, std::size_t& hint) const noexcept {
        return search(hint, [this, slope](std::size_t m) { return y_[m] + slope * x_[m]; });
    }

    // The sample with the largest (y - from_y) / (from_x - x), from_x above every x: the highest
    // elevation slope seen looking back from (from_x, from_y) (-1 when empty).
    [[nodiscard]] std::int32_t argmax_seen_from(double from_x, double from_y,
                                                std::size_t& hint) const noexcept {
        return search(hint, [this, from_x, from_y](std::size_t m) {
            return (y_[m] - from_y) / (from_x - x_[m]);
        });
    }

    // After argmax_linear(slope, hint) found the vertex at position `hint`: the interval
    // [x_lo, x_hi] outside which every sample has y + slope x <= level (a sample above the level
    // lies under a hull edge above it; the hull crosses the level once on each side of its
    // highest vertex). Empty (x_lo > x_hi) when no vertex is above the level.
    void span_above(double slope, double level, std::size_t top, double& x_lo,
                    double& x_hi) const noexcept {
        const auto score = [this, slope](std::size_t m) { return y_[m] + slope * x_[m]; };
        x_lo = 1.0;
        x_hi = 0.0;
        if (top >= x_.size() || !(score(top) > level)) {
            return;
        }
        // Where the edge from a (above) to b (not above) crosses the level.
        const auto crossing = [&](std::size_t a, std::size_t b) {
            const double sa = score(a);
            const double sb = score(b);
            return x_[a] + (x_[b] - x_[a]) * ((sa - level) / (sa - sb));
        };
        std::size_t m = top;
        while (m > 0 && score(m - 1) > level) {
            --m;
        }
        x_lo = m > 0 ? crossing(m, m - 1) : x_[0];
        m = top;
        while (m + 1 < x_.size() && score(m + 1) > level) {
            ++m;
        }
        x_hi = m + 1 < x_.size() ? crossing(m, m + 1) : x_.back();
    }

private:
    // The first vertex m whose successor does not score higher (scores rise, then fall),
    // galloping from the hint.
    template <typename Score>
    [[nodiscard]] std::int32_t search(std::size_t& hint, const Score& score) const noexcept {
        const std::size_t n = x_.size();
        if (n == 0) {
            return -1;
        }
        const auto rising = [n, &score](std::size_t m) {
            return m + 1 < n && score(m + 1) > score(m);
        };
        // The answer lies in [lo, hi], and rising(hi) is false.
        std::size_t lo = 0;
        std::size_t hi = n - 1;
        const std::size_t h = hint < n ? hint : n - 1;
        std::size_t step = 1;
        if (rising(h)) {
            lo = h + 1;
            hi = lo;
            while (rising(hi)) {
                lo = hi + 1;
                step *= 2;
                hi = lo + step < n ? lo + step : n - 1;
            }
        } else {
            hi = h;
            lo = h;
            while (lo > 0) {
                const std::size_t probe = lo > step ? lo - step : 0;
                if (rising(probe)) {
                    lo = probe + 1;
                    break;
                }
                hi = probe;
                lo = probe;
                step *= 2;
            }
        }
        while (lo < hi) {
            const std::size_t m = lo + (hi - lo) / 2;
            if (rising(m)) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        hint = lo;
        return index_[lo];
    }

    std::vector<double> x_;
    std::vector<double> y_;
    std::vector<std::int32_t> index_;
};

} // namespace covsim
