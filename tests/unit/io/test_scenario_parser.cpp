#include "core/error.hpp"
#include "io/antenna_file.hpp"
#include "io/scenario_parser.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <map>
#include <tuple>

using namespace covsim;

namespace {

// A directory with the files a scenario references, and a way to parse text against it.
class ScenarioParser : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* f : {"districts.geojson", "pop.tif", "sites.csv"}) {
            test::write_text(dir / f, "x");
        }
    }

    Scenario parse(const std::string& text) {
        return io::parse_scenario_text(text, dir / "s.toml");
    }

    // The error message of parsing `text`, or "" if it parsed.
    std::string error_of(const std::string& text) {
        try {
            parse(text);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::scenario);
            return e.what();
        }
        return "";
    }

    test::TempDir dir;
};

// `text` with the first occurrence of `from` replaced by `to`.
std::string replaced(const std::string& text, const std::string& from, const std::string& to) {
    const std::size_t pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.substr(0, pos) + to + text.substr(pos + from.size());
}

const std::string study_area = R"(
[study_area]
districts = "districts.geojson"
population = "pop.tif"
)";

const std::string layer = R"(
[[layers]]
name = "lte"
sites = "sites.csv"
frequency_mhz = 1800
bandwidth_mhz = 20
model = "cost231-hata"
)";

} // namespace

TEST_F(ScenarioParser, MinimalScenarioGetsDefaults) {
    const Scenario s = parse("[scenario]\nname = \"base\"\n" + study_area + layer);
    EXPECT_EQ(s.name, "base");
    EXPECT_EQ(s.study_area.districts_path, (dir.path() / "districts.geojson").lexically_normal());
    EXPECT_DOUBLE_EQ(s.study_area.resolution_m, 50.0);
    EXPECT_EQ(s.study_area.code_field, "code");
    ASSERT_EQ(s.layers.size(), 1u);
    const LayerSpec& l = s.layers[0];
    EXPECT_EQ(l.technology, Technology::lte);
    EXPECT_DOUBLE_EQ(l.frequency_mhz, 1800.0);
    EXPECT_EQ(l.resolved_resource_blocks(), 100);
    EXPECT_DOUBLE_EQ(l.rx_height_m, 1.5);
    EXPECT_EQ(s.environment[static_cast<std::size_t>(DistrictType::rural_district)],
              Environment::rural);
    EXPECT_NE(s.source_text.find("cost231-hata"), std::string::npos);
}

TEST_F(ScenarioParser, NameDefaultsToTheFileStem) {
    EXPECT_EQ(parse(study_area + layer).name, "s");
}

TEST_F(ScenarioParser, LayerDefaultsApplyAndLayersOverride) {
    const Scenario s = parse(study_area + R"(
[layer_defaults]
rx_height_m = 2.0
load = 0.8
technology = "nr"
subcarrier_spacing_khz = 30
[layer_defaults.antenna]
vertical_beamwidth_deg = 10
gain_dbi = 17

[[layers]]
name = "n78"
sites = "sites.csv"
frequency_mhz = 3500
bandwidth_mhz = 100
model = "3gpp-38901-uma"
los = "nlos"
load = 0.3

[[layers]]
name = "n28"
sites = "sites.csv"
frequency_mhz = 700
bandwidth_mhz = 10
subcarrier_spacing_khz = 15
model = "3gpp-38901-rma"
)");
    ASSERT_EQ(s.layers.size(), 2u);
    EXPECT_DOUBLE_EQ(s.layers[0].rx_height_m, 2.0);
    EXPECT_DOUBLE_EQ(s.layers[0].load, 0.3);
    EXPECT_DOUBLE_EQ(s.layers[1].load, 0.8);
    EXPECT_EQ(s.layers[0].los, LosCondition::nlos);
    EXPECT_EQ(s.layers[0].resolved_resource_blocks(), 273);
    EXPECT_EQ(s.layers[1].resolved_resource_blocks(), 52);
    EXPECT_DOUBLE_EQ(s.layers[1].antenna.gain_dbi, 17.0);
    EXPECT_DOUBLE_EQ(s.layers[1].antenna.vertical_beamwidth_deg, 10.0);
}

