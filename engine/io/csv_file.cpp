#include "io/csv_file.hpp"

#include "core/error.hpp"
#include "io/input_file.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <fstream>
#include <string>

namespace covsim::io {

namespace {

// GDAL's CSVDetectSeperator (port/cpl_csv.cpp, 3.6): the first of ',', ';', tab outside quotes;
// ',' when two differ; ' ' when there is none but a space; else ','.
char detect_separator(const std::string& header) {
    bool quoted = false;
    char separator = '\0';
    bool space = false;
    for (const char c : header) {
        if (!quoted && (c == ',' || c == ';' || c == '\t')) {
            if (separator == '\0') {
                separator = c;
            } else if (separator != c) {
                return ',';
            }
        } else if (!quoted && c == ' ') {
            space = true;
        } else if (c == '"') {
            quoted = !quoted;
        }
    }
    return separator != '\0' ? separator : space ? ' ' : ',';
}

// Reads records as GDAL's CSVReadParseLine does: a line whose quotes are unbalanced continues on
// the next one.
class RecordReader {
public:
    explicit RecordReader(std::ifstream& in) : in_(in) {}

    // The next record and the line it starts on; false at the end.
    bool next(std::string& record, std::uint64_t& first_line) {
        record.clear();
        std::string line;
        bool open = false;
        while (std::getline(in_, line)) {
            ++line_;
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (!open) {
                first_line = line_;
                record = line;
            } else {
                record += '\n';
                record += line;
            }
            for (const char c : line) {
                open = c == '"' ? !open : open;
            }
            if (!open) {
                return true;
            }
        }
        return open; // an unterminated quote runs to the end of the file, as in GDAL
    }

private:
    std::ifstream& in_;
    std::uint64_t line_ = 0;
};

// Fields of a record as GDAL's CSVSplitLine counts them: separators outside quotes, where a
// doubled quote inside a quoted value is one quote.
std::size_t field_count(const std::string& record, char separator) {
    std::size_t fields = 1;
    bool quoted = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
        const char c = record[i];
        if (c == '"') {
            if (quoted && i + 1 < record.size() && record[i + 1] == '"') {
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == separator && !quoted) {
            ++fields;
        }
    }
    return fields;
}

bool blank(const std::string& record) {
    return record.find_first_not_of(" \t") == std::string::npos;
}

} // namespace

void check_csv_file(const std::filesystem::path& path, std::string_view what) {
    check_input_file(path, what, max_table_file_bytes);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("{} '{}' cannot be read", what, path.string()));
    }
    RecordReader reader(in);
    std::string header;
    std::uint64_t header_line = 0;
    do {
        if (!reader.next(header, header_line)) {
            return; // empty: GDAL reports it
        }
    } while (header.empty());
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) {
        header.erase(0, 3);
    }
    const char separator = detect_separator(header);
    if (separator == ' ') {
        return;
    }
    const std::size_t columns = field_count(header, separator);
    std::string record;
    std::uint64_t line = 0;
    while (reader.next(record, line)) {
        if (record.empty() || blank(record)) {
            continue;
        }
        const std::size_t fields = field_count(record, separator);
        if (fields > columns) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{} '{}' line {}: {} fields, the header (line {}) has {}; "
                                    "quote a value that contains {}{}",
                                    what, path.string(), line, fields, header_line, columns,
                                    separator == '\t' ? std::string("a tab")
                                                      : fmt::format("'{}'", separator),
                                    separator == ',' ? " (\"Ba Dinh, Hanoi\")" : ""));
        }
    }
}

} // namespace covsim::io
