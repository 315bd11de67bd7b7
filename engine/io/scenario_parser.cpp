#include "io/scenario_parser.hpp"

#include "core/error.hpp"
#include "core/propagation/registry.hpp"
#include "io/suggest.hpp"

#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace covsim::io {

namespace {

// Collects problems as "<file>:<line>: <message>".
class Problems {
public:
    explicit Problems(std::string file) : file_(std::move(file)) {}

    void add(std::uint32_t line, const std::string& message) {
        list_.push_back(line > 0 ? fmt::format("{}:{}: {}", file_, line, message)
                                 : fmt::format("{}: {}", file_, message));
    }
    [[nodiscard]] bool empty() const { return list_.empty(); }
    [[noreturn]] void raise() const {
        std::string text;
        for (const auto& p : list_) {
            text += (text.empty() ? "" : "\n") + p;
        }
        throw Error(ErrorCode::scenario, text);
    }

private:
    std::string file_;
    std::vector<std::string> list_;
};

std::uint32_t line_of(const toml::node& n) {
    return n.source().begin.line;
}

std::string describe(const toml::node& n) {
    if (n.is_string()) {
        return fmt::format("\"{}\"", *n.value<std::string>());
    }
    if (n.is_floating_point()) {
        return fmt::format("{}", *n.value<double>()); // shortest form: 1e-06, not 9.99e-07
    }
    if (n.is_table()) {
        return "a table";
    }
    if (n.is_array()) {
        return "an array";
    }
    std::ostringstream os;
    n.visit([&](const auto& v) { os << v; });
    return os.str();
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string:
        return "string";
    case toml::node_type::integer:
        return "integer";
    case toml::node_type::floating_point:
        return "number";
    case toml::node_type::boolean:
        return "boolean";
    case toml::node_type::table:
        return "table";
    case toml::node_type::array:
        return "array";
    default:
        return "date/time";
    }
}

// Reads the keys of one table, remembering which were used, and reports the rest as unknown.
class TableReader {
public:
    TableReader(const toml::table& table, std::string where, Problems& problems)
        : table_(table), where_(std::move(where)), problems_(problems) {}

    const toml::node* find(std::string_view key) {
        known_.emplace_back(key);
        return table_.get(key);
    }

    std::optional<std::string> string(std::string_view key, bool required = false) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            if (required) {
                problems_.add(line_of(table_), fmt::format("{}: missing key '{}'", where_, key));
            }
            return std::nullopt;
        }
        if (!n->is_string()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be a string, got {} {}", prefix(),
                                                   key, type_name(*n), describe(*n)));
            return std::nullopt;
        }
        return *n->value<std::string>();
    }

    std::optional<double> number(std::string_view key, double min, double max,
                                 std::string_view unit, bool required = false) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            if (required) {
                problems_.add(line_of(table_), fmt::format("{}: missing key '{}'", where_, key));
            }
            return std::nullopt;
        }
        if (!n->is_number()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be a number, got {} {}", prefix(),
                                                   key, type_name(*n), describe(*n)));
            return std::nullopt;
        }
        const double v = *n->value<double>();
        if (!(v >= min && v <= max)) {
            problems_.add(line_of(*n),
                          fmt::format("{}{} must be in [{:g}, {:g}]{}{}, got {}", prefix(), key,
                                      min, max, unit.empty() ? "" : " ", unit, describe(*n)));
            return std::nullopt;
        }
        return v;
    }

    std::optional<int> integer(std::string_view key, int min, int max) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return std::nullopt;
        }
        if (!n->is_integer()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be an integer, got {} {}", prefix(),
                                                   key, type_name(*n), describe(*n)));
            return std::nullopt;
        }
        const auto v = *n->value<std::int64_t>();
        if (v < min || v > max) {
            problems_.add(line_of(*n), fmt::format("{}{} must be in [{}, {}], got {}", prefix(),
                                                   key, min, max, v));
            return std::nullopt;
        }
        return static_cast<int>(v);
    }

    const toml::table* table(std::string_view key) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return nullptr;
        }
        if (!n->is_table()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be a table, got {} {}", prefix(), key,
                                                   type_name(*n), describe(*n)));
            return nullptr;
        }
        return n->as_table();
    }

    // Reports every key that no accessor asked for; returns the keys suggested instead, so that
    // a misspelt key is not reported a second time as missing.
    std::vector<std::string> finish() {
        std::vector<std::string> suggested;
        for (const auto& [key, node] : table_) {
            const std::string_view k = key.str();
            if (std::find(known_.begin(), known_.end(), k) == known_.end()) {
                problems_.add(line_of(node), fmt::format("unknown key '{}' in {}{}", k, where_,
                                                         did_you_mean(k, known_)));
                suggested.push_back(closest_match(k, known_));
            }
        }
        return suggested;
    }

    [[nodiscard]] std::uint32_t line() const { return line_of(table_); }
    [[nodiscard]] const std::string& where() const { return where_; }

