#include "run/site_plan.hpp"

#include "core/error.hpp"
#include "core/hexgrid.hpp"
#include "io/gdal_support.hpp"
#include "io/site_layer.hpp"
#include "io/study_area_loader.hpp"

#include <cmath>
#include <fmt/format.h>

namespace covsim {

HexgridReport write_hexgrid_plan(const HexgridConfig& config) {
    if (config.sectors < 1 || config.sectors > 12) {
        throw Error(ErrorCode::usage,
                    fmt::format("--sectors must be in [1, 12], got {}", config.sectors));
    }
    const io::LoadedDistricts loaded = io::load_districts(config.districts);
    HexPlanOptions options;
    options.isd_m = config.isd_m;
    const std::vector<PlannedSite> sites = plan_hex_sites(loaded.districts, options);

    const OGRSpatialReference grid_srs = io::srs_from_wkt(loaded.crs_wkt);
    const OGRSpatialReference geo = io::wgs84();
    io::TransformPtr to_geo = io::make_transform(grid_srs, geo);

    const std::string prefix = config.site_prefix.empty() ? config.layer : config.site_prefix;
    std::vector<io::SectorRecord> records;
    std::vector<std::size_t> per_district(loaded.districts.size(), 0);
    HexgridReport report;
    for (const PlannedSite& site : sites) {
        const District& d = loaded.districts[static_cast<std::size_t>(site.district)];
        const auto type = static_cast<std::size_t>(d.type);
        const std::size_t n = ++per_district[static_cast<std::size_t>(site.district)];
        double lon = site.x_m;
        double lat = site.y_m;
        if (!to_geo->Transform(1, &lon, &lat)) {
            throw Error(ErrorCode::internal, "cannot transform a planned site to WGS 84");
        }
        const double height = config.height_m[type];
        const double tilt = config.tilt_deg[type].value_or(
            std::round(hex_default_tilt_deg(height, *config.isd_m[type]) * 10.0) / 10.0);
        for (int k = 0; k < config.sectors; ++k) {
            io::SectorRecord r;
            r.site_id = fmt::format("{}-{}-{:04d}", prefix, d.code, n);
            r.sector_id = std::to_string(k + 1);
            r.layer = config.layer;
            r.district_code = d.code;
            r.lon_deg = lon;
            r.lat_deg = lat;
            r.height_m = height;
            if (config.sectors > 1) {
                r.azimuth_deg = std::fmod(
                    config.azimuth_offset_deg + 360.0 * k / config.sectors + 360.0, 360.0);
            }
            r.electrical_tilt_deg = tilt;
            r.power_dbm = config.power_dbm[type];
            records.push_back(std::move(r));
        }
        ++report.sites_per_type[type];
        ++report.sites;
    }
    report.sectors = records.size();
    io::write_sectors(config.out, records);
    return report;
}

} // namespace covsim
