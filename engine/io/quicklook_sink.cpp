#include "io/quicklook_sink.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "io/map_styles.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <gdal_alg.h>
#include <limits>
#include <memory>
#include <tuple>

namespace covsim::io {

namespace {

constexpr int margin = 12;
constexpr int legend_gap = 16;
constexpr int swatch_w = 36;
constexpr int row_h = font::line_h + 6;
const Rgba ink = quicklook_ink;
const Rgba frame{80, 80, 80, 255};
const Rgba grid_grey{225, 225, 225, 255};

std::string percent(double share) {
    return std::isfinite(share) ? fmt::format("{:.1f} %", 100.0 * share) : "-";
}

std::string usd(double value) {
    return std::isfinite(value) ? fmt::format("{:.2f}", value) : "-";
}

// The legend entries of the quick look: the RSRP classes, best on top, then no signal.
std::vector<StyleClass> legend_entries(const MapStyle& style) {
    std::vector<StyleClass> entries = style.classes;
    std::reverse(entries.begin(), entries.end());
    entries.push_back({0.0, quicklook_no_signal, "no signal in range"});
    return entries;
}

int legend_width(const MapStyle& style) {
    int w = font::text_width(style.title);
    for (const StyleClass& e : legend_entries(style)) {
        w = std::max(w, swatch_w + 10 + font::text_width(e.label));
    }
    return std::max(w, swatch_w + 10 + font::text_width("district border"));
}

MapStyle rsrp_style(const ScenarioResult& result) {
    auto style = map_style("rsrp_dbm", style_context(result));
    if (!style) {
        throw Error(ErrorCode::internal, "the style table has no rsrp_dbm style");
    }
    return *style;
}

// The district borders at the quick look's resolution, 1 where a border passes (GDAL's
// rasterizer, every touched pixel).
std::vector<std::uint8_t> outline_mask(const ScenarioResult& result, const QuicklookLayout& l) {
    const Grid& g = result.area->grid;
    Grid image;
    image.origin_x_m = g.origin_x_m;
    image.origin_y_m = g.origin_y_m;
    image.cell_size_m = g.cell_size_m / l.scale;
    image.width = l.map_width;
    image.height = l.map_height;
    image.crs_wkt = g.crs_wkt;
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(l.map_width) *
                                   static_cast<std::size_t>(l.map_height));
    GDALDatasetUniquePtr ds = mem_dataset_over(image, GDT_Byte, mask.data());
    std::vector<std::unique_ptr<OGRGeometry>> lines;
    for (const District& d : result.area->districts) {
        for (const Polygon& p : d.geometry) {
            auto add_ring = [&](const Ring& ring) {
                auto line = std::make_unique<OGRLineString>();
                for (const Point& pt : ring) {
                    line->addPoint(pt.x(), pt.y());
                }
                lines.push_back(std::move(line));
            };
            add_ring(p.outer());
            for (const Ring& inner : p.inners()) {
                add_ring(inner);
            }
        }
    }
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (const auto& line : lines) {
        handles.push_back(OGRGeometry::ToHandle(line.get()));
        burn.push_back(1.0);
    }
    int bands[] = {1};
    const char* options[] = {"ALL_TOUCHED=TRUE", nullptr};
    if (!handles.empty() &&
        GDALRasterizeGeometries(ds.get(), 1, bands, static_cast<int>(handles.size()),
                                handles.data(), nullptr, nullptr, burn.data(),
                                const_cast<char**>(options), nullptr, nullptr) != CE_None) {
        throw Error(ErrorCode::internal,
                    "cannot rasterize the district outlines (" + gdal_error_detail() + ")");
    }
    ds.reset(); // closing writes the blocks GDAL may hold in its cache into `mask`
    return mask;
}

// "5 km", "500 m": the scale bar's length, metres below a kilometre.
std::string scale_bar_label(double km) {
    return km >= 1.0 ? fmt::format("{:g} km", km) : fmt::format("{:g} m", km * 1000.0);
}

// The scale bar: "0" and its length above its ends, two halves, dark then white, framed.
void draw_scale_bar(Canvas& c, const QuicklookLayout& l) {
    const int x = l.scale_bar_left;
    const int y = l.scale_bar_top;
    const int h = quicklook_scale_bar_height;
    const std::string label = scale_bar_label(l.scale_bar_km);
    c.text(x, y - font::line_h, "0", ink);
    c.text(x + l.scale_bar_px - font::text_width(label) / 2, y - font::line_h, label, ink);
    c.fill(x, y, l.scale_bar_px, h, ink);
    const int half = l.scale_bar_px / 2;
    c.fill(x + half, y + 2, l.scale_bar_px - half - 2, h - 4, quicklook_background);
}

// The north arrow: an N over an upward triangle, dark on the left half, outlined on the right.
void draw_north_arrow(Canvas& c, const QuicklookLayout& l) {
    const int w = quicklook_north_arrow_width;
    const int h = quicklook_north_arrow_height;
    const int x = l.north_arrow_left;
    const int y = l.north_arrow_top;
    c.text(x + (w - font::text_width("N")) / 2, y - font::line_h, "N", ink);
    const int tip = x + w / 2;
    for (int dy = 0; dy < h; ++dy) {
        const int half = (dy * (w / 2)) / (h - 1); // the triangle's half-width at this row
        c.fill(tip - half, y + dy, half + 1, 1, ink);
        c.set(tip + half, y + dy, ink);
    }
    c.line(x, y + h - 1, x + w, y + h - 1, ink);
}

// "Nice" axis bounds and step covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
struct Axis {
    double lo = 0.0;
    double hi = 1.0;
    double step = 0.2;
};

Axis nice_axis(double lo, double hi, double min_span) {
    if (!(hi - lo >= min_span)) {
        const double mid = 0.5 * (lo + hi);
        lo = mid - 0.5 * min_span;
        hi = mid + 0.5 * min_span;
    }
    const double pad = 0.08 * (hi - lo);
    lo -= pad;
    hi += pad;
    const double raw = (hi - lo) / 5.0;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * p;
    for (double m : {1.0, 2.0, 5.0}) {
        if (m * p >= raw) {
            step = m * p;
            break;
        }
    }
    return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

std::string tick_label(double v, double step) {
    const int decimals = step >= 1.0 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    return fmt::format("{:.{}f}", std::abs(v) < step * 1e-6 ? 0.0 : v, decimals);
}

constexpr std::array<Rgba, 8> chart_palette = {{{228, 26, 28, 255},
                                                {55, 126, 184, 255},
                                                {77, 175, 74, 255},
                                                {152, 78, 163, 255},
                                                {255, 127, 0, 255},
                                                {166, 86, 40, 255},
                                                {247, 129, 191, 255},
                                                {153, 153, 153, 255}}};

void disc(Canvas& c, int cx, int cy, int r, const Rgba& colour) {
    for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
            if (dx * dx + dy * dy <= r * r) {
                c.set(cx + dx, cy + dy, colour);
            }
        }
    }
}

} // namespace

