#include "core/hexgrid.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <numbers>

using namespace covsim;

namespace {

District square(double x0, double y0, double side, DistrictType type) {
    District d;
    d.code = "sq";
    d.type = type;
    Polygon p;
    bg::append(p.outer(), Point(x0, y0));
    bg::append(p.outer(), Point(x0, y0 + side));
    bg::append(p.outer(), Point(x0 + side, y0 + side));
    bg::append(p.outer(), Point(x0 + side, y0));
    bg::append(p.outer(), Point(x0, y0));
    bg::correct(p);
    d.geometry.push_back(p);
    return d;
}

} // namespace

TEST(HexGrid, SiteDensityMatchesTheHexagonArea) {
    const double side = 20000.0;
    const std::vector<District> districts = {
        square(500000.0, 2300000.0, side, DistrictType::urban_district)};
    HexPlanOptions o;
    o.isd_m[static_cast<std::size_t>(DistrictType::urban_district)] = 500.0;
    const auto sites = plan_hex_sites(districts, o);
    const double expected = side * side / 1e6 / hex_cell_area_km2(500.0);
    EXPECT_NEAR(static_cast<double>(sites.size()), expected, 0.02 * expected);
    for (const auto& s : sites) {
        EXPECT_EQ(s.district, 0);
    }
}

TEST(HexGrid, EverySiteHasItsNearestNeighbourAtTheIsd) {
    const std::vector<District> districts = {
        square(0.0, 0.0, 5000.0, DistrictType::rural_district)};
    HexPlanOptions o;
    o.isd_m[static_cast<std::size_t>(DistrictType::rural_district)] = 1000.0;
    const auto sites = plan_hex_sites(districts, o);
    ASSERT_GT(sites.size(), 10u);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        double nearest = 1e300;
        for (std::size_t j = 0; j < sites.size(); ++j) {
            if (i != j) {
                nearest = std::min(
                    nearest, std::hypot(sites[i].x_m - sites[j].x_m, sites[i].y_m - sites[j].y_m));
            }
        }
        EXPECT_NEAR(nearest, 1000.0, 1e-6);
    }
}

TEST(HexGrid, LatticeIsSharedAcrossDistrictsOfTheSameType) {
    // Two adjacent squares: sites near the shared border keep the ISD spacing.
    const std::vector<District> districts = {square(0.0, 0.0, 3000.0, DistrictType::town),
                                             square(3000.0, 0.0, 3000.0, DistrictType::town)};
    HexPlanOptions o;
    o.isd_m[static_cast<std::size_t>(DistrictType::town)] = 700.0;
    const auto sites = plan_hex_sites(districts, o);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        for (std::size_t j = i + 1; j < sites.size(); ++j) {
            EXPECT_GE(std::hypot(sites[i].x_m - sites[j].x_m, sites[i].y_m - sites[j].y_m),
                      700.0 - 1e-6);
        }
    }
}

TEST(HexGrid, TypesWithoutAnIsdGetNoSitesAndTinyDistrictsGetOne) {
    const std::vector<District> districts = {
        square(0.0, 0.0, 5000.0, DistrictType::rural_district),
        square(10010.0, 10010.0, 50.0, DistrictType::urban_district)};
    HexPlanOptions o;
    o.isd_m[static_cast<std::size_t>(DistrictType::urban_district)] = 1000.0;
    const auto sites = plan_hex_sites(districts, o);
    ASSERT_EQ(sites.size(), 1u); // the rural district is not planned
    EXPECT_EQ(sites[0].district, 1);
    EXPECT_GT(sites[0].x_m, 10010.0);
    EXPECT_LT(sites[0].x_m, 10060.0);
    EXPECT_GT(sites[0].y_m, 10010.0);
    EXPECT_LT(sites[0].y_m, 10060.0);
}

TEST(HexGrid, DefaultTiltAimsAtTwoThirdsOfTheIsd) {
    EXPECT_NEAR(hex_default_tilt_deg(30.0, 450.0),
                std::atan(30.0 / 300.0) * 180.0 / std::numbers::pi, 1e-12);
    EXPECT_NEAR(hex_cell_area_km2(1000.0), std::sqrt(3.0) / 2.0, 1e-12);
}
