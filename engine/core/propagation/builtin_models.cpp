// Adapters from the models' maths (free_space, cost231_hata, tr38901) to PropagationModel, and
// their registration. Each adapter only maps a Link to the maths' arguments.

#include "core/fast_math.hpp"
#include "core/isa.hpp"
#include "core/propagation/cost231_hata.hpp"
#include "core/propagation/free_space.hpp"
#include "core/propagation/itm.hpp"
#include "core/propagation/itm_link.hpp"
#include "core/propagation/location_variability.hpp"
#include "core/propagation/p1812.hpp"
#include "core/propagation/p526.hpp"
#include "core/propagation/registry.hpp"
#include "core/propagation/tr38901.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <numbers>
#include <type_traits>
#include <vector>

namespace covsim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool sensible(const Link& l) noexcept {
    return std::isfinite(l.distance_m) && l.distance_m >= 0.0 && std::isfinite(l.frequency_mhz) &&
           l.frequency_mhz > 0.0 && std::isfinite(l.tx_height_m) && l.tx_height_m > 0.0 &&
           std::isfinite(l.rx_height_m) && l.rx_height_m > 0.0;
}

class FreeSpaceModel final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "free-space"; }
    std::string_view summary() const noexcept override {
        return "Free-space loss over the 3-D distance";
    }
    std::string_view reference() const noexcept override {
        return "ITU-R P.525-4 (2019) §2.2; P.525-5 (2024) §2.3 eq. (5)-(6)";
    }
    ValidityRange validity() const noexcept override {
        return {{1.0, 1.0e6}, {1.0, 1.0e7}, {0.1, 1.0e5}, {0.1, 1.0e5}};
    }
    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l)) {
            return nan;
        }
        const double dh = l.tx_height_m - l.rx_height_m;
        const double d3d = std::sqrt(l.distance_m * l.distance_m + dh * dh);
        return p525::free_space_loss_db(d3d, l.frequency_mhz);
    }
};

class Cost231HataModel final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "cost231-hata"; }
    std::string_view summary() const noexcept override {
        return "COST-231 Hata, urban (C_m = 3 dB), suburban (C_m = 0 dB), rural (open area)";
    }
    std::string_view reference() const noexcept override {
        return "COST 231 Final Report (1999) §4.4.1; Hata (1980) open-area correction";
    }
    ValidityRange validity() const noexcept override {
        return {{1500.0, 2000.0}, {1000.0, 20000.0}, {30.0, 200.0}, {1.0, 10.0}};
    }
    bool uses_environment() const noexcept override { return true; }
    bool includes_clutter() const noexcept override { return true; }
    double shadow_fading_sigma_db(const Link& /*link*/) const noexcept override {
        return variability::cost231_hata_sigma_db;
    }
    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l) || l.distance_m <= 0.0) {
            return nan;
        }
        return cost231::hata_loss_db(l.frequency_mhz, l.tx_height_m, l.rx_height_m,
                                     l.distance_m / 1000.0, l.environment);
    }
    // The batch form (the coverage kernel's): the same equation with the per-link terms hoisted
    // and log10 of the distance by covsim::fast::log10; within 1e-12 dB of path_loss_db.
    void path_losses_db(const Link& link, std::span<const double> distance_m,
                        std::span<const Environment> environment,
                        std::span<double> loss_db) const noexcept override {
        isa::dispatch(
            [&]() COVSIM_ALWAYS_INLINE { losses_on(link, distance_m, environment, loss_db); });
    }

    COVSIM_ALWAYS_INLINE void losses_on(const Link& link, std::span<const double> distance_m,
                                        std::span<const Environment> environment,
                                        std::span<double> loss_db) const noexcept {
        Link l = link;
        l.distance_m = 1.0;
        if (!sensible(l)) {
            std::fill(loss_db.begin(), loss_db.end(), nan);
            return;
        }
        const double f = l.frequency_mhz;
        const double lhb = std::log10(l.tx_height_m);
        const double base = 46.3 + 33.9 * std::log10(f) - 13.82 * lhb -
                            cost231::mobile_height_correction_db(f, l.rx_height_m);
        const double slope = 44.9 - 6.55 * lhb;
        const double urban = 3.0;                                 // C_m
        const double rural = cost231::open_area_correction_db(f); // C_m = 0
        for (std::size_t i = 0; i < distance_m.size(); ++i) {
            const double d = distance_m[i];
            const Environment e = environment[i];
            const double add = e == Environment::urban   ? urban
                               : e == Environment::rural ? rural
                                                         : 0.0;
            const double loss = base + slope * fast::log10(d / 1000.0) + add;
            loss_db[i] = std::isfinite(d) && d > 0.0 ? loss : nan;
        }
    }
};

