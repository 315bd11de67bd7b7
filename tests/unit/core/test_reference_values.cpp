// covsim against the reference values that the scripts of tests/unit/core/reference/ compute
// from the documents (not from covsim's code) and write to data files beside them, as PROJ's gie
// files: model_reference_values.txt (P.525, COST-231 Hata, TR 38.901, the antenna pattern, the
// link budget) and p2109_reference_values.txt (P.2109). One parameterised test reads every line
//
//     <operation> <argument>=<value>... expect=<value> tolerance=<value>
//
// and a failure names the file and line. An argument "*" (los, environment) is one the result
// must not depend on: the case runs for each of its values. The operations:
//
//   path_loss_db               model f_mhz d_m h_tx_m h_rx_m los environment: the model's loss
//   loss_not_exceeded_db       the same and location_probability: the loss plus the model's
//                              location margin (PropagationModel::location_margin_db)
//   mixture_median_minus_weighted_mean_db  model f_mhz d_m h_tx_m h_rx_m: the probabilistic
//                              loss minus p L_LOS + (1 - p) L_NLOS (tr38901::los_weighted_loss_db)
//   los_probability            scenario (rma, uma, umi) d_m h_ut_m: TR 38.901 Table 7.4.2-1
//   breakpoint_m               formula (rma, uma_umi) h_bs_m h_ut_m f_ghz: TR 38.901 notes 1, 5
//   los_loss_at_breakpoint_db  model f_mhz h_tx_m h_rx_m: the LOS loss at d_2D = d_BP, with
//                              covsim's own d_BP (a step needs both sides of the very value)
//   los_step_at_breakpoint_db  the same link: loss at d_BP (1 + 1e-12) minus loss at d_BP
//   antenna_gain_dbi           phi_deg below_boresight_deg vertical_beamwidth_deg
//                              side_lobe_level_db max_attenuation_db gain_dbi omni, with a
//                              65 deg horizontal beamwidth
//   noise_per_re_dbm           subcarrier_spacing_khz noise_figure_db
//   power_per_re_dbm           power_dbm resource_blocks
//   building_entry_loss_db     f_ghz probability elevation_deg building (traditional,
//                              thermally_efficient)

#include "core/antenna.hpp"
#include "core/link_budget.hpp"
#include "core/propagation/model.hpp"
#include "core/propagation/p2109.hpp"
#include "core/propagation/registry.hpp"
#include "core/propagation/tr38901.hpp"
#include "test_config.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace covsim;

namespace {

struct ReferenceCase {
    std::string file;
    int line = 0;
    std::string operation;
    std::map<std::string, std::string> arguments; // without expect and tolerance
    std::string expect;
    std::string tolerance;
};

// For gtest's messages: where the case is written.
void PrintTo(const ReferenceCase& c, std::ostream* os) {
    *os << c.file << ':' << c.line;
}

std::vector<ReferenceCase> load(const std::string& file) {
    const std::filesystem::path path =
        std::filesystem::path(test::source_dir) / "tests" / "unit" / "core" / "reference" / file;
    std::ifstream in(path);
    std::vector<ReferenceCase> cases;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        ReferenceCase c;
        c.file = file;
        c.line = n;
        std::istringstream words(line);
        words >> c.operation;
        for (std::string word; words >> word;) {
            const std::size_t eq = word.find('=');
            // A word without '=' is kept under its own text and reported as not an argument.
            c.arguments[word.substr(0, eq)] = eq == std::string::npos ? "" : word.substr(eq + 1);
        }
        c.expect = c.arguments["expect"];
        c.tolerance = c.arguments["tolerance"];
        c.arguments.erase("expect");
        c.arguments.erase("tolerance");
        cases.push_back(std::move(c));
    }
    return cases;
}

const std::vector<ReferenceCase>& model_cases() {
    static const std::vector<ReferenceCase> cases = load("model_reference_values.txt");
    return cases;
}

const std::vector<ReferenceCase>& p2109_cases() {
    static const std::vector<ReferenceCase> cases = load("p2109_reference_values.txt");
    return cases;
}

// A whole word as a double; throws naming the text otherwise.
double to_double(const std::string& text) {
    double v = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument("'" + text + "' is not a number");
    }
    return v;
}

// The arguments of one case with every "*" replaced; each read throws when it is missing, and
// the arguments never read are reported (a misspelt name would otherwise go unnoticed).
class Arguments {
public:
    explicit Arguments(std::map<std::string, std::string> values) : values_(std::move(values)) {}

    const std::string& text(const std::string& key) const {
        const auto it = values_.find(key);
        if (it == values_.end()) {
            throw std::invalid_argument("no argument '" + key + "'");
        }
        read_.insert(key);
        return it->second;
    }
    double number(const std::string& key) const { return to_double(text(key)); }
    int integer(const std::string& key) const {
        const double v = number(key);
        if (v != static_cast<int>(v)) {
            throw std::invalid_argument(key + " = " + text(key) + " is not an integer");
        }
        return static_cast<int>(v);
    }
    template <typename T, typename Parse>
    T parsed(const std::string& key, Parse parse) const {
        const auto v = parse(text(key));
        if (!v) {
            throw std::invalid_argument(key + " = '" + text(key) + "' is not a known name");
        }
        return *v;
    }