QuicklookLayout quicklook_layout(const ScenarioResult& result) {
    const Grid& g = result.area->grid;
    const auto longer = static_cast<double>(std::max<std::int64_t>({g.width, g.height, 1}));
    QuicklookLayout l;
    l.scale = longer <= quicklook_map_size ? std::floor(quicklook_map_size / longer)
                                           : quicklook_map_size / longer;
    l.map_width =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(g.width) * l.scale)));
    l.map_height =
        std::max(1, static_cast<int>(std::lround(static_cast<double>(g.height) * l.scale)));
    l.left = margin;
    l.top = margin + 2 * font::line_h + 12; // two lines of title
    const MapStyle style = rsrp_style(result);
    const int legend_rows = static_cast<int>(legend_entries(style).size()) + 1;
    const int legend_h = font::line_h + 8 + legend_rows * row_h;
    const int column_left = l.left + l.map_width + legend_gap;
    // Under the legend: the scale bar with its labels above it, then the N and the arrow.
    const double metres_per_pixel = g.cell_size_m / l.scale;
    l.scale_bar_km = round_scale_bar_km(metres_per_pixel, quicklook_scale_bar_max_px);
    l.scale_bar_px = static_cast<int>(std::lround(l.scale_bar_km * 1000.0 / metres_per_pixel));
    l.scale_bar_left = column_left;
    l.scale_bar_top = l.top + legend_h + 16 + font::line_h;
    l.north_arrow_left = column_left;
    l.north_arrow_top = l.scale_bar_top + quicklook_scale_bar_height + 20 + font::line_h;
    const int column_h = l.north_arrow_top + quicklook_north_arrow_height - l.top;
    const int column_w =
        std::max(legend_width(style),
                 l.scale_bar_px + font::text_width(scale_bar_label(l.scale_bar_km)) / 2);
    l.width = column_left + column_w + margin;
    l.height = l.top + std::max(l.map_height, column_h) + margin;
    return l;
}

