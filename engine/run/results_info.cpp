#include "run/results_info.hpp"

#include <cmath>
#include <fmt/format.h>

namespace covsim {

namespace {

std::string percent(double share) {
    return std::isfinite(share) ? fmt::format("{:.1f} %", 100.0 * share) : "-";
}

std::string people(double value) {
    return std::isfinite(value) ? fmt::format("{:.0f}", value) : "-";
}

InputRecord& input_of(std::vector<InputRecord>& inputs, const std::string& role) {
    for (InputRecord& r : inputs) {
        if (r.role == role) {
            return r;
        }
    }
    inputs.push_back({role, "", ""});
    return inputs.back();
}

} // namespace

ResultsInfo results_info(const io::ResultsFile& file) {
    ResultsInfo out;
    out.path = file.path().string();
    out.schema_version = file.schema_version();
    for (const io::ScenarioGroup& g : file.scenarios()) {
        ScenarioInfo s;
        s.name = g.name;
        s.group = g.path;
        s.description = g.text("description");
        s.scenario_file = g.text("scenario_file");
        s.covsim_version = g.text("covsim_version");
        s.git_commit = g.text("git_commit");
        s.command_line = g.text("command_line");
        s.started_utc = g.text("started_utc");
        s.finished_utc = g.text("finished_utc");
        s.elapsed_s = g.number("elapsed_s");
        s.threads = g.number("threads");
        s.resolution_m = g.number("resolution_m");
        s.input_checksum = g.text("input_checksum");
        for (const io::ResultsAttribute& a : g.attributes) {
            if (!a.text) {
                continue;
            }
            if (a.name.starts_with("input_") && a.name != "input_checksum") {
                input_of(s.inputs, a.name.substr(6)).path = *a.text;
            } else if (a.name.starts_with("sha256_")) {
                input_of(s.inputs, a.name.substr(7)).sha256 = *a.text;
            }
        }
        Headline& h = s.headline;
        h.population = g.number("city_population");
        h.covered_population = g.number("city_covered_population");
        h.covered_share = g.number("city_covered_share");
        h.covered_indoor_population = g.number("city_covered_indoor_population");
        h.covered_indoor_share = g.number("city_covered_indoor_share");
        h.served_population = g.number("city_served_population");
        h.served_share = g.number("city_served_share");
        h.cost_per_subscriber_usd_per_month = g.number("city_cost_per_subscriber_usd_per_month");
        h.affordability_share_of_gni = g.number("city_affordability_share_of_gni");
        h.affordable = g.number("city_affordable");
        out.scenarios.push_back(std::move(s));
    }
    return out;
}

std::string format_info(const ResultsInfo& info) {
    std::string out =
        fmt::format("{}: schema_version {}, {} scenario{}\n", info.path, info.schema_version,
                    info.scenarios.size(), info.scenarios.size() == 1 ? "" : "s");
    for (const ScenarioInfo& s : info.scenarios) {
        out += fmt::format("\n{}\n", s.name);
        if (s.group != s.name) {
            out += fmt::format("  group          /{}\n", s.group);
        }
        if (!s.description.empty()) {
            out += fmt::format("  description    {}\n", s.description);
        }
        out += fmt::format("  scenario file  {}\n", s.scenario_file);
        out += fmt::format("  covsim         {} (commit {})\n", s.covsim_version, s.git_commit);
        out += fmt::format("  command line   {}\n", s.command_line);
        out += fmt::format("  computed       {} to {} ({:.1f} s, {:.0f} threads)\n", s.started_utc,
                           s.finished_utc, s.elapsed_s, s.threads);
        if (std::isfinite(s.resolution_m)) {
            out += fmt::format("  grid           {:g} m\n", s.resolution_m);
        }
        if (!s.input_checksum.empty()) {
            out += fmt::format("  input checksum {}\n", s.input_checksum);
        }
        out += "  inputs\n";
        for (const InputRecord& r : s.inputs) {
            out += fmt::format("    {:<22} {}\n", r.role, r.path.empty() ? "-" : r.path);
            if (!r.sha256.empty()) {
                out += fmt::format("    {:<22} sha256 {}\n", "", r.sha256);
            }
        }
        const Headline& h = s.headline;
        out += fmt::format("  population     {}\n", people(h.population));
        out += fmt::format("  covered        {} outdoors ({}), {} indoors ({})\n",
                           people(h.covered_population), percent(h.covered_share),
                           people(h.covered_indoor_population), percent(h.covered_indoor_share));
        out += fmt::format("  served         {} ({})\n", people(h.served_population),
                           percent(h.served_share));
        out += fmt::format(
            "  cost           {} USD per subscriber per month = {} of monthly GNI per capita{}\n",
            std::isfinite(h.cost_per_subscriber_usd_per_month)
                ? fmt::format("{:.2f}", h.cost_per_subscriber_usd_per_month)
                : "-",
            percent(h.affordability_share_of_gni),
            !std::isfinite(h.affordable) ? ""
            : h.affordable > 0.5         ? " (affordable)"
                                         : " (not affordable)");
    }
    return out;
}

} // namespace covsim
