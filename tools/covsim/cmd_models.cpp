// covsim models: the registered propagation models and their validity ranges.

#include "commands.hpp"
#include "core/propagation/registry.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace covsim::cli {

namespace {

nlohmann::json range_json(const Range& r) {
    return {{"min", r.min}, {"max", r.max}};
}

int run_models(bool json) {
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : model_registry().models()) {
            const ValidityRange v = m->validity();
            out.push_back({{"name", m->name()},
                           {"summary", m->summary()},
                           {"reference", m->reference()},
                           {"frequency_mhz", range_json(v.frequency_mhz)},
                           {"distance_m", range_json(v.distance_m)},
                           {"tx_height_m", range_json(v.tx_height_m)},
                           {"rx_height_m", range_json(v.rx_height_m)},
                           {"uses_environment", m->uses_environment()},
                           {"uses_los_condition", m->uses_los_condition()},
                           {"needs_profile", m->needs_profile()}});
        }
        std::cout << out.dump(2) << '\n';
        return 0;
    }
    for (const auto& m : model_registry().models()) {
        const ValidityRange v = m->validity();
        std::cout << fmt::format("{}\n  {}\n  source: {}\n", m->name(), m->summary(),
                                 m->reference());
        std::cout << fmt::format("  valid: frequency {:g}-{:g} MHz, distance {:g}-{:g} m, "
                                 "tx height {:g}-{:g} m, rx height {:g}-{:g} m\n",
                                 v.frequency_mhz.min, v.frequency_mhz.max, v.distance_m.min,
                                 v.distance_m.max, v.tx_height_m.min, v.tx_height_m.max,
                                 v.rx_height_m.min, v.rx_height_m.max);
        if (m->needs_profile()) {
            std::cout << "  needs a terrain profile: a scenario DEM ([study_area] dem), or "
                         "`covsim link --profile`\n";
        }
        std::cout << '\n';
    }
    return 0;
}

} // namespace

void add_models_command(CLI::App& app, Context& ctx) {
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("models", "List the propagation models");
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([&ctx, json] { ctx.action = [json] { return run_models(*json); }; });
}

} // namespace covsim::cli