double round_scale_bar_km(double metres_per_pixel, int max_px) {
    const double max_km = max_px * metres_per_pixel / 1000.0;
    const double power = std::pow(10.0, std::floor(std::log10(max_km)));
    for (double m : {5.0, 2.0, 1.0}) {
        if (m * power <= max_km) {
            return m * power;
        }
    }
    return power; // not reached: power <= max_km
}

Canvas render_quicklook(const ScenarioResult& result) {
    const QuicklookLayout l = quicklook_layout(result);
    const MapStyle style = rsrp_style(result);
    const Grid& g = result.area->grid;
    const Raster<float>& rsrp = result.coverage.maps.rsrp_dbm;
    const Raster<std::int16_t>& district = result.area->district_index;
    Canvas canvas(l.width, l.height, quicklook_background);

    // Title: the scenario and its headline figures.
    const std::vector<Column> columns = district_columns(result);
    const std::vector<double> city = city_values(result, columns);
    auto city_value = [&](std::string_view name) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].name == name) {
                return city[i];
            }
        }
        return std::nan("");
    };
    canvas.text(margin, margin, result.scenario->name, ink);
    canvas.text(margin, margin + font::line_h + 4,
                fmt::format("covered {} (indoors {}), served {}, {} USD per subscriber per month",
                            percent(city_value("covered_share")),
                            percent(city_value("covered_indoor_share")),
                            percent(city_value("served_share")),
                            usd(city_value("cost_per_subscriber_usd_per_month"))),
                ink);

    // The map, cell by cell.
    std::vector<std::int64_t> col_of(static_cast<std::size_t>(l.map_width));
    for (int px = 0; px < l.map_width; ++px) {
        col_of[static_cast<std::size_t>(px)] = std::min<std::int64_t>(
            g.width - 1, static_cast<std::int64_t>(std::floor((px + 0.5) / l.scale)));
    }
    for (int py = 0; py < l.map_height; ++py) {
        const auto row = std::min<std::int64_t>(
            g.height - 1, static_cast<std::int64_t>(std::floor((py + 0.5) / l.scale)));
        for (int px = 0; px < l.map_width; ++px) {
            const std::size_t i = g.index(col_of[static_cast<std::size_t>(px)], row);
            Rgba c = quicklook_background;
            if (!rsrp.values.empty() && !rsrp.is_nodata(rsrp.values[i])) {
                c = style.colour_of(static_cast<double>(rsrp.values[i]))
                        .value_or(quicklook_background);
            } else if (district.values[i] != no_district) {
                c = quicklook_no_signal;
            }
            canvas.set(l.left + px, l.top + py, c);
        }
    }
    const std::vector<std::uint8_t> outline = outline_mask(result, l);
    for (int py = 0; py < l.map_height; ++py) {
        for (int px = 0; px < l.map_width; ++px) {
            if (outline[static_cast<std::size_t>(py) * static_cast<std::size_t>(l.map_width) +
                        static_cast<std::size_t>(px)] != 0) {
                canvas.set(l.left + px, l.top + py, quicklook_outline);
            }
        }
    }

    // Legend.
    const int lx = l.left + l.map_width + legend_gap;
    int y = l.top;
    canvas.text(lx, y, style.title, ink);
    y += font::line_h + 8;
    for (const StyleClass& e : legend_entries(style)) {
        canvas.fill(lx, y, swatch_w, font::line_h, frame);
        canvas.fill(lx + 1, y + 1, swatch_w - 2, font::line_h - 2, e.rgba);
        canvas.text(lx + swatch_w + 10, y + font::scale, e.label, ink);
        y += row_h;
    }
    canvas.fill(lx, y + font::line_h / 2 - 1, swatch_w, 2, quicklook_outline);
    canvas.text(lx + swatch_w + 10, y + font::scale, "district border", ink);
    draw_scale_bar(canvas, l);
    draw_north_arrow(canvas, l);
    return canvas;
}

