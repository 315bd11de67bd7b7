#pragma once
// Propagation models: named, registered, with stated validity ranges; pure functions of a link
// returning basic transmission loss in dB. Each model's maths lives in its own file with the
// source and equation numbers; builtin_models.cpp adapts them to this interface.

#include "core/propagation/itm.hpp"
#include "core/propagation/p1812.hpp"
#include "core/propagation/terrain_profile.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace covsim {

// The receiver's surroundings, for models that distinguish them (COST-231 Hata).
enum class Environment : std::uint8_t { urban, suburban, rural };
std::optional<Environment> parse_environment(std::string_view text) noexcept;
std::string_view to_string(Environment e) noexcept;

// Line-of-sight state, for models with LOS and NLOS variants (3GPP TR 38.901).
// probabilistic: the median of the TR's LOS/NLOS mixture (a location is LOS with the TR's LOS
// probability, each condition log-normal with its shadow-fading σ), for area runs (see
// docs/models/3gpp-38901.md).
enum class LosCondition : std::uint8_t { los, nlos, probabilistic };
std::optional<LosCondition> parse_los_condition(std::string_view text) noexcept;
std::string_view to_string(LosCondition c) noexcept;

struct Range {
    double min = 0.0;
    double max = 0.0;
    [[nodiscard]] bool contains(double v) const noexcept { return v >= min && v <= max; }
};

struct ValidityRange {
    Range frequency_mhz;
    Range distance_m; // horizontal (2-D) distance
    Range tx_height_m;
    Range rx_height_m;
};

// The radio climate and ground of a path, for the terrain-aware models: NTIA ITM's inputs, and
// ITU-R P.1812's (docs/models/p1812.md). time_percent, location_percent and the polarization
// are shared.
struct PathParameters {
    itm::Climate climate = itm::Climate::continental_temperate;
    double surface_refractivity_n_units = 301.0; // N_0
    double ground_relative_permittivity = 15.0;
    double ground_conductivity_s_per_m = 0.005;
    bool vertical_polarization = true;
    double time_percent = 50.0;
    double location_percent = 50.0;
    double situation_percent = 50.0;
    int variability_mode = 1; // 0 single message, 1 accidental, 2 mobile, 3 broadcast
    // P.1812 §3.5: ΔN and N0 at the path centre, from the ITU maps DN50 and N050 (defaults: at
    // Hanoi, core/propagation/p1812.hpp), and the latitude of the path centre.
    double delta_n_per_km = p1812::hanoi_delta_n_per_km;
    double sea_level_refractivity_n_units = p1812::hanoi_sea_level_refractivity;
    double path_centre_latitude_deg = p1812::hanoi_latitude_deg;
    // P.1812 §3.2.1, §3.3: the representative clutter height and the radio-climatic zone of
    // every profile point that carries none (TerrainProfile::clutter_height_m, ::zone).
    double clutter_height_m = 0.0;
    p1812::Zone radio_climatic_zone = p1812::Zone::inland;
    // P.1812 §4.8: the width of the square areas its location variability describes (w_a).
    double location_area_width_m = 50.0;
};

struct Link {
    double distance_m = 0.0;  // horizontal (2-D); the model derives the 3-D distance
    double tx_height_m = 0.0; // above ground
    double rx_height_m = 0.0; // above ground
    double frequency_mhz = 0.0;
    Environment environment = Environment::urban;
    LosCondition los = LosCondition::probabilistic;
    // For terrain-aware models: the ground profile from transmitter to receiver (the first
    // sample under the transmitter), and the path's radio climate.
    const TerrainProfile* profile = nullptr;
    PathParameters path{};
};

class PropagationModel {
public:
    virtual ~PropagationModel() = default;

    [[nodiscard]] virtual std::string_view name() const noexcept = 0;
    [[nodiscard]] virtual std::string_view summary() const noexcept = 0;
    [[nodiscard]] virtual std::string_view reference() const noexcept = 0;
    [[nodiscard]] virtual ValidityRange validity() const noexcept = 0;
    // The range for one LOS condition, where the document states different ones (TR 38.901
    // RMa: LOS to 10 km, NLOS to 5 km). Defaults to validity().
    [[nodiscard]] virtual ValidityRange validity_for(LosCondition /*los*/) const noexcept {
        return validity();
    }
    [[nodiscard]] virtual bool uses_environment() const noexcept { return false; }
    [[nodiscard]] virtual bool uses_los_condition() const noexcept { return false; }
    // True when the model's median already contains the loss of the buildings and trees around
    // the terminal: empirical models fitted to measurements among them (COST-231 Hata,
    // TR 38.901). ITU-R P.2108's clutter loss on top counts that loss twice.
    [[nodiscard]] virtual bool includes_clutter() const noexcept { return false; }
    // True when the model needs Link::profile (a terrain-aware model such as ITM); without one
    // it returns NaN.
    [[nodiscard]] virtual bool needs_profile() const noexcept { return false; }

    // What the model cannot evaluate in the path parameters (e.g. a time percentage outside
    // its range), one sentence each; the scenario checker reports them. Defaults to none.
    [[nodiscard]] virtual std::vector<std::string>
    path_parameter_problems(const PathParameters& /*path*/) const {
        return {};
    }

    // Standard deviation of the location variability (shadow fading) around the model's median,
    // dB; 0 when the model has its own location statistics (ITM) or none (free space).
    [[nodiscard]] virtual double shadow_fading_sigma_db(const Link& /*link*/) const noexcept {
        return 0.0;
    }

    // What to add to path_loss_db for the loss not exceeded at a fraction p of locations, dB
    // (negative below 0.5). Defaults to σ Φ⁻¹(p) with σ = shadow_fading_sigma_db (0 without
    // one); TR 38.901's probabilistic LOS gives its mixture's quantile minus its median.
    [[nodiscard]] virtual double location_margin_db(const Link& link,
                                                    double location_probability) const noexcept;

    // Basic transmission loss of one link, dB. Evaluated outside the validity range too (the
    // caller warns); never throws. Non-finite for nonsensical input (negative distance).
    [[nodiscard]] virtual double path_loss_db(const Link& link) const noexcept = 0;

    // True when the batch losses of `link` depend on the distance alone (not the environment)
    // and cost more than interpolating a table of them: the coverage kernel then tabulates them
    // (core/propagation/loss_table.hpp). TR 38.901 with probabilistic LOS, whose mixture's
    // median is a 1-D solve per receiver. Defaults to false.
    [[nodiscard]] virtual bool worth_tabulating(const Link& /*link*/) const noexcept {
        return false;
    }

    // Losses for many receivers of one transmitter: distance_m[i] and environment[i] replace
    // link.distance_m and link.environment. The default calls the scalar form.
    virtual void path_losses_db(const Link& link, std::span<const double> distance_m,
                                std::span<const Environment> environment,
                                std::span<double> loss_db) const noexcept;
};

// One line per parameter of the link outside the model's validity range, e.g.
// "frequency_mhz = 3500 is outside cost231-hata's validity range [1500, 2000]".
std::vector<std::string> validity_warnings(const PropagationModel& model, const Link& link);

} // namespace covsim
