#include "core/capacity.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/traffic_steering.hpp"

#include <algorithm>
#include <map>
#include <tbb/blocked_range.h>
#include <tuple>
#include <utility>

namespace covsim {

namespace {

// Physical cells: sectors of layers that share a carrier, at the same site and sector.
std::vector<std::size_t> cells_of_sectors(const CapacityInput& in, std::size_t& cell_count) {
    const auto& sectors = in.coverage_input->sectors;
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
    std::vector<std::size_t> cell(sectors.size());
    for (std::size_t s = 0; s < sectors.size(); ++s) {
        const auto key = std::make_tuple(in.layers[sectors[s].layer].carrier, sectors[s].site_id,
                                         sectors[s].sector_id);
        cell[s] = index.emplace(key, index.size()).first->second;
    }
    cell_count = index.size();
    return cell;
}

void check(const CapacityInput& in) {
    if (in.coverage_input == nullptr || in.coverage == nullptr ||
        in.coverage_input->area == nullptr) {
        throw Error(ErrorCode::internal, "compute_capacity: missing coverage");
    }
    const std::size_t districts = in.coverage_input->area->district_count();
    if (in.layers.size() != in.coverage_input->layers.size() || in.ftth.built.size() != districts ||
        in.ftth.passed_share.size() != districts) {
        throw Error(ErrorCode::internal, "compute_capacity: inconsistent input sizes");
    }
}

// Each cell's subscribers and their busy-hour demand, D_i.
struct CellDemand {
    double subscribers = 0.0;
    double offered_mbps = 0.0;
};

// The people of cell i (of district d), scaled by CapacityInput::people_scale.
double people_at(const CapacityInput& in, std::size_t i, std::int16_t d) {
    const StudyArea& area = *in.coverage_input->area;
    const auto type = static_cast<std::size_t>(area.districts[static_cast<std::size_t>(d)].type);
    return area.population.values[i] * in.people_scale[type];
}

CellDemand demand_at(const CapacityInput& in, std::size_t i, std::int16_t d) {
    const StudyArea& area = *in.coverage_input->area;
    const auto type = static_cast<std::size_t>(area.districts[static_cast<std::size_t>(d)].type);
    const double subscribers =
        people_at(in, i, d) * in.demand.adoption[type] * in.demand.market_share;
    return {subscribers, subscribers * in.demand.busy_hour_demand_mbps};
}

// The share of district d's people on radio: those whose homes cannot take fibre.
double radio_share(const CapacityInput& in, std::int16_t d) {
    return 1.0 - in.ftth.home_share(static_cast<std::size_t>(d));
}

// The demand points (the covered cells with people on radio, in grid order, each with the demand
// of those people) and their options (core/traffic_steering.hpp): each covering layer's best
// server, or with carrier aggregation the covering mobile layers together. `option_layer` gets
// each option's layer (-1 for an aggregate), `component_layer` each component's.
SteeringProblem demand_points(const CapacityInput& in, const CapacityResult& out,
                              const std::vector<std::size_t>& cell_of, std::size_t cell_count,
                              std::vector<int>& option_layer,
                              std::vector<std::uint8_t>& component_layer) {
    const StudyArea& area = *in.coverage_input->area;
    const CoverageMaps& maps = in.coverage->maps;
    SteeringProblem p;
    p.radio_cells = cell_count;
    p.first_component.push_back(0);
    const auto add_component = [&](std::size_t l, std::size_t i) {
        const auto server = static_cast<std::size_t>(maps.layers[l].best_server.values[i]);
        p.component_cell.push_back(static_cast<std::uint32_t>(cell_of[server]));
        p.component_rate_mbps.push_back(out.layer_throughput_mbps[l].values[i]);
        component_layer.push_back(static_cast<std::uint8_t>(l));
    };
    for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district || !(radio_share(in, d) > 0.0) || maps.covered.values[i] != 1) {
            continue;
        }
        p.first_option.push_back(static_cast<std::uint32_t>(option_layer.size()));
        p.demand_mbps.push_back(radio_share(in, d) * demand_at(in, i, d).offered_mbps);
        const std::size_t serving = maps.serving_layer.values[i];
        const auto covers = [&](std::size_t l) { return maps.layers[l].covered.values[i] == 1; };
        const auto aggregated = [&](std::size_t l) {
            return in.traffic.carrier_aggregation && in.layers[l].service == Service::mobile;
        };
        // With carrier aggregation, first the one option of the covering mobile layers.
        const std::size_t aggregate = option_layer.size();
        int aggregate_layer = -2; // none yet
        for (std::size_t l = 0; l < in.layers.size(); ++l) {
            if (covers(l) && aggregated(l)) {
                add_component(l, i);
                aggregate_layer = aggregate_layer == -2 ? static_cast<int>(l) : -1;
            }
        }
        if (aggregate_layer != -2) {
            option_layer.push_back(aggregate_layer);
            p.first_component.push_back(static_cast<std::uint32_t>(p.component_cell.size()));
            if (aggregated(serving)) {
                p.initial_option.push_back(static_cast<std::uint32_t>(aggregate));
            }
        }
        // Then every other covering layer, an option each.
        for (std::size_t l = 0; l < in.layers.size(); ++l) {
            if (!covers(l) || aggregated(l)) {
                continue;
            }
            if (l == serving) {
                p.initial_option.push_back(static_cast<std::uint32_t>(option_layer.size()));
            }
            option_layer.push_back(static_cast<int>(l));
            add_component(l, i);
            p.first_component.push_back(static_cast<std::uint32_t>(p.component_cell.size()));
        }
    }
    p.first_option.push_back(static_cast<std::uint32_t>(option_layer.size()));
    return p;
}

