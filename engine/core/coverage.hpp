#pragma once
// The coverage kernel. For every cell of the study area that lies in a district and every sector
// within its layer's maximum range, it evaluates the link budget
//
//   P_RE = P_total - 10 log10(12 N_RB) + G_tx(φ, θ) + G_rx - max(L_model, L_free-space)  [dBm]
//
// and keeps, per layer, the best server (highest P_RE = RSRP), the SINR against the other
// sectors of the same layer weighted by the layer's load and against the sectors of the layers
// that interfere with it (CoverageLayer::interferers: co-channel, or adjacent with an ACIR),
// each weighted by its layer's load and coupling c_m and received as this layer's receiver
// receives (its height and antenna gain),
//
//   SINR = P_best / (load * sum_{j != best} P_j + sum_m load_m c_m sum_{j in m} P_j + N_RE),
//
// and the covered flag (RSRP >= rsrp_min_dbm and SINR >= sinr_min_db). Across layers, a cell is
// served by the covered layer with the highest priority (then the highest SINR); the combined
// maps show that layer. Tiles run in parallel (TBB); each tile writes its own cells and its own
// partial district sums, which are reduced in tile order: outputs are bit-identical for any
// thread count. The kernel never throws for a bad cell: a non-finite loss skips that
// cell-sector pair and is counted in CoverageStatus.

#include "core/aggregation.hpp"
#include "core/antenna.hpp"
#include "core/district.hpp"
#include "core/propagation/model.hpp"
#include "core/radial_terrain.hpp"
#include "core/raster.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace covsim {

// A layer as the kernel needs it, resolved from the scenario.
struct CoverageLayer {
    std::string name;
    const PropagationModel* model = nullptr;
    double frequency_mhz = 0.0;
    LosCondition los = LosCondition::probabilistic;
    double rx_height_m = 1.5;
    double rx_gain_dbi = 0.0;
    double re_offset_db = 0.0;        // -10 log10(12 N_RB): total power to power per RE
    double noise_per_re_dbm = -132.2; // thermal noise per subcarrier plus noise figure
    double max_range_m = 10000.0;     // sectors farther than this are ignored
    double load = 0.5;                // share of interfering resource elements in use, [0, 1]
    double rsrp_min_dbm = -110.0;
    double sinr_min_db = -5.0;
    int priority = 0; // higher is preferred when several layers cover a cell
    AntennaPattern antenna;
    PerDistrictType<Environment> environment = {Environment::urban, Environment::suburban,
                                                Environment::rural};
    // District types the layer serves; elsewhere it still radiates (and interferes) but covers
    // nobody (e.g. fixed wireless access offered in rural districts only).
    PerDistrictType<bool> serves = {true, true, true};

    // Terrain, when the study area has a DEM (docs/terrain.md). Terrain-aware models (ITM, p526)
    // get the path profile; the others get, with terrain_correction, P.526's excess of the
    // terrain over a smooth Earth, max(0, L_ba - L_bs). Profiles are built for the cell-sector
    // pairs whose flat-terrain power is within terrain_margin_db of the cell's best one; the
    // others keep the flat-terrain loss (terrain only adds loss: their interference is at most
    // overestimated).
    bool terrain_correction = true;
    double terrain_margin_db = 30.0;
    // How terrain losses are evaluated (core/radial_terrain.hpp): along radials from each mast,
    // interpolated between them, or over one straight profile per pair.
    TerrainMethod terrain_method = TerrainMethod::radial;
    PathParameters path;
    // ITU-R P.2108 (docs/models/p2108-clutter.md): §3.2 statistical clutter loss at the
    // receiver, and the §3.1 height-gain correction by the cell's clutter type (land cover).
    bool clutter_loss = false;
    double clutter_location_percent = 50.0;
    bool terminal_clutter_correction = false;
    // Indoor users behind ITU-R P.2109 building entry loss; false for outdoor or rooftop
    // receivers (fixed wireless access CPEs), whose indoor coverage is the outdoor one.
    bool indoor = true;
    // Location probability of the coverage decision: RSRP minus the model's location margin
    // (PropagationModel::location_margin_db: sigma * Q^-1(1 - p), or a LOS/NLOS mixture's
    // quantile minus its median) must reach rsrp_min_dbm (0.5: the median, no margin).
    double location_probability = 0.5;

