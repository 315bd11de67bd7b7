// Scenario composition (docs/scenario-format.md, "Composing scenarios"):
//   extends = "other.toml"  the file on top of another: the TOML trees are merged before any key
//                           is interpreted (tables key by key, [[layers]] by name);
//   [sweep]                 the Cartesian product of listed values for named keys.
// Merging moves nodes from tree to tree, so that every value keeps the file and line that wrote
// it: problems name the right file, and relative paths resolve against it.

#include "core/error.hpp"
#include "io/input_file.hpp"
#include "io/printable.hpp"
#include "io/scenario_parser.hpp"
#include "io/scenario_toml.hpp"
#include "io/suggest.hpp"
#include "io/toml_limits.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <variant>

namespace covsim::io {

namespace {

namespace fs = std::filesystem;
using detail::PathValue;
using detail::Problem;

constexpr std::size_t max_variants = 10000;

[[noreturn]] void fail(const fs::path& file, std::uint32_t line, const std::string& message) {
    throw Error(ErrorCode::scenario, Problem{file.string(), line, message}.text());
}

std::uint32_t line_of(const toml::node& n) {
    return n.source().begin.line;
}

Problem problem_at(const toml::node& n, const fs::path& fallback, std::string message) {
    return {detail::source_file(n, fallback).string(), line_of(n), std::move(message)};
}

std::string read_text(const fs::path& path) {
    return read_input_file(path, "scenario file", max_scenario_file_bytes, ErrorCode::scenario);
}

toml::table parse_toml(const std::string& text, const fs::path& path) {
    check_toml_limits(text, path.string()); // before toml++ builds what it cannot free
    try {
        return toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::scenario,
                    fmt::format("{}:{}:{}: TOML syntax error: {}", path.string(),
                                e.source().begin.line, e.source().begin.column, e.description()));
    }
}

// Moves `node` into `table` under `key`, keeping its source (a copy would lose it).
void move_into(toml::table& table, std::string_view key, toml::node& node) {
    node.visit([&](auto& v) { table.insert_or_assign(key, std::move(v)); });
}

std::optional<std::string> layer_name(const toml::node& layer) {
    const toml::table* t = layer.as_table();
    const toml::node* name = t != nullptr ? t->get("name") : nullptr;
    return name != nullptr ? name->value<std::string>() : std::nullopt;
}

// Merges `child` into `parent`: tables key by key, recursively; at the top, [[layers]] by
// name (a child layer with a parent layer's name overrides its keys; others are appended);
// every other value of the child replaces the parent's.
void merge(toml::table& parent, toml::table& child, bool top) {
    for (auto&& [key, node] : child) {
        toml::node* existing = parent.get(key.str());
        if (existing != nullptr && existing->is_table() && node.is_table()) {
            merge(*existing->as_table(), *node.as_table(), false);
        } else if (top && key.str() == "layers" && existing != nullptr &&
                   existing->is_array_of_tables() && node.is_array_of_tables()) {
            toml::array& layers = *existing->as_array();
            for (toml::node& layer : *node.as_array()) {
                const auto name = layer_name(layer);
                auto same = std::find_if(layers.begin(), layers.end(), [&](const toml::node& l) {
                    return name && layer_name(l) == name;
                });
                if (same != layers.end()) {
                    merge(*same->as_table(), *layer.as_table(), false);
                } else {
                    layers.push_back(std::move(*layer.as_table()));
                }
            }
        } else {
            move_into(parent, key.str(), node);
        }
    }
}

// The scenario files of one composition: their texts, read once.
class Sources {
public:
    Sources(std::string text, fs::path path) : top_(std::move(path)) {
        texts_[top_.string()] = std::move(text);
    }

    // The merged tree of the top file and everything it extends; `files` receives the files,
    // the top one first.
    toml::table compose(std::vector<fs::path>& files) {
        files.clear();
        std::vector<fs::path> stack;
        return compose(top_, stack, files);
    }

