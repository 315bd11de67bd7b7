#pragma once
// Terrain losses of one mast along radials (docs/terrain.md, "Radials").
//
// The profile from a mast to any cell is, up to where the cell lies between two rays, a prefix
// of a radial from the mast. A RadialField samples radials from the mast at the profile spacing
// and evaluates the terrain model at every sample of every radial as the receiver, in one pass
// per radial (itm::point_to_point_along, p526::delta_bullington_along: running maxima, convex
// hulls and prefix sums instead of one pass per receiver). There are enough radials that
// neighbouring ones are at most one spacing apart at the end of the range; nearer the mast,
// every other radial is skipped wherever the remaining ones are still that close (a radial set
// per doubling of the distance). A cell takes the bilinear interpolation, in distance and
// bearing, of the four evaluated samples around it, and its line of sight from the nearest
// radial's running maximum of the transmitter-side slope against its own direct ray.
//
// A field depends only on its RadialKey: it is computed the same way, bit for bit, whichever
// thread, instruction-set copy or cache state asks for it. RadialFieldCache computes each field
// once (in parallel over its radials) and keeps fields up to a memory budget.

#include "core/propagation/itm.hpp"
#include "core/propagation/model.hpp"
#include "core/raster.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace covsim {

// How the coverage kernel evaluates terrain (the layer key terrain_method): along radials shared
// by every cell around a mast (radial), or over one straight profile per cell and mast (exact).
enum class TerrainMethod : std::uint8_t { radial, exact };
std::optional<TerrainMethod> parse_terrain_method(std::string_view text) noexcept;
std::string_view to_string(TerrainMethod m) noexcept;

// What a field holds at each sample, dB.
enum class RadialTerm : std::uint8_t {
    itm_attenuation, // ITM's loss minus its free-space loss
    p526_loss,       // P.526's delta-Bullington loss L (the p526 model adds free space)
    p526_excess,     // P.526's terrain excess max(0, L_ba − L_bs) (terrain_correction)
};

// The term that a model's loss over terrain takes from a radial: ITM's attenuation for `itm`,
// P.526's loss for `p526` (the two terrain-aware models of builtin_models.cpp), the terrain excess
// for a model without a profile (an empirical model with terrain_correction); nullopt for any
// other terrain-aware model, which the kernel then evaluates exactly.
std::optional<RadialTerm> radial_term_for(const PropagationModel& model) noexcept;

// Everything a field depends on.
struct RadialKey {
    RadialTerm term = RadialTerm::p526_excess;
    double x_m = 0.0;
    double y_m = 0.0;
    double ground_m = 0.0; // of the mast, finite
    double tx_height_m = 0.0;
    double rx_height_m = 0.0;
    double frequency_mhz = 0.0;
    double range_m = 0.0;
    itm::ItmParameters itm;    // read for itm_attenuation only (heights and frequency as above)
    bool line_of_sight = true; // keep the transmitter-side slopes for Value::line_of_sight

    bool operator==(const RadialKey&) const = default;
};

class RadialField {
public:
    // Samples `dem` along the radials at spacing_m and evaluates the key's term; in parallel
    // over the radials (core/parallel.hpp).
    RadialField(const Raster<float>& dem, double spacing_m, const RadialKey& key);

    struct Value {
        double term_db = 0.0;           // NaN: no evaluated sample around the cell (missing DEM)
        std::uint8_t line_of_sight = 1; // to the cell, over the nearest radial (1 without the
                                        // key's line_of_sight)
    };
    // At the cell (dx_m, dy_m) from the mast, horizontal distance d_m in [1.5 spacing, range],
    // cell_ground_m its elevation. Never throws.
    [[nodiscard]] Value at(double dx_m, double dy_m, double d_m,
                           double cell_ground_m) const noexcept;

    [[nodiscard]] std::size_t bytes() const noexcept;
    // The memory a field of this range and spacing holds, without computing it.
    [[nodiscard]] static std::size_t estimate_bytes(double spacing_m, double range_m) noexcept;

    [[nodiscard]] std::size_t radials() const noexcept { return rays_; }
    [[nodiscard]] std::size_t receivers() const noexcept { return term_.size(); }

private:
    struct RayScratch;
    void compute_ray(const Raster<float>& dem, std::size_t j, RayScratch& scratch);
    void transmitter_slopes(std::size_t j, const std::vector<double>& z, std::size_t last);
    [[nodiscard]] int level_of(std::size_t k) const noexcept;

    RadialKey key_;
    double spacing_m_ = 0.0;
    std::size_t rays_ = 0;    // N, a multiple of 2^levels_
    int levels_ = 0;          // radial sets: every 2^l-th radial, l = 0 .. levels_
    std::size_t samples_ = 0; // K: samples 0 .. K along each radial
    std::vector<std::int32_t> first_for_level_; // first receiver of a radial of each set
    std::vector<std::uint8_t> level_after_; // per receiver m: level_of((m + 1) evaluation_stride)
    std::vector<std::int32_t> first_;       // per radial: its first receiver (a sample)
    // Per radial, the index of its first value in term_ and in tx_slope_.
    std::vector<std::size_t> term_offset_;
    std::vector<std::size_t> slope_offset_;
    // Per receiver (every evaluation_stride-th sample from first_): the term.
    std::vector<float> term_;
    // Per sample k from first_: max over samples 1 .. k − 1 of (h_i − d_i² / (2 a_e) − h_ts) / d_i,
    // a_e = 8500 km (the line of sight's S_tim without its d / (2 a_e)). Empty without the key's
    // line_of_sight.
    std::vector<float> tx_slope_;
};

// The radial fields of a run, computed on first use (the callers that need a field while it is
// computed help compute it: tbb::collaborative_call_once) and kept while their memory fits in
// `budget_bytes`; beyond it, fields that no caller holds are dropped, least recently used first,
// and recomputed when needed again (the same values). Thread-safe.
class RadialFieldCache {
public:
    RadialFieldCache(const Raster<float>& dem, double spacing_m,
                     std::size_t budget_bytes = std::size_t{256} << 20);
    ~RadialFieldCache();
    RadialFieldCache(const RadialFieldCache&) = delete;
    RadialFieldCache& operator=(const RadialFieldCache&) = delete;

    [[nodiscard]] std::shared_ptr<const RadialField> get(const RadialKey& key);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace covsim
