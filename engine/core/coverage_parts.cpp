// A variant's coverage in parts (core/coverage.hpp: compute_coverage_part, CoverageJoin).
//
// A part's bytes, every number in this machine's byte order:
//   u64 magic, part, parts, tile count, layer count, district count
//   per tile of the part, in tile order:
//     u64 tile; its CoverageStatus (6 x u64); u64 districts it touched, each an i64 index and its
//     DistrictTotals (5 + 2 x layers doubles)
//     per map (CoverageMaps in the order of for_each_map), the tile's rows of cells

#include "core/coverage.hpp"
#include "core/coverage_tiles.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace covsim {

namespace {

constexpr std::uint64_t part_magic = 0x3154524150564f43; // "COVPART1"

// Calls f(raster) for every map of `m` that the kernel fills, in one fixed order.
template <typename Maps, typename F>
void for_each_map(Maps& m, F&& f) {
    const auto visit = [&](auto& raster) {
        if (!raster.values.empty()) {
            f(raster);
        }
    };
    visit(m.rsrp_dbm);
    visit(m.sinr_db);
    visit(m.best_server);
    visit(m.serving_layer);
    visit(m.covered);
    visit(m.covered_indoor);
    visit(m.line_of_sight);
    for (auto& l : m.layers) {
        visit(l.rsrp_dbm);
        visit(l.sinr_db);
        visit(l.best_server);
        visit(l.covered);
        visit(l.covered_indoor);
        visit(l.line_of_sight);
        visit(l.indoor_sinr_db[0]);
        visit(l.indoor_sinr_db[1]);
    }
}

class Writer {
public:
    template <typename T>
    void put(const T* values, std::size_t n) {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto* p = reinterpret_cast<const std::byte*>(values);
        bytes_.insert(bytes_.end(), p, p + n * sizeof(T));
    }
    template <typename T>
    void put(T value) {
        put(&value, 1);
    }
    void reserve(std::size_t n) { bytes_.reserve(n); }
    [[nodiscard]] std::vector<std::byte> take() { return std::move(bytes_); }

private:
    std::vector<std::byte> bytes_;
};

class Reader {
public:
    explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}

    template <typename T>
    void get(T* values, std::size_t n) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (n * sizeof(T) > bytes_.size() - at_) {
            throw Error(ErrorCode::internal, "coverage part: the bytes end early");
        }
        std::memcpy(values, bytes_.data() + at_, n * sizeof(T));
        at_ += n * sizeof(T);
    }
    template <typename T>
    T get() {
        T value{};
        get(&value, 1);
        return value;
    }
    [[nodiscard]] bool done() const noexcept { return at_ == bytes_.size(); }

private:
    std::span<const std::byte> bytes_;
    std::size_t at_ = 0;
};

void write_status(Writer& w, const CoverageStatus& s) {
    for (const std::uint64_t v : {s.cells, s.cells_without_signal, s.pixel_sectors,
                                  s.non_finite_losses, s.cells_without_terrain, s.terrain_pairs}) {
        w.put(v);
    }
}

CoverageStatus read_status(Reader& r) {
    CoverageStatus s;
    for (std::uint64_t* v : {&s.cells, &s.cells_without_signal, &s.pixel_sectors,
                             &s.non_finite_losses, &s.cells_without_terrain, &s.terrain_pairs}) {
        *v = r.get<std::uint64_t>();
    }
    return s;
}

void write_partial(Writer& w, const PartialTable& partial, std::size_t layers) {
    w.put(static_cast<std::uint64_t>(partial.size()));
    for (const auto& [district, t] : partial) {
        w.put(static_cast<std::int64_t>(district));
        for (const double v : {t.population, t.area_km2, t.covered_population, t.covered_area_km2,
                               t.covered_indoor_population}) {
            w.put(v);
        }
        w.put(t.layer_covered_population.data(), layers);
        w.put(t.layer_covered_indoor_population.data(), layers);
    }
}

PartialTable read_partial(Reader& r, std::size_t layers, std::size_t districts) {
    const auto entries = r.get<std::uint64_t>();
    if (entries > districts) {
        throw Error(ErrorCode::internal, "coverage part: a tile with more districts than exist");
    }
    PartialTable partial;
    partial.reserve(entries);
    for (std::uint64_t e = 0; e < entries; ++e) {
        const auto district = r.get<std::int64_t>();
        if (district < 0 || static_cast<std::uint64_t>(district) >= districts) {
            throw Error(ErrorCode::internal, "coverage part: a district index out of range");
        }
        DistrictTotals t(layers);
        for (double* v : {&t.population, &t.area_km2, &t.covered_population, &t.covered_area_km2,
                          &t.covered_indoor_population}) {
            *v = r.get<double>();
        }
        r.get(t.layer_covered_population.data(), layers);
        r.get(t.layer_covered_indoor_population.data(), layers);
        partial.emplace_back(static_cast<std::int32_t>(district), std::move(t));
    }
    return partial;
}

} // namespace