    [[nodiscard]] const fs::path& top() const { return top_; }

private:
    toml::table compose(const fs::path& path, std::vector<fs::path>& stack,
                        std::vector<fs::path>& files) {
        toml::table root = parse_toml(texts_.at(path.string()), path);
        files.push_back(path);
        stack.push_back(path);
        const toml::node* ext = root.get("extends");
        if (ext == nullptr) {
            return root;
        }
        if (!ext->is_string()) {
            fail(path, line_of(*ext),
                 "extends must be a string, the path of the scenario file this one extends");
        }
        const std::string value = *ext->value<std::string>();
        if (value.find('\0') != std::string::npos) {
            fail(path, line_of(*ext),
                 fmt::format("extends: the path \"{}\" contains a NUL character; expected the "
                             "path of a scenario file",
                             printable(value)));
        }
        const fs::path parent_path = fs::path(value).is_absolute()
                                         ? fs::path(value)
                                         : (path.parent_path() / value).lexically_normal();
        std::error_code ec;
        if (!fs::exists(parent_path, ec)) {
            fail(path, line_of(*ext),
                 fmt::format("extends: scenario file '{}' not found", parent_path.string()));
        }
        const fs::path canonical = fs::weakly_canonical(parent_path, ec);
        for (std::size_t i = 0; i < stack.size(); ++i) {
            if (fs::weakly_canonical(stack[i], ec) == canonical) {
                std::string cycle;
                for (std::size_t j = i; j < stack.size(); ++j) {
                    cycle += stack[j].string() + " extends ";
                }
                fail(path, line_of(*ext),
                     fmt::format("extends \"{}\" makes a cycle: {}{}", value, cycle,
                                 parent_path.string()));
            }
        }
        if (texts_.find(parent_path.string()) == texts_.end()) {
            texts_[parent_path.string()] = read_text(parent_path);
        }
        toml::table merged = compose(parent_path, stack, files);
        stack.pop_back();
        root.erase("extends");
        // A scenario's name is its own: a file that does not name itself is named after the file.
        if (toml::table* sc = merged["scenario"].as_table()) {
            sc->erase("name");
        }
        merge(merged, root, true);
        return merged;
    }

    fs::path top_;
    std::map<std::string, std::string> texts_;
};

// A value as it appears in a variant's name: like TOML, strings without quotes.
std::string value_text(const toml::node& n) {
    if (const auto s = n.value_exact<std::string>()) {
        return *s;
    }
    if (const auto i = n.value_exact<std::int64_t>()) {
        return fmt::format("{}", *i);
    }
    if (const auto d = n.value_exact<double>()) {
        if (std::isfinite(*d) && std::trunc(*d) == *d && std::abs(*d) < 1e15) {
            return fmt::format("{:.1f}", *d);
        }
        return fmt::format("{}", *d);
    }
    if (const auto b = n.value_exact<bool>()) {
        return *b ? "true" : "false";
    }
    return "";
}

bool name_safe(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '+';
    });
}

std::string kind_of(const toml::node& n) {
    if (n.is_number()) {
        return "number";
    }
    if (n.is_string()) {
        return "string";
    }
    if (n.is_boolean()) {
        return "boolean";
    }
    if (n.is_table()) {
        return "table";
    }
    return n.is_array() ? "array" : "date/time";
}