Rgba chart_colour(std::size_t i) {
    return chart_palette[i % chart_palette.size()];
}

// The plot area of a chart: value to pixel, and the frame drawn (grid lines with tick labels,
// the axes box, the axis titles).
struct ChartFrame {
    const ChartLayout& l;
    Axis xa;
    Axis ya;

    [[nodiscard]] int px(double x) const {
        return l.plot_left + static_cast<int>(std::lround((x - xa.lo) / (xa.hi - xa.lo) *
                                                          (l.plot_right - l.plot_left)));
    }
    [[nodiscard]] int py(double y) const {
        return l.plot_bottom - static_cast<int>(std::lround((y - ya.lo) / (ya.hi - ya.lo) *
                                                            (l.plot_bottom - l.plot_top)));
    }
    void draw(Canvas& c, const std::string& x_title, const std::string& y_title) const {
        for (double x = xa.lo; x <= xa.hi + 1e-9 * xa.step; x += xa.step) {
            const int p = px(x);
            c.line(p, l.plot_top, p, l.plot_bottom, grid_grey);
            const std::string label = tick_label(x, xa.step);
            c.text(p - font::text_width(label) / 2, l.plot_bottom + 8, label, ink);
        }
        for (double y = ya.lo; y <= ya.hi + 1e-9 * ya.step; y += ya.step) {
            const int p = py(y);
            c.line(l.plot_left, p, l.plot_right, p, grid_grey);
            const std::string label = tick_label(y, ya.step);
            c.text(l.plot_left - 8 - font::text_width(label), p - font::line_h / 2, label, ink);
        }
        c.line(l.plot_left, l.plot_bottom, l.plot_right, l.plot_bottom, frame, 2);
        c.line(l.plot_left, l.plot_top, l.plot_left, l.plot_bottom, frame, 2);
        c.line(l.plot_left, l.plot_top, l.plot_right, l.plot_top, frame);
        c.line(l.plot_right, l.plot_top, l.plot_right, l.plot_bottom, frame);
        c.text((l.plot_left + l.plot_right - font::text_width(x_title)) / 2,
               l.plot_bottom + font::line_h + 14, x_title, ink);
        c.text_vertical(margin, (l.plot_top + l.plot_bottom - font::text_width(y_title)) / 2,
                        y_title, ink);
    }
};

