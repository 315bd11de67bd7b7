// Propagation models: the registry, the validity ranges the documents state, and properties that
// must hold everywhere.
//
// The losses that tests/unit/core/reference/model_reference_values.py evaluates from ITU-R
// P.525-4, COST 231 §4.4.1 with Hata's corrections and 3GPP TR 38.901 V17.0.0 Tables 7.4.1-1 and
// 7.4.2-1 (not from covsim's code) are compared line by line in test_reference_values.cpp; the
// few expected losses below come from the same script.

#include "core/error.hpp"
#include "core/isa.hpp"
#include "core/propagation/itm.hpp"
#include "core/propagation/location_variability.hpp"
#include "core/propagation/model.hpp"
#include "core/propagation/order_statistics.hpp"
#include "core/propagation/registry.hpp"
#include "core/propagation/tr38901.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace covsim;

namespace {

// The script prints 10 decimals; the engine must agree to well below a thousandth of a dB.
constexpr double tolerance_db = 1e-6;

const PropagationModel& model(std::string_view name) {
    const PropagationModel* m = model_registry().find(name);
    if (m == nullptr) {
        throw std::logic_error("model not registered: " + std::string(name));
    }
    return *m;
}

Link make_link(double frequency_mhz, double distance_m, double tx_height_m, double rx_height_m,
               Environment environment = Environment::urban,
               LosCondition los = LosCondition::probabilistic) {
    Link l;
    l.frequency_mhz = frequency_mhz;
    l.distance_m = distance_m;
    l.tx_height_m = tx_height_m;
    l.rx_height_m = rx_height_m;
    l.environment = environment;
    l.los = los;
    return l;
}

std::string describe(const Link& l) {
    return "f=" + std::to_string(l.frequency_mhz) + " MHz, d=" + std::to_string(l.distance_m) +
           " m, h_tx=" + std::to_string(l.tx_height_m) +
           " m, h_rx=" + std::to_string(l.rx_height_m) + " m, " +
           std::string(to_string(l.environment)) + ", " + std::string(to_string(l.los));
}

// The models that need no terrain profile, and those that do (tested in test_itm.cpp and
// test_p526.cpp over real profiles, p1812 in test_p1812.cpp).
constexpr std::array<std::string_view, 5> all_models = {
    "3gpp-38901-rma", "3gpp-38901-uma", "3gpp-38901-umi", "cost231-hata", "free-space"};
constexpr std::array<std::string_view, 3> profile_models = {"itm", "p1812", "p526"};
constexpr std::array<std::string_view, 3> tr38901_models = {"3gpp-38901-rma", "3gpp-38901-uma",
                                                            "3gpp-38901-umi"};
constexpr std::array<LosCondition, 3> all_los = {LosCondition::los, LosCondition::nlos,
                                                 LosCondition::probabilistic};
constexpr std::array<Environment, 3> all_environments = {Environment::urban, Environment::suburban,
                                                         Environment::rural};

// Log-spaced 2-D distances from 10 m to 10 km, for properties that must hold everywhere.
std::vector<double> distance_sweep_m() {
    std::vector<double> d;
    for (int i = 0; i <= 60; ++i) {
        d.push_back(10.0 * std::pow(10.0, 3.0 * i / 60.0));
    }
    return d;
}

} // namespace

// ---- Registry ---------------------------------------------------------------------------------

