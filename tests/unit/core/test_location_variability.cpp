// Location variability (engine/core/propagation/location_variability.hpp).
//
// The quantiles below are Python's statistics.NormalDist().inv_cdf(p) (Wichura's AS241, exact
// to double precision), printed with repr(); covsim's Acklam approximation must agree within
// its stated relative error of 1.15e-9. The margins are the same quantiles times σ.

#include "core/propagation/location_variability.hpp"
#include "core/propagation/model.hpp"
#include "core/propagation/tr38901.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <utility>

using namespace covsim;
using variability::Tr38901Scenario;

namespace {

constexpr double acklam_relative_error = 1.15e-9;

constexpr std::array<std::pair<double, double>, 18> python_quantiles = {{
    {1e-12, -7.034483825301132},
    {1e-06, -4.753424308822899},
    {0.001, -3.090232306167813},
    {0.01, -2.3263478740408408},
    {0.02425, -1.9729610513118845}, // the edges of Acklam's central region
    {0.027, -1.9268365732639106},
    {0.05, -1.6448536269514726},
    {0.1, -1.2815515655446008},
    {0.25, -0.6744897501960817},
    {0.5, 0.0},
    {0.6, 0.2533471031357998},
    {0.9, 1.2815515655446008},
    {0.95, 1.6448536269514715},
    {0.973, 1.9268365732639101},
    {0.97575, 1.9729610513118847},
    {0.99, 2.3263478740408408},
    {0.999, 3.090232306167813},
    {0.999999, 4.753424308817089},
}};

} // namespace

TEST(NormalQuantile, MatchesPythonWithinAcklamsError) {
    for (const auto& [p, expected] : python_quantiles) {
        EXPECT_NEAR(variability::normal_quantile(p), expected,
                    acklam_relative_error * std::abs(expected) + 1e-15)
            << "p = " << p;
    }
}

TEST(NormalQuantile, InvertsTheNormalDistribution) {
    // Φ(x) = erfc(−x/√2)/2, an independent route back to p.
    for (int i = 1; i < 1000; ++i) {
        const double p = i / 1000.0;
        const double x = variability::normal_quantile(p);
        EXPECT_NEAR(0.5 * std::erfc(-x / std::sqrt(2.0)), p, 1e-9) << "p = " << p;
    }
}

TEST(NormalQuantile, IsAntisymmetric) {
    for (const double p : {1e-9, 0.01, 0.2, 0.4}) {
        EXPECT_NEAR(variability::normal_quantile(p), -variability::normal_quantile(1.0 - p),
                    1e-9 * std::abs(variability::normal_quantile(p)));
    }
}

TEST(NormalQuantile, EdgesAndInvalidInput) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(variability::normal_quantile(0.0), -inf);
    EXPECT_EQ(variability::normal_quantile(1.0), inf);
    EXPECT_TRUE(std::isnan(variability::normal_quantile(-0.1)));
    EXPECT_TRUE(std::isnan(variability::normal_quantile(1.1)));
    EXPECT_TRUE(std::isnan(variability::normal_quantile(std::nan(""))));
    // Subnormal tails are taken at the smallest normal number (documented).
    const double smallest = std::numeric_limits<double>::min();
    EXPECT_EQ(variability::normal_quantile(smallest / 1024.0),
              variability::normal_quantile(smallest));
    EXPECT_NEAR(variability::normal_quantile(smallest), -37.5193794, 1e-6);
}

TEST(LocationMargin, IsSigmaTimesTheQuantile) {
    // 95 % of locations with σ = 8 dB: 8 × 1.6448536269514715.
    EXPECT_NEAR(variability::location_margin_db(8.0, 0.95), 13.158829015611772, 1e-7);
    EXPECT_NEAR(variability::location_margin_db(5.5, 0.9), 7.048533610495305, 1e-7);
    EXPECT_EQ(variability::location_margin_db(8.0, 0.5), 0.0);
    EXPECT_NEAR(variability::location_margin_db(8.0, 0.05),
                -variability::location_margin_db(8.0, 0.95), 1e-7);
    EXPECT_EQ(variability::location_margin_db(0.0, 0.95), 0.0);
    EXPECT_TRUE(std::isnan(variability::location_margin_db(-1.0, 0.95)));
    EXPECT_TRUE(std::isnan(variability::location_margin_db(8.0, 95.0))); // a percentage
}

TEST(CombinedSigma, AddsInVariance) {
    EXPECT_DOUBLE_EQ(variability::combined_sigma_db(3.0, 4.0), 5.0);
    EXPECT_DOUBLE_EQ(variability::combined_sigma_db(8.0, 0.0), 8.0);
    EXPECT_TRUE(std::isnan(variability::combined_sigma_db(-3.0, 4.0)));
}

