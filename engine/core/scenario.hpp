#pragma once
// A scenario: what to compute, as plain structs with units in the names. Parsed and validated
// from TOML by engine/io/scenario_parser; see docs/scenario-format.md for every key.

#include "core/antenna.hpp"
#include "core/coverage.hpp"
#include "core/district.hpp"
#include "core/link_budget.hpp"
#include "core/propagation/model.hpp"
#include "core/throughput.hpp"
#include "core/traffic_steering.hpp"

#include <algorithm>
#include <array>
#include <compare>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace covsim {

struct StudyAreaSpec {
    std::filesystem::path districts_path;
    std::string districts_layer; // empty: the file's first layer
    std::string code_field = "code";
    std::string name_field = "name_vi";
    std::string name_ascii_field = "name_ascii";
    std::string type_field = "type";
    // When set, each district's population on the grid is scaled to this field's value.
    std::string population_field;
    std::filesystem::path population_path;
    std::string crs; // analysis CRS; empty: the UTM zone of the districts' centre
    double resolution_m = 50.0;
    std::filesystem::path dem_path;        // ground elevation (any GDAL raster); empty: flat
    std::filesystem::path land_cover_path; // ESA WorldCover classes; empty: none
    // People per person of the population source, per district type: the growth from the
    // source's date (e.g. the 2019 census) to the scenario's year. Applied after the districts
    // are scaled to population_field.
    PerDistrictType<double> population_growth = {1.0, 1.0, 1.0};

    // Scenarios whose specs are equal describe the same study area and share one loaded copy:
    // every member takes part, so a member added later cannot be forgotten here.
    friend auto operator<=>(const StudyAreaSpec&, const StudyAreaSpec&) = default;
    friend bool operator==(const StudyAreaSpec&, const StudyAreaSpec&) = default;
};

// What a layer's users are: people on the move (mobile), or homes with a fixed-wireless CPE (fwa:
// its own height and antenna gain, outdoor or on the roof).
enum class Service { mobile, fwa };
std::optional<Service> parse_service(std::string_view text) noexcept;
std::string_view to_string(Service s) noexcept;

// How a layer's sites are paid for (docs/capacity-and-cost.md):
//   new_macro   site build, backhaul, radio equipment and installation, rental, O&M, power
//   upgrade     radio equipment and installation on a site that exists; O&M and power
//   small_cell  a small cell: one all-in unit price, its own yearly cost
//   existing    nothing to invest (sunk); rental, O&M and power go on
enum class SiteType { new_macro, upgrade, small_cell, existing };
std::optional<SiteType> parse_site_type(std::string_view text) noexcept;
std::string_view to_string(SiteType t) noexcept;

// One carrier of a layer that has several ([[layers.carriers]], docs/sites.md): the layer is
// expanded into one layer per carrier, each with the site rows of its carrier.
struct CarrierSpec {
    std::string name;
    double frequency_mhz = 0.0;
    std::optional<double> bandwidth_mhz; // empty: the layer's
};

struct LayerSpec {
    std::string name;
    Technology technology = Technology::lte;
    std::filesystem::path sites_path;
    std::string sites_layer; // OGR layer in the sites file; empty: the first
    double frequency_mhz = 0.0;
    double bandwidth_mhz = 0.0;
    int subcarrier_spacing_khz = 15;
    std::optional<int> resource_blocks; // empty: from the 3GPP table for the bandwidth
    std::string model;
    LosCondition los = LosCondition::probabilistic;
    double rx_height_m = 1.5;
    double rx_gain_dbi = 0.0;
    double noise_figure_db = 7.0;
    double max_range_m = 10000.0;
    // Sites up to this far outside the analysis grid are read (neighbours that serve and
    // interfere); farther ones are an error. Empty: max_range_m (a site farther cannot reach
    // a cell).
    std::optional<double> sites_margin_m;
    double load = 0.5;
    double rsrp_min_dbm = -110.0;
    double sinr_min_db = -5.0;
    int priority = 0;
    AntennaPattern antenna;
    std::filesystem::path antenna_path; // the MSI file the pattern came from; empty: parametric
    Service service = Service::mobile;
    PerDistrictType<bool> service_area = {true, true, true}; // district types the layer serves
    // Layers with the same carrier share their cells' capacity (e.g. FWA and mobile users of one
    // NR carrier); empty: the layer's own name.
    std::string carrier;
    ThroughputSpec throughput;
    SiteType site_type = SiteType::new_macro;
    std::optional<double> equipment_usd; // radio equipment per site; empty: [cost] equipment_usd
    std::optional<double> spectrum_fee_usd_per_year; // this layer's spectrum, whole study area
    // Terrain, clutter, location variability (docs/terrain.md, docs/models/p2108-clutter.md).
    bool terrain_correction = true;
    double terrain_margin_db = 30.0;
    TerrainMethod terrain_method = TerrainMethod::radial;
    PathParameters path;
    bool clutter_loss = false;
    double clutter_location_percent = 50.0;
    bool terminal_clutter_correction = false;
    double location_probability = 0.5;
    // [[layers.carriers]] as written. The parser expands a layer with carriers into one layer
    // per carrier (expand_carriers), so the layers of a parsed Scenario have none.
    std::vector<CarrierSpec> carriers;
    // Of a layer expanded from carriers: the layer as written (its site file's `layer` value),
    // the carrier whose site rows it reads (the file's `carrier` column) and all the carriers.
    struct CarrierOrigin {
        std::string layer;
        std::string carrier;
        std::vector<std::string> carriers;
    };
    std::optional<CarrierOrigin> expanded_from;
    // Adjacent-channel interference ratio, dB, of another layer's transmissions into this
    // layer's receivers, by that layer's name; only for layers whose channels do not overlap
    // this one's (co-channel layers interfere in full).
    std::map<std::string, double> acir_db;

