#include "core/radial_terrain.hpp"

#include "core/names.hpp"
#include "core/parallel.hpp"
#include "core/propagation/p526.hpp"
#include "core/terrain.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <numbers>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <unordered_map>

namespace covsim {

namespace {

constexpr std::array<std::string_view, 2> terrain_method_names = {"radial", "exact"};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double two_pi = 2.0 * std::numbers::pi;
// The line-of-sight flag's earth, as p526::line_of_sight() (docs/terrain.md).
constexpr double los_earth_radius_m = p526::default_earth_radius_m;
// The coarsest radial set keeps at least this many radials.
constexpr std::size_t min_radials = 32;
// The model is evaluated at every evaluation_stride-th sample of a radial (the profile has every
// sample): cells interpolate between receivers that many spacings apart. A power of 2 (ITM's
// Delta_h schedule, itm.cpp, is in powers of 2 too). 4 keeps the agreement with the exact
// method at a median of 0.03 dB and a 95th percentile of 0.33 dB for ITM on the synthetic hills
// of tests/integration/test_radial_agreement.cpp (2: 0.02 and 0.16 dB, at 1.5 times the
// evaluations' cost).
constexpr std::size_t evaluation_stride = 4;
// ITM is evaluated at every other receiver of a radial and at those between two whose
// attenuations differ by more than this; the others take the mean of their neighbours
// (itm::point_to_point_along). On the synthetic hills of the agreement test: median 0.045 dB,
// 95th percentile 0.37 dB (every receiver: 0.035 and 0.32 dB); 64 % of the receivers of
// bench/run-peers' case are evaluated. 1 dB: 0.041 and 0.34 dB.
constexpr double itm_interpolation_tolerance_db = 2.0;

struct Geometry {
    std::size_t rays = 0;
    int levels = 0;
    std::size_t samples = 0;
};

// Enough radials that neighbours are at most one spacing apart at the range (rounded up to a
// multiple of 2^levels), and K samples, 0 .. K, to reach the range.
Geometry geometry_of(double spacing_m, double range_m) noexcept {
    Geometry g;
    const auto n0 = std::max<std::size_t>(
        min_radials, static_cast<std::size_t>(std::ceil(two_pi * range_m / spacing_m)));
    while ((n0 >> (g.levels + 1)) >= min_radials) {
        ++g.levels;
    }
    const std::size_t unit = std::size_t{1} << g.levels;
    g.rays = (n0 + unit - 1) / unit * unit;
    g.samples = (static_cast<std::size_t>(std::ceil(range_m / spacing_m)) + evaluation_stride) /
                evaluation_stride * evaluation_stride;
    return g;
}

// The radial set of radial j: every 2^l-th radial for l up to its number of trailing zeros.
int level_of_ray(std::size_t j, int levels) noexcept {
    return j == 0 ? levels : std::min(levels, std::countr_zero(j));
}

} // namespace

std::optional<TerrainMethod> parse_terrain_method(std::string_view text) noexcept {
    return parse_name<TerrainMethod>(terrain_method_names, text);
}

std::string_view to_string(TerrainMethod m) noexcept {
    return terrain_method_names[static_cast<std::size_t>(m)];
}

std::optional<RadialTerm> radial_term_for(const PropagationModel& model) noexcept {
    if (!model.needs_profile()) {
        return RadialTerm::p526_excess;
    }
    if (model.name() == "itm") {
        return RadialTerm::itm_attenuation;
    }
    if (model.name() == "p526") {
        return RadialTerm::p526_loss;
    }
    return std::nullopt;
}

// Per-thread working memory of the radials of one field.
struct RadialField::RayScratch {
    std::vector<double> z;
    TerrainProfile radial;
    std::vector<double> values;
    std::vector<p526::DeltaBullingtonResult> results;
    itm::RadialScratch itm;
    p526::RadialScratch p526;
};

// The radial set used between samples k - 1 and k: the sparsest whose neighbours are at most one
// spacing apart at sample k (k >= 1).
int RadialField::level_of(std::size_t k) const noexcept {
    const double step = two_pi / static_cast<double>(rays_);
    int l = 0;
    while (l < levels_ && static_cast<double>(k) * step * static_cast<double>(2 << l) <= 1.0) {
        ++l;
    }
    return l;
}

RadialField::RadialField(const Raster<float>& dem, double spacing_m, const RadialKey& key)
    : key_(key), spacing_m_(spacing_m) {
    const Geometry g = geometry_of(spacing_m, key.range_m);
    rays_ = g.rays;
    levels_ = g.levels;
    samples_ = g.samples;
    // A radial of set l is evaluated from the receiver before the first whose interval uses it.
    first_for_level_.assign(static_cast<std::size_t>(levels_) + 1, evaluation_stride);
    for (int l = 0; l <= levels_; ++l) {
        std::size_t k = 2 * evaluation_stride;
        while (k <= samples_ && level_of(k) > l) {
            k += evaluation_stride;
        }
        first_for_level_[static_cast<std::size_t>(l)] =
            static_cast<std::int32_t>(k - evaluation_stride);
    }
    // The radial set of the interval after each receiver, as at() asks for it.
    level_after_.resize(samples_ / evaluation_stride);
    for (std::size_t m = 0; m < level_after_.size(); ++m) {
        level_after_[m] = static_cast<std::uint8_t>(level_of((m + 1) * evaluation_stride));
    }
    first_.resize(rays_);
    term_offset_.resize(rays_ + 1);
    slope_offset_.resize(rays_ + 1);
    std::size_t terms = 0;
    std::size_t slopes = 0;
    for (std::size_t j = 0; j < rays_; ++j) {
        first_[j] = first_for_level_[static_cast<std::size_t>(level_of_ray(j, levels_))];
        const auto first = static_cast<std::size_t>(first_[j]);
        term_offset_[j] = terms;
        slope_offset_[j] = slopes;
        terms += (samples_ - first) / evaluation_stride + 1;
        slopes += key.line_of_sight ? samples_ + 1 - first : 0;
    }
    term_offset_[rays_] = terms;
    slope_offset_[rays_] = slopes;
    term_.assign(terms, static_cast<float>(nan));
    tx_slope_.assign(slopes, static_cast<float>(nan));

    tbb::enumerable_thread_specific<RayScratch> scratch;
    parallel::for_ranges(tbb::blocked_range<std::size_t>(0, rays_, 8),
                         [&](const tbb::blocked_range<std::size_t>& r) {
                             RayScratch& s = scratch.local();
                             for (std::size_t j = r.begin(); j != r.end(); ++j) {
                                 compute_ray(dem, j, s);
                             }
                         });
}

void RadialField::compute_ray(const Raster<float>& dem, std::size_t j, RayScratch& s) {
    const auto first = static_cast<std::size_t>(first_[j]);
    const std::size_t k_max = samples_;
    const double bearing = two_pi * static_cast<double>(j) / static_cast<double>(rays_);
    const double reach = spacing_m_ * static_cast<double>(k_max);
    s.z.resize(k_max + 1);
    sample_segment(dem, key_.x_m, key_.y_m, key_.x_m + reach * std::sin(bearing),
                   key_.y_m + reach * std::cos(bearing), k_max, s.z.data());
    if (!std::isfinite(s.z[0])) {
        return;
    }
    // The radial ends before its first missing elevation.
    std::size_t last = k_max;
    for (std::size_t k = 1; k <= k_max; ++k) {
        if (!std::isfinite(s.z[k])) {
            last = k - 1;
            break;
        }
    }

    if (key_.line_of_sight) {
        transmitter_slopes(j, s.z, last);
    }

    if (last < first) {
        return;
    }
    s.radial.spacing_m = spacing_m_;
    s.radial.elevation_m.assign(s.z.begin(), s.z.begin() + static_cast<std::ptrdiff_t>(last + 1));
    const std::size_t count = (last - first) / evaluation_stride + 1;
    float* term = term_.data() + term_offset_[j];
    if (key_.term == RadialTerm::itm_attenuation) {
        s.values.resize(count);
        itm::point_to_point_along(s.radial, key_.itm, first, evaluation_stride, s.itm, s.values,
                                  itm_interpolation_tolerance_db);
        for (std::size_t m = 0; m < count; ++m) {
            term[m] = static_cast<float>(s.values[m]);
        }
        return;
    }
    const bool loss = key_.term == RadialTerm::p526_loss;
    s.results.resize(count);
    p526::delta_bullington_along(s.radial, key_.tx_height_m, key_.rx_height_m, key_.frequency_mhz,
                                 first, evaluation_stride, loss, s.p526, s.results);
    for (std::size_t m = 0; m < count; ++m) {
        const p526::DeltaBullingtonResult& r = s.results[m];
        term[m] = static_cast<float>(
            loss ? r.loss_db : std::max(0.0, r.bullington_actual_db - r.bullington_smooth_db));
    }
}

// The line of sight's transmitter-side slope along radial j (samples 0 .. last of z), a running
// maximum of P.1812 (13)'s terms without their common d C_e / 2.
void RadialField::transmitter_slopes(std::size_t j, const std::vector<double>& z,
                                     std::size_t last) {
    const auto first = static_cast<std::size_t>(first_[j]);
    float* tx_slope = tx_slope_.data() + slope_offset_[j] - first;
    const double h_ts = z[0] + key_.tx_height_m;
    double slope = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 1; k <= last; ++k) {
        if (k >= first) {
            tx_slope[k] = static_cast<float>(slope);
        }
        const double d = spacing_m_ * static_cast<double>(k);
        slope = std::max(slope, (z[k] - d * d / (2.0 * los_earth_radius_m) - h_ts) / d);
    }
}

