#include "core/propagation/model.hpp"

#include "core/names.hpp"
#include "core/propagation/location_variability.hpp"

#include <array>
#include <fmt/format.h>

namespace covsim {

namespace {
constexpr std::array<std::string_view, 3> environment_names = {"urban", "suburban", "rural"};
constexpr std::array<std::string_view, 3> los_names = {"los", "nlos", "probabilistic"};
} // namespace

std::optional<Environment> parse_environment(std::string_view text) noexcept {
    return parse_name<Environment>(environment_names, text);
}

std::string_view to_string(Environment e) noexcept {
    return environment_names[static_cast<std::size_t>(e)];
}

std::optional<LosCondition> parse_los_condition(std::string_view text) noexcept {
    return parse_name<LosCondition>(los_names, text);
}

std::string_view to_string(LosCondition c) noexcept {
    return los_names[static_cast<std::size_t>(c)];
}

double PropagationModel::location_margin_db(const Link& link,
                                            double location_probability) const noexcept {
    return variability::location_margin_db(shadow_fading_sigma_db(link), location_probability);
}

void PropagationModel::path_losses_db(const Link& link, std::span<const double> distance_m,
                                      std::span<const Environment> environment,
                                      std::span<double> loss_db) const noexcept {
    Link l = link;
    for (std::size_t i = 0; i < distance_m.size(); ++i) {
        l.distance_m = distance_m[i];
        l.environment = environment[i];
        loss_db[i] = path_loss_db(l);
    }
}

std::vector<std::string> validity_warnings(const PropagationModel& model, const Link& link) {
    std::vector<std::string> out;
    const ValidityRange v = model.validity_for(link.los);
    auto check = [&](std::string_view key, double value, const Range& r) {
        if (!r.contains(value)) {
            out.push_back(fmt::format("{} = {:g} is outside {}'s validity range [{:g}, {:g}]", key,
                                      value, model.name(), r.min, r.max));
        }
    };
    check("frequency_mhz", link.frequency_mhz, v.frequency_mhz);
    check("distance_m", link.distance_m, v.distance_m);
    check("tx_height_m", link.tx_height_m, v.tx_height_m);
    check("rx_height_m", link.rx_height_m, v.rx_height_m);
    return out;
}

} // namespace covsim