// [output] maps: every map without it, the ones listed with it, none with [].
TEST_F(ScenarioParser, OutputMapsSelectsTheMapsWritten) {
    const OutputSpec every = parse(study_area + layer).output;
    for (const std::string_view name : map_metric_names()) {
        EXPECT_TRUE(every.writes(name)) << name;
    }
    const OutputSpec two =
        parse(study_area + layer + "[output]\nmaps = [\"served\", \"line_of_sight\"]\n").output;
    for (const std::string_view name : map_metric_names()) {
        EXPECT_EQ(two.writes(name), name == "served" || name == "line_of_sight") << name;
    }
    EXPECT_TRUE(two.writes(MapMetric::served));
    EXPECT_FALSE(two.writes(MapMetric::rsrp_dbm));
    const OutputSpec none = parse(study_area + layer + "[output]\nmaps = []\n").output;
    for (const std::string_view name : map_metric_names()) {
        EXPECT_FALSE(none.writes(name)) << name;
    }
    EXPECT_THROW((void)none.writes("rsrp"), Error);
    const std::string msg = error_of(study_area + layer + "[output]\nmaps = \"rsrp_dbm\"\n");
    EXPECT_NE(msg.find("s.toml:13: [output] maps must be an array of strings, got \"rsrp_dbm\""),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, SyntaxErrorNamesFileLineAndColumn) {
    const std::string msg = error_of("[study_area\ndistricts = 1\n");
    EXPECT_NE(msg.find("s.toml:1:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("TOML syntax error"), std::string::npos) << msg;
}

TEST_F(ScenarioParser, UnknownKeySuggestsTheClosestKnownOne) {
    std::string text = study_area + layer;
    text = replaced(text, "frequency_mhz", "frequncy_mhz");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("s.toml:9: unknown key 'frequncy_mhz' in layer \"lte\" (did you mean "
                       "'frequency_mhz'?)"),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, OutOfRangeValueNamesLayerKeyRangeAndValue) {
    std::string text = study_area + layer;
    text = replaced(text, "1800", "0");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("s.toml:9: layer \"lte\" frequency_mhz must be in [150, 100000] MHz, got 0"),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, WrongTypeIsReported) {
    const std::string msg = error_of(study_area + "resolution_m = \"fifty\"\n" + layer);
    EXPECT_NE(msg.find("[study_area] resolution_m must be a number, got string \"fifty\""),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, UnknownModelSuggestsARegisteredOne) {
    std::string text = study_area + layer;
    text = replaced(text, "cost231-hata", "cost231-hatta");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("model \"cost231-hatta\" is not a known propagation model (did you mean "
                       "'cost231-hata'?)"),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, MissingFilesAreReportedWithTheirKey) {
    std::string text = study_area + layer;
    text = replaced(text, "sites.csv", "nowhere.csv");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("layer \"lte\" sites: file '"), std::string::npos) << msg;
    EXPECT_NE(msg.find("nowhere.csv' not found"), std::string::npos) << msg;
}

TEST_F(ScenarioParser, AllProblemsAreReportedAtOnce) {
    const std::string msg = error_of(study_area + R"(
[[layers]]
name = "a"
sites = "sites.csv"
frequency_mhz = -5
bandwidth_mhz = 20
model = "nope"
load = 2
)");
    EXPECT_NE(msg.find("frequency_mhz must be in"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"nope\" is not a known propagation model"), std::string::npos) << msg;
    EXPECT_NE(msg.find("load must be in [0, 1]"), std::string::npos) << msg;
    EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 2) << msg;
}

TEST_F(ScenarioParser, ChannelBandwidthMustExistForTheTechnology) {
    std::string text = study_area + layer;
    text = replaced(text, "bandwidth_mhz = 20", "bandwidth_mhz = 17");
    EXPECT_NE(error_of(text).find("bandwidth_mhz = 17 at 15 kHz is not a LTE channel bandwidth"),
              std::string::npos);
    text += "resource_blocks = 90\n";
    EXPECT_EQ(parse(text).layers[0].resolved_resource_blocks(), 90);
}

TEST_F(ScenarioParser, DuplicateLayerNamesAndMissingTablesAreErrors) {
    EXPECT_NE(error_of(study_area + layer + layer).find("is defined twice"), std::string::npos);
    EXPECT_NE(error_of(layer).find("missing table [study_area]"), std::string::npos);
    EXPECT_NE(error_of(study_area).find("expected at least one [[layers]] table"),
              std::string::npos);
}

// A network of fibre alone (covsim plan can choose one) needs no radio layer.
TEST_F(ScenarioParser, FibreAloneNeedsNoLayer) {
    const Scenario sc = parse(study_area + "[ftth]\ndistricts = [\"001\"]\n");
    EXPECT_TRUE(sc.layers.empty());
    EXPECT_EQ(sc.ftth.districts, std::vector<std::string>{"001"});
    EXPECT_NE(error_of(study_area + "[ftth]\ndistricts = []\n")
                  .find("expected at least one [[layers]] table (name, sites, frequency_mhz, "
                        "bandwidth_mhz, model), or fibre to the home in [ftth]"),
              std::string::npos);
}

TEST_F(ScenarioParser, MissingScenarioFileIsAnIoError) {
    try {
        io::parse_scenario_file(dir / "absent.toml");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::io);
        EXPECT_NE(std::string(e.what()).find("absent.toml' not found"), std::string::npos);
    }
}

TEST_F(ScenarioParser, WarnsWhenAFrequencyIsOutsideTheModelRange) {
    std::string text = study_area + layer;
    text = replaced(text, "1800", "3500");
    const auto warnings = io::scenario_warnings(parse(text));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("frequency_mhz = 3500 is outside cost231-hata's validity range"),
              std::string::npos);
}

