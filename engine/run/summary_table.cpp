#include "run/summary_table.hpp"

#include <cmath>
#include <fmt/format.h>

namespace covsim {

namespace {

std::string percent(double share) {
    return std::isfinite(share) ? fmt::format("{:.1f} %", 100.0 * share) : "-";
}

std::string usd(double value) {
    return std::isfinite(value) ? fmt::format("{:.2f}", value) : "-";
}

double ratio(double a, double b) {
    return b > 0.0 ? a / b : std::nan("");
}

} // namespace

std::string format_summary(const RunReport& report) {
    std::string out;
    for (const ScenarioSummary& s : report.scenarios) {
        out += fmt::format("\n{}  ({} sites, {} sectors, {:g} m grid, {:.1f} s)\n", s.name, s.sites,
                           s.sectors, s.resolution_m, s.elapsed_s);
        out += fmt::format("  covered {} (indoors {})   served {}   {} USD per subscriber per "
                           "month = {} of monthly GNI per capita ({} with the {} target)\n",
                           percent(ratio(s.total.covered_population, s.total.population)),
                           percent(ratio(s.covered_indoor_population, s.total.population)),
                           percent(ratio(s.served_population, s.total.population)),
                           usd(s.cost_per_subscriber_usd_per_month), percent(s.affordability),
                           s.verdict, percent(s.affordability_threshold));
        if (s.verdict == "under-served") {
            out += fmt::format("  the cost looks low only because {} are served, below the "
                               "target of {} (target_served_share)\n",
                               percent(ratio(s.served_population, s.total.population)),
                               percent(s.target_served_share));
        }
        for (const LayerSummary& l : s.layers) {
            out += fmt::format("  layer {:<12} {:>6} sectors  {:<16}  covers {:>10.0f} people "
                               "({})\n",
                               l.name, l.sectors, l.model, l.covered_population,
                               percent(ratio(l.covered_population, s.total.population)));
        }
        if (s.overloaded_cells > 0) {
            out += fmt::format("  {} cells overloaded in the busy hour\n", s.overloaded_cells);
        }
        out +=
            fmt::format("  {:<5} {:<14} {:<15} {:>11} {:>8} {:>8} {:>8} {:>9} {:>7}  {:<14}  {}\n",
                        "code", "district", "type", "population", "covered", "indoors", "served",
                        "USD/sub/m", "of GNI", "verdict", "cheapest mix");
        for (const DistrictSummary& d : s.districts) {
            out += fmt::format(
                "  {:<5} {:<14} {:<15} {:>11.0f} {:>8} {:>8} {:>8} {:>9} {:>7}  {:<14}  {}\n",
                d.code, d.name_ascii, d.type, d.totals.population,
                percent(ratio(d.totals.covered_population, d.totals.population)),
                percent(ratio(d.totals.covered_indoor_population, d.totals.population)),
                percent(ratio(d.served_population, d.totals.population)),
                usd(d.cost_per_subscriber_usd_per_month), percent(d.affordability), d.verdict,
                d.cheapest_mix.empty() ? "-" : d.cheapest_mix);
        }
        out += fmt::format("  {:<5} {:<14} {:<15} {:>11.0f} {:>8} {:>8} {:>8} {:>9} {:>7}\n", "",
                           "total", "", s.total.population,
                           percent(ratio(s.total.covered_population, s.total.population)),
                           percent(ratio(s.covered_indoor_population, s.total.population)),
                           percent(ratio(s.served_population, s.total.population)),
                           usd(s.cost_per_subscriber_usd_per_month), percent(s.affordability));
    }
    return out;
}

} // namespace covsim
