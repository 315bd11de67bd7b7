#pragma once
// Site layers: one feature per sector, read and written through OGR (CSV with lon/lat columns,
// GeoPackage, GeoJSON). The fields are documented in docs/sites.md:
//
//   site_id (text, required)           sector (text, default: the row's position in its site)
//   layer (text, optional filter)      lon, lat (CSV only, WGS 84 degrees) or a point geometry
//   height_m (required, above ground)  azimuth_deg (empty: omnidirectional)
//   mechanical_tilt_deg, electrical_tilt_deg (default 0, positive = down)
//   power_dbm (total into the antenna) or eirp_dbm (peak EIRP; power = EIRP - antenna gain)

#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// The sectors of one scenario layer, positioned in the study area's CRS. Rows whose `layer`
// field names another layer are skipped. Throws covsim::Error naming the file, the line (CSV)
// or feature, the field, the value and what was expected.
std::vector<Sector> read_sectors(const LayerSpec& layer, std::size_t layer_index,
                                 const StudyArea& area);

// One sector to write, positioned in WGS 84.
struct SectorRecord {
    std::string site_id;
    std::string sector_id;
    std::string layer;
    std::string district_code;
    double lon_deg = 0.0;
    double lat_deg = 0.0;
    double height_m = 0.0;
    std::optional<double> azimuth_deg;
    double mechanical_tilt_deg = 0.0;
    double electrical_tilt_deg = 0.0;
    double power_dbm = 0.0;
};

// Writes a site layer; the format follows the extension (.csv, .gpkg, .geojson/.json).
void write_sectors(const std::filesystem::path& path, const std::vector<SectorRecord>& sectors);

} // namespace covsim::io
