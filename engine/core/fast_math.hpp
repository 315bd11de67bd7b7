#pragma once
// Fixed approximations of the transcendental functions of the coverage kernel's inner loop:
// log10, decibels to linear power, and atan2 in degrees. They are written in plain IEEE double
// arithmetic (integer bit operations, +, -, *, /, sqrt; no tables, no branches on data other than
// selects), so that
//   - the compiler can vectorise the loops that call them with whatever instruction set it was
//     told to target, and
//   - the result does not depend on that instruction set, on the CPU the program runs on, or on
//     the thread count: every operation is correctly rounded IEEE arithmetic, and the core is
//     compiled with -ffp-contract=off (no fused multiply-add).
// Error bounds (stated per function, checked against the standard library over their domains in
// tests/unit/core/test_fast_math.cpp) are far below the 1e-4 dB the float maps carry.

#include <bit>
#include <cstdint>

namespace covsim::fast {

// log10(x) for finite x >= 2.3e-308 (normal numbers). Error <= 4.5e-16 max(1, |log10 x|), i.e.
// about one unit in the last place; <= 2e-15 (2e-14 dB in 10 log10) for x in [0.5, 2e5] m.
// Not for 0, negative, subnormal or non-finite x.
//
// x = 2^k z with z in [0.707, 1.414); log z = 2 atanh(s), s = (z - 1)/(z + 1), |s| <= 0.1716,
// by its Taylor series to s^19 (truncation < 3e-17).
[[gnu::always_inline]] inline double log10(double x) noexcept {
    constexpr std::uint64_t off = 0x3fe6a09e667f3bcdULL; // sqrt(1/2)
    const std::uint64_t ix = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t tmp = ix - off;
    // k + 1024, non-negative for normal x: an exact integer as a double without int64 -> double
    // conversion (which would not vectorise before AVX-512).
    const std::uint64_t k_biased = (tmp + (1024ULL << 52)) >> 52;
    const double k =
        std::bit_cast<double>(k_biased | 0x4330000000000000ULL) - (4503599627370496.0 + 1024.0);
    const double z = std::bit_cast<double>(ix - (tmp & (0xfffULL << 52)));
    const double s = (z - 1.0) / (z + 1.0);
    const double s2 = s * s;
    double p = 1.0 / 19.0;
    p = p * s2 + 1.0 / 17.0;
    p = p * s2 + 1.0 / 15.0;
    p = p * s2 + 1.0 / 13.0;
    p = p * s2 + 1.0 / 11.0;
    p = p * s2 + 1.0 / 9.0;
    p = p * s2 + 1.0 / 7.0;
    p = p * s2 + 1.0 / 5.0;
    p = p * s2 + 1.0 / 3.0;
    const double log_z = 2.0 * s + 2.0 * s * s2 * p;
    constexpr double log10_2 = 0.30102999566398119521;
    constexpr double log10_e = 0.43429448190325182765;
    return k * log10_2 + log_z * log10_e;
}

// 2^t for t in [-996, 996] (clamped there). Relative error <= 2e-16 (one rounding).
//
// t = k + f with k the nearest integer and |f| <= 1/2; 2^f = e^(f ln 2) by its Taylor series to
// degree 13 (truncation < 1e-17); 2^k added to the exponent bits.
[[gnu::always_inline]] inline double exp2(double t) noexcept {
    constexpr double ln2 = 0.69314718055994530942;
    constexpr double round_magic = 6755399441055744.0; // 1.5 * 2^52
    t = t < -996.0 ? -996.0 : t;
    t = t > 996.0 ? 996.0 : t;
    const double shifted = t + round_magic;
    const double k = shifted - round_magic; // t rounded to the nearest integer
    const double u = (t - k) * ln2;
    double p = 1.0 / 6227020800.0; // 1/13!
    p = p * u + 1.0 / 479001600.0;
    p = p * u + 1.0 / 39916800.0;
    p = p * u + 1.0 / 3628800.0;
    p = p * u + 1.0 / 362880.0;
    p = p * u + 1.0 / 40320.0;
    p = p * u + 1.0 / 5040.0;
    p = p * u + 1.0 / 720.0;
    p = p * u + 1.0 / 120.0;
    p = p * u + 1.0 / 24.0;
    p = p * u + 1.0 / 6.0;
    p = p * u + 0.5;
    p = p * u + 1.0;
    p = p * u + 1.0;
    // The low bits of `shifted` hold k in two's complement: shift it into the exponent field.
    const std::uint64_t k_bits = std::bit_cast<std::uint64_t>(shifted) << 52;
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(p) + k_bits);
}

// 10^(db / 10): decibels to a linear power ratio, for db in [-3000, 3000] (clamped there).
// Relative error <= 2e-14 for |db| <= 300 (<= 1e-13 dB), most of it the rounding of
// db log2(10)/10.
[[gnu::always_inline]] inline double db_to_linear(double db) noexcept {
    return exp2(db * 0.33219280948873623479); // log2(10) / 10
}

// e^x for x in [-690, 690]. Relative error <= 2.5e-16 (|x| + 1), from the rounding of x log2(e).
[[gnu::always_inline]] inline double exp(double x) noexcept {
    return exp2(x * 1.4426950408889634074); // log2(e)
}

// atan2(y, x) in degrees, in [-180, 180], for finite x and y (0 when both are 0; 180, not -180,
// for y = -0 and x < 0). Absolute error <= 1e-13 degrees (a few units in the last place of 180).
//
// a = min(|x|, |y|) / max(|x|, |y|) in [0, 1]; atan a = 2 atan(r), r = a / (1 + sqrt(1 + a^2)) in
// [0, 0.4143]; again r' = r / (1 + sqrt(1 + r^2)) in [0, 0.1990], atan r' by its Taylor series to
// r'^23 (truncation < 5e-18); then the octant and quadrant.
[[gnu::always_inline]] inline double atan2_deg(double y, double x) noexcept {
    constexpr double rad_to_deg = 57.295779513082320877;
    const double ax = x < 0.0 ? -x : x;
    const double ay = y < 0.0 ? -y : y;
    const double hi = ax > ay ? ax : ay;
    const double lo = ax > ay ? ay : ax;
    const double a = hi > 0.0 ? lo / hi : 0.0;
    const double r1 = a / (1.0 + __builtin_sqrt(1.0 + a * a));
    const double r = r1 / (1.0 + __builtin_sqrt(1.0 + r1 * r1));
    const double r2 = r * r;
    double p = -1.0 / 23.0;
    p = p * r2 + 1.0 / 21.0;
    p = p * r2 - 1.0 / 19.0;
    p = p * r2 + 1.0 / 17.0;
    p = p * r2 - 1.0 / 15.0;
    p = p * r2 + 1.0 / 13.0;
    p = p * r2 - 1.0 / 11.0;
    p = p * r2 + 1.0 / 9.0;
    p = p * r2 - 1.0 / 7.0;
    p = p * r2 + 1.0 / 5.0;
    p = p * r2 - 1.0 / 3.0;
    const double atan_a = 4.0 * (r + r * r2 * p) * rad_to_deg; // in [0, 45]
    double deg = ay > ax ? 90.0 - atan_a : atan_a;             // in [0, 90]
    deg = x < 0.0 ? 180.0 - deg : deg;
    return y < 0.0 ? -deg : deg;
}

} // namespace covsim::fast