    [[nodiscard]] std::vector<std::string> unread() const {
        std::vector<std::string> out;
        for (const auto& [key, value] : values_) {
            if (read_.count(key) == 0) {
                out.push_back(key);
            }
        }
        return out;
    }
    [[nodiscard]] std::string describe() const {
        std::string out;
        for (const auto& [key, value] : values_) {
            out += (out.empty() ? "" : " ") + key + "=" + value;
        }
        return out;
    }

private:
    std::map<std::string, std::string> values_;
    mutable std::set<std::string> read_;
};

// Every value of an argument written "*".
std::vector<std::string> every_value(const std::string& key) {
    std::vector<std::string> out;
    if (key == "los") {
        for (const LosCondition c :
             {LosCondition::los, LosCondition::nlos, LosCondition::probabilistic}) {
            out.emplace_back(to_string(c));
        }
    } else if (key == "environment") {
        for (const Environment e :
             {Environment::urban, Environment::suburban, Environment::rural}) {
            out.emplace_back(to_string(e));
        }
    } else {
        throw std::invalid_argument("argument '" + key + "' cannot be \"*\"");
    }
    return out;
}

// The cases a line stands for: one per combination of the values of its "*" arguments.
std::vector<Arguments> expand(const std::map<std::string, std::string>& arguments) {
    std::vector<std::map<std::string, std::string>> out = {arguments};
    for (const auto& [key, value] : arguments) {
        if (value != "*") {
            continue;
        }
        std::vector<std::map<std::string, std::string>> next;
        for (const auto& partial : out) {
            for (const std::string& v : every_value(key)) {
                next.push_back(partial);
                next.back()[key] = v;
            }
        }
        out = std::move(next);
    }
    return {out.begin(), out.end()};
}

const PropagationModel& model(const Arguments& a) {
    const PropagationModel* m = model_registry().find(a.text("model"));
    if (m == nullptr) {
        throw std::invalid_argument("model '" + a.text("model") + "' is not registered");
    }
    return *m;
}

double path_loss_db(const Arguments& a) {
    Link l;
    l.frequency_mhz = a.number("f_mhz");
    l.distance_m = a.number("d_m");
    l.tx_height_m = a.number("h_tx_m");
    l.rx_height_m = a.number("h_rx_m");
    l.los = a.parsed<LosCondition>("los", parse_los_condition);
    l.environment = a.parsed<Environment>("environment", parse_environment);
    return model(a).path_loss_db(l);
}

double los_probability_of(const std::string& scenario, double d_m, double h_ut_m) {
    if (scenario == "rma") {
        return tr38901::rma_los_probability(d_m);
    }
    if (scenario == "uma") {
        return tr38901::uma_los_probability(d_m, h_ut_m);
    }
    if (scenario == "umi") {
        return tr38901::umi_los_probability(d_m);
    }
    throw std::invalid_argument("scenario '" + scenario + "' is not rma, uma or umi");
}

double loss_not_exceeded_db(const Arguments& a) {
    Link l;
    l.frequency_mhz = a.number("f_mhz");
    l.distance_m = a.number("d_m");
    l.tx_height_m = a.number("h_tx_m");
    l.rx_height_m = a.number("h_rx_m");
    l.los = a.parsed<LosCondition>("los", parse_los_condition);
    return model(a).path_loss_db(l) +
           model(a).location_margin_db(l, a.number("location_probability"));
}

double mixture_median_minus_weighted_mean_db(const Arguments& a) {
    Link l;
    l.frequency_mhz = a.number("f_mhz");
    l.distance_m = a.number("d_m");
    l.tx_height_m = a.number("h_tx_m");
    l.rx_height_m = a.number("h_rx_m");
    const PropagationModel& m = model(a);
    l.los = LosCondition::probabilistic;
    const double median = m.path_loss_db(l);
    l.los = LosCondition::los;
    const double los = m.path_loss_db(l);
    l.los = LosCondition::nlos;
    const double nlos = m.path_loss_db(l);
    const std::string name(m.name());
    const double p =
        los_probability_of(name.substr(name.rfind('-') + 1), l.distance_m, l.rx_height_m);
    return median - tr38901::los_weighted_loss_db(p, los, nlos);
}

double los_probability(const Arguments& a) {
    return los_probability_of(a.text("scenario"), a.number("d_m"), a.number("h_ut_m"));
}

double breakpoint_m(const Arguments& a) {
    const std::string& formula = a.text("formula");
    const double h_bs_m = a.number("h_bs_m");
    const double h_ut_m = a.number("h_ut_m");
    const double f_ghz = a.number("f_ghz");
    if (formula == "rma") {
        return tr38901::rma_breakpoint_m(h_bs_m, h_ut_m, f_ghz);
    }
    if (formula == "uma_umi") {
        return tr38901::uma_umi_breakpoint_m(h_bs_m, h_ut_m, f_ghz);
    }
    throw std::invalid_argument("formula '" + formula + "' is not rma or uma_umi");
}

