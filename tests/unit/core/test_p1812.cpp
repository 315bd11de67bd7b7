// ITU-R P.1812-6 (engine/core/propagation/p1812.hpp) beside its validation set
// (tests/validation/test_p1812.cpp): the location variability of §4.8, I(x) of Attachment 2,
// the path centre, invalid input, and the registered model `p1812` over a TerrainProfile.
//
// σ_L values are eqs. (64)-(66) evaluated in Python from the printed formula; the quantiles
// Q⁻¹(x) = Φ⁻¹(1 − x) are Python's statistics.NormalDist (Wichura's AS241), which I(x)
// approximates within 4.5e-4 (Attachment 2).

#include "core/propagation/model.hpp"
#include "core/propagation/p1812.hpp"
#include "core/propagation/registry.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <vector>

using namespace covsim;

TEST(P1812, LocationVariabilitySigmaFollowsEquations64To66) {
    // f (GHz), h (m), R (m), w_a (m), σ (dB)
    struct Case {
        double f, h, r, w, sigma;
    };
    for (const Case& c : {Case{1.8, 1.5, 0.0, 50.0, 1.4315060013297811},
                          Case{0.7, 1.5, 10.0, 100.0, 1.9490029980059045},
                          Case{3.5, 15.0, 10.0, 50.0, 0.9030640299164311},
                          Case{3.5, 25.0, 10.0, 50.0, 0.0}, Case{0.1, 1.5, 0.0, 1.0, 0.44404}}) {
        EXPECT_NEAR(p1812::location_variability_sigma_db(c.f, c.h, c.r, c.w), c.sigma, 1e-12)
            << c.f << " GHz, h " << c.h << " m, R " << c.r << " m, w_a " << c.w << " m";
    }
    EXPECT_TRUE(std::isnan(p1812::location_variability_sigma_db(0.0, 1.5, 0.0, 50.0)));
    EXPECT_TRUE(std::isnan(p1812::location_variability_sigma_db(1.8, 1.5, 0.0, 0.0)));
    EXPECT_TRUE(std::isnan(p1812::location_variability_sigma_db(1.8, std::nan(""), 0.0, 50.0)));
}

TEST(P1812, InverseComplementaryNormalIsWithinItsApproximation) {
    // x, Q⁻¹(x)
    for (const auto& [x, q] : std::vector<std::pair<double, double>>{{0.01, 2.3263478740408408},
                                                                     {0.05, 1.6448536269514715},
                                                                     {0.1, 1.2815515655446008},
                                                                     {0.2, 0.8416212335729144},
                                                                     {0.9, -1.2815515655446008},
                                                                     {0.99, -2.3263478740408408}}) {
        EXPECT_NEAR(p1812::inverse_complementary_normal(x), q, 4.5e-4) << x;
    }
    EXPECT_NEAR(p1812::inverse_complementary_normal(0.5), 0.0, 4.5e-4);
    EXPECT_DOUBLE_EQ(p1812::inverse_complementary_normal(0.3),
                     -p1812::inverse_complementary_normal(0.7));
}

TEST(P1812, PathCentreOnAMeridianIsTheMeanLatitude) {
    const double two_degrees_km = 2.0 * 6371.0 * 3.14159265358979323846 / 180.0;
    EXPECT_NEAR(p1812::path_centre_latitude_deg(20.0, 105.85, 22.0, 105.85, two_degrees_km), 21.0,
                1e-12);
    EXPECT_NEAR(p1812::path_centre_latitude_deg(22.0, 105.85, 20.0, 105.85, two_degrees_km), 21.0,
                1e-12);
}

TEST(P1812, ZonesParseAndPrint) {
    for (const p1812::Zone z : {p1812::Zone::sea, p1812::Zone::coastal_land, p1812::Zone::inland}) {
        EXPECT_EQ(p1812::parse_zone(p1812::to_string(z)), z);
    }
    EXPECT_FALSE(p1812::parse_zone("lake"));
}