TEST(ModelRegistry, HoldsExactlyTheEightBuiltInModelsSortedByName) {
    std::vector<std::string_view> expected(all_models.begin(), all_models.end());
    expected.insert(expected.end(), profile_models.begin(), profile_models.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(model_registry().names(), expected);
    ASSERT_EQ(model_registry().models().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(model_registry().models()[i]->name(), expected[i]);
        EXPECT_EQ(model_registry().find(expected[i]), model_registry().models()[i].get());
        EXPECT_FALSE(model_registry().models()[i]->summary().empty());
        EXPECT_FALSE(model_registry().models()[i]->reference().empty());
    }
    EXPECT_EQ(model_registry().find("cost231"), nullptr);
    EXPECT_EQ(model_registry().find(""), nullptr);
    EXPECT_EQ(model_registry().find("Free-Space"), nullptr);
    for (const auto name : all_models) {
        EXPECT_FALSE(model(name).needs_profile()) << name;
    }
    for (const auto name : profile_models) {
        EXPECT_TRUE(model(name).needs_profile()) << name;
    }
}

TEST(ModelRegistry, OnlyHataUsesTheEnvironmentAndOnlyTr38901UsesTheLosCondition) {
    EXPECT_TRUE(model("cost231-hata").uses_environment());
    EXPECT_FALSE(model("cost231-hata").uses_los_condition());
    EXPECT_FALSE(model("free-space").uses_environment());
    EXPECT_FALSE(model("free-space").uses_los_condition());
    for (const auto name : tr38901_models) {
        EXPECT_FALSE(model(name).uses_environment()) << name;
        EXPECT_TRUE(model(name).uses_los_condition()) << name;
    }
}

TEST(ModelRegistry, ReferencesNameTheirDocuments) {
    EXPECT_NE(model("free-space").reference().find("P.525"), std::string_view::npos);
    EXPECT_NE(model("cost231-hata").reference().find("COST 231"), std::string_view::npos);
    for (const auto name : tr38901_models) {
        EXPECT_NE(model(name).reference().find("38.901"), std::string_view::npos) << name;
    }
}

TEST(ModelRegistry, RejectsASecondModelOfTheSameName) {
    ModelRegistry r;
    register_builtin_models(r);
    EXPECT_EQ(r.names(), model_registry().names());
    EXPECT_THROW(register_builtin_models(r), Error);
}

TEST(PropagationModel, EnvironmentAndLosNamesRoundTrip) {
    for (const Environment e : all_environments) {
        EXPECT_EQ(parse_environment(to_string(e)), e);
    }
    for (const LosCondition c : all_los) {
        EXPECT_EQ(parse_los_condition(to_string(c)), c);
    }
    EXPECT_EQ(to_string(Environment::suburban), "suburban");
    EXPECT_EQ(to_string(LosCondition::probabilistic), "probabilistic");
    EXPECT_FALSE(parse_environment("Urban").has_value());
    EXPECT_FALSE(parse_environment("dense-urban").has_value());
    EXPECT_FALSE(parse_los_condition("LOS").has_value());
    EXPECT_FALSE(parse_los_condition("").has_value());
}

TEST(PropagationModel, ItmClimateNamesRoundTripInItmsNumbering) {
    for (int number = 1; number <= 7; ++number) {
        const auto c = static_cast<itm::Climate>(number);
        EXPECT_EQ(itm::parse_climate(itm::to_string(c)), c) << number;
    }
    EXPECT_EQ(itm::parse_climate("equatorial"), itm::Climate::equatorial);
    EXPECT_EQ(static_cast<int>(*itm::parse_climate("maritime_subtropical")), 3);
    EXPECT_EQ(static_cast<int>(*itm::parse_climate("maritime_temperate_over_sea")), 7);
    EXPECT_EQ(itm::to_string(itm::Climate::continental_temperate), "continental_temperate");
    EXPECT_FALSE(itm::parse_climate("Desert").has_value());
    EXPECT_FALSE(itm::parse_climate("monsoon").has_value());
    EXPECT_EQ(itm::to_string(static_cast<itm::Climate>(0)), "");
    EXPECT_EQ(itm::to_string(static_cast<itm::Climate>(8)), "");
    EXPECT_EQ(PathParameters{}.climate, itm::Climate::continental_temperate);
}

// ---- Validity ranges (as stated by the documents) ----------------------------------------------

namespace {
void expect_range(const Range& r, double min, double max, const char* what) {
    EXPECT_DOUBLE_EQ(r.min, min) << what;
    EXPECT_DOUBLE_EQ(r.max, max) << what;
}
} // namespace

TEST(ModelValidity, Cost231HataMatchesTheCostFinalReport) {
    // COST 231 §4.4.1: f 1500-2000 MHz, h_b 30-200 m, h_m 1-10 m, d 1-20 km.
    const ValidityRange v = model("cost231-hata").validity();
    expect_range(v.frequency_mhz, 1500.0, 2000.0, "frequency");
    expect_range(v.distance_m, 1000.0, 20000.0, "distance");
    expect_range(v.tx_height_m, 30.0, 200.0, "h_b");
    expect_range(v.rx_height_m, 1.0, 10.0, "h_m");
}

TEST(ModelValidity, Tr38901MatchesTable741) {
    // Table 7.4.1-1: 0.5 < f_c < f_H GHz, f_H = 30 GHz for RMa and 100 GHz otherwise.
    // RMa: 10 m <= d_2D <= 10 km (LOS; NLOS to 5 km), 10 m <= h_BS <= 150 m, 1 m <= h_UT <= 10 m.
    const ValidityRange rma = model("3gpp-38901-rma").validity();
    expect_range(rma.frequency_mhz, 500.0, 30000.0, "RMa frequency");
    expect_range(rma.distance_m, 10.0, 10000.0, "RMa distance");
    expect_range(rma.tx_height_m, 10.0, 150.0, "RMa h_BS");
    expect_range(rma.rx_height_m, 1.0, 10.0, "RMa h_UT");
    // UMa: 10 m <= d_2D <= 5 km, h_BS = 25 m, 1.5 m <= h_UT <= 22.5 m.
    const ValidityRange uma = model("3gpp-38901-uma").validity();
    expect_range(uma.frequency_mhz, 500.0, 100000.0, "UMa frequency");
    expect_range(uma.distance_m, 10.0, 5000.0, "UMa distance");
    expect_range(uma.tx_height_m, 25.0, 25.0, "UMa h_BS");
    expect_range(uma.rx_height_m, 1.5, 22.5, "UMa h_UT");
    // UMi-Street Canyon: 10 m <= d_2D <= 5 km, h_BS = 10 m, 1.5 m <= h_UT <= 22.5 m.
    const ValidityRange umi = model("3gpp-38901-umi").validity();
    expect_range(umi.frequency_mhz, 500.0, 100000.0, "UMi frequency");
    expect_range(umi.distance_m, 10.0, 5000.0, "UMi distance");
    expect_range(umi.tx_height_m, 10.0, 10.0, "UMi h_BS");
    expect_range(umi.rx_height_m, 1.5, 22.5, "UMi h_UT");
}

TEST(ModelValidity, FreeSpaceCoversEveryLinkCovsimEvaluates) {
    // P.525 states no limits; covsim's bounds only flag absurd input.
    const ValidityRange v = model("free-space").validity();
    expect_range(v.frequency_mhz, 1.0, 1.0e6, "frequency");
    expect_range(v.distance_m, 1.0, 1.0e7, "distance");
    expect_range(v.tx_height_m, 0.1, 1.0e5, "h_tx");
    expect_range(v.rx_height_m, 0.1, 1.0e5, "h_rx");
}

TEST(ModelValidity, WarnsAboutAnOutOfRangeFrequencyAndNothingInRange) {
    const Link hata_3500 = make_link(3500.0, 5000.0, 30.0, 1.5);
    const std::vector<std::string> w = validity_warnings(model("cost231-hata"), hata_3500);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0], "frequency_mhz = 3500 is outside cost231-hata's validity range [1500, 2000]");
    EXPECT_TRUE(
        validity_warnings(model("cost231-hata"), make_link(1800.0, 5000.0, 30.0, 1.5)).empty());

    for (const auto name : all_models) {
        const PropagationModel& m = model(name);
        const ValidityRange v = m.validity_for(LosCondition::probabilistic);
        const Link mid = make_link((v.frequency_mhz.min + v.frequency_mhz.max) / 2.0,
                                   (v.distance_m.min + v.distance_m.max) / 2.0,
                                   (v.tx_height_m.min + v.tx_height_m.max) / 2.0,
                                   (v.rx_height_m.min + v.rx_height_m.max) / 2.0);
        EXPECT_TRUE(validity_warnings(m, mid).empty()) << name;
        Link edges = mid;
        edges.frequency_mhz = v.frequency_mhz.max; // the bounds themselves are inside
        edges.distance_m = v.distance_m.min;
        EXPECT_TRUE(validity_warnings(m, edges).empty()) << name;

        Link high = mid;
        high.frequency_mhz = v.frequency_mhz.max * 1.5;
        const std::vector<std::string> wh = validity_warnings(m, high);
        ASSERT_EQ(wh.size(), 1u) << name;
        EXPECT_EQ(wh[0].rfind("frequency_mhz = ", 0), 0u) << wh[0];
        EXPECT_NE(wh[0].find(std::string(name)), std::string::npos) << wh[0];

        Link low = mid;
        low.frequency_mhz = v.frequency_mhz.min / 2.0;
        EXPECT_EQ(validity_warnings(m, low).size(), 1u) << name;
    }
}

