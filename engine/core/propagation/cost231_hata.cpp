#include "core/propagation/cost231_hata.hpp"

#include <cmath>

namespace covsim::cost231 {

double mobile_height_correction_db(double frequency_mhz, double rx_height_m) noexcept {
    const double lf = std::log10(frequency_mhz);
    return (1.1 * lf - 0.7) * rx_height_m - (1.56 * lf - 0.8);
}

double open_area_correction_db(double frequency_mhz) noexcept {
    const double lf = std::log10(frequency_mhz);
    return -4.78 * lf * lf + 18.33 * lf - 40.94;
}

double hata_loss_db(double frequency_mhz, double tx_height_m, double rx_height_m,
                    double distance_km, Environment environment) noexcept {
    const double lf = std::log10(frequency_mhz);
    const double lhb = std::log10(tx_height_m);
    const double c_m = environment == Environment::urban ? 3.0 : 0.0;
    double loss = 46.3 + 33.9 * lf - 13.82 * lhb -
                  mobile_height_correction_db(frequency_mhz, rx_height_m) +
                  (44.9 - 6.55 * lhb) * std::log10(distance_km) + c_m;
    if (environment == Environment::rural) {
        loss += open_area_correction_db(frequency_mhz);
    }
    return loss;
}

} // namespace covsim::cost231
