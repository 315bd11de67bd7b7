#include "core/propagation/location_variability.hpp"

#include "core/propagation/tr38901.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace covsim::variability {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool valid_sigma(double sigma_db) noexcept {
    return std::isfinite(sigma_db) && sigma_db >= 0.0;
}

} // namespace

double normal_cdf(double x) noexcept {
    return 0.5 * std::erfc(-x * std::numbers::sqrt2 / 2.0);
}

double location_margin_db(double sigma_db, double location_probability) noexcept {
    if (!valid_sigma(sigma_db)) {
        return nan;
    }
    return sigma_db * normal_quantile(location_probability);
}

double combined_sigma_db(double sigma1_db, double sigma2_db) noexcept {
    if (!valid_sigma(sigma1_db) || !valid_sigma(sigma2_db)) {
        return nan;
    }
    return std::hypot(sigma1_db, sigma2_db);
}

double tr38901_sigma_db(Tr38901Scenario scenario, LosCondition los, double d2d_m, double h_bs_m,
                        double h_ut_m, double fc_ghz) noexcept {
    if (los == LosCondition::probabilistic) {
        return nan;
    }
    const bool is_los = los == LosCondition::los;
    switch (scenario) {
    case Tr38901Scenario::rma:
        if (!is_los) {
            return rma_nlos_sigma_db;
        }
        if (!(d2d_m >= 0.0)) {
            return nan;
        }
        return d2d_m <= tr38901::rma_breakpoint_m(h_bs_m, h_ut_m, fc_ghz) ? rma_los_sigma_pl1_db
                                                                          : rma_los_sigma_pl2_db;
    case Tr38901Scenario::uma:
        return is_los ? uma_los_sigma_db : uma_nlos_sigma_db;
    case Tr38901Scenario::umi:
        return is_los ? umi_los_sigma_db : umi_nlos_sigma_db;
    }
    return nan;
}

double probabilistic_sigma_db(double p_los, double los_sigma_db, double nlos_sigma_db,
                              double los_loss_db, double nlos_loss_db) noexcept {
    if (!(p_los >= 0.0 && p_los <= 1.0) || !valid_sigma(los_sigma_db) ||
        !valid_sigma(nlos_sigma_db) || !std::isfinite(los_loss_db) ||
        !std::isfinite(nlos_loss_db)) {
        return nan;
    }
    const double gap = nlos_loss_db - los_loss_db;
    return std::sqrt(p_los * los_sigma_db * los_sigma_db +
                     (1.0 - p_los) * nlos_sigma_db * nlos_sigma_db +
                     p_los * (1.0 - p_los) * gap * gap);
}

double los_mixture_quantile_db(double p_los, double los_loss_db, double los_sigma_db,
                               double nlos_loss_db, double nlos_sigma_db, double q) noexcept {
    if (!(q > 0.0 && q < 1.0)) {
        return nan;
    }
    const double z = normal_quantile(q);
    double x = 0.0;
    double lo = 0.0;
    double hi = 0.0;
    if (detail::mixture_start(p_los, los_loss_db, los_sigma_db, nlos_loss_db, nlos_sigma_db, q, z,
                              x, lo, hi) != 0.0) {
        return x;
    }
    for (int step = 0; step < detail::mixture_max_steps; ++step) {
        if (detail::mixture_step(p_los, los_loss_db, los_sigma_db, nlos_loss_db, nlos_sigma_db, q,
                                 x, lo, hi) != 0.0) {
            return x;
        }
    }
    return x;
}

} // namespace covsim::variability
