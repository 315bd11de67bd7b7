// covsim antenna export: write the parametric 3GPP pattern as an MSI/Planet file.
// covsim antenna show: print an antenna file's header and the gains its table gives.

#include "commands.hpp"
#include "core/antenna.hpp"
#include "core/error.hpp"
#include "io/antenna_file.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace covsim::cli {

namespace {

struct ExportOptions {
    double horizontal_beamwidth_deg = std::nan("");
    double vertical_beamwidth_deg = std::nan("");
    double gain_dbi = std::nan("");
    double max_attenuation_db = std::nan("");
    double side_lobe_level_db = std::nan("");
    double frequency_mhz = std::nan("");
    std::string name;
    std::string out;
};

struct ShowOptions {
    std::string file;
    bool json = false;
};

// The ranges of the scenario's [layers.antenna] keys (docs/antennas.md).
void require_in(double v, const char* option, double min, double max, const char* unit) {
    if (!std::isfinite(v) || v < min || v > max) {
        throw Error(ErrorCode::usage, fmt::format("{} must be in [{:g}, {:g}] {}, got {}", option,
                                                  min, max, unit, v));
    }
}

int run_export(const ExportOptions& o) {
    require_in(o.horizontal_beamwidth_deg, "--horizontal-beamwidth-deg", 1.0, 360.0, "degrees");
    require_in(o.vertical_beamwidth_deg, "--vertical-beamwidth-deg", 1.0, 180.0, "degrees");
    require_in(o.gain_dbi, "--gain-dbi", -10.0, 40.0, "dBi");
    require_in(o.max_attenuation_db, "--max-attenuation-db", 0.0, 80.0, "dB");
    require_in(o.side_lobe_level_db, "--side-lobe-level-db", 0.0, 80.0, "dB");
    const bool has_frequency = !std::isnan(o.frequency_mhz);
    if (has_frequency) {
        require_in(o.frequency_mhz, "--frequency-mhz", 150.0, 100000.0, "MHz");
    }
    const std::filesystem::path out(o.out);
    std::string ext = out.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".msi" && ext != ".pln") {
        throw Error(ErrorCode::usage,
                    fmt::format("output '{}': unknown extension '{}', expected .msi or .pln", o.out,
                                out.extension().string()));
    }

    AntennaPattern p;
    p.horizontal_beamwidth_deg = o.horizontal_beamwidth_deg;
    p.vertical_beamwidth_deg = o.vertical_beamwidth_deg;
    p.gain_dbi = o.gain_dbi;
    p.max_attenuation_db = o.max_attenuation_db;
    p.side_lobe_level_db = o.side_lobe_level_db;

    io::AntennaFileMetadata m;
    m.name = o.name.empty() ? out.stem().string() : o.name;
    m.make = "covsim";
    if (has_frequency) {
        m.frequency_mhz = o.frequency_mhz;
    }
    m.horizontal_beamwidth_deg = o.horizontal_beamwidth_deg;
    m.vertical_beamwidth_deg = o.vertical_beamwidth_deg;
    m.front_to_back_db = o.max_attenuation_db;
    m.tilt = "ELECTRICAL";
    m.electrical_tilt_deg = 0.0;
    m.comment = fmt::format("3GPP TR 38.901 Table 7.3-1 parametric pattern: phi_3dB {:g} deg, "
                            "theta_3dB {:g} deg, A_max {:g} dB, SLA_V {:g} dB; written by covsim "
                            "antenna export",
                            o.horizontal_beamwidth_deg, o.vertical_beamwidth_deg,
                            o.max_attenuation_db, o.side_lobe_level_db);
    io::write_msi(out, p, m);
    std::cout << fmt::format("{}: 3GPP pattern {:g} x {:g} deg, {:g} dBi, A_max {:g} dB, SLA_V "
                             "{:g} dB\n",
                             o.out, o.horizontal_beamwidth_deg, o.vertical_beamwidth_deg,
                             o.gain_dbi, o.max_attenuation_db, o.side_lobe_level_db);
    return 0;
}

