#pragma once
// Checks of a CSV file before GDAL's CSV driver reads it (site layers, census tables). The driver
// silently drops the fields of a row beyond the header's: an unquoted comma inside a value
// ("Ba Dinh, Hanoi") shifts every later column of that row, and the row is read with wrong
// values or vanishes. covsim refuses such a row instead, naming its line.

#include <filesystem>
#include <string_view>

namespace covsim::io {

// Throws covsim::Error when `path` is not a regular file of at most max_table_file_bytes
// (io/input_file.hpp), or when a row has more fields than the header (ErrorCode::input_data:
// "<what> '<path>' line 3: 12 fields, the header (line 1) has 11; ..."). Rows are split as
// GDAL splits them: the separator is the first of ',', ';' or tab in the header ("," when the
// header mixes them), a quoted value may hold separators, newlines and doubled quotes, and blank
// lines are skipped. A header separated by spaces only is not checked (GDAL merges runs of
// spaces there).
void check_csv_file(const std::filesystem::path& path, std::string_view what);

} // namespace covsim::io
