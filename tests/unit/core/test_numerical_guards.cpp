// Extreme but legal inputs run without overflow, NaN in the outputs or a crash: a site on a
// 1,500 m peak, a 100 km range, 100 sectors on one cell, and a district of a single cell. Every
// output value is either a finite number or the documented nodata, and the counters add up.

#include "core/coverage.hpp"
#include "core/propagation/registry.hpp"
#include "core/terrain.hpp"
#include "support/study_areas.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <numbers>
#include <string>

using namespace covsim;

namespace {

// A square area of n x n cells of `cell` m, one district (rural) and 1 person per cell.
StudyArea square_area(std::int64_t n, double cell) {
    return test::one_district_area(n, n, cell, 1.0, DistrictType::rural_district);
}

CoverageLayer layer(const char* model, double frequency_mhz, double range_m) {
    CoverageLayer l;
    l.name = "l";
    l.model = model_registry().find(model);
    l.frequency_mhz = frequency_mhz;
    l.noise_per_re_dbm = -130.0;
    l.rsrp_min_dbm = -110.0;
    l.sinr_min_db = -5.0;
    l.max_range_m = range_m;
    l.antenna.gain_dbi = 15.0;
    return l;
}

// Every map value is finite or nodata, the totals are finite and within the population.
void expect_sane(const CoverageResult& r, const StudyArea& area) {
    for (float v : r.maps.rsrp_dbm.values) {
        EXPECT_TRUE(std::isfinite(v) || v == r.maps.rsrp_dbm.nodata) << v;
    }
    for (float v : r.maps.sinr_db.values) {
        EXPECT_TRUE(std::isfinite(v) || v == r.maps.sinr_db.nodata) << v;
    }
    for (const DistrictTotals& t : r.districts) {
        EXPECT_TRUE(std::isfinite(t.covered_population));
        EXPECT_TRUE(std::isfinite(t.covered_indoor_population));
        EXPECT_GE(t.covered_population, 0.0);
        EXPECT_LE(t.covered_population, area.total_population() + 1e-9);
        EXPECT_LE(t.covered_indoor_population, t.covered_population + 1e-9);
    }
    EXPECT_EQ(r.status.non_finite_losses, 0u);
}

} // namespace

TEST(NumericalGuards, ASiteOnA1500mPeak) {
    StudyArea area = square_area(100, 100.0); // 10 km
    Grid g = area.grid;
    g.cell_size_m = 50.0;
    g.width = g.height = 200;
    Raster<float> dem(g, 0.0f);
    for (std::int64_t r = 0; r < g.height; ++r) {
        for (std::int64_t c = 0; c < g.width; ++c) {
            const double dx = g.center_x_m(c) - 5000.0;
            const double dy = g.center_y_m(r) - 5000.0;
            dem.at(c, r) = static_cast<float>(1500.0 * std::exp(-(dx * dx + dy * dy) / 2.0e6));
        }
    }
    area.terrain = dem;
    for (const char* model : {"3gpp-38901-rma", "itm", "p526", "p1812"}) {
        SCOPED_TRACE(model);
        CoverageInput in;
        in.area = &area;
        in.layers.push_back(layer(model, 700.0, 20000.0));
        Sector s;
        s.x_m = 5000.0;
        s.y_m = 5000.0;
        s.height_m = 40.0;
        s.power_dbm = 46.0;
        s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
        EXPECT_GT(s.ground_m, 1490.0);
        in.sectors.push_back(s);
        const CoverageResult r = compute_coverage(in);
        expect_sane(r, area);
        EXPECT_EQ(r.status.pixel_sectors, 10000u);
        EXPECT_GT(r.districts[0].covered_population, 0.0);
    }
}

TEST(NumericalGuards, A100kmRange) {
    const StudyArea area = square_area(200, 1000.0); // 200 km x 200 km of 1 km cells
    CoverageInput in;
    in.area = &area;
    in.layers.push_back(layer("3gpp-38901-rma", 700.0, 100000.0));
    Sector s;
    s.x_m = 100000.0;
    s.y_m = 100000.0;
    s.height_m = 150.0;
    s.power_dbm = 60.0;
    in.sectors.push_back(s);
    const CoverageResult r = compute_coverage(in);
    expect_sane(r, area);
    // The cells within 100 km: about pi (100 km)^2 / 1 km^2.
    EXPECT_NEAR(static_cast<double>(r.status.pixel_sectors), std::numbers::pi * 1e4, 150.0);
    // Far cells get a finite signal that keeps falling with distance: extrapolated, never NaN.
    for (std::int64_t row = 110; row < 200; ++row) {
        ASSERT_TRUE(std::isfinite(r.maps.rsrp_dbm.at(100, row)));
        EXPECT_LT(r.maps.rsrp_dbm.at(100, row), r.maps.rsrp_dbm.at(100, row - 1)) << row;
    }
}

TEST(NumericalGuards, AHundredSectorsOnOneCell) {
    const StudyArea area = square_area(3, 50.0);
    CoverageInput in;
    in.area = &area;
    in.layers.push_back(layer("3gpp-38901-uma", 3500.0, 1000.0));
    for (int k = 0; k < 100; ++k) {
        Sector s;
        s.site_id = "S" + std::to_string(k);
        s.x_m = 75.0; // the centre of the middle cell: distance 0, taken as 1 m
        s.y_m = 75.0;
        s.height_m = 25.0;
        s.azimuth_deg = 3.6 * k;
        s.power_dbm = 49.0;
        in.sectors.push_back(s);
    }
    const CoverageResult r = compute_coverage(in);
    expect_sane(r, area);
    EXPECT_EQ(r.status.pixel_sectors, 900u);
    // 99 equal-strength interferers at load 0.5 against one server: SINR is finite and low.
    const float sinr = r.maps.sinr_db.at(1, 1);
    EXPECT_TRUE(std::isfinite(sinr));
    EXPECT_LT(sinr, 0.0f);
}

TEST(NumericalGuards, ADistrictOfOneCell) {
    StudyArea area = square_area(10, 50.0);
    District dot;
    dot.code = "2";
    dot.type = DistrictType::urban_district;
    area.districts.push_back(dot);
    area.district_index.at(9, 9) = 1;
    CoverageInput in;
    in.area = &area;
    in.layers.push_back(layer("3gpp-38901-uma", 3500.0, 1000.0));
    Sector s;
    s.x_m = 25.0;
    s.y_m = 25.0;
    s.height_m = 25.0;
    s.power_dbm = 49.0;
    in.sectors.push_back(s);
    const CoverageResult r = compute_coverage(in);
    expect_sane(r, area);
    ASSERT_EQ(r.districts.size(), 2u);
    EXPECT_DOUBLE_EQ(r.districts[1].population, 1.0);
    EXPECT_TRUE(r.districts[1].covered_population == 0.0 ||
                r.districts[1].covered_population == 1.0);
}