std::string optional_text(const std::optional<double>& v, const char* unit) {
    return v ? fmt::format("{:g} {}", *v, unit) : std::string("-");
}

int run_show(const ShowOptions& o) {
    const io::AntennaFile f = io::read_msi(o.file);
    const AntennaPattern& p = f.pattern;
    const AntennaTable& t = *p.table;
    const auto& h = t.horizontal_db();
    const auto& v = t.vertical_db();
    const double h_min = *std::min_element(h.begin(), h.end());
    const double v_min = *std::min_element(v.begin(), v.end());
    const double h_width = half_power_beamwidth_deg(h);
    const double v_width = half_power_beamwidth_deg(v);
    const double beam_deg = peak_angle_deg(v); // below the horizon
    const double front_to_back = h[180] - h_min;

    constexpr std::array<double, 6> azimuths = {0.0, 30.0, -30.0, 60.0, -60.0, 180.0};
    constexpr std::array<double, 9> depressions = {-10.0, 0.0,  2.0,  4.0, 6.0,
                                                   10.0,  20.0, 45.0, 90.0};
    // Horizontal gains in the beam (at its downtilt), vertical gains on the boresight azimuth.
    auto h_gain = [&](double az) { return p.gain_dbi_towards(az, beam_deg, false); };
    auto v_gain = [&](double dep) { return p.gain_dbi_towards(0.0, dep, false); };

    if (o.json) {
        nlohmann::json j;
        j["file"] = o.file;
        j["name"] = f.metadata.name;
        j["make"] = f.metadata.make;
        j["gain_dbi"] = p.gain_dbi;
        j["gain_as_written"] = f.metadata.gain_as_written;
        j["frequency_mhz"] =
            f.metadata.frequency_mhz ? nlohmann::json(*f.metadata.frequency_mhz) : nullptr;
        j["tilt"] = f.metadata.tilt;
        j["electrical_tilt_deg"] = f.metadata.electrical_tilt_deg
                                       ? nlohmann::json(*f.metadata.electrical_tilt_deg)
                                       : nullptr;
        j["polarization"] = f.metadata.polarization;
        j["comment"] = f.metadata.comment;
        j["measured"] = {{"horizontal_beamwidth_deg", h_width},
                         {"vertical_beamwidth_deg", v_width},
                         {"beam_below_horizon_deg", beam_deg},
                         {"front_to_back_db", front_to_back},
                         {"floor_db", t.floor_db()}};
        nlohmann::json hg = nlohmann::json::array();
        for (const double az : azimuths) {
            hg.push_back({{"azimuth_deg", az}, {"gain_dbi", h_gain(az)}});
        }
        nlohmann::json vg = nlohmann::json::array();
        for (const double dep : depressions) {
            vg.push_back({{"below_horizon_deg", dep}, {"gain_dbi", v_gain(dep)}});
        }
        j["horizontal_gains"] = hg;
        j["vertical_gains"] = vg;
        std::cout << j.dump(2) << '\n';
        return 0;
    }

    const auto& m = f.metadata;
    std::cout << fmt::format("file           {}\n", o.file);
    std::cout << fmt::format("name           {}\n", m.name.empty() ? "-" : m.name);
    std::cout << fmt::format("make           {}\n", m.make.empty() ? "-" : m.make);
    std::cout << fmt::format("frequency      {}\n", optional_text(m.frequency_mhz, "MHz"));
    std::cout << fmt::format("gain           {:.2f} dBi (GAIN {})\n", p.gain_dbi,
                             m.gain_as_written);
    std::cout << fmt::format(
        "tilt           {}{}\n", m.tilt.empty() ? "-" : m.tilt,
        m.electrical_tilt_deg ? fmt::format(" (electrical {:g} deg)", *m.electrical_tilt_deg) : "");
    std::cout << fmt::format("polarization   {}\n", m.polarization.empty() ? "-" : m.polarization);
    std::cout << fmt::format("comment        {}\n", m.comment.empty() ? "-" : m.comment);
    for (const auto& [key, value] : m.extra) {
        std::cout << fmt::format("{:<14} {}\n", key, value);
    }
    std::cout << fmt::format("header         H_WIDTH {}, V_WIDTH {}, FRONT_TO_BACK {}\n",
                             optional_text(m.horizontal_beamwidth_deg, "deg"),
                             optional_text(m.vertical_beamwidth_deg, "deg"),
                             optional_text(m.front_to_back_db, "dB"));
    std::cout << fmt::format(
        "measured       -3 dB beamwidth horizontal {:.1f} deg, vertical {:.1f} "
        "deg; beam {:g} deg below the horizon; front-to-back {:.1f} dB; "
        "floor {:.1f} dB\n",
        h_width, v_width, beam_deg, front_to_back, t.floor_db());
    if (h_min > 0.0 || v_min > 0.0) {
        std::cout << fmt::format("note           the smallest attenuation is {:.2f} dB "
                                 "(horizontal) and {:.2f} dB (vertical), not 0: GAIN is not the "
                                 "peak gain of this table\n",
                                 h_min, v_min);
    }
    std::cout << fmt::format("\ngain (dBi) by azimuth off boresight, {:g} deg below the horizon:\n",
                             beam_deg);
    for (const double az : azimuths) {
        std::cout << fmt::format("  {:>+5g} deg  {:7.2f}\n", az, h_gain(az));
    }
    std::cout << "\ngain (dBi) by angle below the horizon, on the boresight azimuth:\n";
    for (const double dep : depressions) {
        std::cout << fmt::format("  {:>+5g} deg  {:7.2f}\n", dep, v_gain(dep));
    }
    return 0;
}

} // namespace

