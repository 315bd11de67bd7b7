// Scenario composition: `extends` (merged trees, paths and problems that stay with the file that
// wrote them) and `[sweep]` (variants, their names, their problems).

#include "core/error.hpp"
#include "io/scenario_parser.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

using namespace covsim;
namespace fs = std::filesystem;

namespace {

// A parent scenario in base/ (with its own sites file) and a place for children beside it.
class ScenarioCompose : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(dir / "base");
        for (const char* f : {"base/districts.geojson", "base/pop.tif", "base/sites.csv",
                              "other-sites.csv", "base/n78.csv"}) {
            test::write_text(dir / f, "x");
        }
        test::write_text(dir / "base" / "parent.toml", parent);
    }

    // The message of the error parsing `file`, or "" if it parsed.
    std::string error_of(const fs::path& file) {
        try {
            io::parse_scenario_variants(file);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::scenario);
            return e.what();
        }
        return "";
    }

    std::vector<Scenario> child(const std::string& text) {
        test::write_text(dir / "child.toml", text);
        return io::parse_scenario_variants(dir / "child.toml");
    }

    static const LayerSpec& layer(const Scenario& sc, const std::string& name) {
        for (const LayerSpec& l : sc.layers) {
            if (l.name == name) {
                return l;
            }
        }
        throw std::runtime_error("no layer " + name);
    }

    const std::string parent = R"([scenario]
name = "parent"
description = "the base plan"

[study_area]
districts = "districts.geojson"
population = "pop.tif"

[demand]
adoption = { urban_district = 0.8, town = 0.7, rural_district = 0.6 }
busy_hour_demand_mbps = 0.11

[[layers]]
name = "lte"
sites = "sites.csv"
frequency_mhz = 1800
bandwidth_mhz = 20
model = "cost231-hata"

[[layers]]
name = "nr-n78"
technology = "nr"
sites = "n78.csv"
frequency_mhz = 3500
bandwidth_mhz = 100
subcarrier_spacing_khz = 30
model = "3gpp-38901-uma"
[layers.antenna]
gain_dbi = 24
vertical_beamwidth_deg = 10
)";

    test::TempDir dir;
};

TEST_F(ScenarioCompose, ExtendsMergesTablesKeyByKeyAndLayersByName) {
    const auto v = child(R"(extends = "base/parent.toml"

[demand]
busy_hour_demand_mbps = 0.2

[[layers]]
name = "nr-n78"
bandwidth_mhz = 60
[layers.antenna]
gain_dbi = 20

[[layers]]
name = "nr-n28"
technology = "nr"
sites = "other-sites.csv"
frequency_mhz = 700
bandwidth_mhz = 10
model = "3gpp-38901-rma"
)");
    ASSERT_EQ(v.size(), 1u);
    const Scenario& sc = v[0];
    EXPECT_EQ(sc.name, "child"); // a name is not inherited: the file's own
    EXPECT_EQ(sc.base_name, "child");
    EXPECT_EQ(sc.description, "the base plan");
    EXPECT_TRUE(sc.sweep.empty());
    ASSERT_EQ(sc.extends_paths.size(), 1u);
    EXPECT_EQ(sc.extends_paths[0], (dir / "base" / "parent.toml").lexically_normal());
    EXPECT_DOUBLE_EQ(sc.demand.busy_hour_demand_mbps, 0.2);
    EXPECT_DOUBLE_EQ(sc.demand.adoption[0], 0.8); // the parent's, untouched
    EXPECT_DOUBLE_EQ(sc.demand.adoption[2], 0.6);
    ASSERT_EQ(sc.layers.size(), 3u);
    EXPECT_EQ(sc.layers[0].name, "lte");
    EXPECT_EQ(sc.layers[1].name, "nr-n78");
    EXPECT_EQ(sc.layers[2].name, "nr-n28");
    const LayerSpec& n78 = layer(sc, "nr-n78");
    EXPECT_DOUBLE_EQ(n78.bandwidth_mhz, 60.0);
    EXPECT_DOUBLE_EQ(n78.frequency_mhz, 3500.0);
    EXPECT_EQ(n78.subcarrier_spacing_khz, 30);
    EXPECT_DOUBLE_EQ(n78.antenna.gain_dbi, 20.0);
    EXPECT_DOUBLE_EQ(n78.antenna.vertical_beamwidth_deg, 10.0); // merged key by key
    // Paths resolve against the file that wrote them.
    EXPECT_EQ(sc.study_area.districts_path,
              (dir / "base" / "districts.geojson").lexically_normal());
    EXPECT_EQ(layer(sc, "lte").sites_path, (dir / "base" / "sites.csv").lexically_normal());
    EXPECT_EQ(layer(sc, "nr-n28").sites_path, (dir / "other-sites.csv").lexically_normal());
}