// One key of a [sweep].
struct Dimension {
    std::string label;
    std::string key;
    std::vector<std::string> names; // per value: its label, or the value as text
    // Where it was written, to list the dimensions in the order of the files and lines.
    std::size_t rank = 0;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

// Where a key of a [sweep] points: the table that holds (or will hold) its last segment.
struct Target {
    toml::table* table = nullptr;
    std::string key;
};

// A table made in memory but attributed to `file`:`line` (where the [sweep] key was written),
// so that problems with the keys inside it point there.
toml::table table_at(const std::string& file, std::uint32_t line) {
    toml::table t = toml::parse(std::string(line > 0 ? line - 1 : 0, '\n') + "[t]\n", file);
    return std::move(*t["t"].as_table());
}

// Finds the target of `key` in `tree` (layers addressed by name: "layers.<name>.<key>"),
// creating the tables on its way that do not exist; an error message when it cannot.
std::variant<Target, std::string> locate(toml::table& tree, const std::string& key,
                                         const toml::node& key_node) {
    std::string rest = key;
    toml::table* table = &tree;
    if (key.rfind("layers.", 0) == 0 || key == "layers") {
        toml::array* layers = tree["layers"].as_array();
        std::vector<std::string> names;
        toml::table* best = nullptr;
        std::size_t best_size = 0;
        for (std::size_t i = 0; layers != nullptr && i < layers->size(); ++i) {
            toml::node& layer = (*layers)[i];
            if (const auto name = layer_name(layer)) {
                names.push_back(*name);
                const std::string prefix = "layers." + *name + ".";
                if (key.rfind(prefix, 0) == 0 && prefix.size() > best_size) {
                    best = layer.as_table();
                    best_size = prefix.size();
                }
            }
        }
        if (best == nullptr) {
            std::string list;
            for (const auto& n : names) {
                list += (list.empty() ? "" : ", ") + n;
            }
            return fmt::format("key \"{}\" names no layer: address a layer's key as "
                               "\"layers.<name>.<key>\" (layers: {})",
                               key, list.empty() ? "none" : list);
        }
        table = best;
        rest = key.substr(best_size);
        if (rest == "name") {
            return fmt::format("key \"{}\": a layer's name cannot be swept", key);
        }
    } else if (key == "extends" || key.rfind("sweep", 0) == 0 || key == "scenario.name") {
        return fmt::format("key \"{}\" cannot be swept", key);
    }
    if (const auto parts = std::count(rest.begin(), rest.end(), '.') + 1;
        parts > static_cast<std::ptrdiff_t>(max_toml_key_parts)) {
        return fmt::format("key \"{}\" has {} parts, expected at most {}", printable(key, 40),
                           parts, max_toml_key_parts);
    }
    std::vector<std::string> segments;
    std::size_t start = 0;
    for (std::size_t dot = rest.find('.');; dot = rest.find('.', start)) {
        segments.push_back(rest.substr(start, dot - start));
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    if (std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); })) {
        return fmt::format("key \"{}\" is not a dotted key path such as \"demand.adoption\" or "
                           "\"layers.<name>.bandwidth_mhz\"",
                           key);
    }
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        toml::node* next = table->get(segments[i]);
        if (next == nullptr) {
            table->insert_or_assign(
                segments[i],
                table_at(detail::source_file(key_node, "").string(), line_of(key_node)));
            next = table->get(segments[i]);
        }
        if (!next->is_table()) {
            return fmt::format("key \"{}\": '{}' is a {}, not a table", key, segments[i],
                               kind_of(*next));
        }
        table = next->as_table();
    }
    return Target{table, segments.back()};
}