TEST(ModelValidity, RmaNlosIsValidToFiveKilometresOnly) {
    // Table 7.4.1-1: PL_RMa-LOS to 10 km, PL_RMa-NLOS 10 m <= d_2D <= 5 km.
    const PropagationModel& rma = model("3gpp-38901-rma");
    EXPECT_DOUBLE_EQ(rma.validity_for(LosCondition::los).distance_m.max, 10000.0);
    EXPECT_DOUBLE_EQ(rma.validity_for(LosCondition::nlos).distance_m.max, 5000.0);
    EXPECT_DOUBLE_EQ(rma.validity_for(LosCondition::probabilistic).distance_m.max, 5000.0);
    auto at_8km = [&](LosCondition los) {
        return validity_warnings(rma, make_link(700.0, 8000.0, 35.0, 1.5, Environment::rural, los));
    };
    EXPECT_TRUE(at_8km(LosCondition::los).empty());
    const auto w = at_8km(LosCondition::nlos);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0], "distance_m = 8000 is outside 3gpp-38901-rma's validity range [10, 5000]");
    // The other models state one range for both conditions.
    EXPECT_DOUBLE_EQ(model("3gpp-38901-uma").validity_for(LosCondition::nlos).distance_m.max,
                     5000.0);
}

TEST(ModelValidity, ReportsEachParameterOutsideItsRange) {
    // UMa at 6 km with a 30 m base station and a 30 m high receiver, at 200 MHz: four warnings.
    const std::vector<std::string> w =
        validity_warnings(model("3gpp-38901-uma"), make_link(200.0, 6000.0, 30.0, 30.0));
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0].rfind("frequency_mhz = 200 ", 0), 0u) << w[0];
    EXPECT_EQ(w[1].rfind("distance_m = 6000 ", 0), 0u) << w[1];
    EXPECT_EQ(w[2].rfind("tx_height_m = 30 ", 0), 0u) << w[2];
    EXPECT_EQ(w[3], "rx_height_m = 30 is outside 3gpp-38901-uma's validity range [1.5, 22.5]");
}

