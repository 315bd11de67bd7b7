#include "io/atomic_file.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <system_error>
#include <utility>

namespace covsim::io {

AtomicFile::AtomicFile(std::filesystem::path final_path)
    : final_(std::move(final_path)), temp_(final_.string() + ".partial") {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : final_(std::move(other.final_)), temp_(std::move(other.temp_)), done_(other.done_) {
    other.done_ = true;
}

AtomicFile::~AtomicFile() {
    if (!done_) {
        std::error_code ec;
        std::filesystem::remove(temp_, ec);
    }
}

void AtomicFile::commit() {
    std::error_code ec;
    std::filesystem::rename(temp_, final_, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot rename '{}' to '{}': {}", temp_.string(),
                                               final_.string(), ec.message()));
    }
    done_ = true;
}

void throw_cannot_write(const std::filesystem::path& path) {
    const int e = errno;
    if (e == 0) {
        throw Error(ErrorCode::io, fmt::format("cannot write '{}'", path.string()));
    }
    throw Error(ErrorCode::io, fmt::format("cannot write '{}': {}", path.string(),
                                           std::generic_category().message(e)));
}

std::ofstream open_text(const AtomicFile& f) {
    std::ofstream out(f.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) {
        throw_cannot_write(f.final_path());
    }
    return out;
}

void finish_text(std::ofstream& out, AtomicFile& f) {
    out.flush();
    if (!out) {
        throw_cannot_write(f.final_path());
    }
    out.close();
    f.commit();
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw_cannot_write(path);
    }
}

void make_directories(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot create directory '{}': {}", dir.string(), ec.message()));
    }
}

} // namespace covsim::io