// One class for the three TR 38.901 scenarios; they differ only in the formulas used.
class Tr38901Model final : public PropagationModel {
public:
    using Scenario = variability::Tr38901Scenario;

    explicit Tr38901Model(Scenario s) : scenario_(s) {}

    std::string_view name() const noexcept override {
        switch (scenario_) {
        case Scenario::rma:
            return "3gpp-38901-rma";
        case Scenario::uma:
            return "3gpp-38901-uma";
        case Scenario::umi:
            break;
        }
        return "3gpp-38901-umi";
    }
    std::string_view summary() const noexcept override {
        switch (scenario_) {
        case Scenario::rma:
            return "3GPP TR 38.901 Rural Macro (h = 5 m, W = 20 m), LOS/NLOS/probabilistic";
        case Scenario::uma:
            return "3GPP TR 38.901 Urban Macro (h_E = 1 m), LOS/NLOS/probabilistic";
        case Scenario::umi:
            break;
        }
        return "3GPP TR 38.901 Urban Micro Street Canyon, LOS/NLOS/probabilistic";
    }
    std::string_view reference() const noexcept override {
        return "3GPP TR 38.901 V17.0.0 Table 7.4.1-1 (path loss), Table 7.4.2-1 (LOS probability)";
    }
    ValidityRange validity() const noexcept override {
        switch (scenario_) {
        case Scenario::rma:
            return {{500.0, 30000.0}, {10.0, 10000.0}, {10.0, 150.0}, {1.0, 10.0}};
        case Scenario::uma:
            return {{500.0, 100000.0}, {10.0, 5000.0}, {25.0, 25.0}, {1.5, 22.5}};
        case Scenario::umi:
            break;
        }
        return {{500.0, 100000.0}, {10.0, 5000.0}, {10.0, 10.0}, {1.5, 22.5}};
    }
    ValidityRange validity_for(LosCondition los) const noexcept override {
        ValidityRange v = validity();
        if (scenario_ == Scenario::rma && los != LosCondition::los) {
            v.distance_m.max = 5000.0; // PL_RMa-NLOS: 10 m <= d_2D <= 5 km
        }
        return v;
    }
    bool uses_los_condition() const noexcept override { return true; }
    bool includes_clutter() const noexcept override { return true; }
    bool worth_tabulating(const Link& link) const noexcept override {
        return link.los == LosCondition::probabilistic;
    }

    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l)) {
            return nan;
        }
        const double fc_ghz = l.frequency_mhz / 1000.0;
        const double d = l.distance_m;
        const double hb = l.tx_height_m;
        const double hu = l.rx_height_m;
        switch (l.los) {
        case LosCondition::los:
            return los_db(d, hb, hu, fc_ghz);
        case LosCondition::nlos:
            return nlos_db(d, hb, hu, fc_ghz);
        case LosCondition::probabilistic:
            break;
        }
        return mixture_quantile_db(l, 0.5);
    }

    // The batch form (the coverage kernel's): the same equations (tr38901.hpp) with the per-link
    // terms hoisted, one log10 of the 3-D distance per receiver by covsim::fast::log10 and the
    // LOS probability's exponentials by covsim::fast::exp; within 1e-10 dB of path_loss_db
    // (tests/unit/core/test_propagation.cpp). The losses and probabilities are written without
    // calls so that they vectorise; the mixture's median (a 1-D solve per receiver) is not.
    void path_losses_db(const Link& link, std::span<const double> distance_m,
                        std::span<const Environment> /*environment*/,
                        std::span<double> loss_db) const noexcept override {
        isa::dispatch([&]() COVSIM_ALWAYS_INLINE { losses_on(link, distance_m, loss_db); });
    }
    COVSIM_ALWAYS_INLINE void losses_on(const Link& link, std::span<const double> distance_m,
                                        std::span<double> loss_db) const noexcept {
        Link l = link;
        l.distance_m = 1.0;
        if (!sensible(l)) {
            std::fill(loss_db.begin(), loss_db.end(), nan);
            return;
        }
        const double fc = l.frequency_mhz / 1000.0;
        const double hb = l.tx_height_m;
        const double hu = l.rx_height_m;
        const double dh = hb - hu;
        const double lf = std::log10(fc);
        const std::size_t n = distance_m.size();
        const double* d_in = distance_m.data();
        double* out = loss_db.data();
        Chunk chunk;
        switch (scenario_) {
        case Scenario::uma:
        case Scenario::umi: {
            const bool uma = scenario_ == Scenario::uma;
            const double d_bp = tr38901::uma_umi_breakpoint_m(hb, hu, fc);
            const double c1 = uma ? 28.0 : 32.4;
            const double s1 = uma ? 22.0 : 21.0;
            const double far = (uma ? 9.0 : 9.5) * std::log10(d_bp * d_bp + dh * dh);
            const double n0 =
                uma ? 13.54 + 20.0 * lf - 0.6 * (hu - 1.5) : 22.4 + 21.3 * lf - 0.3 * (hu - 1.5);
            const double ns = uma ? 39.08 : 35.3;
            const double lf20 = 20.0 * lf;
            double c_prime = 0.0;
            if (uma && hu > 13.0) {
                c_prime = std::pow((std::min(hu, 23.0) - 13.0) / 10.0, 1.5);
            }
            const double decay = uma ? -1.0 / 63.0 : -1.0 / 36.0;
            auto run = [&](auto with_c_prime_t, std::size_t begin,
                           std::size_t end) COVSIM_ALWAYS_INLINE {
                constexpr bool with_c_prime = decltype(with_c_prime_t)::value;
                for (std::size_t i = begin; i < end; ++i) {
                    const double d = d_in[i];
                    const double lg = fast::log10(std::sqrt(d * d + dh * dh));
                    const double los_near = c1 + s1 * lg + lf20;
                    const double los_far = c1 + 40.0 * lg + lf20 - far;
                    const double los = d <= d_bp ? los_near : los_far;
                    const double nlos_p = n0 + ns * lg;
                    const double nlos = nlos_p > los ? nlos_p : los;
                    const double r = 18.0 / d;
                    const double x = d / 100.0;
                    const double base = r + fast::exp(d * decay) * (1.0 - r);
                    // C'(h_UT) = 0 below 13 m (every area run so far): no second exponential.
                    const double boost = with_c_prime ? 1.0 + c_prime * 1.25 * x * x * x *
                                                                  fast::exp(d * (-1.0 / 150.0))
                                                      : 1.0;
                    // With C' > 0 the TR's expression exceeds 1 just beyond 18 m: capped.
                    const double p = d <= 18.0 ? 1.0 : std::min(base * boost, 1.0);
                    chunk.los_db[i - begin] = los;
                    chunk.nlos_db[i - begin] = nlos;
                    chunk.p_los[i - begin] = p;
                }
            };
            for (std::size_t begin = 0; begin < n; begin += Chunk::size) {
                const std::size_t end = std::min(n, begin + Chunk::size);
                if (c_prime > 0.0) {
                    run(std::true_type{}, begin, end);
                } else {
                    run(std::false_type{}, begin, end);
                }
                const double los_sigma =
                    uma ? variability::uma_los_sigma_db : variability::umi_los_sigma_db;
                combine(
                    l.los, d_in, begin, end, chunk,
                    [&](double) COVSIM_ALWAYS_INLINE { return los_sigma; },
                    uma ? variability::uma_nlos_sigma_db : variability::umi_nlos_sigma_db, out);
            }
            return;
        }
        case Scenario::rma:
            break;
        }
        const double h = tr38901::rma_default_building_height_m;
        const double w = tr38901::rma_default_street_width_m;
        const double h172 = std::pow(h, 1.72);
        const double a = std::min(0.03 * h172, 10.0);
        const double b = std::min(0.044 * h172, 14.77);
        const double c = 0.002 * std::log10(h);
        const double lk = std::log10(40.0 * std::numbers::pi * fc / 3.0);
        const double d_bp = tr38901::rma_breakpoint_m(hb, hu, fc);
        const double log_bp = std::log10(d_bp);
        const double pl1_bp = 20.0 * (log_bp + lk) + a * log_bp - b + c * d_bp;
        const double l_hut = std::log10(11.75 * hu);
        const double n0 = 161.04 - 7.1 * std::log10(w) + 7.5 * std::log10(h) -
                          (24.37 - 3.7 * (h / hb) * (h / hb)) * std::log10(hb);
        const double ns = 43.42 - 3.1 * std::log10(hb);
        const double n1 = 20.0 * lf - (3.2 * l_hut * l_hut - 4.97);
        auto run = [&](std::size_t begin, std::size_t end) COVSIM_ALWAYS_INLINE {
            for (std::size_t i = begin; i < end; ++i) {
                const double d = d_in[i];
                const double d3 = std::sqrt(d * d + dh * dh);
                const double lg = fast::log10(d3);
                const double los_near = 20.0 * (lg + lk) + a * lg - b + c * d3;
                const double los_far = pl1_bp + 40.0 * (lg - log_bp);
                const double los = d <= d_bp ? los_near : los_far;
                const double nlos_p = n0 + ns * (lg - 3.0) + n1;
                const double nlos = nlos_p > los ? nlos_p : los;
                const double p = d <= 10.0 ? 1.0 : fast::exp((d - 10.0) * (-1.0 / 1000.0));
                chunk.los_db[i - begin] = los;
                chunk.nlos_db[i - begin] = nlos;
                chunk.p_los[i - begin] = p;
            }
        };
        for (std::size_t begin = 0; begin < n; begin += Chunk::size) {
            const std::size_t end = std::min(n, begin + Chunk::size);
            run(begin, end);
            combine(
                l.los, d_in, begin, end, chunk,
                [&](double d) COVSIM_ALWAYS_INLINE {
                    return d <= d_bp ? variability::rma_los_sigma_pl1_db
                                     : variability::rma_los_sigma_pl2_db;
                },
                variability::rma_nlos_sigma_db, out);
        }
    }
    double shadow_fading_sigma_db(const Link& l) const noexcept override {
        if (!sensible(l)) {
            return 0.0;
        }
        const double fc = l.frequency_mhz / 1000.0;
        const double d = l.distance_m;
        const double hb = l.tx_height_m;
        const double hu = l.rx_height_m;
        const Scenario scenario = scenario_;
        if (l.los != LosCondition::probabilistic) {
            return variability::tr38901_sigma_db(scenario, l.los, d, hb, hu, fc);
        }
        return variability::probabilistic_sigma_db(
            std::min(los_probability(d, hu), 1.0),
            variability::tr38901_sigma_db(scenario, LosCondition::los, d, hb, hu, fc),
            variability::tr38901_sigma_db(scenario, LosCondition::nlos, d, hb, hu, fc),
            los_db(d, hb, hu, fc), nlos_db(d, hb, hu, fc));
    }

    double location_margin_db(const Link& l, double location_probability) const noexcept override {
        if (l.los != LosCondition::probabilistic || !sensible(l)) {
            return PropagationModel::location_margin_db(l, location_probability);
        }
        return mixture_quantile_db(l, location_probability) - mixture_quantile_db(l, 0.5);
    }

