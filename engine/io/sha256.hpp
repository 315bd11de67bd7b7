#pragma once
// SHA-256 (FIPS 180-4) of byte strings and files, through OpenSSL's libcrypto (already on every
// machine that builds GDAL; it uses the CPU's SHA instructions where there are some). Digests
// are written as 64 lower-case hexadecimal digits.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace covsim::io {

// An incremental SHA-256: update() any number of times, then hex_digest() once.
class Sha256 {
public:
    Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    ~Sha256();

    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    [[nodiscard]] std::string hex_digest();

private:
    struct State;
    std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view bytes);

// The SHA-256 of a file's bytes; throws covsim::Error(io) naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

} // namespace covsim::io
