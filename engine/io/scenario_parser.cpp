#include "io/scenario_parser.hpp"

#include "core/error.hpp"
#include "core/propagation/registry.hpp"
#include "io/antenna_file.hpp"
#include "io/scenario_toml.hpp"
#include "io/suggest.hpp"

#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace covsim::io {

namespace {

using detail::PathValue;
using detail::Problem;

// Where a value was written: its file (empty: the scenario file) and line (0: none).
struct Where {
    toml::source_path_ptr file;
    std::uint32_t line = 0;
};

Where line_of(const toml::node& n) {
    return {n.source().path, n.source().begin.line};
}

// Collects problems as "<file>:<line>: <message>", naming the file that wrote the value.
class Problems {
public:
    Problems(std::string file, std::vector<Problem>& list) : file_(std::move(file)), list_(list) {}

    void add(const Where& where, const std::string& message) {
        list_.push_back({where.file ? *where.file : file_, where.line, message});
    }
    // A problem of the whole file, without a line.
    void add(std::nullptr_t, const std::string& message) { add(Where{}, message); }

private:
    std::string file_;
    std::vector<Problem>& list_;
};

// Resolves the paths of values that name files, relative to the file that wrote each value.
class Paths {
public:
    Paths(std::filesystem::path file, std::vector<PathValue>* record)
        : file_(std::move(file)), record_(record) {}

    std::filesystem::path operator()(const toml::node& node, const std::string& value) const {
        const std::filesystem::path p(value);
        const std::filesystem::path resolved =
            (p.is_absolute() ? p : detail::source_file(node, file_).parent_path() / p)
                .lexically_normal();
        if (record_ != nullptr) {
            record_->push_back({&node, resolved});
        }
        return resolved;
    }

private:
    std::filesystem::path file_;
    std::vector<PathValue>* record_;
};

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

    std::optional<bool> boolean(std::string_view key) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return std::nullopt;
        }
        if (!n->is_boolean()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be true or false, got {} {}",
                                                   prefix(), key, type_name(*n), describe(*n)));
            return std::nullopt;
        }
        return *n->value<bool>();
    }

    // A text value that must be one of `names`; `parse` maps it to the value.
    template <typename T, typename Parse>
    std::optional<T> choice(std::string_view key, Parse parse, std::string_view allowed) {
        const auto text = string(key);
        if (!text) {
            return std::nullopt;
        }
        const auto value = parse(*text);
        if (!value) {
            problems_.add(line_of(*table_.get(key)), fmt::format("{}{} must be {}, got \"{}\"",
                                                                 prefix(), key, allowed, *text));
        }
        return value;
    }

    // A value per district type: one number for every type, or a table such as
    // { urban_district = 0.8, rural_district = 0.6 } (types left out keep their value).
    void per_type(std::string_view key, PerDistrictType<double>& values, double min, double max,
                  std::string_view unit) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return;
        }
        if (n->is_number()) {
            if (auto v = number(key, min, max, unit)) {
                values.fill(*v);
            }
            return;
        }
        if (!n->is_table()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be a number or a table of district "
                                                   "types, got {} {}",
                                                   prefix(), key, type_name(*n), describe(*n)));
            return;
        }
        TableReader types(*n->as_table(), fmt::format("{}{}", prefix(), key), problems_);
        for (std::size_t i = 0; i < district_type_count; ++i) {
            if (auto v = types.number(district_type_names[i], min, max, unit)) {
                values[i] = *v;
            }
        }
        types.finish();
    }

    // An array of numbers, each in [min, max].
    std::optional<std::vector<double>> numbers(std::string_view key, double min, double max) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return std::nullopt;
        }
        const toml::array* a = n->as_array();
        std::vector<double> out;
        bool ok = a != nullptr;
        if (ok) {
            for (const toml::node& e : *a) {
                const auto v = e.value<double>();
                ok = ok && e.is_number() && v && *v >= min && *v <= max;
                out.push_back(v.value_or(0.0));
            }
        }
        if (!ok) {
            problems_.add(line_of(*n), fmt::format("{}{} must be an array of numbers in [{:g}, "
                                                   "{:g}], got {}",
                                                   prefix(), key, min, max, describe(*n)));
            return std::nullopt;
        }
        return out;
    }

    // An array of strings.
    std::optional<std::vector<std::string>> strings(std::string_view key) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return std::nullopt;
        }
        const toml::array* a = n->as_array();
        std::vector<std::string> out;
        bool ok = a != nullptr;
        if (ok) {
            for (const toml::node& e : *a) {
                ok = ok && e.is_string();
                out.push_back(e.value<std::string>().value_or(""));
            }
        }
        if (!ok) {
            problems_.add(line_of(*n), fmt::format("{}{} must be an array of strings, got {}",
                                                   prefix(), key, describe(*n)));
            return std::nullopt;
        }
        return out;
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

    [[nodiscard]] Where line() const { return line_of(table_); }
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