// Step 1: the peak throughput of each layer's best server, cell by cell (independent: parallel).
std::vector<Raster<float>> peak_throughputs(const CapacityInput& in) {
    const CoverageMaps& maps = in.coverage->maps;
    const Grid& grid = in.coverage_input->area->grid;
    // One raster per layer, each filled by its own thread (a prototype copied to every layer
    // would write each map's fresh pages twice).
    std::vector<Raster<float>> rates(in.layers.size());
    parallel::for_each_index_always(std::size_t{0}, rates.size(), [&](std::size_t l) {
        rates[l] = Raster<float>(grid, map_nodata);
    });
    parallel::for_ranges(tbb::blocked_range<std::size_t>(0, grid.cell_count(), 1 << 14),
                         [&](const tbb::blocked_range<std::size_t>& r) {
                             for (std::size_t l = 0; l < in.layers.size(); ++l) {
                                 const LayerMaps& lm = maps.layers[l];
                                 const CapacityLayer& cl = in.layers[l];
                                 for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                     if (lm.best_server.values[i] == no_server) {
                                         continue;
                                     }
                                     rates[l].values[i] = static_cast<float>(peak_throughput_mbps(
                                         cl.throughput, static_cast<double>(lm.sinr_db.values[i]),
                                         cl.occupied_bandwidth_hz));
                                 }
                             }
                         });
    return rates;
}

// Each sector's load when its layer alone carries the demand of every cell it covers (for the
// cheapest mix), summed in cell order.
std::vector<double> loads_alone(const CapacityInput& in, const CapacityResult& out) {
    const StudyArea& area = *in.coverage_input->area;
    const CoverageMaps& maps = in.coverage->maps;
    std::vector<double> load(in.coverage_input->sectors.size(), 0.0);
    for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            continue;
        }
        const double offered_mbps = demand_at(in, i, d).offered_mbps;
        for (std::size_t l = 0; l < in.layers.size(); ++l) {
            const double r = static_cast<double>(out.layer_throughput_mbps[l].values[i]);
            if (maps.layers[l].covered.values[i] == 1 && r > 0.0) {
                load[static_cast<std::size_t>(maps.layers[l].best_server.values[i])] +=
                    offered_mbps / r;
            }
        }
    }
    return load;
}

