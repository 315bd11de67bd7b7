#pragma once
// A value as a message shows it: control characters (a NUL inside a path, a newline inside a
// name) escaped as \0, \n, \t or \xNN, so that the message is one line that shows the whole
// value; optionally its first `max_bytes` bytes only, followed by "...".

#include <cstddef>
#include <string>
#include <string_view>

namespace covsim::io {

std::string printable(std::string_view text, std::size_t max_bytes = std::string_view::npos);

} // namespace covsim::io
