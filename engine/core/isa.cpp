#include "core/isa.hpp"

#include "core/names.hpp"

#include <array>
#include <atomic>
#include <cstdlib>

namespace covsim::isa {

namespace {

constexpr int undecided = -1;
std::atomic<int> chosen{undecided};

constexpr std::array<std::string_view, 3> level_names = {"baseline", "x86-64-v3", "x86-64-v4"};

// The level COVSIM_ISA asks for at most: the highest without it (or with another value).
Level from_environment() noexcept {
    const char* v = std::getenv("COVSIM_ISA"); // NOLINT(concurrency-mt-unsafe): read once
    return parse_name<Level>(level_names, v != nullptr ? std::string_view(v) : std::string_view())
        .value_or(Level::x86_64_v4);
}

} // namespace

bool supported(Level level) noexcept {
    if (level == Level::baseline) {
        return true;
    }
#ifdef COVSIM_ISA_DISPATCH
    __builtin_cpu_init();
    // The x86-64-v3 features the compiler may use in the v3 copy ...
    const bool v3 = __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
                    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
                    __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c") &&
                    __builtin_cpu_supports("lzcnt") && __builtin_cpu_supports("movbe");
    if (level == Level::x86_64_v3) {
        return v3;
    }
    // ... and the AVX-512 ones of x86-64-v4 in the v4 copy.
    return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return false;
#endif
}

Level select(Level level) noexcept {
    Level use = level;
    while (!supported(use)) {
        use = static_cast<Level>(static_cast<int>(use) - 1);
    }
    chosen.store(static_cast<int>(use), std::memory_order_relaxed);
    return use;
}

Level active() noexcept {
    const int c = chosen.load(std::memory_order_relaxed);
    if (c != undecided) {
        return static_cast<Level>(c);
    }
    return select(from_environment());
}

std::string_view name(Level level) noexcept {
    return level_names[static_cast<std::size_t>(level)];
}

} // namespace covsim::isa
