#include "io/scenario_parser.hpp"

#include "core/error.hpp"
#include "core/names.hpp"
#include "core/plan/plan.hpp"
#include "core/propagation/itm.hpp"
#include "core/propagation/registry.hpp"
#include "core/scenario_inputs.hpp"
#include "io/antenna_file.hpp"
#include "io/input_file.hpp"
#include "io/printable.hpp"
#include "io/scenario_toml.hpp"
#include "io/suggest.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <variant>
#include <vector>

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
// `where` names the table in messages ("[cost]", `layer "lte-1800" antenna`); `section` is its
// dotted name in the format ("" for the top level, "layers", "layers.antenna"), under which
// `keys`, when given, records every key asked for (scenario_keys()).
class TableReader {
public:
    TableReader(const toml::table& table, std::string where, std::string section,
                Problems& problems, std::vector<ScenarioKey>* keys)
        : table_(table), where_(std::move(where)), section_(std::move(section)),
          problems_(problems), keys_(keys) {}

    // A reader of `table`, the value of this table's `key`, named `where` in messages (by default
    // this table's name and the key, e.g. `layer "lte-1800" antenna`).
    TableReader nested(const toml::table& table, std::string_view key,
                       std::string where = "") const {
        return {table, where.empty() ? prefix() + std::string(key) : std::move(where),
                section_.empty() ? std::string(key) : section_ + "." + std::string(key), problems_,
                keys_};
    }

    const toml::node* find(std::string_view key,
                           ScenarioKey::Kind kind = ScenarioKey::Kind::value) {
        known_.emplace_back(key);
        if (keys_ != nullptr) {
            keys_->push_back({section_, std::string(key), kind});
        }
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
        std::string value = *n->value<std::string>();
        if (value.find('\0') != std::string::npos) { // a C API would see only the text before it
            problems_.add(line_of(*n), fmt::format("{}{} contains a NUL character, got \"{}\"",
                                                   prefix(), key, printable(value)));
            return std::nullopt;
        }
        return value;
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
        const toml::node* n = find(key, ScenarioKey::Kind::table);
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
        TableReader types = nested(*n->as_table(), key);
        for (std::size_t i = 0; i < district_type_count; ++i) {
            if (auto v = types.number(district_type_names[i], min, max, unit)) {
                values[i] = *v;
            }
        }
        types.finish();
    }

    // A value per district code: a table such as { "017" = 0.9 }, every value in [min, max].
    void per_code(std::string_view key, std::map<std::string, double>& values, double min,
                  double max, std::string_view unit) {
        const toml::node* n = find(key);
        if (n == nullptr) {
            return;
        }
        if (!n->is_table()) {
            problems_.add(line_of(*n), fmt::format("{}{} must be a table of district codes, such "
                                                   "as {{ \"017\" = 0.9 }}, got {} {}",
                                                   prefix(), key, type_name(*n), describe(*n)));
            return;
        }
        TableReader codes = nested(*n->as_table(), key);
        for (const auto& [code, value] : *n->as_table()) {
            if (auto v = codes.number(code.str(), min, max, unit)) {
                values[std::string(code.str())] = *v;
            }
        }
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
    std::string section_;
    Problems& problems_;
    std::vector<ScenarioKey>* keys_;
    std::vector<std::string_view> known_;
};

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 100 || s == "." || s == "..") { // directory names of their own
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
    });
}

void check_file(Problems& problems, const toml::node* node, const std::string& key,
                const std::filesystem::path& path) {
    std::error_code ec;
    if (const std::string kind = special_file_kind(path); !kind.empty()) {
        problems.add(
            node != nullptr ? line_of(*node) : Where{},
            fmt::format("{}: '{}' is a {}, expected a regular file", key, path.string(), kind));
    } else if (!std::filesystem::is_regular_file(path, ec)) {
        problems.add(node != nullptr ? line_of(*node) : Where{},
                     fmt::format("{}: file '{}' not found", key, path.string()));
    }
}

// The names of a choice as messages list them: "\"a\", \"b\" or \"c\"".
template <std::size_t N>
std::string quoted_choices(const std::array<std::string_view, N>& names) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        out += fmt::format("{}\"{}\"", i == 0 ? "" : i + 1 == N ? " or " : ", ", names[i]);
    }
    return out;
}

// What reading a key may need besides its table: where relative paths resolve, and where
// problems go.
struct ReadContext {
    const Paths& paths;
    Problems& problems;
};

// One key of a table, read into the struct S the table fills (a LayerSpec, its ThroughputSpec,
// ...): a number in [min, max] with its unit, an integer in [min, max], a boolean, or a function
// for a key with rules of its own (a choice of names, a nested table). A table's rows are read
// in their order, which is the order of the problems they report; scenario_keys() lists them
// for docs/scenario-format.md.
template <typename S>
struct KeyRow {
    struct Number {
        double min;
        double max;
        std::string_view unit; // in messages: "must be in [min, max] <unit>"
        std::variant<double S::*, std::optional<double> S::*> member;
    };
    struct Integer {
        int min;
        int max;
        std::variant<int S::*, std::optional<int> S::*> member;
    };
    using Boolean = bool S::*;
    using Read = std::function<void(TableReader&, std::string_view key, S&, const ReadContext&)>;

    std::string_view key;
    std::variant<Number, Integer, Boolean, Read> read;
};