private:
    std::string prefix() const { return where_ + " "; }

    const toml::table& table_;
    std::string where_;
    Problems& problems_;
    std::vector<std::string_view> known_;
};

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 100) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
    });
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
    std::filesystem::path path(p);
    return (path.is_absolute() ? path : base / path).lexically_normal();
}

void check_file(Problems& problems, const toml::node* node, const std::string& key,
                const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        problems.add(node != nullptr ? line_of(*node) : 0,
                     fmt::format("{}: file '{}' not found", key, path.string()));
    }
}

void read_antenna(TableReader& t, AntennaPattern& a, Problems& problems) {
    if (auto p = t.string("pattern")) {
        if (*p == "isotropic" || *p == "3gpp") {
            a.isotropic = *p == "isotropic";
        } else {
            problems.add(line_of(*t.find("pattern")),
                         fmt::format("{} pattern must be \"3gpp\" or \"isotropic\", got \"{}\"",
                                     t.where(), *p));
        }
    }
    if (auto v = t.number("horizontal_beamwidth_deg", 1.0, 360.0, "degrees")) {
        a.horizontal_beamwidth_deg = *v;
    }
    if (auto v = t.number("vertical_beamwidth_deg", 1.0, 180.0, "degrees")) {
        a.vertical_beamwidth_deg = *v;
    }
    if (auto v = t.number("max_attenuation_db", 0.0, 80.0, "dB")) {
        a.max_attenuation_db = *v;
    }
    if (auto v = t.number("side_lobe_level_db", 0.0, 80.0, "dB")) {
        a.side_lobe_level_db = *v;
    }
    if (auto v = t.number("gain_dbi", -10.0, 40.0, "dBi")) {
        a.gain_dbi = *v;
    }
}

// Reads the keys a layer and [layer_defaults] share into `layer`.
void read_layer_keys(TableReader& t, LayerSpec& layer, Problems& problems) {
    if (auto v = t.string("technology")) {
        if (auto tech = parse_technology(*v)) {
            layer.technology = *tech;
        } else {
            problems.add(
                line_of(*t.find("technology")),
                fmt::format("{} technology must be \"lte\" or \"nr\", got \"{}\"", t.where(), *v));
        }
    }
    if (auto v = t.number("frequency_mhz", 150.0, 100000.0, "MHz")) {
        layer.frequency_mhz = *v;
    }
    if (auto v = t.number("bandwidth_mhz", 1.4, 400.0, "MHz")) {
        layer.bandwidth_mhz = *v;
    }
    if (const toml::node* n = t.find("subcarrier_spacing_khz"); n != nullptr) {
        const auto v = n->value<std::int64_t>();
        if (!n->is_integer() || (*v != 15 && *v != 30 && *v != 60 && *v != 120)) {
            problems.add(line_of(*n), fmt::format("{} subcarrier_spacing_khz must be 15, 30, 60 or "
                                                  "120, got {}",
                                                  t.where(), describe(*n)));
        } else {
            layer.subcarrier_spacing_khz = static_cast<int>(*v);
        }
    }
    if (auto v = t.integer("resource_blocks", 1, 3300)) {
        layer.resource_blocks = *v;
    }
    if (auto v = t.string("model")) {
        layer.model = *v;
        if (model_registry().find(*v) == nullptr) {
            problems.add(line_of(*t.find("model")),
                         fmt::format("{} model \"{}\" is not a known propagation model{}; "
                                     "`covsim models` lists them",
                                     t.where(), *v, did_you_mean(*v, model_registry().names())));
        }
    }
    if (auto v = t.string("los")) {
        if (auto c = parse_los_condition(*v)) {
            layer.los = *c;
        } else {
            problems.add(line_of(*t.find("los")),
                         fmt::format("{} los must be \"los\", \"nlos\" or \"probabilistic\", got "
                                     "\"{}\"",
                                     t.where(), *v));
        }
    }
    if (auto v = t.number("rx_height_m", 0.5, 100.0, "m")) {
        layer.rx_height_m = *v;
    }
    if (auto v = t.number("rx_gain_dbi", -20.0, 40.0, "dBi")) {
        layer.rx_gain_dbi = *v;
    }
    if (auto v = t.number("noise_figure_db", 0.0, 20.0, "dB")) {
        layer.noise_figure_db = *v;
    }
    if (auto v = t.number("max_range_m", 100.0, 200000.0, "m")) {
        layer.max_range_m = *v;
    }
    if (auto v = t.number("load", 0.0, 1.0, "")) {
        layer.load = *v;
    }
    if (auto v = t.number("rsrp_min_dbm", -160.0, -30.0, "dBm")) {
        layer.rsrp_min_dbm = *v;
    }
    if (auto v = t.number("sinr_min_db", -20.0, 40.0, "dB")) {
        layer.sinr_min_db = *v;
    }
    if (auto v = t.integer("priority", -100, 100)) {
        layer.priority = *v;
    }
    if (const toml::table* a = t.table("antenna")) {
        TableReader at(*a, t.where() + " antenna", problems);
        read_antenna(at, layer.antenna, problems);
        at.finish();
    }
}

} // namespace

