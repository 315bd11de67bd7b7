// A variant's coverage computed in parts and joined (core/coverage.hpp: compute_coverage_part,
// CoverageJoin), as ranks of an MPI job compute a large variant: the join must equal one
// compute_coverage bit for bit, whatever the number of parts and the order they arrive in.

#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/propagation/registry.hpp"
#include "core/terrain.hpp"
#include "terrain_strip.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

using namespace covsim;

namespace {

// The terrain strip (terrain_strip.hpp) over hills and a ridge, with two districts (west and
// east of x = 4 km, the first urban, the second rural; 1 and 3 people per cell) and a row of
// cells outside both.
StudyArea hilly_strip() {
    StudyArea a = test::terrain_strip([](double x) {
        return 40.0 * std::sin(x / 700.0) + (std::abs(x - 5000.0) < 250.0 ? 150.0 : 0.0);
    });
    for (std::int64_t r = 0; r < a.grid.height; ++r) {
        for (std::int64_t c = 0; c < a.grid.width; ++c) {
            const bool east = a.grid.center_x_m(c) > 4000.0;
            a.district_index.at(c, r) = static_cast<std::int16_t>(r == 0 ? -1 : (east ? 1 : 0));
            a.population.at(c, r) = east ? 3.0 : 1.0;
        }
    }
    a.districts[0].type = DistrictType::urban_district;
    District east;
    east.code = "2";
    east.type = DistrictType::rural_district;
    a.districts.push_back(east);
    return a;
}

// Two co-channel layers (ITM and 3GPP RMa) of 3-sector masts, the first interfered by the
// second, in tiles of 32 cells (8 x 2 = 16 tiles).
CoverageInput two_layers(const StudyArea& area) {
    CoverageInput in;
    in.area = &area;
    in.tile_size = 32;
    for (const char* model : {"itm", "3gpp-38901-rma"}) {
        CoverageLayer l;
        l.name = model;
        l.model = model_registry().find(model);
        l.frequency_mhz = 700.0;
        l.noise_per_re_dbm = -130.0;
        l.re_offset_db = -30.8; // 100 resource blocks
        l.rsrp_min_dbm = -95.0;
        l.sinr_min_db = -10.0;
        l.max_range_m = 20000.0;
        l.antenna.gain_dbi = 15.0;
        in.layers.push_back(l);
    }
    in.layers[0].interferers.push_back({1, 1.0, false});
    for (std::size_t layer = 0; layer < 2; ++layer) {
        for (const double x : {1025.0, 6025.0, 11025.0}) {
            for (const double azimuth : {30.0, 150.0, 270.0}) {
                Sector s;
                s.site_id = "S";
                s.layer = layer;
                s.x_m = x + 500.0 * static_cast<double>(layer);
                s.y_m = 1025.0;
                s.height_m = 35.0;
                s.power_dbm = 43.0;
                s.azimuth_deg = azimuth;
                s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
                in.sectors.push_back(s);
            }
        }
    }
    return in;
}

template <typename T>
bool same_bits(const Raster<T>& a, const Raster<T>& b) {
    return a.values.size() == b.values.size() &&
           std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(T)) == 0;
}

