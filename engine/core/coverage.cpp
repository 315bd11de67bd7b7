#include "core/coverage.hpp"

#include "core/coverage_tiles.hpp"
#include "core/error.hpp"
#include "core/fast_math.hpp"
#include "core/geometry.hpp"
#include "core/isa.hpp"
#include "core/parallel.hpp"
#include "core/propagation/free_space.hpp"
#include "core/propagation/itm.hpp"
#include "core/propagation/itm_link.hpp"
#include "core/propagation/loss_table.hpp"
#include "core/propagation/p2108.hpp"
#include "core/propagation/p2109.hpp"
#include "core/propagation/p526.hpp"
#include "core/terrain.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <type_traits>
#include <utility>

namespace covsim {

namespace {

namespace bgi = boost::geometry::index;
using SectorEntry = std::pair<Point, std::uint32_t>;
using SectorTree = bgi::rtree<SectorEntry, bgi::rstar<16>>;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The best server of one layer at one cell.
struct LayerCell {
    double rsrp_dbm = 0.0;
    double sinr_db = 0.0;
    std::int32_t server = no_server;
    bool covered = false;
    std::uint8_t indoor = indoor_none;
    std::uint8_t line_of_sight = flag_nodata;
};

// Per-thread scratch, reused across tiles: no allocation in the steady state.
struct Scratch {
    std::vector<std::size_t> cell_index;
    std::vector<double> cell_x;
    std::vector<double> cell_y;
    std::vector<double> cell_ground; // NaN without terrain
    std::vector<std::int16_t> cell_district;
    std::vector<DistrictType> cell_type;
    std::vector<std::uint8_t> cell_clutter;

    std::vector<double> best_mw;
    std::vector<double> best_flat_dbm; // best flat-terrain power of the layer, terrain runs
    std::vector<std::int32_t> best_sector;
    std::vector<double> best_distance;
    std::vector<std::uint8_t> best_line_of_sight; // terrain runs: of the best pair, or unknown
    std::vector<double> sum_mw;
    std::vector<double> cell_extra_loss_db; // per-cell add-ons of the layer (terminal clutter)

    // The in-range cells of the current sector, structure of arrays: index, horizontal distance
    // (floored at minimum_distance_m), offsets from the sector, height difference for the
    // depression angle, per-cell add-on loss, then the flat-terrain loss, antenna gain, received
    // power in dBm and in mW.
    std::vector<std::size_t> pair_cell;
    std::vector<double> pair_distance;
    std::vector<double> pair_dx;
    std::vector<double> pair_dy;
    std::vector<double> pair_dz;
    std::vector<double> pair_extra;
    std::vector<Environment> pair_environment;
    std::vector<double> pair_loss;
    std::vector<double> pair_gain;
    std::vector<double> pair_dbm;
    std::vector<double> pair_mw;
    std::vector<SectorEntry> candidates;
    TerrainProfile profile;
    std::vector<double> exact_losses; // DistanceLossTable::losses_db's working memory

    // Terrain losses of the current mast, per cell of the tile: sectors of one site share the
    // position, antenna height and ground, hence every profile and terrain loss; the first
    // sector that needs a cell's computes it, the others reuse it. An entry holds for the mast
    // whose stamp it carries and for the same flat loss and add-ons it was computed from.
    struct TerrainMemo {
        std::uint64_t stamp = 0;
        double flat_loss_db = 0.0;
        double add_ons_db = 0.0;
        double loss_db = 0.0;
        bool over_terrain = false; // false: no profile (too short, or an end without elevation)
        std::uint8_t line_of_sight = 1; // of the profile; 1 without one (nothing in between)
    };
    std::vector<TerrainMemo> terrain_memo;
    std::uint64_t mast_stamp = 0;
    // The radial field last fetched (terrain_method radial), for the mast of mast_field_sector
    // in mast_field_layer.
    std::shared_ptr<const RadialField> mast_field;
    const CoverageLayer* mast_field_layer = nullptr;
    const Sector* mast_field_sector = nullptr;

    // The tile as a full rectangle (row-major, tile_width per row), for the span kernel: the
    // rectangle index of each gathered cell, per column x and per row y, per cell the ground,
    // the environment and add-on loss of the current layer, 1 inside a district, and the
    // accumulators of the current layer.
    std::int64_t tile_width = 0;
    std::int64_t tile_height = 0;
    std::vector<std::size_t> cell_rect;
    std::vector<double> col_x;
    std::vector<double> row_y;
    std::vector<double> rect_ground;
    std::vector<Environment> rect_environment;
    std::vector<double> rect_extra;
    std::vector<double> rect_valid;
    // Per row of the tile, the first column inside a district and one past the last (0, 0 for a
    // row without one): the span kernel skips the columns outside, which hold no cell.
    std::vector<std::size_t> row_first;
    std::vector<std::size_t> row_end;
    std::vector<double> rect_best_mw;
    std::vector<double> rect_sum_mw;
    std::vector<double> rect_server; // candidate index, exact in a double; -1 none
    std::vector<double> rect_distance;
    // Per cell of the current span, shared by the sectors of one mast: 1 in range (and in a
    // district) else 0, the flat loss, the bearing and the depression angle.
    std::vector<double> span_in_range;
    std::vector<double> span_flat_loss;
    std::vector<double> span_bearing;
    std::vector<double> span_depression;

    std::vector<LayerCell> layer_cells; // [layer * n + cell]

    // What each layer's accumulation left (the vectors above, swapped in once the layer is
    // done), kept until every layer's SINR can be finished with the others' interference.
    struct LayerSums {
        std::vector<double> best_mw;
        std::vector<std::int32_t> best_sector;
        std::vector<double> best_distance;
        std::vector<std::uint8_t> best_line_of_sight;
        std::vector<double> sum_mw;
    };
    std::vector<LayerSums> layer_sums;
    // Per layer and cell, the other layers' interference at this layer's receiver, mW per RE of
    // this layer, weighted by their loads: [layer * n + cell].
    std::vector<double> cross_mw;
};

} // namespace

// What remember_layers() kept: per tile and remembered layer, what accumulate() left and the
// pairs it counted; and what it was computed from, to check each input that uses it.
class CoverageMemo {
public:
    struct Entry {
        Scratch::LayerSums sums;
        CoverageStatus status; // the pairs only (accumulate's counts)
    };
    Grid grid;
    std::int64_t tile_size = 0;
    std::vector<bool> remembered; // per layer
    // The remembered layers' sectors, with their indexes in the input, in the input's order.
    std::vector<std::pair<std::size_t, Sector>> sectors;
    std::vector<Entry> entries; // [tile * layers + layer], remembered layers only

    [[nodiscard]] const Entry& at(std::size_t tile, std::size_t layer) const {
        return entries[tile * remembered.size() + layer];
    }
};

// The cache's tables by layer index and antenna height, each made once (by the first run that
// asks, the others waiting for it and helping: parallel::call_once).
struct LossTableCache::Impl {
    struct Entry {
        parallel::OnceFlag once;
        std::shared_ptr<const DistanceLossTable> table;
    };
    std::mutex mutex;
    std::map<std::pair<std::size_t, double>, std::shared_ptr<Entry>> entries;