Scenario parse_scenario_text(const std::string& text, const std::filesystem::path& path) {
    const std::string file = path.string();
    Problems problems(file);
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::scenario,
                    fmt::format("{}:{}:{}: TOML syntax error: {}", file, e.source().begin.line,
                                e.source().begin.column, e.description()));
    }

    Scenario sc;
    sc.source_path = path;
    sc.source_text = text;
    const std::filesystem::path base = path.parent_path();
    TableReader top(root, "the scenario file", problems);

    // [scenario]
    if (const toml::table* t = top.table("scenario")) {
        TableReader r(*t, "[scenario]", problems);
        if (auto name = r.string("name")) {
            sc.name = *name;
            if (!valid_name(sc.name)) {
                problems.add(line_of(*r.find("name")),
                             fmt::format("[scenario] name must be 1-100 letters, digits, '-', '_' "
                                         "or '.', got \"{}\"",
                                         sc.name));
            }
        }
        sc.description = r.string("description").value_or("");
        r.finish();
    }
    if (sc.name.empty()) {
        sc.name = path.stem().string();
    }

    // [study_area]
    const toml::table* sa = top.table("study_area");
    if (sa == nullptr) {
        problems.add(0, "missing table [study_area] (districts, population, resolution_m)");
    } else {
        TableReader r(*sa, "[study_area]", problems);
        StudyAreaSpec& s = sc.study_area;
        if (auto v = r.string("districts", true)) {
            s.districts_path = resolve(base, *v);
            check_file(problems, r.find("districts"), "[study_area] districts", s.districts_path);
        }
        if (auto v = r.string("population", true)) {
            s.population_path = resolve(base, *v);
            check_file(problems, r.find("population"), "[study_area] population",
                       s.population_path);
        }
        s.districts_layer = r.string("districts_layer").value_or("");
        s.code_field = r.string("code_field").value_or(s.code_field);
        s.name_field = r.string("name_field").value_or(s.name_field);
        s.name_ascii_field = r.string("name_ascii_field").value_or(s.name_ascii_field);
        s.type_field = r.string("type_field").value_or(s.type_field);
        s.population_field = r.string("population_field").value_or("");
        s.crs = r.string("crs").value_or("");
        if (auto v = r.number("resolution_m", 1.0, 10000.0, "m")) {
            s.resolution_m = *v;
        }
        r.finish();
    }

    // [environment]
    if (const toml::table* t = top.table("environment")) {
        TableReader r(*t, "[environment]", problems);
        for (std::size_t i = 0; i < district_type_count; ++i) {
            if (auto v = r.string(district_type_names[i])) {
                if (auto e = parse_environment(*v)) {
                    sc.environment[i] = *e;
                } else {
                    problems.add(line_of(*r.find(district_type_names[i])),
                                 fmt::format("[environment] {} must be \"urban\", \"suburban\" or "
                                             "\"rural\", got \"{}\"",
                                             district_type_names[i], *v));
                }
            }
        }
        r.finish();
    }

    // [layer_defaults], then each [[layers]] entry on top of them.
    LayerSpec defaults;
    const toml::table* defaults_table = top.table("layer_defaults");
    if (defaults_table != nullptr) {
        TableReader r(*defaults_table, "[layer_defaults]", problems);
        read_layer_keys(r, defaults, problems);
        r.finish();
    }

    const toml::node* layers_node = top.find("layers");
    if (layers_node == nullptr || !layers_node->is_array_of_tables()) {
        problems.add(layers_node != nullptr ? line_of(*layers_node) : 0,
                     "expected at least one [[layers]] table (name, sites, frequency_mhz, "
                     "bandwidth_mhz, model)");
    } else {
        std::set<std::string> names;
        for (const toml::node& node : *layers_node->as_array()) {
            const toml::table& lt = *node.as_table();
            LayerSpec layer = defaults;
            const std::size_t index = sc.layers.size();
            const auto* name_node = lt.get("name");
            const std::string label =
                name_node != nullptr && name_node->is_string()
                    ? fmt::format("layer \"{}\"", *name_node->value<std::string>())
                    : fmt::format("layers[{}]", index);
            TableReader r(lt, label, problems);
            if (auto v = r.string("name", true)) {
                layer.name = *v;
                if (!valid_name(layer.name)) {
                    problems.add(
                        line_of(*r.find("name")),
                        fmt::format("{} name must be letters, digits, '-', '_' or '.'", label));
                } else if (!names.insert(layer.name).second) {
                    problems.add(
                        line_of(*r.find("name")),
                        fmt::format("{} is defined twice; layer names must be unique", label));
                }
            }
            if (auto v = r.string("sites", true)) {
                layer.sites_path = resolve(base, *v);
                check_file(problems, r.find("sites"), label + " sites", layer.sites_path);
            }
            layer.sites_layer = r.string("sites_layer").value_or("");
            read_layer_keys(r, layer, problems);
            const std::vector<std::string> suggested = r.finish();

            for (const char* key : {"frequency_mhz", "bandwidth_mhz", "model"}) {
                const bool given = lt.contains(key) ||
                                   (defaults_table != nullptr && defaults_table->contains(key));
                const bool misspelt =
                    std::find(suggested.begin(), suggested.end(), key) != suggested.end();
                if (!given && !misspelt) {
                    problems.add(r.line(), fmt::format("{}: missing key '{}'", label, key));
                }
            }
            if (layer.technology == Technology::lte && layer.subcarrier_spacing_khz != 15) {
                problems.add(r.line(), fmt::format("{}: LTE uses a 15 kHz subcarrier spacing, got "
                                                   "subcarrier_spacing_khz = {}",
                                                   label, layer.subcarrier_spacing_khz));
            } else if (layer.bandwidth_mhz > 0.0 && !layer.resource_blocks &&
                       !resource_blocks(layer.technology, layer.bandwidth_mhz,
                                        layer.subcarrier_spacing_khz)) {
                problems.add(r.line(),
                             fmt::format("{}: bandwidth_mhz = {:g} at {} kHz is not a {} channel "
                                         "bandwidth of 3GPP {}; give resource_blocks",
                                         label, layer.bandwidth_mhz, layer.subcarrier_spacing_khz,
                                         layer.technology == Technology::lte ? "LTE" : "NR",
                                         layer.technology == Technology::lte
                                             ? "TS 36.101 Table 5.6-1"
                                             : "TS 38.101-1 Table 5.3.2-1"));
            }
            sc.layers.push_back(std::move(layer));
        }
    }
    top.finish();
    if (!problems.empty()) {
        problems.raise();
    }
    return sc;
}

