#include "core/terrain.hpp"

#include "core/isa.hpp"

#ifdef COVSIM_ISA_DISPATCH
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace covsim {

double sample_bilinear(const Raster<float>& dem, double x_m, double y_m) noexcept {
    const Grid& g = dem.grid;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    // Position in cells from the north-west corner; inside the grid (Grid::contains_point, whose
    // floor of these quotients lies in [0, size)) when 0 <= q < size.
    const double qx = (x_m - g.origin_x_m) / g.cell_size_m;
    const double qy = (g.origin_y_m - y_m) / g.cell_size_m;
    const auto w = static_cast<double>(g.width);
    const auto h = static_cast<double>(g.height);
    if (!(qx >= 0.0 && qx < w && qy >= 0.0 && qy < h)) {
        return nan;
    }
    // In cell-centre coordinates, clamped to the centres of the edge cells.
    const double fx = std::clamp(qx - 0.5, 0.0, w - 1.0);
    const double fy = std::clamp(qy - 0.5, 0.0, h - 1.0);
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

namespace {

#ifdef COVSIM_ISA_DISPATCH
// The samples of terrain_profile(), i = 0, 1, ... (t = i / n), four at a time with AVX2 gathers
// (which the compiler does not form here): sample_bilinear() at x0 + t dx, y0 + t dy with the
// same IEEE operations on each lane (no FMA: each product is rounded before its sum), so the
// same bits; a sample outside the grid reads its clamped cell and is marked NaN; clamping by
// max/min equals std::clamp for the finite quotients here. Needs the DEM's cells to be
// indexable in 32 bits. Returns the first sample it did not compute.
__attribute__((target("arch=x86-64-v3"))) std::size_t
sample_line_avx2(const Raster<float>& dem, double x0_m, double y0_m, double dx_m, double dy_m,
                 std::size_t n, double* e) noexcept {
    const Grid& g = dem.grid;
    const float* z = dem.values.data();
    const __m256d nd = _mm256_set1_pd(static_cast<double>(n));
    const __m256d x0 = _mm256_set1_pd(x0_m);
    const __m256d y0 = _mm256_set1_pd(y0_m);
    const __m256d dx = _mm256_set1_pd(dx_m);
    const __m256d dy = _mm256_set1_pd(dy_m);
    const __m256d ox = _mm256_set1_pd(g.origin_x_m);
    const __m256d oy = _mm256_set1_pd(g.origin_y_m);
    const __m256d cell = _mm256_set1_pd(g.cell_size_m);
    const __m256d zero = _mm256_setzero_pd();
    const __m256d half = _mm256_set1_pd(0.5);
    const __m256d w = _mm256_set1_pd(static_cast<double>(g.width));
    const __m256d h = _mm256_set1_pd(static_cast<double>(g.height));
    const __m256d w1 = _mm256_set1_pd(static_cast<double>(g.width) - 1.0);
    const __m256d h1 = _mm256_set1_pd(static_cast<double>(g.height) - 1.0);
    const __m256d nan = _mm256_set1_pd(std::numeric_limits<double>::quiet_NaN());
    const __m128i last_col = _mm_set1_epi32(static_cast<std::int32_t>(g.width - 1));
    const __m128i last_row = _mm_set1_epi32(static_cast<std::int32_t>(g.height - 1));
    const __m128i stride = _mm_set1_epi32(static_cast<std::int32_t>(g.width));
    const __m128i one = _mm_set1_epi32(1);
    __m256d index = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
    const __m256d four = _mm256_set1_pd(4.0);
    std::size_t i = 0;
    for (; i + 4 <= n + 1; i += 4, index = _mm256_add_pd(index, four)) {
        const __m256d t = _mm256_div_pd(index, nd);
        const __m256d qx =
            _mm256_div_pd(_mm256_sub_pd(_mm256_add_pd(x0, _mm256_mul_pd(t, dx)), ox), cell);
        const __m256d qy =
            _mm256_div_pd(_mm256_sub_pd(oy, _mm256_add_pd(y0, _mm256_mul_pd(t, dy))), cell);
        const __m256d inside = _mm256_and_pd(
            _mm256_and_pd(_mm256_cmp_pd(qx, zero, _CMP_GE_OQ), _mm256_cmp_pd(qx, w, _CMP_LT_OQ)),
            _mm256_and_pd(_mm256_cmp_pd(qy, zero, _CMP_GE_OQ), _mm256_cmp_pd(qy, h, _CMP_LT_OQ)));
        const __m256d fx = _mm256_min_pd(_mm256_max_pd(_mm256_sub_pd(qx, half), zero), w1);
        const __m256d fy = _mm256_min_pd(_mm256_max_pd(_mm256_sub_pd(qy, half), zero), h1);
        const __m128i c0 = _mm256_cvttpd_epi32(fx);
        const __m128i r0 = _mm256_cvttpd_epi32(fy);
        const __m128i c1 = _mm_min_epi32(_mm_add_epi32(c0, one), last_col);
        const __m128i r1 = _mm_min_epi32(_mm_add_epi32(r0, one), last_row);
        const __m256d tx = _mm256_sub_pd(fx, _mm256_cvtepi32_pd(c0));
        const __m256d ty = _mm256_sub_pd(fy, _mm256_cvtepi32_pd(r0));
        const __m128i row0 = _mm_mullo_epi32(r0, stride);
        const __m128i row1 = _mm_mullo_epi32(r1, stride);
        const __m256d z00 = _mm256_cvtps_pd(_mm_i32gather_ps(z, _mm_add_epi32(row0, c0), 4));
        const __m256d z10 = _mm256_cvtps_pd(_mm_i32gather_ps(z, _mm_add_epi32(row0, c1), 4));
        const __m256d z01 = _mm256_cvtps_pd(_mm_i32gather_ps(z, _mm_add_epi32(row1, c0), 4));
        const __m256d z11 = _mm256_cvtps_pd(_mm_i32gather_ps(z, _mm_add_epi32(row1, c1), 4));
        const __m256d top = _mm256_add_pd(z00, _mm256_mul_pd(_mm256_sub_pd(z10, z00), tx));
        const __m256d bottom = _mm256_add_pd(z01, _mm256_mul_pd(_mm256_sub_pd(z11, z01), tx));
        const __m256d v = _mm256_add_pd(top, _mm256_mul_pd(_mm256_sub_pd(bottom, top), ty));
        _mm256_storeu_pd(e + i, _mm256_blendv_pd(nan, v, inside));
    }
    return i;
}
#endif

} // namespace

bool sample_segment(const Raster<float>& dem, double x0_m, double y0_m, double x1_m, double y1_m,
                    std::size_t intervals, double* out) noexcept {
    const std::size_t n = intervals;
    const double dx = x1_m - x0_m;
    const double dy = y1_m - y0_m;
    double* e = out;
    std::size_t from = 0;
#ifdef COVSIM_ISA_DISPATCH
    if (isa::active() >= isa::Level::x86_64_v3 && dem.grid.width > 0 && dem.grid.height > 0 &&
        dem.values.size() <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        from = sample_line_avx2(dem, x0_m, y0_m, dx, dy, n, e);
    }
#endif
    for (std::size_t i = from; i <= n; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(n);
        e[i] = sample_bilinear(dem, x0_m + t * dx, y0_m + t * dy);
    }
    for (std::size_t i = 0; i <= n; ++i) {
        if (!std::isfinite(e[i])) {
            return false;
        }
    }
    return true;
}

bool terrain_profile(const Raster<float>& dem, double x0_m, double y0_m, double x1_m, double y1_m,
                     double spacing_m, TerrainProfile& out) {
    const double length = std::hypot(x1_m - x0_m, y1_m - y0_m);
    const auto n =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(length / spacing_m)));
    out.spacing_m = length / static_cast<double>(n);
    out.elevation_m.resize(n + 1);
    return sample_segment(dem, x0_m, y0_m, x1_m, y1_m, n, out.elevation_m.data());
}

} // namespace covsim
