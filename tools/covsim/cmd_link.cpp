// covsim link: one point-to-point path-loss evaluation.

#include "commands.hpp"
#include "core/error.hpp"
#include "core/propagation/itm.hpp"
#include "core/propagation/link_evaluation.hpp"
#include "core/propagation/p1812.hpp"
#include "core/propagation/registry.hpp"
#include "io/profile_file.hpp"
#include "io/suggest.hpp"

#include <cmath>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

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
    std::string profile;
    PathParameters path;
    std::string climate;
    std::string polarization = "vertical";
    std::string zone = "inland";
};

itm::Climate climate(const std::string& name) {
    const std::optional<itm::Climate> c = itm::parse_climate(name);
    if (!c) {
        throw Error(ErrorCode::usage, fmt::format("--climate must be one of {}, got '{}'",
                                                  fmt::join(itm::climate_names, ", "), name));
    }
    return *c;
}

// Rejects NaN, infinity and values below `min` (or equal to it when `strict`).
void require(double v, const char* option, double min, bool strict, const char* expected) {
    if (!std::isfinite(v) || v < min || (strict && v == min)) {
        throw Error(ErrorCode::usage, fmt::format("{} must be {}, got {}", option, expected, v));
    }
}

// The link the options describe, over `profile` when --profile names one (read into it). The
// first option with a bad value is the error.
Link link_from_options(const LinkOptions& o, const PropagationModel& model,
                       std::optional<TerrainProfile>& profile) {
    if (!(o.frequency_mhz >= 150.0 && o.frequency_mhz <= 100000.0)) { // as a layer's (and NaN)
        throw Error(
            ErrorCode::usage,
            fmt::format("--frequency-mhz must be in [150, 100000] MHz, got {}", o.frequency_mhz));
    }
    if (!o.profile.empty()) {
        profile = io::read_profile(o.profile);
    } else if (model.needs_profile()) {
        throw Error(ErrorCode::usage, fmt::format("--model {} needs a terrain profile: give "
                                                  "--profile FILE",
                                                  model.name()));
    }
    if (std::isnan(o.distance_m) && !profile) {
        throw Error(ErrorCode::usage, "--distance-m is required (or --profile)");
    }
    // With a profile, the distance is the profile's length unless given.
    const double distance_m =
        std::isnan(o.distance_m) && profile ? profile->length_m() : o.distance_m;
    require(distance_m, "--distance-m", 0.0, false, "a distance >= 0 m");
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
    link.distance_m = distance_m;
    link.tx_height_m = o.tx_height_m;
    link.rx_height_m = o.rx_height_m;
    link.environment = *env;
    link.los = o.los    ? LosCondition::los
               : o.nlos ? LosCondition::nlos
                        : LosCondition::probabilistic;
    link.path = o.path;
    if (!o.climate.empty()) {
        link.path.climate = climate(o.climate);
    }
    if (o.polarization != "vertical" && o.polarization != "horizontal") {
        throw Error(
            ErrorCode::usage,
            fmt::format("--polarization must be vertical or horizontal, got '{}'", o.polarization));
    }
    link.path.vertical_polarization = o.polarization == "vertical";
    const auto zone = p1812::parse_zone(o.zone);
    if (!zone) {
        throw Error(ErrorCode::usage,
                    fmt::format("--zone must be inland, coastal_land or sea, got '{}'", o.zone));
    }
    link.path.radio_climatic_zone = *zone;
    for (const std::string& problem : model.path_parameter_problems(link.path)) {
        throw Error(ErrorCode::usage, problem);
    }
    if (profile) {
        link.profile = &*profile;
    }
    return link;
}

void print_json(const PropagationModel& model, const Link& link, const LinkEvaluation& e) {
    nlohmann::json j;
    j["model"] = model.name();
    j["path_loss_db"] = e.path_loss_db;
    j["frequency_mhz"] = link.frequency_mhz;
    j["distance_m"] = link.distance_m;
    j["distance_3d_m"] = e.distance_3d_m;
    j["tx_height_m"] = link.tx_height_m;
    j["rx_height_m"] = link.rx_height_m;
    if (model.uses_environment()) {
        j["environment"] = to_string(link.environment);
    }
    if (model.uses_los_condition()) {
        j["los"] = to_string(link.los);
    }
    if (e.terrain_correction_db) {
        j["terrain_correction_db"] = *e.terrain_correction_db;
    }
    if (e.line_of_sight) {
        j["line_of_sight"] = *e.line_of_sight;
    }
    j["warnings"] = e.warnings;
    j["reference"] = model.reference();
    std::cout << j.dump() << '\n';
}

void print_text(const PropagationModel& model, const Link& link, const LinkEvaluation& e) {
    std::cout << fmt::format("model          {}\n", model.name());
    std::cout << fmt::format("reference      {}\n", model.reference());
    std::cout << fmt::format("frequency_mhz  {:g}\n", link.frequency_mhz);
    std::cout << fmt::format("distance_m     {:g} (3-D {:.2f})\n", link.distance_m,
                             e.distance_3d_m);
    std::cout << fmt::format("heights_m      tx {:g}, rx {:g}\n", link.tx_height_m,
                             link.rx_height_m);
    if (model.uses_environment()) {
        std::cout << fmt::format("environment    {}\n", to_string(link.environment));
    }
    if (model.uses_los_condition()) {
        std::cout << fmt::format("los            {}\n", to_string(link.los));
    }
    if (e.line_of_sight) {
        std::cout << fmt::format("line_of_sight  {}\n", *e.line_of_sight ? "yes" : "no");
    }
    if (e.terrain_correction_db) {
        std::cout << fmt::format("terrain_db     {:.2f} (P.526 terrain excess, included below)\n",
                                 *e.terrain_correction_db);
    }
    std::cout << fmt::format("path_loss_db   {:.2f}\n", e.path_loss_db);
}