void check_file(Problems& problems, const toml::node* node, const std::string& key,
                const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        problems.add(node != nullptr ? line_of(*node) : Where{},
                     fmt::format("{}: file '{}' not found", key, path.string()));
    }
}

// NTIA ITM's radio climates by name, numbered as ITM numbers them.
std::optional<int> itm_climate(std::string_view text) {
    constexpr std::array<std::string_view, 7> names = {"equatorial",
                                                       "continental_subtropical",
                                                       "maritime_subtropical",
                                                       "desert",
                                                       "continental_temperate",
                                                       "maritime_temperate_over_land",
                                                       "maritime_temperate_over_sea"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) {
            return static_cast<int>(i) + 1;
        }
    }
    return std::nullopt;
}

// Reads an antenna table into `layer`: either `file` (an MSI pattern file, which sets the whole
// pattern and its gain) or the parametric keys on top of what `layer` already has.
void read_antenna(TableReader& t, LayerSpec& layer, const Paths& paths, Problems& problems) {
    AntennaPattern& a = layer.antenna;
    static constexpr std::array<const char*, 6> parametric = {"pattern",
                                                              "horizontal_beamwidth_deg",
                                                              "vertical_beamwidth_deg",
                                                              "max_attenuation_db",
                                                              "side_lobe_level_db",
                                                              "gain_dbi"};
    if (auto file = t.string("file")) {
        for (const char* key : parametric) {
            if (const toml::node* n = t.find(key); n != nullptr) {
                problems.add(line_of(*n),
                             fmt::format("{} {} cannot be combined with file: the antenna file "
                                         "sets the whole pattern and its gain",
                                         t.where(), key));
            }
        }
        const toml::node* node = t.find("file");
        const std::filesystem::path path = paths(*node, *file);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            problems.add(line_of(*node),
                         fmt::format("{} file: file '{}' not found", t.where(), path.string()));
            return;
        }
        try {
            a = read_antenna_file(path);
            layer.antenna_path = path;
        } catch (const Error& e) {
            problems.add(line_of(*node), fmt::format("{} file: {}", t.where(), e.what()));
        }
        return;
    }
    if (auto p = t.string("pattern")) {
        if (*p == "isotropic" || *p == "3gpp") {
            a.isotropic = *p == "isotropic";
            a.table.reset();
            layer.antenna_path.clear();
        } else {
            problems.add(line_of(*t.find("pattern")),
                         fmt::format("{} pattern must be \"3gpp\" or \"isotropic\", got \"{}\"",
                                     t.where(), *p));
        }
    }
    if (a.table) {
        // Inherited from [layer_defaults.antenna] file: parametric keys would silently do nothing.
        for (const char* key : parametric) {
            if (const toml::node* n = t.find(key); n != nullptr) {
                problems.add(line_of(*n),
                             fmt::format("{} {} has no effect on the pattern of antenna file "
                                         "'{}'; set pattern = \"3gpp\" to describe a parametric "
                                         "pattern instead",
                                         t.where(), key, layer.antenna_path.string()));
            }
        }
        return;
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
void read_layer_keys(TableReader& t, LayerSpec& layer, const Paths& paths, Problems& problems) {
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
        read_antenna(at, layer, paths, problems);
        at.finish();
    }
    if (auto v = t.choice<Service>("service", parse_service, "\"mobile\" or \"fwa\"")) {
        layer.service = *v;
    }
    if (auto v = t.string("carrier")) {
        layer.carrier = *v;
    }
    if (auto v = t.strings("service_area")) {
        layer.service_area = {false, false, false};
        for (const std::string& type : *v) {
            if (auto d = parse_district_type(type)) {
                layer.service_area[static_cast<std::size_t>(*d)] = true;
            } else {
                problems.add(line_of(*t.find("service_area")),
                             fmt::format("{} service_area: \"{}\" is not a district type "
                                         "(urban_district, town, rural_district)",
                                         t.where(), type));
            }
        }
    }
    if (auto v = t.choice<SiteType>("site_type", parse_site_type,
                                    "\"new_macro\", \"upgrade\", \"small_cell\" or \"existing\"")) {
        layer.site_type = *v;
    }
    if (auto v = t.number("equipment_usd", 0.0, 1e7, "USD")) {
        layer.equipment_usd = *v;
    }
    if (auto v = t.number("spectrum_fee_usd_per_year", 0.0, 1e10, "USD")) {
        layer.spectrum_fee_usd_per_year = *v;
    }
    if (const toml::table* tt = t.table("throughput")) {
        TableReader r(*tt, t.where() + " throughput", problems);
        ThroughputSpec& th = layer.throughput;
        if (auto v = r.choice<ThroughputMethod>("method", parse_throughput_method,
                                                "\"shannon\" or \"cqi\"")) {
            th.method = *v;
        }
        if (auto v = r.number("alpha", 0.01, 1.0, "")) {
            th.alpha = *v;
        }
        if (auto v = r.number("sinr_min_db", -30.0, 40.0, "dB")) {
            th.sinr_min_db = *v;
        }
        if (auto v = r.number("max_efficiency_bps_hz", 0.1, 30.0, "bit/s/Hz")) {
            th.max_efficiency_bps_hz = *v;
        }
        if (auto v = r.choice<CqiTable>("cqi_table", parse_cqi_table, "\"table1\" or \"table2\"")) {
            th.cqi_table = *v;
        }
        if (auto v = r.numbers("cqi_sinr_db", -30.0, 60.0)) {
            if (v->size() != 15 || !std::is_sorted(v->begin(), v->end())) {
                problems.add(line_of(*tt->get("cqi_sinr_db")),
                             fmt::format("{} throughput cqi_sinr_db must list 15 ascending SINR "
                                         "thresholds (CQI 1 to 15), got {}",
                                         t.where(), v->size()));
            } else {
                th.cqi_sinr_db = *v;
            }
        }
        if (auto v = r.integer("mimo_layers", 1, 8)) {
            th.mimo_layers = *v;
        }
        if (auto v = r.number("overhead", 0.0, 0.9, "")) {
            th.overhead = *v;
        }
        if (auto v = r.number("dl_share", 0.05, 1.0, "")) {
            th.dl_share = *v;
        }
        r.finish();
    }
    if (auto v = t.boolean("terrain_correction")) {
        layer.terrain_correction = *v;
    }
    if (auto v = t.number("terrain_margin_db", 0.0, 200.0, "dB")) {
        layer.terrain_margin_db = *v;
    }
    if (auto v = t.choice<TerrainMethod>("terrain_method", parse_terrain_method,
                                         "\"radial\" or \"exact\"")) {
        layer.terrain_method = *v;
    }
    if (auto v = t.boolean("clutter_loss")) {
        layer.clutter_loss = *v;
    }
    if (auto v = t.number("clutter_location_percent", 1.0, 99.0, "%")) {
        layer.clutter_location_percent = *v;
    }
    if (auto v = t.boolean("terminal_clutter_correction")) {
        layer.terminal_clutter_correction = *v;
    }
    if (auto v = t.number("location_probability", 0.01, 0.99, "")) {
        layer.location_probability = *v;
    }
    if (const toml::table* it = t.table("itm")) {
        TableReader r(*it, t.where() + " itm", problems);
        PathParameters& p = layer.path;
        if (auto v = r.choice<int>("climate", itm_climate,
                                   "\"equatorial\", \"continental_subtropical\", "
                                   "\"maritime_subtropical\", \"desert\", "
                                   "\"continental_temperate\", \"maritime_temperate_over_land\" "
                                   "or \"maritime_temperate_over_sea\"")) {
            p.climate = *v;
        }
        if (auto v = r.number("surface_refractivity_n_units", 250.0, 400.0, "N-units")) {
            p.surface_refractivity_n_units = *v;
        }
        if (auto v = r.number("ground_relative_permittivity", 1.0, 100.0, "")) {
            p.ground_relative_permittivity = *v;
        }
        if (auto v = r.number("ground_conductivity_s_per_m", 0.00001, 100.0, "S/m")) {
            p.ground_conductivity_s_per_m = *v;
        }
        if (auto v = r.choice<bool>(
                "polarization",
                [](std::string_view x) -> std::optional<bool> {
                    if (x == "vertical" || x == "horizontal") {
                        return x == "vertical";
                    }
                    return std::nullopt;
                },
                "\"vertical\" or \"horizontal\"")) {
            p.vertical_polarization = *v;
        }
        for (auto [key, value] : {std::pair{"time_percent", &p.time_percent},
                                  std::pair{"location_percent", &p.location_percent},
                                  std::pair{"situation_percent", &p.situation_percent}}) {
            if (auto v = r.number(key, 0.1, 99.9, "%")) {
                *value = *v;
            }
        }
        if (auto v = r.choice<int>(
                "variability_mode",
                [](std::string_view x) -> std::optional<int> {
                    constexpr std::array<std::string_view, 4> modes = {
                        "single_message", "accidental", "mobile", "broadcast"};
                    for (std::size_t i = 0; i < modes.size(); ++i) {
                        if (modes[i] == x) {
                            return static_cast<int>(i);
                        }
                    }
                    return std::nullopt;
                },
                "\"single_message\", \"accidental\", \"mobile\" or \"broadcast\"")) {
            p.variability_mode = *v;
        }
        r.finish();
    }
}

