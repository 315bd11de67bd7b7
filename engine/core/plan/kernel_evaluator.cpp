#include "core/plan/kernel_evaluator.hpp"

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/hexgrid.hpp"
#include "core/scenario_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace covsim::plan {

namespace {

struct Bounds {
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

Bounds district_bounds(const District& d) {
    Box box;
    bg::envelope(d.geometry, box);
    return {box.min_corner().x(), box.min_corner().y(), box.max_corner().x(), box.max_corner().y()};
}

double distance_to(const Bounds& b, double x, double y) {
    const double dx = std::max({b.min_x - x, 0.0, x - b.max_x});
    const double dy = std::max({b.min_y - y, 0.0, y - b.max_y});
    return std::hypot(dx, dy);
}

double distance_between(const Bounds& a, const Bounds& b) {
    const double dx = std::max({a.min_x - b.max_x, 0.0, b.min_x - a.max_x});
    const double dy = std::max({a.min_y - b.max_y, 0.0, b.min_y - a.max_y});
    return std::hypot(dx, dy);
}

// The cells of `r` inside the bounds (whole cells, clipped to the raster), as a raster of their
// own.
template <typename T>
Raster<T> crop(const Raster<T>& r, const Bounds& b) {
    const Grid& g = r.grid;
    const auto clamp_col = [&](double x) {
        return std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor((x - g.origin_x_m) / g.cell_size_m)), 0, g.width);
    };
    const auto clamp_row = [&](double y) {
        return std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor((g.origin_y_m - y) / g.cell_size_m)), 0, g.height);
    };
    const std::int64_t c0 = clamp_col(b.min_x);
    const std::int64_t c1 = std::min(clamp_col(b.max_x) + 1, g.width);
    const std::int64_t r0 = clamp_row(b.max_y);
    const std::int64_t r1 = std::min(clamp_row(b.min_y) + 1, g.height);
    Grid w = g;
    w.origin_x_m = g.origin_x_m + static_cast<double>(c0) * g.cell_size_m;
    w.origin_y_m = g.origin_y_m - static_cast<double>(r0) * g.cell_size_m;
    w.width = std::max<std::int64_t>(c1 - c0, 0);
    w.height = std::max<std::int64_t>(r1 - r0, 0);
    Raster<T> out(w, r.nodata);
    for (std::int64_t row = 0; row < w.height; ++row) {
        const auto* src = &r.values[g.index(c0, r0 + row)];
        std::copy(src, src + w.width, &out.values[w.index(0, row)]);
    }
    return out;
}

double max_range_m(const std::vector<CoverageLayer>& layers) {
    double m = 0.0;
    for (const CoverageLayer& l : layers) {
        m = std::max(m, l.max_range_m);
    }
    return m;
}

} // namespace

