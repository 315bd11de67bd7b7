#pragma once
// Sites and sectors. A sector is one antenna of one site on one technology layer.

#include "core/antenna.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

namespace covsim {

struct Sector {
    std::string site_id;
    std::string sector_id;
    std::size_t layer = 0; // index into the scenario's layers
    double x_m = 0.0;      // position in the analysis CRS
    double y_m = 0.0;
    double height_m = 30.0;            // antenna height above ground
    std::optional<double> azimuth_deg; // boresight, clockwise from north; none = omnidirectional
    double mechanical_tilt_deg = 0.0;  // downtilt, positive below the horizon
    double electrical_tilt_deg = 0.0;
    double power_dbm = 43.0; // total transmit power into the antenna, over the whole bandwidth
    // District containing the site; -1 for a site outside every district (in the grid between
    // districts, or a neighbour's beyond it): it serves and interferes like any other, and is
    // costed only when [cost] count_sites_outside says so (docs/sites.md).
    std::int32_t district = -1;
    // Ground elevation at the site above mean sea level, from the DEM; NaN without one.
    double ground_m = std::numeric_limits<double>::quiet_NaN();
    // The sector's own antenna pattern (a site file's antenna_file column); null: the layer's.
    std::shared_ptr<const AntennaPattern> antenna;

    [[nodiscard]] bool inside() const noexcept { return district >= 0; }

    [[nodiscard]] double total_tilt_deg() const noexcept {
        return mechanical_tilt_deg + electrical_tilt_deg;
    }
};

} // namespace covsim
