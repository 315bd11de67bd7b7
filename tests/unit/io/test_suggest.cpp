#include "io/suggest.hpp"

#include <gtest/gtest.h>

using namespace covsim::io;

TEST(Suggest, EditDistance) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("frequncy_mhz", "frequency_mhz"), 1u);
}

TEST(Suggest, ClosestMatchOnlyForLikelyTypos) {
    const std::vector<std::string_view> keys = {"frequency_mhz", "bandwidth_mhz", "model"};
    EXPECT_EQ(closest_match("frequncy_mhz", keys), "frequency_mhz");
    EXPECT_EQ(closest_match("modle", keys), "model");
    EXPECT_EQ(closest_match("colour", keys), "");
    EXPECT_EQ(did_you_mean("bandwith_mhz", keys), " (did you mean 'bandwidth_mhz'?)");
    EXPECT_EQ(did_you_mean("zzz", keys), "");
}
