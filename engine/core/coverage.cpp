#include "core/coverage.hpp"

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/propagation/free_space.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <limits>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <utility>

namespace covsim {

namespace {

namespace bgi = boost::geometry::index;
using SectorEntry = std::pair<Point, std::uint32_t>;
using SectorTree = bgi::rtree<SectorEntry, bgi::rstar<16>>;

// The best server of one layer at one cell.
struct LayerCell {
    double rsrp_dbm = 0.0;
    double sinr_db = 0.0;
    std::int32_t server = no_server;
    bool covered = false;
};

// Per-thread scratch, reused across tiles: no allocation in the steady state.
struct Scratch {
    std::vector<std::size_t> cell_index;
    std::vector<double> cell_x;
    std::vector<double> cell_y;
    std::vector<std::int16_t> cell_district;
    std::vector<DistrictType> cell_type;

    std::vector<double> best_mw;
    std::vector<std::int32_t> best_sector;
    std::vector<double> sum_mw;

    std::vector<std::size_t> pair_cell; // in-range cells of the current sector
    std::vector<double> pair_distance;
    std::vector<Environment> pair_environment;
    std::vector<double> pair_loss;
    std::vector<SectorEntry> candidates;

    std::vector<LayerCell> layer_cells; // [layer * n + cell]
};

void check_input(const CoverageInput& in) {
    if (in.area == nullptr) {
        throw Error(ErrorCode::internal, "compute_coverage: no study area");
    }
    if (in.layers.size() >= flag_nodata) {
        throw Error(ErrorCode::internal, "compute_coverage: too many layers");
    }
    for (const CoverageLayer& l : in.layers) {
        if (l.model == nullptr) {
            throw Error(ErrorCode::internal,
                        "compute_coverage: layer '" + l.name + "' has no model");
        }
    }
    for (const Sector& s : in.sectors) {
        if (s.layer >= in.layers.size()) {
            throw Error(ErrorCode::internal,
                        "compute_coverage: sector '" + s.site_id + "' has no layer");
        }
    }
    if (in.tile_size <= 0) {
        throw Error(ErrorCode::internal, "compute_coverage: tile size must be positive");
    }
}

Raster<float> float_map(const Grid& g) {
    return Raster<float>(g, map_nodata);
}
Raster<std::int32_t> server_map(const Grid& g) {
    return Raster<std::int32_t>(g, no_server);
}
Raster<std::uint8_t> flag_map(const Grid& g) {
    return Raster<std::uint8_t>(g, flag_nodata);
}

class Kernel {
public:
    explicit Kernel(const CoverageInput& in) : in_(in), grid_(in.area->grid) {
        trees_.resize(in.layers.size());
        std::vector<std::vector<SectorEntry>> entries(in.layers.size());
        for (std::size_t i = 0; i < in.sectors.size(); ++i) {
            const Sector& s = in.sectors[i];
            entries[s.layer].emplace_back(Point(s.x_m, s.y_m), static_cast<std::uint32_t>(i));
        }
        for (std::size_t l = 0; l < entries.size(); ++l) {
            trees_[l] = SectorTree(entries[l].begin(), entries[l].end()); // packing constructor
        }
    }

    CoverageResult run() {
        CoverageResult result;
        CoverageMaps& m = result.maps;
        m.rsrp_dbm = float_map(grid_);
        m.sinr_db = float_map(grid_);
        m.best_server = server_map(grid_);
        m.serving_layer = flag_map(grid_);
        m.covered = flag_map(grid_);
        m.layers.resize(in_.layers.size());
        for (LayerMaps& lm : m.layers) {
            lm.rsrp_dbm = float_map(grid_);
            lm.sinr_db = float_map(grid_);
            lm.best_server = server_map(grid_);
            lm.covered = flag_map(grid_);
        }

        const std::int64_t ts = in_.tile_size;
        tiles_x_ = (grid_.width + ts - 1) / ts;
        tiles_y_ = (grid_.height + ts - 1) / ts;
        const auto tile_count = static_cast<std::size_t>(tiles_x_ * tiles_y_);
        std::vector<PartialTable> partials(tile_count);
        std::vector<CoverageStatus> statuses(tile_count);

        tbb::enumerable_thread_specific<Scratch> scratch;
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tile_count),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                              Scratch& s = scratch.local();
                              for (std::size_t t = r.begin(); t != r.end(); ++t) {
                                  process_tile(t, s, m, partials[t], statuses[t]);
                              }
                          });

        result.districts = reduce_in_order(partials, in_.area->district_count(), in_.layers.size());
        for (const CoverageStatus& st : statuses) {
            result.status.add(st);
        }
        return result;
    }