// GCC 12 reports the stores through a pointer to member held in a std::variant as writing into
// a region of size 0 (-Wstringop-overflow, a false positive of its access analysis; GCC 13 does
// not).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
template <typename S>
void read_keys(TableReader& t, S& into, const std::vector<KeyRow<S>>& rows,
               const ReadContext& context) {
    for (const KeyRow<S>& row : rows) {
        if (const auto* n = std::get_if<typename KeyRow<S>::Number>(&row.read)) {
            if (auto v = t.number(row.key, n->min, n->max, n->unit)) {
                std::visit([&](auto member) { into.*member = *v; }, n->member);
            }
        } else if (const auto* i = std::get_if<typename KeyRow<S>::Integer>(&row.read)) {
            if (auto v = t.integer(row.key, i->min, i->max)) {
                std::visit([&](auto member) { into.*member = *v; }, i->member);
            }
        } else if (const auto* b = std::get_if<typename KeyRow<S>::Boolean>(&row.read)) {
            if (auto v = t.boolean(row.key)) {
                bool S::*member = *b;
                into.*member = *v;
            }
        } else {
            std::get<typename KeyRow<S>::Read>(row.read)(t, row.key, into, context);
        }
    }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

template <typename S, typename M>
KeyRow<S> number_key(std::string_view key, double min, double max, std::string_view unit,
                     M S::*member) {
    return {key, typename KeyRow<S>::Number{min, max, unit, member}};
}

template <typename S, typename M>
KeyRow<S> integer_key(std::string_view key, int min, int max, M S::*member) {
    return {key, typename KeyRow<S>::Integer{min, max, member}};
}

template <typename S>
KeyRow<S> boolean_key(std::string_view key, bool S::*member) {
    return {key, member};
}

template <typename S>
KeyRow<S> string_key(std::string_view key, std::string S::*member) {
    return {key, [member](TableReader& t, std::string_view k, S& into, const ReadContext&) {
                if (auto v = t.string(k)) {
                    into.*member = *v;
                }
            }};
}

// A name that `parse` maps to the value; `allowed` lists the names for the message.
template <typename S, typename T, typename Parse>
KeyRow<S> choice_key(std::string_view key, T S::*member, Parse parse, std::string allowed) {
    return {key, [member, parse, allowed = std::move(allowed)](TableReader& t, std::string_view k,
                                                               S& into, const ReadContext&) {
                if (auto v = t.choice<T>(k, parse, allowed)) {
                    into.*member = *v;
                }
            }};
}

// A table of keys of its own, read with `rows` into `member`.
template <typename S, typename N>
KeyRow<S> table_key(std::string_view key, N S::*member, const std::vector<KeyRow<N>>& rows) {
    return {key, [member, rows = &rows](TableReader& t, std::string_view k, S& into,
                                        const ReadContext& context) {
                if (const toml::table* table = t.table(k)) {
                    TableReader r = t.nested(*table, k);
                    read_keys(r, into.*member, *rows, context);
                    r.finish();
                }
            }};
}

// A value per district type: one number for every type, or a table of types.
template <typename S>
KeyRow<S> per_type_key(std::string_view key, double min, double max, std::string_view unit,
                       PerDistrictType<double> S::*member) {
    return {key, [member, min, max, unit](TableReader& t, std::string_view k, S& into,
                                          const ReadContext&) {
                t.per_type(k, into.*member, min, max, unit);
            }};
}

// ---- [layers.antenna] ---------------------------------------------------------------------------

// The numbers of the parametric pattern.
const std::vector<KeyRow<AntennaPattern>> antenna_keys = {
    number_key("horizontal_beamwidth_deg", 1.0, 360.0, "degrees",
               &AntennaPattern::horizontal_beamwidth_deg),
    number_key("vertical_beamwidth_deg", 1.0, 180.0, "degrees",
               &AntennaPattern::vertical_beamwidth_deg),
    number_key("max_attenuation_db", 0.0, 80.0, "dB", &AntennaPattern::max_attenuation_db),
    number_key("side_lobe_level_db", 0.0, 80.0, "dB", &AntennaPattern::side_lobe_level_db),
    number_key("gain_dbi", -10.0, 40.0, "dBi", &AntennaPattern::gain_dbi),
};

// The keys that describe a parametric pattern, which an antenna file replaces.
std::vector<std::string_view> parametric_antenna_keys() {
    std::vector<std::string_view> keys = {"pattern"};
    for (const KeyRow<AntennaPattern>& row : antenna_keys) {
        keys.push_back(row.key);
    }
    return keys;
}

// Reads an antenna table into `layer`: either `file` (an MSI pattern file, which sets the whole
// pattern and its gain) or the parametric keys on top of what `layer` already has.
void read_antenna(TableReader& t, LayerSpec& layer, const ReadContext& context) {
    Problems& problems = context.problems;
    AntennaPattern& a = layer.antenna;
    if (auto file = t.string("file")) {
        for (const std::string_view key : parametric_antenna_keys()) {
            if (const toml::node* n = t.find(key); n != nullptr) {
                problems.add(line_of(*n),
                             fmt::format("{} {} cannot be combined with file: the antenna file "
                                         "sets the whole pattern and its gain",
                                         t.where(), key));
            }
        }
        const toml::node* node = t.find("file");
        const std::filesystem::path path = context.paths(*node, *file);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
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
        for (const std::string_view key : parametric_antenna_keys()) {
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
    read_keys(t, a, antenna_keys, context);
}

void read_antenna_table(TableReader& t, std::string_view key, LayerSpec& layer,
                        const ReadContext& context) {
    if (const toml::table* a = t.table(key)) {
        TableReader at = t.nested(*a, key);
        read_antenna(at, layer, context);
        at.finish();
    }
}

// ---- [layers.throughput] ------------------------------------------------------------------------

void read_cqi_sinr(TableReader& t, std::string_view key, ThroughputSpec& th,
                   const ReadContext& context) {
    if (auto v = t.numbers(key, -30.0, 60.0)) {
        if (v->size() != 15 || !std::is_sorted(v->begin(), v->end())) {
            context.problems.add(line_of(*t.find(key)),
                                 fmt::format("{} {} must list 15 ascending SINR thresholds (CQI "
                                             "1 to 15), got {}",
                                             t.where(), key, v->size()));
        } else {
            th.cqi_sinr_db = *v;
        }
    }
}

const std::vector<KeyRow<ThroughputSpec>> throughput_keys = {
    choice_key("method", &ThroughputSpec::method, parse_throughput_method,
               "\"shannon\" or \"cqi\""),
    number_key("alpha", 0.01, 1.0, "", &ThroughputSpec::alpha),
    number_key("sinr_min_db", -30.0, 40.0, "dB", &ThroughputSpec::sinr_min_db),
    number_key("max_efficiency_bps_hz", 0.1, 30.0, "bit/s/Hz",
               &ThroughputSpec::max_efficiency_bps_hz),
    choice_key("cqi_table", &ThroughputSpec::cqi_table, parse_cqi_table,
               "\"table1\" or \"table2\""),
    {"cqi_sinr_db", read_cqi_sinr},
    integer_key("mimo_layers", 1, 8, &ThroughputSpec::mimo_layers),
    number_key("overhead", 0.0, 0.9, "", &ThroughputSpec::overhead),
    number_key("dl_share", 0.05, 1.0, "", &ThroughputSpec::dl_share),
};

// ---- [layers.itm] -------------------------------------------------------------------------------

std::optional<bool> parse_vertical_polarization(std::string_view text) {
    if (text == "vertical" || text == "horizontal") {
        return text == "vertical";
    }
    return std::nullopt;
}

std::optional<int> parse_variability_mode(std::string_view text) {
    constexpr std::array<std::string_view, 4> modes = {"single_message", "accidental", "mobile",
                                                       "broadcast"};
    return parse_name<int>(modes, text);
}

const std::vector<KeyRow<PathParameters>> itm_keys = {
    choice_key("climate", &PathParameters::climate, itm::parse_climate,
               quoted_choices(itm::climate_names)),
    number_key("surface_refractivity_n_units", 250.0, 400.0, "N-units",
               &PathParameters::surface_refractivity_n_units),
    number_key("ground_relative_permittivity", 1.0, 100.0, "",
               &PathParameters::ground_relative_permittivity),
    number_key("ground_conductivity_s_per_m", 0.00001, 100.0, "S/m",
               &PathParameters::ground_conductivity_s_per_m),
    choice_key("polarization", &PathParameters::vertical_polarization, parse_vertical_polarization,
               "\"vertical\" or \"horizontal\""),
    number_key("time_percent", 0.1, 99.9, "%", &PathParameters::time_percent),
    number_key("location_percent", 0.1, 99.9, "%", &PathParameters::location_percent),
    number_key("situation_percent", 0.1, 99.9, "%", &PathParameters::situation_percent),
    choice_key("variability_mode", &PathParameters::variability_mode, parse_variability_mode,
               "\"single_message\", \"accidental\", \"mobile\" or \"broadcast\""),
};

// ---- [layers.path] ------------------------------------------------------------------------------

// The path inputs of the terrain-aware models (docs/models/p1812.md). time_percent,
// location_percent and polarization set the members that [layers.itm] also sets.
const std::vector<KeyRow<PathParameters>> path_keys = {
    number_key("time_percent", 0.1, 99.9, "%", &PathParameters::time_percent),
    number_key("location_percent", 0.1, 99.9, "%", &PathParameters::location_percent),
    number_key("delta_n_per_km", 1.0, 150.0, "N-units/km", &PathParameters::delta_n_per_km),
    number_key("sea_level_refractivity_n_units", 250.0, 450.0, "N-units",
               &PathParameters::sea_level_refractivity_n_units),
    number_key("path_centre_latitude_deg", -80.0, 80.0, "degrees",
               &PathParameters::path_centre_latitude_deg),
    number_key("clutter_height_m", 0.0, 100.0, "m", &PathParameters::clutter_height_m),
    number_key("location_area_width_m", 1.0, 10000.0, "m", &PathParameters::location_area_width_m),
    choice_key("polarization", &PathParameters::vertical_polarization, parse_vertical_polarization,
               "\"vertical\" or \"horizontal\""),
    choice_key("radio_climatic_zone", &PathParameters::radio_climatic_zone, p1812::parse_zone,
               "\"inland\", \"coastal_land\" or \"sea\""),
};

// [layers.path], read with path_keys; a key it shares with the layer's [layers.itm] may be given
// in one of the two tables only.
void read_path_table(TableReader& t, std::string_view key, LayerSpec& layer,
                     const ReadContext& context) {
    const toml::table* table = t.table(key);
    if (table == nullptr) {
        return;
    }
    const toml::node* itm = t.find("itm", ScenarioKey::Kind::table);
    for (const KeyRow<PathParameters>& row : path_keys) {
        if (itm != nullptr && itm->is_table() && itm->as_table()->contains(row.key) &&
            table->contains(row.key)) {
            context.problems.add(line_of(*table->get(row.key)),
                                 fmt::format("{} path {} is also given in {} itm; give it in one "
                                             "table",
                                             t.where(), row.key, t.where()));
        }
    }
    TableReader r = t.nested(*table, key);
    read_keys(r, layer.path, path_keys, context);
    r.finish();
}

// ITU-R P.2108-1's clutter losses are defined for 0.5-67 GHz (§3.2) and 0.03-3 GHz (§3.1, the
// ranges of NTIA's reference implementation): outside them covsim would add nothing, silently.
std::vector<std::string> clutter_problems(const LayerSpec& layer) {
    std::vector<double> frequencies{layer.frequency_mhz};
    if (!layer.carriers.empty()) {
        frequencies.clear();
        for (const CarrierSpec& c : layer.carriers) {
            frequencies.push_back(c.frequency_mhz);
        }
    }
    std::vector<std::string> out;
    for (const double f : frequencies) {
        if (layer.clutter_loss && !(f >= 500.0 && f <= 67000.0)) {
            out.push_back(fmt::format("clutter_loss (ITU-R P.2108 §3.2) is defined for "
                                      "frequencies in [500, 67000] MHz, got {:g} MHz; set "
                                      "clutter_loss = false",
                                      f));
        }
        if (layer.terminal_clutter_correction && !(f >= 30.0 && f <= 3000.0)) {
            out.push_back(fmt::format("terminal_clutter_correction (ITU-R P.2108 §3.1) is "
                                      "defined for frequencies in [30, 3000] MHz, got {:g} MHz; "
                                      "set terminal_clutter_correction = false",
                                      f));
        }
    }
    return out;
}

// ---- Interference -------------------------------------------------------------------------------

// acir_db = { "<layer>" = dB, ... }: an inline table of other layers' names, each with a number in
// [0, 100] dB (check_adjacent_channels checks the names once every layer is read).
void read_acir(TableReader& t, std::string_view key, LayerSpec& layer, const ReadContext& context) {
    const toml::node* n = t.find(key);
    if (n == nullptr) {
        return;
    }
    if (!n->is_table()) {
        context.problems.add(line_of(*n), fmt::format("{} {} must be a table of layer names and "
                                                      "ACIRs in dB, got {} {}",
                                                      t.where(), key, type_name(*n), describe(*n)));
        return;
    }
    layer.acir_db.clear();
    for (const auto& [name, node] : *n->as_table()) {
        const auto v = node.value<double>();
        if (!node.is_number() || !v || !(*v >= 0.0 && *v <= 100.0)) {
            context.problems.add(line_of(node),
                                 fmt::format("{} {}.{} must be a number in [0, 100] dB, got {}",
                                             t.where(), key, name.str(), describe(node)));
        } else {
            layer.acir_db[std::string(name.str())] = *v;
        }
    }
}

// Each layer's acir_db names another layer whose channel does not overlap its own (co-channel
// layers interfere in full: an ACIR there would be ignored).
void check_adjacent_channels(const Scenario& sc, const toml::array& tables, Problems& problems) {
    for (std::size_t l = 0; l < sc.layers.size() && l < tables.size(); ++l) {
        const LayerSpec& layer = sc.layers[l];
        const toml::table* table = tables[l].as_table();
        const toml::node* acir = table != nullptr ? table->get("acir_db") : nullptr;
        const Where where = acir != nullptr ? line_of(*acir) : line_of(tables[l]);
        for (const auto& entry : layer.acir_db) {
            const std::string& name = entry.first;
            const auto other = std::find_if(sc.layers.begin(), sc.layers.end(),
                                            [&](const LayerSpec& o) { return o.name == name; });
            if (other == sc.layers.end() || name == layer.name) {
                problems.add(where, fmt::format("layer \"{}\" acir_db: \"{}\" is not another layer "
                                                "of the scenario",
                                                layer.name, name));
            } else if (layer.bandwidth_mhz > 0.0 && other->bandwidth_mhz > 0.0 &&
                       overlap_mhz(occupied_channel(layer), occupied_channel(*other)) > 0.0) {
                problems.add(where, fmt::format("layer \"{}\" acir_db: layer \"{}\" shares its "
                                                "channel (they overlap), so it interferes in full; "
                                                "remove its ACIR",
                                                layer.name, name));
            }
        }
    }
}

// ---- The keys a layer and [layer_defaults] share ------------------------------------------------

void read_subcarrier_spacing(TableReader& t, std::string_view key, LayerSpec& layer,
                             const ReadContext& context) {
    if (const toml::node* n = t.find(key); n != nullptr) {
        const auto v = n->value<std::int64_t>();
        if (!n->is_integer() || (*v != 15 && *v != 30 && *v != 60 && *v != 120)) {
            context.problems.add(line_of(*n), fmt::format("{} {} must be 15, 30, 60 or 120, got {}",
                                                          t.where(), key, describe(*n)));
        } else {
            layer.subcarrier_spacing_khz = static_cast<int>(*v);
        }
    }
}

void read_model(TableReader& t, std::string_view key, LayerSpec& layer,
                const ReadContext& context) {
    if (auto v = t.string(key)) {
        layer.model = *v;
        if (model_registry().find(*v) == nullptr) {
            context.problems.add(
                line_of(*t.find(key)),
                fmt::format("{} model \"{}\" is not a known propagation model{}; `covsim models` "
                            "lists them",
                            t.where(), *v, did_you_mean(*v, model_registry().names())));
        }
    }
}

void read_service_area(TableReader& t, std::string_view key, LayerSpec& layer,
                       const ReadContext& context) {
    if (auto v = t.strings(key)) {
        layer.service_area = {false, false, false};
        for (const std::string& type : *v) {
            if (auto d = parse_district_type(type)) {
                layer.service_area[static_cast<std::size_t>(*d)] = true;
            } else {
                context.problems.add(line_of(*t.find(key)),
                                     fmt::format("{} service_area: \"{}\" is not a district type "
                                                 "(urban_district, town, rural_district)",
                                                 t.where(), type));
            }
        }
    }
}

// The keys of a [[layers]] entry (besides its name, sites and sites_layer) and of
// [layer_defaults], in the order they are read. A new key is a row here (a new table of keys, such
// as [layers.itm], a table_key row and the table's own rows) and a line in
// docs/scenario-format.md, which tests/unit/io/test_scenario_format_docs.cpp requires.
const std::vector<KeyRow<LayerSpec>> layer_keys = {
    choice_key("technology", &LayerSpec::technology, parse_technology, "\"lte\" or \"nr\""),
    number_key("frequency_mhz", 150.0, 100000.0, "MHz", &LayerSpec::frequency_mhz),
    number_key("bandwidth_mhz", 1.4, 400.0, "MHz", &LayerSpec::bandwidth_mhz),
    {"subcarrier_spacing_khz", read_subcarrier_spacing},
    integer_key("resource_blocks", 1, 3300, &LayerSpec::resource_blocks),
    {"model", read_model},
    choice_key("los", &LayerSpec::los, parse_los_condition,
               "\"los\", \"nlos\" or \"probabilistic\""),
    number_key("rx_height_m", 0.5, 100.0, "m", &LayerSpec::rx_height_m),
    number_key("rx_gain_dbi", -20.0, 40.0, "dBi", &LayerSpec::rx_gain_dbi),
    number_key("noise_figure_db", 0.0, 20.0, "dB", &LayerSpec::noise_figure_db),
    number_key("max_range_m", 100.0, 200000.0, "m", &LayerSpec::max_range_m),
    number_key("sites_margin_m", 0.0, 200000.0, "m", &LayerSpec::sites_margin_m),
    number_key("load", 0.0, 1.0, "", &LayerSpec::load),
    number_key("rsrp_min_dbm", -160.0, -30.0, "dBm", &LayerSpec::rsrp_min_dbm),
    number_key("sinr_min_db", -20.0, 40.0, "dB", &LayerSpec::sinr_min_db),
    integer_key("priority", -100, 100, &LayerSpec::priority),
    {"acir_db", read_acir},
    {"antenna", read_antenna_table},
    choice_key("service", &LayerSpec::service, parse_service, "\"mobile\" or \"fwa\""),
    string_key("carrier", &LayerSpec::carrier),
    {"service_area", read_service_area},
    choice_key("site_type", &LayerSpec::site_type, parse_site_type,
               "\"new_macro\", \"upgrade\", \"small_cell\" or \"existing\""),
    number_key("equipment_usd", 0.0, 1e7, "USD", &LayerSpec::equipment_usd),
    number_key("spectrum_fee_usd_per_year", 0.0, 1e10, "USD",
               &LayerSpec::spectrum_fee_usd_per_year),
    table_key("throughput", &LayerSpec::throughput, throughput_keys),
    boolean_key("terrain_correction", &LayerSpec::terrain_correction),
    number_key("terrain_margin_db", 0.0, 200.0, "dB", &LayerSpec::terrain_margin_db),
    choice_key("terrain_method", &LayerSpec::terrain_method, parse_terrain_method,
               "\"radial\" or \"exact\""),
    boolean_key("clutter_loss", &LayerSpec::clutter_loss),
    number_key("clutter_location_percent", 1.0, 99.0, "%", &LayerSpec::clutter_location_percent),
    boolean_key("terminal_clutter_correction", &LayerSpec::terminal_clutter_correction),
    number_key("location_probability", 0.01, 0.99, "", &LayerSpec::location_probability),
    table_key("itm", &LayerSpec::path, itm_keys),
    {"path", read_path_table},
};

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
    r.per_type("passed_share", f.passed_share, 0.0, 1.0, "");
    r.per_code("passed_share_by_district", f.passed_share_by_district, 0.0, 1.0, "");
}

// [traffic]: how busy-hour traffic moves between the layers that cover one place.
const std::vector<KeyRow<TrafficSpec>> traffic_keys = {
    choice_key("steering", &TrafficSpec::steering, parse_steering,
               "\"best_throughput\" or \"priority\""),
    boolean_key("carrier_aggregation", &TrafficSpec::carrier_aggregation),
};

const std::vector<KeyRow<CostSpec>> cost_keys = {
    integer_key("horizon_years", 1, 50, &CostSpec::horizon_years),
    number_key("discount_rate", 0.0, 0.5, "", &CostSpec::discount_rate),
    number_key("gni_per_capita_usd_per_year", 0.0, 1e6, "USD",
               &CostSpec::gni_per_capita_usd_per_year),
    number_key("affordability_threshold", 0.0, 1.0, "", &CostSpec::affordability_threshold),
    number_key("target_served_share", 0.0, 1.0, "", &CostSpec::target_served_share),
    number_key("equipment_usd", 0.0, 1e7, "USD", &CostSpec::equipment_usd),
    number_key("site_build_usd", 0.0, 1e7, "USD", &CostSpec::site_build_usd),
    number_key("installation_usd", 0.0, 1e7, "USD", &CostSpec::installation_usd),
    number_key("small_cell_usd", 0.0, 1e7, "USD", &CostSpec::small_cell_usd),
    number_key("small_cell_usd_per_year", 0.0, 1e6, "USD", &CostSpec::small_cell_usd_per_year),
    number_key("operation_and_maintenance_usd_per_year", 0.0, 1e6, "USD",
               &CostSpec::operation_and_maintenance_usd_per_year),
    number_key("power_usd_per_year", 0.0, 1e6, "USD", &CostSpec::power_usd_per_year),
    number_key("fwa_cpe_usd", 0.0, 1e5, "USD", &CostSpec::fwa_cpe_usd),
    number_key("ftth_home_passed_fixed_usd", 0.0, 1e5, "USD",
               &CostSpec::ftth_home_passed_fixed_usd),
    number_key("ftth_connection_usd", 0.0, 1e5, "USD", &CostSpec::ftth_connection_usd),
    number_key("ftth_usd_per_subscriber_year", 0.0, 1e5, "USD",
               &CostSpec::ftth_usd_per_subscriber_year),
    per_type_key("site_rental_usd_per_year", 0.0, 1e6, "USD", &CostSpec::site_rental_usd_per_year),
    per_type_key("fibre_usd_per_m", 0.0, 1e4, "USD", &CostSpec::fibre_usd_per_m),
    per_type_key("backhaul_km_per_site", 0.0, 1000.0, "km", &CostSpec::backhaul_km_per_site),
    boolean_key("count_sites_outside", &CostSpec::count_sites_outside),
};

// ---- [uncertainty] ------------------------------------------------------------------------------

// One key of [uncertainty] (core/uncertainty.hpp): the interval each end must lie in, and the
// scenario's central value, which the range must hold (per district type: every type's).
struct UncertaintyRow {
    UncertainInput input;
    double min;
    bool min_open; // (min, max] rather than [min, max]
    std::function<double(const Scenario&)> max;
    std::string_view max_reason;  // why the maximum is what it is, when it depends on the scenario
    std::string_view central_key; // where the central value comes from; empty: a factor, 1
    std::function<std::pair<double, double>(const Scenario&)> central; // least and largest
};

std::pair<double, double> extremes(const PerDistrictType<double>& v) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return {*lo, *hi};
}

const std::vector<UncertaintyRow>& uncertainty_rows() {
    const auto fixed = [](double v) { return [v](const Scenario&) { return v; }; };
    const auto one = [](const Scenario&) { return std::pair{1.0, 1.0}; };
    static const std::vector<UncertaintyRow> rows = {
        {UncertainInput::busy_hour_demand_mbps, 0.0, false, fixed(1000.0), "",
         "[demand] busy_hour_demand_mbps",
         [](const Scenario& sc) {
             return std::pair{sc.demand.busy_hour_demand_mbps, sc.demand.busy_hour_demand_mbps};
         }},
        // Adoption times the factor stays a share of the people: at most 1 in every type.
        {UncertainInput::adoption_scale, 0.0, true,
         [](const Scenario& sc) { return 1.0 / extremes(sc.demand.adoption).second; },
         "every district type's [demand] adoption times the factor at most 1", "", one},
        {UncertainInput::market_share, 0.0, true, fixed(1.0), "", "[demand] market_share",
         [](const Scenario& sc) {
             return std::pair{sc.demand.market_share, sc.demand.market_share};
         }},
        {UncertainInput::unit_cost_scale, 0.0, true, fixed(1000.0), "", "", one},
        {UncertainInput::discount_rate, 0.0, false, fixed(0.5), "", "[cost] discount_rate",
         [](const Scenario& sc) {
             return std::pair{sc.cost.discount_rate, sc.cost.discount_rate};
         }},
        {UncertainInput::population_growth, 0.1, false, fixed(10.0), "",
         "[study_area] population_growth",
         [](const Scenario& sc) { return extremes(sc.study_area.population_growth); }},
    };
    return rows;
}

// A value of [uncertainty] as written: an array as [a, b, ...], each element as describe() has it.
std::string describe_pair(const toml::node& n) {
    const toml::array* a = n.as_array();
    if (a == nullptr) {
        return describe(n);
    }
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) {
        out += (i == 0 ? "" : ", ") + describe((*a)[i]);
    }
    return out + "]";
}

