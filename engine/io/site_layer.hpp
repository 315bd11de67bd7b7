#pragma once
// Site layers: one feature per sector (or per site, with an azimuth list), read and written
// through OGR (CSV with lon/lat columns, GeoPackage, GeoJSON). docs/sites.md documents the
// fields, the names planning tools give them (io/site_columns.hpp matches them) and the rules:
//
//   site_id (text, required)           sector (text, default: the row's position in its site)
//   layer (text, optional filter)      carrier (text: the layer's carrier for this row)
//   lon, lat (CSV only, WGS 84 degrees) or a point geometry
//   height_m (required, above ground)  azimuth_deg (empty: omnidirectional; "0/120/240": one
//                                      sector per azimuth)
//   mechanical_tilt_deg, electrical_tilt_deg (default 0, positive = down)
//   one of power_dbm, power_w (total into the antenna), eirp_dbm, eirp_w (peak EIRP: power =
//   EIRP - antenna gain), erp_dbm, erp_w (EIRP = ERP + 2.15 dB)
//   antenna_file (an MSI / Planet pattern for this row, relative to the site file; default:
//   the layer's antenna)
//
// A site may stand outside the analysis grid up to the layer's margin (sites_margin_m, by
// default max_range_m): a neighbour that serves and interferes. Sites in no district are
// marked (Sector::inside()) and not costed unless the scenario says so.

#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"
#include "io/gdal_support.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

// What a read found besides the sectors, for the caller to log and record.
struct SiteFileNotes {
    // Columns that give no field covsim reads, as written: a warning lists them once per file.
    std::vector<std::string> unused_columns;
    // The per-row antenna files the layer's rows named, each once, in the order first named:
    // inputs of the run (checksummed like the site file).
    std::vector<std::filesystem::path> antenna_files;
};

// The sectors of one scenario layer, positioned in the study area's CRS. Rows whose `layer`
// field names another layer, or whose `carrier` names another of the layer's carriers, are
// skipped. Every problem of the file is reported at once: one covsim::Error(input_data), one
// line per problem naming the file, the line (CSV) or feature, the column, the value and what
// was expected (the first 50, then how many more).
std::vector<Sector> read_sectors(const LayerSpec& layer, std::size_t layer_index,
                                 const StudyArea& area, SiteFileNotes* notes = nullptr);

// The warning for notes.unused_columns: "sites file 'X': columns not used: 'a', 'b' (...)".
std::string unused_columns_warning(const std::filesystem::path& sites_path,
                                   const SiteFileNotes& notes);

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

// The position a site at (x, y) in the analysis CRS has once a CSV site file holds it
// (longitude and latitude rounded to 1e-7 degrees, as write_sectors writes them) and covsim
// reads it back: the planner computes with it, so that a plan and `covsim run` of its site files
// agree to the bit, and a site near a cell edge stands in the same cell in both. Use it from the
// thread that made it (PROJ's objects belong to their thread's context).
class CsvPositionRoundTrip {
public:
    explicit CsvPositionRoundTrip(const std::string& crs_wkt);
    void operator()(double& x_m, double& y_m) const;

private:
    TransformPtr to_geo_;
    TransformPtr to_grid_;
};

// Writes a site layer; the format follows the extension (.csv, .gpkg, .geojson/.json).
void write_sectors(const std::filesystem::path& path, const std::vector<SectorRecord>& sectors);

} // namespace covsim::io