private:
    void process_tile(std::size_t tile, Scratch& s, CoverageMaps& maps, PartialTable& partial,
                      CoverageStatus& status) const {
        const std::int64_t ts = in_.tile_size;
        const std::int64_t tx = static_cast<std::int64_t>(tile) % tiles_x_;
        const std::int64_t ty = static_cast<std::int64_t>(tile) / tiles_x_;
        const std::int64_t col0 = tx * ts;
        const std::int64_t row0 = ty * ts;
        const std::int64_t col1 = std::min(col0 + ts, grid_.width);
        const std::int64_t row1 = std::min(row0 + ts, grid_.height);

        gather_cells(s, col0, row0, col1, row1);
        const std::size_t n = s.cell_index.size();
        if (n == 0) {
            return;
        }
        status.cells += n;

        const std::size_t layer_count = in_.layers.size();
        s.layer_cells.assign(layer_count * n, LayerCell{});
        const Box tile_box(Point(grid_.center_x_m(col0), grid_.center_y_m(row1 - 1)),
                           Point(grid_.center_x_m(col1 - 1), grid_.center_y_m(row0)));
        for (std::size_t l = 0; l < layer_count; ++l) {
            evaluate_layer(l, tile_box, s, maps.layers[l], status);
        }
        combine_layers(s, maps, partial, status);
    }

    void gather_cells(Scratch& s, std::int64_t col0, std::int64_t row0, std::int64_t col1,
                      std::int64_t row1) const {
        s.cell_index.clear();
        s.cell_x.clear();
        s.cell_y.clear();
        s.cell_district.clear();
        s.cell_type.clear();
        const StudyArea& area = *in_.area;
        for (std::int64_t row = row0; row < row1; ++row) {
            for (std::int64_t col = col0; col < col1; ++col) {
                const std::size_t idx = grid_.index(col, row);
                const std::int16_t d = area.district_index.values[idx];
                if (d == no_district) {
                    continue;
                }
                s.cell_index.push_back(idx);
                s.cell_x.push_back(grid_.center_x_m(col));
                s.cell_y.push_back(grid_.center_y_m(row));
                s.cell_district.push_back(d);
                s.cell_type.push_back(area.districts[static_cast<std::size_t>(d)].type);
            }
        }
    }

    void evaluate_layer(std::size_t l, const Box& tile_box, Scratch& s, LayerMaps& lm,
                        CoverageStatus& status) const {
        const CoverageLayer& layer = in_.layers[l];
        const std::size_t n = s.cell_index.size();
        const double range = layer.max_range_m;

        s.candidates.clear();
        const Box query(
            Point(tile_box.min_corner().x() - range, tile_box.min_corner().y() - range),
            Point(tile_box.max_corner().x() + range, tile_box.max_corner().y() + range));
        trees_[l].query(bgi::intersects(query), std::back_inserter(s.candidates));
        // R-tree order depends on its internal layout; sort for a fixed evaluation order.
        std::sort(s.candidates.begin(), s.candidates.end(),
                  [](const SectorEntry& a, const SectorEntry& b) { return a.second < b.second; });

        s.best_mw.assign(n, 0.0);
        s.best_sector.assign(n, no_server);
        s.sum_mw.assign(n, 0.0);

        Link link;
        link.frequency_mhz = layer.frequency_mhz;
        link.rx_height_m = layer.rx_height_m;
        link.los = layer.los;
        const double range2 = range * range;

        for (const SectorEntry& cand : s.candidates) {
            const Sector& sector = in_.sectors[cand.second];
            s.pair_cell.clear();
            s.pair_distance.clear();
            s.pair_environment.clear();
            for (std::size_t i = 0; i < n; ++i) {
                const double dx = s.cell_x[i] - sector.x_m;
                const double dy = s.cell_y[i] - sector.y_m;
                const double d2 = dx * dx + dy * dy;
                if (d2 > range2) {
                    continue;
                }
                s.pair_cell.push_back(i);
                s.pair_distance.push_back(std::max(std::sqrt(d2), minimum_distance_m));
                s.pair_environment.push_back(
                    layer.environment[static_cast<std::size_t>(s.cell_type[i])]);
            }
            const std::size_t k = s.pair_cell.size();
            if (k == 0) {
                continue;
            }
            status.pixel_sectors += k;
            s.pair_loss.resize(k);
            link.tx_height_m = sector.height_m;
            layer.model->path_losses_db(link, s.pair_distance, s.pair_environment, s.pair_loss);

            const double dh = sector.height_m - layer.rx_height_m;
            const double tx_dbm = sector.power_dbm + layer.re_offset_db + layer.rx_gain_dbi;
            const bool omni = !sector.azimuth_deg.has_value();
            const double azimuth = sector.azimuth_deg.value_or(0.0);
            const double tilt = sector.total_tilt_deg();
            for (std::size_t j = 0; j < k; ++j) {
                const std::size_t i = s.pair_cell[j];
                const double d = s.pair_distance[j];
                const double d3 = std::sqrt(d * d + dh * dh);
                const double loss =
                    std::max(s.pair_loss[j], p525::free_space_loss_db(d3, layer.frequency_mhz));
                if (!std::isfinite(loss)) {
                    ++status.non_finite_losses;
                    continue;
                }
                const double dx = s.cell_x[i] - sector.x_m;
                const double dy = s.cell_y[i] - sector.y_m;
                const double bearing = std::atan2(dx, dy) * rad_to_deg;
                const double depression = std::atan2(dh, d) * rad_to_deg;
                const double gain =
                    layer.antenna.gain_dbi_towards(bearing - azimuth, depression - tilt, omni);
                const double p_mw = std::pow(10.0, (tx_dbm + gain - loss) / 10.0);
                s.sum_mw[i] += p_mw;
                if (p_mw > s.best_mw[i]) {
                    s.best_mw[i] = p_mw;
                    s.best_sector[i] = static_cast<std::int32_t>(cand.second);
                }
            }
        }

        const double noise_mw = std::pow(10.0, layer.noise_per_re_dbm / 10.0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t idx = s.cell_index[i];
            LayerCell& c = s.layer_cells[l * n + i];
            lm.covered.values[idx] = 0;
            if (s.best_sector[i] == no_server) {
                continue;
            }
            const double interference = layer.load * std::max(0.0, s.sum_mw[i] - s.best_mw[i]);
            c.server = s.best_sector[i];
            c.rsrp_dbm = 10.0 * std::log10(s.best_mw[i]);
            c.sinr_db = 10.0 * std::log10(s.best_mw[i] / (interference + noise_mw));
            c.covered = c.rsrp_dbm >= layer.rsrp_min_dbm && c.sinr_db >= layer.sinr_min_db &&
                        layer.serves[static_cast<std::size_t>(s.cell_type[i])];
            lm.rsrp_dbm.values[idx] = static_cast<float>(c.rsrp_dbm);
            lm.sinr_db.values[idx] = static_cast<float>(c.sinr_db);
            lm.best_server.values[idx] = c.server;
            lm.covered.values[idx] = c.covered ? 1 : 0;
        }
    }

    // True when layer a serves a cell better than layer b.
    bool better(std::size_t a, const LayerCell& ca, std::size_t b, const LayerCell& cb) const {
        if (ca.covered != cb.covered) {
            return ca.covered;
        }
        if (ca.covered) {
            const int pa = in_.layers[a].priority;
            const int pb = in_.layers[b].priority;
            if (pa != pb) {
                return pa > pb;
            }
            return ca.sinr_db > cb.sinr_db;
        }
        // Neither covers: show the one closest to its RSRP threshold.
        return ca.rsrp_dbm - in_.layers[a].rsrp_min_dbm > cb.rsrp_dbm - in_.layers[b].rsrp_min_dbm;
    }

    void combine_layers(const Scratch& s, CoverageMaps& maps, PartialTable& partial,
                        CoverageStatus& status) const {
        const std::size_t n = s.cell_index.size();
        const std::size_t layer_count = in_.layers.size();
        const double cell_km2 = grid_.cell_area_m2() / 1e6;
        partial.clear();
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t idx = s.cell_index[i];
            std::size_t best = layer_count;
            for (std::size_t l = 0; l < layer_count; ++l) {
                const LayerCell& c = s.layer_cells[l * n + i];
                if (c.server == no_server) {
                    continue;
                }
                if (best == layer_count || better(l, c, best, s.layer_cells[best * n + i])) {
                    best = l;
                }
            }
            maps.covered.values[idx] = 0;
            bool covered = false;
            if (best == layer_count) {
                ++status.cells_without_signal;
            } else {
                const LayerCell& c = s.layer_cells[best * n + i];
                covered = c.covered;
                maps.rsrp_dbm.values[idx] = static_cast<float>(c.rsrp_dbm);
                maps.sinr_db.values[idx] = static_cast<float>(c.sinr_db);
                maps.best_server.values[idx] = c.server;
                maps.serving_layer.values[idx] = static_cast<std::uint8_t>(best);
                maps.covered.values[idx] = covered ? 1 : 0;
            }

            const std::int32_t d = s.cell_district[i];
            auto it =
                std::lower_bound(partial.begin(), partial.end(), d,
                                 [](const auto& e, std::int32_t key) { return e.first < key; });
            if (it == partial.end() || it->first != d) {
                it = partial.emplace(it, d, DistrictTotals(layer_count));
            }
            DistrictTotals& t = it->second;
            const double people = in_.area->population.values[idx];
            t.population += people;
            t.area_km2 += cell_km2;
            if (covered) {
                t.covered_population += people;
                t.covered_area_km2 += cell_km2;
            }
            for (std::size_t l = 0; l < layer_count; ++l) {
                if (s.layer_cells[l * n + i].covered) {
                    t.layer_covered_population[l] += people;
                }
            }
        }
    }

    const CoverageInput& in_;
    const Grid& grid_;
    std::vector<SectorTree> trees_;
    std::int64_t tiles_x_ = 0;
    std::int64_t tiles_y_ = 0;
};

} // namespace

CoverageResult compute_coverage(const CoverageInput& input) {
    check_input(input);
    return Kernel(input).run();
}

} // namespace covsim