    template <typename Make>
    std::shared_ptr<const DistanceLossTable> get(std::size_t layer, double height_m, Make&& make) {
        std::shared_ptr<Entry> entry;
        {
            const std::lock_guard lock(mutex);
            std::shared_ptr<Entry>& slot = entries[{layer, height_m}];
            if (slot == nullptr) {
                slot = std::make_shared<Entry>();
            }
            entry = slot;
        }
        parallel::call_once(entry->once, [&] { entry->table = make(); });
        return entry->table;
    }
};

namespace {

bool same_number(double a, double b) noexcept {
    return a == b || (std::isnan(a) && std::isnan(b));
}

bool same_sector(const Sector& a, const Sector& b) noexcept {
    return a.site_id == b.site_id && a.sector_id == b.sector_id && a.layer == b.layer &&
           a.x_m == b.x_m && a.y_m == b.y_m && a.height_m == b.height_m &&
           a.azimuth_deg == b.azimuth_deg && a.mechanical_tilt_deg == b.mechanical_tilt_deg &&
           a.electrical_tilt_deg == b.electrical_tilt_deg && a.power_dbm == b.power_dbm &&
           a.district == b.district && same_number(a.ground_m, b.ground_m) &&
           a.antenna == b.antenna;
}

// The sectors of the layers `remember` marks, with their indexes.
std::vector<std::pair<std::size_t, Sector>> remembered_sectors(const CoverageInput& in,
                                                               const std::vector<bool>& remember) {
    std::vector<std::pair<std::size_t, Sector>> out;
    for (std::size_t i = 0; i < in.sectors.size(); ++i) {
        if (remember[in.sectors[i].layer]) {
            out.emplace_back(i, in.sectors[i]);
        }
    }
    return out;
}

// The memo was made over this input's area, layers and tile size, and its remembered layers'
// sectors are the input's, at the same indexes.
void check_memo(const CoverageInput& in, const CoverageMemo& memo) {
    const Grid& g = in.area->grid;
    const bool same_tiles =
        memo.grid.width == g.width && memo.grid.height == g.height &&
        memo.grid.origin_x_m == g.origin_x_m && memo.grid.origin_y_m == g.origin_y_m &&
        memo.grid.cell_size_m == g.cell_size_m && memo.tile_size == in.tile_size;
    if (!same_tiles || memo.remembered.size() != in.layers.size()) {
        throw Error(ErrorCode::internal, "compute_coverage: the memo is of another area or layers");
    }
    const auto sectors = remembered_sectors(in, memo.remembered);
    const bool same = std::equal(sectors.begin(), sectors.end(), memo.sectors.begin(),
                                 memo.sectors.end(), [](const auto& a, const auto& b) {
                                     return a.first == b.first && same_sector(a.second, b.second);
                                 });
    if (!same) {
        throw Error(ErrorCode::internal,
                    "compute_coverage: the remembered layers' sectors are not the memo's");
    }
}

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
        if (l.model->needs_profile() && !in.area->terrain) {
            throw Error(ErrorCode::internal,
                        "compute_coverage: layer '" + l.name + "' needs terrain");
        }
    }
    for (std::size_t l = 0; l < in.layers.size(); ++l) {
        for (const CoverageLayer::Interferer& f : in.layers[l].interferers) {
            if (f.layer >= in.layers.size() || f.layer == l || !(f.coupling >= 0.0) ||
                !std::isfinite(f.coupling)) {
                throw Error(ErrorCode::internal, "compute_coverage: layer '" + in.layers[l].name +
                                                     "' has an invalid interferer");
            }
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
    if (in.memo) {
        check_memo(in, *in.memo);
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

// The link budget of one sector towards any cell, with the per-sector terms computed once.
// Both kernels below (the span kernel and the pair lists) evaluate a pair with these inline
// functions, written without calls (covsim::fast) so that their loops vectorise; the result of
// a pair does not depend on which kernel, instruction set or thread evaluates it.
struct SectorLink {
    double x_m = 0.0;
    double y_m = 0.0;
    double dh_m = 0.0;     // antenna heights above ground: tx - rx
    double ground_m = nan; // of the site; NaN without one
    double tx_dbm = 0.0;   // power per RE + rx gain
    double fs0_db = 0.0;   // free space: fs0 + 20 log10(d_3D)
    double azimuth_deg = 0.0;
    double tilt_deg = 0.0;
    double horizontal_on = 1.0; // 0 for an omnidirectional sector
    // TR 38.901 Table 7.3-1 parameters (AntennaPattern).
    double g_max_dbi = 0.0;
    double a_max_db = 0.0;
    double sla_db = 0.0;
    double h3_deg = 1.0;
    double v3_deg = 1.0;
    // Their reciprocals: the pattern multiplies by them (a division costs several
    // multiplications' time in the vectorised loops).
    double inv_h3 = 1.0;
    double inv_v3 = 1.0;

    SectorLink(const CoverageLayer& layer, const Sector& sector)
        : SectorLink(layer, sector, sector.antenna ? *sector.antenna : layer.antenna) {}
    SectorLink(const CoverageLayer& layer, const Sector& sector, const AntennaPattern& antenna)
        : x_m(sector.x_m), y_m(sector.y_m), dh_m(sector.height_m - layer.rx_height_m),
          ground_m(sector.ground_m),
          tx_dbm(sector.power_dbm + layer.re_offset_db + layer.rx_gain_dbi),
          fs0_db(20.0 * std::log10(4.0 * std::numbers::pi * layer.frequency_mhz * 1e6 /
                                   speed_of_light_m_s)),
          azimuth_deg(sector.azimuth_deg.value_or(0.0)), tilt_deg(sector.total_tilt_deg()),
          horizontal_on(sector.azimuth_deg.has_value() ? 1.0 : 0.0), g_max_dbi(antenna.gain_dbi),
          a_max_db(antenna.max_attenuation_db), sla_db(antenna.side_lobe_level_db),
          h3_deg(antenna.horizontal_beamwidth_deg), v3_deg(antenna.vertical_beamwidth_deg),
          inv_h3(1.0 / h3_deg), inv_v3(1.0 / v3_deg) {}

    // Height difference for the depression angle (Kernel::height_difference).
    [[nodiscard, gnu::always_inline]] double dz_m(double cell_ground_m) const noexcept {
        // Both finite (x - x is 0 for a finite x, NaN otherwise), without a branch.
        const bool both = (ground_m - ground_m) + (cell_ground_m - cell_ground_m) == 0.0;
        return both ? dh_m + ground_m - cell_ground_m : dh_m;
    }
    // max(model loss, free-space loss) + add-ons; NaN when the model's loss is NaN.
    [[nodiscard, gnu::always_inline]] double flat_loss_db(double model_db, double d_m,
                                                          double add_ons_db) const noexcept {
        const double fsl = fs0_db + 20.0 * fast::log10(std::sqrt(d_m * d_m + dh_m * dh_m));
        return (model_db < fsl ? fsl : model_db) + add_ons_db;
    }
    // True when every cell centre from (dx_lo, dy) to (dx_hi, dy) (offsets from the sector; one
    // row, dy != 0) is so far off the azimuth that the horizontal attenuation alone reaches
    // A_max: parametric_gain_dbi() is then g_max - A_max exactly there, whatever the elevation
    // (A_v >= 0). The bearing sweeps monotonically along a row that misses the site, through
    // less than 180 degrees, so its two ends decide; 1e-6 degree covers the polynomial's last
    // bits.
    [[nodiscard]] bool behind(double dx_lo, double dx_hi, double dy) const noexcept {
        constexpr double margin = 1e-6;
        const double cap = h3_deg * std::sqrt(a_max_db / 12.0) + margin; // 12 (phi/h3)^2 = A_max
        if (horizontal_on == 0.0 || dy == 0.0 || !(sla_db >= 0.0) || !(cap < 180.0)) {
            return false;
        }
        const auto off_azimuth = [this](double dx, double y) {
            double phi = std::fmod(fast::atan2_deg(dx, y) - azimuth_deg, 360.0);
            phi = phi <= -180.0 ? phi + 360.0 : phi;
            return phi > 180.0 ? phi - 360.0 : phi;
        };
        const double lo = off_azimuth(dx_lo, dy);
        const double hi = off_azimuth(dx_hi, dy);
        if (std::abs(lo) <= cap || std::abs(hi) <= cap) {
            return false;
        }
        // Ends on one side: the sweep between them stays there. On both sides: it must pass
        // behind (through 180 degrees), the shorter way when the two arcs from 0 exceed 180.
        return (lo > 0.0) == (hi > 0.0) || std::abs(lo) + std::abs(hi) > 180.0 + margin;
    }

    // AntennaPattern::gain_dbi_towards for the parametric pattern, inline.
    [[nodiscard, gnu::always_inline]] double
    parametric_gain_dbi(double dx_m, double dy_m, double dz_m, double d_m) const noexcept {
        return gain_towards(fast::atan2_deg(dx_m, dy_m), fast::atan2_deg(dz_m, d_m));
    }
    // The same from the bearing and the depression angle, degrees.
    [[nodiscard, gnu::always_inline]] double gain_towards(double bearing,
                                                          double depression) const noexcept {
        constexpr double round_magic = 6755399441055744.0; // 1.5 * 2^52
        const double v = (depression - tilt_deg) * inv_v3;
        const double av = 12.0 * v * v;
        const double a_v = av < sla_db ? av : sla_db;
        double phi = bearing - azimuth_deg;
        const double turns = (phi * (1.0 / 360.0) + round_magic) - round_magic;
        phi = phi - 360.0 * turns; // exact: wrapped to (-180, 180] below
        phi = phi <= -180.0 ? phi + 360.0 : phi;
        phi = phi > 180.0 ? phi - 360.0 : phi;
        const double h = phi * inv_h3;
        const double ah = 12.0 * h * h;
        const double a_h = (ah < a_max_db ? ah : a_max_db) * horizontal_on;
        const double a = a_v + a_h;
        return g_max_dbi - (a < a_max_db ? a : a_max_db);
    }
};

// The key of the radial field of `sector`'s mast for the layer, with its line of sight or
// without; nullopt when its model has no radial form (core/radial_terrain.hpp), which is then
// evaluated exactly.
std::optional<RadialKey> radial_key(const CoverageLayer& layer, const Sector& sector,
                                    bool line_of_sight) {
    const std::optional<RadialTerm> term = radial_term_for(*layer.model);
    if (!term) {
        return std::nullopt;
    }
    RadialKey k;
    k.term = *term;
    k.x_m = sector.x_m;
    k.y_m = sector.y_m;
    k.ground_m = sector.ground_m;
    k.tx_height_m = sector.height_m;
    k.rx_height_m = layer.rx_height_m;
    k.frequency_mhz = layer.frequency_mhz;
    k.range_m = layer.max_range_m;
    k.line_of_sight = line_of_sight;
    if (*term == RadialTerm::itm_attenuation) {
        Link link;
        link.tx_height_m = sector.height_m;
        link.rx_height_m = layer.rx_height_m;
        link.frequency_mhz = layer.frequency_mhz;
        link.path = layer.path;
        if (!itm_parameters_for(link, k.itm)) {
            return std::nullopt;
        }
    }
    return k;
}

// Calls f(flag) with the flag as a std::bool_constant, so that each value is its own loop.
template <typename F>
COVSIM_ALWAYS_INLINE inline void with_flag(bool flag, F&& f) {
    if (flag) {
        f(std::true_type{});
    } else {
        f(std::false_type{});
    }
}

// Whether two layers' receivers see a transmitter alike: the same height, antenna gain and
// terminal clutter correction give the same received power from any sector.
bool receiver_like(const CoverageLayer& a, const CoverageLayer& b) {
    return a.rx_height_m == b.rx_height_m && a.rx_gain_dbi == b.rx_gain_dbi &&
           a.terminal_clutter_correction == b.terminal_clutter_correction;
}

class Kernel {
public:
    explicit Kernel(const CoverageInput& in)
        : in_(in), grid_(in.area->grid), layout_(grid_, in.tile_size) {
        trees_.resize(in.layers.size());
        own_patterns_.assign(in.layers.size(), false);
        std::vector<std::vector<SectorEntry>> entries(in.layers.size());
        for (std::size_t i = 0; i < in.sectors.size(); ++i) {
            const Sector& s = in.sectors[i];
            entries[s.layer].emplace_back(Point(s.x_m, s.y_m), static_cast<std::uint32_t>(i));
            own_patterns_[s.layer] = own_patterns_[s.layer] || s.antenna != nullptr;
        }
        for (std::size_t l = 0; l < entries.size(); ++l) {
            trees_[l] = SectorTree(entries[l].begin(), entries[l].end()); // packing constructor
        }
        plan_interference(entries);
        tabulate_losses();
        const auto radial = [](const CoverageLayer& l) {
            return l.terrain_method == TerrainMethod::radial;
        };
        if (in.area->terrain && std::any_of(in.layers.begin(), in.layers.end(), radial)) {
            radial_fields_ = std::make_unique<RadialFieldCache>(
                *in.area->terrain,
                std::min(in.area->terrain->grid.cell_size_m, in.area->grid.cell_size_m));
        }
    }

    // The tiles t with t mod parts == part (all of them for one part), in parallel; every other
    // tile's cells stay nodata and its sums empty.
    CoverageTiles run(std::size_t part, std::size_t parts) {
        CoverageTiles out;
        out.layout = layout_;
        out.maps = empty_coverage_maps(in_);
        const std::size_t tile_count = out.layout.count();
        out.partials.resize(tile_count);
        out.statuses.resize(tile_count);
        const std::size_t owned = out.layout.count_of_part(part, parts);

        tbb::enumerable_thread_specific<Scratch> scratch;
        parallel::for_ranges(tbb::blocked_range<std::size_t>(0, owned),
                             [&](const tbb::blocked_range<std::size_t>& r) {
                                 Scratch& s = scratch.local();
                                 for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                     const std::size_t t = part + i * parts;
                                     process_tile(t, s, out.maps, out.partials[t], out.statuses[t]);
                                 }
                             });
        return out;
    }

    // What accumulate() leaves for the layers `remember` marks, tile by tile, in parallel.
    std::shared_ptr<const CoverageMemo> remember(const std::vector<bool>& remember) const {
        auto memo = std::make_shared<CoverageMemo>();
        memo->grid = grid_;
        memo->tile_size = in_.tile_size;
        memo->remembered = remember;
        memo->sectors = remembered_sectors(in_, remember);
        const std::size_t layer_count = in_.layers.size();
        memo->entries.resize(layout_.count() * layer_count);
        tbb::enumerable_thread_specific<Scratch> scratch;
        parallel::for_ranges(tbb::blocked_range<std::size_t>(0, layout_.count()),
                             [&](const tbb::blocked_range<std::size_t>& r) {
                                 Scratch& s = scratch.local();
                                 for (std::size_t t = r.begin(); t != r.end(); ++t) {
                                     CoverageStatus cells;
                                     const std::optional<Box> tile_box = begin_tile(t, s, cells);
                                     if (!tile_box) {
                                         continue;
                                     }
                                     for (std::size_t l = 0; l < layer_count; ++l) {
                                         if (!remember[l]) {
                                             continue;
                                         }
                                         CoverageMemo::Entry& e =
                                             memo->entries[t * layer_count + l];
                                         accumulate(in_.layers[l], trees_[l], own_patterns_[l],
                                                    *tile_box, s, e.status);
                                         keep_sums(s, e.sums);
                                     }
                                 }
                             });
        return memo;
    }

private:
    // The district cells of tile `tile` into `s` (gather_cells) and the box of the tile's cell
    // centres; nullopt when no cell of the tile lies in a district. The first step of
    // process_tile and of remember, which must see the same cells.
    std::optional<Box> begin_tile(std::size_t tile, Scratch& s, CoverageStatus& status) const {
        const auto [col0, row0, col1, row1] = layout_.rect(tile);
        gather_cells(s, col0, row0, col1, row1, status);
        if (s.cell_index.empty()) {
            return std::nullopt;
        }
        return Box(Point(grid_.center_x_m(col0), grid_.center_y_m(row1 - 1)),
                   Point(grid_.center_x_m(col1 - 1), grid_.center_y_m(row0)));
    }

    void process_tile(std::size_t tile, Scratch& s, CoverageMaps& maps, PartialTable& partial,
                      CoverageStatus& status) const {
        const std::optional<Box> box = begin_tile(tile, s, status);
        if (!box) {
            return;
        }
        const Box& tile_box = *box;
        const std::size_t n = s.cell_index.size();
        status.cells += n;

        const std::size_t layer_count = in_.layers.size();
        s.layer_cells.assign(layer_count * n, LayerCell{});
        s.layer_sums.resize(layer_count);
        for (std::size_t l = 0; l < layer_count; ++l) {
            if (in_.memo && in_.memo->remembered[l]) {
                const CoverageMemo::Entry& e = in_.memo->at(tile, l);
                s.layer_sums[l] = e.sums;
                status.add(e.status);
                continue;
            }
            accumulate(in_.layers[l], trees_[l], own_patterns_[l], tile_box, s, status);
            keep_sums(s, s.layer_sums[l]);
        }
        interference_between_layers(tile_box, s);
        for (std::size_t l = 0; l < layer_count; ++l) {
            finish_layer(l, s, maps.layers[l]);
        }
        combine_layers(s, maps, partial, status);
    }

    void gather_cells(Scratch& s, std::int64_t col0, std::int64_t row0, std::int64_t col1,
                      std::int64_t row1, CoverageStatus& status) const {
        s.cell_index.clear();
        s.cell_x.clear();
        s.cell_y.clear();
        s.cell_ground.clear();
        s.cell_district.clear();
        s.cell_type.clear();
        s.cell_clutter.clear();
        s.cell_rect.clear();
        s.tile_width = col1 - col0;
        s.tile_height = row1 - row0;
        const auto rect = static_cast<std::size_t>(s.tile_width * s.tile_height);
        s.col_x.resize(static_cast<std::size_t>(s.tile_width));
        s.row_y.resize(static_cast<std::size_t>(s.tile_height));
        for (std::int64_t col = col0; col < col1; ++col) {
            s.col_x[static_cast<std::size_t>(col - col0)] = grid_.center_x_m(col);
        }
        for (std::int64_t row = row0; row < row1; ++row) {
            s.row_y[static_cast<std::size_t>(row - row0)] = grid_.center_y_m(row);
        }
        s.rect_ground.assign(rect, nan);
        s.rect_valid.assign(rect, 0.0);
        s.row_first.assign(static_cast<std::size_t>(s.tile_height), 0);
        s.row_end.assign(static_cast<std::size_t>(s.tile_height), 0);
        const StudyArea& area = *in_.area;
        for (std::int64_t row = row0; row < row1; ++row) {
            for (std::int64_t col = col0; col < col1; ++col) {
                const std::size_t idx = grid_.index(col, row);
                const std::int16_t d = area.district_index.values[idx];
                if (d == no_district) {
                    continue;
                }
                const double x = grid_.center_x_m(col);
                const double y = grid_.center_y_m(row);
                const auto q = static_cast<std::size_t>((row - row0) * s.tile_width + (col - col0));
                s.cell_rect.push_back(q);
                s.rect_valid[q] = 1.0;
                const auto tr = static_cast<std::size_t>(row - row0);
                const auto tc = static_cast<std::size_t>(col - col0);
                if (s.row_end[tr] == 0) {
                    s.row_first[tr] = tc;
                }
                s.row_end[tr] = tc + 1;
                s.cell_index.push_back(idx);
                s.cell_x.push_back(x);
                s.cell_y.push_back(y);
                double ground = nan;
                if (area.terrain) {
                    ground = sample_bilinear(*area.terrain, x, y);
                    status.cells_without_terrain += std::isfinite(ground) ? 0 : 1;
                }
                s.cell_ground.push_back(ground);
                s.rect_ground[q] = ground;
                s.cell_district.push_back(d);
                s.cell_type.push_back(area.districts[static_cast<std::size_t>(d)].type);
                s.cell_clutter.push_back(area.clutter ? area.clutter->values[idx] : 0);
            }
        }
    }

    // Loss of the per-cell add-ons of a layer: the P.2108 §3.1 terminal correction by the
    // cell's clutter type (0 where not applicable).
    void cell_add_ons(const CoverageLayer& layer, Scratch& s) const {
        const std::size_t n = s.cell_index.size();
        s.cell_extra_loss_db.assign(n, 0.0);
        if (!layer.terminal_clutter_correction) {
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (s.cell_clutter[i] == 0) {
                continue;
            }
            const auto c = p2108::height_gain_terminal_correction(
                layer.frequency_mhz / 1000.0, layer.rx_height_m,
                static_cast<p2108::ClutterType>(s.cell_clutter[i]));
            s.cell_extra_loss_db[i] = c.ok() ? c.loss_db : 0.0;
        }
    }

    // The cells of the tile within range of `sector` (structure of arrays in the scratch), the
    // layer model's flat-terrain losses (free space for terrain-aware models) floored at free
    // space, with the P.2108 add-ons, the antenna gains and the received powers. Returns the
    // number of pairs. The per-pair loops are written without calls (covsim::fast) so that the
    // compiler vectorises them; their results do not depend on the instruction set.
    std::size_t flat_pairs(const CoverageLayer& layer, const Sector& sector, Scratch& s) const {
        std::size_t k = 0;
        isa::dispatch([&]() COVSIM_ALWAYS_INLINE { k = flat_pairs_on(layer, sector, s); });
        return k;
    }
    COVSIM_ALWAYS_INLINE std::size_t flat_pairs_on(const CoverageLayer& layer, const Sector& sector,
                                                   Scratch& s) const {
        const std::size_t n = s.cell_index.size();
        const double range2 = layer.max_range_m * layer.max_range_m;
        const double dh = sector.height_m - layer.rx_height_m;
        const bool sector_ground = std::isfinite(sector.ground_m);
        s.pair_cell.clear();
        s.pair_distance.clear();
        s.pair_dx.clear();
        s.pair_dy.clear();
        s.pair_dz.clear();
        s.pair_extra.clear();
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
            s.pair_dx.push_back(dx);
            s.pair_dy.push_back(dy);
            const double ground = s.cell_ground[i];
            s.pair_dz.push_back(sector_ground && std::isfinite(ground)
                                    ? dh + sector.ground_m - ground
                                    : dh); // height_difference()
            s.pair_extra.push_back(s.cell_extra_loss_db[i]);
            s.pair_environment.push_back(
                layer.environment[static_cast<std::size_t>(s.cell_type[i])]);
        }
        const std::size_t k = s.pair_cell.size();
        s.pair_loss.resize(k);
        s.pair_gain.resize(k);
        s.pair_dbm.resize(k);
        s.pair_mw.resize(k);
        if (layer.model->needs_profile()) {
            std::fill(s.pair_loss.begin(), s.pair_loss.end(), 0.0); // free space below
        } else {
            model_losses(layer, loss_table(layer, sector.height_m), sector.height_m,
                         s.pair_distance, s.pair_environment, s.pair_loss, s);
        }
        if (layer.clutter_loss) {
            for (std::size_t j = 0; j < k; ++j) {
                const double c = p2108::terrestrial_clutter_loss_db(
                    layer.frequency_mhz / 1000.0, std::max(s.pair_distance[j] / 1000.0, 0.25),
                    layer.clutter_location_percent);
                s.pair_extra[j] += std::isfinite(c) ? c : 0.0;
            }
        }

        const SectorLink sl(layer, sector);
        const bool omni = !sector.azimuth_deg.has_value();
        const AntennaPattern& ant = sector.antenna ? *sector.antenna : layer.antenna;
        const double* dist = s.pair_distance.data();
        const double* pdx = s.pair_dx.data();
        const double* pdy = s.pair_dy.data();
        const double* pdz = s.pair_dz.data();
        const double* extra = s.pair_extra.data();
        double* loss = s.pair_loss.data();
        double* gain = s.pair_gain.data();
        double* dbm = s.pair_dbm.data();
        double* mw = s.pair_mw.data();
        for (std::size_t j = 0; j < k; ++j) {
            loss[j] = sl.flat_loss_db(loss[j], dist[j], extra[j]);
        }
        if (ant.isotropic) {
            std::fill(gain, gain + k, ant.gain_dbi);
        } else if (!ant.table) {
            for (std::size_t j = 0; j < k; ++j) {
                gain[j] = sl.parametric_gain_dbi(pdx[j], pdy[j], pdz[j], dist[j]);
            }
        } else {
            for (std::size_t j = 0; j < k; ++j) {
                const double bearing = fast::atan2_deg(pdx[j], pdy[j]);
                const double depression = fast::atan2_deg(pdz[j], dist[j]);
                gain[j] =
                    ant.gain_dbi_towards(bearing - sl.azimuth_deg, depression - sl.tilt_deg, omni);
            }
        }
        for (std::size_t j = 0; j < k; ++j) {
            const double p = sl.tx_dbm + gain[j] - loss[j];
            dbm[j] = p;
            mw[j] = fast::db_to_linear(p);
        }
        return k;
    }

    // Height difference between the antennas, m: above sea level when both ground elevations
    // are known, above ground otherwise.
    static double height_difference(const CoverageLayer& layer, const Sector& sector,
                                    double cell_ground) {
        const double dh = sector.height_m - layer.rx_height_m;
        if (std::isfinite(cell_ground) && std::isfinite(sector.ground_m)) {
            return dh + sector.ground_m - cell_ground;
        }
        return dh;
    }

    // Sectors on one mast: the same position, antenna height and ground, so the same terrain
    // profile and terrain loss to every cell (compared exactly: a shared result is the one each
    // would compute).
    static bool same_mast(const Sector& a, const Sector& b) {
        return a.x_m == b.x_m && a.y_m == b.y_m && a.height_m == b.height_m &&
               (a.ground_m == b.ground_m || (std::isnan(a.ground_m) && std::isnan(b.ground_m)));
    }

    // The terrain profile from the sector to cell i, when both ends have an elevation and the
    // path is longer than a profile spacing and a half (shorter paths have no sample between).
    // The spacing is the DEM's, or the analysis grid's when that is finer (docs/terrain.md).
    bool profile_to(const Sector& sector, Scratch& s, std::size_t i, double d) const {
        const Raster<float>& dem = *in_.area->terrain;
        const double spacing = std::min(dem.grid.cell_size_m, in_.area->grid.cell_size_m);
        if (!std::isfinite(sector.ground_m) || !std::isfinite(s.cell_ground[i]) ||
            d < 1.5 * spacing) {
            return false;
        }
        return terrain_profile(dem, sector.x_m, sector.y_m, s.cell_x[i], s.cell_y[i], spacing,
                               s.profile);
    }

    // 1 when the current profile (Scratch::profile, from `sector`) has line of sight, else 0.
    static std::uint8_t line_of_sight(const CoverageLayer& layer, const Sector& sector,
                                      const Scratch& s) {
        return p526::line_of_sight(s.profile, sector.height_m, layer.rx_height_m) ? 1 : 0;
    }

    // The terrain loss and line of sight of pair (sector, cell i) into `memo` (whose flat loss
    // and add-ons are set): over the mast's radial field (terrain_method radial, for the models
    // it knows), else over the pair's own profile.
    void evaluate_terrain(const CoverageLayer& layer, const Sector& sector, Scratch& s,
                          std::size_t i, double dx, double dy, double d,
                          Scratch::TerrainMemo& memo) const {
        if (const RadialField* field = radial_field(layer, sector, s)) {
            memo.over_terrain = false;
            memo.line_of_sight = 1;
            if (d < 1.5 * profile_spacing() || !std::isfinite(s.cell_ground[i])) {
                return; // as profile_to(): no sample between, or no elevation
            }
            const RadialField::Value v = field->at(dx, dy, d, s.cell_ground[i]);
            if (std::isfinite(v.term_db)) {
                memo.over_terrain = true;
                memo.loss_db = radial_terrain_loss(layer, sector, s.cell_ground[i], d,
                                                   memo.flat_loss_db, memo.add_ons_db, v.term_db);
                memo.line_of_sight = v.line_of_sight;
            }
            return;
        }
        memo.over_terrain = profile_to(sector, s, i, d);
        memo.line_of_sight = 1;
        if (memo.over_terrain) {
            std::uint8_t los = flag_nodata;
            memo.loss_db =
                terrain_loss(layer, sector, s, d, memo.flat_loss_db, memo.add_ons_db, los);
            if (los == flag_nodata && in_.line_of_sight) {
                los = line_of_sight(layer, sector, s); // a pass of its own
            }
            memo.line_of_sight = los != flag_nodata ? los : 1;
        }
    }

    // The line of sight from `sector` to cell i, for a best server that was not evaluated over
    // the terrain: from the mast's radial field, or a profile; 1 without one.
    std::uint8_t line_of_sight_to(const CoverageLayer& layer, const Sector& sector, Scratch& s,
                                  std::size_t i, double d) const {
        if (const RadialField* field = radial_field(layer, sector, s)) {
            if (d < 1.5 * profile_spacing() || !std::isfinite(s.cell_ground[i])) {
                return 1;
            }
            return field
                ->at(s.cell_x[i] - sector.x_m, s.cell_y[i] - sector.y_m, d, s.cell_ground[i])
                .line_of_sight;
        }
        return profile_to(sector, s, i, d) ? line_of_sight(layer, sector, s) : 1;
    }

    // The spacing of terrain profiles: the DEM's, or the analysis grid's when that is finer.
    double profile_spacing() const {
        return std::min(in_.area->terrain->grid.cell_size_m, in_.area->grid.cell_size_m);
    }

    // The radial field of `sector`'s mast for the layer, when the layer uses radials, the
    // mast has a ground elevation and its model has a radial form (else nullptr: exact). Kept in
    // the scratch for the current mast.
    const RadialField* radial_field(const CoverageLayer& layer, const Sector& sector,
                                    Scratch& s) const {
        if (layer.terrain_method != TerrainMethod::radial || radial_fields_ == nullptr ||
            !std::isfinite(sector.ground_m)) {
            return nullptr;
        }
        if (s.mast_field != nullptr && s.mast_field_layer == &layer &&
            same_mast(*s.mast_field_sector, sector)) {
            return s.mast_field.get();
        }
        const std::optional<RadialKey> key = radial_key(layer, sector, in_.line_of_sight);
        if (!key) {
            return nullptr;
        }
        s.mast_field = radial_fields_->get(*key);
        s.mast_field_layer = &layer;
        s.mast_field_sector = &sector;
        return s.mast_field.get();
    }

    // The loss over the terrain of pair (sector, cell i) from its radial term: the formulas of
    // terrain_loss() and of the models' adapters (builtin_models.cpp) with the profile's part
    // interpolated (core/radial_terrain.hpp).
    static double radial_terrain_loss(const CoverageLayer& layer, const Sector& sector,
                                      double cell_ground, double d, double flat_loss,
                                      double add_ons_db, double term_db) {
        switch (radial_term_for(*layer.model).value_or(RadialTerm::p526_excess)) {
        case RadialTerm::itm_attenuation:
            return itm::free_space_loss_db(d, layer.frequency_mhz) + term_db + add_ons_db;
        case RadialTerm::p526_loss: {
            const double dh =
                (sector.ground_m + sector.height_m) - (cell_ground + layer.rx_height_m);
            const double d3d = std::sqrt(d * d + dh * dh);
            return p525::free_space_loss_db(d3d, layer.frequency_mhz) + term_db + add_ons_db;
        }
        case RadialTerm::p526_excess:
            return flat_loss + term_db;
        }
        return flat_loss;
    }

    // The loss over the terrain of pair (sector, cell i), from its flat-terrain loss; `los`
    // receives the profile's line of sight when the evaluation finds it (P.526), else stays.
    double terrain_loss(const CoverageLayer& layer, const Sector& sector, const Scratch& s,
                        double d, double flat_loss, double add_ons_db, std::uint8_t& los) const {
        if (layer.model->needs_profile()) {
            Link link;
            link.distance_m = d;
            link.frequency_mhz = layer.frequency_mhz;
            link.tx_height_m = sector.height_m;
            link.rx_height_m = layer.rx_height_m;
            link.los = layer.los;
            link.profile = &s.profile;
            link.path = layer.path;
            // The add-ons were already in the flat loss, over free space: keep them.
            return layer.model->path_loss_db(link) + add_ons_db;
        }
        const p526::DeltaBullingtonResult r = p526::delta_bullington(
            s.profile, sector.height_m, layer.rx_height_m, layer.frequency_mhz);
        // The same test as line_of_sight() (p526.hpp): no second pass for the flag.
        los = r.line_of_sight ? 1 : 0;
        return flat_loss + std::max(0.0, r.bullington_actual_db - r.bullington_smooth_db);
    }

    // The span kernel, for layers without terrain, clutter loss or tabulated antennas: for each
    // candidate sector and each row of the tile, the contiguous run of cells that can be within
    // range is evaluated in one vectorised loop that keeps, per cell of the tile rectangle, the
    // best power, its sector and distance, and the sum of the powers (in candidate order, as the
    // pair lists do: the same results, bit for bit). Cells outside the districts and out of
    // range are masked, not branched around.
    //
    // With best_flat_only, it only finds each cell's best flat-terrain power in dBm (the first
    // pass of a terrain run, Scratch::best_flat_dbm), as the pair lists would.
    void span_layer(const CoverageLayer& layer, Scratch& s, CoverageStatus& status,
                    bool best_flat_only = false) const {
        isa::dispatch(
            [&]() COVSIM_ALWAYS_INLINE { span_layer_on(layer, s, status, best_flat_only); });
    }
    COVSIM_ALWAYS_INLINE void span_layer_on(const CoverageLayer& layer, Scratch& s,
                                            CoverageStatus& status, bool best_flat_only) const {
        const std::size_t n = s.cell_index.size();
        const auto w = static_cast<std::size_t>(s.tile_width);
        const auto rect = static_cast<std::size_t>(s.tile_width * s.tile_height);
        s.rect_best_mw.assign(rect,
                              best_flat_only ? -std::numeric_limits<double>::infinity() : 0.0);
        s.rect_sum_mw.assign(rect, 0.0);
        s.rect_server.assign(rect, -1.0);
        s.rect_distance.assign(rect, 0.0);
        s.rect_environment.assign(rect, layer.environment[0]);
        s.rect_extra.assign(rect, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t q = s.cell_rect[i];
            s.rect_environment[q] = layer.environment[static_cast<std::size_t>(s.cell_type[i])];
            s.rect_extra[q] = s.cell_extra_loss_db[i];
        }
        const double range2 = layer.max_range_m * layer.max_range_m;
        const double cell = grid_.cell_size_m;
        std::uint64_t pairs = 0;
        std::uint64_t non_finite = 0;
        // Candidates on one mast (consecutive: a site's sectors are listed together) share
        // every term but their antenna's: the span, the distances, the model's and the flat
        // loss, the bearings and the depression angles are computed once per mast and row; each
        // sector then adds its own pattern gain and power, in candidate order (the same order
        // per cell as one sector at a time: the same sums).
        std::vector<SectorLink> links; // of the current mast's sectors
        for (std::size_t g0 = 0; g0 < s.candidates.size();) {
            const Sector& first_sector = in_.sectors[s.candidates[g0].second];
            std::size_t g1 = g0 + 1;
            while (g1 < s.candidates.size() &&
                   same_mast(first_sector, in_.sectors[s.candidates[g1].second])) {
                ++g1;
            }
            const SectorLink mast(layer, first_sector);
            const DistanceLossTable* table = loss_table(layer, first_sector.height_m);
            links.clear();
            for (std::size_t ci = g0; ci < g1; ++ci) {
                links.emplace_back(layer, in_.sectors[s.candidates[ci].second]);
            }
            for (std::size_t r = 0; r < static_cast<std::size_t>(s.tile_height); ++r) {
                const double dy = s.row_y[r] - mast.y_m;
                const double dy2 = dy * dy;
                if (dy2 > range2 || s.row_end[r] == 0) {
                    continue;
                }
                // Columns that may be in range (one more each side; the mask decides), within
                // the row's cells.
                const double half = std::sqrt(range2 - dy2);
                const double first = std::ceil((mast.x_m - half - s.col_x[0]) / cell) - 1.0;
                const double last = std::floor((mast.x_m + half - s.col_x[0]) / cell) + 1.0;
                const auto row_lo = static_cast<double>(s.row_first[r]);
                const auto row_hi = static_cast<double>(s.row_end[r] - 1);
                if (last < row_lo || first > row_hi) {
                    continue;
                }
                const auto lo = static_cast<std::size_t>(std::max(first, row_lo));
                const auto hi = static_cast<std::size_t>(std::min(last, row_hi));
                const std::size_t len = hi - lo + 1;
                const std::size_t q0 = r * w + lo;
                s.pair_distance.resize(len);
                s.span_in_range.resize(len);
                s.pair_loss.resize(len);
                s.pair_mw.resize(len);
                s.span_flat_loss.resize(len);
                s.span_bearing.resize(len);
                s.span_depression.resize(len);
                double* dist = s.pair_distance.data();
                double* in = s.span_in_range.data();
                const double* cx = s.col_x.data() + lo;
                const double* valid = s.rect_valid.data() + q0;
                for (std::size_t c = 0; c < len; ++c) {
                    const double dx = cx[c] - mast.x_m;
                    const double d2 = dx * dx + dy2;
                    dist[c] = std::max(std::sqrt(d2), minimum_distance_m);
                    const double v = valid[c];
                    in[c] = d2 <= range2 ? v : 0.0;
                }
                if (layer.model->needs_profile()) { // free space below, as in flat_pairs
                    std::fill(s.pair_loss.begin(), s.pair_loss.end(), 0.0);
                } else {
                    model_losses(layer, table, first_sector.height_m, {dist, len},
                                 {s.rect_environment.data() + q0, len}, {s.pair_loss.data(), len},
                                 s);
                }
                const double* model = s.pair_loss.data();
                const double* extra = s.rect_extra.data() + q0;
                const double* ground = s.rect_ground.data() + q0;
                double* loss = s.span_flat_loss.data();
                double* bearing = s.span_bearing.data();
                double* depression = s.span_depression.data();
                double* best = s.rect_best_mw.data() + q0;
                double* sum = s.rect_sum_mw.data() + q0;
                double* server = s.rect_server.data() + q0;
                double* best_d = s.rect_distance.data() + q0;
                double* mw = s.pair_mw.data();
                // Two exact shortcuts per span, each a bound that decides every cell of it:
                // - free space floors the model's loss (SectorLink::flat_loss_db); where the
                //   model's loss is above the span's largest free-space loss (at its farther end,
                //   plus 1e-6 dB for the last bits of the polynomial) at every cell, the floor
                //   cannot apply and is not computed;
                // - a span wholly behind a sector's antenna (SectorLink::behind) has the
                //   constant gain g_max - A_max there: no angle is needed for it.
                const double dx_lo = cx[0] - mast.x_m;
                const double dx_hi = cx[len - 1] - mast.x_m;
                const double dx_far = std::max(std::abs(dx_lo), std::abs(dx_hi));
                const double d_far = std::max(std::sqrt(dx_far * dx_far + dy2), minimum_distance_m);
                const double fsl_far =
                    mast.fs0_db +
                    20.0 * fast::log10(std::sqrt(d_far * d_far + mast.dh_m * mast.dh_m)) + 1e-6;
                std::size_t floored = 0;
                for (std::size_t c = 0; c < len; ++c) {
                    floored += model[c] < fsl_far ? 1 : 0;
                }
                with_flag(floored != 0, [&](auto floor_t) COVSIM_ALWAYS_INLINE {
                    for (std::size_t c = 0; c < len; ++c) {
                        loss[c] = decltype(floor_t)::value
                                      ? mast.flat_loss_db(model[c], dist[c], extra[c])
                                      : model[c] + extra[c];
                    }
                });
                bool angles = false;
                for (std::size_t ci = g0; ci < g1; ++ci) {
                    const SectorLink& sl = links[ci - g0];
                    const auto id = static_cast<double>(ci);
                    const bool behind = sl.behind(dx_lo, dx_hi, dy);
                    if (!behind && !angles) {
                        for (std::size_t c = 0; c < len; ++c) {
                            bearing[c] = fast::atan2_deg(cx[c] - mast.x_m, dy);
                            depression[c] = fast::atan2_deg(mast.dz_m(ground[c]), dist[c]);
                        }
                        angles = true;
                    }
                    const double behind_gain = sl.g_max_dbi - sl.a_max_db;
                    const auto gain_at = [&](std::size_t c, auto behind_t) COVSIM_ALWAYS_INLINE {
                        return decltype(behind_t)::value
                                   ? behind_gain
                                   : sl.gain_towards(bearing[c], depression[c]);
                    };
                    if (best_flat_only) {
                        with_flag(behind, [&](auto behind_t) COVSIM_ALWAYS_INLINE {
                            constexpr double none = -std::numeric_limits<double>::infinity();
                            for (std::size_t c = 0; c < len; ++c) {
                                const double p = sl.tx_dbm + gain_at(c, behind_t) - loss[c];
                                const bool finite = p - p == 0.0;
                                const double p_ok = finite ? p : none;
                                mw[c] = in[c] != 0.0 ? p_ok : none;
                            }
                        });
                        for (std::size_t c = 0; c < len; ++c) {
                            const double b = best[c];
                            best[c] = mw[c] > b ? mw[c] : b;
                        }
                        continue;
                    }
                    // The powers, vectorised; -1 marks a cell out of range (or outside the
                    // districts), -2 a pair with a non-finite loss.
                    with_flag(behind, [&](auto behind_t) COVSIM_ALWAYS_INLINE {
                        for (std::size_t c = 0; c < len; ++c) {
                            const double p =
                                fast::db_to_linear(sl.tx_dbm + gain_at(c, behind_t) - loss[c]);
                            const bool finite = loss[c] - loss[c] == 0.0; // false: NaN, infinity
                            const double p_ok = finite ? p : -2.0;
                            mw[c] = in[c] != 0.0 ? p_ok : -1.0;
                        }
                    });
                    // Best server and sum, per cell in candidate order, with selects so that it
                    // vectorises: the markers -1 and -2 add +0 to a sum that is >= +0 (no
                    // change) and never beat a best power, which is >= 0. The arrays are
                    // distinct (without COVSIM_IVDEP the loop would need too many overlap
                    // checks and stay scalar).
                    COVSIM_IVDEP
                    for (std::size_t c = 0; c < len; ++c) {
                        const double p = mw[c];
                        pairs += p != -1.0 ? 1 : 0;
                        non_finite += p == -2.0 ? 1 : 0;
                        sum[c] += p >= 0.0 ? p : 0.0;
                        const bool better = p > best[c];
                        best[c] = better ? p : best[c];
                        server[c] = better ? id : server[c];
                        best_d[c] = better ? dist[c] : best_d[c];
                    }
                }
            }
            g0 = g1;
        }
        if (best_flat_only) {
            for (std::size_t i = 0; i < n; ++i) {
                s.best_flat_dbm[i] = s.rect_best_mw[s.cell_rect[i]];
            }
            return;
        }
        status.pixel_sectors += pairs;
        status.non_finite_losses += non_finite;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t q = s.cell_rect[i];
            s.best_mw[i] = s.rect_best_mw[q];
            s.sum_mw[i] = s.rect_sum_mw[q];
            s.best_distance[i] = s.rect_distance[q];
            const double server = s.rect_server[q];
            s.best_sector[i] = server < 0.0
                                   ? no_server
                                   : static_cast<std::int32_t>(
                                         s.candidates[static_cast<std::size_t>(server)].second);
        }
    }

    // Whether a layer's pairs are evaluated over the terrain (docs/terrain.md).
    [[nodiscard]] bool over_terrain(const CoverageLayer& layer) const {
        return in_.area->terrain && (layer.terrain_correction || layer.model->needs_profile());
    }

    // Terrain runs first find each cell's best flat-terrain power (Scratch::best_flat_dbm): the
    // pairs within the margin of it are evaluated over the terrain. With one candidate every
    // pair is its cell's best: the pass is skipped, and a best of minus infinity lets every pair
    // through.
    void best_flat_powers(const CoverageLayer& layer, bool spans, Scratch& s,
                          CoverageStatus& status) const {
        s.best_flat_dbm.assign(s.cell_index.size(), -std::numeric_limits<double>::infinity());
        if (s.candidates.size() == 1) {
            return;
        }
        if (spans) {
            span_layer(layer, s, status, true);
            return;
        }
        for (const SectorEntry& cand : s.candidates) {
            const Sector& sector = in_.sectors[cand.second];
            const std::size_t k = flat_pairs(layer, sector, s);
            for (std::size_t j = 0; j < k; ++j) {
                const std::size_t i = s.pair_cell[j];
                const double p = s.pair_dbm[j];
                if (std::isfinite(p)) {
                    s.best_flat_dbm[i] = std::max(s.best_flat_dbm[i], p);
                }
            }
        }
    }

    // Evaluates the sectors of `tree` (those of `layer`) within range of the tile's cells: per
    // cell, the best power, its sector, distance and line of sight, and the sum of the powers,
    // in the scratch's best_* and sum_mw.
    // `own_patterns`: a sector of the tree has its own antenna pattern (a site file's
    // antenna_file), which the span kernel does not evaluate.
    void accumulate(const CoverageLayer& layer, const SectorTree& tree, bool own_patterns,
                    const Box& tile_box, Scratch& s, CoverageStatus& status) const {
        const std::size_t n = s.cell_index.size();
        const double range = layer.max_range_m;
        const bool terrain = over_terrain(layer);

        s.candidates.clear();
        const Box query(
            Point(tile_box.min_corner().x() - range, tile_box.min_corner().y() - range),
            Point(tile_box.max_corner().x() + range, tile_box.max_corner().y() + range));
        tree.query(bgi::intersects(query), std::back_inserter(s.candidates));
        // R-tree order depends on its internal layout; sort for a fixed evaluation order.
        std::sort(s.candidates.begin(), s.candidates.end(),
                  [](const SectorEntry& a, const SectorEntry& b) { return a.second < b.second; });
        cell_add_ons(layer, s);

        // The span kernel evaluates the layer's parametric pattern only; sectors with patterns
        // of their own (a site file's antenna_file) go through the pair lists.
        const bool spans = !layer.clutter_loss && !layer.antenna.isotropic &&
                           !layer.antenna.table && !own_patterns;
        if (terrain) {
            best_flat_powers(layer, spans, s, status);
        }

        s.best_mw.assign(n, 0.0);
        s.best_sector.assign(n, no_server);
        s.best_distance.assign(n, 0.0);
        s.sum_mw.assign(n, 0.0);
        if (!terrain && spans) {
            span_layer(layer, s, status);
            return;
        }
        if (terrain) {
            s.terrain_memo.assign(n, Scratch::TerrainMemo{});
            s.best_line_of_sight.assign(n, flag_nodata);
        }
        const Sector* mast = nullptr;
        for (const SectorEntry& cand : s.candidates) {
            const Sector& sector = in_.sectors[cand.second];
            if (mast == nullptr || !same_mast(*mast, sector)) {
                mast = &sector;
                ++s.mast_stamp;
                s.mast_field.reset();
            }
            const std::size_t k = flat_pairs(layer, sector, s);
            status.pixel_sectors += k;
            const double tx_dbm = sector.power_dbm + layer.re_offset_db + layer.rx_gain_dbi;
            for (std::size_t j = 0; j < k; ++j) {
                const std::size_t i = s.pair_cell[j];
                const double d = s.pair_distance[j];
                double loss = s.pair_loss[j];
                double p_mw = s.pair_mw[j];
                std::uint8_t los = flag_nodata; // unknown without a terrain evaluation
                if (terrain && s.pair_dbm[j] >= s.best_flat_dbm[i] - layer.terrain_margin_db) {
                    Scratch::TerrainMemo& memo = s.terrain_memo[i];
                    if (memo.stamp != s.mast_stamp || memo.flat_loss_db != loss ||
                        memo.add_ons_db != s.pair_extra[j]) {
                        memo.stamp = s.mast_stamp;
                        memo.flat_loss_db = loss;
                        memo.add_ons_db = s.pair_extra[j];
                        evaluate_terrain(layer, sector, s, i, s.pair_dx[j], s.pair_dy[j], d, memo);
                    }
                    if (memo.over_terrain) {
                        loss = memo.loss_db;
                        p_mw = fast::db_to_linear(tx_dbm + s.pair_gain[j] - loss);
                        ++status.terrain_pairs;
                    }
                    los = memo.line_of_sight;
                }
                if (!std::isfinite(loss)) {
                    ++status.non_finite_losses;
                    continue;
                }
                s.sum_mw[i] += p_mw;
                if (p_mw > s.best_mw[i]) {
                    s.best_mw[i] = p_mw;
                    s.best_sector[i] = static_cast<std::int32_t>(cand.second);
                    s.best_distance[i] = d;
                    if (terrain) {
                        s.best_line_of_sight[i] = los;
                    }
                }
            }
        }
    }

    // Keeps what accumulate() left in the scratch for the layer (swapped: no copy, and the
    // scratch gets the previous tile's vectors to reuse).
    static void keep_sums(Scratch& s, Scratch::LayerSums& sums) {
        std::swap(s.best_mw, sums.best_mw);
        std::swap(s.best_sector, sums.best_sector);
        std::swap(s.best_distance, sums.best_distance);
        std::swap(s.best_line_of_sight, sums.best_line_of_sight);
        std::swap(s.sum_mw, sums.sum_mw);
    }

    // Scratch::cross_mw: per layer, the sum over its interfering layers (CoverageLayer::
    // interferers, in their order) of load * coupling * their received power per RE at this
    // layer's receivers. A layer whose receivers are like this one's (receiver_like) gives its
    // own sums; another is evaluated again with this layer's receiver (interference_passes_).
    void interference_between_layers(const Box& tile_box, Scratch& s) const {
        const std::size_t n = s.cell_index.size();
        s.cross_mw.assign(in_.layers.size() * n, 0.0);
        CoverageStatus discarded; // the passes' pairs are not coverage pairs
        for (const InterferencePass& pass : passes_) {
            const std::vector<double>* sums = &s.layer_sums[pass.source].sum_mw;
            if (pass.derived) {
                accumulate(derived_layers_[*pass.derived], derived_trees_[*pass.derived],
                           own_patterns_[pass.source], tile_box, s, discarded);
                sums = &s.sum_mw;
            }
            double* cross = s.cross_mw.data() + pass.victim * n;
            for (std::size_t i = 0; i < n; ++i) {
                cross[i] += pass.weight * (*sums)[i];
            }
        }
    }

    // Per cell of the tile: RSRP, SINR, outdoor and indoor coverage, line of sight.
    void finish_layer(std::size_t l, Scratch& s, LayerMaps& lm) const {
        const CoverageLayer& layer = in_.layers[l];
        const bool terrain = over_terrain(layer);
        const std::size_t n = s.cell_index.size();
        const Scratch::LayerSums& sums = s.layer_sums[l];
        const double* cross = s.cross_mw.data() + l * n;
        const double noise_mw = std::pow(10.0, layer.noise_per_re_dbm / 10.0);
        const double f_ghz = layer.frequency_mhz / 1000.0;
        const IndoorSpec& indoor = in_.indoor;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t idx = s.cell_index[i];
            LayerCell& c = s.layer_cells[l * n + i];
            lm.covered.values[idx] = 0;
            lm.covered_indoor.values[idx] = indoor_none;
            if (sums.best_sector[i] == no_server) {
                continue;
            }
            const Sector& sector = in_.sectors[static_cast<std::size_t>(sums.best_sector[i])];
            const double d = sums.best_distance[i];
            const double interference =
                layer.load * std::max(0.0, sums.sum_mw[i] - sums.best_mw[i]) + cross[i];
            c.server = sums.best_sector[i];
            c.rsrp_dbm = 10.0 * std::log10(sums.best_mw[i]);
            c.sinr_db = 10.0 * std::log10(sums.best_mw[i] / (interference + noise_mw));

            // Location variability: the margin of the best server's link (for TR 38.901's
            // probabilistic LOS, its mixture's quantile at p minus its median).
            double margin = 0.0;
            if (layer.location_probability != 0.5) {
                Link link;
                link.distance_m = d;
                link.frequency_mhz = layer.frequency_mhz;
                link.tx_height_m = sector.height_m;
                link.rx_height_m = layer.rx_height_m;
                link.los = layer.los;
                link.environment = layer.environment[static_cast<std::size_t>(s.cell_type[i])];
                margin = layer.model->location_margin_db(link, layer.location_probability);
            }
            const bool served_here = layer.serves[static_cast<std::size_t>(s.cell_type[i])];
            auto sinr_with_loss = [&](double extra_db) {
                return 10.0 *
                       std::log10(sums.best_mw[i] /
                                  (interference + noise_mw * std::pow(10.0, extra_db / 10.0)));
            };
            // Covered with `extra_db` more loss on the wanted signal, at its SINR `sinr_db`.
            auto covered_at = [&](double extra_db, double sinr_db) {
                return served_here && c.rsrp_dbm - extra_db - margin >= layer.rsrp_min_dbm &&
                       sinr_db >= layer.sinr_min_db;
            };
            c.covered = covered_at(0.0, c.sinr_db);

            // Indoors: building entry loss at the elevation of the best server's path; the
            // interferers lose as much, so the noise weighs more.
            std::array<float, 2> indoor_sinr = {map_nodata, map_nodata};
            if (!layer.indoor) {
                c.indoor = c.covered ? indoor_all : indoor_none;
                if (c.covered) {
                    indoor_sinr.fill(static_cast<float>(c.sinr_db));
                }
            } else if (c.covered) {
                const double elevation_deg =
                    std::atan2(height_difference(layer, sector, s.cell_ground[i]), d) * rad_to_deg;
                const std::array<double, 2> loss = {
                    p2109::building_entry_loss_db(f_ghz, indoor.probability, elevation_deg,
                                                  p2109::BuildingType::traditional),
                    p2109::building_entry_loss_db(f_ghz, indoor.probability, elevation_deg,
                                                  p2109::BuildingType::thermally_efficient)};
                std::array<bool, 2> inside = {false, false};
                for (std::size_t k = 0; k < 2; ++k) {
                    if (!std::isfinite(loss[k])) {
                        continue;
                    }
                    const double sinr = sinr_with_loss(loss[k]);
                    inside[k] = covered_at(loss[k], sinr);
                    if (inside[k]) {
                        indoor_sinr[k] = static_cast<float>(sinr);
                    }
                }
                c.indoor = inside[1] ? indoor_all : inside[0] ? indoor_traditional : indoor_none;
            }
            for (std::size_t k = 0; k < 2; ++k) {
                lm.indoor_sinr_db[k].values[idx] = indoor_sinr[k];
            }
            if (terrain && in_.line_of_sight) {
                // Kept from the best pair's terrain evaluation; a best pair that was not
                // evaluated over the terrain (below the margin) gets its profile here.
                c.line_of_sight = sums.best_line_of_sight[i];
                if (c.line_of_sight == flag_nodata) {
                    c.line_of_sight = line_of_sight_to(layer, sector, s, i, d);
                }
                lm.line_of_sight.values[idx] = c.line_of_sight;
            }
            lm.rsrp_dbm.values[idx] = static_cast<float>(c.rsrp_dbm);
            lm.sinr_db.values[idx] = static_cast<float>(c.sinr_db);
            lm.best_server.values[idx] = c.server;
            lm.covered.values[idx] = c.covered ? 1 : 0;
            lm.covered_indoor.values[idx] = c.indoor;
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

    // People covered indoors for an IndoorLevel, with the district type's building mix.
    double indoor_people(std::uint8_t level, double people, DistrictType type) const {
        const double efficient =
            in_.indoor.thermally_efficient_share[static_cast<std::size_t>(type)];
        switch (level) {
        case indoor_all:
            return people;
        case indoor_traditional:
            return people * (1.0 - efficient);
        default:
            return 0.0;
        }
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
            std::uint8_t indoor = indoor_none;
            for (std::size_t l = 0; l < layer_count; ++l) {
                const LayerCell& c = s.layer_cells[l * n + i];
                if (c.server == no_server) {
                    continue;
                }
                indoor = std::max(indoor, c.indoor);
                if (best == layer_count || better(l, c, best, s.layer_cells[best * n + i])) {
                    best = l;
                }
            }
            maps.covered.values[idx] = 0;
            maps.covered_indoor.values[idx] = indoor;
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
                if (!maps.line_of_sight.values.empty()) {
                    maps.line_of_sight.values[idx] = c.line_of_sight;
                }
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
            const DistrictType type = s.cell_type[i];
            t.population += people;
            t.area_km2 += cell_km2;
            if (covered) {
                t.covered_population += people;
                t.covered_area_km2 += cell_km2;
            }
            t.covered_indoor_population += indoor_people(indoor, people, type);
            for (std::size_t l = 0; l < layer_count; ++l) {
                const LayerCell& c = s.layer_cells[l * n + i];
                if (c.covered) {
                    t.layer_covered_population[l] += people;
                }
                t.layer_covered_indoor_population[l] += indoor_people(c.indoor, people, type);
            }
        }
    }

    // One pass per (victim, interferer) pair of layers. The interferer's own sums serve when
    // its receivers are like the victim's and none of its sectors is the victim's own
    // transmitter; otherwise its sectors are evaluated again as `derived`: the interferer's
    // layer with the victim's receiver, over the interferer's sectors less the shared ones.
    struct InterferencePass {
        std::size_t victim = 0;
        std::size_t source = 0;
        double weight = 0.0; // the interferer's load times the coupling
        std::optional<std::size_t> derived;
    };

    void plan_interference(const std::vector<std::vector<SectorEntry>>& entries) {
        for (std::size_t v = 0; v < in_.layers.size(); ++v) {
            const CoverageLayer& victim = in_.layers[v];
            for (const CoverageLayer::Interferer& f : victim.interferers) {
                const CoverageLayer& source = in_.layers[f.layer];
                InterferencePass pass{v, f.layer, source.load * f.coupling, std::nullopt};
                if (!receiver_like(source, victim) || f.shares_transmitters) {
                    CoverageLayer seen = source;
                    seen.rx_height_m = victim.rx_height_m;
                    seen.rx_gain_dbi = victim.rx_gain_dbi;
                    seen.terminal_clutter_correction = victim.terminal_clutter_correction;
                    seen.interferers.clear();
                    pass.derived = derived_layers_.size();
                    derived_layers_.push_back(std::move(seen));
                    const std::vector<SectorEntry> own =
                        f.shares_transmitters ? other_transmitters(entries[f.layer], v)
                                              : entries[f.layer];
                    derived_trees_.emplace_back(own.begin(), own.end());
                }
                passes_.push_back(pass);
            }
        }
    }

    // The link of `layer`'s sectors of one antenna height, for its model's batch losses.
    static Link layer_link(const CoverageLayer& layer, double tx_height_m) {
        Link link;
        link.frequency_mhz = layer.frequency_mhz;
        link.rx_height_m = layer.rx_height_m;
        link.tx_height_m = tx_height_m;
        link.los = layer.los;
        return link;
    }

    // Loss tables (core/propagation/loss_table.hpp) for the layers, own and derived for
    // interference, whose model is worth tabulating: one per antenna height of their sectors,
    // whatever the other sectors (a sector's losses are the same in any run: a plan's district
    // evaluation and the run of the whole plan agree). A layer with more than
    // max_tables_per_layer heights gets none (a table is a few hundred kB): its losses come
    // from the model.
    void tabulate_losses() {
        constexpr std::size_t max_tables_per_layer = 64;
        std::vector<std::set<double>> heights(in_.layers.size());
        for (const Sector& s : in_.sectors) {
            heights[s.layer].insert(s.height_m);
        }
        const auto add = [&](const CoverageLayer& layer, std::size_t source) {
            if (layer.model->needs_profile() || heights[source].size() > max_tables_per_layer) {
                return;
            }
            for (const double height : heights[source]) {
                const Link link = layer_link(layer, height);
                if (!layer.model->worth_tabulating(link)) {
                    continue;
                }
                const auto make = [&] {
                    return std::make_shared<const DistanceLossTable>(
                        *layer.model, link, layer.environment[0],
                        layer.max_range_m + 4.0 * grid_.cell_size_m);
                };
                // The cache keeps the tables of the input's own layers (a derived layer's is
                // this run's).
                const bool own = &layer == &in_.layers[source];
                loss_tables_.push_back({&layer, height,
                                        own && in_.loss_tables
                                            ? in_.loss_tables->impl().get(source, height, make)
                                            : make()});
            }
        };
        for (std::size_t l = 0; l < in_.layers.size(); ++l) {
            add(in_.layers[l], l);
        }
        for (const InterferencePass& pass : passes_) {
            if (pass.derived) {
                add(derived_layers_[*pass.derived], pass.source);
            }
        }
    }

    const DistanceLossTable* loss_table(const CoverageLayer& layer, double tx_height_m) const {
        for (const LossTable& t : loss_tables_) {
            if (t.layer == &layer && t.tx_height_m == tx_height_m) {
                return t.table.get();
            }
        }
        return nullptr;
    }

    // The model's losses of `layer` from a sector at tx_height_m to the receivers at distance_m
    // in their environments: from `table` (loss_table() of the layer and height) when there is
    // one.
    void model_losses(const CoverageLayer& layer, const DistanceLossTable* table,
                      double tx_height_m, std::span<const double> distance_m,
                      std::span<const Environment> environment, std::span<double> loss_db,
                      Scratch& s) const {
        if (table != nullptr) {
            table->losses_db(distance_m, loss_db, s.exact_losses);
            return;
        }
        layer.model->path_losses_db(layer_link(layer, tx_height_m), distance_m, environment,
                                    loss_db);
    }

    // The sectors of `entries` that are not also sectors of layer `v` (the same site and sector).
    std::vector<SectorEntry> other_transmitters(const std::vector<SectorEntry>& entries,
                                                std::size_t v) const {
        std::set<std::pair<std::string_view, std::string_view>> own;
        for (const Sector& s : in_.sectors) {
            if (s.layer == v) {
                own.emplace(s.site_id, s.sector_id);
            }
        }
        std::vector<SectorEntry> out;
        for (const SectorEntry& e : entries) {
            const Sector& s = in_.sectors[e.second];
            if (own.count({s.site_id, s.sector_id}) == 0) {
                out.push_back(e);
            }
        }
        return out;
    }

    const CoverageInput& in_;
    const Grid& grid_;
    TileLayout layout_;
    std::vector<SectorTree> trees_;
    std::vector<bool> own_patterns_; // per layer: a sector has its own antenna pattern
    std::vector<InterferencePass> passes_;
    std::vector<CoverageLayer> derived_layers_;
    std::vector<SectorTree> derived_trees_;
    struct LossTable {
        const CoverageLayer* layer; // of in_.layers or derived_layers_
        double tx_height_m;
        std::shared_ptr<const DistanceLossTable> table;
    };
    std::vector<LossTable> loss_tables_;
    std::unique_ptr<RadialFieldCache> radial_fields_; // with a DEM and a radial layer
};

} // namespace