// ---- Free space, ITU-R P.525 ---------------------------------------------------------------

TEST(FreeSpace, GrowsBy6dBPerDoublingOfDistanceAndOfFrequency) {
    const PropagationModel& m = model("free-space");
    const double base = m.path_loss_db(make_link(2000.0, 1500.0, 20.0, 20.0));
    EXPECT_NEAR(m.path_loss_db(make_link(2000.0, 3000.0, 20.0, 20.0)) - base,
                20.0 * std::log10(2.0), 1e-9);
    EXPECT_NEAR(m.path_loss_db(make_link(4000.0, 1500.0, 20.0, 20.0)) - base,
                20.0 * std::log10(2.0), 1e-9);
}

// ---- 3GPP TR 38.901 --------------------------------------------------------------------------

TEST(Tr38901, UmaLosProbabilityHasNoHeightTermUpTo13Metres) {
    // Table 7.4.2-1: C'(h_UT) = 0 for h_UT <= 13 m (the values: test_reference_values.cpp).
    EXPECT_DOUBLE_EQ(tr38901::uma_los_probability(300.0, 13.0),
                     tr38901::uma_los_probability(300.0, 1.5));
}

TEST(Tr38901, LosProbabilitiesAreProbabilitiesThatFallWithDistance) {
    double last_rma = 1.0;
    double last_umi = 1.0;
    double last_uma = 1.0;
    for (const double d : distance_sweep_m()) {
        const double rma = tr38901::rma_los_probability(d);
        const double umi = tr38901::umi_los_probability(d);
        const double uma = tr38901::uma_los_probability(d, 1.5);
        for (const double p : {rma, umi, uma}) {
            EXPECT_GE(p, 0.0) << d;
            EXPECT_LE(p, 1.0) << d;
        }
        EXPECT_LE(rma, last_rma) << d;
        EXPECT_LE(umi, last_umi) << d;
        EXPECT_LE(uma, last_uma) << d;
        last_rma = rma;
        last_umi = umi;
        last_uma = uma;
    }
}

