// The quick look's scale bar and north arrow (issue 21, item 2): the bar is as long as the
// kilometres it is labelled with.
// The batch chart keeps its points and their numbers inside the plot's frame (issue 21, item
// 8): a point at 100 % served and the highest cost sits in the frame's top-right corner. A point
// with ranges ([uncertainty]) has error bars; a point without has none.

#include "core/result.hpp"
#include "core/scenario.hpp"
#include "core/uncertainty.hpp"
#include "io/canvas.hpp"
#include "io/gdal_support.hpp"
#include "io/quicklook_sink.hpp"

#include <algorithm>
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
    const ChartLayout l = batch_chart_layout(points);
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
        l.plot_left + font::text_width("served vs cost per subscriber, one point per scenario");
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

// The error bars span the ranges: the first point's bars (cost 1 to 3 USD, served 50 to 90 %)
// are two pixels wide and cross the plot's frame's width and height in proportion, the second
// point (no ranges) is its disc alone.
TEST(BatchChart, RangesAreErrorBarsAndPointsWithoutRangesHaveNone) {
    const std::vector<ChartPoint> points = {{"ranged", 2.0, 0.7, 1.0, 3.0, 0.5, 0.9},
                                            {"point", 2.5, 0.6}};
    const Canvas c = render_batch_chart(points);
    const ChartLayout l = batch_chart_layout(points);
    for (std::size_t i = 0; i < points.size(); ++i) {
        int pixels = 0;
        int x_lo = c.width, x_hi = 0, y_lo = c.height, y_hi = 0;
        for (int y = l.plot_top; y <= l.plot_bottom; ++y) {
            for (int x = l.plot_left; x <= l.plot_right; ++x) {
                if (is(c, x, y, chart_colour(i))) {
                    ++pixels;
                    x_lo = std::min(x_lo, x);
                    x_hi = std::max(x_hi, x);
                    y_lo = std::min(y_lo, y);
                    y_hi = std::max(y_hi, y);
                }
            }
        }
        if (i == 1) {
            EXPECT_EQ(pixels, 81) << "a disc of radius 5, no bars";
            EXPECT_EQ(x_hi - x_lo, 10);
            continue;
        }
        // The x axis spans at least 1 to 3 USD and the y axis 50 to 90 %, each padded by 8 %
        // and rounded out to its ticks: the bars cover more than half the plot each way.
        EXPECT_GT(x_hi - x_lo, (l.plot_right - l.plot_left) / 2);
        EXPECT_GT(y_hi - y_lo, (l.plot_bottom - l.plot_top) / 2);
        EXPECT_GT(pixels, 2 * (x_hi - x_lo) + 2 * (y_hi - y_lo));
    }
}

// The tornado's bars run from the central value to each end, in proportion: the cost of 2 USD
// goes to 1.5 at the low end and 3 at the high end, so the dark bar is twice the light one;
// the served share does not move, so its panel has no bar.
TEST(Tornado, BarsRunFromTheCentralValueToEachEnd) {
    Ranges ranges;
    ranges.tornado.push_back({{UncertainInput::unit_cost_scale, 0.75, 1.5}, 0.8, 0.8, 1.5, 3.0});
    const Canvas c = render_tornado("t", ranges, 0.8, 2.0);
    const auto count = [&](const Rgba& colour) {
        int n = 0;
        for (int y = 0; y < c.height; ++y) {
            for (int x = 0; x < c.width; ++x) {
                n += is(c, x, y, colour) ? 1 : 0;
            }
        }
        return n;
    };
    // Both colours also fill a 24 x 12 swatch in the key.
    const int swatch = 24 * (font::line_h - 8);
    const int light = count(tornado_low_colour) - swatch;
    const int dark = count(tornado_high_colour) - swatch;
    ASSERT_GT(light, 100);
    EXPECT_NEAR(static_cast<double>(dark) / light, 2.0, 0.05);
}

// A long label (a sweep variant's name, its values and their ranges) widens the batch chart
// instead of running off its right edge; a short one keeps it 900 wide.
TEST(BatchChart, WidensForALongKeyLine) {
    ChartPoint p{std::string(100, 'x'), 3.71, 0.922, 2.32, 5.86, 0.835, 0.986};
    const std::string line =
        "  1  " + p.label + "  (3.71 [2.32-5.86] USD, 92.2 % [83.5-98.6] served)";
    EXPECT_GT(batch_chart_layout({p}).width, font::text_width(line));
    EXPECT_EQ(render_batch_chart({p}).width, batch_chart_layout({p}).width);
    p.label = "short";
    EXPECT_EQ(batch_chart_layout({p}).width, 900);
}

