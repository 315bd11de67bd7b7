#pragma once
// Enumerations named by text at the interfaces (scenario keys, CLI options, data fields): the
// enum's values are the indices of its names.

#include <array>
#include <optional>
#include <string_view>

namespace covsim {

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                                         std::string_view text) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            return static_cast<Enum>(i);
        }
    }
    return std::nullopt;
}

} // namespace covsim
