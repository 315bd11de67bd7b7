// The translation from a scenario to the kernel's, the capacity model's and the cost model's
// inputs (core/scenario_inputs.hpp), and what makes two study areas the same.

#include "core/error.hpp"
#include "core/link_budget.hpp"
#include "core/scenario_inputs.hpp"

#include <gtest/gtest.h>

namespace covsim {
namespace {

Scenario two_layer_scenario() {
    Scenario sc;
    sc.source_path = "plan.toml";
    sc.study_area.districts_path = "districts.gpkg";
    LayerSpec lte;
    lte.name = "lte-1800";
    lte.technology = Technology::lte;
    lte.frequency_mhz = 1842.5;
    lte.bandwidth_mhz = 20.0;
    lte.model = "cost231-hata";
    lte.noise_figure_db = 9.0;
    lte.priority = 1;
    LayerSpec fwa = lte;
    fwa.name = "fwa-n78";
    fwa.technology = Technology::nr;
    fwa.frequency_mhz = 3500.0;
    fwa.bandwidth_mhz = 100.0;
    fwa.subcarrier_spacing_khz = 30;
    fwa.model = "3gpp-38901-rma";
    fwa.service = Service::fwa;
    fwa.rx_height_m = 6.0;
    fwa.carrier = "n78";
    fwa.site_type = SiteType::upgrade;
    fwa.equipment_usd = 55000.0;
    sc.layers = {lte, fwa};
    sc.cost.equipment_usd = 40000.0;
    return sc;
}

StudyArea two_districts() {
    StudyArea area;
    area.districts.resize(2);
    area.districts[0].code = "001";
    area.districts[0].type = DistrictType::urban_district;
    area.districts[1].code = "271";
    area.districts[1].type = DistrictType::rural_district;
    return area;
}

// The message of the scenario error ftth_districts raises on the two districts; "" if none.
std::string ftth_districts_error(const Scenario& sc) {
    try {
        ftth_districts(sc, two_districts());
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::scenario);
        return e.what();
    }
    return "";
}

TEST(ScenarioInputs, CoverageLayersCarryEveryKernelKey) {
    const Scenario sc = two_layer_scenario();
    const std::vector<CoverageLayer> layers = coverage_layers(sc);
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].name, "lte-1800");
    ASSERT_NE(layers[0].model, nullptr);
    EXPECT_EQ(layers[0].model->name(), "cost231-hata");
    EXPECT_EQ(layers[0].priority, 1);
    // 100 resource blocks at 20 MHz (TS 36.101 Table 5.6-1): -10 log10(1200) per RE.
    EXPECT_DOUBLE_EQ(layers[0].re_offset_db, power_per_re_dbm(0.0, 100));
    EXPECT_DOUBLE_EQ(layers[0].noise_per_re_dbm, noise_per_re_dbm(15, 9.0));
    EXPECT_TRUE(layers[0].indoor);
    // 273 resource blocks at 100 MHz and 30 kHz (TS 38.101-1 Table 5.3.2-1).
    EXPECT_DOUBLE_EQ(layers[1].re_offset_db, power_per_re_dbm(0.0, 273));
    EXPECT_DOUBLE_EQ(layers[1].rx_height_m, 6.0);
    EXPECT_FALSE(layers[1].indoor); // an FWA CPE is outdoors or on the roof
}

TEST(ScenarioInputs, FtthDistrictsByCodeAndType) {
    Scenario sc = two_layer_scenario();
    const StudyArea area = two_districts();
    EXPECT_EQ(ftth_districts(sc, area), (std::vector<bool>{false, false}));
    sc.ftth.districts = {"271"};
    EXPECT_EQ(ftth_districts(sc, area), (std::vector<bool>{false, true}));
    sc.ftth.districts.clear();
    sc.ftth.district_types[static_cast<std::size_t>(DistrictType::urban_district)] = true;
    EXPECT_EQ(ftth_districts(sc, area), (std::vector<bool>{true, false}));
}

TEST(ScenarioInputs, FtthUnknownCodesAreReportedTogether) {
    Scenario sc = two_layer_scenario();
    sc.ftth.districts = {"001", "999", "27"};
    EXPECT_EQ(ftth_districts_error(sc), "plan.toml: [ftth] districts: \"999\" is not a district "
                                        "code of 'districts.gpkg'\n"
                                        "plan.toml: [ftth] districts: \"27\" is not a district "
                                        "code of 'districts.gpkg'");
}

