#include "run/area_report.hpp"

#include <cmath>
#include <fmt/format.h>

namespace covsim {

namespace {

std::string grid_line(const Grid& g, const std::string& crs, std::uint64_t district_cells) {
    return fmt::format("{}, {:g} m cells, {} x {} (west {:.0f} m, north {:.0f} m), {} cells in "
                       "the districts",
                       crs, g.cell_size_m, g.width, g.height, g.origin_x_m, g.origin_y_m,
                       district_cells);
}

std::string share(std::uint64_t part, std::uint64_t whole) {
    return fmt::format("{:.1f} %",
                       whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole)
                                 : 0.0);
}

std::string dem_coverage(std::uint64_t missing, std::uint64_t cells) {
    return missing == 0 ? "every district cell has an elevation"
                        : fmt::format("{} of {} district cells ({}) have no elevation", missing,
                                      cells, share(missing, cells));
}

} // namespace

std::string format_area_prepare_report(const io::AreaPrepareReport& r,
                                       const io::PopulationTolerance& tolerance) {
    const io::PopulationCheck& c = r.check;
    std::string out = fmt::format("{}/: {} districts, {:.0f} people, {:.2f} km2\n", r.out.string(),
                                  c.rows.size(), c.total(), c.total_area_km2());
    out += fmt::format("  grid: {}\n", grid_line(r.grid, r.crs_label, r.district_cells));
    out += fmt::format("  people: {}\n", c.source);
    if (!c.given_source.empty()) {
        out += fmt::format("  given by {}\n", c.given_source);
    }
    out += io::format_population_check(c, tolerance);
    if (r.dem_spacing_m) {
        out += fmt::format("  DEM: {:.0f} m spacing; {}\n", *r.dem_spacing_m,
                           dem_coverage(r.dem_missing_cells, r.district_cells));
    }
    if (!r.population_warnings.empty()) {
        out += fmt::format("  {} population warning{} (above)\n", r.population_warnings.size(),
                           r.population_warnings.size() == 1 ? "" : "s");
    }
    out += "Files:\n";
    for (const auto& f : r.files) {
        out += "  " + f.string() + "\n";
    }
    out += fmt::format("A scenario uses it with: extends = \"{}\"\n",
                       (r.out / "study_area.toml").string());
    return out;
}

std::string format_area_info(const io::AreaInfo& info) {
    const io::PopulationCheck& c = info.check;
    std::string out = info.scenario.empty() ? fmt::format("study area {}\n", info.source.string())
                                            : fmt::format("study area of scenario {} ({})\n",
                                                          info.scenario, info.source.string());
    std::array<std::size_t, district_type_count> per_type{};
    std::uint64_t cells = 0;
    for (const io::PopulationCheckRow& r : c.rows) {
        ++per_type[static_cast<std::size_t>(r.type)];
        cells += r.cells;
    }
    std::string types;
    for (std::size_t t = 0; t < district_type_count; ++t) {
        types += fmt::format("{}{} {}", t > 0 ? ", " : "", per_type[t], district_type_names[t]);
    }
    const double area = c.total_area_km2();
    out += fmt::format("  districts   {} ({}) from {}\n", c.rows.size(), types,
                       info.spec.districts_path.string());
    out += fmt::format("  people      {:.0f}, {:.0f} per km2\n", c.total(),
                       area > 0.0 ? c.total() / area : 0.0);
    out += fmt::format("  area        {:.2f} km2\n", area);
    out += fmt::format("  grid        {}\n",
                       grid_line(info.grid, info.crs_label + " (" + info.crs_name + ")", cells));
    out += fmt::format("  population  {}{}\n", c.source,
                       c.given_source.empty() ? "" : ", scaled to " + c.given_source);
    if (info.dem) {
        const io::AreaDemInfo& d = *info.dem;
        out += fmt::format("  DEM         {}: {:.0f} m spacing, {} x {} cells, {:.0f} to {:.0f} m "
                           "(mean {:.0f} m); {}\n",
                           d.path.string(), d.spacing_m, d.width, d.height, d.min_m, d.max_m,
                           d.mean_m, dem_coverage(d.missing_cells, d.district_cells));
    } else {
        out += "  DEM         none (flat terrain)\n";
    }
    if (info.land_cover) {
        const io::AreaLandCoverInfo& l = *info.land_cover;
        std::string classes;
        for (const auto& [code, n] : l.classes) {
            const std::string_view name =
                io::worldcover_class_name(static_cast<std::uint8_t>(code));
            classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ",
                                   code == 0      ? std::string("no data")
                                   : name.empty() ? fmt::format("class {}", code)
                                                  : std::string(name),
                                   share(n, l.district_cells));
        }
        out += fmt::format("  land cover  {}: {}\n", l.path.string(), classes);
    } else {
        out += "  land cover  none (no clutter correction)\n";
    }
    out += fmt::format("  {:<6} {:<20} {:<15} {:>9} {:>11} {:>9} {:>8}\n", "code", "district",
                       "type", "area_km2", "people", "per_km2", "cells");
    for (const io::PopulationCheckRow& r : c.rows) {
        out += fmt::format("  {:<6} {:<20} {:<15} {:>9.2f} {:>11.0f} {:>9.0f} {:>8}\n", r.code,
                           r.name_ascii, to_string(r.type), r.area_km2, r.people(),
                           r.area_km2 > 0.0 ? r.people() / r.area_km2 : 0.0, r.cells);
    }
    return out;
}

} // namespace covsim