private:
    // The batch form's receivers in chunks: their LOS and NLOS losses and LOS probabilities
    // (vectorised), then the loss the layer's LOS condition asks for (combine).
    struct Chunk {
        static constexpr std::size_t size = 256;
        std::array<double, size> los_db;
        std::array<double, size> nlos_db;
        std::array<double, size> p_los;
        std::array<double, size> los_sigma_db; // of the mixture
        std::array<double, size> mixture_db;
    };

    // out[begin, end): L_LOS, L_NLOS, or the median of their mixture (the batch form of
    // variability::los_mixture_quantile_db: the scalar form's bits). NaN for a distance that is
    // not finite and non-negative.
    template <typename LosSigma>
    COVSIM_ALWAYS_INLINE static void
    combine(LosCondition los, const double* d_in, std::size_t begin, std::size_t end, Chunk& chunk,
            LosSigma los_sigma_db, double nlos_sigma_db, double* out) noexcept {
        const std::size_t n = end - begin;
        const double* selected =
            los == LosCondition::los ? chunk.los_db.data() : chunk.nlos_db.data();
        if (los == LosCondition::probabilistic) {
            for (std::size_t k = 0; k < n; ++k) {
                chunk.los_sigma_db[k] = los_sigma_db(d_in[begin + k]);
            }
            variability::los_mixture_quantiles_db<Chunk::size>(
                n, chunk.p_los.data(), chunk.los_db.data(), chunk.los_sigma_db.data(),
                chunk.nlos_db.data(), nlos_sigma_db, 0.5, chunk.mixture_db.data());
            selected = chunk.mixture_db.data();
        }
        for (std::size_t k = 0; k < n; ++k) {
            const double d = d_in[begin + k];
            out[begin + k] = std::isfinite(d) && d >= 0.0 ? selected[k] : nan;
        }
    }

    // The loss of a probabilistic-LOS link not exceeded at a fraction q of locations.
    double mixture_quantile_db(const Link& l, double q) const noexcept {
        const double fc = l.frequency_mhz / 1000.0;
        const double d = l.distance_m;
        const double hb = l.tx_height_m;
        const double hu = l.rx_height_m;
        return variability::los_mixture_quantile_db(
            std::min(los_probability(d, hu), 1.0), los_db(d, hb, hu, fc),
            variability::tr38901_sigma_db(scenario_, LosCondition::los, d, hb, hu, fc),
            nlos_db(d, hb, hu, fc),
            variability::tr38901_sigma_db(scenario_, LosCondition::nlos, d, hb, hu, fc), q);
    }

    double los_db(double d, double hb, double hu, double fc) const noexcept {
        switch (scenario_) {
        case Scenario::rma:
            return tr38901::rma_los_db(d, hb, hu, fc);
        case Scenario::uma:
            return tr38901::uma_los_db(d, hb, hu, fc);
        case Scenario::umi:
            break;
        }
        return tr38901::umi_los_db(d, hb, hu, fc);
    }
    double nlos_db(double d, double hb, double hu, double fc) const noexcept {
        switch (scenario_) {
        case Scenario::rma:
            return tr38901::rma_nlos_db(d, hb, hu, fc);
        case Scenario::uma:
            return tr38901::uma_nlos_db(d, hb, hu, fc);
        case Scenario::umi:
            break;
        }
        return tr38901::umi_nlos_db(d, hb, hu, fc);
    }
    double los_probability(double d, double hu) const noexcept {
        switch (scenario_) {
        case Scenario::rma:
            return tr38901::rma_los_probability(d);
        case Scenario::uma:
            return tr38901::uma_los_probability(d, hu);
        case Scenario::umi:
            break;
        }
        return tr38901::umi_los_probability(d);
    }

    Scenario scenario_;
};