// The steered traffic, and what the radio cells carry of the people they serve.
struct Steered {
    SteeringProblem problem;
    SteeringResult result;
    std::vector<int> option_layer;             // per option: its layer, -1 for an aggregate
    std::vector<std::uint8_t> component_layer; // per component: its layer
    std::vector<double> people_of_cell;        // per radio cell
    std::vector<double> served_subscribers;    // per radio cell
};

// The people of a covered cell (demand point p) on each of its options, at the option's
// throughput. Adds the cell's people and served subscribers to the radio cells that carry them
// and its served FWA homes to `ds`.
struct PointService {
    double peak_mbps = 0.0; // the share-weighted peak rate
    double user_mbps = 0.0; // the share-weighted user throughput
    double served_share = 0.0;
    double served_indoor_share = 0.0; // with the district's building mix
};

// Whether a user of option o inside buildings of class k (0 traditional, 1 thermally efficient)
// at grid cell i is served: the option's components at their SINR inside such buildings, each
// R (1 - rho) of its radio cell at the loads of the steered traffic; a component whose layer
// does not cover the cell inside such buildings adds nothing.
bool served_indoors(const CapacityInput& in, const Steered& st, std::size_t o, std::size_t i,
                    std::size_t k) {
    const SteeringProblem& problem = st.problem;
    double peak = 0.0;
    double user = 0.0;
    for (std::size_t c = problem.first_component[o]; c < problem.first_component[o + 1]; ++c) {
        const std::size_t l = st.component_layer[c];
        const float sinr = in.coverage->maps.layers[l].indoor_sinr_db[k].values[i];
        if (sinr == map_nodata) {
            continue;
        }
        const double rate = peak_throughput_mbps(in.layers[l].throughput, static_cast<double>(sinr),
                                                 in.layers[l].occupied_bandwidth_hz);
        const double rho = st.result.load[problem.component_cell[c]];
        peak += rate;
        user += rho < 1.0 ? rate * (1.0 - rho) : 0.0;
    }
    return peak > 0.0 && user >= in.demand.min_user_throughput_mbps;
}

PointService serve_point(const CapacityInput& in, Steered& st, std::size_t p, std::size_t i,
                         double people, double subscribers, double efficient_share,
                         DistrictService& ds) {
    const SteeringProblem& problem = st.problem;
    const std::vector<double>& load = st.result.load;
    PointService ps;
    for (std::size_t o = problem.first_option[p]; o < problem.first_option[p + 1]; ++o) {
        const double x = st.result.share[o];
        if (x == 0.0) {
            continue;
        }
        double rate = 0.0;
        for (std::size_t k = problem.first_component[o]; k < problem.first_component[o + 1]; ++k) {
            rate += double(problem.component_rate_mbps[k]);
        }
        const double r = option_throughput_mbps(problem, load, o);
        const bool served = rate > 0.0 && r >= in.demand.min_user_throughput_mbps;
        ps.peak_mbps += x * rate;
        ps.user_mbps += x * r;
        ps.served_share += served ? x : 0.0;
        if (in.extras.indoors) {
            ps.served_indoor_share +=
                x * ((served_indoors(in, st, o, i, 0) ? 1.0 - efficient_share : 0.0) +
                     (served_indoors(in, st, o, i, 1) ? efficient_share : 0.0));
        }
        for (std::size_t k = problem.first_component[o]; k < problem.first_component[o + 1]; ++k) {
            const double f = x * component_fraction(problem, load, o, k);
            st.people_of_cell[problem.component_cell[k]] += f * people;
            if (served) {
                st.served_subscribers[problem.component_cell[k]] += f * subscribers;
            }
        }
        const int layer = st.option_layer[o];
        if (served && layer >= 0 &&
            in.layers[static_cast<std::size_t>(layer)].service == Service::fwa) {
            ds.fwa_subscriber_households += x * subscribers / in.demand.household_size;
        }
    }
    return ps;
}

