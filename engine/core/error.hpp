#pragma once
// covsim's error type. Every failure that reaches a user is a covsim::Error with a code (the
// process exit code) and one line of text that names the file, line or key, the bad value and
// what was expected. Codes start at 2 so that they never collide with EXIT_FAILURE.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace covsim {

enum class ErrorCode : int {
    usage = 2,       // bad command line
    scenario = 3,    // scenario file: syntax, unknown key, wrong type, value out of range
    input_data = 4,  // geodata or site layer: missing field, bad value, outside the study area
    io = 5,          // a file or directory that cannot be read or written
    limit = 6,       // the request would exceed memory or time limits
    interrupted = 7, // stopped by a signal before completion
    internal = 8,    // a bug: an invariant of covsim itself does not hold
};

inline constexpr int first_error_code = 2;
inline constexpr int last_error_code = 8;

// Short names, indexed by code - first_error_code; documented in the README's exit-code table.
inline constexpr std::array<std::string_view, 7> error_code_names = {
    "usage", "scenario", "input-data", "io", "limit", "interrupted", "internal"};
static_assert(error_code_names.size() == last_error_code - first_error_code + 1,
              "error_code_names must list every ErrorCode");

constexpr std::string_view error_code_name(ErrorCode code) noexcept {
    return error_code_names[static_cast<std::size_t>(static_cast<int>(code) - first_error_code)];
}

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    [[nodiscard]] ErrorCode code() const noexcept { return code_; }
    [[nodiscard]] int exit_code() const noexcept { return static_cast<int>(code_); }

private:
    ErrorCode code_;
};

} // namespace covsim
