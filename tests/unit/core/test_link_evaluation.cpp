// evaluate_link(): one link as an area run evaluates it (core/propagation/link_evaluation.hpp).

#include "core/propagation/link_evaluation.hpp"
#include "core/propagation/p526.hpp"
#include "core/propagation/registry.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>
#include <string_view>

using namespace covsim;

namespace {

const PropagationModel& model(std::string_view name) {
    const PropagationModel* m = model_registry().find(name);
    if (m == nullptr) {
        throw std::logic_error("model not registered: " + std::string(name));
    }
    return *m;
}

Link make_link(double frequency_mhz, double distance_m, double tx_height_m, double rx_height_m) {
    Link l;
    l.frequency_mhz = frequency_mhz;
    l.distance_m = distance_m;
    l.tx_height_m = tx_height_m;
    l.rx_height_m = rx_height_m;
    return l;
}

// 4 km over flat ground with a 60 m ridge half way (tests/cli's ridge.csv, sampled every
// 666.7 m): no line of sight from 30 m to 1.5 m.
TerrainProfile ridge() {
    return {4000.0 / 6.0, {0.0, 0.0, 0.0, 60.0, 0.0, 0.0, 0.0}, {}, {}};
}

} // namespace

TEST(EvaluateLink, WithoutAProfileItIsTheModelsLossOverTheSlantDistance) {
    const LinkEvaluation e =
        evaluate_link(model("free-space"), make_link(1000.0, 1000.0, 10.0, 10.0));
    EXPECT_NEAR(e.path_loss_db, 92.4477832219, 1e-6); // P.525, model_reference_values.py
    EXPECT_EQ(e.distance_3d_m, 1000.0);
    EXPECT_FALSE(e.terrain_correction_db.has_value());
    EXPECT_FALSE(e.line_of_sight.has_value());
    EXPECT_TRUE(e.warnings.empty());

    const LinkEvaluation slant =
        evaluate_link(model("3gpp-38901-rma"), make_link(700.0, 4000.0, 30.0, 1.5));
    EXPECT_NEAR(slant.distance_3d_m, 4000.1015299614583, 1e-9); // sqrt(4000² + 28.5²)
}

TEST(EvaluateLink, WarnsOutsideTheValidityRangeAndEvaluatesAnyway) {
    const Link link = make_link(3500.0, 2000.0, 30.0, 1.5);
    const LinkEvaluation e = evaluate_link(model("cost231-hata"), link);
    ASSERT_EQ(e.warnings.size(), 1u);
    EXPECT_EQ(e.warnings[0],
              "frequency_mhz = 3500 is outside cost231-hata's validity range [1500, 2000]");
    EXPECT_EQ(e.path_loss_db, model("cost231-hata").path_loss_db(link));
    EXPECT_NEAR(e.path_loss_db, 159.56, 0.005); // as `covsim link` prints it
}

TEST(EvaluateLink, AModelThatDoesNotSeeTerrainGetsTheP526TerrainExcessOverAProfile) {
    const TerrainProfile profile = ridge();
    Link link = make_link(700.0, profile.length_m(), 30.0, 1.5);
    const double flat_db = model("3gpp-38901-rma").path_loss_db(link);
    link.profile = &profile;
    const LinkEvaluation e = evaluate_link(model("3gpp-38901-rma"), link);

    const p526::DeltaBullingtonResult d = p526::delta_bullington(profile, 30.0, 1.5, 700.0);
    ASSERT_TRUE(e.terrain_correction_db.has_value());
    EXPECT_EQ(*e.terrain_correction_db, d.bullington_actual_db - d.bullington_smooth_db);
    EXPECT_NEAR(*e.terrain_correction_db, 32.37251696651736, 1e-6);
    EXPECT_EQ(e.path_loss_db, flat_db + *e.terrain_correction_db);
    // The RMa mixture median at 4 km, 700 MHz (model_reference_values.py) plus the excess.
    EXPECT_NEAR(e.path_loss_db, 173.67075181973115, 1e-6);
    ASSERT_TRUE(e.line_of_sight.has_value());
    EXPECT_FALSE(*e.line_of_sight);
}

TEST(EvaluateLink, FlatGroundAddsNothingAndIsInSight) {
    const TerrainProfile flat{1000.0, {10.0, 10.0, 10.0, 10.0}, {}, {}};
    Link link = make_link(1800.0, flat.length_m(), 30.0, 1.5);
    const double without_db = model("cost231-hata").path_loss_db(link);
    link.profile = &flat;
    const LinkEvaluation e = evaluate_link(model("cost231-hata"), link);
    ASSERT_TRUE(e.terrain_correction_db.has_value());
    EXPECT_EQ(*e.terrain_correction_db, 0.0);
    EXPECT_EQ(e.path_loss_db, without_db);
    ASSERT_TRUE(e.line_of_sight.has_value());
    EXPECT_TRUE(*e.line_of_sight);
}

TEST(EvaluateLink, ATerrainAwareModelGetsNoExcessOnTop) {
    const TerrainProfile profile = ridge();
    Link link = make_link(900.0, profile.length_m(), 30.0, 1.5);
    link.profile = &profile;
    const LinkEvaluation e = evaluate_link(model("p526"), link);
    EXPECT_FALSE(e.terrain_correction_db.has_value());
    EXPECT_EQ(e.path_loss_db, model("p526").path_loss_db(link));
    EXPECT_NEAR(e.path_loss_db, 137.05814077575548, 1e-6);
    ASSERT_TRUE(e.line_of_sight.has_value());
    EXPECT_FALSE(*e.line_of_sight);
}

TEST(EvaluateLink, ALinkWithoutAFiniteLossIsNaNWithNothingElse) {
    const TerrainProfile profile = ridge();
    Link link = make_link(1800.0, 0.0, 30.0, 1.5); // Hata's log10(d) has no value at 0
    link.profile = &profile;
    const LinkEvaluation hata = evaluate_link(model("cost231-hata"), link);
    EXPECT_TRUE(std::isnan(hata.path_loss_db));
    EXPECT_FALSE(hata.terrain_correction_db.has_value());
    EXPECT_FALSE(hata.line_of_sight.has_value());
    ASSERT_EQ(hata.warnings.size(), 1u); // distance_m = 0 is outside [1000, 20000]

    // A terrain-aware model without a profile.
    EXPECT_TRUE(
        std::isnan(evaluate_link(model("itm"), make_link(900.0, 5000.0, 30.0, 1.5)).path_loss_db));
}