// Reads the [sweep] of `tree` (which it leaves in place), checking every dimension against the
// tree; `files` are the composed files, the top one first.
std::vector<Dimension> read_sweep(toml::table& tree, const fs::path& top,
                                  const std::vector<fs::path>& files,
                                  std::vector<Problem>& problems) {
    std::vector<Dimension> dims;
    const toml::node* node = tree.get("sweep");
    if (node == nullptr) {
        return dims;
    }
    if (node->is_table() && node->as_table()->empty()) {
        problems.push_back(problem_at(*node, top,
                                      "[sweep] is empty; give at least one key to "
                                      "sweep, or remove it"));
        return dims;
    }
    if (!node->is_table()) {
        problems.push_back(problem_at(*node, top,
                                      fmt::format("[sweep] must be a table of keys to sweep, got "
                                                  "a {}",
                                                  kind_of(*node))));
        return dims;
    }
    std::map<std::string, std::size_t> rank; // the root of the chain first
    for (std::size_t i = 0; i < files.size(); ++i) {
        rank[files[i].string()] = files.size() - 1 - i;
    }
    const std::size_t before = problems.size();
    std::set<std::string> keys;
    for (const auto& [label_key, entry] : *node->as_table()) {
        Dimension d;
        d.label = std::string(label_key.str());
        const std::string where = "[sweep] " + d.label;
        auto add = [&](const toml::node& at, const std::string& message) {
            problems.push_back(problem_at(at, top, where + ": " + message));
        };
        if (!name_safe(d.label) || d.label.find('+') != std::string::npos) {
            add(entry, "the name of a swept key must be letters, digits, '-', '_' or '.'");
            continue;
        }
        const toml::table* t = entry.as_table();
        if (t == nullptr) {
            add(entry, fmt::format("must be a table {{ key = \"...\", values = [...] }}, got a {}",
                                   kind_of(entry)));
            continue;
        }
        d.rank = rank[detail::source_file(*t, top).string()];
        d.line = t->source().begin.line;
        d.column = t->source().begin.column;
        for (const auto& [k, v] : *t) {
            if (k.str() != "key" && k.str() != "values" && k.str() != "labels") {
                add(v, fmt::format("unknown key '{}'{}", k.str(),
                                   did_you_mean(k.str(), {"key", "values", "labels"})));
            }
        }
        const toml::node* key = t->get("key");
        const toml::node* values = t->get("values");
        const toml::node* labels = t->get("labels");
        if (key == nullptr || !key->is_string()) {
            add(key != nullptr ? *key : *t, "needs key = \"<table>.<key>\", the key it sweeps");
            continue;
        }
        d.key = *key->value<std::string>();
        if (!keys.insert(d.key).second) {
            add(*key, fmt::format("key \"{}\" is swept twice", d.key));
            continue;
        }
        if (values == nullptr || !values->is_array()) {
            add(values != nullptr ? *values : *t,
                fmt::format("key \"{}\": needs values = [...], the values it takes", d.key));
            continue;
        }
        const toml::array& vs = *values->as_array();
        if (vs.empty()) {
            add(*values, fmt::format("key \"{}\": values is empty; a sweep needs at least one "
                                     "value",
                                     d.key));
            continue;
        }
        bool ok = true;
        for (const toml::node& v : vs) {
            if (!v.is_number() && !v.is_string() && !v.is_boolean()) {
                add(v, fmt::format("key \"{}\": values must be numbers, strings or booleans, got "
                                   "a {}",
                                   d.key, kind_of(v)));
                ok = false;
                break;
            }
            if (kind_of(v) != kind_of(vs[0])) {
                add(v, fmt::format("key \"{}\": values must all be of one type, got a {} ({}) "
                                   "after a {} ({})",
                                   d.key, kind_of(v), value_text(v), kind_of(vs[0]),
                                   value_text(vs[0])));
                ok = false;
                break;
            }
        }
        if (!ok) {
            continue;
        }
        if (labels != nullptr) {
            const toml::array* ls = labels->as_array();
            if (ls == nullptr || ls->size() != vs.size() ||
                !std::all_of(ls->begin(), ls->end(),
                             [](const toml::node& l) { return l.is_string(); })) {
                add(*labels, fmt::format("key \"{}\": labels must be an array of {} strings, one "
                                         "per value",
                                         d.key, vs.size()));
                continue;
            }
            for (const toml::node& l : *ls) {
                d.names.push_back(*l.value<std::string>());
            }
        } else {
            for (const toml::node& v : vs) {
                d.names.push_back(value_text(v));
            }
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < d.names.size() && ok; ++i) {
            const toml::node& at = labels != nullptr ? (*labels->as_array())[i] : vs[i];
            if (!name_safe(d.names[i])) {
                add(at, fmt::format("key \"{}\": \"{}\" cannot be part of a variant's name "
                                    "(letters, digits, '-', '_', '.', '+'); give labels = [...]",
                                    d.key, d.names[i]));
                ok = false;
            } else if (!seen.insert(d.names[i]).second) {
                add(at, fmt::format("key \"{}\": \"{}\" appears twice; every value needs a "
                                    "name of its own",
                                    d.key, d.names[i]));
                ok = false;
            }
        }
        if (!ok) {
            continue;
        }
        // The key must lead somewhere, and hold values of this type if it is set.
        auto target = locate(tree, d.key, *key);
        if (const auto* message = std::get_if<std::string>(&target)) {
            add(*key, *message);
            continue;
        }
        const Target& tg = std::get<Target>(target);
        if (const toml::node* current = tg.table->get(tg.key);
            current != nullptr && !current->is_table() && kind_of(*current) != kind_of(vs[0])) {
            add(vs[0], fmt::format("key \"{}\" is a {} ({}:{}), got a {} ({})", d.key,
                                   kind_of(*current), detail::source_file(*current, top).string(),
                                   line_of(*current), kind_of(vs[0]), value_text(vs[0])));
            continue;
        }
        dims.push_back(std::move(d));
    }
    if (problems.size() > before) {
        return {};
    }
    std::sort(dims.begin(), dims.end(), [](const Dimension& a, const Dimension& b) {
        return std::tie(a.rank, a.line, a.column) < std::tie(b.rank, b.line, b.column);
    });
    std::size_t count = 1;
    for (const Dimension& d : dims) {
        count *= d.names.size();
        if (count > max_variants) {
            problems.push_back(problem_at(*node, top,
                                          fmt::format("[sweep] expands into more than {} "
                                                      "variants; split it into several files",
                                                      max_variants)));
            return {};
        }
    }
    return dims;
}

