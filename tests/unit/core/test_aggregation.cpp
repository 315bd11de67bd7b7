#include "core/aggregation.hpp"

#include <gtest/gtest.h>

using namespace covsim;

namespace {

DistrictTotals totals(double pop, double covered, double layer0) {
    DistrictTotals t(1);
    t.population = pop;
    t.area_km2 = 1.0;
    t.covered_population = covered;
    t.covered_area_km2 = 0.5;
    t.layer_covered_population[0] = layer0;
    return t;
}

} // namespace

TEST(Aggregation, ReducesSparsePartialTablesIntoDistrictOrder) {
    std::vector<PartialTable> partials(3);
    partials[0].emplace_back(1, totals(10, 5, 4));
    partials[1].emplace_back(0, totals(7, 7, 7));
    partials[1].emplace_back(1, totals(3, 1, 1));
    // partials[2] empty: a tile outside every district.
    const DistrictTable t = reduce_in_order(partials, 3, 1);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_DOUBLE_EQ(t[0].population, 7);
    EXPECT_DOUBLE_EQ(t[1].population, 13);
    EXPECT_DOUBLE_EQ(t[1].covered_population, 6);
    EXPECT_DOUBLE_EQ(t[1].layer_covered_population[0], 5);
    EXPECT_DOUBLE_EQ(t[1].area_km2, 2.0);
    EXPECT_DOUBLE_EQ(t[2].population, 0);
    EXPECT_DOUBLE_EQ(t[1].covered_share(), 6.0 / 13.0);
    EXPECT_DOUBLE_EQ(t[2].covered_share(), 0.0); // no people: share 0, not NaN
}

TEST(Aggregation, TotalAddsDistrictsInOrder) {
    DistrictTable t = {totals(1, 1, 1), totals(2, 0, 0), totals(3, 2, 1)};
    const DistrictTotals sum = total_of(t, 1);
    EXPECT_DOUBLE_EQ(sum.population, 6);
    EXPECT_DOUBLE_EQ(sum.covered_population, 3);
    EXPECT_DOUBLE_EQ(sum.layer_covered_population[0], 2);
    EXPECT_DOUBLE_EQ(sum.covered_share(), 0.5);
}

TEST(Aggregation, OrderOfAdditionIsTheOrderGiven) {
    // 1e16 + 1 - 1e16 depends on the order: the reduction must not reorder.
    std::vector<PartialTable> a(3);
    a[0].emplace_back(0, totals(1e16, 0, 0));
    a[1].emplace_back(0, totals(1, 0, 0));
    a[2].emplace_back(0, totals(-1e16, 0, 0));
    std::vector<PartialTable> b = {a[0], a[2], a[1]};
    EXPECT_DOUBLE_EQ(reduce_in_order(a, 1, 1)[0].population, 0.0);
    EXPECT_DOUBLE_EQ(reduce_in_order(b, 1, 1)[0].population, 1.0);
}