TEST_F(ScenarioCompose, ResolvedTextIsAStandAloneScenarioWithTheSameValues) {
    const auto v = child("extends = \"base/parent.toml\"\n[[layers]]\nname = \"lte\"\n"
                         "sites = \"other-sites.csv\"\nload = 0.7\n");
    ASSERT_EQ(v.size(), 1u);
    const std::string& text = v[0].source_text;
    EXPECT_EQ(text.find("\nextends"), std::string::npos) << text;
    EXPECT_NE(text.find("name = 'child'"), std::string::npos) << text;
    EXPECT_NE(text.find("sites = 'base/n78.csv'"), std::string::npos) << text;
    // Parsed where the child is, it is the same scenario.
    const Scenario again = io::parse_scenario_text(text, dir / "resolved.toml");
    EXPECT_EQ(again.name, "child");
    ASSERT_EQ(again.layers.size(), 2u);
    EXPECT_EQ(again.layers[0].sites_path, v[0].layers[0].sites_path);
    EXPECT_EQ(again.layers[0].sites_path, (dir / "other-sites.csv").lexically_normal());
    EXPECT_EQ(again.layers[1].sites_path, v[0].layers[1].sites_path);
    EXPECT_DOUBLE_EQ(again.layers[0].load, 0.7);
    EXPECT_EQ(again.study_area.population_path, v[0].study_area.population_path);
    // A file that composes nothing records its own text.
    const Scenario plain = io::parse_scenario_file(dir / "base" / "parent.toml");
    EXPECT_EQ(plain.source_text, parent);
}

TEST_F(ScenarioCompose, ProblemsNameTheFileAndLineThatWroteTheValue) {
    test::write_text(dir / "base" / "parent.toml",
                     parent + "load = 7\n"); // line 31, in the parent's last layer's antenna table
    test::write_text(dir / "child.toml", "extends = \"base/parent.toml\"\n\n[demand]\n"
                                         "busy_hour_demand_mbps = -1\n");
    const std::string e = error_of(dir / "child.toml");
    EXPECT_NE(e.find((dir / "base" / "parent.toml").string() +
                     ":31: unknown key 'load' in layer \"nr-n78\" antenna"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find((dir / "child.toml").string() +
                     ":4: [demand] busy_hour_demand_mbps must be in [0, 1000] Mbps, got -1"),
              std::string::npos)
        << e;
}

TEST_F(ScenarioCompose, ExtendsCyclesAndMissingFilesAreErrorsAtTheirLine) {
    test::write_text(dir / "a.toml", "# a\nextends = \"b.toml\"\n");
    test::write_text(dir / "b.toml", "extends = \"./a.toml\"\n");
    const std::string cycle = error_of(dir / "a.toml");
    EXPECT_NE(cycle.find((dir / "b.toml").string() + ":1: extends \"./a.toml\" makes a cycle: " +
                         (dir / "a.toml").string() + " extends " + (dir / "b.toml").string() +
                         " extends " + (dir / "a.toml").string()),
              std::string::npos)
        << cycle;
    test::write_text(dir / "self.toml", "extends = \"self.toml\"\n");
    EXPECT_NE(error_of(dir / "self.toml").find("makes a cycle"), std::string::npos);
    test::write_text(dir / "c.toml", "\nextends = \"nowhere/x.toml\"\n");
    EXPECT_EQ(error_of(dir / "c.toml"), (dir / "c.toml").string() + ":2: extends: scenario file '" +
                                            (dir / "nowhere" / "x.toml").string() + "' not found");
    test::write_text(dir / "d.toml", "extends = 3\n");
    EXPECT_NE(error_of(dir / "d.toml").find(":1: extends must be a string"), std::string::npos);
}

TEST_F(ScenarioCompose, SweepExpandsInFileOrderWithTheLastKeyFastest) {
    const auto v = child(R"(extends = "base/parent.toml"
[scenario]
name = "plan"

[sweep]
zeta = { key = "demand.busy_hour_demand_mbps", values = [0.1, 0.25] }
n78 = { key = "layers.nr-n78.bandwidth_mhz", values = [60, 100.0, 40] }
)");
    std::vector<std::string> names;
    for (const Scenario& sc : v) {
        names.push_back(sc.name);
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"plan/zeta=0.1,n78=60", "plan/zeta=0.1,n78=100.0",
                                        "plan/zeta=0.1,n78=40", "plan/zeta=0.25,n78=60",
                                        "plan/zeta=0.25,n78=100.0", "plan/zeta=0.25,n78=40"}));
    ASSERT_EQ(v.size(), 6u);
    EXPECT_DOUBLE_EQ(v[4].demand.busy_hour_demand_mbps, 0.25);
    EXPECT_DOUBLE_EQ(layer(v[4], "nr-n78").bandwidth_mhz, 100.0);
    EXPECT_DOUBLE_EQ(layer(v[2], "nr-n78").bandwidth_mhz, 40.0);
    EXPECT_DOUBLE_EQ(layer(v[2], "nr-n78").frequency_mhz, 3500.0);
    EXPECT_EQ(v[4].base_name, "plan");
    ASSERT_EQ(v[4].sweep.size(), 2u);
    EXPECT_EQ(v[4].sweep[1].label, "n78");
    EXPECT_EQ(v[4].sweep[1].key, "layers.nr-n78.bandwidth_mhz");
    EXPECT_EQ(v[4].sweep[1].value, "100.0");
    EXPECT_NE(v[4].source_text.find("busy_hour_demand_mbps = 0.25"), std::string::npos)
        << v[4].source_text;
    EXPECT_EQ(v[4].source_text.find("[sweep]"), std::string::npos);
}