std::vector<Sector> option_sectors(const OptionSpec& option, std::size_t layer, std::size_t step,
                                   std::size_t district, const StudyArea& area,
                                   const std::vector<Sector>& built_sectors,
                                   std::optional<std::size_t> masts_layer,
                                   const std::function<void(double&, double&)>& site_position) {
    std::vector<Sector> out;
    const District& d = area.districts[district];
    if (option.kind == OptionKind::masts) {
        for (const Sector& s : built_sectors) {
            if (masts_layer && s.layer == *masts_layer &&
                s.district == static_cast<std::int32_t>(district)) {
                Sector n = s;
                n.layer = layer;
                n.power_dbm = option.power_dbm;
                n.height_m = option.masts_height_m.value_or(s.height_m);
                n.antenna = nullptr;
                out.push_back(std::move(n));
            }
        }
        return out;
    }
    if (option.kind != OptionKind::grid) {
        return out;
    }
    const double isd = option.isd_m.at(step);
    const double tilt = option.tilt_deg.value_or(
        std::round(hex_default_tilt_deg(option.height_m, isd) * 10.0) / 10.0);
    std::vector<PlannedSite> sites =
        hex_sites_in_district(d, isd, static_cast<std::int32_t>(district));
    if (site_position) {
        for (PlannedSite& p : sites) {
            site_position(p.x_m, p.y_m);
        }
    }
    // A site stands in the district of its cell, as a site file's rows are read
    // (io/site_layer): a lattice point inside the polygon whose cell belongs to a neighbour
    // would be that neighbour's site in the whole-city run.
    if (sites.size() > 1) {
        std::erase_if(sites, [&](const PlannedSite& p) {
            const CellIndex c = area.grid.cell_at(p.x_m, p.y_m);
            return area.grid.contains(c) && area.district_index.at(c.col, c.row) != no_district &&
                   area.district_index.at(c.col, c.row) != static_cast<std::int16_t>(district);
        });
    }
    std::size_t n = 0;
    for (const PlannedSite& p : sites) {
        const std::string id = fmt::format("{}-{}-{:04d}", option.name, d.code, ++n);
        for (int k = 0; k < option.sectors; ++k) {
            Sector s;
            s.site_id = id;
            s.sector_id = std::to_string(k + 1);
            s.layer = layer;
            s.x_m = p.x_m;
            s.y_m = p.y_m;
            s.height_m = option.height_m;
            if (option.sectors > 1) {
                s.azimuth_deg = 360.0 * k / option.sectors;
            }
            s.electrical_tilt_deg = tilt;
            s.power_dbm = option.power_dbm;
            s.district = static_cast<std::int32_t>(district);
            out.push_back(std::move(s));
        }
    }
    place_on_terrain(out, area);
    return out;
}

KernelEvaluator::KernelEvaluator(KernelEvaluatorInput input) : in_(std::move(input)) {
    if (in_.scenario == nullptr || in_.area == nullptr || in_.spec == nullptr ||
        in_.option_layer.size() != in_.spec->options.size() ||
        in_.masts_layer.size() != in_.spec->options.size() ||
        in_.ftth_built.size() != in_.area->district_count()) {
        throw Error(ErrorCode::internal, "KernelEvaluator: inconsistent input");
    }
    layers_ = coverage_layers(*in_.scenario);
    built_only_.assign(layers_.size(), true);
    for (const auto& l : in_.option_layer) {
        if (l) {
            built_only_.at(*l) = false;
        }
    }
    windows_.resize(in_.area->district_count());
    for (std::size_t d = 0; d < windows_.size(); ++d) {
        make_window(d);
    }
    make_sectors();
}

void KernelEvaluator::make_window(std::size_t district) {
    const StudyArea& area = *in_.area;
    const double margin = in_.spec->window_margin_m;
    Bounds b = district_bounds(area.districts[district]);
    b = {b.min_x - margin, b.min_y - margin, b.max_x + margin, b.max_y + margin};
    Window& w = windows_[district];
    w.area.grid = area.grid;
    w.area.population = crop(area.population, b);
    w.area.grid = w.area.population.grid;
    w.area.district_index = crop(area.district_index, b);
    w.area.districts = area.districts;
    const double reach = max_range_m(layers_);
    if (area.terrain) {
        const Bounds t{b.min_x - reach, b.min_y - reach, b.max_x + reach, b.max_y + reach};
        w.area.terrain = crop(*area.terrain, t);
    }
    if (area.clutter) {
        w.area.clutter = crop(*area.clutter, b);
    }
    w.min_x = w.area.grid.origin_x_m;
    w.max_x = w.area.grid.east_m();
    w.max_y = w.area.grid.origin_y_m;
    w.min_y = w.area.grid.south_m();
    for (std::size_t i = 0; i < in_.built_sectors.size(); ++i) {
        if (reaches(in_.built_sectors[i], w)) {
            w.built.push_back(i);
        }
    }
    // Neighbours: districts whose sites of any planned layer could reach the window.
    double option_reach = 0.0;
    for (const auto& l : in_.option_layer) {
        if (l) {
            option_reach = std::max(option_reach, layers_[*l].max_range_m);
        }
    }
    const Bounds window{w.min_x, w.min_y, w.max_x, w.max_y};
    for (std::size_t j = 0; j < area.district_count(); ++j) {
        if (j != district &&
            distance_between(district_bounds(area.districts[j]), window) <= option_reach) {
            w.neighbours.push_back(j);
        }
    }
}

