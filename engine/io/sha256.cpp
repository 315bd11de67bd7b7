#include "io/sha256.hpp"

#include "core/error.hpp"

#include <array>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <openssl/evp.h>
#include <vector>

namespace covsim::io {

struct Sha256::State {
    EVP_MD_CTX* ctx = nullptr;
    ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
    state_->ctx = EVP_MD_CTX_new();
    if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
        throw Error(ErrorCode::internal, "OpenSSL cannot start a SHA-256 digest");
    }
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(state_->ctx, data, size) != 1) {
        throw Error(ErrorCode::internal, "OpenSSL cannot update a SHA-256 digest");
    }
}

std::string Sha256::hex_digest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(state_->ctx, md.data(), &size) != 1 || size != 32) {
        throw Error(ErrorCode::internal, "OpenSSL cannot finish a SHA-256 digest");
    }
    std::string hex;
    hex.reserve(64);
    for (unsigned int i = 0; i < size; ++i) {
        hex += fmt::format("{:02x}", md[i]);
    }
    return hex;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot read '{}' to compute its SHA-256", path.string()));
    }
    Sha256 h;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        h.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        throw Error(ErrorCode::io,
                    fmt::format("error reading '{}' to compute its SHA-256", path.string()));
    }
    return h.hex_digest();
}

} // namespace covsim::io