TEST_F(ScenarioParser, DemandFibreCostAndThroughputKeys) {
    const Scenario s = parse(study_area + R"(
[demand]
adoption = { urban_district = 0.9, rural_district = 0.5 }
busy_hour_demand_mbps = 0.2
min_user_throughput_mbps = 25
household_size = 3.4

[ftth]
districts = ["016"]
district_types = ["town"]
speed_mbps = 500

[cost]
horizon_years = 15
discount_rate = 0.08
gni_per_capita_usd_per_year = 4500
site_rental_usd_per_year = 6000
fibre_usd_per_m = { rural_district = 8 }

[[layers]]
name = "n78"
technology = "nr"
sites = "sites.csv"
frequency_mhz = 3500
bandwidth_mhz = 100
subcarrier_spacing_khz = 30
model = "3gpp-38901-uma"
service = "fwa"
carrier = "n78-carrier"
site_type = "upgrade"
equipment_usd = 60000
[layers.throughput]
method = "cqi"
cqi_table = "table2"
mimo_layers = 4
dl_share = 0.75
)");
    EXPECT_DOUBLE_EQ(s.demand.adoption[0], 0.9);
    EXPECT_DOUBLE_EQ(s.demand.adoption[1], 0.7); // town keeps the default
    EXPECT_DOUBLE_EQ(s.demand.adoption[2], 0.5);
    EXPECT_DOUBLE_EQ(s.demand.busy_hour_demand_mbps, 0.2);
    EXPECT_DOUBLE_EQ(s.demand.min_user_throughput_mbps, 25.0);
    EXPECT_EQ(s.ftth.districts, std::vector<std::string>{"016"});
    EXPECT_TRUE(s.ftth.district_types[static_cast<std::size_t>(DistrictType::town)]);
    EXPECT_FALSE(s.ftth.district_types[static_cast<std::size_t>(DistrictType::urban_district)]);
    EXPECT_DOUBLE_EQ(s.ftth.speed_mbps, 500.0);
    EXPECT_EQ(s.cost.horizon_years, 15);
    EXPECT_DOUBLE_EQ(s.cost.discount_rate, 0.08);
    EXPECT_DOUBLE_EQ(s.cost.site_rental_usd_per_year[1], 6000.0); // one value for every type
    EXPECT_DOUBLE_EQ(s.cost.fibre_usd_per_m[2], 8.0);
    EXPECT_DOUBLE_EQ(s.cost.fibre_usd_per_m[0], 25.0);
    const LayerSpec& l = s.layers[0];
    EXPECT_EQ(l.service, Service::fwa);
    EXPECT_EQ(l.carrier_name(), "n78-carrier");
    EXPECT_EQ(l.site_type, SiteType::upgrade);
    EXPECT_DOUBLE_EQ(*l.equipment_usd, 60000.0);
    EXPECT_EQ(l.throughput.method, ThroughputMethod::cqi);
    EXPECT_EQ(l.throughput.cqi_table, CqiTable::table2);
    EXPECT_EQ(l.throughput.mimo_layers, 4);
    EXPECT_DOUBLE_EQ(l.throughput.dl_share, 0.75);
    EXPECT_DOUBLE_EQ(l.throughput.overhead, 0.14); // NR default, TS 38.306
    EXPECT_TRUE(s.ftth_offered(District{"016", "", "", DistrictType::rural_district, {}, {}}));
    EXPECT_FALSE(s.ftth_offered(District{"017", "", "", DistrictType::rural_district, {}, {}}));
}

// [scenario] year and [study_area] population_growth (one factor, or one per district type).
TEST_F(ScenarioParser, YearAndPopulationGrowth) {
    const Scenario none = parse(study_area + layer);
    EXPECT_FALSE(none.year.has_value());
    EXPECT_EQ(none.study_area.population_growth, (PerDistrictType<double>{1.0, 1.0, 1.0}));
    const Scenario s = parse("[scenario]\nyear = 2030\n" +
                             replaced(study_area, "[study_area]\n",
                                      "[study_area]\npopulation_growth = { urban_district = "
                                      "1.1, rural_district = 1.3 }\n") +
                             layer);
    EXPECT_EQ(s.year, 2030);
    EXPECT_EQ(s.study_area.population_growth, (PerDistrictType<double>{1.1, 1.0, 1.3}));
    const Scenario one = parse(
        replaced(study_area, "[study_area]\n", "[study_area]\npopulation_growth = 1.2\n") + layer);
    EXPECT_EQ(one.study_area.population_growth, (PerDistrictType<double>{1.2, 1.2, 1.2}));
    EXPECT_NE(error_of("[scenario]\nyear = 30\n" + study_area + layer)
                  .find("[scenario] year must be in [1900, 2199], got 30"),
              std::string::npos);
    EXPECT_NE(error_of("[scenario]\nyear = \"2030\"\n" + study_area + layer)
                  .find("[scenario] year must be an integer, got string \"2030\""),
              std::string::npos);
    EXPECT_NE(
        error_of(replaced(study_area, "[study_area]\n", "[study_area]\npopulation_growth = 0\n") +
                 layer)
            .find("[study_area] population_growth must be in [0.1, 10], got 0"),
        std::string::npos);
}

