#include "core/scenario_inputs.hpp"

#include "core/error.hpp"
#include "core/link_budget.hpp"
#include "core/propagation/registry.hpp"
#include "core/terrain.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <string_view>

namespace covsim {

Channel occupied_channel(const LayerSpec& layer) {
    const double half_mhz =
        0.5 * 12.0 * layer.resolved_resource_blocks() * layer.subcarrier_spacing_khz / 1000.0;
    return {layer.frequency_mhz - half_mhz, layer.frequency_mhz + half_mhz};
}

double overlap_mhz(const Channel& a, const Channel& b) noexcept {
    return std::max(0.0, std::min(a.high_mhz, b.high_mhz) - std::max(a.low_mhz, b.low_mhz));
}

double interference_coupling(const LayerSpec& victim, const LayerSpec& source) {
    const Channel v = occupied_channel(victim);
    const Channel s = occupied_channel(source);
    if (const double o = overlap_mhz(v, s); o > 0.0) {
        return o / v.width_mhz() * victim.subcarrier_spacing_khz / source.subcarrier_spacing_khz;
    }
    if (const auto acir = victim.acir_db.find(source.name); acir != victim.acir_db.end()) {
        return static_cast<double>(source.resolved_resource_blocks()) /
               victim.resolved_resource_blocks() * std::pow(10.0, -acir->second / 10.0);
    }
    return 0.0;
}

std::vector<CoverageLayer> coverage_layers(const Scenario& sc) {
    std::vector<CoverageLayer> layers;
    for (const LayerSpec& spec : sc.layers) {
        CoverageLayer l;
        l.name = spec.name;
        l.model = model_registry().find(spec.model);
        l.frequency_mhz = spec.frequency_mhz;
        l.los = spec.los;
        l.rx_height_m = spec.rx_height_m;
        l.rx_gain_dbi = spec.rx_gain_dbi;
        l.re_offset_db = power_per_re_dbm(0.0, spec.resolved_resource_blocks());
        l.noise_per_re_dbm = noise_per_re_dbm(spec.subcarrier_spacing_khz, spec.noise_figure_db);
        l.max_range_m = spec.max_range_m;
        l.load = spec.load;
        l.rsrp_min_dbm = spec.rsrp_min_dbm;
        l.sinr_min_db = spec.sinr_min_db;
        l.priority = spec.priority;
        l.antenna = spec.antenna;
        l.environment = sc.environment;
        l.serves = spec.service_area;
        l.terrain_correction = spec.terrain_correction;
        l.terrain_margin_db = spec.terrain_margin_db;
        l.terrain_method = spec.terrain_method;
        l.path = spec.path;
        l.clutter_loss = spec.clutter_loss;
        l.clutter_location_percent = spec.clutter_location_percent;
        l.terminal_clutter_correction = spec.terminal_clutter_correction;
        l.indoor = spec.service != Service::fwa; // an FWA CPE is outdoors or on the roof
        l.location_probability = spec.location_probability;
        for (std::size_t m = 0; m < sc.layers.size(); ++m) {
            const LayerSpec& source = sc.layers[m];
            if (&source == &spec) {
                continue;
            }
            if (const double c = interference_coupling(spec, source); c > 0.0) {
                l.interferers.push_back(
                    {m, c, !spec.carrier.empty() && spec.carrier == source.carrier});
            }
        }
        layers.push_back(std::move(l));
    }
    return layers;
}

std::vector<bool> ftth_districts(const Scenario& sc, const StudyArea& area) {
    std::vector<bool> out(area.district_count());
    for (std::size_t d = 0; d < area.district_count(); ++d) {
        out[d] = sc.ftth_offered(area.districts[d]);
    }
    std::string unknown; // one line per code that is not a district's
    const auto check_code = [&](std::string_view key, const std::string& code) {
        const bool known = std::any_of(area.districts.begin(), area.districts.end(),
                                       [&](const District& d) { return d.code == code; });
        if (!known) {
            unknown += fmt::format("{}{}: [ftth] {}: \"{}\" is not a district code of '{}'",
                                   unknown.empty() ? "" : "\n", sc.source_path.string(), key, code,
                                   sc.study_area.districts_path.string());
        }
    };
    for (const std::string& code : sc.ftth.districts) {
        check_code("districts", code);
    }
    for (const auto& [code, share] : sc.ftth.passed_share_by_district) {
        check_code("passed_share_by_district", code);
    }
    if (!unknown.empty()) {
        throw Error(ErrorCode::scenario, unknown);
    }
    return out;
}

std::vector<double> ftth_passed_shares(const Scenario& sc, const StudyArea& area) {
    std::vector<double> out(area.district_count());
    for (std::size_t d = 0; d < area.district_count(); ++d) {
        out[d] = sc.ftth_passed_share(area.districts[d]);
    }
    return out;
}

CapacityInput capacity_input(const Scenario& sc, const CoverageInput& coverage_input,
                             const CoverageResult& coverage, const std::vector<bool>& fibre) {
    CapacityInput in;
    in.coverage_input = &coverage_input;
    in.coverage = &coverage;
    for (const LayerSpec& spec : sc.layers) {
        CapacityLayer l;
        l.throughput = spec.throughput;
        l.occupied_bandwidth_hz =
            12.0 * spec.resolved_resource_blocks() * spec.subcarrier_spacing_khz * 1e3;
        l.service = spec.service;
        l.carrier = spec.carrier_name();
        in.layers.push_back(std::move(l));
    }
    in.demand = sc.demand;
    in.traffic = sc.traffic;
    in.ftth = {fibre, ftth_passed_shares(sc, *coverage_input.area)};
    in.ftth_speed_mbps = sc.ftth.speed_mbps;
    // The service maps only when [output] maps lists one of them: nothing else reads them.
    in.extras.maps = sc.output.writes(MapMetric::throughput_mbps) ||
                     sc.output.writes(MapMetric::user_throughput_mbps) ||
                     sc.output.writes(MapMetric::served);
    return in;
}

CostInput cost_input(const Scenario& sc, const CoverageInput& coverage_input,
                     const CoverageResult& coverage, const CapacityResult& capacity,
                     const std::vector<bool>& fibre) {
    CostInput in;
    in.area = coverage_input.area;
    in.sectors = &coverage_input.sectors;
    in.coverage = &coverage.districts;
    in.capacity = &capacity;
    for (const LayerSpec& spec : sc.layers) {
        in.layers.push_back({spec.name, spec.site_type, spec.service,
                             spec.equipment_usd.value_or(sc.cost.equipment_usd),
                             spec.spectrum_fee_usd_per_year.value_or(0.0)});
    }
    in.cost = sc.cost;
    in.demand = sc.demand;
    in.ftth = {fibre, ftth_passed_shares(sc, *coverage_input.area)};
    return in;
}

std::size_t place_on_terrain(std::vector<Sector>& sectors, const StudyArea& area) {
    if (!area.terrain) {
        return 0;
    }
    std::size_t missing = 0;
    for (Sector& s : sectors) {
        s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
        missing += std::isfinite(s.ground_m) ? 0 : 1;
    }
    return missing;
}

} // namespace covsim
