#include "core/antenna.hpp"

#include "core/units.hpp"

#include <algorithm>

namespace covsim {

double AntennaPattern::gain_dbi_towards(double azimuth_offset_deg, double vertical_offset_deg,
                                        bool omnidirectional) const noexcept {
    if (isotropic) {
        return gain_dbi;
    }
    const double v = vertical_offset_deg / vertical_beamwidth_deg;
    const double a_v = -std::min(12.0 * v * v, side_lobe_level_db);
    double a_h = 0.0;
    if (!omnidirectional) {
        const double h = wrap_degrees(azimuth_offset_deg) / horizontal_beamwidth_deg;
        a_h = -std::min(12.0 * h * h, max_attenuation_db);
    }
    const double a = -std::min(-(a_v + a_h), max_attenuation_db);
    return gain_dbi + a;
}

AntennaPattern tr38901_element_pattern() noexcept {
    AntennaPattern p;
    p.horizontal_beamwidth_deg = 65.0;
    p.vertical_beamwidth_deg = 65.0;
    p.max_attenuation_db = 30.0;
    p.side_lobe_level_db = 30.0;
    p.gain_dbi = 8.0;
    return p;
}

} // namespace covsim