TEST_F(ScenarioParser, EconomicKeysAreCheckedToo) {
    EXPECT_NE(error_of(study_area + layer + "[demand]\nadoption = { urban = 0.5 }\n")
                  .find("unknown key 'urban' in [demand] adoption"),
              std::string::npos);
    EXPECT_NE(error_of(study_area + layer + "[demand]\nadoption = 1.5\n")
                  .find("[demand] adoption must be in [0, 1], got 1.5"),
              std::string::npos);
    EXPECT_NE(error_of(study_area + layer + "[cost]\ndiscount_rate = \"5%\"\n")
                  .find("[cost] discount_rate must be a number, got string \"5%\""),
              std::string::npos);
    EXPECT_NE(error_of(study_area + layer + "site_type = \"tower\"\n")
                  .find("site_type must be \"new_macro\", \"upgrade\", \"small_cell\" or "
                        "\"existing\", got \"tower\""),
              std::string::npos);
    EXPECT_NE(error_of(study_area + layer + "[layers.throughput]\ncqi_sinr_db = [1, 2, 3]\n")
                  .find("cqi_sinr_db must list 15 ascending SINR thresholds"),
              std::string::npos);
    EXPECT_NE(error_of(study_area + layer + "[ftth]\ndistrict_types = [\"suburb\"]\n")
                  .find("\"suburb\" is not a district type"),
              std::string::npos);
}

// [ftth] passed_share: one number, a table per district type, and per district code.
TEST_F(ScenarioParser, FibrePassedShareInThreeShapes) {
    const Scenario none = parse(study_area + layer);
    EXPECT_EQ(none.ftth.passed_share, (PerDistrictType<double>{0.0, 0.0, 0.0})); // default 0
    EXPECT_TRUE(none.ftth.passed_share_by_district.empty());

    const Scenario one = parse(study_area + layer + "[ftth]\npassed_share = 0.82\n");
    EXPECT_EQ(one.ftth.passed_share, (PerDistrictType<double>{0.82, 0.82, 0.82}));

    const Scenario typed = parse(study_area + layer + R"([ftth]
passed_share = { urban_district = 0.95, rural_district = 0.7 }
passed_share_by_district = { "017" = 0.9, 271 = 0 }
)");
    EXPECT_EQ(typed.ftth.passed_share, (PerDistrictType<double>{0.95, 0.0, 0.7}));
    EXPECT_EQ(typed.ftth.passed_share_by_district,
              (std::map<std::string, double>{{"017", 0.9}, {"271", 0.0}}));
    // A district's own share before its type's; no fibre is built by passed_share alone.
    const District dong_anh{"017", "", "", DistrictType::rural_district, {}, {}};
    const District ba_vi{"271", "", "", DistrictType::rural_district, {}, {}};
    const District my_duc{"282", "", "", DistrictType::rural_district, {}, {}};
    EXPECT_DOUBLE_EQ(typed.ftth_passed_share(dong_anh), 0.9);
    EXPECT_DOUBLE_EQ(typed.ftth_passed_share(ba_vi), 0.0);
    EXPECT_DOUBLE_EQ(typed.ftth_passed_share(my_duc), 0.7);
    EXPECT_FALSE(typed.ftth_offered(dong_anh));
}

TEST_F(ScenarioParser, FibrePassedShareErrorsNameTheKeyAndValue) {
    const std::string file = (dir / "s.toml").string();
    const auto ftth = [&](const std::string& keys) {
        return error_of(study_area + layer + "[ftth]\n" + keys + "\n");
    };
    // [study_area] and the layer take lines 1-11, [ftth] line 12: the key is on line 13.
    EXPECT_EQ(ftth("passed_share = 1.2"),
              file + ":13: [ftth] passed_share must be in [0, 1], got 1.2");
    EXPECT_EQ(ftth("passed_share = -0.1"),
              file + ":13: [ftth] passed_share must be in [0, 1], got -0.1");
    EXPECT_EQ(ftth("passed_share = \"82%\""),
              file + ":13: [ftth] passed_share must be a number or a table of district types, "
                     "got string \"82%\"");
    EXPECT_EQ(ftth("passed_share = { town = 2 }"),
              file + ":13: [ftth] passed_share town must be in [0, 1], got 2");
    EXPECT_EQ(ftth("passed_share = { urban = 0.9 }"),
              file + ":13: unknown key 'urban' in [ftth] passed_share");
    EXPECT_EQ(ftth("passed_share_by_district = { \"017\" = 1.5 }"),
              file + ":13: [ftth] passed_share_by_district 017 must be in [0, 1], got 1.5");
    EXPECT_EQ(ftth("passed_share_by_district = { \"017\" = \"high\" }"),
              file + ":13: [ftth] passed_share_by_district 017 must be a number, got string "
                     "\"high\"");
    EXPECT_EQ(ftth("passed_share_by_district = 0.9"),
              file + ":13: [ftth] passed_share_by_district must be a table of district codes, "
                     "such as { \"017\" = 0.9 }, got number 0.9");
}

TEST_F(ScenarioParser, AntennaFileSetsTheLayerPatternAndGain) {
    AntennaPattern panel = tr38901_element_pattern();
    panel.gain_dbi = 17.0;
    io::AntennaFileMetadata meta;
    meta.name = "panel";
    std::filesystem::create_directories(dir / "antennas");
    io::write_msi(dir / "antennas" / "panel.msi", panel, meta);

    const Scenario s = parse(study_area + R"(
[layer_defaults.antenna]
file = "antennas/panel.msi"
)" + layer + R"(
[[layers]]
name = "parametric"
sites = "sites.csv"
frequency_mhz = 1800
bandwidth_mhz = 20
model = "cost231-hata"
[layers.antenna]
pattern = "3gpp"
gain_dbi = 15
)");
    ASSERT_EQ(s.layers.size(), 2u);
    ASSERT_TRUE(s.layers[0].antenna.table);
    EXPECT_EQ(s.layers[0].antenna_path, (dir / "antennas" / "panel.msi").lexically_normal());
    EXPECT_DOUBLE_EQ(s.layers[0].antenna.gain_dbi, 17.0);
    // The file's pattern at whole degrees is the parametric one it was written from.
    EXPECT_NEAR(s.layers[0].antenna.gain_dbi_towards(40.0, 5.0, false),
                panel.gain_dbi_towards(40.0, 5.0, false), 0.01);
    // pattern = "3gpp" in a layer drops the inherited file.
    EXPECT_FALSE(s.layers[1].antenna.table);
    EXPECT_TRUE(s.layers[1].antenna_path.empty());
    EXPECT_DOUBLE_EQ(s.layers[1].antenna.gain_dbi, 15.0);
}