void expect_same_coverage(const CoverageResult& a, const CoverageResult& b, std::size_t parts) {
    EXPECT_TRUE(same_bits(a.maps.rsrp_dbm, b.maps.rsrp_dbm)) << parts;
    EXPECT_TRUE(same_bits(a.maps.sinr_db, b.maps.sinr_db)) << parts;
    EXPECT_TRUE(same_bits(a.maps.best_server, b.maps.best_server)) << parts;
    EXPECT_TRUE(same_bits(a.maps.serving_layer, b.maps.serving_layer)) << parts;
    EXPECT_TRUE(same_bits(a.maps.covered, b.maps.covered)) << parts;
    EXPECT_TRUE(same_bits(a.maps.covered_indoor, b.maps.covered_indoor)) << parts;
    EXPECT_TRUE(same_bits(a.maps.line_of_sight, b.maps.line_of_sight)) << parts;
    ASSERT_EQ(a.maps.layers.size(), b.maps.layers.size());
    for (std::size_t l = 0; l < a.maps.layers.size(); ++l) {
        const LayerMaps& x = a.maps.layers[l];
        const LayerMaps& y = b.maps.layers[l];
        EXPECT_TRUE(same_bits(x.rsrp_dbm, y.rsrp_dbm)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.sinr_db, y.sinr_db)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.best_server, y.best_server)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.covered, y.covered)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.covered_indoor, y.covered_indoor)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.line_of_sight, y.line_of_sight)) << parts << " layer " << l;
        EXPECT_TRUE(same_bits(x.indoor_sinr_db[0], y.indoor_sinr_db[0])) << parts;
        EXPECT_TRUE(same_bits(x.indoor_sinr_db[1], y.indoor_sinr_db[1])) << parts;
    }
    ASSERT_EQ(a.districts.size(), b.districts.size());
    for (std::size_t d = 0; d < a.districts.size(); ++d) {
        const DistrictTotals& x = a.districts[d];
        const DistrictTotals& y = b.districts[d];
        EXPECT_EQ(x.population, y.population) << parts << " district " << d;
        EXPECT_EQ(x.area_km2, y.area_km2) << parts << " district " << d;
        EXPECT_EQ(x.covered_population, y.covered_population) << parts << " district " << d;
        EXPECT_EQ(x.covered_area_km2, y.covered_area_km2) << parts << " district " << d;
        EXPECT_EQ(x.covered_indoor_population, y.covered_indoor_population) << parts;
        EXPECT_EQ(x.layer_covered_population, y.layer_covered_population) << parts;
        EXPECT_EQ(x.layer_covered_indoor_population, y.layer_covered_indoor_population) << parts;
    }
    EXPECT_EQ(a.status.cells, b.status.cells) << parts;
    EXPECT_EQ(a.status.cells_without_signal, b.status.cells_without_signal) << parts;
    EXPECT_EQ(a.status.pixel_sectors, b.status.pixel_sectors) << parts;
    EXPECT_EQ(a.status.non_finite_losses, b.status.non_finite_losses) << parts;
    EXPECT_EQ(a.status.cells_without_terrain, b.status.cells_without_terrain) << parts;
    EXPECT_EQ(a.status.terrain_pairs, b.status.terrain_pairs) << parts;
}

} // namespace

TEST(CoverageParts, JoinedPartsEqualOneRunBitForBitInAnyOrder) {
    const StudyArea area = hilly_strip();
    const CoverageInput in = two_layers(area);
    const CoverageResult whole = compute_coverage(in);
    // The case is not trivial: both districts covered, the east one partly, cells in and out
    // of sight.
    ASSERT_EQ(whole.districts.size(), 2U);
    EXPECT_GT(whole.districts[0].covered_population, 0.0);
    EXPECT_GT(whole.districts[1].covered_population, 0.0);
    EXPECT_LT(whole.districts[1].covered_population, whole.districts[1].population);
    EXPECT_EQ(whole.status.cells, 240U * 39U);
    EXPECT_GT(whole.status.terrain_pairs, 0U);

    // 1 part, parts that divide the 16 tiles and parts that do not, more parts than tiles.
    for (const std::size_t parts : {1U, 2U, 3U, 5U, 17U}) {
        std::vector<std::vector<std::byte>> computed;
        std::size_t bytes = 0;
        for (std::size_t k = 0; k < parts; ++k) {
            computed.push_back(compute_coverage_part(in, k, parts));
            bytes += computed.back().size();
        }
        // Each cell of every map travels once: the parts together are about the maps' size.
        const std::size_t cells = 240 * 40;
        const std::size_t map_bytes = cells * (3 * 4 + 4 * 1 + 2 * (5 * 4 + 3 * 1));
        EXPECT_GE(bytes, map_bytes) << parts;
        EXPECT_LT(bytes, map_bytes + 16 * 1024 + parts * 64) << parts;

        CoverageJoin join(in, parts);
        for (std::size_t k = parts; k-- > 0;) { // last part first
            EXPECT_FALSE(join.complete());
            join.add(computed[k]);
        }
        ASSERT_TRUE(join.complete());
        expect_same_coverage(whole, join.finish(), parts);
    }
}

TEST(CoverageParts, BytesThatAreNotAPartOfThisCoverageAreRefused) {
    const StudyArea area = hilly_strip();
    const CoverageInput in = two_layers(area);
    const std::vector<std::byte> first = compute_coverage_part(in, 0, 2);

    CoverageJoin join(in, 2);
    EXPECT_THROW((void)join.finish(), Error); // before every part arrived
    std::vector<std::byte> truncated(first.begin(), first.end() - 1);
    EXPECT_THROW(join.add(truncated), Error);
    std::vector<std::byte> longer = first;
    longer.push_back(std::byte{0});
    EXPECT_THROW(join.add(longer), Error);
    CoverageJoin three(in, 3); // a part of two is not a part of three
    EXPECT_THROW(three.add(first), Error);
    CoverageInput coarser = in;
    coarser.tile_size = 16; // other tiles
    CoverageJoin other(coarser, 2);
    EXPECT_THROW(other.add(first), Error);

    join.add(first);
    EXPECT_THROW(join.add(first), Error); // twice
    EXPECT_FALSE(join.complete());
}
