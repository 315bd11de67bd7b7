#include "core/capacity.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

#include <map>
#include <tbb/blocked_range.h>
#include <tuple>

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
    if (in.layers.size() != in.coverage_input->layers.size() ||
        in.ftth_district.size() != in.coverage_input->area->district_count()) {
        throw Error(ErrorCode::internal, "compute_capacity: inconsistent input sizes");
    }
}

} // namespace

CapacityResult compute_capacity(const CapacityInput& in) {
    check(in);
    const StudyArea& area = *in.coverage_input->area;
    const CoverageMaps& maps = in.coverage->maps;
    const Grid& grid = area.grid;
    const std::size_t layer_count = in.layers.size();
    const std::size_t sector_count = in.coverage_input->sectors.size();
    const DemandSpec& demand = in.demand;

    CapacityResult out;
    out.option_count = layer_count + 1;
    const bool mix = out.option_count <= max_mix_options;
    const std::size_t fibre_bit = std::size_t{1} << layer_count;

    // 1. Peak throughput of each layer's best server, cell by cell (independent: parallel).
    out.layer_throughput_mbps.assign(layer_count, Raster<float>(grid, map_nodata));
    parallel::for_ranges(tbb::blocked_range<std::size_t>(0, grid.cell_count(), 1 << 14),
                         [&](const tbb::blocked_range<std::size_t>& r) {
                             for (std::size_t l = 0; l < layer_count; ++l) {
                                 const LayerMaps& lm = maps.layers[l];
                                 const CapacityLayer& cl = in.layers[l];
                                 for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                     if (lm.best_server.values[i] == no_server) {
                                         continue;
                                     }
                                     out.layer_throughput_mbps[l].values[i] = static_cast<float>(
                                         peak_throughput_mbps(cl.throughput, lm.sinr_db.values[i],
                                                              cl.occupied_bandwidth_hz));
                                 }
                             }
                         });

    // 2. Loads, in cell order (one fixed order: bit-identical for any thread count).
    std::size_t cell_count = 0;
    const std::vector<std::size_t> cell_of = cells_of_sectors(in, cell_count);
    std::vector<double> load(cell_count, 0.0);
    std::vector<double> offered(cell_count, 0.0);
    std::vector<double> people_of_cell(cell_count, 0.0);
    std::vector<double> load_alone(sector_count, 0.0); // each layer carrying alone
    auto demand_at = [&](std::size_t i, std::int16_t d) {
        const auto type =
            static_cast<std::size_t>(area.districts[static_cast<std::size_t>(d)].type);
        const double subscribers =
            area.population.values[i] * demand.adoption[type] * demand.market_share;
        return std::pair{subscribers, subscribers * demand.busy_hour_demand_mbps};
    };
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            continue;
        }
        const auto [subscribers, offered_mbps] = demand_at(i, d);
        if (!in.ftth_district[static_cast<std::size_t>(d)] && maps.covered.values[i] == 1) {
            const std::size_t l = maps.serving_layer.values[i];
            const double r = out.layer_throughput_mbps[l].values[i];
            const std::size_t c = cell_of[static_cast<std::size_t>(maps.best_server.values[i])];
            people_of_cell[c] += area.population.values[i];
            if (r > 0.0) {
                load[c] += offered_mbps / r;
                offered[c] += offered_mbps;
            }
        }
        for (std::size_t l = 0; l < layer_count; ++l) {
            const double r = out.layer_throughput_mbps[l].values[i];
            if (maps.layers[l].covered.values[i] == 1 && r > 0.0) {
                load_alone[static_cast<std::size_t>(maps.layers[l].best_server.values[i])] +=
                    offered_mbps / r;
            }
        }
    }
    for (double rho : load) {
        out.overloaded_cells += rho >= 1.0 ? 1 : 0;
    }

    // 3. Service, cell by cell, and the district sums in cell order.
    out.throughput_mbps = Raster<float>(grid, map_nodata);
    out.user_throughput_mbps = Raster<float>(grid, map_nodata);
    out.served = Raster<std::uint8_t>(grid, flag_nodata);
    out.districts.assign(area.district_count(), DistrictService{});
    for (DistrictService& ds : out.districts) {
        ds.people_by_options.assign(mix ? std::size_t{1} << out.option_count : 0, 0.0);
        ds.fwa_households_alone.assign(layer_count, 0.0);
    }
    std::vector<double> served_subscribers(cell_count, 0.0);
    const double min_thr = demand.min_user_throughput_mbps;
    for (std::size_t i = 0; i < grid.cell_count(); ++i) {
        const std::int16_t d = area.district_index.values[i];
        if (d == no_district) {
            continue;
        }
        DistrictService& ds = out.districts[static_cast<std::size_t>(d)];
        const double people = area.population.values[i];
        const auto [subscribers, offered_mbps] = demand_at(i, d);
        const double households = subscribers / demand.household_size;
        const bool fibre = in.ftth_district[static_cast<std::size_t>(d)];
        const bool covered = maps.covered.values[i] == 1;
        ds.subscribers += subscribers;
        ds.offered_traffic_mbps += offered_mbps;

        bool served = false;
        out.served.values[i] = 0;
        if (fibre) {
            served = in.ftth_speed_mbps >= min_thr;
            out.throughput_mbps.values[i] = static_cast<float>(in.ftth_speed_mbps);
            out.user_throughput_mbps.values[i] = static_cast<float>(in.ftth_speed_mbps);
            ds.ftth_households += people / demand.household_size;
        } else if (covered) {
            const std::size_t l = maps.serving_layer.values[i];
            const double r = out.layer_throughput_mbps[l].values[i];
            const std::size_t c = cell_of[static_cast<std::size_t>(maps.best_server.values[i])];
            const double user = load[c] < 1.0 ? r * (1.0 - load[c]) : 0.0;
            served = r > 0.0 && user >= min_thr;
            out.throughput_mbps.values[i] = static_cast<float>(r);
            out.user_throughput_mbps.values[i] = static_cast<float>(user);
            if (served) {
                served_subscribers[c] += subscribers;
                if (in.layers[l].service == Service::fwa) {
                    ds.fwa_subscriber_households += households;
                }
            }
        }
        if (served) {
            out.served.values[i] = 1;
            ds.served_population += people;
        }
        if (fibre || covered) {
            ds.reached_population += people;
        }

        if (!mix) {
            continue;
        }
        std::size_t mask = fibre ? fibre_bit : 0;
        for (std::size_t l = 0; l < layer_count; ++l) {
            const double r = out.layer_throughput_mbps[l].values[i];
            if (maps.layers[l].covered.values[i] != 1 || !(r > 0.0)) {
                continue;
            }
            const double rho =
                load_alone[static_cast<std::size_t>(maps.layers[l].best_server.values[i])];
            if (rho < 1.0 && r * (1.0 - rho) >= min_thr) {
                mask |= std::size_t{1} << l;
                if (in.layers[l].service == Service::fwa) {
                    ds.fwa_households_alone[l] += households;
                }
            }
        }
        ds.people_by_options[mask] += people;
    }

    out.sectors.assign(sector_count, SectorLoad{});
    for (std::size_t s = 0; s < sector_count; ++s) {
        const std::size_t c = cell_of[s];
        SectorLoad& sl = out.sectors[s];
        sl.load = load[c];
        sl.offered_traffic_mbps = offered[c];
        sl.capacity_mbps = load[c] > 0.0 ? offered[c] / load[c] : 0.0;
        sl.served_subscribers = served_subscribers[c];
        sl.assigned_people = people_of_cell[c];
    }
    return out;
}

} // namespace covsim