// Sets the variant's values (value `index[i]` of dimension i) in `tree` and removes [sweep].
void apply_sweep(toml::table& tree, const std::vector<Dimension>& dims,
                 const std::vector<std::size_t>& index, const fs::path& top,
                 std::vector<Problem>& problems) {
    toml::table& sweep = *tree["sweep"].as_table();
    for (std::size_t i = 0; i < dims.size(); ++i) {
        toml::table& entry = *sweep[dims[i].label].as_table();
        const toml::node& key = *entry.get("key");
        auto target = locate(tree, dims[i].key, key);
        if (const auto* message = std::get_if<std::string>(&target)) {
            // Only when one swept key sets a table that another one goes into.
            problems.push_back(problem_at(key, top, "[sweep] " + dims[i].label + ": " + *message));
            continue;
        }
        const Target& tg = std::get<Target>(target);
        move_into(*tg.table, tg.key, (*entry["values"].as_array())[index[i]]);
    }
    tree.erase("sweep");
}

// The resolved scenario as TOML: every file merged, the variant's values set, paths relative to
// the top file's directory; what results.h5 records as scenario_toml.
std::string resolved_text(toml::table& tree, const Scenario& sc, const std::vector<fs::path>& files,
                          const std::vector<PathValue>& paths) {
    const fs::path dir = files.front().parent_path();
    for (const PathValue& p : paths) {
        // The tree is ours: the parser only saw it through const references.
        auto* value = const_cast<toml::node*>(p.node)->as_string();
        if (value == nullptr || fs::path(value->get()).is_absolute()) {
            continue;
        }
        value->get() = p.resolved.string();
        if (!dir.empty() && p.resolved.is_absolute() == dir.is_absolute()) {
            const fs::path relative = p.resolved.lexically_relative(dir);
            if (!relative.empty()) {
                value->get() = relative.string();
            }
        }
    }
    if (!tree["scenario"].is_table()) {
        tree.insert_or_assign("scenario", toml::table{});
    }
    tree["scenario"].as_table()->insert_or_assign("name", sc.base_name);
    std::string header =
        fmt::format("# covsim: scenario {}, resolved from {}", sc.name, files.front().string());
    for (std::size_t i = 1; i < files.size(); ++i) {
        header += fmt::format(" extends {}", files[i].string());
    }
    std::ostringstream os;
    os << header << "\n# paths are relative to " << (dir.empty() ? "." : dir.string()) << "\n\n"
       << toml::toml_formatter(tree) << '\n';
    return os.str();
}

[[noreturn]] void raise(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) {
        text += (text.empty() ? "" : "\n") + l;
    }
    throw Error(ErrorCode::scenario, text);
}