RadialField::Value RadialField::at(double dx_m, double dy_m, double d_m,
                                   double cell_ground_m) const noexcept {
    Value v;
    // Between receivers m0 and m0 + 1 (samples m evaluation_stride) ...
    const double mf = d_m / spacing_m_ / static_cast<double>(evaluation_stride);
    const double m_lo =
        std::clamp(std::floor(mf), 1.0, static_cast<double>(samples_ / evaluation_stride - 1));
    const double t = std::clamp(mf - m_lo, 0.0, 1.0);
    const auto m0 = static_cast<std::size_t>(m_lo);
    // ... and between radials j0 and j1 of the set in use there.
    const int l = level_after_[m0];
    const std::size_t sets = rays_ >> l;
    double u = std::atan2(dx_m, dy_m) / two_pi * static_cast<double>(sets);
    u = u < 0.0 ? u + static_cast<double>(sets) : u;
    const double u0 = std::floor(u);
    const double a = std::clamp(u - u0, 0.0, 1.0);
    // u0 is below 2 sets (u rounds to `sets` only for a bearing just below north).
    std::size_t i0 = static_cast<std::size_t>(u0);
    i0 = i0 >= sets ? i0 - sets : i0;
    const std::size_t j0 = i0 << l;
    const std::size_t j1 = (i0 + 1 == sets ? 0 : i0 + 1) << l;
    const auto stored = [this](std::size_t j, std::size_t m) {
        const std::size_t first = static_cast<std::size_t>(first_[j]) / evaluation_stride;
        return static_cast<double>(term_[term_offset_[j] + m - first]);
    };
    const double values[4] = {stored(j0, m0), stored(j0, m0 + 1), stored(j1, m0),
                              stored(j1, m0 + 1)};
    const double weights[4] = {(1.0 - a) * (1.0 - t), (1.0 - a) * t, a * (1.0 - t), a * t};
    double sum = 0.0;
    double weight = 0.0;
    for (int i = 0; i < 4; ++i) {
        if (std::isfinite(values[i])) {
            sum += weights[i] * values[i];
            weight += weights[i];
        }
    }
    v.term_db = weight > 0.0 ? sum / weight : nan;
    if (!key_.line_of_sight) {
        return v;
    }

    // The line of sight over the nearest radial's samples up to one spacing before the cell.
    const std::size_t jn = a < 0.5 ? j0 : j1;
    const double k = std::clamp(std::floor(d_m / spacing_m_), static_cast<double>(first_[jn]),
                                static_cast<double>(samples_));
    const auto slope =
        static_cast<double>(tx_slope_[slope_offset_[jn] + static_cast<std::size_t>(k) -
                                      static_cast<std::size_t>(first_[jn])]);
    if (std::isfinite(slope) && std::isfinite(cell_ground_m)) {
        const double h_ts = key_.ground_m + key_.tx_height_m;
        const double s_tim = slope + d_m / (2.0 * los_earth_radius_m);
        const double s_tr = (cell_ground_m + key_.rx_height_m - h_ts) / d_m;
        v.line_of_sight = s_tim < s_tr ? 1 : 0;
    }
    return v;
}