namespace {

// The values a point spans on one axis: its value and the ends of its range.
void extend(double& lo, double& hi, std::initializer_list<double> values) {
    for (const double v : values) {
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
}

// An error bar from (x0, y0) to (x1, y1), horizontal or vertical, with caps 4 pixels long.
void error_bar(Canvas& c, int x0, int y0, int x1, int y1, const Rgba& colour) {
    c.line(x0, y0, x1, y1, colour, 2);
    const bool vertical = x0 == x1;
    for (const auto& [x, y] : {std::pair{x0, y0}, std::pair{x1, y1}}) {
        if (vertical) {
            c.line(x - 4, y, x + 4, y, colour, 2);
        } else {
            c.line(x, y - 4, x, y + 4, colour, 2);
        }
    }
}

// "0.70 [0.53-1.02]": a value and, when given, its range.
std::string with_range(const std::string& value, const std::string& low, const std::string& high,
                       bool given) {
    return given ? fmt::format("{} [{}-{}]", value, low, high) : value;
}

std::string share_number(double share) {
    return std::isfinite(share) ? fmt::format("{:.1f}", 100.0 * share) : "-";
}

// Point i's line in the batch chart's key: number, name, values and their ranges.
std::string chart_key_line(std::size_t i, const ChartPoint& p) {
    return fmt::format("{:>3}  {}  ({} USD, {} served)", i + 1, p.label,
                       with_range(usd(p.cost_usd_per_month), usd(p.cost_low_usd_per_month),
                                  usd(p.cost_high_usd_per_month), p.has_cost_range()),
                       with_range(percent(p.served_share), share_number(p.served_share_low),
                                  share_number(p.served_share_high), p.has_served_range()));
}

} // namespace

ChartLayout batch_chart_layout(const std::vector<ChartPoint>& points) {
    ChartLayout l;
    l.width = 900; // wider when a key line needs it (long sweep names, ranges)
    for (std::size_t i = 0; i < points.size(); ++i) {
        l.width = std::max(l.width, 2 * margin + font::text_width(chart_key_line(i, points[i])));
    }
    l.plot_left = 100;
    l.plot_top = 2 * margin + font::line_h;
    l.plot_right = l.width - 40;
    l.plot_bottom = l.plot_top + 460;
    // Below the plot: tick labels, the axis title, then the key.
    const int key_top = l.plot_bottom + 2 * font::line_h + 24;
    l.height = key_top + static_cast<int>(points.size()) * row_h + margin;
    return l;
}

Canvas render_batch_chart(const std::vector<ChartPoint>& points) {
    const ChartLayout l = batch_chart_layout(points);
    Canvas c(l.width, l.height, quicklook_background);
    c.text(margin, margin, "served vs cost per subscriber, one point per scenario", ink);

    constexpr double inf = std::numeric_limits<double>::infinity();
    double x_lo = inf, x_hi = -inf, y_lo = inf, y_hi = -inf;
    for (const ChartPoint& p : points) {
        if (std::isfinite(p.cost_usd_per_month) && std::isfinite(p.served_share)) {
            extend(x_lo, x_hi,
                   {p.cost_usd_per_month, p.cost_low_usd_per_month, p.cost_high_usd_per_month});
            extend(
                y_lo, y_hi,
                {100.0 * p.served_share, 100.0 * p.served_share_low, 100.0 * p.served_share_high});
        }
    }
    if (!std::isfinite(x_lo)) {
        x_lo = x_hi = 0.0;
        y_lo = y_hi = 0.0;
    }
    const Axis xa = nice_axis(x_lo, x_hi, std::max(0.5, 0.2 * std::abs(x_hi)));
    Axis ya = nice_axis(y_lo, y_hi, 1.0);
    if (y_hi <= 100.0 && ya.hi > 100.0) {
        // Shares end at 100 %: the last tick is 100, and the frame half a step above it keeps
        // a point at 100 % inside.
        ya.hi = std::ceil(100.0 / ya.step) * ya.step + 0.5 * ya.step;
    }
    const ChartFrame f{l, xa, ya};
    f.draw(c, "cost per subscriber (USD per month)", "served (% of the people)");

    // Points with their error bars, numbered, and the key.
    int key_y = l.plot_bottom + 2 * font::line_h + 24;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const ChartPoint& p = points[i];
        const Rgba colour = chart_colour(i);
        const std::string number = std::to_string(i + 1);
        if (std::isfinite(p.cost_usd_per_month) && std::isfinite(p.served_share)) {
            const int px = f.px(p.cost_usd_per_month);
            const int py = f.py(100.0 * p.served_share);
            if (p.has_cost_range()) {
                error_bar(c, f.px(p.cost_low_usd_per_month), py, f.px(p.cost_high_usd_per_month),
                          py, colour);
            }
            if (p.has_served_range()) {
                error_bar(c, px, f.py(100.0 * p.served_share_high), px,
                          f.py(100.0 * p.served_share_low), colour);
            }
            disc(c, px, py, 5, colour);
            // The number above right of the point, or where that would leave the frame, below
            // or to its left.
            const int w = font::text_width(number);
            const int tx = px + 8 + w <= l.plot_right ? px + 8 : px - 8 - w;
            const int ty = py - font::line_h >= l.plot_top ? py - font::line_h : py + 4;
            c.text(tx, ty, number, ink);
        }
        c.text(margin, key_y, chart_key_line(i, p), ink);
        disc(c, margin + 2, key_y + font::line_h / 2 - 2, 4, colour);
        key_y += row_h;
    }
    return c;
}