// NTIA ITM point to point over the link's terrain profile (core/propagation/itm.hpp). Its
// location variability is its own (PathParameters::location_percent): no shadow margin on top.
class ItmModel final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "itm"; }
    std::string_view summary() const noexcept override {
        return "NTIA Irregular Terrain Model (Longley-Rice) point to point, over the terrain";
    }
    std::string_view reference() const noexcept override {
        return "Hufford (1995), ITM 1.2.2 algorithm; NTIA ITM 1.4";
    }
    ValidityRange validity() const noexcept override {
        return {{20.0, 20000.0}, {1000.0, 2000000.0}, {0.5, 3000.0}, {0.5, 3000.0}};
    }
    bool needs_profile() const noexcept override { return true; }
    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l) || l.profile == nullptr || l.profile->intervals() == 0) {
            return nan;
        }
        itm::ItmParameters p;
        if (!itm_parameters_for(l, p)) {
            return nan;
        }
        const itm::ItmResult r = itm::point_to_point(*l.profile, p);
        return r.ok() ? r.loss_db : nan;
    }
};

// Free-space loss plus the delta-Bullington diffraction loss of ITU-R P.526-15 §4.5 over the
// link's terrain profile (core/propagation/p526.hpp), on the 4/3 Earth.
class P526Model final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "p526"; }
    std::string_view summary() const noexcept override {
        return "Free space + ITU-R P.526 delta-Bullington diffraction over the terrain";
    }
    std::string_view reference() const noexcept override {
        return "ITU-R P.525-4 §2.2; ITU-R P.526-15 (2019) §4.5";
    }
    ValidityRange validity() const noexcept override {
        return {{30.0, 50000.0}, {10.0, 200000.0}, {0.5, 3000.0}, {0.5, 3000.0}};
    }
    bool needs_profile() const noexcept override { return true; }
    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l) || l.profile == nullptr || l.profile->intervals() == 0) {
            return nan;
        }
        const auto& z = l.profile->elevation_m;
        const double dh = (z.front() + l.tx_height_m) - (z.back() + l.rx_height_m);
        const double d3d = std::sqrt(l.distance_m * l.distance_m + dh * dh);
        return p525::free_space_loss_db(d3d, l.frequency_mhz) +
               p526::delta_bullington_loss_db(*l.profile, l.tx_height_m, l.rx_height_m,
                                              l.frequency_mhz);
    }
};