std::size_t RadialField::bytes() const noexcept {
    return (term_.size() + tx_slope_.size()) * sizeof(float) + level_after_.size() +
           (term_offset_.size() + slope_offset_.size()) * sizeof(std::size_t) +
           first_.size() * sizeof(std::int32_t);
}

std::size_t RadialField::estimate_bytes(double spacing_m, double range_m) noexcept {
    // About the disc's area in spacing squares, times 4/3 (radials between one half and one
    // spacing apart): a float per sample and one per receiver.
    const Geometry g = geometry_of(spacing_m, range_m);
    const double samples = 4.0 / 3.0 * std::numbers::pi * static_cast<double>(g.samples) *
                           static_cast<double>(g.samples);
    const double per_sample = 1.0 + 1.0 / static_cast<double>(evaluation_stride);
    return static_cast<std::size_t>(samples * per_sample) * sizeof(float) + g.rays * 20;
}

// ---- The cache ----------------------------------------------------------------------------------

namespace {

struct KeyHash {
    std::size_t operator()(const RadialKey& k) const noexcept {
        std::size_t h = std::hash<int>()(static_cast<int>(k.term));
        const auto mix = [&h](double v) {
            h ^= std::hash<double>()(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        };
        for (const double v :
             {k.x_m, k.y_m, k.ground_m, k.tx_height_m, k.rx_height_m, k.frequency_mhz, k.range_m}) {
            mix(v);
        }
        h ^= k.line_of_sight ? 0x51ed27ULL : 0;
        return h;
    }
};

} // namespace

struct RadialFieldCache::Impl {
    struct Entry {
        parallel::OnceFlag once;
        std::shared_ptr<const RadialField> field;
        bool computed = false; // under the mutex, after `field` is set
        std::uint64_t used = 0;
        std::size_t bytes = 0;
    };