TEST_F(ScenarioCompose, SweepLabelsNamePathValuesResolvedAgainstTheSweepFile) {
    fs::create_directories(dir / "plans");
    test::write_text(dir / "plans" / "dense.csv", "x");
    test::write_text(dir / "plans" / "sweep.toml", R"(extends = "../base/parent.toml"
[sweep]
isd = { key = "layers.lte.sites", values = ["dense.csv", "../base/sites.csv"], labels = ["400", "500"] }
rural = { key = "demand.adoption.rural_district", values = [0.3] }
)");
    const auto v = io::parse_scenario_variants(dir / "plans" / "sweep.toml");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].name, "sweep/isd=400,rural=0.3");
    EXPECT_EQ(v[1].name, "sweep/isd=500,rural=0.3");
    EXPECT_EQ(layer(v[0], "lte").sites_path, (dir / "plans" / "dense.csv").lexically_normal());
    EXPECT_EQ(layer(v[1], "lte").sites_path, (dir / "base" / "sites.csv").lexically_normal());
    EXPECT_EQ(layer(v[0], "nr-n78").sites_path, (dir / "base" / "n78.csv").lexically_normal());
    EXPECT_DOUBLE_EQ(v[0].demand.adoption[2], 0.3);
    EXPECT_DOUBLE_EQ(v[0].demand.adoption[0], 0.8);
}

TEST_F(ScenarioCompose, AFileThatExtendsASweepInheritsAndMergesIt) {
    test::write_text(dir / "sweep.toml", R"(extends = "base/parent.toml"
[sweep]
load = { key = "layers.lte.load", values = [0.5, 0.7] }
bw = { key = "layers.nr-n78.bandwidth_mhz", values = [60, 100] }
)");
    const auto v = child(R"(extends = "sweep.toml"
[sweep]
gain = { key = "layers.nr-n78.antenna.gain_dbi", values = [18] }
load = { values = [0.9] }
)");
    std::vector<std::string> names;
    for (const Scenario& sc : v) {
        names.push_back(sc.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"child/load=0.9,bw=60,gain=18",
                                               "child/load=0.9,bw=100,gain=18"}));
    ASSERT_EQ(v.size(), 2u);
    EXPECT_DOUBLE_EQ(layer(v[1], "lte").load, 0.9);
    EXPECT_DOUBLE_EQ(layer(v[1], "nr-n78").antenna.gain_dbi, 18.0);
    EXPECT_DOUBLE_EQ(layer(v[1], "nr-n78").antenna.vertical_beamwidth_deg, 10.0);
    EXPECT_EQ(v[1].extends_paths.size(), 2u);
}