TEST(ShadowFadingSigma, Tr38901Table741) {
    using enum LosCondition;
    // RMa LOS: 4 dB up to the breakpoint, 6 dB beyond; 35 m / 1.5 m at 3.5 GHz: d_BP = 3848 m.
    ASSERT_NEAR(tr38901::rma_breakpoint_m(35.0, 1.5, 3.5), 3848.4510006474966, 1e-6);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::rma, los, 3000.0, 35.0, 1.5, 3.5),
              4.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::rma, los, 5000.0, 35.0, 1.5, 3.5),
              6.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::rma, nlos, 3000.0, 35.0, 1.5, 3.5),
              8.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::uma, los, 300.0, 25.0, 1.5, 3.5), 4.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::uma, nlos, 300.0, 25.0, 1.5, 3.5),
              6.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::umi, los, 100.0, 10.0, 1.5, 3.5), 4.0);
    EXPECT_EQ(variability::tr38901_sigma_db(Tr38901Scenario::umi, nlos, 100.0, 10.0, 1.5, 3.5),
              7.82);
    EXPECT_TRUE(std::isnan(
        variability::tr38901_sigma_db(Tr38901Scenario::uma, probabilistic, 300.0, 25.0, 1.5, 3.5)));
    EXPECT_EQ(variability::cost231_hata_sigma_db, 8.0);
}

TEST(ShadowFadingSigma, ProbabilisticLosIsTheMixtureSigma) {
    // p = 0.5, σ 4 and 6 dB, medians 20 dB apart: sqrt(0.5·16 + 0.5·36 + 0.25·400).
    EXPECT_NEAR(variability::probabilistic_sigma_db(0.5, 4.0, 6.0, 100.0, 120.0),
                11.224972160321824, 1e-12);
    EXPECT_DOUBLE_EQ(variability::probabilistic_sigma_db(1.0, 4.0, 6.0, 100.0, 120.0), 4.0);
    EXPECT_DOUBLE_EQ(variability::probabilistic_sigma_db(0.0, 4.0, 6.0, 100.0, 120.0), 6.0);
    // Equal medians: the root mean of the variances.
    EXPECT_NEAR(variability::probabilistic_sigma_db(0.25, 4.0, 8.0, 110.0, 110.0),
                std::sqrt(0.25 * 16.0 + 0.75 * 64.0), 1e-12);
    EXPECT_TRUE(std::isnan(variability::probabilistic_sigma_db(1.5, 4.0, 6.0, 100.0, 120.0)));
    EXPECT_TRUE(
        std::isnan(variability::probabilistic_sigma_db(0.5, 4.0, 6.0, 100.0, std::nan(""))));
}

TEST(LosMixtureQuantile, SolvesTheMixtureDistributionFunction) {
    using variability::los_mixture_quantile_db;
    // p = 0.5, medians 100 and 120 dB, σ 4 and 6 dB: at 108 dB z_LOS = 2 and z_NLOS = −2, so
    // F = (Φ(2) + Φ(−2)) / 2 = 0.5 exactly: the median.
    EXPECT_NEAR(los_mixture_quantile_db(0.5, 100.0, 4.0, 120.0, 6.0, 0.5), 108.0, 1e-9);
    // The reference script's bisection (model_reference_values.py, mixture_quantile_db).
    EXPECT_NEAR(los_mixture_quantile_db(0.5, 100.0, 4.0, 120.0, 6.0, 0.95), 127.68930939334354,
                1e-9);
    EXPECT_NEAR(los_mixture_quantile_db(0.5, 100.0, 4.0, 120.0, 6.0, 0.05), 94.87347266076077,
                1e-9);
    EXPECT_NEAR(los_mixture_quantile_db(1e-3, 100.0, 4.0, 130.0, 6.0, 0.5), 129.99247258578924,
                1e-9);
    EXPECT_NEAR(los_mixture_quantile_db(0.999, 100.0, 4.0, 130.0, 6.0, 0.5), 100.00501827325101,
                1e-9);
    // One component: its own quantile; the median exactly.
    EXPECT_EQ(los_mixture_quantile_db(1.0, 100.0, 4.0, 120.0, 6.0, 0.5), 100.0);
    EXPECT_EQ(los_mixture_quantile_db(0.0, 100.0, 4.0, 120.0, 6.0, 0.5), 120.0);
    EXPECT_NEAR(los_mixture_quantile_db(0.0, 100.0, 4.0, 120.0, 6.0, 0.95),
                120.0 + variability::location_margin_db(6.0, 0.95), 1e-12);
    // Equal components: the common quantile whatever p.
    EXPECT_NEAR(los_mixture_quantile_db(0.3, 110.0, 5.0, 110.0, 5.0, 0.9),
                110.0 + variability::location_margin_db(5.0, 0.9), 1e-9);
}