TEST(Tr38901, NlosIsNeverBelowLosAndProbabilisticLiesBetween) {
    struct Setup {
        std::string_view name;
        double h_bs_m, h_ut_m;
    };
    constexpr std::array<Setup, 7> setups = {{
        {"3gpp-38901-rma", 35.0, 1.5},
        {"3gpp-38901-rma", 150.0, 10.0},
        {"3gpp-38901-uma", 25.0, 1.5},
        {"3gpp-38901-uma", 25.0, 18.0},
        {"3gpp-38901-umi", 10.0, 1.5},
        {"3gpp-38901-umi", 10.0, 8.0},
        {"3gpp-38901-umi", 10.0, 22.5},
    }};
    for (const Setup& s : setups) {
        const PropagationModel& m = model(s.name);
        for (const double f : {600.0, 2100.0, 3500.0, 26000.0}) {
            for (const double d : distance_sweep_m()) {
                Link l = make_link(f, d, s.h_bs_m, s.h_ut_m, Environment::urban, LosCondition::los);
                const double los = m.path_loss_db(l);
                l.los = LosCondition::nlos;
                const double nlos = m.path_loss_db(l);
                l.los = LosCondition::probabilistic;
                const double prob = m.path_loss_db(l);
                ASSERT_TRUE(std::isfinite(los) && std::isfinite(nlos) && std::isfinite(prob))
                    << s.name << ' ' << describe(l);
                EXPECT_GE(nlos, los) << s.name << ' ' << describe(l);
                EXPECT_GE(prob, los - 1e-9) << s.name << ' ' << describe(l);
                EXPECT_LE(prob, nlos + 1e-9) << s.name << ' ' << describe(l);
            }
        }
    }
}

TEST(Tr38901, ProbabilisticIsTheMedianOfTheLosNlosMixture) {
    // UMa, 3.5 GHz, 500 m (docs/models/3gpp-38901.md): p = 3.63 %, L_LOS 98.27 dB (σ 4 dB),
    // L_NLOS 129.92 dB (σ 6 dB). Half the locations see less than the median: F(L) = 0.5.
    const Link l = make_link(3500.0, 500.0, 25.0, 1.5);
    const double p = tr38901::uma_los_probability(500.0, 1.5);
    const double median = model("3gpp-38901-uma").path_loss_db(l);
    const double f =
        p * variability::normal_cdf((median - tr38901::uma_los_db(500.0, 25.0, 1.5, 3.5)) / 4.0) +
        (1.0 - p) *
            variability::normal_cdf((median - tr38901::uma_nlos_db(500.0, 25.0, 1.5, 3.5)) / 6.0);
    EXPECT_NEAR(f, 0.5, 1e-9); // Φ⁻¹'s relative error 1.15e-9 (location_variability.hpp)
    // The reference script's bisection (model_reference_values.py).
    EXPECT_NEAR(median, 129.63211315350208, tolerance_db);
    // The mean in dB, covsim's combination before, is 0.87 dB lower there.
    EXPECT_NEAR(tr38901::los_weighted_loss_db(p, tr38901::uma_los_db(500.0, 25.0, 1.5, 3.5),
                                              tr38901::uma_nlos_db(500.0, 25.0, 1.5, 3.5)),
                128.7656515956, tolerance_db);
    EXPECT_NEAR(tr38901::los_weighted_loss_db(0.25, 100.0, 120.0), 115.0, 1e-12);
}

// ---- Interface contracts ---------------------------------------------------------------------

TEST(PropagationModel, BatchEqualsScalar) {
    const std::vector<double> distances = {1.0, 10.0, 55.5, 333.0, 1000.0, 4321.0, 12000.0};
    std::vector<Environment> environments;
    for (std::size_t i = 0; i < distances.size(); ++i) {
        environments.push_back(all_environments[i % all_environments.size()]);
    }
    for (const auto name : all_models) {
        const PropagationModel& m = model(name);
        for (const LosCondition los : all_los) {
            const Link link = make_link(1800.0, 0.0, 30.0, 1.5, Environment::urban, los);
            std::vector<double> losses(distances.size(), -1.0);
            m.path_losses_db(link, distances, environments, losses);
            for (std::size_t i = 0; i < distances.size(); ++i) {
                Link one = link;
                one.distance_m = distances[i];
                one.environment = environments[i];
                EXPECT_DOUBLE_EQ(losses[i], m.path_loss_db(one)) << name << ' ' << describe(one);
            }
        }
    }
    // The Hata batch really uses each receiver's environment.
    std::vector<double> losses(3);
    const std::vector<double> same = {5000.0, 5000.0, 5000.0};
    model("cost231-hata")
        .path_losses_db(make_link(1800.0, 0.0, 30.0, 1.5), same, all_environments, losses);
    EXPECT_NEAR(losses[0], 163.8180652557, tolerance_db);
    EXPECT_NEAR(losses[1], 160.8180652557, tolerance_db);
    EXPECT_NEAR(losses[2], 128.8945106600, tolerance_db);
}

