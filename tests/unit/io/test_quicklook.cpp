// The batch chart keeps its points and their numbers inside the plot's frame (issue 21, item
// 8): a point at 100 % covered and the highest cost sits in the frame's top-right corner.

#include "io/canvas.hpp"
#include "io/quicklook_sink.hpp"

#include <gtest/gtest.h>

using namespace covsim;
using namespace covsim::io;

namespace {

bool is(const Canvas& c, int x, int y, const Rgba& colour) {
    const std::uint8_t* p = &c.rgba[4 * (static_cast<std::size_t>(y) * c.width + x)];
    return p[0] == colour[0] && p[1] == colour[1] && p[2] == colour[2];
}

} // namespace

TEST(BatchChart, PointsAndTheirNumbersStayInsideTheFrame) {
    const std::vector<ChartPoint> points = {{"cheap", 1.0, 0.5}, {"dear", 3.0, 1.0}};
    const Canvas c = render_batch_chart(points);
    const ChartLayout l = batch_chart_layout(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        int inside = 0;
        for (int y = 0; y < c.height; ++y) {
            for (int x = 0; x < c.width; ++x) {
                if (y > l.plot_bottom) {
                    continue; // the key below the plot repeats each colour
                }
                if (is(c, x, y, chart_colour(i))) {
                    EXPECT_GT(x, l.plot_left) << "point " << i + 1;
                    EXPECT_LT(x, l.plot_right) << "point " << i + 1;
                    EXPECT_GT(y, l.plot_top) << "point " << i + 1;
                    ++inside;
                }
            }
        }
        EXPECT_GT(inside, 60) << "a disc of radius 5 has 81 pixels";
    }
    // Right of the frame and above it, right of the title, nothing is drawn: the number of the
    // point in the corner is inside.
    const int title_end =
        l.plot_left + font::text_width("covered outdoors vs cost per subscriber, one point per "
                                       "scenario");
    for (int y = 0; y <= l.plot_bottom; ++y) {
        for (int x = l.plot_right + 2; x < c.width; ++x) {
            ASSERT_TRUE(is(c, x, y, quicklook_background)) << x << ' ' << y;
        }
    }
    for (int y = 0; y < l.plot_top - 1; ++y) {
        for (int x = title_end; x < c.width; ++x) {
            ASSERT_TRUE(is(c, x, y, quicklook_background)) << x << ' ' << y;
        }
    }
}
