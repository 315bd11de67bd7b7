#pragma once
// The interdecile range of ITM's terrain irregularity Delta_h (itm.cpp, terrain_irregularity_m):
// the k-th largest of a set of values minus its k-th smallest, found faster than by two
// std::nth_element over all of them, with the same result.
//
// Order statistics do not depend on how they are found. A sorted sample of 16 of the values gives
// two thresholds with about a fifth of the values on their outer side; when at least k values lie
// at or above the upper threshold, the k-th largest of all is the k-th largest of those (it is at
// or above the threshold), and likewise below; otherwise (an unrepresentative sample) the k-th
// value is found among all of them.

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <span>

namespace covsim::itm {

// The most values interdecile_range() takes the fast way (ITM's 10 k - 5 samples, k <= 25).
inline constexpr std::size_t max_fast_interdecile_values = 10 * 25 - 5;

// The k-th largest of s minus its k-th smallest, 1 <= k <= s.size() / 2; reorders s.
inline double interdecile_range(std::span<double> s, int k) {
    constexpr std::size_t sample_size = 16;
    constexpr std::size_t outer_rank = 4; // the thresholds: the sample's 4th largest and smallest
    const auto kth = [k](auto begin, auto end, auto order) {
        std::nth_element(begin, begin + (k - 1), end, order);
        return *(begin + (k - 1));
    };
    const std::size_t count = s.size();
    if (count < 4 * sample_size || count > max_fast_interdecile_values) {
        const double upper = kth(s.begin(), s.end(), std::greater<>());
        return upper - kth(s.begin(), s.end(), std::less<>());
    }
    std::array<double, sample_size> sample{};
    const std::size_t stride = count / sample_size;
    for (std::size_t i = 0; i < sample_size; ++i) {
        sample[i] = s[i * stride + stride / 2];
    }
    std::sort(sample.begin(), sample.end());
    const double high = sample[sample_size - outer_rank];
    const double low = sample[outer_rank - 1];
    std::array<double, max_fast_interdecile_values> above; // written before read
    std::array<double, max_fast_interdecile_values> below;
    std::size_t n_above = 0;
    std::size_t n_below = 0;
    for (const double x : s) { // without branches: every value written, kept when it counts
        above[n_above] = x;
        n_above += x >= high ? 1 : 0;
        below[n_below] = x;
        n_below += x <= low ? 1 : 0;
    }
    const auto enough = static_cast<std::size_t>(k);
    const double upper = n_above >= enough
                             ? kth(above.begin(), above.begin() + n_above, std::greater<>())
                             : kth(s.begin(), s.end(), std::greater<>());
    const double lower = n_below >= enough
                             ? kth(below.begin(), below.begin() + n_below, std::less<>())
                             : kth(s.begin(), s.end(), std::less<>());
    return upper - lower;
}

} // namespace covsim::itm
