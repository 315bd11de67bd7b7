#include "io/input_file.hpp"

#include <fmt/format.h>
#include <fstream>
#include <system_error>

namespace covsim::io {

namespace {

std::string megabytes(std::uintmax_t bytes) {
    if (bytes < 1000000) {
        return fmt::format("{} bytes", bytes);
    }
    return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

Error too_large_error(const std::filesystem::path& path, std::string_view what,
                      std::uintmax_t max_bytes, ErrorCode code, const std::string& size) {
    return Error(code, fmt::format("{} '{}' is {}, expected at most {}", what, path.string(), size,
                                   megabytes(max_bytes)));
}

} // namespace

std::string special_file_kind(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    switch (fs::status(path, ec).type()) {
    case fs::file_type::directory:
        return "directory";
    case fs::file_type::character:
        return "character device";
    case fs::file_type::block:
        return "block device";
    case fs::file_type::fifo:
        return "FIFO (named pipe)";
    case fs::file_type::socket:
        return "socket";
    case fs::file_type::regular:
    case fs::file_type::not_found:
    case fs::file_type::none:
        return "";
    default:
        return "special file";
    }
}

void check_input_file(const std::filesystem::path& path, std::string_view what,
                      std::uintmax_t max_bytes, ErrorCode too_large) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
        throw Error(ErrorCode::io, fmt::format("{} '{}' not found", what, path.string()));
    }
    if (const std::string kind = special_file_kind(path); !kind.empty()) {
        throw Error(ErrorCode::io, fmt::format("{} '{}' is a {}, expected a regular file", what,
                                               path.string(), kind));
    }
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("{} '{}' cannot be read: {}", what, path.string(), ec.message()));
    }
    if (size > max_bytes) {
        throw too_large_error(path, what, max_bytes, too_large, megabytes(size));
    }
}

std::string read_input_file(const std::filesystem::path& path, std::string_view what,
                            std::uintmax_t max_bytes, ErrorCode too_large) {
    check_input_file(path, what, max_bytes, too_large);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("{} '{}' cannot be read", what, path.string()));
    }
    std::string text;
    std::string chunk(1 << 16, '\0');
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes) {
            throw too_large_error(path, what, max_bytes, too_large,
                                  "more than " + megabytes(max_bytes));
        }
    }
    if (in.bad()) {
        throw Error(ErrorCode::io, fmt::format("{} '{}' cannot be read", what, path.string()));
    }
    return text;
}

} // namespace covsim::io
