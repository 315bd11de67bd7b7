#include "core/terrain.hpp"

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
    const double z00 = dem.at(c0, r0);
    const double z10 = dem.at(c1, r0);
    const double z01 = dem.at(c0, r1);
    const double z11 = dem.at(c1, r1);
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
    for (std::size_t i = 0; i <= n; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(n);
        const double z = sample_bilinear(dem, x0_m + t * (x1_m - x0_m), y0_m + t * (y1_m - y0_m));
        if (!std::isfinite(z)) {
            return false;
        }
        out.elevation_m[i] = z;
    }
    return true;
}

} // namespace covsim