// Problems of the variants: one that every variant has is reported once; one that only some
// have names them.
std::vector<std::string> merge_problems(const std::vector<std::vector<Problem>>& per_variant,
                                        const std::vector<std::string>& names) {
    std::vector<std::pair<Problem, std::vector<std::size_t>>> merged;
    std::map<std::string, std::size_t> index;
    for (std::size_t v = 0; v < per_variant.size(); ++v) {
        for (const Problem& p : per_variant[v]) {
            auto [it, fresh] = index.try_emplace(p.text(), merged.size());
            if (fresh) {
                merged.push_back({p, {}});
            }
            auto& variants = merged[it->second].second;
            if (variants.empty() || variants.back() != v) {
                variants.push_back(v);
            }
        }
    }
    std::vector<std::string> out;
    for (const auto& [p, variants] : merged) {
        if (variants.size() == per_variant.size()) {
            out.push_back(p.text());
            continue;
        }
        std::string list;
        for (std::size_t i = 0; i < variants.size() && i < 3; ++i) {
            list += (i == 0 ? "" : ", ") + names[variants[i]];
        }
        if (variants.size() > 3) {
            list += fmt::format(" and {} more", variants.size() - 3);
        }
        out.push_back(fmt::format("{}: in variant{} {}: {}", p.location(),
                                  variants.size() > 1 ? "s" : "", list, p.message));
    }
    return out;
}

} // namespace

std::vector<Scenario> parse_scenario_variants_text(const std::string& text, const fs::path& path) {
    Sources sources(text, path);
    std::vector<fs::path> files;
    toml::table base = sources.compose(files);
    const bool composed = files.size() > 1 || base.contains("sweep");

    std::vector<Problem> problems;
    const std::vector<Dimension> dims = read_sweep(base, path, files, problems);
    if (dims.empty()) {
        if (!problems.empty()) { // the scenario's own problems too, without the bad [sweep]
            base = sources.compose(files);
        }
        base.erase("sweep");
        std::vector<PathValue> paths;
        Scenario sc = detail::interpret_scenario(base, path, problems, &paths);
        if (!problems.empty()) {
            std::vector<std::string> lines;
            for (const Problem& p : problems) {
                lines.push_back(p.text());
            }
            raise(lines);
        }
        sc.base_name = sc.name;
        sc.extends_paths.assign(files.begin() + 1, files.end());
        sc.source_text = composed ? resolved_text(base, sc, files, paths) : text;
        return {std::move(sc)};
    }

    std::size_t count = 1;
    for (const Dimension& d : dims) {
        count *= d.names.size();
    }
    std::vector<Scenario> variants;
    std::vector<std::vector<Problem>> per_variant(count);
    std::vector<std::string> names;
    std::vector<std::size_t> index(dims.size(), 0);
    for (std::size_t v = 0; v < count; ++v) {
        // The variant's indices, the last dimension fastest.
        std::size_t rest = v;
        for (std::size_t i = dims.size(); i-- > 0;) {
            index[i] = rest % dims[i].names.size();
            rest /= dims[i].names.size();
        }
        toml::table tree = sources.compose(files);
        apply_sweep(tree, dims, index, path, per_variant[v]);
        std::vector<PathValue> paths;
        Scenario sc = detail::interpret_scenario(tree, path, per_variant[v], &paths);
        sc.base_name = sc.name;
        std::string suffix;
        for (std::size_t i = 0; i < dims.size(); ++i) {
            const std::string& value = dims[i].names[index[i]];
            sc.sweep.push_back({dims[i].label, dims[i].key, value});
            suffix += fmt::format("{}{}={}", i == 0 ? "" : ",", dims[i].label, value);
        }
        sc.name = sc.base_name + "/" + suffix;
        names.push_back(sc.name);
        sc.extends_paths.assign(files.begin() + 1, files.end());
        if (per_variant[v].empty()) {
            sc.source_text = resolved_text(tree, sc, files, paths);
        }
        variants.push_back(std::move(sc));
    }
    const std::vector<std::string> lines = merge_problems(per_variant, names);
    if (!lines.empty()) {
        raise(lines);
    }
    return variants;
}