// ITU-R P.1812-6 over the link's terrain profile (core/propagation/p1812.hpp), at the path's
// time and location percentages. Its location variability is its own (§4.8, σ_L for a receiver
// among clutter of the receiver point's height, over squares of location_area_width_m):
// no shadow margin on top. Profile points without a clutter height or zone take the path's.
class P1812Model final : public PropagationModel {
public:
    std::string_view name() const noexcept override { return "p1812"; }
    std::string_view summary() const noexcept override {
        return "ITU-R P.1812 point-to-area over the terrain: diffraction, troposcatter, ducting, "
               "clutter heights, time and location percentages";
    }
    std::string_view reference() const noexcept override {
        return "ITU-R P.1812-6 (09/2021) Annex 1 (= P.1812-7 on the WP 3K validation set)";
    }
    ValidityRange validity() const noexcept override {
        return {{30.0, 6000.0}, {250.0, 3000000.0}, {1.0, 3000.0}, {1.0, 3000.0}};
    }
    bool needs_profile() const noexcept override { return true; }
    std::vector<std::string> path_parameter_problems(const PathParameters& path) const override {
        std::vector<std::string> problems;
        if (!(path.time_percent >= p1812::min_time_percent &&
              path.time_percent <= p1812::max_time_percent)) {
            problems.push_back(fmt::format("model \"p1812\" needs time_percent in [{:g}, {:g}] %, "
                                           "got {:g}",
                                           p1812::min_time_percent, p1812::max_time_percent,
                                           path.time_percent));
        }
        return problems;
    }
    double path_loss_db(const Link& l) const noexcept override {
        if (!sensible(l) || l.profile == nullptr || l.profile->intervals() < 2) {
            return nan;
        }
        const TerrainProfile& t = *l.profile;
        const std::size_t n = t.elevation_m.size();
        if ((!t.clutter_height_m.empty() && t.clutter_height_m.size() != n) ||
            (!t.zone.empty() && t.zone.size() != n)) {
            return nan;
        }
        // Per-thread buffers: the coverage kernel calls this once per pixel.
        thread_local std::vector<double> distance_km;
        thread_local std::vector<double> clutter_m;
        thread_local std::vector<p1812::Zone> zone;
        distance_km.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            distance_km[i] = t.distance_m(i) / 1000.0;
        }
        if (t.clutter_height_m.empty()) {
            clutter_m.assign(n, l.path.clutter_height_m);
        } else {
            clutter_m.assign(t.clutter_height_m.begin(), t.clutter_height_m.end());
        }
        zone.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            zone[i] =
                t.zone.empty() ? l.path.radio_climatic_zone : static_cast<p1812::Zone>(t.zone[i]);
        }
        p1812::Parameters q;
        q.frequency_ghz = l.frequency_mhz / 1000.0;
        q.time_percent = l.path.time_percent;
        q.location_percent = l.path.location_percent;
        q.location_sigma_db = p1812::location_variability_sigma_db(
            q.frequency_ghz, l.rx_height_m, clutter_m.back(), l.path.location_area_width_m);
        q.tx_height_m = l.tx_height_m;
        q.rx_height_m = l.rx_height_m;
        q.polarization = l.path.vertical_polarization ? p1812::Polarization::vertical
                                                      : p1812::Polarization::horizontal;
        q.path_centre_latitude_deg = l.path.path_centre_latitude_deg;
        q.delta_n_per_km = l.path.delta_n_per_km;
        q.sea_level_refractivity = l.path.sea_level_refractivity_n_units;
        return p1812::basic_transmission_loss_db({distance_km, t.elevation_m, clutter_m, zone}, q);
    }
};

} // namespace

