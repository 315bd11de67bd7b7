// covsim: starts covsim-engine, the command-line program, from its own directory with glibc's
// malloc set to use transparent huge pages. The launcher links nothing but the C and C++ runtime:
// it starts in a millisecond, where the engine, linked with GDAL and its hundred libraries,
// spends a tenth of a second in the dynamic linker. (covsim used to start itself again instead,
// and so paid that twice on every command.)
//
// glibc's malloc advises the kernel to back its memory with 2 MiB pages when the tunable
// glibc.malloc.hugetlb is 1, and reads tunables from the environment only as a program starts.
// A run touches most of its memory once (a 20 km terrain run some 200 MiB: 58,000 faults of
// 4 KiB pages, a fifth of its CPU time, against 6,600 with huge pages; the same peak memory).
// Left as they are: a GLIBC_TUNABLES that names the tunable (glibc.malloc.hugetlb=0 turns this
// off) and an LD_PRELOAD (valgrind's tools, another allocator). Not where another allocator
// replaces glibc's: a sanitizer's, or no glibc. The arguments, argv[0] among them, and the rest
// of the environment pass unchanged; covsim-engine also runs on its own, without huge pages.

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
constexpr bool glibc_malloc = true;
#else
constexpr bool glibc_malloc = false;
#endif

constexpr int io_error_exit_code = 5; // covsim::ErrorCode::io (core/error.hpp)

void ask_for_huge_pages() {
    constexpr std::string_view tunable = "glibc.malloc.hugetlb";
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    const bool named =
        tunables != nullptr && std::string_view(tunables).find(tunable) != std::string_view::npos;
    if (!glibc_malloc || named || std::getenv("LD_PRELOAD") != nullptr) {
        return;
    }
    std::string value = std::string(tunable) + "=1";
    if (tunables != nullptr && *tunables != '\0') {
        value = std::string(tunables) + ":" + value;
    }
    setenv("GLIBC_TUNABLES", value.c_str(), 1); // on failure the engine runs without
}

// covsim-engine in the directory of this executable.
std::string engine_path() {
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        return "covsim-engine";
    }
    const std::string_view path(self, static_cast<std::size_t>(n));
    const std::size_t slash = path.rfind('/');
    return std::string(path.substr(0, slash + 1)) + "covsim-engine";
}

} // namespace

int main(int /*argc*/, char** argv) {
    ask_for_huge_pages();
    const std::string engine = engine_path();
    execv(engine.c_str(), argv);
    std::fprintf(stderr,
                 "covsim: error: cannot start '%s': %s (the covsim launcher runs "
                 "covsim-engine from its own directory)\n",
                 engine.c_str(), std::strerror(errno));
    return io_error_exit_code;
}