// The batch forms run from an AVX2 or AVX-512 copy when the CPU has it (core/isa.hpp): the
// TR 38.901 probabilistic-LOS medians (most by Newton's method at 700 MHz out to 10 km) give the
// same bits in every copy.
TEST(PropagationModel, BatchIsBitIdenticalForEveryInstructionSet) {
    if (!isa::supported(isa::Level::x86_64_v3)) {
        GTEST_SKIP() << "this CPU (or build) has no x86-64-v3 copy";
    }
    std::vector<double> distances;
    for (int i = 0; i <= 3000; ++i) {
        distances.push_back(10.0 * std::pow(1000.0, i / 3000.0)); // 10 m to 10 km
    }
    const std::vector<Environment> envs(distances.size(), Environment::urban);
    const isa::Level before = isa::active();
    for (const auto name : {"3gpp-38901-rma", "3gpp-38901-uma", "3gpp-38901-umi"}) {
        for (const double f : {700.0, 3500.0}) {
            const Link link =
                make_link(f, 0.0, 25.0, 1.5, Environment::urban, LosCondition::probabilistic);
            std::vector<double> baseline(distances.size());
            ASSERT_EQ(isa::select(isa::Level::baseline), isa::Level::baseline);
            model(name).path_losses_db(link, distances, envs, baseline);
            for (const isa::Level level : {isa::Level::x86_64_v3, isa::Level::x86_64_v4}) {
                if (isa::select(level) != level) {
                    continue; // not on this CPU
                }
                std::vector<double> other(distances.size());
                model(name).path_losses_db(link, distances, envs, other);
                for (std::size_t i = 0; i < distances.size(); ++i) {
                    ASSERT_EQ(std::bit_cast<std::uint64_t>(baseline[i]),
                              std::bit_cast<std::uint64_t>(other[i]))
                        << name << ' ' << f << " MHz at " << distances[i] << " m, "
                        << isa::name(level);
                }
            }
        }
    }
    isa::select(before);
}

// The batch forms of Hata and TR 38.901 (the coverage kernel's) hoist the per-link terms and use
// covsim::fast::log10 / fast::exp: over every scenario, LOS condition, environment, height and
// frequency used and distances from 1 m to 20 km, they stay within 1e-12 dB of the scalar form.
TEST(PropagationModel, BatchWithinAPicoDecibelOfScalarOverTheWholeSweep) {
    std::vector<double> distances;
    for (int i = 0; i <= 4000; ++i) {
        distances.push_back(std::pow(10.0, 4.3 * i / 4000.0)); // 1 m to 20 km
    }
    distances.push_back(18.0); // the LOS-probability and breakpoint edges
    distances.push_back(10.0);
    double worst = 0.0;
    for (const auto name : {"3gpp-38901-rma", "3gpp-38901-uma", "3gpp-38901-umi", "cost231-hata"}) {
        const PropagationModel& m = model(name);
        for (const LosCondition los : all_los) {
            for (const Environment env : all_environments) {
                for (const double f : {700.0, 1842.5, 3500.0, 28000.0}) {
                    for (const double hb : {10.0, 25.0, 35.0}) {
                        for (const double hu : {1.5, 10.0, 20.0}) {
                            const Link link = make_link(f, 0.0, hb, hu, env, los);
                            const std::vector<Environment> envs(distances.size(), env);
                            std::vector<double> losses(distances.size());
                            m.path_losses_db(link, distances, envs, losses);
                            for (std::size_t i = 0; i < distances.size(); ++i) {
                                Link one = link;
                                one.distance_m = distances[i];
                                const double ref = m.path_loss_db(one);
                                ASSERT_TRUE(std::isfinite(losses[i])) << name << describe(one);
                                worst = std::max(worst, std::abs(losses[i] - ref));
                                ASSERT_NEAR(losses[i], ref, 1e-12) << name << ' ' << describe(one);
                            }
                        }
                    }
                }
            }
        }
    }
    RecordProperty("worst_difference_db", std::to_string(worst));
}

