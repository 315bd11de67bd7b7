// The serving links of an area run against the model's validity range, on a grid small enough
// to count by hand.

#include "core/link_validity.hpp"
#include "core/propagation/registry.hpp"
#include "support/study_areas.hpp"

#include <gtest/gtest.h>

using namespace covsim;

namespace {

// 30 x 1 cells of 100 m in one district; one omnidirectional site on the west edge, so that
// cell c is at 100 c + 50 m from it.
struct Row {
    StudyArea area;
    CoverageInput input;

    Row(const char* model, double tx_height_m) {
        area = test::one_district_area(30, 1, 100.0, 1.0);
        CoverageLayer l;
        l.name = "lte";
        l.model = model_registry().find(model);
        l.frequency_mhz = 1800.0;
        l.rsrp_min_dbm = -140.0;
        l.sinr_min_db = -20.0;
        l.max_range_m = 50000.0;
        l.antenna.isotropic = true;
        input.area = &area;
        input.layers.push_back(l);
        Sector s;
        s.site_id = "S";
        s.sector_id = "1";
        s.x_m = 0.0;
        s.y_m = 50.0;
        s.height_m = tx_height_m;
        s.district = 0;
        input.sectors.push_back(s);
    }
};

} // namespace

TEST(LinkValidity, CountsServingLinksShorterThanTheModelsRange) {
    // COST-231 Hata holds from 1 km: cells 0 to 9 (50 to 950 m) are too close, 10 to 29 not.
    const Row row("cost231-hata", 30.0);
    const CoverageResult r = compute_coverage(row.input);
    const std::vector<LinkValidity> v = serving_link_validity(row.input, r);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].links, 30u);
    EXPECT_EQ(v[0].shorter, 10u);
    EXPECT_EQ(v[0].longer, 0u);
    EXPECT_EQ(v[0].tx_height_outside, 0u);
    EXPECT_EQ(v[0].outside, 10u);
    const std::vector<std::string> w = link_validity_warnings(row.input, v);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0], "layer lte: 33.3 % of the serving links are outside cost231-hata's validity "
                    "range (33.3 % shorter than 1000 m); results there are extrapolated");
}

TEST(LinkValidity, CountsMastsOutsideTheModelsHeights) {
    // TR 38.901 UMa is defined for 25 m masts only, from 10 m to 5 km: a 30 m mast puts every
    // link outside, none for its distance.
    const Row row("3gpp-38901-uma", 30.0);
    const CoverageResult r = compute_coverage(row.input);
    const std::vector<LinkValidity> v = serving_link_validity(row.input, r);
    EXPECT_EQ(v[0].links, 30u);
    EXPECT_EQ(v[0].tx_height_outside, 30u);
    EXPECT_EQ(v[0].shorter, 0u);
    EXPECT_EQ(v[0].longer, 0u);
    EXPECT_EQ(v[0].outside, 30u);
    // Within every range: no warning.
    const Row ok("free-space", 30.0);
    EXPECT_TRUE(link_validity_warnings(ok.input,
                                       serving_link_validity(ok.input, compute_coverage(ok.input)))
                    .empty());
}