TEST_F(ScenarioParser, AntennaFileProblemsNameTheKeyAndTheFile) {
    test::write_text(dir / "broken.msi", "NAME x\nGAIN 17 dBi\nHORIZONTAL 360\n0 0\n");
    const std::string missing = error_of(study_area + layer + R"(
[layers.antenna]
file = "nowhere.msi"
)");
    EXPECT_NE(missing.find("s.toml:14: layer \"lte\" antenna file: file '"), std::string::npos)
        << missing;
    EXPECT_NE(missing.find("nowhere.msi' not found"), std::string::npos) << missing;

    const std::string broken = error_of(study_area + layer + R"(
[layers.antenna]
file = "broken.msi"
)");
    EXPECT_NE(broken.find("s.toml:14: layer \"lte\" antenna file: antenna file '"),
              std::string::npos)
        << broken;
    EXPECT_NE(broken.find("broken.msi' line "), std::string::npos) << broken;

    const std::string both = error_of(study_area + layer + R"(
[layers.antenna]
file = "broken.msi"
gain_dbi = 18
)");
    EXPECT_NE(both.find("s.toml:15: layer \"lte\" antenna gain_dbi cannot be combined with file"),
              std::string::npos)
        << both;
}

TEST_F(ScenarioParser, ParametricKeysCannotSilentlyEditAnInheritedAntennaFile) {
    io::AntennaFileMetadata meta;
    io::write_msi(dir / "panel.msi", tr38901_element_pattern(), meta);
    const std::string msg = error_of(study_area + R"(
[layer_defaults.antenna]
file = "panel.msi"
)" + layer + R"(
[layers.antenna]
vertical_beamwidth_deg = 10
)");
    EXPECT_NE(msg.find("layer \"lte\" antenna vertical_beamwidth_deg has no effect on the pattern "
                       "of antenna file '"),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, SiteMarginAndCountingSitesOutside) {
    const Scenario defaults = parse(study_area + layer);
    EXPECT_DOUBLE_EQ(defaults.layers[0].site_margin_m(), 10000.0); // max_range_m
    EXPECT_FALSE(defaults.cost.count_sites_outside);
    const Scenario s = parse(study_area + layer + "max_range_m = 8000\nsites_margin_m = 2500\n" +
                             "[cost]\ncount_sites_outside = true\n");
    EXPECT_DOUBLE_EQ(s.layers[0].site_margin_m(), 2500.0);
    EXPECT_TRUE(s.cost.count_sites_outside);
    const std::string msg = error_of(study_area + layer + "sites_margin_m = -1\n");
    EXPECT_NE(msg.find("s.toml:12: layer \"lte\" sites_margin_m must be in [0, 200000] m, got -1"),
              std::string::npos)
        << msg;
}

TEST_F(ScenarioParser, ALayersCarriersBecomeOneLayerEach) {
    const std::string carriers = R"(
[[layers]]
name = "lte"
sites = "sites.csv"
bandwidth_mhz = 20
model = "cost231-hata"
carrier = "l1800"
spectrum_fee_usd_per_year = 300000
[[layers.carriers]]
name = "c1"
frequency_mhz = 1815
[[layers.carriers]]
name = "c2"
frequency_mhz = 1845
bandwidth_mhz = 10

[[layers]]
name = "nr"
sites = "sites.csv"
frequency_mhz = 3500
bandwidth_mhz = 100
subcarrier_spacing_khz = 30
technology = "nr"
model = "3gpp-38901-uma"
)";
    const Scenario s = parse(study_area + carriers);
    ASSERT_EQ(s.layers.size(), 3u);
    const LayerSpec& c1 = s.layers[0];
    const LayerSpec& c2 = s.layers[1];
    EXPECT_EQ(c1.name, "lte-c1");
    EXPECT_EQ(c2.name, "lte-c2");
    EXPECT_EQ(s.layers[2].name, "nr");
    EXPECT_DOUBLE_EQ(c1.frequency_mhz, 1815.0);
    EXPECT_DOUBLE_EQ(c1.bandwidth_mhz, 20.0); // the layer's
    EXPECT_DOUBLE_EQ(c2.frequency_mhz, 1845.0);
    EXPECT_DOUBLE_EQ(c2.bandwidth_mhz, 10.0);
    EXPECT_EQ(c1.resolved_resource_blocks(), 100);
    EXPECT_EQ(c2.resolved_resource_blocks(), 50);
    EXPECT_EQ(c1.carrier_name(), "l1800-c1"); // each its own cells
    EXPECT_EQ(c2.carrier_name(), "l1800-c2");
    // The layer's spectrum, shared by bandwidth: 20 / 30 and 10 / 30 of 300000.
    EXPECT_DOUBLE_EQ(*c1.spectrum_fee_usd_per_year, 200000.0);
    EXPECT_DOUBLE_EQ(*c2.spectrum_fee_usd_per_year, 100000.0);
    ASSERT_TRUE(c2.expanded_from.has_value());
    EXPECT_EQ(c2.expanded_from->layer, "lte");
    EXPECT_EQ(c2.expanded_from->carrier, "c2");
    EXPECT_EQ(c2.expanded_from->carriers, (std::vector<std::string>{"c1", "c2"}));
    EXPECT_EQ(c2.written_name(), "lte");
    EXPECT_TRUE(c1.carriers.empty());

    // A carrier without a frequency, a bandwidth LTE does not have, a carrier name twice, a
    // carrier making the name of another layer.
    auto problem = [&](const std::string& from, const std::string& to) {
        return error_of(study_area + replaced(carriers, from, to));
    };
    EXPECT_NE(problem("frequency_mhz = 1815\n", "")
                  .find("s.toml:13: layer \"lte\" carrier \"c1\": missing key 'frequency_mhz'"),
              std::string::npos);
    EXPECT_NE(problem("bandwidth_mhz = 10", "bandwidth_mhz = 12")
                  .find("s.toml:19: layer \"lte\" carrier \"c2\": bandwidth_mhz = 12 at 15 kHz "
                        "is not a LTE channel bandwidth of 3GPP"),
              std::string::npos);
    EXPECT_NE(problem("name = \"c2\"", "name = \"c1\"")
                  .find("s.toml:17: layer \"lte\" carrier \"c1\" is defined twice; carrier names "
                        "must be unique"),
              std::string::npos);
    EXPECT_NE(problem("name = \"nr\"", "name = \"lte-c2\"")
                  .find("s.toml:22: layer \"lte-c2\" is defined twice; layer names must be "
                        "unique"),
              std::string::npos);
}