namespace {

// A 10 km path over a 60 m hill in the middle, 100 m steps.
TerrainProfile hill() {
    TerrainProfile t;
    t.spacing_m = 100.0;
    for (int i = 0; i <= 100; ++i) {
        t.elevation_m.push_back(10.0 + 60.0 * std::exp(-std::pow((i - 50) / 8.0, 2.0)));
    }
    return t;
}

Link link_over(const TerrainProfile& t) {
    Link l;
    l.distance_m = t.length_m();
    l.tx_height_m = 30.0;
    l.rx_height_m = 1.5;
    l.frequency_mhz = 1800.0;
    l.profile = &t;
    return l;
}

} // namespace

TEST(P1812, InvalidInputGivesNaN) {
    const std::vector<double> d = {0.0, 1.0, 2.0};
    const std::vector<double> h = {10.0, 20.0, 10.0};
    p1812::Parameters q;
    q.frequency_ghz = 1.8;
    q.tx_height_m = 30.0;
    q.rx_height_m = 1.5;
    q.path_centre_latitude_deg = 21.0;
    EXPECT_TRUE(std::isfinite(p1812::basic_transmission_loss_db({d, h, {}, {}}, q)));
    const std::vector<double> two = {0.0, 1.0};
    EXPECT_TRUE(std::isnan(p1812::basic_transmission_loss_db({two, two, {}, {}}, q)));
    const std::vector<double> back = {0.0, 2.0, 1.0};
    EXPECT_TRUE(std::isnan(p1812::basic_transmission_loss_db({back, h, {}, {}}, q)));
    const std::vector<double> negative = {0.0, -1.0, 0.0};
    EXPECT_TRUE(std::isnan(p1812::basic_transmission_loss_db({d, h, negative, {}}, q)));
    q.time_percent = 60.0;
    EXPECT_TRUE(std::isnan(p1812::basic_transmission_loss_db({d, h, {}, {}}, q)));
    q.time_percent = 50.0;
    q.rx_height_m = 0.0;
    EXPECT_TRUE(std::isnan(p1812::basic_transmission_loss_db({d, h, {}, {}}, q)));
}

TEST(P1812, RegisteredModelNeedsAProfileAndSeesHillsAndClutter) {
    const PropagationModel* m = model_registry().find("p1812");
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->needs_profile());
    EXPECT_EQ(m->shadow_fading_sigma_db(Link{}), 0.0);
    const TerrainProfile t = hill();
    Link l = link_over(t);
    const double bare = m->path_loss_db(l);
    const double free_space =
        92.4 + 20.0 * std::log10(1.8) +
        20.0 * std::log10(std::sqrt(100.0 + std::pow((10.0 + 30.0 - 10.0 - 1.5) / 1000.0, 2.0)));
    EXPECT_GT(bare, free_space + 10.0) << "the hill diffracts";
    l.path.clutter_height_m = 15.0;
    const double cluttered = m->path_loss_db(l);
    EXPECT_GT(cluttered, bare) << "clutter on the profile adds loss";
    // Clutter heights on the profile replace the path's default.
    TerrainProfile with_clutter = t;
    with_clutter.clutter_height_m.assign(t.elevation_m.size(), 15.0);
    Link l2 = link_over(with_clutter);
    EXPECT_DOUBLE_EQ(m->path_loss_db(l2), cluttered);
    // Locations: pL = 90 % loses more than the median by about 1.28 σ_L.
    l2.path.location_percent = 90.0;
    const double sigma = p1812::location_variability_sigma_db(1.8, 1.5, 15.0, 50.0);
    EXPECT_NEAR(m->path_loss_db(l2) - cluttered, 1.2816 * sigma, 4.5e-4 * sigma + 1e-9);
    // Without a profile, or with one too short for an intermediate point: NaN.
    Link none = l;
    none.profile = nullptr;
    EXPECT_TRUE(std::isnan(m->path_loss_db(none)));
    EXPECT_TRUE(m->path_parameter_problems(l.path).empty());
    l.path.time_percent = 60.0;
    ASSERT_EQ(m->path_parameter_problems(l.path).size(), 1u);
    EXPECT_NE(m->path_parameter_problems(l.path)[0].find("time_percent in [1, 50] %, got 60"),
              std::string::npos);
}
