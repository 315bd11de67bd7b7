// SHA-256 against the FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values",
// SHA256.pdf and SHA2_Additional.pdf).

#include "core/error.hpp"
#include "io/sha256.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <string>

using covsim::io::Sha256;
using covsim::io::sha256_file;
using covsim::io::sha256_hex;

TEST(Sha256, PublishedVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalUpdatesEqualOneUpdate) {
    // One million 'a' (FIPS 180-4 example), fed in pieces of 999 bytes.
    Sha256 h;
    const std::string piece(999, 'a');
    std::size_t left = 1000000;
    while (left > 0) {
        const std::size_t n = std::min(left, piece.size());
        h.update(piece.data(), n);
        left -= n;
    }
    EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, OfAFile) {
    covsim::test::TempDir dir;
    std::string text;
    for (int i = 0; i < 300000; ++i) { // more than one read buffer of 1 MiB
        text += "abcd";
    }
    covsim::test::write_text(dir / "f.txt", text);
    EXPECT_EQ(sha256_file(dir / "f.txt"), sha256_hex(text));
    try {
        (void)sha256_file(dir / "missing.txt");
        FAIL() << "no error for a missing file";
    } catch (const covsim::Error& e) {
        EXPECT_EQ(e.code(), covsim::ErrorCode::io);
        EXPECT_NE(std::string(e.what()).find("missing.txt"), std::string::npos);
    }
}