    const Raster<float>& dem;
    double spacing_m;
    std::size_t budget_bytes;
    std::mutex mutex;
    std::unordered_map<RadialKey, std::shared_ptr<Entry>, KeyHash> entries;
    std::uint64_t clock = 0;
    std::size_t total_bytes = 0;

    // Drops fields nobody holds, least recently used first, while over the budget. Under the
    // mutex.
    void evict() {
        while (total_bytes > budget_bytes) {
            auto victim = entries.end();
            for (auto it = entries.begin(); it != entries.end(); ++it) {
                const Entry& e = *it->second;
                const bool idle = it->second.use_count() == 1 && e.computed &&
                                  (e.field == nullptr || e.field.use_count() == 1);
                if (idle && (victim == entries.end() || e.used < victim->second->used)) {
                    victim = it;
                }
            }
            if (victim == entries.end()) {
                return;
            }
            total_bytes -= victim->second->bytes;
            entries.erase(victim);
        }
    }
};

RadialFieldCache::RadialFieldCache(const Raster<float>& dem, double spacing_m,
                                   std::size_t budget_bytes)
    : impl_(new Impl{dem, spacing_m, budget_bytes, {}, {}}) {}

RadialFieldCache::~RadialFieldCache() = default;

std::shared_ptr<const RadialField> RadialFieldCache::get(const RadialKey& key) {
    Impl& c = *impl_;
    std::shared_ptr<Impl::Entry> entry;
    {
        const std::lock_guard lock(c.mutex);
        std::shared_ptr<Impl::Entry>& slot = c.entries[key];
        if (slot == nullptr) {
            slot = std::make_shared<Impl::Entry>();
            slot->bytes = RadialField::estimate_bytes(c.spacing_m, key.range_m);
            c.total_bytes += slot->bytes;
        }
        slot->used = ++c.clock;
        entry = slot;
        c.evict();
    }
    parallel::call_once(entry->once, [&] {
        entry->field = std::make_shared<const RadialField>(c.dem, c.spacing_m, key);
    });
    std::shared_ptr<const RadialField> field = entry->field;
    {
        const std::lock_guard lock(c.mutex);
        entry->computed = true;
    }
    return field;
}

} // namespace covsim
