#include "run/compare.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/results_reader.hpp"
#include "io/summary_csv.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace covsim {

namespace {

// One scenario group with what the comparison needs of it.
struct Side {
    std::string name;
    std::string where; // "'file' group 'path'", for messages
    std::vector<std::string> codes;
    std::vector<std::string> names;
    std::vector<double> covered, served, cost;
    double city_covered = 0.0, city_served = 0.0, city_cost = 0.0;
};

Side read_side(const io::ResultsFile& file, const io::ScenarioGroup& g, std::string name) {
    Side s;
    s.name = std::move(name);
    s.where = fmt::format("'{}' scenario \"{}\"", file.path().string(), g.name);
    const io::DistrictTable t = file.districts(g);
    s.codes = t.codes;
    s.names = t.names_ascii;
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (s.names[i].empty() && i < t.names.size()) {
            s.names[i] = t.names[i];
        }
    }
    s.covered = t.values("covered_population", file.path());
    s.served = t.values("served_population", file.path());
    s.cost = t.values("cost_per_subscriber_usd_per_month", file.path());
    s.city_covered = g.number("city_covered_population");
    s.city_served = g.number("city_served_population");
    s.city_cost = g.number("city_cost_per_subscriber_usd_per_month");
    return s;
}

std::string list(const std::vector<std::string>& codes) {
    std::string out;
    for (std::size_t i = 0; i < codes.size() && i < 10; ++i) {
        out += (i > 0 ? ", " : "") + codes[i];
    }
    if (codes.size() > 10) {
        out += fmt::format(" and {} more", codes.size() - 10);
    }
    return out;
}

void check_same_districts(const Side& base, const Side& s) {
    const std::set<std::string> a(base.codes.begin(), base.codes.end());
    const std::set<std::string> b(s.codes.begin(), s.codes.end());
    if (a == b) {
        return;
    }
    std::vector<std::string> missing, extra;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(missing));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(extra));
    std::string detail;
    if (!missing.empty()) {
        detail += fmt::format("lacks district{} {}", missing.size() == 1 ? "" : "s", list(missing));
    }
    if (!extra.empty()) {
        detail +=
            fmt::format("{}has district{} {} that the base has not", detail.empty() ? "" : "; ",
                        extra.size() == 1 ? "" : "s", list(extra));
    }
    throw Error(ErrorCode::input_data,
                fmt::format("{} cannot be compared with the base {}: it {}; compare scenarios of "
                            "the same study area",
                            s.where, base.where, detail));
}

std::string signed_people(double v) {
    return std::isfinite(v) ? fmt::format("{:+.0f}", v) : "-";
}

std::string signed_usd(double v) {
    return std::isfinite(v) ? fmt::format("{:+.2f}", v) : "-";
}

std::string number(double v, int decimals) {
    return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string();
}

// A scenario group of one of the files, named as the comparison shows it.
struct Entry {
    const io::ResultsFile* file;
    const io::ScenarioGroup* group;
    std::string name;
};

// Every scenario group of every file, in order; a name found in several files is qualified with
// its file's path.
std::vector<Entry> scenario_entries(const std::vector<std::unique_ptr<io::ResultsFile>>& files) {
    std::map<std::string, int> occurrences;
    for (const auto& f : files) {
        for (const io::ScenarioGroup& g : f->scenarios()) {
            ++occurrences[g.name];
        }
    }
    std::vector<Entry> entries;
    for (const auto& f : files) {
        for (const io::ScenarioGroup& g : f->scenarios()) {
            const bool qualify = occurrences[g.name] > 1 && files.size() > 1;
            entries.push_back({f.get(), &g, qualify ? f->path().string() + ":" + g.name : g.name});
        }
    }
    return entries;
}

// The index of the base scenario among `entries`: --base by name or group path, else the first.
std::size_t base_entry(const std::vector<Entry>& entries, const CompareConfig& config) {
    if (config.base.empty()) {
        return 0;
    }
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) {
        return e.name == config.base || e.group->path == config.base;
    });
    if (it == entries.end()) {
        std::string names;
        for (const Entry& e : entries) {
            names += (names.empty() ? "" : ", ") + e.name;
        }
        throw Error(ErrorCode::usage,
                    fmt::format("--base \"{}\" is not a scenario of {}; the scenarios are: {}",
                                config.base,
                                config.files.size() == 1
                                    ? fmt::format("'{}'", config.files.front().string())
                                    : std::string("the files"),
                                names));
    }
    return static_cast<std::size_t>(it - entries.begin());
}

