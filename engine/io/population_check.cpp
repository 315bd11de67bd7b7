#include "io/population_check.hpp"

#include "core/error.hpp"
#include "core/study_area.hpp"
#include "io/summary_csv.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <spdlog/spdlog.h>

namespace covsim::io {

namespace {

bool scale_beyond(const PopulationCheckRow& row, const PopulationTolerance& tolerance) {
    return row.given.has_value() &&
           std::abs(row.scale - 1.0) > tolerance.max_scale_deviation * (1.0 + 1e-12);
}

double outside_share(const PopulationCheck& check) {
    const double total = check.raster_total();
    return total > 0.0 ? check.outside / total : 0.0;
}

bool outside_beyond(const PopulationCheck& check, const PopulationTolerance& tolerance) {
    return outside_share(check) > tolerance.max_outside_share;
}

} // namespace

double PopulationCheck::raster_total() const {
    double sum = outside;
    for (const PopulationCheckRow& r : rows) {
        sum += r.on_grid;
    }
    return sum;
}

double PopulationCheck::total() const {
    double sum = 0.0;
    for (const PopulationCheckRow& r : rows) {
        sum += r.people();
    }
    return sum;
}

double PopulationCheck::total_area_km2() const {
    double sum = 0.0;
    for (const PopulationCheckRow& r : rows) {
        sum += r.area_km2;
    }
    return sum;
}

bool PopulationCheck::rescaled() const {
    return std::any_of(rows.begin(), rows.end(),
                       [](const PopulationCheckRow& r) { return r.given.has_value(); });
}

PopulationCheck calibrate_population(Raster<double>& people,
                                     const Raster<std::int16_t>& district_index,
                                     const std::vector<District>& districts,
                                     const PopulationNames& names) {
    PopulationCheck check;
    check.source = names.raster;
    const std::size_t nd = districts.size();
    check.rows.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) {
        PopulationCheckRow& row = check.rows[d];
        row.code = districts[d].code;
        row.name = districts[d].name;
        row.name_ascii = districts[d].name_ascii;
        row.type = districts[d].type;
        row.area_km2 = bg::area(districts[d].geometry) / 1e6;
        row.given = districts[d].census_population;
    }
    // People in cells of no district are dropped; sum the rest per district in cell order.
    for (std::size_t i = 0; i < people.values.size(); ++i) {
        const std::int16_t d = district_index.values[i];
        if (d == no_district) {
            check.outside += people.values[i];
            people.values[i] = 0.0;
        } else {
            check.rows[static_cast<std::size_t>(d)].on_grid += people.values[i];
            ++check.rows[static_cast<std::size_t>(d)].cells;
        }
    }
    double total = 0.0;
    for (const PopulationCheckRow& row : check.rows) {
        total += row.on_grid;
        if (row.cells == 0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("district '{}' ({}) covers no cell of the {} m grid; use a "
                                    "finer {}",
                                    row.code, row.name, district_index.grid.cell_size_m,
                                    names.resolution_key));
        }
    }
    if (!(total > 0.0)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} has no people inside the districts; does it overlap them?",
                                names.raster));
    }
    for (PopulationCheckRow& row : check.rows) {
        if (!row.given) {
            continue;
        }
        if (row.on_grid <= 0.0) {
            if (*row.given > 0.0) {
                throw Error(ErrorCode::input_data,
                            fmt::format("{} has no people in district '{}' ({}), whose {} says "
                                        "{}; does the raster cover it?",
                                        names.raster, row.code, row.name, names.given, *row.given));
            }
            continue;
        }
        row.scale = *row.given / row.on_grid;
    }
    if (check.rescaled()) {
        for (std::size_t i = 0; i < people.values.size(); ++i) {
            const std::int16_t d = district_index.values[i];
            if (d != no_district) {
                people.values[i] *= check.rows[static_cast<std::size_t>(d)].scale;
            }
        }
    }
    return check;
}

std::vector<std::string> population_warnings(const PopulationCheck& check,
                                             const PopulationTolerance& tolerance) {
    std::vector<std::string> out;
    const double lo = 1.0 - tolerance.max_scale_deviation;
    const double hi = 1.0 + tolerance.max_scale_deviation;
    for (const PopulationCheckRow& r : check.rows) {
        if (scale_beyond(r, tolerance)) {
            out.push_back(fmt::format("{}: district '{}' ({}) holds {:.0f} people in the raster "
                                      "and {:.0f} in {}: scale factor {:.3f}, expected within "
                                      "[{:g}, {:g}]; do the raster and the districts match?",
                                      check.source, r.code, r.name_ascii, r.on_grid, *r.given,
                                      check.given_source, r.scale, lo, hi));
        }
    }
    if (outside_beyond(check, tolerance)) {
        out.push_back(fmt::format("{}: {:.0f} people ({:.2f} % of the raster) fall outside every "
                                  "district and are dropped, expected at most {:g} %; do the "
                                  "raster and the districts match?",
                                  check.source, check.outside, 100.0 * outside_share(check),
                                  100.0 * tolerance.max_outside_share));
    }
    return out;
}

