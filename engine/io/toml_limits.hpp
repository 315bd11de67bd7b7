#pragma once
// Limits on the shape of a scenario file, checked on its text before the TOML library parses it.
// toml++ limits how deep arrays and inline tables nest, but not dotted keys and table headers:
// `a.a.a...` with 100,000 parts builds 100,000 nested tables, and freeing them (recursively)
// overflows the stack. A scenario needs a few levels (`[layers.antenna]`, `[sweep] x = {...}`),
// so the limits below are far above any real file and far below a stack overflow.
//
// The scan follows TOML 1.0's lexical rules (strings, comments, arrays, inline tables) well
// enough to know which text is a key; on text that is not TOML it carries on and leaves the
// syntax error to the parser.

#include <cstddef>
#include <string_view>

namespace covsim::io {

inline constexpr std::size_t max_toml_key_parts = 32;   // a.b.c: 3 parts
inline constexpr std::size_t max_toml_key_chars = 1000; // one key or header, as written
inline constexpr std::size_t max_toml_depth = 64;       // tables, inline tables and arrays

// Throws covsim::Error(scenario) "<file>:<line>:<column>: ..." naming the first key or value
// beyond a limit, with the key's first characters.
void check_toml_limits(std::string_view text, std::string_view file);

} // namespace covsim::io