// The tornado's bars start right of its longest row label: no bar pixel under the text.
TEST(Tornado, BarsStartRightOfTheLabels) {
    Ranges ranges;
    ranges.tornado.push_back(
        {{UncertainInput::busy_hour_demand_mbps, 0.141, 0.281}, 0.96, 0.87, 3.7, 3.7});
    ranges.tornado.push_back({{UncertainInput::unit_cost_scale, 0.8, 1.2}, 0.92, 0.92, 3.0, 4.5});
    const Canvas c = render_tornado("t", ranges, 0.92, 3.71);
    const int label_end = font::text_width("busy_hour_demand_mbps 0.141 / 0.281");
    int under_text = 0;
    int bars = 0;
    for (int y = 3 * font::line_h; y < c.height; ++y) { // below the key's swatches
        for (int x = 0; x < c.width; ++x) {
            const bool bar = is(c, x, y, tornado_low_colour) || is(c, x, y, tornado_high_colour);
            bars += bar ? 1 : 0;
            under_text += bar && x < label_end ? 1 : 0;
        }
    }
    EXPECT_GT(bars, 100);
    EXPECT_EQ(under_text, 0);
}

namespace {

// A scenario result with only what the quick look reads: a grid in UTM 48N without districts.
struct EmptyResult {
    Scenario scenario;
    StudyArea area;
    ScenarioResult result;

    EmptyResult(double width_m, double height_m, double cell_m) {
        OGRSpatialReference srs = make_srs();
        srs.importFromEPSG(32648);
        area.grid = aligned_grid(580000.0, 2320000.0, 580000.0 + width_m, 2320000.0 + height_m,
                                 cell_m, to_wkt(srs));
        area.population = Raster<double>(area.grid, 0.0);
        area.district_index = Raster<std::int16_t>(area.grid, no_district);
        scenario.name = "scale";
        result.scenario = &scenario;
        result.area = &area;
    }
};

// Length of the run of `colour` pixels on row y starting at x.
int run_length(const Canvas& c, int x, int y, const Rgba& colour) {
    int n = 0;
    while (x + n < c.width && is(c, x + n, y, colour)) {
        ++n;
    }
    return n;
}

} // namespace

TEST(Quicklook, RoundScaleBarLengths) {
    EXPECT_DOUBLE_EQ(round_scale_bar_km(100.0, 240), 20.0);   // 24 km fit
    EXPECT_DOUBLE_EQ(round_scale_bar_km(62.5, 240), 10.0);    // 15 km fit
    EXPECT_DOUBLE_EQ(round_scale_bar_km(3.0, 240), 0.5);      // 720 m fit
    EXPECT_DOUBLE_EQ(round_scale_bar_km(25.0, 240), 5.0);     // 6 km fit
    EXPECT_DOUBLE_EQ(round_scale_bar_km(1000.0, 100), 100.0); // exactly 100 km fit
}

// The bar drawn is as long, in pixels, as the kilometres it is labelled with at the map's
// resolution, measured from the picture: the grid's width in metres over the map's width in
// pixels.
TEST(Quicklook, ScaleBarLengthMatchesItsKilometres) {
    struct Case {
        double width_m, height_m, cell_m, km;
    };
    // Hanoi-like at 250 m (4 pixels per cell), a small area at 100 m (33 pixels per cell), and
    // a grid with more cells than pixels (0.4 pixels per cell).
    for (const Case& k : {Case{60000.0, 50000.0, 250.0, 10.0}, Case{3000.0, 2000.0, 100.0, 0.5},
                          Case{250000.0, 100000.0, 100.0, 50.0}}) {
        SCOPED_TRACE(k.width_m);
        const EmptyResult f(k.width_m, k.height_m, k.cell_m);
        const QuicklookLayout l = quicklook_layout(f.result);
        const double metres_per_pixel = k.width_m / l.map_width;
        EXPECT_DOUBLE_EQ(l.scale_bar_km, k.km);
        const Canvas c = render_quicklook(f.result);
        const int drawn = run_length(c, l.scale_bar_left, l.scale_bar_top, quicklook_ink);
        EXPECT_EQ(drawn, l.scale_bar_px);
        EXPECT_NEAR(drawn * metres_per_pixel, k.km * 1000.0, metres_per_pixel / 2);
        EXPECT_FALSE(is(c, l.scale_bar_left - 1, l.scale_bar_top, quicklook_ink));
        // Two halves: the left one dark, the right one white inside its frame.
        const int middle_y = l.scale_bar_top + quicklook_scale_bar_height / 2;
        EXPECT_TRUE(is(c, l.scale_bar_left + l.scale_bar_px / 4, middle_y, quicklook_ink));
        EXPECT_TRUE(
            is(c, l.scale_bar_left + 3 * l.scale_bar_px / 4, middle_y, quicklook_background));
        EXPECT_LE(l.scale_bar_left + l.scale_bar_px, c.width - 12);
    }
}

TEST(Quicklook, NorthArrowPointsUp) {
    const EmptyResult f(60000.0, 50000.0, 250.0);
    const QuicklookLayout l = quicklook_layout(f.result);
    const Canvas c = render_quicklook(f.result);
    const int x = l.north_arrow_left;
    const int y = l.north_arrow_top;
    const int w = quicklook_north_arrow_width;
    const int h = quicklook_north_arrow_height;
    EXPECT_TRUE(is(c, x + w / 2, y, quicklook_ink)); // the tip, on top in the middle
    EXPECT_FALSE(is(c, x, y, quicklook_ink));
    EXPECT_FALSE(is(c, x + w - 1, y, quicklook_ink));
    EXPECT_GE(run_length(c, x, y + h - 1, quicklook_ink), w); // the base, full width
    EXPECT_LE(y + h, c.height - 12);
}