int run_link(const LinkOptions& o) {
    const PropagationModel* model = model_registry().find(o.model);
    if (model == nullptr) {
        throw Error(ErrorCode::usage,
                    fmt::format("--model: unknown propagation model '{}'{}; `covsim models` "
                                "lists them",
                                o.model, io::did_you_mean(o.model, model_registry().names())));
    }
    std::optional<TerrainProfile> profile;
    const Link link = link_from_options(o, *model, profile);
    const LinkEvaluation e = evaluate_link(*model, link);
    for (const auto& w : e.warnings) {
        std::cerr << "covsim: warning: " << w << "; evaluated anyway\n";
    }
    if (!std::isfinite(e.path_loss_db)) {
        throw Error(ErrorCode::usage, fmt::format("{} is not defined for this link (distance {} m)",
                                                  model->name(), link.distance_m));
    }
    if (o.json) {
        print_json(*model, link, e);
    } else {
        print_text(*model, link, e);
    }
    return 0;
}

} // namespace

void add_link_command(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<LinkOptions>();
    CLI::App* cmd = app.add_subcommand("link", "Evaluate one propagation model on one link");
    cmd->add_option("--model", o->model, "Propagation model (see `covsim models`)")->required();
    cmd->add_option("--frequency-mhz", o->frequency_mhz, "Carrier frequency, MHz")->required();
    cmd->add_option("--distance-m", o->distance_m,
                    "Horizontal (2-D) distance, m (default with --profile: its length)");
    cmd->add_option("--tx-height-m", o->tx_height_m, "Transmitter height above ground, m")
        ->required();
    cmd->add_option("--rx-height-m", o->rx_height_m, "Receiver height above ground, m")->required();
    auto* los = cmd->add_flag("--los", o->los, "Line of sight (models with LOS/NLOS variants)");
    auto* nlos = cmd->add_flag("--nlos", o->nlos, "Non line of sight");
    los->excludes(nlos);
    cmd->add_option("--environment", o->environment,
                    "Receiver environment for COST-231 Hata: urban, suburban, rural")
        ->capture_default_str();
    cmd->add_option("--profile", o->profile,
                    "Terrain profile: ITM pfl layout or distance,elevation CSV (docs/terrain.md)");
    cmd->add_option("--climate", o->climate, "ITM radio climate, e.g. maritime_subtropical");
    cmd->add_option("--n0", o->path.surface_refractivity_n_units,
                    "ITM surface refractivity N_0, N-units")
        ->capture_default_str();
    cmd->add_option("--permittivity", o->path.ground_relative_permittivity,
                    "Ground relative permittivity")
        ->capture_default_str();
    cmd->add_option("--conductivity", o->path.ground_conductivity_s_per_m,
                    "Ground conductivity, S/m")
        ->capture_default_str();
    cmd->add_option("--polarization", o->polarization, "vertical or horizontal")
        ->capture_default_str();
    cmd->add_option("--time-percent", o->path.time_percent, "ITM time percentage")
        ->capture_default_str();
    cmd->add_option("--location-percent", o->path.location_percent, "ITM location percentage")
        ->capture_default_str();
    cmd->add_option("--situation-percent", o->path.situation_percent, "ITM situation percentage")
        ->capture_default_str();
    cmd->add_option("--variability-mode", o->path.variability_mode,
                    "ITM mdvar: 0 single message, 1 accidental, 2 mobile, 3 broadcast (+10, +20)")
        ->capture_default_str();
    // ITU-R P.1812's path inputs (docs/models/p1812.md); --time-percent, --location-percent and
    // --polarization above are shared with ITM.
    cmd->add_option("--delta-n", o->path.delta_n_per_km,
                    "P.1812 refractivity lapse rate ΔN at the path centre, N-units/km")
        ->capture_default_str();
    cmd->add_option("--sea-level-n0", o->path.sea_level_refractivity_n_units,
                    "P.1812 sea-level surface refractivity N0 at the path centre, N-units")
        ->capture_default_str();
    cmd->add_option("--latitude-deg", o->path.path_centre_latitude_deg,
                    "P.1812 latitude of the path centre, degrees")
        ->capture_default_str();
    cmd->add_option("--clutter-height-m", o->path.clutter_height_m,
                    "P.1812 clutter height of profile points without one, m")
        ->capture_default_str();
    cmd->add_option("--zone", o->zone,
                    "P.1812 radio-climatic zone of profile points without one: inland, "
                    "coastal_land, sea")
        ->capture_default_str();
    cmd->add_option("--location-area-width-m", o->path.location_area_width_m,
                    "P.1812 width of the area its location variability is for, m")
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "Print one JSON object");
    cmd->callback([&ctx, o] { ctx.action = [o] { return run_link(*o); }; });
}

} // namespace covsim::cli
