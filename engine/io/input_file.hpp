#pragma once
// Files covsim reads are regular files of bounded size. A device (`--profile /dev/zero`), a FIFO
// or a socket would be read forever or block, and a file of gigabytes where a few kilobytes are
// expected is a mistake, not an input: both are an error naming the file, before any byte is
// read. The limits per kind of file are here, so that messages and docs stay in step.

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace covsim::io {

inline constexpr std::uintmax_t max_scenario_file_bytes = 16u << 20; // 16 MiB of TOML
inline constexpr std::uintmax_t max_antenna_file_bytes = 16u << 20;  // an MSI file is ~10 kB
inline constexpr std::uintmax_t max_profile_file_bytes = 64u << 20;  // 1e6 samples in text
inline constexpr std::uintmax_t max_table_file_bytes = 1u << 30;     // CSV site layers, tables

// Throws covsim::Error when `path` is not a regular file (ErrorCode::io: "<what> '<path>' is a
// character device, expected a regular file"; missing: "<what> '<path>' not found") or is
// larger than `max_bytes` (`too_large`). Symbolic links are followed.
void check_input_file(const std::filesystem::path& path, std::string_view what,
                      std::uintmax_t max_bytes, ErrorCode too_large = ErrorCode::input_data);

// The bytes of a file checked as above; at most `max_bytes` are read even if it grows meanwhile.
std::string read_input_file(const std::filesystem::path& path, std::string_view what,
                            std::uintmax_t max_bytes, ErrorCode too_large = ErrorCode::input_data);

// "character device", "FIFO", ...: what a path is when it is not a regular file; empty when it
// is one or does not exist.
std::string special_file_kind(const std::filesystem::path& path);

} // namespace covsim::io