std::vector<std::byte> compute_coverage_part(const CoverageInput& input, std::size_t part,
                                             std::size_t parts) {
    const CoverageTiles tiles = compute_coverage_tiles(input, part, parts);
    const std::size_t layers = input.layers.size();
    const TileLayout& layout = tiles.layout;
    Writer w;
    std::size_t map_bytes = 0;
    for_each_map(tiles.maps, [&](const auto& raster) {
        map_bytes += raster.values.size() * sizeof(raster.values[0]);
    });
    w.reserve(map_bytes / parts + 4096);
    for (const std::uint64_t v :
         {part_magic, std::uint64_t{part}, std::uint64_t{parts}, std::uint64_t{layout.count()},
          std::uint64_t{layers}, std::uint64_t{input.area->district_count()}}) {
        w.put(v);
    }
    for (std::size_t t = part; t < layout.count(); t += parts) {
        w.put(static_cast<std::uint64_t>(t));
        write_status(w, tiles.statuses[t]);
        write_partial(w, tiles.partials[t], layers);
        const TileLayout::Rect rect = layout.rect(t);
        for_each_map(tiles.maps, [&](const auto& raster) {
            for (std::int64_t row = rect.row0; row < rect.row1; ++row) {
                w.put(&raster.at(rect.col0, row), static_cast<std::size_t>(rect.col1 - rect.col0));
            }
        });
    }
    return w.take();
}

struct CoverageJoin::State {
    const CoverageInput& input;
    std::size_t parts;
    TileLayout layout;
    std::vector<bool> received;
    CoverageMaps maps;
    std::vector<PartialTable> partials;
    std::vector<CoverageStatus> statuses;
};

CoverageJoin::CoverageJoin(const CoverageInput& input, std::size_t parts)
    : state_(std::make_unique<State>(State{input,
                                           parts,
                                           TileLayout(input.area->grid, input.tile_size),
                                           std::vector<bool>(parts, false),
                                           empty_coverage_maps(input),
                                           {},
                                           {}})) {
    if (parts == 0 || input.tile_size <= 0) {
        throw Error(ErrorCode::internal, "CoverageJoin: no parts or no tiles");
    }
    state_->partials.resize(state_->layout.count());
    state_->statuses.resize(state_->layout.count());
}

CoverageJoin::~CoverageJoin() = default;

void CoverageJoin::add(std::span<const std::byte> bytes) {
    State& s = *state_;
    Reader r(bytes);
    const std::size_t layers = s.input.layers.size();
    const std::size_t districts = s.input.area->district_count();
    const auto magic = r.get<std::uint64_t>();
    const auto part = r.get<std::uint64_t>();
    const auto parts = r.get<std::uint64_t>();
    const auto tile_count = r.get<std::uint64_t>();
    const auto layer_count = r.get<std::uint64_t>();
    const auto district_count = r.get<std::uint64_t>();
    if (magic != part_magic || parts != s.parts || part >= parts ||
        tile_count != s.layout.count() || layer_count != layers || district_count != districts) {
        throw Error(ErrorCode::internal, "coverage part: not a part of this coverage");
    }
    if (s.received[part]) {
        throw Error(ErrorCode::internal, "coverage part: a part received twice");
    }
    for (std::size_t i = 0; i < s.layout.count_of_part(part, parts); ++i) {
        const std::size_t t = part + i * parts;
        if (r.get<std::uint64_t>() != t) {
            throw Error(ErrorCode::internal, "coverage part: tiles out of order");
        }
        s.statuses[t] = read_status(r);
        s.partials[t] = read_partial(r, layers, districts);
        const TileLayout::Rect rect = s.layout.rect(t);
        for_each_map(s.maps, [&](auto& raster) {
            for (std::int64_t row = rect.row0; row < rect.row1; ++row) {
                r.get(&raster.at(rect.col0, row), static_cast<std::size_t>(rect.col1 - rect.col0));
            }
        });
    }
    if (!r.done()) {
        throw Error(ErrorCode::internal, "coverage part: bytes left after its last tile");
    }
    s.received[part] = true;
}

bool CoverageJoin::complete() const noexcept {
    return std::find(state_->received.begin(), state_->received.end(), false) ==
           state_->received.end();
}

CoverageResult CoverageJoin::finish() {
    if (!complete()) {
        throw Error(ErrorCode::internal, "CoverageJoin: finished before every part arrived");
    }
    State& s = *state_;
    return reduce_coverage_tiles(s.input, std::move(s.maps), s.partials, s.statuses);
}

} // namespace covsim