Scenario parse_scenario_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(ErrorCode::io, fmt::format("scenario file '{}' not found", path.string()));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
        throw Error(ErrorCode::io, fmt::format("cannot read scenario file '{}'", path.string()));
    }
    return parse_scenario_text(text.str(), path);
}

std::vector<std::string> scenario_warnings(const Scenario& scenario) {
    std::vector<std::string> out;
    for (const LayerSpec& layer : scenario.layers) {
        const PropagationModel* m = model_registry().find(layer.model);
        if (m == nullptr) {
            continue;
        }
        const ValidityRange v = m->validity();
        if (!v.frequency_mhz.contains(layer.frequency_mhz)) {
            out.push_back(fmt::format("{}: layer \"{}\" frequency_mhz = {:g} is outside {}'s "
                                      "validity range [{:g}, {:g}] MHz; results are extrapolated",
                                      scenario.source_path.string(), layer.name,
                                      layer.frequency_mhz, m->name(), v.frequency_mhz.min,
                                      v.frequency_mhz.max));
        }
        if (!v.rx_height_m.contains(layer.rx_height_m)) {
            out.push_back(fmt::format("{}: layer \"{}\" rx_height_m = {:g} is outside {}'s "
                                      "validity range [{:g}, {:g}] m",
                                      scenario.source_path.string(), layer.name, layer.rx_height_m,
                                      m->name(), v.rx_height_m.min, v.rx_height_m.max));
        }
    }
    return out;
}

} // namespace covsim::io
