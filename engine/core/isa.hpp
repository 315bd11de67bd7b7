#pragma once
// Run-time choice of the instruction set for the hot loops (the coverage kernel's spans and pair
// lists, the empirical models' batch forms, terrain profiles).
//
// covsim is built for the portable x86-64 baseline (SSE2: two doubles per instruction). On a CPU
// with x86-64-v3 (AVX2, four doubles), the loops passed to isa::dispatch run from a second copy
// compiled for it; on one with x86-64-v4 (AVX-512, eight doubles, 32 vector registers), from a
// third. All copies perform the same IEEE operations in the same order: the core is compiled
// with -ffp-contract=off (no fused multiply-add is ever formed), the approximations of
// core/fast_math.hpp are plain arithmetic, and GCC does not reorder floating-point reductions
// without -ffast-math. The results are therefore bit-identical whichever copy runs; unit tests
// run every copy the CPU has and compare the bits (tests/unit/core/test_coverage.cpp,
// test_coverage_terrain.cpp, test_propagation.cpp).
//
// The environment variable COVSIM_ISA=baseline forces the baseline copy (to compare, or on a
// CPU whose vector units are slow); COVSIM_ISA=x86-64-v3 or x86-64-v4 asks for that copy at
// most, when the CPU has it.

#include <cstdint>
#include <string_view>

// GCC on x86-64 only: clang 14 (the fuzz and TSan builds) lacks some of the feature tests below;
// its builds run the baseline copy.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define COVSIM_ISA_DISPATCH 1
#define COVSIM_ALWAYS_INLINE __attribute__((always_inline))
#else
#define COVSIM_ALWAYS_INLINE
#endif

// Before a loop whose arrays never overlap: GCC vectorises it without run-time overlap checks
// (it gives up on a loop that would need more than ten of them). Nothing for other compilers.
#if defined(__GNUC__) && !defined(__clang__)
#define COVSIM_IVDEP _Pragma("GCC ivdep")
#else
#define COVSIM_IVDEP
#endif

namespace covsim::isa {

// In increasing order: a CPU that has a level has every level below it.
enum class Level : std::uint8_t { baseline, x86_64_v3, x86_64_v4 };

// True when this CPU (and this build) can run `level`.
[[nodiscard]] bool supported(Level level) noexcept;

// The level dispatch() uses: chosen on first use from COVSIM_ISA and the CPU, then fixed until
// select() is called.
[[nodiscard]] Level active() noexcept;

// Uses `level` from now on when supported, else the highest supported level below it; returns
// the level now in use.
Level select(Level level) noexcept;

[[nodiscard]] std::string_view name(Level level) noexcept;

namespace detail {
template <class F>
__attribute__((noinline)) void run_baseline(F& f) {
    f();
}
#ifdef COVSIM_ISA_DISPATCH
template <class F>
__attribute__((noinline, target("arch=x86-64-v3"))) void run_v3(F& f) {
    f();
}
// With 512-bit vectors: GCC's default for x86-64-v4 is 256 bits (the AVX-512 units of the first
// CPUs that had them lowered the clock; not those of AMD Zen 4 and 5 or Intel since Ice Lake).
template <class F>
__attribute__((noinline, target("arch=x86-64-v4,prefer-vector-width=512"))) void run_v4(F& f) {
    f();
}
#endif
} // namespace detail

// Runs f() from the copy compiled for the active level. f must be a lambda declared
// COVSIM_ALWAYS_INLINE (`[&]() COVSIM_ALWAYS_INLINE { ... }`), and the functions it calls in its
// loops inline too: only code inlined into the copy is compiled for its instruction set.
template <class F>
void dispatch(F&& f) {
#ifdef COVSIM_ISA_DISPATCH
    switch (active()) {
    case Level::x86_64_v4:
        detail::run_v4(f);
        return;
    case Level::x86_64_v3:
        detail::run_v3(f);
        return;
    case Level::baseline:
        break;
    }
#endif
    detail::run_baseline(f);
}

} // namespace covsim::isa