bool KernelEvaluator::reaches(const Sector& s, const Window& w) const {
    return distance_to({w.min_x, w.min_y, w.max_x, w.max_y}, s.x_m, s.y_m) <=
           layers_[s.layer].max_range_m;
}

std::size_t KernelEvaluator::district_count() const {
    return windows_.size();
}

const std::vector<std::size_t>& KernelEvaluator::neighbours(std::size_t district) const {
    return windows_.at(district).neighbours;
}

bool KernelEvaluator::allowed(std::size_t district, std::size_t option) const {
    const auto type = static_cast<std::size_t>(in_.area->districts.at(district).type);
    return in_.spec->options.at(option).district_types[type];
}

std::shared_ptr<const std::vector<Sector>>
KernelEvaluator::sectors(std::size_t district, std::size_t option, std::size_t step) const {
    const auto it = sectors_.find({district, option, step});
    static const auto none = std::make_shared<const std::vector<Sector>>();
    return it != sectors_.end() ? it->second : none;
}

void KernelEvaluator::make_sectors() {
    for (std::size_t d = 0; d < windows_.size(); ++d) {
        for (std::size_t o = 0; o < in_.spec->options.size(); ++o) {
            const OptionSpec& option = in_.spec->options[o];
            if (!option.radio() || !allowed(d, o)) {
                continue;
            }
            for (std::size_t step = 0; step < option.steps(); ++step) {
                sectors_.emplace(std::array<std::size_t, 3>{d, o, step},
                                 std::make_shared<const std::vector<Sector>>(option_sectors(
                                     option, in_.option_layer[o].value_or(0), step, d, *in_.area,
                                     in_.built_sectors, in_.masts_layer[o], in_.site_position)));
            }
        }
    }
}

DistrictEvaluation KernelEvaluator::evaluate(std::size_t district, const Candidate& candidate,
                                             const std::vector<Candidate>& choices) const {
    const Window& w = windows_.at(district);
    CoverageInput ci;
    ci.area = &w.area;
    ci.layers = layers_;
    ci.indoor = in_.scenario->indoor;
    ci.line_of_sight = false; // no map is written
    ci.loss_tables = loss_tables_;
    for (std::size_t i : w.built) {
        ci.sectors.push_back(in_.built_sectors[i]);
    }
    // The built sectors come first in every candidate's input, at the same indexes.
    parallel::call_once(*w.memo_once, [&] { w.memo = remember_layers(ci, built_only_); });
    ci.memo = w.memo;
    std::vector<bool> fibre = in_.ftth_built;
    std::set<std::string> added;
    const auto deploy = [&](std::size_t d, const Candidate& c) {
        for (std::size_t o = 0; o < c.steps.size(); ++o) {
            if (c.steps[o] < 0) {
                continue;
            }
            if (!in_.spec->options[o].radio()) {
                fibre[d] = true;
                continue;
            }
            for (const Sector& s : *sectors(d, o, static_cast<std::size_t>(c.steps[o]))) {
                if (reaches(s, w)) {
                    ci.sectors.push_back(s);
                }
                if (d == district && in_.spec->options[o].kind == OptionKind::grid) {
                    added.insert(s.site_id);
                }
            }
        }
    };
    deploy(district, candidate);
    for (std::size_t j : w.neighbours) {
        deploy(j, choices.at(j));
    }
    const CoverageResult coverage = compute_coverage(ci);
    CapacityInput capacity_in = capacity_input(*in_.scenario, ci, coverage, fibre);
    capacity_in.extras = {.maps = false, .indoors = in_.spec->target.indoors, .percentiles = false};
    const CapacityResult capacity = compute_capacity(capacity_in);
    const CostResult cost = compute_costs(cost_input(*in_.scenario, ci, coverage, capacity, fibre));
    DistrictEvaluation e;
    e.population = coverage.districts[district].population;
    e.served_population = served_population(capacity.districts[district], in_.spec->target);
    e.subscribers = capacity.districts[district].subscribers;
    e.annualised_cost_usd = cost.districts[district].annualised_usd;
    e.sites_added = added.size();
    return e;
}

} // namespace covsim::plan
