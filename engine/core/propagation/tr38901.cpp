#include "core/propagation/tr38901.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace covsim::tr38901 {

namespace {

double distance_3d(double d2d_m, double h_bs_m, double h_ut_m) noexcept {
    const double dh = h_bs_m - h_ut_m;
    return std::sqrt(d2d_m * d2d_m + dh * dh);
}

double rma_pl1(double d3d_m, double fc_ghz, double h) noexcept {
    const double h172 = std::pow(h, 1.72);
    return 20.0 * std::log10(40.0 * std::numbers::pi * d3d_m * fc_ghz / 3.0) +
           std::min(0.03 * h172, 10.0) * std::log10(d3d_m) - std::min(0.044 * h172, 14.77) +
           0.002 * std::log10(h) * d3d_m;
}

} // namespace

double rma_breakpoint_m(double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    return 2.0 * std::numbers::pi * h_bs_m * h_ut_m * fc_ghz * 1e9 / speed_of_light_m_s;
}

double uma_umi_breakpoint_m(double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    return 4.0 * (h_bs_m - effective_environment_height_m) *
           (h_ut_m - effective_environment_height_m) * fc_ghz * 1e9 / speed_of_light_m_s;
}

double rma_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz,
                  double building_height_m) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double d_bp = rma_breakpoint_m(h_bs_m, h_ut_m, fc_ghz);
    if (d2d_m <= d_bp) {
        return rma_pl1(d3d, fc_ghz, building_height_m);
    }
    return rma_pl1(d_bp, fc_ghz, building_height_m) + 40.0 * std::log10(d3d / d_bp);
}

double rma_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz,
                   double building_height_m, double street_width_m) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double h = building_height_m;
    const double w = street_width_m;
    const double l_hut = std::log10(11.75 * h_ut_m);
    const double pl_nlos = 161.04 - 7.1 * std::log10(w) + 7.5 * std::log10(h) -
                           (24.37 - 3.7 * (h / h_bs_m) * (h / h_bs_m)) * std::log10(h_bs_m) +
                           (43.42 - 3.1 * std::log10(h_bs_m)) * (std::log10(d3d) - 3.0) +
                           20.0 * std::log10(fc_ghz) - (3.2 * l_hut * l_hut - 4.97);
    return std::max(rma_los_db(d2d_m, h_bs_m, h_ut_m, fc_ghz, building_height_m), pl_nlos);
}

double uma_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double d_bp = uma_umi_breakpoint_m(h_bs_m, h_ut_m, fc_ghz);
    if (d2d_m <= d_bp) {
        return 28.0 + 22.0 * std::log10(d3d) + 20.0 * std::log10(fc_ghz);
    }
    const double dh = h_bs_m - h_ut_m;
    return 28.0 + 40.0 * std::log10(d3d) + 20.0 * std::log10(fc_ghz) -
           9.0 * std::log10(d_bp * d_bp + dh * dh);
}

double uma_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double pl_nlos =
        13.54 + 39.08 * std::log10(d3d) + 20.0 * std::log10(fc_ghz) - 0.6 * (h_ut_m - 1.5);
    return std::max(uma_los_db(d2d_m, h_bs_m, h_ut_m, fc_ghz), pl_nlos);
}

double umi_los_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double d_bp = uma_umi_breakpoint_m(h_bs_m, h_ut_m, fc_ghz);
    if (d2d_m <= d_bp) {
        return 32.4 + 21.0 * std::log10(d3d) + 20.0 * std::log10(fc_ghz);
    }
    const double dh = h_bs_m - h_ut_m;
    return 32.4 + 40.0 * std::log10(d3d) + 20.0 * std::log10(fc_ghz) -
           9.5 * std::log10(d_bp * d_bp + dh * dh);
}

double umi_nlos_db(double d2d_m, double h_bs_m, double h_ut_m, double fc_ghz) noexcept {
    const double d3d = distance_3d(d2d_m, h_bs_m, h_ut_m);
    const double pl_nlos =
        35.3 * std::log10(d3d) + 22.4 + 21.3 * std::log10(fc_ghz) - 0.3 * (h_ut_m - 1.5);
    return std::max(umi_los_db(d2d_m, h_bs_m, h_ut_m, fc_ghz), pl_nlos);
}

double rma_los_probability(double d2d_m) noexcept {
    if (d2d_m <= 10.0) {
        return 1.0;
    }
    return std::exp(-(d2d_m - 10.0) / 1000.0);
}

double uma_los_probability(double d2d_m, double h_ut_m) noexcept {
    if (d2d_m <= 18.0) {
        return 1.0;
    }
    double c_prime = 0.0;
    if (h_ut_m > 13.0) {
        c_prime = std::pow((std::min(h_ut_m, 23.0) - 13.0) / 10.0, 1.5);
    }
    const double base = 18.0 / d2d_m + std::exp(-d2d_m / 63.0) * (1.0 - 18.0 / d2d_m);
    const double x = d2d_m / 100.0;
    return base * (1.0 + c_prime * 1.25 * x * x * x * std::exp(-d2d_m / 150.0));
}

double umi_los_probability(double d2d_m) noexcept {
    if (d2d_m <= 18.0) {
        return 1.0;
    }
    return 18.0 / d2d_m + std::exp(-d2d_m / 36.0) * (1.0 - 18.0 / d2d_m);
}

double los_weighted_loss_db(double p_los, double los_db, double nlos_db) noexcept {
    return p_los * los_db + (1.0 - p_los) * nlos_db;
}

} // namespace covsim::tr38901
