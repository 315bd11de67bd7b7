// covsim link: one point-to-point path-loss evaluation.

#include "commands.hpp"
#include "core/error.hpp"
#include "core/propagation/registry.hpp"
#include "io/suggest.hpp"

#include <cmath>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace covsim::cli {

namespace {

struct LinkOptions {
    std::string model;
    double frequency_mhz = std::nan("");
    double distance_m = std::nan("");
    double tx_height_m = std::nan("");
    double rx_height_m = std::nan("");
    bool los = false;
    bool nlos = false;
    std::string environment = "urban";
    bool json = false;
};

// Rejects NaN, infinity and values below `min` (or equal to it when `strict`).
void require(double v, const char* option, double min, bool strict, const char* expected) {
    if (!std::isfinite(v) || v < min || (strict && v == min)) {
        throw Error(ErrorCode::usage, fmt::format("{} must be {}, got {}", option, expected, v));
    }
}

int run_link(const LinkOptions& o) {
    const PropagationModel* model = model_registry().find(o.model);
    if (model == nullptr) {
        throw Error(ErrorCode::usage,
                    fmt::format("--model: unknown propagation model '{}'{}; `covsim models` "
                                "lists them",
                                o.model, io::did_you_mean(o.model, model_registry().names())));
    }
    require(o.frequency_mhz, "--frequency-mhz", 0.0, true, "a frequency > 0 MHz");
    require(o.distance_m, "--distance-m", 0.0, false, "a distance >= 0 m");
    require(o.tx_height_m, "--tx-height-m", 0.0, true, "a height > 0 m");
    require(o.rx_height_m, "--rx-height-m", 0.0, true, "a height > 0 m");
    const auto env = parse_environment(o.environment);
    if (!env) {
        throw Error(
            ErrorCode::usage,
            fmt::format("--environment must be urban, suburban or rural, got '{}'", o.environment));
    }

    Link link;
    link.frequency_mhz = o.frequency_mhz;
    link.distance_m = o.distance_m;
    link.tx_height_m = o.tx_height_m;
    link.rx_height_m = o.rx_height_m;
    link.environment = *env;
    link.los = o.los    ? LosCondition::los
               : o.nlos ? LosCondition::nlos
                        : LosCondition::probabilistic;

    const std::vector<std::string> warnings = validity_warnings(*model, link);
    for (const auto& w : warnings) {
        std::cerr << "covsim: warning: " << w << "; evaluated anyway\n";
    }
    const double loss = model->path_loss_db(link);
    if (!std::isfinite(loss)) {
        throw Error(ErrorCode::usage, fmt::format("{} is not defined for this link (distance {} m)",
                                                  model->name(), o.distance_m));
    }
    const double dh = link.tx_height_m - link.rx_height_m;
    const double d3d = std::sqrt(link.distance_m * link.distance_m + dh * dh);

    if (o.json) {
        nlohmann::json j;
        j["model"] = model->name();
        j["path_loss_db"] = loss;
        j["frequency_mhz"] = link.frequency_mhz;
        j["distance_m"] = link.distance_m;
        j["distance_3d_m"] = d3d;
        j["tx_height_m"] = link.tx_height_m;
        j["rx_height_m"] = link.rx_height_m;
        if (model->uses_environment()) {
            j["environment"] = to_string(link.environment);
        }
        if (model->uses_los_condition()) {
            j["los"] = to_string(link.los);
        }
        j["warnings"] = warnings;
        j["reference"] = model->reference();
        std::cout << j.dump() << '\n';
        return 0;
    }
    std::cout << fmt::format("model          {}\n", model->name());
    std::cout << fmt::format("reference      {}\n", model->reference());
    std::cout << fmt::format("frequency_mhz  {:g}\n", link.frequency_mhz);
    std::cout << fmt::format("distance_m     {:g} (3-D {:.2f})\n", link.distance_m, d3d);
    std::cout << fmt::format("heights_m      tx {:g}, rx {:g}\n", link.tx_height_m,
                             link.rx_height_m);
    if (model->uses_environment()) {
        std::cout << fmt::format("environment    {}\n", to_string(link.environment));
    }
    if (model->uses_los_condition()) {
        std::cout << fmt::format("los            {}\n", to_string(link.los));
    }
    std::cout << fmt::format("path_loss_db   {:.2f}\n", loss);
    return 0;
}

} // namespace

void add_link_command(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<LinkOptions>();
    CLI::App* cmd = app.add_subcommand("link", "Evaluate one propagation model on one link");
    cmd->add_option("--model", o->model, "Propagation model (see `covsim models`)")->required();
    cmd->add_option("--frequency-mhz", o->frequency_mhz, "Carrier frequency, MHz")->required();
    cmd->add_option("--distance-m", o->distance_m, "Horizontal (2-D) distance, m")->required();
    cmd->add_option("--tx-height-m", o->tx_height_m, "Transmitter height above ground, m")
        ->required();
    cmd->add_option("--rx-height-m", o->rx_height_m, "Receiver height above ground, m")->required();
    auto* los = cmd->add_flag("--los", o->los, "Line of sight (models with LOS/NLOS variants)");
    auto* nlos = cmd->add_flag("--nlos", o->nlos, "Non line of sight");
    los->excludes(nlos);
    cmd->add_option("--environment", o->environment,
                    "Receiver environment for COST-231 Hata: urban, suburban, rural")
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "Print one JSON object");
    cmd->callback([&ctx, o] { ctx.action = [o] { return run_link(*o); }; });
}

} // namespace covsim::cli