// The service of a cell whose `on_fibre` share of people uses fibre (served or not at its speed)
// and the rest `radio`, share-weighted as the options of a demand point are.
PointService with_fibre(const CapacityInput& in, const PointService& radio, double on_fibre) {
    const double on_radio = 1.0 - on_fibre;
    const double speed = in.ftth_speed_mbps;
    const double served = speed >= in.demand.min_user_throughput_mbps ? 1.0 : 0.0;
    return {on_fibre * speed + on_radio * radio.peak_mbps,
            on_fibre * speed + on_radio * radio.user_mbps,
            on_fibre * served + on_radio * radio.served_share,
            on_fibre * served + on_radio * radio.served_indoor_share};
}

// The radio layers that would serve cell i each alone (bit l: layer l), adding the FWA homes each
// layer would serve alone to `ds`.
std::size_t layers_serving_alone(const CapacityInput& in, const CapacityResult& out,
                                 const std::vector<double>& load_alone, std::size_t i,
                                 double households, DistrictService& ds) {
    const CoverageMaps& maps = in.coverage->maps;
    std::size_t mask = 0;
    for (std::size_t l = 0; l < in.layers.size(); ++l) {
        const double r = static_cast<double>(out.layer_throughput_mbps[l].values[i]);
        if (maps.layers[l].covered.values[i] != 1 || !(r > 0.0)) {
            continue;
        }
        const double rho =
            load_alone[static_cast<std::size_t>(maps.layers[l].best_server.values[i])];
        if (rho < 1.0 && r * (1.0 - rho) >= in.demand.min_user_throughput_mbps) {
            mask |= std::size_t{1} << l;
            if (in.layers[l].service == Service::fwa) {
                ds.fwa_households_alone[l] += households;
            }
        }
    }
    return mask;
}

// Adds the people of cell i to `ds` by the set of options that would serve them each alone (bit
// l: layer l, the last bit fibre): fibre serves alone the people whose homes can take it.
void count_served_alone(const CapacityInput& in, const CapacityResult& out,
                        const std::vector<double>& load_alone, std::size_t i, double people,
                        double subscribers, double on_fibre, DistrictService& ds) {
    const std::size_t layers =
        layers_serving_alone(in, out, load_alone, i, subscribers / in.demand.household_size, ds);
    if (on_fibre > 0.0) {
        ds.people_by_options[layers | std::size_t{1} << in.layers.size()] += on_fibre * people;
    }
    if (on_fibre < 1.0) {
        ds.people_by_options[layers] += (1.0 - on_fibre) * people;
    }
}

// The maps of the service, when the run makes them (CapacityExtras::maps).
void start_maps(const CapacityInput& in, CapacityResult& out) {
    if (!in.extras.maps) {
        return;
    }
    const Grid& grid = in.coverage_input->area->grid;
    out.throughput_mbps = Raster<float>(grid, map_nodata);
    out.user_throughput_mbps = Raster<float>(grid, map_nodata);
    out.served = Raster<std::uint8_t>(grid, flag_nodata);
}

void map_service(const CapacityInput& in, const PointService& ps, bool reached, std::size_t i,
                 CapacityResult& out) {
    if (!in.extras.maps) {
        return;
    }
    out.served.values[i] = ps.served_share >= 0.5 ? 1 : 0;
    if (reached) {
        out.throughput_mbps.values[i] = static_cast<float>(ps.peak_mbps);
        out.user_throughput_mbps.values[i] = static_cast<float>(ps.user_mbps);
    }
}

// Room in `radio_rates` for every covered cell of a district with subscribers on radio (what
// serve_cells appends): grown by doubling, the vectors of a 1.4 M-cell run wrote twice their
// final size into fresh pages.
void reserve_radio_rates(const CapacityInput& in,
                         std::vector<std::vector<WeightedValue>>& radio_rates) {
    const StudyArea& area = *in.coverage_input->area;
    const std::vector<std::uint8_t>& covered = in.coverage->maps.covered.values;
    std::vector<std::size_t> count(area.district_count(), 0);
    for (std::size_t i = 0; i < covered.size(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d != no_district && covered[i] == 1) {
            ++count[static_cast<std::size_t>(d)];
        }
    }
    for (std::size_t d = 0; d < count.size(); ++d) {
        if (radio_share(in, static_cast<std::int16_t>(d)) > 0.0) {
            radio_rates[d].reserve(count[d]);
        }
    }
}

