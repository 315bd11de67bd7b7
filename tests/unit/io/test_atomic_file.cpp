// A failed write names the file and the system's reason (io/atomic_file.hpp): a full disk is told
// from the message, not from errno read after the error has unwound (issue 14, item 4).

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "support/test_support.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>

namespace fs = std::filesystem;

namespace {

// The message of the covsim::Error that `write` throws; empty when it throws none.
template <typename Write>
std::string error_of(const Write& write) {
    try {
        write();
    } catch (const covsim::Error& e) {
        EXPECT_EQ(e.code(), covsim::ErrorCode::io);
        return e.what();
    }
    return {};
}

} // namespace

TEST(AtomicFile, AFullDiskIsNamedInTheMessage) {
    if (!fs::exists("/dev/full")) {
        GTEST_SKIP() << "no /dev/full here";
    }
    // /dev/full accepts the open and fails every write with ENOSPC.
    EXPECT_EQ(error_of([] { covsim::io::write_text_file("/dev/full", std::string(1 << 16, 'x')); }),
              "cannot write '/dev/full': No space left on device");
}

TEST(AtomicFile, AFileThatCannotBeOpenedSaysWhy) {
    const covsim::test::TempDir dir;
    const fs::path path = dir.path() / "missing" / "report.json";
    EXPECT_EQ(error_of([&] { covsim::io::write_text_file(path, "{}\n"); }),
              "cannot write '" + path.string() + "': No such file or directory");
    covsim::io::AtomicFile f(dir.path() / "missing" / "summary.csv");
    EXPECT_EQ(error_of([&] { (void)covsim::io::open_text(f); }),
              "cannot write '" + (dir.path() / "missing" / "summary.csv").string() +
                  "': No such file or directory");
}