void add_antenna_command(CLI::App& app, Context& ctx) {
    CLI::App* antenna = app.add_subcommand("antenna", "Write and check antenna pattern files");
    antenna->require_subcommand(1);

    auto e = std::make_shared<ExportOptions>();
    CLI::App* exp = antenna->add_subcommand(
        "export", "Write the parametric 3GPP TR 38.901 pattern as an MSI/Planet file");
    exp->add_option("--horizontal-beamwidth-deg", e->horizontal_beamwidth_deg,
                    "Horizontal -3 dB beamwidth phi_3dB, degrees")
        ->required();
    exp->add_option("--vertical-beamwidth-deg", e->vertical_beamwidth_deg,
                    "Vertical -3 dB beamwidth theta_3dB, degrees")
        ->required();
    exp->add_option("--gain-dbi", e->gain_dbi, "Boresight gain G_max, dBi")->required();
    exp->add_option("--max-attenuation-db", e->max_attenuation_db,
                    "A_max: front-to-back ratio and floor of the pattern, dB")
        ->required();
    exp->add_option("--side-lobe-level-db", e->side_lobe_level_db,
                    "SLA_V: floor of the vertical cut, dB")
        ->required();
    exp->add_option("--frequency-mhz", e->frequency_mhz, "FREQUENCY written in the header, MHz");
    exp->add_option("--name", e->name, "NAME written in the header (default: the file's stem)");
    exp->add_option("-o,--out", e->out, "Output file (.msi or .pln)")->required();
    exp->callback([&ctx, e] { ctx.action = [e] { return run_export(*e); }; });

    auto s = std::make_shared<ShowOptions>();
    CLI::App* show = antenna->add_subcommand(
        "show", "Print an MSI/Planet file's header, measured beamwidths and a few gains");
    show->add_option("file", s->file, "Antenna file (.msi or .pln)")->required();
    show->add_flag("--json", s->json, "Print JSON");
    show->callback([&ctx, s] { ctx.action = [s] { return run_show(*s); }; });
}

} // namespace covsim::cli