// The [low, high] of one key, or a problem: two finite numbers, each end in the key's interval,
// low <= central <= high.
std::optional<InputRange> read_range(TableReader& r, const UncertaintyRow& row, const Scenario& sc,
                                     Problems& problems) {
    const std::string_view key = to_string(row.input);
    const toml::node* n = r.find(key);
    if (n == nullptr) {
        return std::nullopt;
    }
    const toml::array* a = n->as_array();
    const auto end = [&](std::size_t i) { return (*a)[i].value<double>(); };
    if (a == nullptr || a->size() != 2 || !(*a)[0].is_number() || !(*a)[1].is_number() ||
        !std::isfinite(*end(0)) || !std::isfinite(*end(1))) {
        problems.add(line_of(*n), fmt::format("[uncertainty] {} must be two finite numbers "
                                              "[low, high], got {}",
                                              key, describe_pair(*n)));
        return std::nullopt;
    }
    const InputRange range{row.input, *end(0), *end(1)};
    const double max = row.max(sc);
    const auto inside = [&](double v) {
        return (row.min_open ? v > row.min : v >= row.min) && v <= max;
    };
    if (!inside(range.low) || !inside(range.high)) {
        problems.add(line_of(*n),
                     fmt::format("[uncertainty] {} must have both ends in {}{:g}, {:g}]{}, got {}",
                                 key, row.min_open ? "(" : "[", row.min, max,
                                 row.max_reason.empty() ? std::string()
                                                        : fmt::format(" ({})", row.max_reason),
                                 describe_pair(*n)));
        return std::nullopt;
    }
    const auto [least, largest] = row.central(sc);
    if (!(range.low <= least && largest <= range.high)) {
        const std::string central =
            row.central_key.empty()
                ? "1 (the scenario's own values)"
                : (least == largest ? fmt::format("{:g} ({})", least, row.central_key)
                                    : fmt::format("{:g} to {:g} ({} of the district types)", least,
                                                  largest, row.central_key));
        problems.add(line_of(*n), fmt::format("[uncertainty] {} must be [low, high] with low <= "
                                              "{} <= high, got {}",
                                              key, central, describe_pair(*n)));
        return std::nullopt;
    }
    return range;
}