    [[nodiscard]] double site_margin_m() const noexcept {
        return sites_margin_m.value_or(max_range_m);
    }
    // The name the site file's `layer` column uses for this layer.
    [[nodiscard]] const std::string& written_name() const noexcept {
        return expanded_from ? expanded_from->layer : name;
    }
    [[nodiscard]] const std::string& carrier_name() const noexcept {
        return carrier.empty() ? name : carrier;
    }
    [[nodiscard]] int resolved_resource_blocks() const {
        return resource_blocks.value_or(
            covsim::resource_blocks(technology, bandwidth_mhz, subcarrier_spacing_khz).value_or(0));
    }
};

// Who subscribes and how much they use, per district type (docs/capacity-and-cost.md).
struct DemandSpec {
    PerDistrictType<double> adoption = {0.8, 0.7, 0.6}; // broadband subscribers per person
    double market_share = 1.0;            // share of those subscribers on this network
    double busy_hour_demand_mbps = 0.11;  // mean demand of one subscriber in the busy hour
    double min_user_throughput_mbps = 10; // a person is served from this user throughput up
    double household_size = 3.6;          // people per household (homes for fixed access)
};

// How busy-hour traffic moves between the layers that cover one place
// (core/traffic_steering.hpp, docs/capacity-and-cost.md).
struct TrafficSpec {
    Steering steering = Steering::best_throughput;
    bool carrier_aggregation = false; // the mobile layers covering a place serve it together
};

// Fibre to the home: where the scenario builds it to every home, and the homes it already passes
// (docs/capacity-and-cost.md, "Fixed access").
struct FtthSpec {
    std::vector<std::string> districts;     // district codes where fibre is built
    PerDistrictType<bool> district_types{}; // or whole district types
    double speed_mbps = 300.0;              // offered to every connected home
    // Share of the homes already passed by fibre, per district type, and per district code
    // (which takes precedence over the type's).
    PerDistrictType<double> passed_share{};
    std::map<std::string, double> passed_share_by_district;
};

// Unit costs and the economic frame (defaults and their sources: docs/capacity-and-cost.md).
struct CostSpec {
    int horizon_years = 10;
    double discount_rate = 0.05; // real, per year
    double gni_per_capita_usd_per_year = 4000.0;
    double affordability_threshold = 0.02; // of monthly GNI per capita
    double target_served_share = 0.95;     // for the cheapest technology mix
    double equipment_usd = 40000.0;        // radio equipment per site and layer
    double site_build_usd = 30000.0;
    double installation_usd = 30000.0;
    double small_cell_usd = 15000.0; // all in
    double small_cell_usd_per_year = 3000.0;
    double operation_and_maintenance_usd_per_year = 7400.0; // per site and layer
    double power_usd_per_year = 3000.0;                     // per site and layer
    PerDistrictType<double> site_rental_usd_per_year = {10000.0, 5000.0, 3000.0};
    PerDistrictType<double> fibre_usd_per_m = {25.0, 15.0, 10.0};
    PerDistrictType<double> backhaul_km_per_site = {0.5, 1.0, 2.0};
    double fwa_cpe_usd = 150.0;                // per subscribing household
    double ftth_home_passed_fixed_usd = 100.0; // per home passed, besides the route
    double ftth_connection_usd = 150.0;        // per subscribing household
    double ftth_usd_per_subscriber_year = 20.0;
    // Sites in no district (neighbours beyond the study area, or between its districts) serve
    // and interfere; their cost is counted (to the city) only when this is true.
    bool count_sites_outside = false;
};

