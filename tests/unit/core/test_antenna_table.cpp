// The tabulated antenna pattern (two cuts at 1 degree steps, as in an MSI/Planet file): linear
// interpolation between degrees, the combination rule G = G_max - min(T_H + T_V, A_floor), the
// angle conventions, tilt as a shift of the vertical cut, omnidirectional sectors, and the
// sampling of the parametric TR 38.901 pattern into a table.

#include "core/antenna.hpp"
#include "core/error.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <memory>

using namespace covsim;

namespace {

constexpr double tol_db = 1e-12;

AntennaTable::Cut flat(double db) {
    AntennaTable::Cut c{};
    c.fill(db);
    return c;
}

// A pattern whose cuts are given; G_max = 15 dBi.
AntennaPattern with_table(const AntennaTable::Cut& h, const AntennaTable::Cut& v) {
    AntennaPattern p;
    p.gain_dbi = 15.0;
    p.table = std::make_shared<const AntennaTable>(h, v);
    return p;
}

// The macro panel of test_antenna.cpp: 65 x 10 deg, SLA_V 20 dB, A_max 25 dB, 17 dBi.
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

TEST(AntennaTable, ReturnsTheTableAtWholeDegreesAndInterpolatesLinearlyBetweenThem) {
    AntennaTable::Cut h = flat(0.0);
    AntennaTable::Cut v = flat(0.0);
    h[10] = 2.0;
    h[11] = 4.0;
    h[359] = 1.0;
    v[3] = 1.5;
    v[4] = 3.5;
    v[357] = 6.0; // 3 deg above the boresight
    const AntennaTable t(h, v);
    EXPECT_DOUBLE_EQ(t.horizontal_attenuation_db(10.0), 2.0);
    EXPECT_DOUBLE_EQ(t.horizontal_attenuation_db(11.0), 4.0);
    EXPECT_NEAR(t.horizontal_attenuation_db(10.25), 2.5, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(10.5), 3.0, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(11.5), 2.0, tol_db); // from 4 at 11 to 0 at 12
    EXPECT_NEAR(t.horizontal_attenuation_db(9.5), 1.0, tol_db);  // from 0 at 9 to 2 at 10
    // Across 359 -> 0 and for any turn of the circle.
    EXPECT_NEAR(t.horizontal_attenuation_db(359.5), 0.5, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(-0.5), 0.5, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(-1.0), 1.0, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(720.0 + 10.5), 3.0, tol_db);
    EXPECT_NEAR(t.horizontal_attenuation_db(-360.0 + 10.75), 3.5, tol_db);
    EXPECT_NEAR(t.vertical_attenuation_db(3.25), 2.0, tol_db);
    EXPECT_NEAR(t.vertical_attenuation_db(-3.0), 6.0, tol_db);
    EXPECT_NEAR(t.vertical_attenuation_db(-2.5), 3.0, tol_db);
    EXPECT_TRUE(std::isnan(t.horizontal_attenuation_db(std::nan(""))));
    EXPECT_TRUE(std::isnan(t.vertical_attenuation_db(std::numeric_limits<double>::infinity())));
}

TEST(AntennaTable, AddsTheCutsAndCapsTheSumAtTheLargerOfTheirMaxima) {
    AntennaTable::Cut h = flat(0.0);
    AntennaTable::Cut v = flat(0.0);
    h[60] = 10.0;
    h[180] = 25.0; // max of the horizontal cut: A_floor = 25
    v[8] = 4.0;
    v[30] = 18.0; // max of the vertical cut
    const AntennaPattern p = with_table(h, v);
    EXPECT_DOUBLE_EQ(p.table->floor_db(), 25.0);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 0.0, false), 15.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(60.0, 0.0, false), 15.0 - 10.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(60.0, 8.0, false), 15.0 - 14.0, tol_db);  // 10 + 4 < 25
    EXPECT_NEAR(p.gain_dbi_towards(60.0, 30.0, false), 15.0 - 25.0, tol_db); // 10 + 18 > 25
    EXPECT_NEAR(p.gain_dbi_towards(180.0, 8.0, false), 15.0 - 25.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(-180.0, 0.0, false), 15.0 - 25.0, tol_db);

    // The floor is the vertical cut's maximum when that is the larger one.
    v[90] = 40.0;
    const AntennaPattern q = with_table(h, v);
    EXPECT_DOUBLE_EQ(q.table->floor_db(), 40.0);
    EXPECT_NEAR(q.gain_dbi_towards(60.0, 30.0, false), 15.0 - 28.0, tol_db); // no longer capped
    EXPECT_NEAR(q.gain_dbi_towards(180.0, 90.0, false), 15.0 - 40.0, tol_db);
    // Never below G_max - A_floor.
    for (double phi = -180.0; phi <= 180.0; phi += 3.7) {
        for (double dep = -90.0; dep <= 90.0; dep += 2.9) {
            EXPECT_GE(q.gain_dbi_towards(phi, dep, false), 15.0 - 40.0 - tol_db);
        }
    }
}