TEST_F(ScenarioCompose, BadSweepsAreErrorsNamingTheKey) {
    auto sweep_error = [&](const std::string& entry) {
        test::write_text(dir / "child.toml",
                         "extends = \"base/parent.toml\"\n[sweep]\n" + entry + "\n");
        return error_of(dir / "child.toml");
    };
    const std::string file = (dir / "child.toml").string();
    EXPECT_EQ(sweep_error("a = { key = \"demand.adoption\", values = [] }"),
              file + ":3: [sweep] a: key \"demand.adoption\": values is empty; a sweep needs at "
                     "least one value");
    EXPECT_EQ(sweep_error("a = { key = \"layers.nr-n28.load\", values = [0.5] }"),
              file + ":3: [sweep] a: key \"layers.nr-n28.load\" names no layer: address a "
                     "layer's key as \"layers.<name>.<key>\" (layers: lte, nr-n78)");
    EXPECT_EQ(sweep_error("a = { key = \"demand.adoptoin\", values = [0.5] }"),
              file + ":3: unknown key 'adoptoin' in [demand] (did you mean 'adoption'?)");
    EXPECT_EQ(sweep_error("a = { key = \"demnd.adoption\", values = [0.5] }"),
              file + ":3: unknown key 'demnd' in the scenario file (did you mean 'demand'?)");
    EXPECT_EQ(sweep_error("a = { key = \"layers.lte.bandwidth_mhz\", values = [20, \"40\"] }"),
              file + ":3: [sweep] a: key \"layers.lte.bandwidth_mhz\": values must all be of one "
                     "type, got a string (40) after a number (20)");
    EXPECT_EQ(sweep_error("a = { key = \"layers.lte.model\", values = [1, 2] }"),
              file + ":3: [sweep] a: key \"layers.lte.model\" is a string (" +
                  (dir / "base" / "parent.toml").string() + ":18), got a number (1)");
    EXPECT_EQ(sweep_error("a = { key = \"layers.lte.sites\", values = [\"x/y.csv\"] }"),
              file + ":3: [sweep] a: key \"layers.lte.sites\": \"x/y.csv\" cannot be part of a "
                     "variant's name (letters, digits, '-', '_', '.', '+'); give labels = [...]");
    EXPECT_EQ(sweep_error("a = { key = \"layers.lte.load\", values = [0.5, 0.50] }"),
              file + ":3: [sweep] a: key \"layers.lte.load\": \"0.5\" appears twice; every value "
                     "needs a name of its own");
    EXPECT_EQ(sweep_error("a = { key = \"layers.lte.name\", values = [\"x\"] }"),
              file + ":3: [sweep] a: key \"layers.lte.name\": a layer's name cannot be swept");
    EXPECT_EQ(sweep_error("a = { key = \"demand.adoption\", values = [0.5], labels = [1] }"),
              file + ":3: [sweep] a: key \"demand.adoption\": labels must be an array of 1 "
                     "strings, one per value");
    EXPECT_EQ(sweep_error("a = { key = \"demand.adoption\", valeus = [0.5] }"),
              file + ":3: [sweep] a: unknown key 'valeus' (did you mean 'values'?)\n" + file +
                  ":3: [sweep] a: key \"demand.adoption\": needs values = [...], the values it "
                  "takes");
}

TEST_F(ScenarioCompose, AProblemOfSomeVariantsNamesThem) {
    test::write_text(dir / "child.toml", R"(extends = "base/parent.toml"
[scenario]
name = "plan"
[sweep]
load = { key = "layers.lte.load", values = [0.5, 1.5] }
bw = { key = "layers.nr-n78.bandwidth_mhz", values = [60, 100] }
)");
    EXPECT_EQ(error_of(dir / "child.toml"),
              (dir / "child.toml").string() +
                  ":5: in variants plan/load=1.5,bw=60, plan/load=1.5,bw=100: layer \"lte\" load "
                  "must be in [0, 1], got 1.5");
}

TEST_F(ScenarioCompose, NamesMustBeUniqueInABatch) {
    test::write_text(dir / "one.toml", "extends = \"base/parent.toml\"\n[scenario]\n"
                                       "name = \"parent\"\n");
    const io::ScenarioBatch batch =
        io::read_scenario_batch({dir / "base" / "parent.toml", dir / "one.toml"});
    EXPECT_EQ(batch.scenarios.size(), 1u);
    ASSERT_EQ(batch.problems.size(), 1u);
    EXPECT_EQ(batch.problems[0], (dir / "one.toml").string() +
                                     ": scenario name \"parent\" is used by another scenario of "
                                     "this batch (" +
                                     (dir / "base" / "parent.toml").string() +
                                     "); names must be unique");
}

TEST_F(ScenarioCompose, ASweptFileIsNotOneScenario) {
    test::write_text(dir / "child.toml",
                     "extends = \"base/parent.toml\"\n[sweep]\n"
                     "a = { key = \"layers.lte.load\", values = [0.1, 0.2] }\n");
    try {
        io::parse_scenario_file(dir / "child.toml");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has a [sweep] of 2 variants"), std::string::npos);
    }
}

} // namespace