TEST_F(ScenarioParser, AdjacentChannelRatiosNameAnotherLayerWithAnotherChannel) {
    const std::string second = replaced(replaced(layer, "\"lte\"", "\"lte-b\""),
                                        "frequency_mhz = 1800", "frequency_mhz = 1820");
    const Scenario sc = parse(study_area + layer + "acir_db = { \"lte-b\" = 33 }\n" + second);
    EXPECT_EQ(sc.layers[0].acir_db, (std::map<std::string, double>{{"lte-b", 33.0}}));

    EXPECT_EQ(error_of(study_area + layer + "acir_db = { \"lte-c\" = 33 }\n" + second),
              (dir / "s.toml").string() +
                  ":12: layer \"lte\" acir_db: \"lte-c\" is not another layer of the scenario");
    EXPECT_EQ(error_of(study_area + layer + "acir_db = { \"lte-b\" = -3 }\n" + second),
              (dir / "s.toml").string() +
                  ":12: layer \"lte\" acir_db.lte-b must be a number in [0, 100] dB, got -3");
    // 1810 MHz overlaps 1800 MHz's 18 MHz: co-channel layers interfere in full.
    const std::string overlapping =
        replaced(second, "frequency_mhz = 1820", "frequency_mhz = 1810");
    EXPECT_NE(error_of(study_area + layer + "acir_db = { \"lte-b\" = 33 }\n" + overlapping)
                  .find("layer \"lte\" acir_db: layer \"lte-b\" shares its channel"),
              std::string::npos);
}

TEST_F(ScenarioParser, ReadsP1812PathKeysAndChecksThem) {
    test::write_text(dir / "dem.tif", "x");
    const std::string area = study_area + "dem = \"dem.tif\"\n";
    const std::string p1812_layer = replaced(layer, "cost231-hata", "p1812");
    // Defaults: Hanoi's ΔN and N0, inland, no clutter.
    const Scenario d = parse(area + p1812_layer);
    EXPECT_DOUBLE_EQ(d.layers[0].path.delta_n_per_km, 50.18);
    EXPECT_DOUBLE_EQ(d.layers[0].path.sea_level_refractivity_n_units, 373.88);
    EXPECT_EQ(d.layers[0].path.radio_climatic_zone, p1812::Zone::inland);
    const Scenario s = parse(area + p1812_layer + R"(
[layers.path]
time_percent = 10
location_percent = 90
polarization = "horizontal"
delta_n_per_km = 45
sea_level_refractivity_n_units = 325
path_centre_latitude_deg = 10.8
clutter_height_m = 12
radio_climatic_zone = "coastal_land"
location_area_width_m = 100
)");
    const PathParameters& p = s.layers[0].path;
    EXPECT_DOUBLE_EQ(p.time_percent, 10.0);
    EXPECT_DOUBLE_EQ(p.location_percent, 90.0);
    EXPECT_FALSE(p.vertical_polarization);
    EXPECT_DOUBLE_EQ(p.delta_n_per_km, 45.0);
    EXPECT_DOUBLE_EQ(p.sea_level_refractivity_n_units, 325.0);
    EXPECT_DOUBLE_EQ(p.path_centre_latitude_deg, 10.8);
    EXPECT_DOUBLE_EQ(p.clutter_height_m, 12.0);
    EXPECT_EQ(p.radio_climatic_zone, p1812::Zone::coastal_land);
    EXPECT_DOUBLE_EQ(p.location_area_width_m, 100.0);

    const std::string bad = error_of(area + p1812_layer + "[layers.path]\ndelta_n_per_km = 200\n");
    EXPECT_NE(bad.find("s.toml:14: layer \"lte\" path delta_n_per_km must be in [1, 150] "
                       "N-units/km, got 200"),
              std::string::npos)
        << bad;
    const std::string zone =
        error_of(area + p1812_layer + "[layers.path]\nradio_climatic_zone = \"lake\"\n");
    EXPECT_NE(zone.find("radio_climatic_zone must be \"inland\", \"coastal_land\" or \"sea\", "
                        "got \"lake\""),
              std::string::npos)
        << zone;
    const std::string time = error_of(area + p1812_layer + "[layers.path]\ntime_percent = 60\n");
    EXPECT_NE(time.find("model \"p1812\" needs time_percent in [1, 50] %, got 60"),
              std::string::npos)
        << time;
    const std::string both = error_of(area + p1812_layer +
                                      "[layers.itm]\ntime_percent = 10\n[layers.path]\n"
                                      "time_percent = 20\n");
    EXPECT_NE(both.find("path time_percent is also given in layer \"lte\" itm"), std::string::npos)
        << both;
}