TEST(AntennaTable, AnglesFollowTheMsiConventions) {
    // Horizontal: clockwise from boresight. Vertical: 0 on the horizon, 90 straight down, 180
    // the horizon behind, 270 straight up; the kernel's offset is positive below the boresight.
    AntennaTable::Cut h = flat(0.0);
    AntennaTable::Cut v = flat(0.0);
    h[90] = 3.0;   // to the right of the boresight
    h[270] = 7.0;  // to the left
    v[90] = 11.0;  // nadir
    v[270] = 13.0; // zenith
    v[180] = 5.0;
    const AntennaPattern p = with_table(h, v);
    EXPECT_NEAR(p.gain_dbi_towards(90.0, 0.0, false), 12.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(-90.0, 0.0, false), 8.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 90.0, false), 4.0, tol_db);
    EXPECT_NEAR(p.gain_dbi_towards(0.0, -90.0, false), 2.0, tol_db);
    // Past the nadir (a large downtilt): the back half of the vertical cut.
    EXPECT_NEAR(p.gain_dbi_towards(0.0, 180.0, false), 10.0, tol_db);
    // The kernel passes bearing - azimuth: a sector at 350 deg sees bearing 80 at +90.
    EXPECT_NEAR(p.gain_dbi_towards(80.0 - 350.0, 0.0, false), 12.0, tol_db);
}

TEST(AntennaTable, TiltShiftsTheVerticalCut) {
    // A vendor file with 6 deg of electrical tilt inside its vertical cut: the beam points 6 deg
    // below the horizon. Mechanical tilt (passed by the kernel as depression - tilt) adds to it.
    AntennaTable::Cut v{};
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double off = std::remainder(static_cast<double>(i) - 6.0, 360.0);
        v[i] = std::min(12.0 * (off / 10.0) * (off / 10.0), 20.0);
    }
    const AntennaPattern p = with_table(flat(0.0), v);
    EXPECT_DOUBLE_EQ(peak_angle_deg(v), 6.0);
    for (const double mechanical : {0.0, 2.0, -3.0}) {
        double best = -1e9;
        double best_depression = 0.0;
        for (double depression = -30.0; depression <= 60.0; depression += 0.25) {
            const double g = p.gain_dbi_towards(0.0, depression - mechanical, false);
            if (g > best) {
                best = g;
                best_depression = depression;
            }
        }
        EXPECT_DOUBLE_EQ(best_depression, 6.0 + mechanical);
        EXPECT_NEAR(best, 15.0, tol_db);
        // -3 dB at half the 10 deg beamwidth either side of the tilted beam.
        const double beam_depression = 6.0 + mechanical;
        EXPECT_NEAR(p.gain_dbi_towards(0.0, (beam_depression + 5.0) - mechanical, false), 12.0,
                    tol_db);
        EXPECT_NEAR(p.gain_dbi_towards(0.0, (beam_depression - 5.0) - mechanical, false), 12.0,
                    tol_db);
    }
}

TEST(AntennaTable, OmnidirectionalSectorsIgnoreTheHorizontalCut) {
    AntennaTable::Cut h = flat(20.0);
    h[0] = 0.0;
    AntennaTable::Cut v = flat(0.0);
    v[4] = 2.0;
    const AntennaPattern p = with_table(h, v);
    for (const double phi : {0.0, 45.0, 90.0, 180.0, -135.0, 300.0}) {
        EXPECT_NEAR(p.gain_dbi_towards(phi, 4.0, true), 13.0, tol_db) << phi;
        EXPECT_NEAR(p.gain_dbi_towards(phi, 0.0, true), 15.0, tol_db) << phi;
    }
    EXPECT_NEAR(p.gain_dbi_towards(90.0, 4.0, false), 15.0 - 20.0, tol_db); // capped: 22 > 20
}

