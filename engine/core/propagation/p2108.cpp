#include "core/propagation/p2108.hpp"

#include "core/propagation/location_variability.hpp"
#include "core/propagation/p526.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace covsim::p2108 {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

ClutterLoss fail(ReturnCode code) noexcept {
    return {nan, code};
}

bool known_type(ClutterType type) noexcept {
    switch (type) {
    case ClutterType::water_sea:
    case ClutterType::open_rural:
    case ClutterType::suburban:
    case ClutterType::urban:
    case ClutterType::trees_forest:
    case ClutterType::dense_urban:
        return true;
    }
    return false;
}

// Q⁻¹(x), the inverse complementary standard normal distribution.
double inverse_q(double x) noexcept {
    return variability::normal_quantile(1.0 - x);
}

// §3.2 before the 2 km cap: eqs. (3a)-(5b).
double terrestrial_uncapped_db(double f_ghz, double d_km, double p) noexcept {
    constexpr double sigma_l_db = 4.0; // (4b)
    constexpr double sigma_s_db = 6.0; // (5b)
    const double l_l = -2.0 * std::log10(std::pow(10.0, -5.0 * std::log10(f_ghz) - 12.5) +
                                         std::pow(10.0, -16.5));                  // (4a)
    const double l_s = 32.98 + 23.9 * std::log10(d_km) + 3.0 * std::log10(f_ghz); // (5a)
    const double w_l = std::pow(10.0, -0.2 * l_l);
    const double w_s = std::pow(10.0, -0.2 * l_s);
    const double sigma_cb = std::sqrt(
        (sigma_l_db * sigma_l_db * w_l + sigma_s_db * sigma_s_db * w_s) / (w_l + w_s)); // (3b)
    return -5.0 * std::log10(w_l + w_s) - sigma_cb * inverse_q(p / 100.0);              // (3a)
}

} // namespace

double representative_clutter_height_m(ClutterType type) noexcept {
    switch (type) {
    case ClutterType::water_sea:
    case ClutterType::open_rural:
    case ClutterType::suburban:
        return 10.0;
    case ClutterType::urban:
    case ClutterType::trees_forest:
        return 15.0;
    case ClutterType::dense_urban:
        return 20.0;
    }
    return nan;
}

ClutterLoss height_gain_terminal_correction(double frequency_ghz, double antenna_height_m,
                                            double street_width_m, double clutter_height_m,
                                            ClutterType type) noexcept {
    // Negated comparisons so that NaN fails too.
    if (!(frequency_ghz >= 0.03 && frequency_ghz <= 3.0)) {
        return fail(ReturnCode::height_gain_frequency);
    }
    if (!(antenna_height_m > 0.0)) {
        return fail(ReturnCode::height_gain_antenna_height);
    }
    if (!(street_width_m > 0.0)) {
        return fail(ReturnCode::height_gain_street_width);
    }
    if (!(clutter_height_m > 0.0)) {
        return fail(ReturnCode::height_gain_clutter_height);
    }
    if (!known_type(type)) {
        return fail(ReturnCode::height_gain_clutter_type);
    }
    if (antenna_height_m >= clutter_height_m) {
        return {0.0, ReturnCode::success};
    }
    if (type == ClutterType::water_sea || type == ClutterType::open_rural) {
        const double k_h2 = 21.8 + 6.2 * std::log10(frequency_ghz); // (2f)
        return {-k_h2 * std::log10(antenna_height_m / clutter_height_m),
                ReturnCode::success}; // (2b)
    }
    const double h_dif = clutter_height_m - antenna_height_m;                     // (2d)
    const double theta_clut_deg = std::atan(h_dif / street_width_m) * rad_to_deg; // (2e)
    const double k_nu = 0.342 * std::sqrt(frequency_ghz);                         // (2g)
    const double nu = k_nu * std::sqrt(h_dif * theta_clut_deg);                   // (2c)
    return {p526::knife_edge_loss_db(nu) - 6.03, ReturnCode::success};            // (2a)
}

ClutterLoss height_gain_terminal_correction(double frequency_ghz, double antenna_height_m,
                                            ClutterType type) noexcept {
    if (!known_type(type)) {
        return fail(ReturnCode::height_gain_clutter_type);
    }
    return height_gain_terminal_correction(frequency_ghz, antenna_height_m, default_street_width_m,
                                           representative_clutter_height_m(type), type);
}

ClutterLoss terrestrial_clutter_loss(double frequency_ghz, double distance_km,
                                     double location_percent) noexcept {
    if (!(frequency_ghz >= 0.5 && frequency_ghz <= 67.0)) {
        return fail(ReturnCode::terrestrial_frequency);
    }
    if (!(distance_km >= 0.25)) {
        return fail(ReturnCode::terrestrial_distance);
    }
    if (!(location_percent > 0.0 && location_percent < 100.0)) {
        return fail(ReturnCode::terrestrial_percentage);
    }
    const double at_d = terrestrial_uncapped_db(frequency_ghz, distance_km, location_percent);
    const double at_2km = terrestrial_uncapped_db(frequency_ghz, 2.0, location_percent);
    return {std::min(at_d, at_2km), ReturnCode::success}; // (6)
}

double terrestrial_clutter_loss_db(double frequency_ghz, double distance_km,
                                   double location_percent) noexcept {
    return terrestrial_clutter_loss(frequency_ghz, distance_km, location_percent).loss_db;
}

ClutterLoss earth_space_clutter_loss(double frequency_ghz, double elevation_deg,
                                     double location_percent) noexcept {
    if (!(frequency_ghz >= 10.0 && frequency_ghz <= 100.0)) {
        return fail(ReturnCode::earth_space_frequency);
    }
    if (!(elevation_deg >= 0.0 && elevation_deg <= 90.0)) {
        return fail(ReturnCode::earth_space_elevation);
    }
    if (!(location_percent > 0.0 && location_percent < 100.0)) {
        return fail(ReturnCode::earth_space_percentage);
    }
    constexpr double a_1 = 0.05;
    const double k_1 = 93.0 * std::pow(frequency_ghz, 0.175);
    const double theta = elevation_deg;
    const double cot =
        1.0 / std::tan(a_1 * (1.0 - theta / 90.0) + std::numbers::pi * theta / 180.0);
    const double base = -k_1 * std::log(1.0 - location_percent / 100.0) * cot;
    return {std::pow(base, 0.5 * (90.0 - theta) / 90.0) - 1.0 -
                0.6 * inverse_q(location_percent / 100.0),
            ReturnCode::success}; // (7)
}

} // namespace covsim::p2108