void read_demand(TableReader& r, DemandSpec& d) {
    r.per_type("adoption", d.adoption, 0.0, 1.0, "");
    if (auto v = r.number("market_share", 0.0, 1.0, "")) {
        d.market_share = *v;
    }
    if (auto v = r.number("busy_hour_demand_mbps", 0.0, 1000.0, "Mbps")) {
        d.busy_hour_demand_mbps = *v;
    }
    if (auto v = r.number("min_user_throughput_mbps", 0.0, 10000.0, "Mbps")) {
        d.min_user_throughput_mbps = *v;
    }
    if (auto v = r.number("household_size", 1.0, 20.0, "people")) {
        d.household_size = *v;
    }
}

void read_ftth(TableReader& r, FtthSpec& f, Problems& problems) {
    if (auto v = r.strings("districts")) {
        f.districts = *v;
    }
    if (auto v = r.strings("district_types")) {
        for (const std::string& t : *v) {
            if (auto type = parse_district_type(t)) {
                f.district_types[static_cast<std::size_t>(*type)] = true;
            } else {
                problems.add(r.line(),
                             fmt::format("[ftth] district_types: \"{}\" is not a district "
                                         "type (urban_district, town, rural_district)",
                                         t));
            }
        }
    }
    if (auto v = r.number("speed_mbps", 1.0, 100000.0, "Mbps")) {
        f.speed_mbps = *v;
    }
}

