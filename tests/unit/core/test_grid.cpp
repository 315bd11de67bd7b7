#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/raster.hpp"

#include <gtest/gtest.h>

using namespace covsim;

TEST(Grid, AlignedGridSnapsOutwardToMultiplesOfTheCellSize) {
    const Grid g = aligned_grid(1030.0, 2040.0, 1260.0, 2290.0, 100.0, "wkt");
    EXPECT_DOUBLE_EQ(g.origin_x_m, 1000.0);
    EXPECT_DOUBLE_EQ(g.origin_y_m, 2300.0);
    EXPECT_EQ(g.width, 3);  // 1000..1300
    EXPECT_EQ(g.height, 3); // 2300..2000
    EXPECT_EQ(g.crs_wkt, "wkt");
    EXPECT_DOUBLE_EQ(g.east_m(), 1300.0);
    EXPECT_DOUBLE_EQ(g.south_m(), 2000.0);
}

TEST(Grid, GridsOfTheSameExtentNestAtFinerResolutions) {
    const Grid g100 = aligned_grid(1030.0, 2040.0, 1260.0, 2290.0, 100.0, "");
    const Grid g50 = aligned_grid(1030.0, 2040.0, 1260.0, 2290.0, 50.0, "");
    // The 50 m grid lies inside the 100 m one and shares its lines.
    EXPECT_GE(g50.origin_x_m, g100.origin_x_m);
    EXPECT_LE(g50.origin_y_m, g100.origin_y_m);
    EXPECT_DOUBLE_EQ(std::fmod(g50.origin_x_m - g100.origin_x_m, 50.0), 0.0);
    EXPECT_DOUBLE_EQ(g50.origin_x_m, 1000.0); // 1030 snapped down to a multiple of 50
    EXPECT_DOUBLE_EQ(g50.east_m(), 1300.0);   // 1260 snapped up
    EXPECT_EQ(g50.width, 6);
}

TEST(Grid, CellCentresAndLookupAreInverse) {
    Grid g;
    g.origin_x_m = 500.0;
    g.origin_y_m = 1000.0;
    g.cell_size_m = 10.0;
    g.width = 4;
    g.height = 3;
    EXPECT_DOUBLE_EQ(g.center_x_m(0), 505.0);
    EXPECT_DOUBLE_EQ(g.center_y_m(0), 995.0); // row 0 is north
    EXPECT_DOUBLE_EQ(g.center_y_m(2), 975.0);
    const CellIndex c = g.cell_at(g.center_x_m(3), g.center_y_m(1));
    EXPECT_EQ(c.col, 3);
    EXPECT_EQ(c.row, 1);
    EXPECT_EQ(g.index(3, 1), 7u);
    EXPECT_TRUE(g.contains_point(500.0, 1000.0));  // north-west corner belongs to cell (0,0)
    EXPECT_FALSE(g.contains_point(540.0, 1000.0)); // east edge is outside
    EXPECT_FALSE(g.contains_point(499.9, 990.0));
    EXPECT_FALSE(g.contains_point(510.0, 970.0)); // south edge is outside
    const auto gt = g.geotransform();
    EXPECT_DOUBLE_EQ(gt[0], 500.0);
    EXPECT_DOUBLE_EQ(gt[1], 10.0);
    EXPECT_DOUBLE_EQ(gt[3], 1000.0);
    EXPECT_DOUBLE_EQ(gt[5], -10.0);
}

TEST(Grid, RejectsANonPositiveCellSize) {
    EXPECT_THROW(aligned_grid(0, 0, 10, 10, 0.0, ""), Error);
    EXPECT_THROW(aligned_grid(0, 0, 10, 10, -5.0, ""), Error);
}

TEST(Raster, StartsAtNodataAndIndexesRowMajor) {
    Grid g;
    g.width = 3;
    g.height = 2;
    Raster<float> r(g, -9999.0f);
    ASSERT_EQ(r.values.size(), 6u);
    EXPECT_TRUE(r.is_nodata(r.at(2, 1)));
    r.at(2, 1) = 5.0f;
    EXPECT_FLOAT_EQ(r.values[5], 5.0f);
    EXPECT_FALSE(r.is_nodata(r.values[5]));
}