// [uncertainty], after the sections whose values it ranges: the ranges in the order of
// UncertainInput.
void read_uncertainty(TableReader& r, Scenario& sc, Problems& problems) {
    for (const UncertaintyRow& row : uncertainty_rows()) {
        if (auto range = read_range(r, row, sc, problems)) {
            sc.uncertainty.push_back(*range);
        }
    }
}

// ---- [output] -----------------------------------------------------------------------------------

// [output] maps: the maps the run writes, each named once; an empty array writes none.
void read_output(TableReader& r, OutputSpec& output, Problems& problems) {
    const std::optional<std::vector<std::string>> maps = r.strings("maps");
    if (!maps) {
        return;
    }
    const toml::array& nodes = *r.find("maps")->as_array();
    const std::array<std::string_view, map_metric_count>& names = map_metric_names();
    const std::vector<std::string_view> candidates(names.begin(), names.end());
    output.maps.fill(false);
    for (std::size_t i = 0; i < maps->size(); ++i) {
        const std::string& name = (*maps)[i];
        const std::optional<MapMetric> m = parse_map_metric(name);
        if (!m) {
            problems.add(line_of(nodes[i]),
                         fmt::format("[output] maps: \"{}\" is not a map{}; expected any of {}",
                                     name, did_you_mean(name, candidates), fmt::join(names, ", ")));
        } else if (output.writes(*m)) {
            problems.add(line_of(nodes[i]), fmt::format("[output] maps lists \"{}\" twice", name));
        } else {
            output.maps[static_cast<std::size_t>(*m)] = true;
        }
    }
}