    // The other layers whose transmissions this layer's receivers pick up: co-channel layers
    // (their occupied channels overlap this one's) and adjacent ones with an ACIR
    // (core/scenario_inputs.hpp derives them from the scenario). `coupling` turns an
    // interferer's received power per resource element into interference per RE of this
    // layer; the interferer's `load` weighs it as this layer's own load weighs its sectors.
    // With `shares_transmitters` (the layers share a carrier), the interferer's sectors that
    // are also this layer's (the same site and sector) are this layer's own transmissions and
    // are left out.
    struct Interferer {
        std::size_t layer = 0;
        double coupling = 1.0;
        bool shares_transmitters = false;
    };
    std::vector<Interferer> interferers;
};

// Indoor users (docs/indoor.md): building entry loss of ITU-R P.2109 not exceeded with
// `probability`, for the mix of thermally-efficient and traditional buildings of each district
// type.
struct IndoorSpec {
    double probability = 0.5;
    PerDistrictType<double> thermally_efficient_share = {0.2, 0.1, 0.05};
};

// What the kernel accumulated for some layers over one area: per tile and layer, every cell's
// best server, its power and the sum of the layer's powers (remember_layers()).
class CoverageMemo;

// The distance-loss tables of a run's layers (core/propagation/loss_table.hpp), one per layer
// and antenna height, kept for later runs with the same layers: the planner's evaluations, which
// would otherwise tabulate every layer again for each candidate. Thread-safe.
class LossTableCache {
public:
    LossTableCache();
    ~LossTableCache();
    LossTableCache(const LossTableCache&) = delete;
    LossTableCache& operator=(const LossTableCache&) = delete;

