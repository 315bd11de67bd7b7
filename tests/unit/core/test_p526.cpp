// P.526-15 diffraction (engine/core/propagation/p526.hpp) on cases with known answers; the
// comparison with P.1812-6's reference values is tests/validation/test_p526.cpp.
//
// J(ν) and ν below were computed independently from eqs. (31) and (26) with Python's math
// module, e.g. for J:
//   python3 -c "import math; v=1.0; print(6.9+20*math.log10(math.sqrt((v-0.1)**2+1)+v-0.1))"

#include "core/propagation/p526.hpp"
#include "core/propagation/terrain_profile.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <gtest/gtest.h>
#include <limits>
#include <utility>
#include <vector>

using namespace covsim;

namespace {

TerrainProfile flat_profile(double length_m, std::size_t intervals, double elevation_m = 0.0) {
    TerrainProfile p;
    p.spacing_m = length_m / static_cast<double>(intervals);
    p.elevation_m.assign(intervals + 1, elevation_m);
    return p;
}

// A flat 10 km profile, 200 intervals, with a triangular ridge of the given height whose
// crest is at 6 km and whose flanks are 1 km long.
TerrainProfile ridge_profile(double ridge_height_m) {
    TerrainProfile p = flat_profile(10'000.0, 200);
    for (std::size_t i = 0; i < p.elevation_m.size(); ++i) {
        const double from_crest_m = std::abs(p.distance_m(i) - 6000.0);
        p.elevation_m[i] = ridge_height_m * std::max(0.0, 1.0 - from_crest_m / 1000.0);
    }
    return p;
}

double bullington_correction_db(double j_db, double d_km) {
    return j_db + (1.0 - std::exp(-j_db / 6.0)) * (10.0 + 0.02 * d_km);
}

} // namespace

// ---- Knife edge, §4.1 ------------------------------------------------------------------------

TEST(P526KnifeEdge, LossAtGrazingIncidenceIsSixDecibels) {
    // The exact J(0) is 20 log10(2) = 6.02 dB; eq. (31) approximates it within 0.03 dB.
    EXPECT_NEAR(p526::knife_edge_loss_db(0.0), 6.02, 0.03);
}

TEST(P526KnifeEdge, MatchesEquation31) {
    const std::array<std::pair<double, double>, 8> cases = {{{-0.7, 0.5361243866759882},
                                                             {-0.5, 1.9592497062281762},
                                                             {0.0, 6.032852208563606},
                                                             {0.5, 10.28780374247584},
                                                             {1.0, 13.925728934959924},
                                                             {2.0, 19.04285951355327},
                                                             {3.0, 22.415953831648622},
                                                             {5.0, 26.813581122522585}}};
    for (const auto& [nu, expected_db] : cases) {
        EXPECT_NEAR(p526::knife_edge_loss_db(nu), expected_db, 1e-12) << "nu = " << nu;
    }
}

TEST(P526KnifeEdge, IsZeroAtAndBelowTheApproximationsLimit) {
    EXPECT_EQ(p526::knife_edge_loss_db(-0.78), 0.0);
    EXPECT_EQ(p526::knife_edge_loss_db(-1.0), 0.0);
    EXPECT_EQ(p526::knife_edge_loss_db(-50.0), 0.0);
    // Continuous there: eq. (31) is 0.005 dB at ν = −0.78.
    EXPECT_NEAR(p526::knife_edge_loss_db(-0.7799999), 0.0, 0.01);
    EXPECT_TRUE(std::isnan(p526::knife_edge_loss_db(std::nan(""))));
}

TEST(P526KnifeEdge, DiffractionParameterFollowsEquation26) {
    // h = 10 m, d1 = d2 = 1 km, 300 MHz (λ = 0.99931 m).
    EXPECT_NEAR(p526::diffraction_parameter(10.0, 1000.0, 1000.0, 300.0), 0.6326744140849877,
                1e-14);
    EXPECT_NEAR(p526::diffraction_parameter(-10.0, 1000.0, 1000.0, 300.0), -0.6326744140849877,
                1e-14);
    EXPECT_TRUE(std::isnan(p526::diffraction_parameter(10.0, 0.0, 1000.0, 300.0)));
    EXPECT_TRUE(std::isnan(p526::diffraction_parameter(10.0, 1000.0, 1000.0, -1.0)));
}

// ---- Bullington, §4.5.1 ----------------------------------------------------------------------

TEST(P526Bullington, SingleKnifeEdgeOnFlatEarthGivesJOfThatEdge) {
    // A 5 km flat profile at 100 m elevation with one sample raised at 2 km; antennas 10 m
    // above ground, so the direct ray is 110 m above sea level everywhere. The Bullington point
    // is the edge itself, ν_b is ν of eq. (26) for the edge's height above the ray, and
    // L_uc = J(ν): an obstructing edge (transhorizon case) and one just below the ray
    // (line-of-sight case, ν > −0.78).
    for (const double edge_m : {125.0, 109.5}) {
        TerrainProfile p = flat_profile(5000.0, 50, 100.0);
        p.elevation_m[20] = edge_m;
        const double nu = p526::diffraction_parameter(edge_m - 110.0, 2000.0, 3000.0, 900.0);
        const p526::BullingtonResult r =
            p526::bullington(p, 10.0, 10.0, 900.0, p526::flat_earth_radius_m);
        EXPECT_EQ(r.line_of_sight, edge_m < 110.0) << edge_m;
        EXPECT_NEAR(r.nu, nu, 1e-12) << edge_m;
        EXPECT_NEAR(r.knife_edge_loss_db, p526::knife_edge_loss_db(nu), 1e-10) << edge_m;
        EXPECT_NEAR(r.loss_db, bullington_correction_db(p526::knife_edge_loss_db(nu), 5.0), 1e-10)
            << edge_m;
    }
}

TEST(P526Bullington, GrazingEdgeBlocksAndCostsSixDecibels) {
    // Flat earth, antennas 10 m above flat ground, a 10 m edge half way: it touches the ray,
    // which is not line of sight (S_tim = S_tr), and ν = 0 gives J(0).
    TerrainProfile p = flat_profile(2000.0, 20);
    p.elevation_m[10] = 10.0;
    const p526::BullingtonResult r =
        p526::bullington(p, 10.0, 10.0, 900.0, p526::flat_earth_radius_m);
    EXPECT_FALSE(r.line_of_sight);
    EXPECT_FALSE(p526::line_of_sight(p, 10.0, 10.0, p526::flat_earth_radius_m));
    EXPECT_EQ(r.nu, 0.0);
    EXPECT_NEAR(r.knife_edge_loss_db, 6.032852208563606, 1e-12);
}

TEST(P526Bullington, EarthBulgeRaisesTheEdge) {
    // The same edge on the default 8500 km Earth: its effective height above the ray grows by
    // the bulge d1 d2 / (2 a_e) = 2000 × 3000 / 17e6 = 0.353 m.
    TerrainProfile p = flat_profile(5000.0, 50, 100.0);
    p.elevation_m[20] = 125.0;
    const double bulge_m = 2000.0 * 3000.0 / (2.0 * p526::default_earth_radius_m);
    const double nu = p526::diffraction_parameter(15.0 + bulge_m, 2000.0, 3000.0, 900.0);
    const p526::BullingtonResult r = p526::bullington(p, 10.0, 10.0, 900.0);
    EXPECT_NEAR(r.nu, nu, 1e-12);
    EXPECT_NEAR(r.knife_edge_loss_db, p526::knife_edge_loss_db(nu), 1e-10);
}

TEST(P526Bullington, TwoEdgesMeetAtTheBullingtonPoint) {
    // Flat earth, ground at 0, antennas at 0 + 10 m; edges of 30 m at 1 km and 4 km on a 5 km
    // path. The transmitter's steepest slope (30 − 10)/1000 and the receiver's (30 − 10)/1000
    // meet half way, 2.5 km out and 10 + 0.02 × 2500 = 60 m high: ν_b for 50 m above the ray.
    TerrainProfile p = flat_profile(5000.0, 50);
    p.elevation_m[10] = 30.0;
    p.elevation_m[40] = 30.0;
    const double nu = p526::diffraction_parameter(50.0, 2500.0, 2500.0, 900.0);
    const p526::BullingtonResult r =
        p526::bullington(p, 10.0, 10.0, 900.0, p526::flat_earth_radius_m);
    EXPECT_FALSE(r.line_of_sight);
    EXPECT_NEAR(r.nu, nu, 1e-9);
}

// ---- Line of sight ---------------------------------------------------------------------------

TEST(P526LineOfSight, FlatEarthShortPathWithClearanceHasNoDiffractionLoss) {
    const TerrainProfile p = flat_profile(1000.0, 100, 10.0);
    for (const double radius_m : {p526::flat_earth_radius_m, p526::default_earth_radius_m}) {
        EXPECT_TRUE(p526::line_of_sight(p, 30.0, 1.5, radius_m));
        const p526::DeltaBullingtonResult r =
            p526::delta_bullington(p, 30.0, 1.5, 3500.0, radius_m);
        EXPECT_TRUE(r.line_of_sight);
        EXPECT_NEAR(r.loss_db, 0.0, 1e-12) << radius_m;
        EXPECT_NEAR(p526::delta_bullington_loss_db(p, 30.0, 1.5, 3500.0, radius_m), 0.0, 1e-12);
    }
}

TEST(P526LineOfSight, RidgeBlocksAndLossGrowsWithItsHeight) {
    // Antennas 30 m and 1.5 m above a flat 10 km path: the ray is 12.9 m high at the crest
    // (6 km), the 8500 km Earth bulge there 1.41 m.
    EXPECT_TRUE(p526::line_of_sight(ridge_profile(0.0), 30.0, 1.5));
    EXPECT_TRUE(p526::line_of_sight(ridge_profile(11.0), 30.0, 1.5));
    EXPECT_FALSE(p526::line_of_sight(ridge_profile(11.6), 30.0, 1.5));
    double previous_db = p526::delta_bullington_loss_db(ridge_profile(0.0), 30.0, 1.5, 900.0);
    for (const double height_m : {20.0, 50.0, 100.0, 200.0}) {
        const TerrainProfile p = ridge_profile(height_m);
        EXPECT_FALSE(p526::line_of_sight(p, 30.0, 1.5)) << height_m;
        const double loss_db = p526::delta_bullington_loss_db(p, 30.0, 1.5, 900.0);
        EXPECT_GT(loss_db, previous_db + 1.0) << height_m;
        previous_db = loss_db;
    }
}

TEST(P526LineOfSight, AgreesWithTheBullingtonCase) {
    for (const double height_m : {0.0, 5.0, 11.0, 11.6, 30.0}) {
        const TerrainProfile p = ridge_profile(height_m);
        EXPECT_EQ(p526::line_of_sight(p, 30.0, 1.5),
                  p526::bullington(p, 30.0, 1.5, 900.0).line_of_sight)
            << height_m;
    }
}

TEST(P526LineOfSight, ProfileWithoutIntermediateSamplesIsClear) {
    const TerrainProfile p = flat_profile(500.0, 1);
    EXPECT_TRUE(p526::line_of_sight(p, 10.0, 10.0));
    EXPECT_EQ(p526::bullington(p, 10.0, 10.0, 900.0).loss_db, 0.0);
}

// ---- Delta-Bullington, §4.5.2 ----------------------------------------------------------------

TEST(P526DeltaBullington, IsReciprocal) {
    TerrainProfile p = ridge_profile(80.0);
    for (std::size_t i = 0; i < p.elevation_m.size(); ++i) {
        p.elevation_m[i] += 0.01 * p.distance_m(i); // a slope, so the ends differ
    }
    TerrainProfile reversed = p;
    std::reverse(reversed.elevation_m.begin(), reversed.elevation_m.end());
    const double forward_db = p526::delta_bullington_loss_db(p, 40.0, 2.0, 700.0);
    const double backward_db = p526::delta_bullington_loss_db(reversed, 2.0, 40.0, 700.0);
    EXPECT_GT(forward_db, 10.0);
    EXPECT_NEAR(forward_db, backward_db, 1e-9);
}

TEST(P526DeltaBullington, FlatEarthIsTheBullingtonLossOfTheProfile) {
    const TerrainProfile p = ridge_profile(60.0);
    const p526::DeltaBullingtonResult r =
        p526::delta_bullington(p, 30.0, 1.5, 900.0, p526::flat_earth_radius_m);
    EXPECT_EQ(r.spherical_earth_db, 0.0);
    EXPECT_EQ(r.loss_db, r.bullington_actual_db);
    EXPECT_EQ(r.bullington_actual_db,
              p526::bullington(p, 30.0, 1.5, 900.0, p526::flat_earth_radius_m).loss_db);
}

TEST(P526DeltaBullington, SmoothEarthBeyondTheHorizonAddsTheSphericalExcess) {
    // A flat 60 km path with 10 m antennas is beyond the 8500 km Earth's radio horizon
    // (d_los = 26 km): the loss is L_ba + (L_sph − L_bs) with a positive excess.
    const TerrainProfile p = flat_profile(60'000.0, 600);
    const p526::DeltaBullingtonResult r = p526::delta_bullington(p, 10.0, 10.0, 900.0);
    EXPECT_FALSE(r.line_of_sight);
    EXPECT_DOUBLE_EQ(r.smooth_tx_height_m, 0.0);
    EXPECT_DOUBLE_EQ(r.smooth_rx_height_m, 0.0);
    EXPECT_GT(r.spherical_earth_db, r.bullington_smooth_db);
    EXPECT_NEAR(r.loss_db, r.bullington_actual_db + r.spherical_earth_db - r.bullington_smooth_db,
                1e-12);
    EXPECT_NEAR(
        r.spherical_earth_db,
        p526::spherical_earth_loss_db(60'000.0, 10.0, 10.0, 900.0, p526::default_earth_radius_m),
        1e-12);
}

TEST(P526DeltaBullington, SphericalTermNeverLowersTheLoss) {
    // A flat 100 km path, 500 m and 5 m antennas at 30 GHz: the smooth-profile Bullington loss
    // exceeds the spherical-Earth loss, and L = L_ba + max(L_sph − L_bs, 0) keeps L_ba.
    const TerrainProfile p = flat_profile(100'000.0, 1000);
    const p526::DeltaBullingtonResult r = p526::delta_bullington(p, 500.0, 5.0, 30'000.0);
    EXPECT_GT(r.bullington_smooth_db, r.spherical_earth_db + 0.1);
    EXPECT_EQ(r.loss_db, r.bullington_actual_db);
}

TEST(P526DeltaBullington, ClutterRaisesOnlyTheActualProfileLoss) {
    const TerrainProfile p = ridge_profile(20.0);
    const std::vector<double> clutter(p.elevation_m.size(), 15.0);
    p526::DiffractionOptions with_clutter;
    with_clutter.clutter_height_m = clutter;
    const p526::DeltaBullingtonResult bare = p526::delta_bullington(p, 30.0, 1.5, 900.0);
    const p526::DeltaBullingtonResult cluttered =
        p526::delta_bullington(p, 30.0, 1.5, 900.0, p526::default_earth_radius_m, with_clutter);
    EXPECT_GT(cluttered.bullington_actual_db, bare.bullington_actual_db + 1.0);
    EXPECT_EQ(cluttered.bullington_smooth_db, bare.bullington_smooth_db);
    EXPECT_EQ(cluttered.spherical_earth_db, bare.spherical_earth_db);
    EXPECT_EQ(cluttered.smooth_tx_height_m, bare.smooth_tx_height_m);

    // Clutter on the terminal samples only: Bullington reads intermediate samples alone.
    std::vector<double> at_ends;
    for (std::size_t i = 0; i <= p.intervals(); ++i) {
        at_ends.push_back(i == 0 || i == p.intervals() ? 30.0 : 0.0);
    }
    p526::DiffractionOptions ends;
    ends.clutter_height_m = at_ends;
    EXPECT_EQ(
        p526::delta_bullington_loss_db(p, 30.0, 1.5, 900.0, p526::default_earth_radius_m, ends),
        bare.loss_db);
}

// ---- Smooth spherical Earth, §3.2 ------------------------------------------------------------

TEST(P526SphericalEarth, ClearShortPathHasNoLoss) {
    // 2 km, 30 m and 10 m antennas, 3.5 GHz: the clearance exceeds h_req everywhere.
    EXPECT_EQ(
        p526::spherical_earth_loss_db(2000.0, 30.0, 10.0, 3500.0, p526::default_earth_radius_m),
        0.0);
    EXPECT_EQ(p526::spherical_earth_loss_db(80'000.0, 10.0, 10.0, 900.0, p526::flat_earth_radius_m),
              0.0);
}

TEST(P526SphericalEarth, LowAntennaInsideTheFresnelZoneSeesALittleLoss) {
    // A 1.5 m receiver 2 km from a 30 m mast at 900 MHz: the Earth's surface is inside
    // 0.552 sqrt(d1 d2 λ / d) of the ray near the receiver, so §3.2 interpolates a small loss,
    // which vanishes as the receiver rises.
    const double a_e = p526::default_earth_radius_m;
    const double low_db = p526::spherical_earth_loss_db(2000.0, 30.0, 1.5, 900.0, a_e);
    EXPECT_GT(low_db, 0.5);
    EXPECT_LT(low_db, 3.0);
    EXPECT_LT(p526::spherical_earth_loss_db(2000.0, 30.0, 3.0, 900.0, a_e), low_db);
    EXPECT_EQ(p526::spherical_earth_loss_db(2000.0, 30.0, 20.0, 900.0, a_e), 0.0);
}

TEST(P526SphericalEarth, GrowsWithDistanceAndFallsWithHeight) {
    double previous_db = 0.0;
    for (const double d_km : {20.0, 30.0, 50.0, 80.0, 120.0}) {
        const double loss_db = p526::spherical_earth_loss_db(1000.0 * d_km, 10.0, 10.0, 900.0,
                                                             p526::default_earth_radius_m);
        EXPECT_GT(loss_db, previous_db) << d_km;
        previous_db = loss_db;
    }
    EXPECT_LT(
        p526::spherical_earth_loss_db(50'000.0, 50.0, 10.0, 900.0, p526::default_earth_radius_m),
        p526::spherical_earth_loss_db(50'000.0, 10.0, 10.0, 900.0, p526::default_earth_radius_m));
}

TEST(P526SphericalEarth, PolarizationMattersOnlyAtLowFrequencyOverSea) {
    // At 30 MHz over sea the surface admittance K_V is large and vertical polarization
    // diffracts with less loss; at 3 GHz over land both give the same loss within 0.1 dB.
    const double a_e = p526::default_earth_radius_m;
    const double h_sea = p526::spherical_earth_loss_db(100'000.0, 10.0, 10.0, 30.0, a_e,
                                                       p526::Polarization::horizontal, p526::sea);
    const double v_sea = p526::spherical_earth_loss_db(100'000.0, 10.0, 10.0, 30.0, a_e,
                                                       p526::Polarization::vertical, p526::sea);
    EXPECT_GT(h_sea, v_sea + 3.0);
    const double h_land = p526::spherical_earth_loss_db(100'000.0, 10.0, 10.0, 3000.0, a_e);
    const double v_land = p526::spherical_earth_loss_db(100'000.0, 10.0, 10.0, 3000.0, a_e,
                                                        p526::Polarization::vertical);
    EXPECT_NEAR(h_land, v_land, 0.1);
}

// ---- Invalid input ---------------------------------------------------------------------------

TEST(P526InvalidInput, GivesNaNAndNoLineOfSight) {
    const TerrainProfile good = flat_profile(1000.0, 10);
    TerrainProfile one_sample = good;
    one_sample.elevation_m.resize(1);
    TerrainProfile zero_spacing = good;
    zero_spacing.spacing_m = 0.0;
    TerrainProfile nan_elevation = good;
    nan_elevation.elevation_m[3] = std::nan("");
    for (const TerrainProfile* p : {&one_sample, &zero_spacing, &nan_elevation}) {
        EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(*p, 10.0, 10.0, 900.0)));
        EXPECT_TRUE(std::isnan(p526::bullington(*p, 10.0, 10.0, 900.0).loss_db));
        EXPECT_FALSE(p526::line_of_sight(*p, 10.0, 10.0));
    }
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(good, 0.0, 10.0, 900.0)));
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(good, 10.0, -1.0, 900.0)));
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(good, 10.0, 10.0, 0.0)));
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(good, 10.0, 10.0, 900.0, 0.0)));
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(good, 10.0, 10.0, 900.0, std::nan(""))));
    const std::vector<double> short_clutter(3, 5.0);
    p526::DiffractionOptions bad_clutter;
    bad_clutter.clutter_height_m = short_clutter;
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(
        good, 10.0, 10.0, 900.0, p526::default_earth_radius_m, bad_clutter)));
    EXPECT_TRUE(std::isnan(
        p526::spherical_earth_loss_db(-1.0, 10.0, 10.0, 900.0, p526::default_earth_radius_m)));
    EXPECT_TRUE(std::isnan(p526::spherical_earth_loss_db(
        50'000.0, 10.0, 10.0, 900.0, p526::default_earth_radius_m, p526::Polarization::horizontal,
        p526::GroundConstants{1.0, 0.0})));
    p526::DiffractionOptions bad_ground;
    bad_ground.ground = p526::GroundConstants{0.5, 0.003};
    EXPECT_TRUE(std::isnan(p526::delta_bullington_loss_db(
        good, 10.0, 10.0, 900.0, p526::default_earth_radius_m, bad_ground)));
}
