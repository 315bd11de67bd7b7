#pragma once
// Demand, capacity and service, after the coverage kernel (docs/capacity-and-cost.md).
//
// People subscribe at the adoption rate of their district type, a market share of them on this
// network; each subscriber offers `busy_hour_demand_mbps` in the busy hour. The people of a cell
// use fibre where the scenario builds it in their district; elsewhere the district's share of
// homes already passed by fibre uses it, and the radio layers that cover the rest carry their
// traffic, shared between the layers by the scenario's traffic steering
// (core/traffic_steering.hpp: the serving layer alone, or where users are served best). A radio
// cell is a processor-sharing server (Bonald & Proutière 2003):
//
//   R_i      peak single-user throughput at cell i (core/throughput.hpp)
//   rho_c    = sum over the cells i whose traffic c carries of x_i D_i / R_i   (load; D_i the
//              demand, x_i the share of it on c)
//   C_c      = sum x_i D_i / rho_c   (capacity: the traffic c carries when full, for its mix)
//   r_i      = R_i (1 - rho_c) when rho_c < 1, else 0   (mean user throughput)
//
// and a person is *served* when their option delivers r_i >= min_user_throughput_mbps (fibre:
// its offered speed); a cell's people are served in the shares of the options that serve them.
// Indoors (docs/indoor.md), a person in a building of class k is served when the option's R at
// the SINR inside such buildings (coverage's indoor_sinr_db), times the same 1 - rho_c, reaches
// the minimum: the loads are those of the steered traffic at the outdoor rates.
// Radio cells are shared by the layers of one carrier (e.g. FWA and mobile).
//
// For the cheapest technology mix, each option is also evaluated *alone*, carrying the demand
// of every cell it covers, and fibre serves the people whose homes can take it; a cell's people
// are served by a set of options when one of them serves them alone, and the people of each
// district are counted per set of options that serve them.

#include "core/coverage.hpp"
#include "core/scenario.hpp"
#include "core/throughput.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace covsim {

struct CapacityLayer {
    ThroughputSpec throughput;
    double occupied_bandwidth_hz = 0.0; // 12 * N_RB * subcarrier spacing
    Service service = Service::mobile;
    std::string carrier; // layers with the same carrier share cells
};

// Fibre per district: where the scenario builds it, every home can take it; elsewhere the share
// of homes already passed.
struct FtthDistricts {
    std::vector<bool> built;          // fibre built to every home not yet passed
    std::vector<double> passed_share; // share of the homes passed before the scenario
    // The share of district d's homes that can take fibre.
    [[nodiscard]] double home_share(std::size_t d) const {
        return built[d] ? 1.0 : passed_share[d];
    }
};

// What a capacity run computes beyond the district sums that the cost stage and the served
// people come from. The runs of the ranges (core/uncertainty.hpp) and the planner's evaluations
// read none of them, or not the service indoors, and leave them out.
struct CapacityExtras {
    bool maps = true;        // throughput_mbps, user_throughput_mbps, served; else empty
    bool indoors = true;     // DistrictService::served_indoor_population; else NaN
    bool percentiles = true; // the radio user throughput percentiles; else NaN
};

struct CapacityInput {
    const CoverageInput* coverage_input = nullptr;
    const CoverageResult* coverage = nullptr;
    std::vector<CapacityLayer> layers;
    DemandSpec demand;
    TrafficSpec traffic;
    FtthDistricts ftth;
    double ftth_speed_mbps = 300.0;
    // People per cell relative to the study area's population, per district type: 1 but in the
    // population growth ranges of core/uncertainty.hpp.
    PerDistrictType<double> people_scale = {1.0, 1.0, 1.0};
    // The peak throughput of each layer's best server (CapacityResult::layer_throughput_mbps) of
    // a run on the same coverage and layers, taken as they are instead of computed again (the
    // runs of the ranges, core/uncertainty.hpp); null: computed.
    const std::vector<Raster<float>>* known_peak_throughputs = nullptr;
    CapacityExtras extras;
};

// Per radio sector; sectors of one physical cell (same carrier, site and sector) show the cell.
struct SectorLoad {
    double load = 0.0;                 // rho
    double offered_traffic_mbps = 0.0; // sum of D_i assigned to the cell
    double capacity_mbps = 0.0;        // sum D_i / rho; 0 when the cell carries nothing
    double served_subscribers = 0.0;
    double assigned_people = 0.0;
};

// The busy-hour user throughput of the subscribers on radio (docs/capacity-and-cost.md,
// "User throughput percentiles"): quantiles of the user throughput r on radio of the covered
// cells, weighted by their subscribers on radio (not those whose homes are on fibre). NaN where
// no subscriber is on radio.
struct ThroughputQuantiles {
    double p10_mbps = std::numeric_limits<double>::quiet_NaN();
    double median_mbps = std::numeric_limits<double>::quiet_NaN();
};

struct WeightedValue {
    double value = 0.0;
    double weight = 0.0;
};

// The q-quantile of a weighted sample: the smallest value whose cumulative weight (values in
// ascending order) reaches q times the total weight. NaN for an empty sample or no weight.
double weighted_quantile(std::vector<WeightedValue> sample, double q);

struct DistrictService {
    double subscribers = 0.0;
    double served_population = 0.0;
    double served_indoor_population = 0.0; // served inside buildings, with the building mix
    double reached_population = 0.0;       // covered by a radio layer or passed by fibre
    double offered_traffic_mbps = 0.0;
    double ftth_households = 0.0;             // homes that can take fibre (built or passed)
    double fwa_subscriber_households = 0.0;   // homes subscribing through an FWA layer
    std::vector<double> people_by_options;    // [bitmask of options serving alone]
    std::vector<double> fwa_households_alone; // per layer: subscribing homes it serves alone
    ThroughputQuantiles radio_user_throughput;
};

struct CapacityResult {
    Raster<float> throughput_mbps;      // peak throughput of the serving option
    Raster<float> user_throughput_mbps; // r_i under load
    Raster<std::uint8_t> served;        // 1 served, 0 not, flag_nodata outside districts
    std::vector<Raster<float>> layer_throughput_mbps; // peak throughput of each layer's server
    std::vector<SectorLoad> sectors;
    std::vector<DistrictService> districts;
    ThroughputQuantiles city_radio_user_throughput;
    std::size_t option_count = 0;       // layers, then fibre: bit l is layer l, the last bit fibre
    std::uint64_t overloaded_cells = 0; // cells with rho >= 1
    int steering_iterations = 0;        // core/traffic_steering.hpp
    double steering_last_change = 0.0;  // the largest load change of the last iteration
};

// At most this many options (layers + fibre) are combined in the mix analysis.
inline constexpr std::size_t max_mix_options = 10;

CapacityResult compute_capacity(const CapacityInput& input);

} // namespace covsim