    struct Impl;
    [[nodiscard]] Impl& impl() const noexcept { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

struct CoverageInput {
    const StudyArea* area = nullptr;
    std::vector<CoverageLayer> layers;
    std::vector<Sector> sectors; // Sector::layer indexes layers
    IndoorSpec indoor;
    std::int64_t tile_size = 128;
    // Whether to find the line of sight to each cell's best servers (with a DEM): false when no
    // output reads the line-of-sight maps, which then stay empty.
    bool line_of_sight = true;
    // The remembered layers' accumulations, taken instead of evaluating their sectors again.
    // Made by remember_layers() over an input with the same area, layers and tile size, whose
    // sectors of those layers are the same, at the same indexes (compute_coverage checks the
    // sectors and throws Error(internal) when they differ).
    std::shared_ptr<const CoverageMemo> memo;
    // Tables of an earlier run with the same layers (each table is made once, by the first run
    // that needs it); null: the run tabulates its own.
    std::shared_ptr<LossTableCache> loss_tables;
};

inline constexpr float map_nodata = -9999.0f;
inline constexpr std::int32_t no_server = -1;
inline constexpr std::uint8_t flag_nodata = 255;
// Distances below this are evaluated at this distance (the pixel and the site coincide).
inline constexpr double minimum_distance_m = 1.0;

// Indoor coverage levels: thermally-efficient buildings lose more than traditional ones, so a
// cell covered inside the former is covered inside both.
enum IndoorLevel : std::uint8_t {
    indoor_none = 0,
    indoor_traditional = 1, // traditional buildings only
    indoor_all = 2,         // traditional and thermally-efficient buildings
};

struct LayerMaps {
    Raster<float> rsrp_dbm;
    Raster<float> sinr_db;
    Raster<std::int32_t> best_server;    // index into CoverageInput::sectors
    Raster<std::uint8_t> covered;        // 1 covered, 0 not, flag_nodata outside the districts
    Raster<std::uint8_t> covered_indoor; // IndoorLevel
    Raster<std::uint8_t> line_of_sight;  // 1/0 to the best server; empty without terrain
    // SINR inside traditional [0] and thermally-efficient [1] buildings (ITU-R P.2109), where
    // the cell is covered inside them; map_nodata elsewhere. A layer without building entry
    // loss (CoverageLayer::indoor false) has its outdoor SINR where it covers.
    std::array<Raster<float>, 2> indoor_sinr_db;
};

struct CoverageMaps {
    Raster<float> rsrp_dbm; // of the serving layer
    Raster<float> sinr_db;
    Raster<std::int32_t> best_server;
    Raster<std::uint8_t> serving_layer;  // index into layers, flag_nodata where none
    Raster<std::uint8_t> covered;        // covered by at least one layer
    Raster<std::uint8_t> covered_indoor; // the best IndoorLevel of any layer
    Raster<std::uint8_t> line_of_sight;  // of the serving layer; empty without terrain
    std::vector<LayerMaps> layers;
};

struct CoverageStatus {
    std::uint64_t cells = 0;                 // cells inside a district
    std::uint64_t cells_without_signal = 0;  // no sector of any layer within range
    std::uint64_t pixel_sectors = 0;         // cell-sector pairs evaluated
    std::uint64_t non_finite_losses = 0;     // pairs skipped because the loss was not finite
    std::uint64_t cells_without_terrain = 0; // cells whose DEM elevation is missing: flat there
    std::uint64_t terrain_pairs = 0;         // pairs evaluated over a terrain profile

    void add(const CoverageStatus& o) noexcept {
        cells += o.cells;
        cells_without_signal += o.cells_without_signal;
        pixel_sectors += o.pixel_sectors;
        non_finite_losses += o.non_finite_losses;
        cells_without_terrain += o.cells_without_terrain;
        terrain_pairs += o.terrain_pairs;
    }
};

struct CoverageResult {
    CoverageMaps maps;
    DistrictTable districts;
    CoverageStatus status;
};

// Throws covsim::Error only for an inconsistent input (a bug in the caller), never per cell.
CoverageResult compute_coverage(const CoverageInput& input);

// The accumulations of the layers l with remember[l] over the input's area, for later runs
// that differ in the other layers' sectors only (the planner's candidates, whose built layers
// stay: core/plan/kernel_evaluator.cpp). Those runs' results are bit-identical to computing
// every layer again. In parallel over the tiles.
std::shared_ptr<const CoverageMemo> remember_layers(const CoverageInput& input,
                                                    const std::vector<bool>& remember);

// A variant's coverage in parts, for one variant computed by several processes (engine/cluster,
// docs/scale-out.md). The kernel's tiles (tile_size cells square, numbered row by row from the
// north-west corner) are dealt round-robin: part k of n computes the tiles t with t mod n == k
// and returns them as bytes (per tile: its cells of every map, its district sums, its status; in
// this machine's byte order, for processes of one job). Dealt round-robin, the parts share the
// dense city centre's tiles alike.
// How many tiles the kernel computes (a part holds at most this many).
std::size_t coverage_tile_count(const CoverageInput& input);

std::vector<std::byte> compute_coverage_part(const CoverageInput& input, std::size_t part,
                                             std::size_t parts);

// Puts the n parts of a coverage together, in any order, and sums the districts in tile order:
// the result is bit-identical to compute_coverage's. Holds the whole coverage's maps while it
// lives.
class CoverageJoin {
public:
    CoverageJoin(const CoverageInput& input, std::size_t parts);
    CoverageJoin(const CoverageJoin&) = delete;
    CoverageJoin& operator=(const CoverageJoin&) = delete;
    ~CoverageJoin();

    // Throws Error(internal) for bytes that are not a part of this coverage or a part received
    // before.
    void add(std::span<const std::byte> part);
    [[nodiscard]] bool complete() const noexcept;
    // The coverage, once complete (Error(internal) before).
    [[nodiscard]] CoverageResult finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace covsim