// An input that [uncertainty] gives a range for (docs/capacity-and-cost.md, "Ranges"): a value of
// the scenario (busy_hour_demand_mbps, market_share, discount_rate, population_growth) or a
// factor on several (adoption_scale: every district type's adoption; unit_cost_scale: every unit
// cost of [cost] and of the layers). None of them changes the radio coverage.
enum class UncertainInput {
    busy_hour_demand_mbps,
    adoption_scale,
    market_share,
    unit_cost_scale,
    discount_rate,
    population_growth
};
inline constexpr std::size_t uncertain_input_count = 6;
std::optional<UncertainInput> parse_uncertain_input(std::string_view text) noexcept;
std::string_view to_string(UncertainInput input) noexcept;

// The low and high ends of one input ([uncertainty] key = [low, high]); low <= the scenario's own
// value (1 for a factor) <= high.
struct InputRange {
    UncertainInput input = UncertainInput::busy_hour_demand_mbps;
    double low = 0.0;
    double high = 0.0;
};

// A map a run writes ([output] maps, docs/scenario-format.md): as <metric>.tif, as the dataset
// <metric> of results.h5, and each radio layer's own map of it (layer_<metric>_<layer>.tif, the
// layer stack layer_<metric>) where there is one.
enum class MapMetric {
    rsrp_dbm,
    sinr_db,
    throughput_mbps,
    user_throughput_mbps,
    best_server,
    covered,
    served,
    covered_indoor,
    line_of_sight,
    serving_layer
};
inline constexpr std::size_t map_metric_count = 10;
std::optional<MapMetric> parse_map_metric(std::string_view text) noexcept;
std::string_view to_string(MapMetric metric) noexcept;
const std::array<std::string_view, map_metric_count>& map_metric_names() noexcept;

// What a run writes of a scenario ([output]).
struct OutputSpec {
    // Indexed by MapMetric: whether the run writes that map. Every map unless [output] maps
    // lists some.
    std::array<bool, map_metric_count> maps = {true, true, true, true, true,
                                               true, true, true, true, true};

    [[nodiscard]] bool writes(MapMetric m) const { return maps[static_cast<std::size_t>(m)]; }
    // `metric` must be one of map_metric_names(); throws Error(internal) otherwise.
    [[nodiscard]] bool writes(std::string_view metric) const;
};

// One key of a [sweep] as it is set in one variant (docs/scenario-format.md).
struct SweepSetting {
    std::string label; // the name of the sweep dimension, e.g. "adoption"
    std::string key;   // the key it sets, e.g. "demand.adoption"
    std::string value; // the value as it appears in the variant's name (its label, if given)
};

struct Scenario {
    // For a variant of a [sweep]: "<base_name>/<label>=<value>,..."; else base_name.
    std::string name;
    std::string base_name; // the name of the scenario file's [scenario] (or its file name)
    std::vector<SweepSetting> sweep; // empty: not a sweep variant
    std::string description;
    // The year the scenario describes ([scenario] year); dates its published maps. Unset: the
    // year in its name, else the year of the run (io/stac_catalog).
    std::optional<int> year;
    std::filesystem::path source_path; // the scenario file
    // Its text, recorded with the results; for a scenario that extends another or a sweep
    // variant, the resolved scenario (every file merged, the variant's values set).
    std::string source_text;
    std::vector<std::filesystem::path> extends_paths; // the files it extends, nearest first
    StudyAreaSpec study_area;
    // Propagation environment per district type, for models that use one (COST-231 Hata).
    PerDistrictType<Environment> environment = {Environment::urban, Environment::suburban,
                                                Environment::rural};
    std::vector<LayerSpec> layers;
    DemandSpec demand;
    TrafficSpec traffic;
    FtthSpec ftth;
    CostSpec cost;
    IndoorSpec indoor;
    std::vector<InputRange> uncertainty; // [uncertainty], in the order of UncertainInput
    OutputSpec output;

    [[nodiscard]] bool ftth_offered(const District& d) const {
        return ftth.district_types[static_cast<std::size_t>(d.type)] ||
               std::find(ftth.districts.begin(), ftth.districts.end(), d.code) !=
                   ftth.districts.end();
    }
    [[nodiscard]] double ftth_passed_share(const District& d) const {
        const auto it = ftth.passed_share_by_district.find(d.code);
        return it != ftth.passed_share_by_district.end()
                   ? it->second
                   : ftth.passed_share[static_cast<std::size_t>(d.type)];
    }
};

// A layer with [[layers.carriers]] as one layer per carrier, in the carriers' order: named
// "<layer>-<carrier>", with the carrier's frequency and bandwidth (its resource blocks from the
// 3GPP table when it has its own bandwidth), its own capacity carrier "<carrier_name()>-<carrier>",
// the layer's spectrum fee shared in proportion to bandwidth, and expanded_from set. A layer
// without carriers is returned as it is.
std::vector<LayerSpec> expand_carriers(const LayerSpec& layer);

// `name` where an identifier must be flat (a GeoPackage layer, a QGIS id): '/' becomes "__".
std::string flat_name(std::string_view name);

} // namespace covsim