TEST_F(ScenarioParser, TrafficSteeringDefaultsToBestThroughputAndReadsItsKeys) {
    const Scenario plain = parse(study_area + layer);
    EXPECT_EQ(plain.traffic.steering, Steering::best_throughput);
    EXPECT_FALSE(plain.traffic.carrier_aggregation);
    const Scenario s = parse(
        study_area + "[traffic]\nsteering = \"priority\"\ncarrier_aggregation = true\n" + layer);
    EXPECT_EQ(s.traffic.steering, Steering::priority);
    EXPECT_TRUE(s.traffic.carrier_aggregation);
    EXPECT_EQ(error_of(study_area + "[traffic]\nsteering = \"balanced\"\n" + layer),
              (dir / "s.toml").string() +
                  ":6: [traffic] steering must be \"best_throughput\" or \"priority\", got "
                  "\"balanced\"");
}

TEST_F(ScenarioParser, ClutterLossOutsideP2108sFrequenciesIsAnError) {
    // §3.1's terminal correction stops at 3 GHz; §3.2's clutter loss at 0.5-67 GHz.
    const std::string n78 = replaced(layer, "1800", "3500");
    EXPECT_EQ(error_of(study_area + n78 + "terminal_clutter_correction = true\n"),
              (dir / "s.toml").string() +
                  ":6: layer \"lte\": terminal_clutter_correction (ITU-R P.2108 §3.1) is "
                  "defined for frequencies in [30, 3000] MHz, got 3500 MHz; set "
                  "terminal_clutter_correction = false");
    const std::string vhf = replaced(replaced(layer, "1800", "400"), "cost231-hata", "free-space");
    EXPECT_NE(error_of(study_area + vhf + "clutter_loss = true\n")
                  .find("clutter_loss (ITU-R P.2108 §3.2) is defined for frequencies in [500, "
                        "67000] MHz, got 400 MHz"),
              std::string::npos);
    EXPECT_EQ(error_of(study_area + layer + "terminal_clutter_correction = true\n"), "");
}

TEST_F(ScenarioParser, WarnsWhenClutterIsAddedToAModelThatHasIt) {
    const auto warnings =
        io::scenario_warnings(parse(study_area + layer + "clutter_loss = true\n"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("layer \"lte\" adds ITU-R P.2108 clutter_loss to model "
                               "cost231-hata, whose median already includes the clutter"),
              std::string::npos)
        << warnings[0];
    const std::string fs = replaced(layer, "cost231-hata", "free-space");
    EXPECT_TRUE(io::scenario_warnings(parse(study_area + fs + "clutter_loss = true\n")).empty());
}

TEST_F(ScenarioParser, WarnsWhenALocationProbabilityHasNoVariabilityToActOn) {
    // Free space has no location variability: 0.9 would silently be the median.
    const std::string fs = replaced(layer, "cost231-hata", "free-space");
    const auto warnings =
        io::scenario_warnings(parse(study_area + fs + "location_probability = 0.9\n"));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("layer \"lte\" location_probability = 0.9 has no effect: model "
                               "free-space has no location variability"),
              std::string::npos)
        << warnings[0];
    // COST-231 Hata has one (docs/models/location-variability.md): no warning.
    EXPECT_TRUE(
        io::scenario_warnings(parse(study_area + layer + "location_probability = 0.9\n")).empty());
}

