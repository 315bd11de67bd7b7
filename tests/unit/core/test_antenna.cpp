// The parametric sector pattern of 3GPP TR 38.901 V17.0.0 Table 7.3-1. Expected gains follow
// from the table's definitions by hand (-3 dB at half the beamwidth, -12 dB at the beamwidth);
// the 3-D pattern (the cuts added, their sum capped at A_max) is compared with
// tests/unit/core/reference/model_reference_values.py in test_reference_values.cpp.

#include "core/antenna.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <gtest/gtest.h>

using namespace covsim;

namespace {

constexpr double tol_db = 1e-9;

// A macro panel as in TR 36.814 Table A.2.1.1-2: 10 deg vertical beam, SLA_V 20 dB,
// A_max 25 dB, 17 dBi.
AntennaPattern macro_panel() {
    AntennaPattern p;
    p.horizontal_beamwidth_deg = 65.0;
    p.vertical_beamwidth_deg = 10.0;
    p.side_lobe_level_db = 20.0;
    p.max_attenuation_db = 25.0;
    p.gain_dbi = 17.0;
    return p;
}

} // namespace

TEST(AntennaPattern, Table731ElementParameters) {
    const AntennaPattern e = tr38901_element_pattern();
    EXPECT_FALSE(e.isotropic);
    EXPECT_DOUBLE_EQ(e.horizontal_beamwidth_deg, 65.0); // phi_3dB
    EXPECT_DOUBLE_EQ(e.vertical_beamwidth_deg, 65.0);   // theta_3dB
    EXPECT_DOUBLE_EQ(e.max_attenuation_db, 30.0);       // A_max
    EXPECT_DOUBLE_EQ(e.side_lobe_level_db, 30.0);       // SLA_V
    EXPECT_DOUBLE_EQ(e.gain_dbi, 8.0);                  // G_E,max
    // The default-constructed pattern is that element.
    const AntennaPattern d;
    EXPECT_EQ(d.isotropic, e.isotropic);
    EXPECT_DOUBLE_EQ(d.horizontal_beamwidth_deg, e.horizontal_beamwidth_deg);
    EXPECT_DOUBLE_EQ(d.vertical_beamwidth_deg, e.vertical_beamwidth_deg);
    EXPECT_DOUBLE_EQ(d.max_attenuation_db, e.max_attenuation_db);
    EXPECT_DOUBLE_EQ(d.side_lobe_level_db, e.side_lobe_level_db);
    EXPECT_DOUBLE_EQ(d.gain_dbi, e.gain_dbi);
}

TEST(AntennaPattern, BoresightGainIsGmax) {
    EXPECT_NEAR(tr38901_element_pattern().gain_dbi_towards(0.0, 0.0, false), 8.0, tol_db);
    EXPECT_NEAR(macro_panel().gain_dbi_towards(0.0, 0.0, false), 17.0, tol_db);
}

TEST(AntennaPattern, HorizontalCutIsMinus3dBAtHalfTheBeamwidthAndMinus12AtTheBeamwidth) {
    const AntennaPattern e = tr38901_element_pattern();
    EXPECT_NEAR(e.gain_dbi_towards(32.5, 0.0, false), 8.0 - 3.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-32.5, 0.0, false), 8.0 - 3.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(65.0, 0.0, false), 8.0 - 12.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-65.0, 0.0, false), 8.0 - 12.0, tol_db);
    AntennaPattern narrow = e;
    narrow.horizontal_beamwidth_deg = 33.0;
    EXPECT_NEAR(narrow.gain_dbi_towards(16.5, 0.0, false), 8.0 - 3.0, tol_db);
    EXPECT_NEAR(narrow.gain_dbi_towards(33.0, 0.0, false), 8.0 - 12.0, tol_db);
}

TEST(AntennaPattern, VerticalCutIsMinus3dBAtHalfTheBeamwidthAndCappedAtSlaV) {
    const AntennaPattern p = macro_panel();
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 5.0, false), 17.0 - 3.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, -5.0, false), 17.0 - 3.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 10.0, false), 17.0 - 12.0, tol_db);
    // 12 (20/10)^2 = 48 dB is beyond SLA_V = 20 dB.
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 20.0, false), 17.0 - 20.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, -60.0, false), 17.0 - 20.0, tol_db);
}