void read_cost(TableReader& r, CostSpec& c) {
    if (auto v = r.integer("horizon_years", 1, 50)) {
        c.horizon_years = *v;
    }
    struct Key {
        const char* name;
        double* value;
        double max;
        const char* unit;
    };
    const std::initializer_list<Key> keys = {
        {"discount_rate", &c.discount_rate, 0.5, ""},
        {"gni_per_capita_usd_per_year", &c.gni_per_capita_usd_per_year, 1e6, "USD"},
        {"affordability_threshold", &c.affordability_threshold, 1.0, ""},
        {"target_served_share", &c.target_served_share, 1.0, ""},
        {"equipment_usd", &c.equipment_usd, 1e7, "USD"},
        {"site_build_usd", &c.site_build_usd, 1e7, "USD"},
        {"installation_usd", &c.installation_usd, 1e7, "USD"},
        {"small_cell_usd", &c.small_cell_usd, 1e7, "USD"},
        {"small_cell_usd_per_year", &c.small_cell_usd_per_year, 1e6, "USD"},
        {"operation_and_maintenance_usd_per_year", &c.operation_and_maintenance_usd_per_year, 1e6,
         "USD"},
        {"power_usd_per_year", &c.power_usd_per_year, 1e6, "USD"},
        {"fwa_cpe_usd", &c.fwa_cpe_usd, 1e5, "USD"},
        {"ftth_home_passed_fixed_usd", &c.ftth_home_passed_fixed_usd, 1e5, "USD"},
        {"ftth_connection_usd", &c.ftth_connection_usd, 1e5, "USD"},
        {"ftth_usd_per_subscriber_year", &c.ftth_usd_per_subscriber_year, 1e5, "USD"},
    };
    for (const Key& k : keys) {
        if (auto v = r.number(k.name, 0.0, k.max, k.unit)) {
            *k.value = *v;
        }
    }
    r.per_type("site_rental_usd_per_year", c.site_rental_usd_per_year, 0.0, 1e6, "USD");
    r.per_type("fibre_usd_per_m", c.fibre_usd_per_m, 0.0, 1e4, "USD");
    r.per_type("backhaul_km_per_site", c.backhaul_km_per_site, 0.0, 1000.0, "km");
}

} // namespace