// The city row and one row per district of scenario `s` against the base, in the base's
// district order (the scenario's own order may differ).
void append_rows(const Side& base, const Side& s, Comparison& out) {
    out.scenarios.push_back(s.name);
    out.rows.push_back({s.name,
                        true,
                        "",
                        "",
                        {base.city_covered, s.city_covered},
                        {base.city_served, s.city_served},
                        {base.city_cost, s.city_cost}});
    for (std::size_t i = 0; i < base.codes.size(); ++i) {
        const auto own = static_cast<std::size_t>(
            std::find(s.codes.begin(), s.codes.end(), base.codes[i]) - s.codes.begin());
        out.rows.push_back({s.name,
                            false,
                            base.codes[i],
                            base.names[i],
                            {base.covered[i], s.covered[own]},
                            {base.served[i], s.served[own]},
                            {base.cost[i], s.cost[own]}});
    }
}

} // namespace

Comparison compare_results(const CompareConfig& config) {
    if (config.files.empty()) {
        throw Error(ErrorCode::usage, "no results file given");
    }
    std::vector<std::unique_ptr<io::ResultsFile>> files;
    for (const auto& f : config.files) {
        files.push_back(std::make_unique<io::ResultsFile>(f));
    }
    const std::vector<Entry> entries = scenario_entries(files);
    if (entries.empty()) {
        throw Error(ErrorCode::input_data,
                    fmt::format("'{}' has no scenario group", config.files.front().string()));
    }
    const std::size_t base_index = base_entry(entries, config);
    const Entry& b = entries[base_index];
    const Side base = read_side(*b.file, *b.group, b.name);

    Comparison out;
    out.base = base.name;
    for (std::size_t e = 0; e < entries.size(); ++e) {
        if (e == base_index) {
            continue;
        }
        const Side s = read_side(*entries[e].file, *entries[e].group, entries[e].name);
        check_same_districts(base, s);
        append_rows(base, s, out);
    }
    return out;
}

std::string format_comparison(const Comparison& c) {
    std::string out;
    if (c.scenarios.empty()) {
        return fmt::format("only the base scenario {}: nothing to compare\n", c.base);
    }
    for (const std::string& scenario : c.scenarios) {
        out += fmt::format("\n{}  against  {}\n", scenario, c.base);
        out +=
            fmt::format("  {:<6} {:<16} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9}\n", "code",
                        "district", "covered", "change", "served", "change", "USD/sub/m", "change");
        for (const ComparisonRow& r : c.rows) {
            if (r.scenario != scenario) {
                continue;
            }
            out += fmt::format(
                "  {:<6} {:<16} {:>11} {:>11} {:>11} {:>11} {:>9} {:>9}\n", r.city ? "" : r.code,
                r.city ? "city" : r.name, number(r.covered_population.value, 0),
                signed_people(r.covered_population.change()), number(r.served_population.value, 0),
                signed_people(r.served_population.change()),
                number(r.cost_per_subscriber_usd_per_month.value, 2),
                signed_usd(r.cost_per_subscriber_usd_per_month.change()));
        }
    }
    return out;
}

void write_comparison_csv(const Comparison& c, const std::filesystem::path& path) {
    io::AtomicFile file(path);
    {
        std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
        out << "scenario,base,level,code,name";
        for (const char* v :
             {"covered_population", "served_population", "cost_per_subscriber_usd_per_month"}) {
            out << fmt::format(",{0}_base,{0},{0}_change", v);
        }
        out << '\n';
        for (const ComparisonRow& r : c.rows) {
            out << fmt::format("{},{},{},{},{}", io::csv_field(r.scenario), io::csv_field(c.base),
                               r.city ? "city" : "district", io::csv_field(r.code),
                               io::csv_field(r.name));
            const std::pair<const ComparedValue*, int> values[] = {
                {&r.covered_population, 0},
                {&r.served_population, 0},
                {&r.cost_per_subscriber_usd_per_month, 4}};
            for (const auto& [v, decimals] : values) {
                out << ',' << number(v->base, decimals) << ',' << number(v->value, decimals) << ','
                    << number(v->change(), decimals);
            }
            out << '\n';
        }
        out.flush();
        if (!out) {
            io::throw_cannot_write(path);
        }
    }
    file.commit();
}

} // namespace covsim