TEST(PropagationModel, NonsensicalInputGivesANonFiniteLossNotACrash) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double inf = std::numeric_limits<double>::infinity();
    const Link good = make_link(1800.0, 2000.0, 30.0, 1.5);
    std::vector<Link> bad;
    for (const double d : {-1.0, -1000.0, nan, inf}) {
        Link l = good;
        l.distance_m = d;
        bad.push_back(l);
    }
    for (const double f : {0.0, -1800.0, nan, inf}) {
        Link l = good;
        l.frequency_mhz = f;
        bad.push_back(l);
    }
    for (const double h : {0.0, -5.0, nan}) {
        Link l = good;
        l.tx_height_m = h;
        bad.push_back(l);
        l = good;
        l.rx_height_m = h;
        bad.push_back(l);
    }
    for (const auto name : all_models) {
        const PropagationModel& m = model(name);
        EXPECT_TRUE(std::isfinite(m.path_loss_db(good))) << name;
        for (const LosCondition los : all_los) {
            for (Link l : bad) {
                l.los = los;
                EXPECT_FALSE(std::isfinite(m.path_loss_db(l))) << name << ' ' << describe(l);
            }
        }
        // The batch form reports the same per receiver.
        const std::vector<double> d = {-10.0, nan, 2000.0};
        const std::vector<Environment> env(3, Environment::urban);
        std::vector<double> out(3, 0.0);
        m.path_losses_db(good, d, env, out);
        EXPECT_FALSE(std::isfinite(out[0])) << name;
        EXPECT_FALSE(std::isfinite(out[1])) << name;
        EXPECT_TRUE(std::isfinite(out[2])) << name;
    }
    // Hata's log10(d) has no value at d = 0.
    EXPECT_FALSE(
        std::isfinite(model("cost231-hata").path_loss_db(make_link(1800.0, 0.0, 30.0, 1.5))));
}

// The interdecile range of ITM's Delta_h against its definition (two std::nth_element over all
// values): the same value, bit for bit, on the sizes ITM uses, on ties, and on values whose
// strided sample misses the extremes on one side or the other (the fallback over all values).
TEST(ItmInterdecileRange, IsTheKthLargestMinusTheKthSmallest) {
    const auto by_definition = [](std::vector<double> v, int k) {
        const auto at = v.begin() + (k - 1);
        std::nth_element(v.begin(), at, v.end(), std::greater<>());
        const double upper = *at;
        std::nth_element(v.begin(), at, v.end(), std::less<>());
        return upper - *at;
    };
    const auto check = [&](const std::vector<double>& values, int k, const char* what) {
        std::vector<double> v = values;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(itm::interdecile_range(v, k)),
                  std::bit_cast<std::uint64_t>(by_definition(values, k)))
            << what << ", " << values.size() << " values, k = " << k;
    };
    std::mt19937_64 random(17);
    std::normal_distribution<double> deviation(0.0, 30.0);
    for (int k = 4; k <= 25; ++k) {
        const std::size_t n = 10 * static_cast<std::size_t>(k) - 5; // ITM's sample counts
        std::vector<double> v(n);
        for (double& x : v) {
            x = deviation(random);
        }
        check(v, k, "normal");
        for (double& x : v) {
            x = std::round(x / 20.0); // few distinct values: ties at the thresholds
        }
        check(v, k, "ties");
        // The strided sample (every n / 16-th value, from the middle of the first stride) holds
        // the largest values: fewer than k lie at or above its 4th largest.
        const std::size_t stride = n / 16;
        for (std::size_t i = 0; i < n; ++i) {
            v[i] = (i % stride == stride / 2 && i / stride < 16) ? 1000.0 + static_cast<double>(i)
                                                                 : deviation(random);
        }
        check(v, k, "sample above");
        for (double& x : v) {
            x = -x;
        }
        check(v, k, "sample below");
    }
    // Beyond ITM's 245 values: the definition itself.
    std::vector<double> many(1000);
    for (double& x : many) {
        x = deviation(random);
    }
    check(many, 100, "1000 values");
}
