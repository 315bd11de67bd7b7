#include "core/terrain.hpp"

#include "core/isa.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace covsim {

double sample_bilinear(const Raster<float>& dem, double x_m, double y_m) noexcept {
    const Grid& g = dem.grid;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (!g.contains_point(x_m, y_m) || g.width == 0 || g.height == 0) {
        return nan;
    }
    // Position in cell-centre coordinates, clamped to the centres of the edge cells.
    const double fx = std::clamp((x_m - g.origin_x_m) / g.cell_size_m - 0.5, 0.0,
                                 static_cast<double>(g.width - 1));
    const double fy = std::clamp((g.origin_y_m - y_m) / g.cell_size_m - 0.5, 0.0,
                                 static_cast<double>(g.height - 1));
    const auto c0 = static_cast<std::int64_t>(fx);
    const auto r0 = static_cast<std::int64_t>(fy);
    const std::int64_t c1 = std::min(c0 + 1, g.width - 1);
    const std::int64_t r1 = std::min(r0 + 1, g.height - 1);
    const double tx = fx - static_cast<double>(c0);
    const double ty = fy - static_cast<double>(r0);
    const auto z00 = static_cast<double>(dem.at(c0, r0));
    const auto z10 = static_cast<double>(dem.at(c1, r0));
    const auto z01 = static_cast<double>(dem.at(c0, r1));
    const auto z11 = static_cast<double>(dem.at(c1, r1));
    const double top = z00 + (z10 - z00) * tx;
    const double bottom = z01 + (z11 - z01) * tx;
    return top + (bottom - top) * ty; // NaN when any corner is NaN
}

bool terrain_profile(const Raster<float>& dem, double x0_m, double y0_m, double x1_m, double y1_m,
                     double spacing_m, TerrainProfile& out) {
    const double length = std::hypot(x1_m - x0_m, y1_m - y0_m);
    const auto n =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(length / spacing_m)));
    out.spacing_m = length / static_cast<double>(n);
    out.elevation_m.resize(n + 1);
    const Grid& g = dem.grid;
    if (g.width == 0 || g.height == 0) {
        return false;
    }
    // sample_bilinear() at each sample, with the same operations in the same order (the same
    // elevations, bit for bit) but without branches or calls in the loop: a sample outside the
    // grid (Grid::contains_point: 0 <= q < size for the quotients below) still reads its clamped
    // cell, and is marked NaN instead.
    const float* z = dem.values.data();
    const auto width = static_cast<std::size_t>(g.width);
    const double w = static_cast<double>(g.width);
    const double h = static_cast<double>(g.height);
    const double dx = x1_m - x0_m;
    const double dy = y1_m - y0_m;
    const double nd = static_cast<double>(n);
    double* e = out.elevation_m.data();
    isa::dispatch([&]() COVSIM_ALWAYS_INLINE {
        for (std::size_t i = 0; i <= n; ++i) {
            const double t = static_cast<double>(i) / nd;
            const double qx = (x0_m + t * dx - g.origin_x_m) / g.cell_size_m;
            const double qy = (g.origin_y_m - (y0_m + t * dy)) / g.cell_size_m;
            const bool inside = qx >= 0.0 && qx < w && qy >= 0.0 && qy < h;
            const double fx = std::clamp(qx - 0.5, 0.0, w - 1.0);
            const double fy = std::clamp(qy - 0.5, 0.0, h - 1.0);
            const auto c0 = static_cast<std::size_t>(fx);
            const auto r0 = static_cast<std::size_t>(fy);
            const std::size_t c1 = c0 + 1 < width ? c0 + 1 : c0;
            const std::size_t r1 = r0 + 1 < static_cast<std::size_t>(g.height) ? r0 + 1 : r0;
            const double tx = fx - static_cast<double>(c0);
            const double ty = fy - static_cast<double>(r0);
            const auto z00 = static_cast<double>(z[r0 * width + c0]);
            const auto z10 = static_cast<double>(z[r0 * width + c1]);
            const auto z01 = static_cast<double>(z[r1 * width + c0]);
            const auto z11 = static_cast<double>(z[r1 * width + c1]);
            const double top = z00 + (z10 - z00) * tx;
            const double bottom = z01 + (z11 - z01) * tx;
            const double v = top + (bottom - top) * ty;
            e[i] = inside ? v : std::numeric_limits<double>::quiet_NaN();
        }
    });
    for (std::size_t i = 0; i <= n; ++i) {
        if (!std::isfinite(e[i])) {
            return false;
        }
    }
    return true;
}

} // namespace covsim
