// The kernel's fixed approximations (core/fast_math.hpp) against the standard library, over
// their stated domains: the error bounds stated in the header are asserted here.

#include "core/fast_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <vector>

using namespace covsim;

namespace {

// The largest |approx(x) - exact(x)| / max(1, |exact(x)|) over a million x = 10^u, u uniform in
// [-300, 300].
template <typename Approx, typename Exact>
double worst_log_error(std::uint64_t seed, Approx approx, Exact exact) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> exponent(-300.0, 300.0);
    double worst = 0.0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double x = std::pow(10.0, exponent(rng));
        const double ref = exact(x);
        worst = std::max(worst, std::abs(approx(x) - ref) / std::max(1.0, std::abs(ref)));
    }
    return worst;
}

TEST(FastMath, Log10WithinTwoUlpOfItsMagnitudeOverTheWholeRange) {
    EXPECT_LE(
        worst_log_error(
            1, [](double x) { return fast::log10(x); }, [](double x) { return std::log10(x); }),
        4.5e-16);
}

TEST(FastMath, Log10AbsoluteErrorOverDistancesAndNearOne) {
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> metres(0.5, 200'000.0);
    std::uniform_real_distribution<double> near_one(0.7, 1.5);
    double worst = 0.0;
    for (int i = 0; i < 1'000'000; ++i) {
        for (const double x : {metres(rng), near_one(rng)}) {
            worst = std::max(worst, std::abs(fast::log10(x) - std::log10(x)));
        }
    }
    EXPECT_LE(worst, 2e-15); // 2e-14 dB in 10 log10
    EXPECT_EQ(fast::log10(1.0), 0.0);
    EXPECT_NEAR(fast::log10(1000.0), 3.0, 1e-15);
    EXPECT_NEAR(fast::log10(2.2250738585072014e-308), -307.65265556858878, 1e-13);
}

TEST(FastMath, NaturalLogWithinTwoUlpOfItsMagnitudeOverTheWholeRange) {
    EXPECT_LE(worst_log_error(
                  6, [](double x) { return fast::log(x); }, [](double x) { return std::log(x); }),
              4.5e-16);
    EXPECT_EQ(fast::log(1.0), 0.0);
    EXPECT_NEAR(fast::log(0.5), -0.69314718055994531, 1e-16);
}

// Every 1e-5 from -30 to 30, and the edges of Cody's three intervals.
TEST(FastMath, ErfcAbsoluteAndRelativeError) {
    double worst_absolute = 0.0;
    double worst_scaled = 0.0; // relative error / (x^2 + 1), for 0 <= x < 26
    for (int i = -3'000'000; i <= 3'000'000; ++i) {
        const double x = i * 1e-5;
        const double ref = std::erfc(x);
        const double err = std::abs(fast::erfc(x) - ref);
        worst_absolute = std::max(worst_absolute, err);
        if (x >= 0.0 && x < 26.0) {
            worst_scaled = std::max(worst_scaled, err / ref / (x * x + 1.0));
        }
    }
    EXPECT_LE(worst_absolute, 4.5e-16);
    EXPECT_LE(worst_scaled, 5e-16);
    for (const double x : {0.46875, 4.0}) {
        for (const double y : {std::nextafter(x, 0.0), x, std::nextafter(x, 30.0)}) {
            EXPECT_NEAR(fast::erfc(y), std::erfc(y), 5e-16 * (y * y + 1.0) * std::erfc(y)) << y;
            EXPECT_NEAR(fast::erfc(-y), std::erfc(-y), 4.5e-16) << y;
        }
    }
    EXPECT_EQ(fast::erfc(0.0), 1.0);
    const double below_26 = std::nextafter(26.0, 0.0);
    EXPECT_NEAR(fast::erfc(below_26), std::erfc(below_26), 5e-16 * 677.0 * std::erfc(below_26));
    EXPECT_EQ(fast::erfc(26.0), 0.0);
    EXPECT_EQ(fast::erfc(-27.0), 2.0);
}

TEST(FastMath, DbToLinearRelativeError) {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> db(-300.0, 300.0);
    double worst = 0.0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double x = db(rng);
        const double ref = std::pow(10.0, x / 10.0);
        worst = std::max(worst, std::abs(fast::db_to_linear(x) - ref) / ref);
    }
    EXPECT_LE(worst, 2e-14); // 1e-13 dB
    EXPECT_EQ(fast::db_to_linear(0.0), 1.0);
    EXPECT_NEAR(fast::db_to_linear(10.0), 10.0, 1e-14);
    EXPECT_NEAR(fast::db_to_linear(-30.0), 1e-3, 1e-17);
    EXPECT_GT(fast::db_to_linear(-1e9), 0.0); // clamped, not zero or NaN
    EXPECT_TRUE(std::isfinite(fast::db_to_linear(1e9)));
}

TEST(FastMath, ExpRelativeError) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> x(-100.0, 100.0);
    double worst = 0.0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double v = x(rng);
        const double ref = std::exp(v);
        worst = std::max(worst, std::abs(fast::exp(v) - ref) / ref / (std::abs(v) + 1.0));
    }
    EXPECT_LE(worst, 2.5e-16);
    EXPECT_EQ(fast::exp(0.0), 1.0);
    EXPECT_EQ(fast::exp2(-3.0), 0.125);
}

TEST(FastMath, Atan2DegreesAbsoluteError) {
    std::mt19937_64 rng(4);
    std::uniform_real_distribution<double> v(-20'000.0, 20'000.0);
    double worst = 0.0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double y = v(rng);
        const double x = i % 7 == 0 ? y * 1e-9 : v(rng); // also nearly vertical directions
        const double ref = std::atan2(y, x) * 57.295779513082320877;
        worst = std::max(worst, std::abs(fast::atan2_deg(y, x) - ref));
    }
    EXPECT_LE(worst, 1e-13);
    EXPECT_EQ(fast::atan2_deg(0.0, 0.0), 0.0);
    EXPECT_NEAR(fast::atan2_deg(1.0, 0.0), 90.0, 1e-13);
    EXPECT_NEAR(fast::atan2_deg(0.0, -1.0), 180.0, 1e-13);
    EXPECT_NEAR(fast::atan2_deg(-1.0, -1.0), -135.0, 1e-13);
    EXPECT_NEAR(fast::atan2_deg(1.0, 1.0), 45.0, 1e-13);
}

// The loop form (as the kernel uses it) gives the same bits as the scalar calls: the compiler's
// vectorisation must not change results.
TEST(FastMath, VectorisedLoopMatchesScalarCallsBitForBit) {
    std::vector<double> x(4099);
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = 0.37 + 13.1 * static_cast<double>(i);
    }
    std::vector<double> a(x.size());
    std::vector<double> b(x.size());
    std::vector<double> c(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        a[i] = fast::log10(x[i]);
        b[i] = fast::db_to_linear(-x[i] / 100.0);
        c[i] = fast::atan2_deg(x[i] - 20000.0, 7.0);
    }
    for (std::size_t i = 0; i < x.size(); i += 97) {
        const volatile double xi = x[i]; // a scalar call the compiler cannot fold into the loop
        EXPECT_EQ(a[i], fast::log10(xi));
        EXPECT_EQ(b[i], fast::db_to_linear(-xi / 100.0));
        EXPECT_EQ(c[i], fast::atan2_deg(xi - 20000.0, 7.0));
    }
}

} // namespace