std::string population_summary(const PopulationCheck& check) {
    std::string scaled;
    if (check.rescaled()) {
        double lo = std::numeric_limits<double>::infinity();
        double hi = -std::numeric_limits<double>::infinity();
        for (const PopulationCheckRow& r : check.rows) {
            if (r.given) {
                lo = std::min(lo, r.scale);
                hi = std::max(hi, r.scale);
            }
        }
        scaled = fmt::format(", each district scaled to {} (factors {:.3f} to {:.3f})",
                             check.given_source, lo, hi);
    }
    return fmt::format("population: {:.0f} people in {} districts from {}{}; {:.0f} people "
                       "({:.2f} %) outside every district dropped",
                       check.total(), check.rows.size(), check.source, scaled, check.outside,
                       100.0 * outside_share(check));
}

std::string format_population_check(const PopulationCheck& check,
                                    const PopulationTolerance& tolerance) {
    std::string out = fmt::format("  {:<6} {:<20} {:<15} {:>9} {:>11} {:>11} {:>7}\n", "code",
                                  "district", "type", "area_km2", "given", "in_raster", "scale");
    double given_total = 0.0;
    double area_total = 0.0;
    for (const PopulationCheckRow& r : check.rows) {
        given_total += r.given.value_or(0.0);
        area_total += r.area_km2;
        out += fmt::format("  {:<6} {:<20} {:<15} {:>9.2f} {:>11} {:>11.0f} {:>7}{}\n", r.code,
                           r.name_ascii, to_string(r.type), r.area_km2,
                           r.given ? fmt::format("{:.0f}", *r.given) : "-", r.on_grid,
                           r.given ? fmt::format("{:.3f}", r.scale) : "-",
                           scale_beyond(r, tolerance) ? "  <- beyond the tolerance" : "");
    }
    out += fmt::format("  {:<6} {:<20} {:<15} {:>9.2f} {:>11} {:>11.0f}\n", "total", "", "",
                       area_total, check.rescaled() ? fmt::format("{:.0f}", given_total) : "-",
                       check.raster_total() - check.outside);
    out += fmt::format("  outside every district: {:.0f} people ({:.2f} % of the raster){}\n",
                       check.outside, 100.0 * outside_share(check),
                       outside_beyond(check, tolerance) ? "  <- beyond the tolerance" : "");
    return out;
}

void log_population_check(const PopulationCheck& check, const PopulationTolerance& tolerance) {
    spdlog::info("{}", population_summary(check));
    const std::vector<std::string> warnings = population_warnings(check, tolerance);
    const auto level = warnings.empty() ? spdlog::level::debug : spdlog::level::info;
    if (spdlog::should_log(level)) {
        std::string table = format_population_check(check, tolerance);
        std::size_t start = 0;
        while (start < table.size()) {
            const std::size_t end = table.find('\n', start);
            spdlog::log(level, "{}", table.substr(start, end - start));
            start = end + 1;
        }
    }
    for (const std::string& w : warnings) {
        spdlog::warn("{}", w);
    }
}

void write_population_check_csv(const PopulationCheck& check, const std::filesystem::path& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "code,name,name_ascii,type,area_km2,cells,population_given,population_raster,scale,"
           "population\n";
    for (const PopulationCheckRow& r : check.rows) {
        out << fmt::format("{},{},{},{},{:.3f},{},{},{:.2f},{:.6f},{:.2f}\n", csv_field(r.code),
                           csv_field(r.name), csv_field(r.name_ascii), to_string(r.type),
                           r.area_km2, r.cells, r.given ? fmt::format("{:.2f}", *r.given) : "",
                           r.on_grid, r.scale, r.people());
    }
    out << fmt::format(",outside every district,outside every district,,,,,{:.2f},,0\n",
                       check.outside);
    out.flush();
    if (!out) {
        throw Error(ErrorCode::io,
                    fmt::format("population check '{}' cannot be written", path.string()));
    }
}

} // namespace covsim::io