// [[layers.carriers]]: the carriers of a layer that has several (docs/sites.md); the layer is
// expanded into one layer per carrier (expand_carriers).
void read_carriers(const toml::node& node, const TableReader& layer_reader, LayerSpec& layer,
                   Problems& problems) {
    const std::string& label = layer_reader.where();
    const toml::array* a = node.as_array();
    if (a == nullptr || a->empty() || !a->is_array_of_tables()) {
        problems.add(line_of(node),
                     fmt::format("{} carriers must be one or more [[layers.carriers]] "
                                 "tables (name, frequency_mhz, bandwidth_mhz), got "
                                 "{}",
                                 label, describe(node)));
        return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < a->size(); ++i) {
        const toml::table& t = *a->get(i)->as_table();
        const toml::node* name_node = t.get("name");
        TableReader r = layer_reader.nested(
            t, "carriers",
            name_node != nullptr && name_node->is_string()
                ? fmt::format("{} carrier \"{}\"", label, *name_node->value<std::string>())
                : fmt::format("{} carriers[{}]", label, i));
        CarrierSpec c;
        if (auto v = r.string("name", true)) {
            c.name = *v;
            if (!valid_name(c.name)) {
                problems.add(
                    line_of(*r.find("name")),
                    fmt::format("{} name must be letters, digits, '-', '_' or '.'", r.where()));
            } else if (!names.insert(c.name).second) {
                problems.add(
                    line_of(*r.find("name")),
                    fmt::format("{} is defined twice; carrier names must be unique", r.where()));
            }
        }
        if (auto v = r.number("frequency_mhz", 150.0, 100000.0, "MHz", true)) {
            c.frequency_mhz = *v;
        }
        if (auto v = r.number("bandwidth_mhz", 1.4, 400.0, "MHz")) {
            c.bandwidth_mhz = *v;
            if (!resource_blocks(layer.technology, *v, layer.subcarrier_spacing_khz)) {
                problems.add(line_of(*r.find("bandwidth_mhz")),
                             fmt::format("{}: bandwidth_mhz = {:g} at {} kHz is not a {} channel "
                                         "bandwidth of 3GPP",
                                         r.where(), *v, layer.subcarrier_spacing_khz,
                                         layer.technology == Technology::lte ? "LTE" : "NR"));
            }
        }
        r.finish();
        layer.carriers.push_back(std::move(c));
    }
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
                            std::vector<Problem>& list, std::vector<PathValue>* recorded,
                            std::vector<ScenarioKey>* keys) {
    Problems problems(path.string(), list);
    const Paths paths(path, recorded);
    const ReadContext context{paths, problems};
    Scenario sc;
    sc.source_path = path;
    TableReader top(root, "the scenario file", "", problems, keys);

    // [scenario]
    if (const toml::table* t = top.table("scenario")) {
        TableReader r = top.nested(*t, "scenario", "[scenario]");
        if (auto name = r.string("name")) {
            sc.name = *name;
            if (!valid_name(sc.name)) {
                problems.add(line_of(*r.find("name")),
                             fmt::format("[scenario] name must be 1-100 letters, digits, '-', '_' "
                                         "or '.', and not '.' or '..', got \"{}\"",
                                         printable(sc.name)));
            }
        }
        sc.description = r.string("description").value_or("");
        sc.year = r.integer("year", 1900, 2199);
        r.finish();
    }
    if (sc.name.empty()) {
        sc.name = path.stem().string();
        if (sc.name == "." || sc.name == "..") {
            problems.add(nullptr, fmt::format("the scenario is named after its file, '{}', which "
                                              "names a directory; give [scenario] name",
                                              sc.name));
        }
    }

    // [study_area]
    const toml::table* sa = top.table("study_area");
    if (sa == nullptr) {
        problems.add(nullptr, "missing table [study_area] (districts, population, resolution_m)");
    } else {
        TableReader r = top.nested(*sa, "study_area", "[study_area]");
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
        r.per_type("population_growth", s.population_growth, 0.1, 10.0, "");
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
        TableReader r = top.nested(*t, "environment", "[environment]");
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
        TableReader r = top.nested(*t, "demand", "[demand]");
        read_demand(r, sc.demand);
        r.finish();
    }
    if (const toml::table* t = top.table("ftth")) {
        TableReader r = top.nested(*t, "ftth", "[ftth]");
        read_ftth(r, sc.ftth, problems);
        r.finish();
    }
    if (const toml::table* t = top.table("indoor")) {
        TableReader r = top.nested(*t, "indoor", "[indoor]");
        if (auto v = r.number("probability", 0.01, 0.99, "")) {
            sc.indoor.probability = *v;
        }
        r.per_type("thermally_efficient_share", sc.indoor.thermally_efficient_share, 0.0, 1.0, "");
        r.finish();
    }
    if (const toml::table* t = top.table("traffic")) {
        TableReader r = top.nested(*t, "traffic", "[traffic]");
        read_keys(r, sc.traffic, traffic_keys, context);
        r.finish();
    }
    if (const toml::table* t = top.table("cost")) {
        TableReader r = top.nested(*t, "cost", "[cost]");
        read_keys(r, sc.cost, cost_keys, context);
        r.finish();
    }
    if (const toml::table* t = top.table("uncertainty")) {
        TableReader r = top.nested(*t, "uncertainty", "[uncertainty]");
        read_uncertainty(r, sc, problems);
        r.finish();
    }
    if (const toml::table* t = top.table("output")) {
        TableReader r = top.nested(*t, "output", "[output]");
        read_output(r, sc.output, problems);
        r.finish();
    }

    // [layer_defaults], then each [[layers]] entry on top of them.
    LayerSpec defaults;
    const toml::table* defaults_table = top.table("layer_defaults");
    if (defaults_table != nullptr) {
        TableReader r = top.nested(*defaults_table, "layer_defaults", "[layer_defaults]");
        read_keys(r, defaults, layer_keys, context);
        r.finish();
    }

    const toml::node* layers_node = top.find("layers", ScenarioKey::Kind::array_of_tables);
    // A network of fibre alone (a plan can choose one) has no radio layer.
    const bool fibre_offered = !sc.ftth.districts.empty() ||
                               std::any_of(sc.ftth.district_types.begin(),
                                           sc.ftth.district_types.end(), [](bool b) { return b; });
    const bool no_layers = layers_node == nullptr ||
                           (layers_node->as_array() != nullptr && layers_node->as_array()->empty());
    if ((layers_node == nullptr || !layers_node->is_array_of_tables()) &&
        !(no_layers && fibre_offered)) {
        problems.add(layers_node != nullptr ? line_of(*layers_node) : Where{},
                     "expected at least one [[layers]] table (name, sites, frequency_mhz, "
                     "bandwidth_mhz, model), or fibre to the home in [ftth]");
    } else if (layers_node != nullptr && layers_node->is_array_of_tables()) {
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
            TableReader r = top.nested(lt, "layers", label);
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
            read_keys(r, layer, layer_keys, context);
            if (const toml::node* n = r.find("carriers", ScenarioKey::Kind::array_of_tables)) {
                read_carriers(*n, r, layer, problems);
            }
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
            if (const PropagationModel* m = model_registry().find(layer.model); m != nullptr) {
                for (const std::string& what : m->path_parameter_problems(layer.path)) {
                    problems.add(r.line(), fmt::format("{}: {}", label, what));
                }
            }
            for (const std::string& what : clutter_problems(layer)) {
                problems.add(r.line(), fmt::format("{}: {}", label, what));
            }
            for (const char* key : {"frequency_mhz", "bandwidth_mhz", "model"}) {
                const bool by_carriers = !layer.carriers.empty() &&
                                         (std::string_view(key) == "frequency_mhz" ||
                                          (std::string_view(key) == "bandwidth_mhz" &&
                                           std::all_of(layer.carriers.begin(), layer.carriers.end(),
                                                       [](const CarrierSpec& c) {
                                                           return c.bandwidth_mhz.has_value();
                                                       })));
                const bool given = by_carriers || lt.contains(key) ||
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
            for (LayerSpec& expanded : expand_carriers(layer)) {
                if (expanded.expanded_from && !names.insert(expanded.name).second) {
                    problems.add(r.line(), fmt::format("{}: carrier \"{}\" makes the layer name "
                                                       "\"{}\", which another layer has",
                                                       label, expanded.expanded_from->carrier,
                                                       expanded.name));
                }
                sc.layers.push_back(std::move(expanded));
            }
        }
        check_adjacent_channels(sc, *layers_node->as_array(), problems);
    }
    top.finish();
    return sc;
}

} // namespace detail