TEST(AntennaTable, IsotropicOverridesTheTable) {
    AntennaPattern p = with_table(flat(10.0), flat(10.0));
    p.isotropic = true;
    EXPECT_DOUBLE_EQ(p.gain_dbi_towards(123.0, 45.0, false), 15.0);
    EXPECT_DOUBLE_EQ(tabulate(p).floor_db(), 0.0);
}

TEST(AntennaTable, CopiesOfAPatternShareOneTable) {
    const AntennaPattern p = with_table(flat(1.0), flat(2.0));
    const AntennaPattern copy = p; // the kernel copies layers per scenario
    EXPECT_EQ(copy.table.get(), p.table.get());
    EXPECT_EQ(p.table.use_count(), 2);
    // 1 + 2 dB, capped at the larger maximum: 2 dB.
    EXPECT_DOUBLE_EQ(copy.gain_dbi_towards(0.0, 0.0, false), 13.0);
}

TEST(AntennaTable, RejectsNegativeAndNonFiniteAttenuations) {
    AntennaTable::Cut h = flat(0.0);
    h[12] = -1.0;
    try {
        const AntennaTable t(h, flat(0.0));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::input_data);
        EXPECT_STREQ(e.what(), "antenna table: horizontal attenuation at 12 deg is -1, expected a "
                               "finite attenuation >= 0 dB");
    }
    AntennaTable::Cut v = flat(0.0);
    v[300] = std::nan("");
    EXPECT_THROW(AntennaTable(flat(0.0), v), Error);
}

TEST(AntennaTable, TabulatedParametricPatternEqualsItAtWholeDegrees) {
    AntennaPattern wide_sla = macro_panel();
    wide_sla.side_lobe_level_db = 40.0; // > A_max: the vertical cut is capped at A_max too
    for (const AntennaPattern& param : {macro_panel(), tr38901_element_pattern(), wide_sla}) {
        AntennaPattern tab = param;
        tab.table = std::make_shared<const AntennaTable>(tabulate(param));
        EXPECT_DOUBLE_EQ(tab.table->floor_db(), param.max_attenuation_db);
        for (int phi = -180; phi <= 180; ++phi) {
            for (int v = -90; v <= 90; ++v) {
                ASSERT_NEAR(tab.gain_dbi_towards(phi, v, false),
                            param.gain_dbi_towards(phi, v, false), 1e-9)
                    << phi << ' ' << v;
                ASSERT_NEAR(tab.gain_dbi_towards(phi, v, true),
                            param.gain_dbi_towards(phi, v, true), 1e-9)
                    << phi << ' ' << v;
            }
        }
    }
}

TEST(AntennaTable, MeasuresHalfPowerBeamwidthAndPeak) {
    const AntennaTable t = tabulate(macro_panel());
    EXPECT_NEAR(half_power_beamwidth_deg(t.horizontal_db()), 65.0, 0.02);
    EXPECT_NEAR(half_power_beamwidth_deg(t.vertical_db()), 10.0, 0.02);
    EXPECT_DOUBLE_EQ(half_power_beamwidth_deg(flat(0.0)), 360.0);
    EXPECT_DOUBLE_EQ(peak_angle_deg(t.vertical_db()), 0.0);
    AntennaTable::Cut up = flat(10.0);
    up[357] = 0.0;
    EXPECT_DOUBLE_EQ(peak_angle_deg(up), -3.0);
    // An asymmetric lobe: 0 dB at 0, 2 dB at +-1, 4 dB at 2, 6 dB at -2 -> widths 1.5 and 1.25.
    AntennaTable::Cut lobe = flat(20.0);
    lobe[0] = 0.0;
    lobe[1] = 2.0;
    lobe[2] = 4.0;
    lobe[359] = 2.0;
    lobe[358] = 6.0;
    EXPECT_NEAR(half_power_beamwidth_deg(lobe), 1.5 + 1.25, 1e-12);
}