TileLayout::TileLayout(const Grid& g, std::int64_t tile_size)
    : grid_width(g.width), grid_height(g.height), size(tile_size),
      tiles_x((g.width + tile_size - 1) / tile_size),
      tiles_y((g.height + tile_size - 1) / tile_size) {}

std::size_t coverage_tile_count(const CoverageInput& input) {
    return TileLayout(input.area->grid, input.tile_size).count();
}

CoverageMaps empty_coverage_maps(const CoverageInput& in) {
    const Grid& grid = in.area->grid;
    const bool line_of_sight = in.area->terrain.has_value() && in.line_of_sight;
    CoverageMaps m;
    m.layers.resize(in.layers.size());
    // Each map is filled with nodata by one thread, the maps side by side: filling is writing
    // fresh pages, which the kernel zeroes first (the maps of a one-layer run at 1.4 M cells:
    // 57 MB, a serial twentieth of a two-thread terrain run before).
    std::vector<std::function<void()>> fill = {
        [&] { m.rsrp_dbm = float_map(grid); },     [&] { m.sinr_db = float_map(grid); },
        [&] { m.best_server = server_map(grid); }, [&] { m.serving_layer = flag_map(grid); },
        [&] { m.covered = flag_map(grid); },       [&] { m.covered_indoor = flag_map(grid); },
    };
    if (line_of_sight) {
        fill.emplace_back([&] { m.line_of_sight = flag_map(grid); });
    }
    for (LayerMaps& lm : m.layers) {
        fill.insert(fill.end(), {
                                    [&] { lm.rsrp_dbm = float_map(grid); },
                                    [&] { lm.sinr_db = float_map(grid); },
                                    [&] { lm.best_server = server_map(grid); },
                                    [&] { lm.covered = flag_map(grid); },
                                    [&] { lm.covered_indoor = flag_map(grid); },
                                    [&] { lm.indoor_sinr_db[0] = float_map(grid); },
                                    [&] { lm.indoor_sinr_db[1] = float_map(grid); },
                                });
        if (line_of_sight) {
            fill.emplace_back([&] { lm.line_of_sight = flag_map(grid); });
        }
    }
    parallel::for_each_index_always(std::size_t{0}, fill.size(), [&](std::size_t i) { fill[i](); });
    return m;
}