namespace {

constexpr int tornado_row_h = 2 * font::line_h;
constexpr int tornado_bars_w = 540; // the bars' axis, right of the labels

std::string tornado_label(const TornadoRow& r) {
    return fmt::format("{} {:g} / {:g}", to_string(r.range.input), r.range.low, r.range.high);
}

// Where the bars start: right of the widest row label.
int tornado_bars_left(const std::vector<TornadoRow>& rows) {
    int w = 0;
    for (const TornadoRow& r : rows) {
        w = std::max(w, font::text_width(tornado_label(r)));
    }
    return margin + w + 24;
}

// One panel of the tornado chart: `title`, then per row the label and the two bars from
// `central`, then the value axis; returns the y below it.
int tornado_panel(Canvas& c, int top, const std::string& title, double central,
                  const std::vector<TornadoRow>& rows,
                  const std::function<std::pair<double, double>(const TornadoRow&)>& ends) {
    c.text(margin, top, title, ink);
    const int left = tornado_bars_left(rows);
    const int right = c.width - 40;
    const int bars_top = top + font::line_h + 8;
    double lo = central, hi = central;
    for (const TornadoRow& r : rows) {
        const auto [a, b] = ends(r);
        extend(lo, hi, {a, b});
    }
    const Axis axis = nice_axis(lo, hi, std::max(1e-6, 1e-3 * std::abs(central)));
    const auto px = [&](double v) {
        return left +
               static_cast<int>(std::lround((v - axis.lo) / (axis.hi - axis.lo) * (right - left)));
    };
    const int bottom = bars_top + static_cast<int>(rows.size()) * tornado_row_h;
    for (double v = axis.lo; v <= axis.hi + 1e-9 * axis.step; v += axis.step) {
        c.line(px(v), bars_top, px(v), bottom, grid_grey);
        const std::string label = tick_label(v, axis.step);
        c.text(px(v) - font::text_width(label) / 2, bottom + 6, label, ink);
    }
    int y = bars_top;
    for (const TornadoRow& r : rows) {
        c.text(margin, y + font::line_h / 2, tornado_label(r), ink);
        const auto [at_low, at_high] = ends(r);
        const int half = tornado_row_h / 2 - 2;
        for (const auto& [v, dy, colour] : {std::tuple{at_low, 2, tornado_low_colour},
                                            std::tuple{at_high, 2 + half, tornado_high_colour}}) {
            if (std::isfinite(v) && px(v) != px(central)) { // no bar where it does not move
                c.fill(std::min(px(central), px(v)), y + dy, std::abs(px(v) - px(central)), half,
                       colour);
            }
        }
        y += tornado_row_h;
    }
    c.line(px(central), bars_top - 4, px(central), bottom, frame, 2);
    return bottom + font::line_h + 16;
}

} // namespace

Canvas render_tornado(const std::string& scenario, const Ranges& ranges,
                      double central_served_share, double central_cost_usd_per_month) {
    const int panel_h =
        2 * font::line_h + 30 + static_cast<int>(ranges.tornado.size()) * tornado_row_h;
    Canvas c(std::max(900, tornado_bars_left(ranges.tornado) + tornado_bars_w + 40),
             3 * margin + 2 * font::line_h + 2 * panel_h, quicklook_background);
    c.text(margin, margin, fmt::format("{}: inputs by their swing of the city's values", scenario),
           ink);
    int y = margin + font::line_h + 4;
    c.fill(margin, y + 4, 24, font::line_h - 8, tornado_low_colour);
    c.text(margin + 30, y, "input at its low end", ink);
    const int second = margin + 30 + font::text_width("input at its low end") + 30;
    c.fill(second, y + 4, 24, font::line_h - 8, tornado_high_colour);
    c.text(second + 30, y, "at its high end (key low / high)", ink);
    y += font::line_h + margin;
    y = tornado_panel(
        c, y, fmt::format("served (% of the people), central {}", percent(central_served_share)),
        100.0 * central_served_share, ranges.tornado, [](const TornadoRow& r) {
            return std::pair{100.0 * r.served_share_at_low, 100.0 * r.served_share_at_high};
        });
    tornado_panel(c, y,
                  fmt::format("cost per subscriber (USD per month), central {}",
                              usd(central_cost_usd_per_month)),
                  central_cost_usd_per_month, ranges.tornado, [](const TornadoRow& r) {
                      return std::pair{r.cost_per_subscriber_at_low_usd_per_month,
                                       r.cost_per_subscriber_at_high_usd_per_month};
                  });
    return c;
}