std::vector<Scenario> parse_scenario_variants(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        throw Error(ErrorCode::io, fmt::format("scenario file '{}' not found", path.string()));
    }
    return parse_scenario_variants_text(read_text(path), path);
}

namespace {
Scenario only_one(std::vector<Scenario> variants, const fs::path& path) {
    if (variants.size() != 1) {
        throw Error(ErrorCode::scenario,
                    fmt::format("{}: has a [sweep] of {} variants where one scenario is expected",
                                path.string(), variants.size()));
    }
    return std::move(variants.front());
}
} // namespace

Scenario parse_scenario_text(const std::string& text, const fs::path& path) {
    return only_one(parse_scenario_variants_text(text, path), path);
}

Scenario parse_scenario_file(const fs::path& path) {
    return only_one(parse_scenario_variants(path), path);
}

ScenarioBatch read_scenario_batch(const std::vector<fs::path>& files) {
    ScenarioBatch batch;
    std::map<std::string, fs::path> names;
    for (const fs::path& f : files) {
        try {
            std::vector<Scenario> variants = parse_scenario_variants(f);
            std::string clashes;
            for (const Scenario& sc : variants) {
                if (auto [it, fresh] = names.try_emplace(sc.name, f); !fresh) {
                    clashes += fmt::format("{}{}: scenario name \"{}\" is used by another "
                                           "scenario of this batch ({}); names must be unique",
                                           clashes.empty() ? "" : "\n", f.string(), sc.name,
                                           it->second.string());
                }
            }
            if (!clashes.empty()) {
                throw Error(ErrorCode::scenario, clashes);
            }
            batch.scenarios.insert(batch.scenarios.end(), std::make_move_iterator(variants.begin()),
                                   std::make_move_iterator(variants.end()));
        } catch (const Error& e) {
            if (batch.problems.empty()) {
                batch.code = e.code();
            }
            batch.problems.emplace_back(e.what());
        }
    }
    return batch;
}

std::vector<Scenario> parse_scenario_batch(const std::vector<fs::path>& files) {
    ScenarioBatch batch = read_scenario_batch(files);
    if (!batch.problems.empty()) {
        std::string text;
        for (const auto& p : batch.problems) {
            text += (text.empty() ? "" : "\n") + p;
        }
        throw Error(batch.code, text);
    }
    return std::move(batch.scenarios);
}

PlanFile parse_plan_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        throw Error(ErrorCode::io, fmt::format("plan file '{}' not found", path.string()));
    }
    return parse_plan_text(read_text(path), path);
}

PlanFile parse_plan_text(const std::string& text, const fs::path& path) {
    Sources sources(text, path);
    std::vector<fs::path> files;
    toml::table tree = sources.compose(files);
    std::vector<Problem> problems;
    if (const toml::node* sweep = tree.get("sweep")) {
        problems.push_back(
            problem_at(*sweep, path, "a plan file has no [sweep]: plan one scenario at a time"));
        tree.erase("sweep");
    }
    toml::table plan_root;
    if (toml::node* plan = tree.get("plan")) {
        move_into(plan_root, "plan", *plan);
        tree.erase("plan");
    }
    std::vector<PathValue> paths;
    PlanFile out;
    out.scenario = detail::interpret_scenario(tree, path, problems, &paths);
    out.spec = detail::interpret_plan(plan_root, path, out.scenario, problems);
    if (!problems.empty()) {
        std::vector<std::string> lines;
        for (const Problem& p : problems) {
            lines.push_back(p.text());
        }
        raise(lines);
    }
    out.scenario.base_name = out.scenario.name;
    out.scenario.extends_paths.assign(files.begin() + 1, files.end());
    for (const PathValue& p : paths) {
        auto* value = const_cast<toml::node*>(p.node)->as_string();
        if (value != nullptr) {
            value->get() = fs::absolute(p.resolved).lexically_normal().string();
            out.path_values.push_back(value->get());
        }
    }
    std::ostringstream os;
    os << toml::toml_formatter(tree);
    out.resolved_toml = os.str();
    out.scenario.source_text = out.resolved_toml;
    return out;
}

} // namespace covsim::io