CoverageTiles compute_coverage_tiles(const CoverageInput& input, std::size_t part,
                                     std::size_t parts) {
    check_input(input);
    if (parts == 0 || part >= parts) {
        throw Error(ErrorCode::internal, "compute_coverage: part out of range");
    }
    return Kernel(input).run(part, parts);
}

CoverageResult reduce_coverage_tiles(const CoverageInput& input, CoverageMaps maps,
                                     const std::vector<PartialTable>& partials,
                                     const std::vector<CoverageStatus>& statuses) {
    CoverageResult result;
    result.maps = std::move(maps);
    result.districts = reduce_in_order(partials, input.area->district_count(), input.layers.size());
    for (const CoverageStatus& st : statuses) {
        result.status.add(st);
    }
    return result;
}

LossTableCache::LossTableCache() : impl_(std::make_unique<Impl>()) {}
LossTableCache::~LossTableCache() = default;

std::shared_ptr<const CoverageMemo> remember_layers(const CoverageInput& input,
                                                    const std::vector<bool>& remember) {
    check_input(input);
    if (remember.size() != input.layers.size()) {
        throw Error(ErrorCode::internal, "remember_layers: one flag per layer expected");
    }
    CoverageInput without_memo = input;
    without_memo.memo.reset();
    return Kernel(without_memo).remember(remember);
}

CoverageResult compute_coverage(const CoverageInput& input) {
    CoverageTiles tiles = compute_coverage_tiles(input, 0, 1);
    return reduce_coverage_tiles(input, std::move(tiles.maps), tiles.partials, tiles.statuses);
}

} // namespace covsim
