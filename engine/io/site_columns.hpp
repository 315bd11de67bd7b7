#pragma once
// The columns of a site layer (docs/sites.md): covsim's own names and the names planning tools
// export for the same quantities (Atoll, Planet/Mentum, Asset, TEMS cell files, Signal-Server),
// in one table. A column name is matched case-insensitively after removing spaces, '_', '-' and
// '.', and its unit, written in brackets ("Height (m)", "Power [W]") or as the last word
// ("height_m", "power_w"), must be one the quantity is read in: "Height (ft)" or a bare "Power"
// is an error, not a silent misreading. Two columns for one quantity are an error naming both.
// This module only matches names; io/site_layer reads the values.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// The quantities a site layer row can give, each under its canonical column name.
enum class SiteField : std::size_t {
    site_id,
    sector,
    layer,
    carrier,
    lon,
    lat,
    height_m,
    azimuth_deg,
    mechanical_tilt_deg,
    electrical_tilt_deg,
    power_dbm, // total transmit power into the antenna
    power_w,
    eirp_dbm, // peak EIRP
    eirp_w,
    erp_dbm, // peak ERP (over a half-wave dipole): EIRP = ERP + 2.15 dB
    erp_w,
    antenna_file,  // an MSI / Planet pattern file, relative to the site file
    district_code, // written by `covsim sites hexgrid`; informative, not read
};
inline constexpr std::size_t site_field_count = 18;

// The canonical column name of a field, e.g. "mechanical_tilt_deg".
std::string_view to_string(SiteField field) noexcept;

// One accepted spelling of a field, for docs/sites.md and error messages: the normalised base
// name and the units it may carry ("" for none).
struct SiteFieldAlias {
    SiteField field;
    std::vector<std::string_view> names; // normalised: lower case, no spaces, '_', '-' or '.'
    std::vector<std::string_view> units; // normalised units it accepts; "" = no unit written
};
// The whole table, in the order docs/sites.md lists it.
const std::vector<SiteFieldAlias>& site_field_aliases();

struct SiteColumns {
    static constexpr int absent = -1;
    std::array<int, site_field_count> index{}; // per field, its column (0-based), or absent
    // Columns that give no field, as written (one warning per file lists them).
    std::vector<std::string> unused;
    // Header problems, one line each without the file's name: two columns for one field, a
    // unit the field is not read in, a power column without a unit.
    std::vector<std::string> problems;
    // Per field, whether a column was meant for it but rejected (a unit covsim does not read):
    // the field is then not also reported missing.
    std::array<bool, site_field_count> rejected{};

    [[nodiscard]] int column(SiteField f) const noexcept {
        return index[static_cast<std::size_t>(f)];
    }
    [[nodiscard]] bool has(SiteField f) const noexcept { return column(f) != absent; }
};

// Matches the names of a layer's columns (in file order) to fields.
SiteColumns match_site_columns(const std::vector<std::string>& names);

} // namespace covsim::io
