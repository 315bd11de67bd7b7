#pragma once
// "Did you mean" suggestions for misspelt keys, names and options.

#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// Levenshtein edit distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo, else empty.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

} // namespace covsim::io