std::vector<ScenarioKey> scenario_keys() {
    // Interpret an empty scenario, then, while the parser asks for a table the scenario does not
    // have, the scenario with that table added, empty (for "layers", an array of one table).
    toml::table root;
    std::map<std::string, toml::table*> tables = {{"", &root}}; // by section
    std::vector<ScenarioKey> read;
    for (bool opened = true; opened;) {
        read.clear();
        std::vector<detail::Problem> problems;
        detail::interpret_scenario(root, "keys.toml", problems, nullptr, &read);
        opened = false;
        for (const ScenarioKey& k : read) {
            if (k.kind == ScenarioKey::Kind::value) {
                continue;
            }
            toml::table& parent = *tables.at(k.table);
            if (parent.contains(k.key)) {
                continue;
            }
            toml::table table;
            toml::node& added = k.kind == ScenarioKey::Kind::table
                                    ? parent.insert(k.key, std::move(table)).first->second
                                    : (*parent.insert(k.key, toml::array{std::move(table)})
                                            .first->second.as_array())[0];
            tables[k.table.empty() ? k.key : k.table + "." + k.key] = added.as_table();
            opened = true;
        }
    }
    std::vector<ScenarioKey> keys; // each once, where it was first read
    for (const ScenarioKey& k : read) {
        const auto it = std::find_if(keys.begin(), keys.end(), [&](const ScenarioKey& o) {
            return o.table == k.table && o.key == k.key;
        });
        if (it == keys.end()) {
            keys.push_back(k);
        } else if (k.kind != ScenarioKey::Kind::value) {
            it->kind = k.kind;
        }
    }
    return keys;
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
        if (layer.clutter_loss && m->includes_clutter()) {
            out.push_back(fmt::format("{}: layer \"{}\" adds ITU-R P.2108 clutter_loss to model "
                                      "{}, whose median already includes the clutter around the "
                                      "terminal (it was fitted to measurements among buildings): "
                                      "the clutter is counted twice",
                                      scenario.source_path.string(), layer.name, m->name()));
        }
        if (layer.location_probability != 0.5) {
            // The model's location variability at a typical link of the layer: 1 km from a
            // 30 m mast (the same for every link of the models that have none).
            Link link;
            link.distance_m = 1000.0;
            link.tx_height_m = 30.0;
            link.rx_height_m = layer.rx_height_m;
            link.frequency_mhz = layer.frequency_mhz;
            link.los = layer.los;
            if (!(m->shadow_fading_sigma_db(link) > 0.0)) {
                out.push_back(fmt::format(
                    "{}: layer \"{}\" location_probability = {:g} has no effect: model {} has no "
                    "location variability to add a margin for{}",
                    scenario.source_path.string(), layer.name, layer.location_probability,
                    m->name(),
                    m->needs_profile() ? " (give its own location_percent in [layers.itm] or "
                                         "[layers.path])"
                                       : ""));
            }
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

namespace {

const plan::OptionSpec default_option;

// "[1000, 500]"
std::string number_list(const std::vector<double>& values) {
    std::string out;
    for (double v : values) {
        out += fmt::format("{}{}", out.empty() ? "[" : ", ", v);
    }
    return out + "]";
}

// One [[plan.options]] entry.
plan::OptionSpec read_option(TableReader& r, const Scenario& sc, Problems& problems) {
    plan::OptionSpec o;
    const auto layer_named = [&](const std::string& name) {
        return std::find_if(sc.layers.begin(), sc.layers.end(),
                            [&](const LayerSpec& l) { return l.name == name; });
    };
    if (auto name = r.string("name", true)) {
        o.name = *name;
        if (!valid_name(o.name)) {
            problems.add(line_of(*r.find("name")),
                         fmt::format("{} name must be 1-100 letters, digits, '-', '_' or '.', got "
                                     "\"{}\"",
                                     r.where(), printable(o.name)));
        }
    }
    if (o.name == "built") {
        problems.add(line_of(*r.find("name")),
                     fmt::format("{} name \"built\" names the network as built in plan outputs; "
                                 "give the option another name",
                                 r.where()));
    }
    if (auto kind = r.choice<plan::OptionKind>("kind", plan::parse_option_kind,
                                               "\"grid\", \"masts\" or \"ftth\"")) {
        o.kind = *kind;
    }
    // Keys that the option's kind has no use for: a mistake, not something to ignore.
    const std::vector<std::string_view> unused =
        o.kind == plan::OptionKind::ftth
            ? std::vector<std::string_view>{"template",  "masts",   "isd_m",    "height_m",
                                            "power_dbm", "sectors", "tilt_deg", "site_type"}
        : o.kind == plan::OptionKind::masts
            ? std::vector<std::string_view>{"isd_m", "sectors", "tilt_deg"}
            : std::vector<std::string_view>{"masts"};
    for (std::string_view key : unused) {
        if (const toml::node* n = r.find(key)) {
            problems.add(line_of(*n), fmt::format("{} {} has no use in an option of kind \"{}\"",
                                                  r.where(), key, plan::to_string(o.kind)));
        }
    }
    o.site_type = o.kind == plan::OptionKind::masts ? SiteType::upgrade : SiteType::new_macro;
    if (auto t = r.string("template", o.radio())) {
        o.template_layer = *t;
        const auto it = layer_named(*t);
        if (it == sc.layers.end()) {
            problems.add(line_of(*r.find("template")),
                         fmt::format("{} template \"{}\" is not a [[layers]] name of the scenario",
                                     r.where(), printable(*t)));
        } else if (it->expanded_from) {
            problems.add(line_of(*r.find("template")),
                         fmt::format("{} template \"{}\" has [[layers.carriers]]; expected a "
                                     "layer of one carrier",
                                     r.where(), printable(*t)));
        }
    }
    if (auto m = r.string("masts", o.kind == plan::OptionKind::masts)) {
        o.masts_layer = *m;
        if (layer_named(*m) == sc.layers.end()) {
            problems.add(line_of(*r.find("masts")),
                         fmt::format("{} masts \"{}\" is not a [[layers]] name of the scenario",
                                     r.where(), printable(*m)));
        }
    }
    if (auto isd = r.numbers("isd_m", 50.0, 100000.0)) {
        o.isd_m = *isd;
        const bool decreasing = std::adjacent_find(o.isd_m.begin(), o.isd_m.end(),
                                                   std::less_equal<>()) == o.isd_m.end();
        if (o.isd_m.empty() || !decreasing) {
            problems.add(line_of(*r.find("isd_m")),
                         fmt::format("{} isd_m must be a non-empty ladder of inter-site distances "
                                     "from sparse to dense (strictly decreasing), got {}",
                                     r.where(),
                                     o.isd_m.empty() ? std::string("an empty array")
                                                     : number_list(o.isd_m)));
        }
    } else if (o.kind == plan::OptionKind::grid && r.find("isd_m") == nullptr) {
        problems.add(r.line(), fmt::format("{}: missing key 'isd_m' (the inter-site distance "
                                           "ladder of a grid option)",
                                           r.where()));
    }
    if (auto types = r.strings("district_types")) {
        o.district_types = {false, false, false};
        for (const std::string& type : *types) {
            if (auto d = parse_district_type(type)) {
                o.district_types[static_cast<std::size_t>(*d)] = true;
            } else {
                problems.add(line_of(*r.find("district_types")),
                             fmt::format("{} district_types: \"{}\" is not a district type "
                                         "(urban_district, town, rural_district)",
                                         r.where(), printable(type)));
            }
        }
    }
    const std::optional<double> height = r.number("height_m", 1.0, 300.0, "m");
    o.height_m = height.value_or(default_option.height_m);
    if (o.kind == plan::OptionKind::masts) {
        o.masts_height_m = height;
    }
    o.power_dbm = r.number("power_dbm", -30.0, 80.0, "dBm").value_or(default_option.power_dbm);
    o.sectors = r.integer("sectors", 1, 12).value_or(default_option.sectors);
    o.tilt_deg = r.number("tilt_deg", -90.0, 90.0, "degrees");
    if (auto t = r.choice<SiteType>("site_type", parse_site_type,
                                    "\"new_macro\", \"upgrade\" or \"small_cell\"")) {
        o.site_type = *t;
    }
    r.finish();
    return o;
}

void check_options(const plan::PlanSpec& spec, const std::vector<Where>& lines,
                   Problems& problems) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < spec.options.size(); ++i) {
        const plan::OptionSpec& o = spec.options[i];
        const Where& at = lines[i];
        if (!names.insert(o.name).second) {
            problems.add(
                at, fmt::format("[[plan.options]] name \"{}\" is given twice", printable(o.name)));
        }
        if (std::find(spec.existing.begin(), spec.existing.end(), o.name) != spec.existing.end()) {
            problems.add(at, fmt::format("[[plan.options]] name \"{}\" is a layer of the "
                                         "network as built ([plan] existing); give the "
                                         "option a name of its own",
                                         printable(o.name)));
        }
        if (o.kind == plan::OptionKind::masts && !o.masts_layer.empty() &&
            std::find(spec.existing.begin(), spec.existing.end(), o.masts_layer) ==
                spec.existing.end()) {
            problems.add(at, fmt::format("[[plan.options]] \"{}\": masts \"{}\" must be a "
                                         "layer of the network as built ([plan] existing)",
                                         printable(o.name), printable(o.masts_layer)));
        }
        if (o.site_type == SiteType::existing) {
            problems.add(at, fmt::format("[[plan.options]] \"{}\": site_type \"existing\" "
                                         "would make the option free; list built layers in "
                                         "[plan] existing",
                                         printable(o.name)));
        }
    }
}

} // namespace