namespace detail {

std::string Problem::location() const {
    return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::filesystem::path source_file(const toml::node& node, const std::filesystem::path& fallback) {
    const auto& p = node.source().path;
    return p ? std::filesystem::path(*p) : fallback;
}

Scenario interpret_scenario(const toml::table& root, const std::filesystem::path& path,
                            std::vector<Problem>& list, std::vector<PathValue>* recorded) {
    Problems problems(path.string(), list);
    const Paths paths(path, recorded);
    Scenario sc;
    sc.source_path = path;
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
        problems.add(nullptr, "missing table [study_area] (districts, population, resolution_m)");
    } else {
        TableReader r(*sa, "[study_area]", problems);
        StudyAreaSpec& s = sc.study_area;
        if (auto v = r.string("districts", true)) {
            s.districts_path = paths(*r.find("districts"), *v);
            check_file(problems, r.find("districts"), "[study_area] districts", s.districts_path);
        }
        if (auto v = r.string("population", true)) {
            s.population_path = paths(*r.find("population"), *v);
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
        if (auto v = r.number("resolution_m", 0.5, 10000.0, "m")) {
            s.resolution_m = *v;
        }
        if (auto v = r.string("dem")) {
            s.dem_path = paths(*r.find("dem"), *v);
            check_file(problems, r.find("dem"), "[study_area] dem", s.dem_path);
        }
        if (auto v = r.string("land_cover")) {
            s.land_cover_path = paths(*r.find("land_cover"), *v);
            check_file(problems, r.find("land_cover"), "[study_area] land_cover",
                       s.land_cover_path);
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

    if (const toml::table* t = top.table("demand")) {
        TableReader r(*t, "[demand]", problems);
        read_demand(r, sc.demand);
        r.finish();
    }
    if (const toml::table* t = top.table("ftth")) {
        TableReader r(*t, "[ftth]", problems);
        read_ftth(r, sc.ftth, problems);
        r.finish();
    }
    if (const toml::table* t = top.table("indoor")) {
        TableReader r(*t, "[indoor]", problems);
        if (auto v = r.number("probability", 0.01, 0.99, "")) {
            sc.indoor.probability = *v;
        }
        r.per_type("thermally_efficient_share", sc.indoor.thermally_efficient_share, 0.0, 1.0, "");
        r.finish();
    }
    if (const toml::table* t = top.table("cost")) {
        TableReader r(*t, "[cost]", problems);
        read_cost(r, sc.cost);
        r.finish();
    }

    // [layer_defaults], then each [[layers]] entry on top of them.
    LayerSpec defaults;
    const toml::table* defaults_table = top.table("layer_defaults");
    if (defaults_table != nullptr) {
        TableReader r(*defaults_table, "[layer_defaults]", problems);
        read_layer_keys(r, defaults, paths, problems);
        r.finish();
    }

    const toml::node* layers_node = top.find("layers");
    if (layers_node == nullptr || !layers_node->is_array_of_tables()) {
        problems.add(layers_node != nullptr ? line_of(*layers_node) : Where{},
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
                layer.sites_path = paths(*r.find("sites"), *v);
                check_file(problems, r.find("sites"), label + " sites", layer.sites_path);
            }
            layer.sites_layer = r.string("sites_layer").value_or("");
            read_layer_keys(r, layer, paths, problems);
            const std::vector<std::string> suggested = r.finish();

            // NR's overhead differs from LTE's default (TS 38.306 §4.1.2: 0.14 for FR1 downlink).
            auto throughput_key = [&](const toml::table* table, const char* key) {
                const toml::node* n = table != nullptr ? table->get("throughput") : nullptr;
                return n != nullptr && n->is_table() && n->as_table()->contains(key);
            };
            if (layer.technology == Technology::nr && !throughput_key(&lt, "overhead") &&
                !throughput_key(defaults_table, "overhead")) {
                layer.throughput.overhead = 0.14;
            }
            if (const PropagationModel* m = model_registry().find(layer.model);
                m != nullptr && m->needs_profile() && sc.study_area.dem_path.empty()) {
                problems.add(r.line(), fmt::format("{}: model \"{}\" needs terrain; give a DEM "
                                                   "with [study_area] dem",
                                                   label, layer.model));
            }
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
    return sc;
}

} // namespace detail

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
