#pragma once
// Physical constants and decibel conversions.

#include <cmath>
#include <numbers>

namespace covsim {

inline constexpr double speed_of_light_m_s = 299'792'458.0;
inline constexpr double boltzmann_j_per_k = 1.380649e-23;
inline constexpr double reference_temperature_k = 290.0; // ITU-R P.372 T0
inline constexpr double deg_to_rad = std::numbers::pi / 180.0;
inline constexpr double rad_to_deg = 180.0 / std::numbers::pi;

inline double db_to_linear(double db) noexcept {
    return std::pow(10.0, db / 10.0);
}
inline double linear_to_db(double linear) noexcept {
    return 10.0 * std::log10(linear);
}

// Angle wrapped to (-180, 180].
inline double wrap_degrees(double deg) noexcept {
    double r = std::fmod(deg, 360.0);
    if (r > 180.0) {
        r -= 360.0;
    } else if (r <= -180.0) {
        r += 360.0;
    }
    return r;
}

} // namespace covsim
