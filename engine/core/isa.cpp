#include "core/isa.hpp"

#include <atomic>
#include <cstdlib>

namespace covsim::isa {

namespace {

constexpr int undecided = -1;
std::atomic<int> chosen{undecided};

Level from_environment() noexcept {
    const char* v = std::getenv("COVSIM_ISA"); // NOLINT(concurrency-mt-unsafe): read once
    if (v != nullptr && std::string_view(v) == name(Level::baseline)) {
        return Level::baseline;
    }
    return Level::x86_64_v3;
}

} // namespace

bool supported(Level level) noexcept {
    if (level == Level::baseline) {
        return true;
    }
#ifdef COVSIM_ISA_DISPATCH
    __builtin_cpu_init();
    // The x86-64-v3 features the compiler may use in the v3 copy.
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c") &&
           __builtin_cpu_supports("lzcnt") && __builtin_cpu_supports("movbe");
#else
    return false;
#endif
}

Level select(Level level) noexcept {
    const Level use = supported(level) ? level : Level::baseline;
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
    return level == Level::baseline ? "baseline" : "x86-64-v3";
}

} // namespace covsim::isa