namespace detail {

plan::PlanSpec interpret_plan(const toml::table& root, const std::filesystem::path& path,
                              const Scenario& sc, std::vector<Problem>& list,
                              std::vector<ScenarioKey>* keys) {
    Problems problems(path.string(), list);
    plan::PlanSpec spec;
    TableReader top(root, "the plan file", "", problems, keys);
    const toml::table* t = top.table("plan");
    if (t == nullptr) {
        problems.add(nullptr, "missing table [plan] (existing, target_served_share, "
                              "[[plan.options]])");
        return spec;
    }
    TableReader r = top.nested(*t, "plan", "[plan]");
    if (auto existing = r.strings("existing")) {
        for (const std::string& name : *existing) {
            const bool known = std::any_of(sc.layers.begin(), sc.layers.end(),
                                           [&](const LayerSpec& l) { return l.name == name; });
            if (!known) {
                problems.add(line_of(*r.find("existing")),
                             fmt::format("[plan] existing: \"{}\" is not a [[layers]] name of "
                                         "the scenario",
                                         printable(name)));
            }
        }
        spec.existing = *existing;
    }
    spec.target.served_share =
        r.number("target_served_share", 0.01, 1.0, "").value_or(spec.target.served_share);
    spec.target.indoors = r.boolean("target_indoors").value_or(spec.target.indoors);
    spec.target.district_budget_usd_per_year =
        r.number("district_budget_usd_per_year", 0.0, 1e12, "USD");
    spec.target.city_budget_usd_per_year = r.number("city_budget_usd_per_year", 0.0, 1e13, "USD");
    spec.max_sweeps = r.integer("max_sweeps", 1, 50).value_or(spec.max_sweeps);
    spec.max_options_per_district =
        r.integer("max_options_per_district", 1, 2).value_or(spec.max_options_per_district);
    spec.window_margin_m =
        r.number("window_margin_m", 0.0, 50000.0, "m").value_or(spec.window_margin_m);
    spec.curve_from_share =
        r.number("curve_from_share", 0.0, 1.0, "").value_or(spec.curve_from_share);
    spec.switch_saving = r.number("switch_saving", 0.0, 1.0, "").value_or(spec.switch_saving);
    std::vector<Where> lines; // of each option's table
    const toml::node* options = r.find("options", ScenarioKey::Kind::array_of_tables);
    const toml::array* a = options != nullptr ? options->as_array() : nullptr;
    if (a == nullptr || a->empty()) {
        problems.add(options != nullptr ? line_of(*options) : r.line(),
                     "[plan] expected at least one [[plan.options]] table (name, kind, template, "
                     "isd_m)");
    } else {
        for (std::size_t i = 0; i < a->size(); ++i) {
            const toml::table* o = (*a)[i].as_table();
            if (o == nullptr) {
                problems.add(line_of((*a)[i]), "[[plan.options]] entries must be tables");
                continue;
            }
            TableReader orr = r.nested(*o, "options", fmt::format("[[plan.options]] #{}", i + 1));
            spec.options.push_back(read_option(orr, sc, problems));
            lines.push_back(line_of(*o));
        }
    }
    if (spec.target.served_share < spec.curve_from_share) {
        spec.curve_from_share = spec.target.served_share;
    }
    r.finish();
    check_options(spec, lines, problems);
    if (sc.name == "plan") {
        problems.add(nullptr, "the plan's scenario is named \"plan\", the name of the plan group "
                              "of results.h5; give it another name ([scenario] name)");
    }
    return spec;
}

} // namespace detail

} // namespace covsim::io
