#pragma once
// The upper convex hull of a profile's samples, built as the samples arrive (increasing
// distance), for the maxima that terrain models take over the samples between two terminals.
//
// Many of those maxima are of the form max_i (y_i + b x_i) (a linear function of the sample) or
// max_i (y_i - Y) / (X - x_i) (the elevation slope of the sample seen from a point (X, Y) beyond
// the last sample, e.g. the receiver). Both are attained at a vertex of the upper convex hull of
// the points (x_i, y_i): a sample under a hull edge is below a point of that edge, which scores at
// least as well. Along the hull both scores are unimodal (the edge slopes decrease), so one
// binary search finds the best vertex: O(log n) per question instead of a pass over the n
// samples. A sample dropped from the hull of a prefix stays under the hull of every longer prefix,
// so the prefixes of a radial share one hull (core/radial_terrain.hpp): add a sample, ask about the
// prefix, add the next.
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

    // The sample with the largest y + slope x (-1 when empty).
    [[nodiscard]] std::int32_t argmax_linear(double slope) const noexcept {
        return search([this, slope](std::size_t m) { return y_[m] + slope * x_[m]; });
    }

    // The sample with the largest (y - from_y) / (from_x - x), from_x above every x: the highest
    // elevation slope seen looking back from (from_x, from_y) (-1 when empty).
    [[nodiscard]] std::int32_t argmax_seen_from(double from_x, double from_y) const noexcept {
        return search(
            [this, from_x, from_y](std::size_t m) { return (y_[m] - from_y) / (from_x - x_[m]); });
    }

private:
    // The first vertex m whose successor does not score higher (scores rise, then fall).
    template <typename Score>
    [[nodiscard]] std::int32_t search(const Score& score) const noexcept {
        if (x_.empty()) {
            return -1;
        }
        std::size_t lo = 0;
        std::size_t hi = x_.size() - 1;
        while (lo < hi) {
            const std::size_t m = lo + (hi - lo) / 2;
            if (score(m + 1) > score(m)) {
                lo = m + 1;
            } else {
                hi = m;
            }
        }
        return index_[lo];
    }

    std::vector<double> x_;
    std::vector<double> y_;
    std::vector<std::int32_t> index_;
};

} // namespace covsim