// The model's LOS link at d_2D = its breakpoint distance as covsim computes it.
Link breakpoint_link(const Arguments& a) {
    Link l;
    l.frequency_mhz = a.number("f_mhz");
    l.tx_height_m = a.number("h_tx_m");
    l.rx_height_m = a.number("h_rx_m");
    l.los = LosCondition::los;
    const double f_ghz = l.frequency_mhz / 1000.0;
    l.distance_m = model(a).name() == "3gpp-38901-rma"
                       ? tr38901::rma_breakpoint_m(l.tx_height_m, l.rx_height_m, f_ghz)
                       : tr38901::uma_umi_breakpoint_m(l.tx_height_m, l.rx_height_m, f_ghz);
    return l;
}

double los_loss_at_breakpoint_db(const Arguments& a) {
    return model(a).path_loss_db(breakpoint_link(a));
}

double los_step_at_breakpoint_db(const Arguments& a) {
    const Link at = breakpoint_link(a);
    Link after = at;
    after.distance_m = at.distance_m * (1.0 + 1e-12);
    return model(a).path_loss_db(after) - model(a).path_loss_db(at);
}

double antenna_gain_dbi(const Arguments& a) {
    AntennaPattern p;
    p.horizontal_beamwidth_deg = 65.0;
    p.vertical_beamwidth_deg = a.number("vertical_beamwidth_deg");
    p.side_lobe_level_db = a.number("side_lobe_level_db");
    p.max_attenuation_db = a.number("max_attenuation_db");
    p.gain_dbi = a.number("gain_dbi");
    const std::string& omni = a.text("omni");
    if (omni != "true" && omni != "false") {
        throw std::invalid_argument("omni = '" + omni + "' is not true or false");
    }
    return p.gain_dbi_towards(a.number("phi_deg"), a.number("below_boresight_deg"), omni == "true");
}

double noise_per_re(const Arguments& a) {
    return noise_per_re_dbm(a.integer("subcarrier_spacing_khz"), a.number("noise_figure_db"));
}

double power_per_re(const Arguments& a) {
    return power_per_re_dbm(a.number("power_dbm"), a.integer("resource_blocks"));
}

double building_entry_loss_db(const Arguments& a) {
    const std::string& building = a.text("building");
    if (building != "traditional" && building != "thermally_efficient") {
        throw std::invalid_argument("building = '" + building +
                                    "' is not traditional or thermally_efficient");
    }
    return p2109::building_entry_loss_db(
        a.number("f_ghz"), a.number("probability"), a.number("elevation_deg"),
        building == "traditional" ? p2109::BuildingType::traditional
                                  : p2109::BuildingType::thermally_efficient);
}

const std::map<std::string, std::function<double(const Arguments&)>> operations = {
    {"path_loss_db", path_loss_db},
    {"loss_not_exceeded_db", loss_not_exceeded_db},
    {"mixture_median_minus_weighted_mean_db", mixture_median_minus_weighted_mean_db},
    {"los_probability", los_probability},
    {"breakpoint_m", breakpoint_m},
    {"los_loss_at_breakpoint_db", los_loss_at_breakpoint_db},
    {"los_step_at_breakpoint_db", los_step_at_breakpoint_db},
    {"antenna_gain_dbi", antenna_gain_dbi},
    {"noise_per_re_dbm", noise_per_re},
    {"power_per_re_dbm", power_per_re},
    {"building_entry_loss_db", building_entry_loss_db},
};

class ReferenceValue : public ::testing::TestWithParam<ReferenceCase> {};

} // namespace

TEST_P(ReferenceValue, MatchesTheScript) {
    const ReferenceCase& c = GetParam();
    const std::string where = c.file + ":" + std::to_string(c.line) + ": ";
    const auto op = operations.find(c.operation);
    ASSERT_TRUE(op != operations.end()) << where << "unknown operation '" << c.operation << "'";
    try {
        const double expect = to_double(c.expect);
        const double tolerance = to_double(c.tolerance);
        for (const Arguments& a : expand(c.arguments)) {
            EXPECT_NEAR(op->second(a), expect, tolerance) << where << a.describe();
            EXPECT_TRUE(a.unread().empty()) << where << "argument '" << a.unread().front()
                                            << "' is not one of " << c.operation << "'s";
        }
    } catch (const std::invalid_argument& e) {
        FAIL() << where << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(Models, ReferenceValue, ::testing::ValuesIn(model_cases()));
INSTANTIATE_TEST_SUITE_P(P2109, ReferenceValue, ::testing::ValuesIn(p2109_cases()));

// An unreadable or truncated data file would otherwise only shrink the list of tests.
TEST(ReferenceValues, TheDataFilesHoldEveryCaseOfTheScripts) {
    EXPECT_EQ(model_cases().size(), 335u);
    EXPECT_EQ(p2109_cases().size(), 46u);
}