// Step 3: service cell by cell, and the district sums in cell order. `radio_rates` gets, per
// district, each covered cell's user throughput on radio weighted by its subscribers on radio
// (when the run computes the percentiles).
void serve_cells(const CapacityInput& in, Steered& st, const std::vector<double>& load_alone,
                 CapacityResult& out, std::vector<std::vector<WeightedValue>>& radio_rates) {
    const StudyArea& area = *in.coverage_input->area;
    const Grid& grid = area.grid;
    const bool mix = out.option_count <= max_mix_options;
    start_maps(in, out);
    out.districts.assign(area.district_count(), DistrictService{});
    for (DistrictService& ds : out.districts) {
        ds.people_by_options.assign(mix ? std::size_t{1} << out.option_count : 0, 0.0);
        ds.fwa_households_alone.assign(in.layers.size(), 0.0);
        if (!in.extras.indoors) {
            ds.served_indoor_population = std::numeric_limits<double>::quiet_NaN();
        }
    }
    radio_rates.assign(area.district_count(), {});
    if (in.extras.percentiles) {
        reserve_radio_rates(in, radio_rates);
    }
    std::size_t point = 0;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            continue;
        }
        DistrictService& ds = out.districts[static_cast<std::size_t>(d)];
        const double people = people_at(in, i, d);
        const auto [subscribers, offered_mbps] = demand_at(in, i, d);
        const double on_fibre = in.ftth.home_share(static_cast<std::size_t>(d));
        const double on_radio = radio_share(in, d);
        const bool covered = in.coverage->maps.covered.values[i] == 1;
        ds.subscribers += subscribers;
        ds.offered_traffic_mbps += offered_mbps;
        PointService radio;
        if (on_radio > 0.0 && covered) {
            const double efficient =
                in.coverage_input->indoor.thermally_efficient_share[static_cast<std::size_t>(
                    area.districts[static_cast<std::size_t>(d)].type)];
            radio = serve_point(in, st, point++, i, on_radio * people, on_radio * subscribers,
                                efficient, ds);
            if (in.extras.percentiles) {
                radio_rates[static_cast<std::size_t>(d)].push_back(
                    {radio.user_mbps, on_radio * subscribers});
            }
        }
        const PointService ps = on_fibre > 0.0 ? with_fibre(in, radio, on_fibre) : radio;
        if (on_fibre > 0.0) {
            ds.ftth_households += on_fibre * people / in.demand.household_size;
        }
        ds.served_population += ps.served_share * people;
        ds.served_indoor_population += ps.served_indoor_share * people;
        const bool reached = on_fibre > 0.0 || covered;
        map_service(in, ps, reached, i, out);
        if (reached) {
            ds.reached_population += covered ? people : on_fibre * people;
        }
        if (mix) {
            count_served_alone(in, out, load_alone, i, people, subscribers, on_fibre, ds);
        }
    }
}

