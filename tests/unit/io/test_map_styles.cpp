// The style table's context-dependent styles (io/map_styles): the best server's categories and
// legend name the sectors by their site and sector ids, the Sectors layer's.

#include "io/map_styles.hpp"

#include <gtest/gtest.h>
#include <string>

using namespace covsim;

TEST(MapStyles, BestServerCategoriesAndLegendNameTheSectors) {
    io::StyleContext context;
    for (int i = 0; i < 45; ++i) {
        context.sector_labels.push_back("S" + std::to_string(i / 3) + "/" + std::to_string(i % 3));
    }
    const io::MapStyle style = *io::map_style("best_server", context);
    ASSERT_EQ(style.classes.size(), 45u);
    EXPECT_EQ(style.classes[7].label, "S2/1");
    EXPECT_EQ(style.classes[7].value, 7.0);
    // One legend entry per colour of the palette (20), each naming the sectors drawn in it.
    ASSERT_EQ(style.legend.size(), 20u);
    EXPECT_EQ(style.legend[0].label, "S0/0, S6/2, S13/1");
    EXPECT_EQ(style.legend[4].label, "S1/1, S8/0, S14/2");
    EXPECT_EQ(style.legend[5].label, "S1/2, S8/1"); // sector 45 does not exist
    EXPECT_EQ(style.legend[0].rgba, style.classes[20].rgba);

    context.sector_labels.resize(80);
    const io::MapStyle many = *io::map_style("best_server", context);
    EXPECT_EQ(many.legend[0].label.substr(many.legend[0].label.size() - 5), ", ...");
}