TEST(LosMixtureQuantile, IsIncreasingAndSatisfiesItsEquation) {
    double last = -1e300;
    for (int k = 1; k < 100; ++k) {
        const double q = k / 100.0;
        const double p = 0.2;
        const double l = variability::los_mixture_quantile_db(p, 95.0, 4.0, 125.0, 7.82, q);
        const double f = p * variability::normal_cdf((l - 95.0) / 4.0) +
                         (1.0 - p) * variability::normal_cdf((l - 125.0) / 7.82);
        // Newton's answers solve it to 1e-15; where the components are 7 σ apart the first
        // guess is taken, whose Φ⁻¹ (Acklam) carries a relative error up to 1.15e-9.
        EXPECT_NEAR(f, q, 1e-9) << q;
        EXPECT_GT(l, last) << q;
        last = l;
    }
}

// The coverage kernel's batch form gives the scalar form's bits, over LOS probabilities from 0
// to 1, gaps between the medians from -5 to 60 dB, both σ of each scenario and quantiles across
// (0, 1): separated components, Newton's method and the edges (p = 0, p = 1, equal quantiles).
TEST(LosMixtureQuantile, BatchFormGivesTheScalarFormsBits) {
    constexpr std::size_t n = 256;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> probability(0.0, 1.0);
    std::uniform_real_distribution<double> gap(-5.0, 60.0);
    std::uniform_real_distribution<double> loss(60.0, 180.0);
    const double sigmas[] = {4.0, 6.0, 7.82, 8.0};
    std::size_t newton = 0;
    for (int round = 0; round < 400; ++round) {
        std::array<double, n> p{};
        std::array<double, n> los{};
        std::array<double, n> los_sigma{};
        std::array<double, n> nlos{};
        const double nlos_sigma = sigmas[round % 4];
        const double q = round % 5 == 0 ? 0.5 : probability(rng);
        for (std::size_t k = 0; k < n; ++k) {
            p[k] = k % 17 == 0 ? 0.0 : k % 19 == 0 ? 1.0 : probability(rng);
            los[k] = loss(rng);
            nlos[k] = k % 23 == 0 ? los[k] : los[k] + gap(rng);
            los_sigma[k] = sigmas[k % 2 == 0 ? 0 : 1];
        }
        los[5] = std::nan("");
        p[7] = 1.5;
        std::array<double, n> out{};
        const std::size_t used = n - static_cast<std::size_t>(round % 3); // also partial chunks
        variability::los_mixture_quantiles_db<n>(used, p.data(), los.data(), los_sigma.data(),
                                                 nlos.data(), nlos_sigma, q, out.data());
        for (std::size_t k = 0; k < used; ++k) {
            const double scalar = variability::los_mixture_quantile_db(p[k], los[k], los_sigma[k],
                                                                       nlos[k], nlos_sigma, q);
            double x = 0.0;
            double lo = 0.0;
            double hi = 0.0;
            newton += variability::detail::mixture_start(
                          p[k], los[k], los_sigma[k], nlos[k], nlos_sigma, q,
                          variability::normal_quantile(q), x, lo, hi) == 0.0;
            if (std::isnan(scalar)) {
                EXPECT_TRUE(std::isnan(out[k])) << k;
            } else {
                EXPECT_EQ(std::bit_cast<std::uint64_t>(out[k]),
                          std::bit_cast<std::uint64_t>(scalar))
                    << "p " << p[k] << " L_LOS " << los[k] << " L_NLOS " << nlos[k] << " q " << q;
            }
        }
    }
    EXPECT_GT(newton, 10'000U); // Newton's method ran, not only the closed-form starts
}

TEST(LosMixtureQuantile, InvalidInputGivesNan) {
    using variability::los_mixture_quantile_db;
    EXPECT_TRUE(std::isnan(los_mixture_quantile_db(1.5, 100.0, 4.0, 120.0, 6.0, 0.5)));
    EXPECT_TRUE(std::isnan(los_mixture_quantile_db(0.5, 100.0, 0.0, 120.0, 6.0, 0.5)));
    EXPECT_TRUE(std::isnan(los_mixture_quantile_db(0.5, 100.0, 4.0, 120.0, -6.0, 0.5)));
    EXPECT_TRUE(std::isnan(los_mixture_quantile_db(0.5, 100.0, 4.0, 120.0, 6.0, 1.0)));
    EXPECT_TRUE(std::isnan(los_mixture_quantile_db(0.5, std::nan(""), 4.0, 120.0, 6.0, 0.5)));
}
