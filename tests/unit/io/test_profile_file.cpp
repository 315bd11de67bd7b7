#include "core/error.hpp"
#include "io/profile_file.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

using namespace covsim;

namespace {

std::string error_of(const std::filesystem::path& p) {
    try {
        io::read_profile(p);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(ProfileFile, ReadsTheItmPflLayoutOnOneOrManyLines) {
    test::TempDir dir;
    test::write_text(dir / "a.pfl", "3,25.5,10,11,12.5,9\n");
    const TerrainProfile a = io::read_profile(dir / "a.pfl");
    EXPECT_EQ(a.intervals(), 3u);
    EXPECT_DOUBLE_EQ(a.spacing_m, 25.5);
    EXPECT_DOUBLE_EQ(a.elevation_m[2], 12.5);
    EXPECT_DOUBLE_EQ(a.length_m(), 76.5);
    test::write_text(dir / "b.pfl", "3\n25.5\n10\n11\n12.5\n9\n");
    EXPECT_EQ(io::read_profile(dir / "b.pfl").elevation_m, a.elevation_m);
    // Two numbers per line, but the count says pfl: 2 intervals, 3 elevations.
    test::write_text(dir / "c.pfl", "2 100\n5 6\n7\n");
    EXPECT_EQ(io::read_profile(dir / "c.pfl").elevation_m, (std::vector<double>{5, 6, 7}));
}

TEST(ProfileFile, ReadsDistanceElevationColumnsAndResamplesUnequalSteps) {
    test::TempDir dir;
    test::write_text(dir / "p.csv", "distance_m,elevation_m\n0,10\n100,20\n300,20\n400,0\n");
    const TerrainProfile p = io::read_profile(dir / "p.csv");
    ASSERT_EQ(p.intervals(), 3u); // four samples, mean step 400 / 3
    EXPECT_NEAR(p.spacing_m, 400.0 / 3.0, 1e-12);
    EXPECT_DOUBLE_EQ(p.elevation_m.front(), 10.0);
    EXPECT_NEAR(p.elevation_m[1], 20.0, 1e-12); // at 133.3 m, on the flat top
    EXPECT_NEAR(p.elevation_m[2], 20.0, 1e-12); // at 266.7 m
    EXPECT_DOUBLE_EQ(p.elevation_m.back(), 0.0);
}

TEST(ProfileFile, ReadsClutterHeightAndZoneColumnsForP1812) {
    test::TempDir dir;
    test::write_text(dir / "p.csv", "d,h,R,zone\n0,10,0,4\n100,20,10,4\n300,20,20,3\n400,0,0,1\n");
    const TerrainProfile p = io::read_profile(dir / "p.csv");
    ASSERT_EQ(p.intervals(), 3u);
    ASSERT_EQ(p.clutter_height_m.size(), 4u);
    EXPECT_NEAR(p.clutter_height_m[1], 10.0 + 10.0 * (400.0 / 3.0 - 100.0) / 200.0, 1e-12);
    EXPECT_EQ(p.zone, (std::vector<std::uint8_t>{4, 4, 3, 1}));
    test::write_text(dir / "r.csv", "0,10,0\n100,20,5\n200,0,0\n");
    const TerrainProfile r = io::read_profile(dir / "r.csv");
    EXPECT_EQ(r.clutter_height_m, (std::vector<double>{0, 5, 0}));
    EXPECT_TRUE(r.zone.empty());
    // Two columns, as before: no clutter, no zones.
    test::write_text(dir / "two.csv", "0,10\n100,20\n");
    EXPECT_TRUE(io::read_profile(dir / "two.csv").clutter_height_m.empty());
    test::write_text(dir / "z.csv", "0,10,0,4\n100,20,5,2\n200,0,0,4\n");
    EXPECT_NE(error_of(dir / "z.csv").find("line 2: zone 2 is not a radio-climatic zone"),
              std::string::npos)
        << error_of(dir / "z.csv");
    test::write_text(dir / "n.csv", "0,10,0\n100,20,-5\n200,0,0\n");
    EXPECT_NE(error_of(dir / "n.csv").find("line 2: clutter height -5 m is negative"),
              std::string::npos)
        << error_of(dir / "n.csv");
}

TEST(ProfileFile, RejectsMalformedProfilesWithTheLine) {
    test::TempDir dir;
    test::write_text(dir / "a.pfl", "3,25,10,11\n");
    EXPECT_NE(error_of(dir / "a.pfl").find("line 1: 3 intervals need 4 elevations, found 2"),
              std::string::npos)
        << error_of(dir / "a.pfl");
    test::write_text(dir / "b.csv", "0,10\n50,abc\n");
    EXPECT_NE(error_of(dir / "b.csv").find("line 2: 'abc' is not a number"), std::string::npos);
    test::write_text(dir / "c.csv", "0,10\n50,11\n40,12\n");
    EXPECT_NE(error_of(dir / "c.csv").find("line 3: distance 40 does not increase (previous 50)"),
              std::string::npos);
    test::write_text(dir / "d.csv", "5,10\n50,11\n");
    EXPECT_NE(error_of(dir / "d.csv").find("the first distance is 5, expected 0"),
              std::string::npos);
    test::write_text(dir / "e.pfl", "");
    EXPECT_NE(error_of(dir / "e.pfl").find("no numbers"), std::string::npos);
    EXPECT_NE(error_of(dir / "missing.pfl").find("cannot open the file"), std::string::npos);
}
