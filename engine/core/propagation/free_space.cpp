#include "core/propagation/free_space.hpp"

#include "core/units.hpp"

#include <cmath>
#include <numbers>

namespace covsim::p525 {

double free_space_loss_db(double distance_3d_m, double frequency_mhz) noexcept {
    const double wavelength_m = speed_of_light_m_s / (frequency_mhz * 1e6);
    return 20.0 * std::log10(4.0 * std::numbers::pi * distance_3d_m / wavelength_m);
}

} // namespace covsim::p525
