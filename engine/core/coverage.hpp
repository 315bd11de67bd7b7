#pragma once
// The coverage kernel. For every cell of the study area that lies in a district and every sector
// within its layer's maximum range, it evaluates the link budget
//
//   P_RE = P_total - 10 log10(12 N_RB) + G_tx(φ, θ) + G_rx - max(L_model, L_free-space)  [dBm]
//
// and keeps, per layer, the best server (highest P_RE = RSRP), the SINR against the other
// sectors of the same layer weighted by the layer's load,
//
//   SINR = P_best / (load * sum_{j != best} P_j + N_RE),
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
#include "core/raster.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <cstdint>
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
};

struct CoverageInput {
    const StudyArea* area = nullptr;
    std::vector<CoverageLayer> layers;
    std::vector<Sector> sectors; // Sector::layer indexes layers
    std::int64_t tile_size = 128;
};

inline constexpr float map_nodata = -9999.0f;
inline constexpr std::int32_t no_server = -1;
inline constexpr std::uint8_t flag_nodata = 255;
// Distances below this are evaluated at this distance (the pixel and the site coincide).
inline constexpr double minimum_distance_m = 1.0;

struct LayerMaps {
    Raster<float> rsrp_dbm;
    Raster<float> sinr_db;
    Raster<std::int32_t> best_server; // index into CoverageInput::sectors
    Raster<std::uint8_t> covered;     // 1 covered, 0 not, flag_nodata outside the districts
};

struct CoverageMaps {
    Raster<float> rsrp_dbm; // of the serving layer
    Raster<float> sinr_db;
    Raster<std::int32_t> best_server;
    Raster<std::uint8_t> serving_layer; // index into layers, flag_nodata where none
    Raster<std::uint8_t> covered;       // covered by at least one layer
    std::vector<LayerMaps> layers;
};

struct CoverageStatus {
    std::uint64_t cells = 0;                // cells inside a district
    std::uint64_t cells_without_signal = 0; // no sector of any layer within range
    std::uint64_t pixel_sectors = 0;        // cell-sector pairs evaluated
    std::uint64_t non_finite_losses = 0;    // pairs skipped because the loss was not finite

    void add(const CoverageStatus& o) noexcept {
        cells += o.cells;
        cells_without_signal += o.cells_without_signal;
        pixel_sectors += o.pixel_sectors;
        non_finite_losses += o.non_finite_losses;
    }
};

struct CoverageResult {
    CoverageMaps maps;
    DistrictTable districts;
    CoverageStatus status;
};

// Throws covsim::Error only for an inconsistent input (a bug in the caller), never per cell.
CoverageResult compute_coverage(const CoverageInput& input);

} // namespace covsim
