#include "core/propagation/p2109.hpp"

#include "core/propagation/location_variability.hpp"

#include <cmath>
#include <limits>

namespace covsim::p2109 {

namespace {

struct Coefficients {
    double r, s, t, u, v, w, x, y, z;
};

// Table 1.
constexpr Coefficients traditional{12.64, 3.72, 0.96, 9.6, 2.0, 9.1, -3.0, 4.5, -2.0};
constexpr Coefficients thermally_efficient{28.19, -3.00, 8.48, 13.5, 3.8, 27.8, -2.9, 9.4, -2.1};

} // namespace

double building_entry_loss_db(double frequency_ghz, double probability, double elevation_deg,
                              BuildingType type) noexcept {
    if (!(frequency_ghz > 0.0) || !std::isfinite(frequency_ghz) ||
        !(probability > 0.0 && probability < 1.0) || !(std::abs(elevation_deg) <= 90.0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const Coefficients& k = type == BuildingType::traditional ? traditional : thermally_efficient;
    const double lf = std::log10(frequency_ghz);
    const double l_h = k.r + k.s * lf + k.t * lf * lf;  // (9)
    const double l_e = 0.212 * std::abs(elevation_deg); // (10)
    const double mu_1 = l_h + l_e;                      // (5)
    const double mu_2 = k.w + k.x * lf;                 // (6)
    const double sigma_1 = k.u + k.v * lf;              // (7)
    const double sigma_2 = k.y + k.z * lf;              // (8)
    constexpr double c = -3.0;                          // (4)
    const double f_inv = variability::normal_quantile(probability);
    const double a = f_inv * sigma_1 + mu_1; // (2)
    const double b = f_inv * sigma_2 + mu_2; // (3)
    return 10.0 * std::log10(std::pow(10.0, 0.1 * a) + std::pow(10.0, 0.1 * b) +
                             std::pow(10.0, 0.1 * c)); // (1)
}

} // namespace covsim::p2109