TEST(AntennaPattern, HorizontalAttenuationIsCappedAtAmaxIncludingTheBackLobe) {
    const AntennaPattern e = tr38901_element_pattern();
    // 12 (180/65)^2 = 92 dB -> A_max = 30 dB.
    EXPECT_NEAR(e.gain_dbi_towards(180.0, 0.0, false), 8.0 - 30.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-180.0, 0.0, false), 8.0 - 30.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(120.0, 0.0, false), 8.0 - 30.0, tol_db);
    // 12 (100/65)^2 = 28.40 dB: still below the cap.
    EXPECT_NEAR(e.gain_dbi_towards(100.0, 0.0, false), 8.0 - 12.0 * (100.0 / 65.0) * (100.0 / 65.0),
                tol_db);
    // The front-to-back ratio is A_max for any pattern.
    const AntennaPattern p = macro_panel();
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 0.0, false) - p.gain_dbi_towards(180.0, 0.0, false), 25.0,
                tol_db);
}

TEST(AntennaPattern, GainNeverFallsBelowGmaxMinusAmax) {
    const AntennaPattern p = macro_panel();
    for (double phi = -180.0; phi <= 180.0; phi += 7.5) {
        for (double v = -90.0; v <= 90.0; v += 2.5) {
            const double g = p.gain_dbi_towards(phi, v, false);
            EXPECT_GE(g, 17.0 - 25.0 - tol_db) << phi << ' ' << v;
            EXPECT_LE(g, 17.0 + tol_db) << phi << ' ' << v;
        }
    }
}

TEST(AntennaPattern, TiltShiftsTheVerticalCutSoTheGainPeaksAtTheTiltAngle) {
    // The kernel passes (depression angle - mechanical tilt - electrical tilt). With 4 + 2 deg of
    // tilt, the gain is largest for a receiver 6 deg below the horizon and symmetric about it.
    const AntennaPattern p = macro_panel();
    const double tilt_deg = 4.0 + 2.0;
    double best_gain = -1e9;
    double best_depression = -1e9;
    for (double depression = -30.0; depression <= 60.0; depression += 0.5) {
        const double g = p.gain_dbi_towards(0.0, depression - tilt_deg, false);
        if (g > best_gain) {
            best_gain = g;
            best_depression = depression;
        }
    }
    EXPECT_DOUBLE_EQ(best_depression, tilt_deg);
    EXPECT_NEAR(best_gain, 17.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 1.0 - tilt_deg, false), 17.0 - 3.0, tol_db);  // 5 above
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 11.0 - tilt_deg, false), 17.0 - 3.0, tol_db); // 5 below
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 0.0 - tilt_deg, false), 17.0 - 12.0 * 0.36, tol_db);
}

TEST(AntennaPattern, OmnidirectionalSectorsIgnoreAzimuth) {
    const AntennaPattern p = macro_panel();
    for (const double v : {0.0, 3.0, -7.0, 25.0}) {
        const double front = p.gain_dbi_towards(0.0, v, true);
        for (const double phi : {45.0, 90.0, 180.0, -135.0, 300.0}) {
            EXPECT_DOUBLE_EQ(p.gain_dbi_towards(phi, v, true), front) << phi << ' ' << v;
        }
        // ... but keep the vertical cut.
        EXPECT_NEAR(front, 17.0 - std::min(12.0 * (v / 10.0) * (v / 10.0), 20.0), tol_db) << v;
    }
    EXPECT_LT(p.gain_dbi_towards(180.0, 0.0, false), p.gain_dbi_towards(180.0, 0.0, true));
}

TEST(AntennaPattern, IsotropicHasTheSameGainEverywhere) {
    AntennaPattern p = macro_panel();
    p.isotropic = true;
    p.gain_dbi = 2.15;
    for (const double phi : {0.0, 33.0, 180.0, -90.0}) {
        for (const double v : {0.0, 10.0, -45.0, 90.0}) {
            EXPECT_DOUBLE_EQ(p.gain_dbi_towards(phi, v, false), 2.15);
            EXPECT_DOUBLE_EQ(p.gain_dbi_towards(phi, v, true), 2.15);
        }
    }
}

TEST(AntennaPattern, AzimuthOffsetsWrapAround) {
    const AntennaPattern e = tr38901_element_pattern();
    const double at_10 = e.gain_dbi_towards(10.0, 0.0, false);
    EXPECT_NEAR(at_10, 8.0 - 12.0 * (10.0 / 65.0) * (10.0 / 65.0), tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(350.0, 0.0, false), at_10, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-10.0, 0.0, false), at_10, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(370.0, 0.0, false), at_10, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-350.0, 0.0, false), at_10, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(720.0 + 32.5, 0.0, false), 5.0, tol_db);
    EXPECT_NEAR(e.gain_dbi_towards(-190.0, 0.0, false), e.gain_dbi_towards(170.0, 0.0, false),
                tol_db);
    // A sector pointing at 350 deg serves a receiver due north (bearing 0) 10 deg off boresight.
    EXPECT_NEAR(e.gain_dbi_towards(0.0 - 350.0, 0.0, false), at_10, tol_db);
}