void write_tornado_chart(const std::filesystem::path& path, const ScenarioResult& result) {
    double people = 0.0;
    double served = 0.0;
    for (std::size_t d = 0; d < result.capacity.districts.size(); ++d) {
        people += result.coverage.districts[d].population;
        served += result.capacity.districts[d].served_population;
    }
    const Canvas chart =
        render_tornado(result.scenario->name, result.ranges,
                       people > 0.0 ? served / people : std::numeric_limits<double>::quiet_NaN(),
                       result.cost.city.per_subscriber_usd_per_month);
    AtomicFile png(path);
    write_png(png.temp_path(), chart.width, chart.height, chart.rgba);
    png.commit();
}

void write_quicklook(const std::filesystem::path& out_dir, const ScenarioResult& result) {
    const std::filesystem::path dir = out_dir / "maps" / result.scenario->name;
    make_directories(dir);
    const Canvas canvas = render_quicklook(result);
    AtomicFile png(dir / "quicklook.png");
    write_png(png.temp_path(), canvas.width, canvas.height, canvas.rgba);
    png.commit();
}

void write_batch_chart(const std::filesystem::path& path, const std::vector<ChartPoint>& points) {
    const Canvas chart = render_batch_chart(points);
    AtomicFile png(path);
    write_png(png.temp_path(), chart.width, chart.height, chart.rgba);
    png.commit();
}

Canvas render_cost_curve(const std::string& title, const std::vector<double>& shares,
                         const std::vector<double>& city_cost_usd_per_year) {
    const ChartLayout l = batch_chart_layout({});
    Canvas c(l.width, l.height, quicklook_background);
    c.text(margin, margin, title, ink);
    constexpr double inf = std::numeric_limits<double>::infinity();
    double x_lo = inf, x_hi = -inf, y_lo = 0.0, y_hi = -inf;
    for (std::size_t i = 0; i < shares.size() && i < city_cost_usd_per_year.size(); ++i) {
        if (std::isfinite(city_cost_usd_per_year[i])) {
            x_lo = std::min(x_lo, 100.0 * shares[i]);
            x_hi = std::max(x_hi, 100.0 * shares[i]);
            y_hi = std::max(y_hi, city_cost_usd_per_year[i] / 1e6);
        }
    }
    if (!std::isfinite(x_lo)) {
        x_lo = x_hi = 50.0;
        y_hi = 1.0;
    }
    const Axis xa = nice_axis(x_lo, x_hi, 5.0);
    Axis ya = nice_axis(y_lo, y_hi, 1.0);
    ya.lo = std::max(ya.lo, 0.0); // a cost: no axis below zero
    const ChartFrame f{l, xa, ya};
    f.draw(c, "served share reached in every district (%)", "city cost (million USD per year)");
    std::optional<std::pair<int, int>> last;
    for (std::size_t i = 0; i < shares.size() && i < city_cost_usd_per_year.size(); ++i) {
        if (!std::isfinite(city_cost_usd_per_year[i])) {
            last.reset();
            continue;
        }
        const int px = f.px(100.0 * shares[i]);
        const int py = f.py(city_cost_usd_per_year[i] / 1e6);
        if (last) {
            c.line(last->first, last->second, px, py, chart_colour(0), 2);
        }
        disc(c, px, py, 3, chart_colour(0));
        last = {px, py};
    }
    return c;
}

void write_cost_curve_chart(const std::filesystem::path& path, const std::string& title,
                            const std::vector<double>& shares,
                            const std::vector<double>& city_cost_usd_per_year) {
    const Canvas chart = render_cost_curve(title, shares, city_cost_usd_per_year);
    AtomicFile png(path);
    write_png(png.temp_path(), chart.width, chart.height, chart.rgba);
    png.commit();
}

} // namespace covsim::io
