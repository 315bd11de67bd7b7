#include "run/summary_table.hpp"

#include <fmt/format.h>

namespace covsim {

namespace {

std::string percent(double share) {
    return fmt::format("{:.1f} %", 100.0 * share);
}

} // namespace

std::string format_summary(const RunReport& report) {
    std::string out;
    for (const ScenarioSummary& s : report.scenarios) {
        out += fmt::format("\n{}  ({} sites, {} sectors, {:g} m grid, {:.1f} s)\n", s.name, s.sites,
                           s.sectors, s.resolution_m, s.elapsed_s);
        for (const LayerSummary& l : s.layers) {
            out += fmt::format(
                "  layer {:<12} {:>6} sectors  {:<16}  covers {:>10.0f} people "
                "({})\n",
                l.name, l.sectors, l.model, l.covered_population,
                percent(s.total.population > 0 ? l.covered_population / s.total.population : 0.0));
        }
        out += fmt::format("  {:<5} {:<14} {:<15} {:>11} {:>11} {:>8}\n", "code", "district",
                           "type", "population", "covered", "share");
        for (const DistrictSummary& d : s.districts) {
            out += fmt::format("  {:<5} {:<14} {:<15} {:>11.0f} {:>11.0f} {:>8}\n", d.code,
                               d.name_ascii, d.type, d.totals.population,
                               d.totals.covered_population, percent(d.totals.covered_share()));
        }
        out += fmt::format("  {:<5} {:<14} {:<15} {:>11.0f} {:>11.0f} {:>8}\n", "", "total", "",
                           s.total.population, s.total.covered_population,
                           percent(s.total.covered_share()));
    }
    return out;
}

} // namespace covsim