// [uncertainty]: each key a [low, high] pair around the scenario's own value (core/uncertainty).
TEST_F(ScenarioParser, UncertaintyRangesAroundTheScenariosValues) {
    const std::string base = study_area + layer +
                             "[demand]\nbusy_hour_demand_mbps = 0.02\nmarket_share = 0.5\n"
                             "adoption = { urban_district = 0.8, town = 0.7, rural_district = "
                             "0.6 }\n[cost]\ndiscount_rate = 0.05\n";
    EXPECT_TRUE(parse(base).uncertainty.empty());
    // Written out of order, read in the order of UncertainInput.
    const Scenario s = parse(base + "[uncertainty]\npopulation_growth = [1.0, 1.1]\n"
                                    "discount_rate = [0.03, 0.10]\nunit_cost_scale = [0.8, 1.3]\n"
                                    "market_share = [0.4, 0.6]\nadoption_scale = [0.85, 1.1]\n"
                                    "busy_hour_demand_mbps = [0.012, 0.03]\n");
    ASSERT_EQ(s.uncertainty.size(), 6u);
    const std::vector<std::tuple<UncertainInput, double, double>> expected = {
        {UncertainInput::busy_hour_demand_mbps, 0.012, 0.03},
        {UncertainInput::adoption_scale, 0.85, 1.1},
        {UncertainInput::market_share, 0.4, 0.6},
        {UncertainInput::unit_cost_scale, 0.8, 1.3},
        {UncertainInput::discount_rate, 0.03, 0.10},
        {UncertainInput::population_growth, 1.0, 1.1}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(s.uncertainty[i].input, std::get<0>(expected[i])) << i;
        EXPECT_DOUBLE_EQ(s.uncertainty[i].low, std::get<1>(expected[i])) << i;
        EXPECT_DOUBLE_EQ(s.uncertainty[i].high, std::get<2>(expected[i])) << i;
    }
    // A range may end at the central value.
    EXPECT_EQ(parse(base + "[uncertainty]\nmarket_share = [0.5, 0.5]\n").uncertainty.size(), 1u);
}

TEST_F(ScenarioParser, UncertaintyErrorsNameTheKeyTheValueAndTheExpectation) {
    const std::string base = study_area + layer +
                             "[demand]\nbusy_hour_demand_mbps = 0.02\nmarket_share = 0.5\n"
                             "adoption = { urban_district = 0.8, town = 0.7, rural_district = "
                             "0.6 }\n[uncertainty]\n";
    const auto error = [&](const std::string& line) { return error_of(base + line + "\n"); };
    // Not a pair of finite numbers.
    EXPECT_NE(error("market_share = 0.5")
                  .find("s.toml:17: [uncertainty] market_share must be two "
                        "finite numbers [low, high], got 0.5"),
              std::string::npos)
        << error("market_share = 0.5");
    EXPECT_NE(error("market_share = [0.4, 0.5, 0.6]")
                  .find("[uncertainty] market_share must be two finite numbers [low, high], got ["),
              std::string::npos);
    EXPECT_NE(error("market_share = [0.4, \"0.6\"]").find("market_share must be two finite"),
              std::string::npos);
    EXPECT_NE(error("busy_hour_demand_mbps = [0.01, inf]")
                  .find("busy_hour_demand_mbps must be two finite numbers"),
              std::string::npos);
    // Low above the central value, high below it.
    EXPECT_NE(error("busy_hour_demand_mbps = [0.03, 0.05]")
                  .find("[uncertainty] busy_hour_demand_mbps must be [low, high] with low <= 0.02 "
                        "([demand] busy_hour_demand_mbps) <= high, got [0.03, 0.05]"),
              std::string::npos)
        << error("busy_hour_demand_mbps = [0.03, 0.05]");
    EXPECT_NE(error("unit_cost_scale = [0.7, 0.9]")
                  .find("[uncertainty] unit_cost_scale must be [low, high] with low <= 1 (the "
                        "scenario's own values) <= high"),
              std::string::npos);
    EXPECT_NE(error("market_share = [0.6, 0.4]").find("low <= 0.5 ([demand] market_share) <= high"),
              std::string::npos);
    // An end outside the key's own range.
    EXPECT_NE(error("market_share = [0, 0.6]")
                  .find("[uncertainty] market_share must have both ends in (0, 1], got [0, 0.6]"),
              std::string::npos)
        << error("market_share = [0, 0.6]");
    EXPECT_NE(error("discount_rate = [0.01, 0.6]")
                  .find("[uncertainty] discount_rate must have both ends in [0, 0.5]"),
              std::string::npos);
    // Adoption 0.8 times 1.3 would be 1.04 subscribers per person: at most 1 / 0.8 = 1.25.
    EXPECT_NE(error("adoption_scale = [0.9, 1.3]")
                  .find("[uncertainty] adoption_scale must have both ends in (0, 1.25] (every "
                        "district type's [demand] adoption times the factor at most 1)"),
              std::string::npos)
        << error("adoption_scale = [0.9, 1.3]");
    // Growth per district type: the range holds every type's.
    EXPECT_NE(error_of(replaced(base, "[study_area]\n",
                                "[study_area]\npopulation_growth = { urban_district = 1.2 }\n") +
                       "population_growth = [1.0, 1.1]\n")
                  .find("[uncertainty] population_growth must be [low, high] with low <= 1 to 1.2 "
                        "([study_area] population_growth of the district types) <= high"),
              std::string::npos);
    // An unknown key, with a suggestion.
    EXPECT_NE(error("market_shares = [0.4, 0.6]")
                  .find("unknown key 'market_shares' in [uncertainty] (did you mean "
                        "'market_share'?)"),
              std::string::npos)
        << error("market_shares = [0.4, 0.6]");
}
