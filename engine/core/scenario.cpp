#include "core/scenario.hpp"

#include "core/error.hpp"
#include "core/names.hpp"

#include <array>
#include <fmt/format.h>

namespace covsim {

namespace {
constexpr std::array<std::string_view, 2> service_names = {"mobile", "fwa"};
constexpr std::array<std::string_view, 4> site_type_names = {"new_macro", "upgrade", "small_cell",
                                                             "existing"};
constexpr std::array<std::string_view, uncertain_input_count> uncertain_input_names = {
    "busy_hour_demand_mbps", "adoption_scale", "market_share",
    "unit_cost_scale",       "discount_rate",  "population_growth"};
constexpr std::array<std::string_view, map_metric_count> map_names = {
    "rsrp_dbm", "sinr_db", "throughput_mbps", "user_throughput_mbps", "best_server",
    "covered",  "served",  "covered_indoor",  "line_of_sight",        "serving_layer"};
} // namespace

std::optional<MapMetric> parse_map_metric(std::string_view text) noexcept {
    return parse_name<MapMetric>(map_names, text);
}
std::string_view to_string(MapMetric metric) noexcept {
    return map_names[static_cast<std::size_t>(metric)];
}
const std::array<std::string_view, map_metric_count>& map_metric_names() noexcept {
    return map_names;
}

bool OutputSpec::writes(std::string_view metric) const {
    const std::optional<MapMetric> m = parse_map_metric(metric);
    if (!m) {
        throw Error(ErrorCode::internal, fmt::format("'{}' is not a map metric", metric));
    }
    return writes(*m);
}

std::optional<UncertainInput> parse_uncertain_input(std::string_view text) noexcept {
    return parse_name<UncertainInput>(uncertain_input_names, text);
}
std::string_view to_string(UncertainInput input) noexcept {
    return uncertain_input_names[static_cast<std::size_t>(input)];
}

std::optional<Service> parse_service(std::string_view text) noexcept {
    return parse_name<Service>(service_names, text);
}
std::string_view to_string(Service s) noexcept {
    return service_names[static_cast<std::size_t>(s)];
}

std::optional<SiteType> parse_site_type(std::string_view text) noexcept {
    return parse_name<SiteType>(site_type_names, text);
}
std::string_view to_string(SiteType t) noexcept {
    return site_type_names[static_cast<std::size_t>(t)];
}

std::vector<LayerSpec> expand_carriers(const LayerSpec& layer) {
    if (layer.carriers.empty()) {
        return {layer};
    }
    std::vector<std::string> names;
    double total_bandwidth_mhz = 0.0;
    for (const CarrierSpec& c : layer.carriers) {
        names.push_back(c.name);
        total_bandwidth_mhz += c.bandwidth_mhz.value_or(layer.bandwidth_mhz);
    }
    std::vector<LayerSpec> out;
    for (const CarrierSpec& c : layer.carriers) {
        LayerSpec e = layer;
        e.carriers.clear();
        e.name = layer.name + "-" + c.name;
        e.carrier = layer.carrier_name() + "-" + c.name;
        e.frequency_mhz = c.frequency_mhz;
        if (c.bandwidth_mhz) {
            e.bandwidth_mhz = *c.bandwidth_mhz;
            e.resource_blocks.reset(); // the layer's count was for the layer's bandwidth
        }
        // The layer's spectrum, shared by its carriers in proportion to their bandwidths.
        if (layer.spectrum_fee_usd_per_year && total_bandwidth_mhz > 0.0) {
            e.spectrum_fee_usd_per_year =
                *layer.spectrum_fee_usd_per_year * e.bandwidth_mhz / total_bandwidth_mhz;
        }
        e.expanded_from = LayerSpec::CarrierOrigin{layer.name, c.name, names};
        out.push_back(std::move(e));
    }
    return out;
}

std::string flat_name(std::string_view name) {
    std::string out;
    for (const char c : name) {
        out += c == '/' ? std::string("__") : std::string(1, c);
    }
    return out;
}

} // namespace covsim