TEST(ScenarioInputs, FtthPassedSharesByTypeThenCode) {
    Scenario sc = two_layer_scenario();
    const StudyArea area = two_districts();
    EXPECT_EQ(ftth_passed_shares(sc, area), (std::vector<double>{0.0, 0.0}));
    sc.ftth.passed_share = {0.9, 0.8, 0.5};
    EXPECT_EQ(ftth_passed_shares(sc, area), (std::vector<double>{0.9, 0.5}));
    sc.ftth.passed_share_by_district = {{"271", 0.25}}; // the district's own before its type's
    EXPECT_EQ(ftth_passed_shares(sc, area), (std::vector<double>{0.9, 0.25}));

    CoverageInput coverage_input;
    coverage_input.area = &area;
    const CoverageResult coverage;
    const CapacityResult capacity;
    const std::vector<bool> fibre = {false, true};
    EXPECT_EQ(capacity_input(sc, coverage_input, coverage, fibre).ftth.passed_share,
              (std::vector<double>{0.9, 0.25}));
    const CostInput cost = cost_input(sc, coverage_input, coverage, capacity, fibre);
    EXPECT_EQ(cost.ftth.built, fibre);
    EXPECT_EQ(cost.ftth.passed_share, (std::vector<double>{0.9, 0.25}));
    EXPECT_DOUBLE_EQ(cost.ftth.home_share(0), 0.9); // passed, not built
    EXPECT_DOUBLE_EQ(cost.ftth.home_share(1), 1.0); // built to every home
}

TEST(ScenarioInputs, FtthPassedShareUnknownCodesAreReported) {
    Scenario sc = two_layer_scenario();
    sc.ftth.districts = {"999"};
    sc.ftth.passed_share_by_district = {{"001", 0.5}, {"998", 0.5}};
    EXPECT_EQ(ftth_districts_error(sc), "plan.toml: [ftth] districts: \"999\" is not a district "
                                        "code of 'districts.gpkg'\n"
                                        "plan.toml: [ftth] passed_share_by_district: \"998\" is "
                                        "not a district code of 'districts.gpkg'");
}

TEST(ScenarioInputs, CapacityAndCostInputsFollowTheLayers) {
    const Scenario sc = two_layer_scenario();
    CoverageInput coverage_input;
    const StudyArea area = two_districts();
    coverage_input.area = &area;
    const CoverageResult coverage;
    const std::vector<bool> fibre = {true, false};
    const CapacityInput cap = capacity_input(sc, coverage_input, coverage, fibre);
    ASSERT_EQ(cap.layers.size(), 2u);
    EXPECT_EQ(cap.layers[0].carrier, "lte-1800"); // no carrier: the layer's own name
    EXPECT_EQ(cap.layers[1].carrier, "n78");
    EXPECT_DOUBLE_EQ(cap.layers[0].occupied_bandwidth_hz, 12.0 * 100 * 15e3);
    EXPECT_DOUBLE_EQ(cap.layers[1].occupied_bandwidth_hz, 12.0 * 273 * 30e3);
    EXPECT_EQ(cap.ftth.built, fibre);
    EXPECT_EQ(cap.ftth.passed_share, (std::vector<double>{0.0, 0.0})); // none by default

    const CapacityResult capacity;
    const CostInput cost = cost_input(sc, coverage_input, coverage, capacity, fibre);
    ASSERT_EQ(cost.layers.size(), 2u);
    EXPECT_DOUBLE_EQ(cost.layers[0].equipment_usd, 40000.0); // the [cost] default
    EXPECT_DOUBLE_EQ(cost.layers[1].equipment_usd, 55000.0); // the layer's own
    EXPECT_EQ(cost.layers[1].site_type, SiteType::upgrade);
    EXPECT_EQ(cost.area, &area);
}

TEST(ScenarioInputs, StudyAreasAreTheSameWhenEveryMemberIs) {
    StudyAreaSpec a;
    a.districts_path = "districts.gpkg";
    a.population_path = "population.tif";
    StudyAreaSpec b = a;
    EXPECT_EQ(a, b);
    b.resolution_m = 25.0;
    EXPECT_NE(a, b);
    b = a;
    b.land_cover_path = "worldcover.tif";
    EXPECT_NE(a, b);
    EXPECT_TRUE(a < b || b < a); // a strict order: usable as a map key
}

} // namespace
} // namespace covsim