// weighted_quantile's value for the total weight `total` of `sample`, reordering it: by
// selection around the middle of the range that holds the quantile (std::nth_element), keeping
// the half that does with the weight of every value before it, then a scan of the last few
// values in order. Linear time, where sorting the sample was a twentieth of a Hanoi run.
double quantile_by_selection(std::vector<WeightedValue>& sample, double total, double q) {
    if (!(total > 0.0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const auto by_value = [](const WeightedValue& a, const WeightedValue& b) {
        return a.value < b.value;
    };
    const double target = q * total;
    const auto at = [&sample](std::size_t i) {
        return sample.begin() + static_cast<std::ptrdiff_t>(i);
    };
    std::size_t lo = 0;
    std::size_t hi = sample.size();
    double before = 0.0; // the weight of sample[0, lo), every value there below those in [lo, hi)
    constexpr std::size_t scanned = 32;
    while (hi - lo > scanned) {
        const std::size_t mid = lo + (hi - lo) / 2;
        std::nth_element(at(lo), at(mid), at(hi), by_value);
        double weight = 0.0;
        for (std::size_t i = lo; i <= mid; ++i) {
            weight += sample[i].weight;
        }
        if (before + weight >= target) {
            hi = mid + 1; // reached by sample[mid] or a smaller value
        } else {
            before += weight;
            lo = mid + 1; // the values after mid are not smaller than sample[mid]
        }
    }
    std::sort(at(lo), at(hi), by_value);
    for (std::size_t i = lo; i < hi; ++i) {
        before += sample[i].weight;
        if (before >= target) {
            return sample[i].value;
        }
    }
    return sample[hi - 1].value; // the largest value: rounding kept the sum below the target
}

double total_weight(const std::vector<WeightedValue>& sample) {
    double total = 0.0;
    for (const WeightedValue& v : sample) {
        total += v.weight;
    }
    return total;
}

ThroughputQuantiles quantiles_of(std::vector<WeightedValue> sample) {
    const double total = total_weight(sample);
    const double median = quantile_by_selection(sample, total, 0.5);
    return {quantile_by_selection(sample, total, 0.1), median};
}

// Step 4: the user throughput percentiles of the subscribers on radio, per district and for the
// city.
void radio_throughput_percentiles(const std::vector<std::vector<WeightedValue>>& radio_rates,
                                  CapacityResult& out) {
    std::vector<WeightedValue> city;
    for (std::size_t d = 0; d < radio_rates.size(); ++d) {
        out.districts[d].radio_user_throughput = quantiles_of(radio_rates[d]);
        city.insert(city.end(), radio_rates[d].begin(), radio_rates[d].end());
    }
    out.city_radio_user_throughput = quantiles_of(std::move(city));
}

} // namespace

double weighted_quantile(std::vector<WeightedValue> sample, double q) {
    const double total = total_weight(sample);
    return quantile_by_selection(sample, total, q);
}

CapacityResult compute_capacity(const CapacityInput& in) {
    check(in);
    CapacityResult out;
    out.option_count = in.layers.size() + 1;
    out.layer_throughput_mbps =
        in.known_peak_throughputs != nullptr ? *in.known_peak_throughputs : peak_throughputs(in);

    // Step 2: the traffic steered between the layers (core/traffic_steering.hpp) and, for the
    // cheapest mix, each layer carrying alone the demand of every cell it covers.
    std::size_t cell_count = 0;
    const std::vector<std::size_t> cell_of = cells_of_sectors(in, cell_count);
    Steered st;
    st.problem = demand_points(in, out, cell_of, cell_count, st.option_layer, st.component_layer);
    st.result = steer_traffic(st.problem, in.traffic.steering);
    st.people_of_cell.assign(cell_count, 0.0);
    st.served_subscribers.assign(cell_count, 0.0);
    out.steering_iterations = st.result.iterations;
    out.steering_last_change = st.result.last_change;
    for (double rho : st.result.load) {
        out.overloaded_cells += rho >= 1.0 ? 1 : 0;
    }
    const std::vector<double> load_alone = loads_alone(in, out);

    std::vector<std::vector<WeightedValue>> radio_rates;
    serve_cells(in, st, load_alone, out, radio_rates);
    if (in.extras.percentiles) {
        radio_throughput_percentiles(radio_rates, out);
    }

    out.sectors.assign(in.coverage_input->sectors.size(), SectorLoad{});
    for (std::size_t s = 0; s < out.sectors.size(); ++s) {
        const std::size_t c = cell_of[s];
        const double rho = st.result.load[c];
        SectorLoad& sl = out.sectors[s];
        sl.load = rho;
        sl.offered_traffic_mbps = st.result.offered_mbps[c];
        sl.capacity_mbps = rho > 0.0 ? st.result.offered_mbps[c] / rho : 0.0;
        sl.served_subscribers = st.served_subscribers[c];
        sl.assigned_people = st.people_of_cell[c];
    }
    return out;
}

} // namespace covsim