bool itm_parameters_for(const Link& l, itm::ItmParameters& p) noexcept {
    p.tx_height_m = l.tx_height_m;
    p.rx_height_m = l.rx_height_m;
    p.frequency_mhz = l.frequency_mhz;
    p.polarization =
        l.path.vertical_polarization ? itm::Polarization::vertical : itm::Polarization::horizontal;
    p.ground_relative_permittivity = l.path.ground_relative_permittivity;
    p.ground_conductivity_s_per_m = l.path.ground_conductivity_s_per_m;
    p.surface_refractivity_n_units = l.path.surface_refractivity_n_units;
    p.climate = l.path.climate;
    if (!itm::apply_mdvar(l.path.variability_mode, p)) {
        return false;
    }
    p.time_percent = l.path.time_percent;
    p.location_percent = l.path.location_percent;
    p.situation_percent = l.path.situation_percent;
    return true;
}

void register_builtin_models(ModelRegistry& registry) {
    registry.add(std::make_unique<FreeSpaceModel>());
    registry.add(std::make_unique<Cost231HataModel>());
    registry.add(std::make_unique<Tr38901Model>(Tr38901Model::Scenario::rma));
    registry.add(std::make_unique<Tr38901Model>(Tr38901Model::Scenario::uma));
    registry.add(std::make_unique<Tr38901Model>(Tr38901Model::Scenario::umi));
    registry.add(std::make_unique<ItmModel>());
    registry.add(std::make_unique<P526Model>());
    registry.add(std::make_unique<P1812Model>());
}

} // namespace covsim
