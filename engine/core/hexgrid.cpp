#include "core/hexgrid.hpp"

#include "core/units.hpp"

#include <boost/geometry/algorithms/point_on_surface.hpp>
#include <cmath>

namespace covsim {

std::vector<PlannedSite> hex_sites_in_district(const District& district, double isd_m,
                                               std::int32_t index) {
    std::vector<PlannedSite> sites;
    if (district.geometry.empty()) {
        return sites;
    }
    const double dx = isd_m;
    const double dy = isd_m * std::sqrt(3.0) / 2.0;
    Box box;
    bg::envelope(district.geometry, box);
    const auto row_north = static_cast<std::int64_t>(std::floor(box.max_corner().y() / dy));
    const auto row_south = static_cast<std::int64_t>(std::ceil(box.min_corner().y() / dy));
    for (std::int64_t j = row_north; j >= row_south; --j) {
        const double y = static_cast<double>(j) * dy;
        const double shift = (j % 2 != 0) ? dx / 2.0 : 0.0;
        const auto i0 = static_cast<std::int64_t>(std::ceil((box.min_corner().x() - shift) / dx));
        const auto i1 = static_cast<std::int64_t>(std::floor((box.max_corner().x() - shift) / dx));
        for (std::int64_t i = i0; i <= i1; ++i) {
            const Point p(static_cast<double>(i) * dx + shift, y);
            if (bg::within(p, district.geometry)) {
                sites.push_back({p.x(), p.y(), index});
            }
        }
    }
    if (sites.empty()) {
        Point p;
        bg::point_on_surface(district.geometry, p);
        sites.push_back({p.x(), p.y(), index});
    }
    return sites;
}

std::vector<PlannedSite> plan_hex_sites(const std::vector<District>& districts,
                                        const HexPlanOptions& options) {
    std::vector<PlannedSite> sites;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        const auto& isd = options.isd_m[static_cast<std::size_t>(districts[d].type)];
        if (!isd) {
            continue;
        }
        const std::vector<PlannedSite> in_district =
            hex_sites_in_district(districts[d], *isd, static_cast<std::int32_t>(d));
        sites.insert(sites.end(), in_district.begin(), in_district.end());
    }
    return sites;
}

double hex_cell_area_km2(double isd_m) noexcept {
    return std::sqrt(3.0) / 2.0 * isd_m * isd_m / 1e6;
}

double hex_default_tilt_deg(double antenna_height_m, double isd_m) noexcept {
    return std::atan(antenna_height_m / (2.0 * isd_m / 3.0)) * rad_to_deg;
}

} // namespace covsim
