#pragma once
// A file written under a temporary name and renamed into place on commit, so that a results
// file that exists under its final name is always complete. If the owner is destroyed before
// commit (an error, an interruption), the temporary file is removed.

#include <filesystem>
#include <fstream>
#include <string>

namespace covsim::io {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path final_path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    ~AtomicFile();

    [[nodiscard]] const std::filesystem::path& temp_path() const noexcept { return temp_; }
    [[nodiscard]] const std::filesystem::path& final_path() const noexcept { return final_; }
    // Renames the temporary file to the final name (atomic on one filesystem).
    void commit();

private:
    std::filesystem::path final_;
    std::filesystem::path temp_;
    bool done_ = false;
};

// A text stream onto `f`'s temporary file (covsim::Error(io) naming the final path when it
// cannot be opened), and its end: flushed, checked (a full disk is an Error naming the file),
// closed and committed.
std::ofstream open_text(const AtomicFile& f);
void finish_text(std::ofstream& out, AtomicFile& f);

// covsim::Error(io) "cannot write '<path>': <the system's reason>", the reason from errno, read
// first: call it right after the failed write or close. The reason must be in the message, not
// read from errno later: the unwinding that carries the error (destructors, the sanitizers'
// allocators) may change errno before a caller looks (a full disk is told from the reason).
[[noreturn]] void throw_cannot_write(const std::filesystem::path& path);

// `text` into the file at `path` (e.g. an AtomicFile's temp_path()), replacing it; and a
// directory with its parents. Both throw covsim::Error(io) naming the path.
void write_text_file(const std::filesystem::path& path, const std::string& text);
void make_directories(const std::filesystem::path& dir);

} // namespace covsim::io
