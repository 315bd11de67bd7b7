#pragma once
// Fixed approximations of the transcendental functions of the coverage kernel's inner loop:
// logarithms, decibels to linear power, exp, erfc and atan2 in degrees. They are written in plain
// IEEE double arithmetic (integer bit operations, +, -, *, /, sqrt; no tables, no branches on data
// other than selects), so that
//   - the compiler can vectorise the loops that call them with whatever instruction set it was
//     told to target, and
//   - the result does not depend on that instruction set, on the CPU the program runs on, or on
//     the thread count: every operation is correctly rounded IEEE arithmetic, and the core is
//     compiled with -ffp-contract=off (no fused multiply-add).
// Error bounds (stated per function, checked against the standard library over their domains in
// tests/unit/core/test_fast_math.cpp) are far below the 1e-4 dB the float maps carry.

#include <bit>
#include <cstddef>
#include <cstdint>

namespace covsim::fast {

namespace detail {

// c[B] + c[B + 1] x + ... + c[B + C - 1] x^(C - 1) in Estrin's scheme: the terms in two parts at
// the largest power of 2 below C, P = 2^j, the lower part plus x^P = pow2[j] times the upper,
// each part so again, down to pairs c + c' x. Its dependency chain grows with log2 C, Horner's
// with C (the vectorised loops wait on it: no FMA, -ffp-contract=off).
template <std::size_t B, std::size_t C, std::size_t N>
[[gnu::always_inline]] inline double estrin_part(const double (&c)[N],
                                                 const double* pow2) noexcept {
    static_assert(C >= 1 && B + C <= N);
    if constexpr (C == 1) {
        return c[B];
    } else {
        constexpr std::size_t p = std::bit_floor(C - 1);
        return estrin_part<B, p>(c, pow2) +
               pow2[std::countr_zero(p)] * estrin_part<B + p, C - p>(c, pow2);
    }
}

// c[0] + c[1] x + ... + c[N - 1] x^(N - 1), in Estrin's scheme (estrin_part); x^(2^j) by
// repeated squaring.
template <std::size_t N>
[[gnu::always_inline]] inline double estrin(double x, const double (&c)[N]) noexcept {
    constexpr std::size_t squarings = N > 1 ? std::bit_width(N - 1) : 1;
    double pow2[squarings];
    pow2[0] = x;
    for (std::size_t j = 1; j < squarings; ++j) {
        pow2[j] = pow2[j - 1] * pow2[j - 1];
    }
    return estrin_part<0, N>(c, pow2);
}

// x = 2^k z with z in [0.707, 1.414): k and log z (natural), for the two logarithms below.
// log z = 2 atanh(s), s = (z - 1)/(z + 1), |s| <= 0.1716, by its Taylor series to s^19
// (truncation < 3e-17).
[[gnu::always_inline]] inline void log_parts(double x, double& k, double& log_z) noexcept {
    constexpr std::uint64_t off = 0x3fe6a09e667f3bcdULL; // sqrt(1/2)
    const std::uint64_t ix = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t tmp = ix - off;
    // k + 1024, non-negative for normal x: an exact integer as a double without int64 -> double
    // conversion (which would not vectorise before AVX-512).
    const std::uint64_t k_biased = (tmp + (1024ULL << 52)) >> 52;
    k = std::bit_cast<double>(k_biased | 0x4330000000000000ULL) - (4503599627370496.0 + 1024.0);
    const double z = std::bit_cast<double>(ix - (tmp & (0xfffULL << 52)));
    const double s = (z - 1.0) / (z + 1.0);
    const double s2 = s * s;
    constexpr double c[] = {1.0 / 3.0,  1.0 / 5.0,  1.0 / 7.0,  1.0 / 9.0, 1.0 / 11.0,
                            1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0};
    const double p = estrin(s2, c);
    log_z = 2.0 * s + 2.0 * s * s2 * p;
}

} // namespace detail

// log10(x) for finite x >= 2.3e-308 (normal numbers). Error <= 4.5e-16 max(1, |log10 x|), i.e.
// about one unit in the last place; <= 2e-15 (2e-14 dB in 10 log10) for x in [0.5, 2e5] m.
// Not for 0, negative, subnormal or non-finite x.
[[gnu::always_inline]] inline double log10(double x) noexcept {
    double k = 0.0;
    double log_z = 0.0;
    detail::log_parts(x, k, log_z);
    constexpr double log10_2 = 0.30102999566398119521;
    constexpr double log10_e = 0.43429448190325182765;
    return k * log10_2 + log_z * log10_e;
}

// The natural logarithm, for the same x as log10. Error <= 4.5e-16 max(1, |log x|).
[[gnu::always_inline]] inline double log(double x) noexcept {
    double k = 0.0;
    double log_z = 0.0;
    detail::log_parts(x, k, log_z);
    constexpr double ln2 = 0.69314718055994530942;
    return k * ln2 + log_z;
}

// 2^t for t in [-996, 996] (clamped there). Relative error <= 2e-16.
//
// t = k + f with k the nearest integer and |f| <= 1/2; 2^f = e^(f ln 2) = 1 + u + u^2 E(u),
// u = f ln 2, E by the Taylor series of e^u to degree 13 (truncation < 1e-17) in Estrin's
// scheme (detail::estrin: a dependency chain a third as long as Horner's), the 1 and u added
// last for the rounding; 2^k added to the exponent bits.
[[gnu::always_inline]] inline double exp2(double t) noexcept {
    constexpr double ln2 = 0.69314718055994530942;
    constexpr double round_magic = 6755399441055744.0; // 1.5 * 2^52
    t = t < -996.0 ? -996.0 : t;
    t = t > 996.0 ? 996.0 : t;
    const double shifted = t + round_magic;
    const double k = shifted - round_magic; // t rounded to the nearest integer
    const double u = (t - k) * ln2;
    // 1/n! for n = 2 .. 13.
    constexpr double c[] = {1.0 / 2.0,        1.0 / 6.0,         1.0 / 24.0,
                            1.0 / 120.0,      1.0 / 720.0,       1.0 / 5040.0,
                            1.0 / 40320.0,    1.0 / 362880.0,    1.0 / 3628800.0,
                            1.0 / 39916800.0, 1.0 / 479001600.0, 1.0 / 6227020800.0};
    const double p = 1.0 + (u + (u * u) * detail::estrin(u, c));
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

namespace detail {

// Cody's rational functions in his evaluation order: n = p[0] t, d = t, then
// n = (n + p[i]) t and d = (d + q[i - 1]) t for i = 1 .. N - 1; the numerator n + p[N] and the
// denominator d + q[N - 1] are returned for the caller to divide in its own order.
struct Ratio {
    double numerator;
    double denominator;
};
template <std::size_t N>
[[gnu::always_inline]] inline Ratio cody_ratio(double t, const double (&p)[N + 1],
                                               const double (&q)[N]) noexcept {
    double n = p[0] * t;
    double d = t;
    for (std::size_t i = 1; i < N; ++i) {
        n = (n + p[i]) * t;
        d = (d + q[i - 1]) * t;
    }
    return {n + p[N], d + q[N - 1]};
}

// CALERF's coefficients: erf near zero (a, b), erfc in the middle (c, d) and far (p, q).
inline constexpr double cody_a[] = {1.85777706184603153e-1, 3.16112374387056560,
                                    1.13864154151050156e2, 3.77485237685302021e2,
                                    3.20937758913846947e3};
inline constexpr double cody_b[] = {2.36012909523441209e1, 2.44024637934444173e2,
                                    1.28261652607737228e3, 2.84423683343917062e3};
inline constexpr double cody_c[] = {
    2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594,
    6.61191906371416295e1,  2.98635138197400131e2,  8.81952221241769090e2,
    1.71204761263407058e3,  2.05107837782607147e3,  1.23033935479799725e3};
inline constexpr double cody_d[] = {
    1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3,
    3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3};
inline constexpr double cody_p[] = {1.63153871373020978e-2, 3.05326634961232344e-1,
                                    3.60344899949804439e-1, 1.25781726111229246e-1,
                                    1.60837851487422766e-2, 6.58749161529837803e-4};
inline constexpr double cody_q[] = {2.56852019228982242, 1.87295284992346047,
                                    5.27905102951428412e-1, 6.05183413124413191e-2,
                                    2.33520497626869185e-3};

} // namespace detail

// erfc(x) = 1 - erf(x) for finite x. Absolute error <= 4.5e-16 everywhere; relative error
// <= 5e-16 (x^2 + 1) for 0 <= x < 26 (most of it exp's, below); 0 for x >= 26 (where the true
// value is below 6e-296).
//
// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
// (1969) 631-637, with the coefficients of his SPECFUN routine CALERF (1990): for y = |x|,
//   y <= 0.46875:     erfc(y) = 1 - y P1(y^2) / Q1(y^2)                      (degrees 4/4)
//   0.46875 < y <= 4: erfc(y) = e^(-y^2) P2(y) / Q2(y)                        (degrees 8/8)
//   y > 4:            erfc(y) = e^(-y^2) / y (1/sqrt(pi) - P3(1/y^2) / (y^2 Q3(1/y^2)))  (5/5)
// and erfc(-y) = 2 - erfc(y). All three are evaluated and one is selected (no branches: the
// loops that call it vectorise); e^(-y^2) by exp above, whose rounding of y^2 log2(e) is most of
// the error.
[[gnu::always_inline]] inline double erfc(double x) noexcept {
    const double y = x < 0.0 ? -x : x;
    // Near zero: y P1(y^2) / Q1(y^2) is erf(y).
    const detail::Ratio r1 = detail::cody_ratio(y * y, detail::cody_a, detail::cody_b);
    const double near = 1.0 - y * r1.numerator / r1.denominator;
    // Middle: P2(y) / Q2(y) = e^(y^2) erfc(y).
    const detail::Ratio r2 = detail::cody_ratio(y, detail::cody_c, detail::cody_d);
    const double middle = r2.numerator / r2.denominator;
    // Far: the asymptotic form in 1/y^2 (y is at least 4 where it is used; the clamp keeps the
    // lanes that do not use it finite).
    const double yf = y > 4.0 ? y : 4.0;
    const double w = 1.0 / (yf * yf);
    const detail::Ratio r3 = detail::cody_ratio(w, detail::cody_p, detail::cody_q);
    constexpr double inv_sqrt_pi = 0.56418958354775628695;
    const double far = (inv_sqrt_pi - w * r3.numerator / r3.denominator) / yf;
    const double yc = y < 26.0 ? y : 26.0;
    const double e = exp(-(yc * yc));
    double r = y <= 4.0 ? e * middle : e * far;
    r = y <= 0.46875 ? near : r;
    r = y < 26.0 ? r : 0.0;
    return x < 0.0 ? 2.0 - r : r;
}

// atan2(y, x) in degrees, in [-180, 180], for finite x and y (0 when both are 0; 180, not -180,
// for y = -0 and x < 0). Absolute error <= 1e-13 degrees (a few units in the last place of 180).
//
// a = min(|x|, |y|) / max(|x|, |y|) in [0, 1]; above tan(pi/8), atan a = 45 degrees +
// atan(t), t = (a - 1) / (a + 1); else t = a: |t| <= tan(pi/8) = 0.4142. atan t = t + t^3 g(t^2)
// with g a polynomial of degree 10 in s = t^2 on [0, tan^2(pi/8)] (g's error <= 4.5e-17, the
// term's <= 3e-18 radians: below the last place), evaluated in Estrin's scheme; then the octant
// and quadrant. g interpolates (atan t / t - 1) / t^2 at the 11 Chebyshev nodes of the interval
// (tools/dev/fit-atan.py computes it). No square roots: the two halvings of the argument
// (t / (1 + sqrt(1 + t^2))) that a Taylor series would need cost the coverage kernel a fifth of
// its time.
[[gnu::always_inline]] inline double atan2_deg(double y, double x) noexcept {
    constexpr double rad_to_deg = 57.295779513082320877;
    constexpr double tan_pi_8 = 0.41421356237309504880;
    const double ax = x < 0.0 ? -x : x;
    const double ay = y < 0.0 ? -y : y;
    const double hi = ax > ay ? ax : ay;
    const double lo = ax > ay ? ay : ax;
    const double a = hi > 0.0 ? lo / hi : 0.0;
    const bool upper = a > tan_pi_8;
    const double t = upper ? (a - 1.0) / (a + 1.0) : a;
    const double s = t * t;
    constexpr double c[] = {-0.3333333333333333,  0.1999999999999552,   -0.14285714284666542,
                            0.11111111015256361,  -0.09090904578123903, 0.07692183190826087,
                            -0.06664511447381948, 0.0585814891280221,   -0.0508544973794026,
                            0.03923165829558719,  -0.01917688711906226};
    const double g = detail::estrin(s, c);
    const double atan_t = (t + t * s * g) * rad_to_deg;   // in [-22.5, 22.5]
    const double atan_a = upper ? 45.0 + atan_t : atan_t; // in [0, 45]
    double deg = ay > ax ? 90.0 - atan_a : atan_a;        // in [0, 90]
    deg = x < 0.0 ? 180.0 - deg : deg;
    return y < 0.0 ? -deg : deg;
}

} // namespace covsim::fast
