#include "core/antenna.hpp"

#include "core/error.hpp"
#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace covsim {

namespace {

// The parametric cuts of TR 38.901 Table 7.3-1, as attenuations (>= 0 dB).
double parametric_horizontal_db(const AntennaPattern& p, double azimuth_offset_deg) noexcept {
    const double h = wrap_degrees(azimuth_offset_deg) / p.horizontal_beamwidth_deg;
    return std::min(12.0 * h * h, p.max_attenuation_db);
}

double parametric_vertical_db(const AntennaPattern& p, double vertical_offset_deg) noexcept {
    const double v = vertical_offset_deg / p.vertical_beamwidth_deg;
    return std::min(12.0 * v * v, p.side_lobe_level_db);
}

// A cut at any angle: the angle modulo 360, linear interpolation between whole degrees.
double interpolate(const AntennaTable::Cut& cut, double deg) noexcept {
    if (!std::isfinite(deg)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double x = std::fmod(deg, 360.0);
    if (x < 0.0) {
        x += 360.0;
    }
    const double whole = std::floor(x);
    auto i = static_cast<std::size_t>(whole);
    if (i >= AntennaTable::samples) { // x rounded up to 360 (deg a tiny negative number)
        return cut[0];
    }
    const double t = x - whole;
    const double a = cut[i];
    if (t == 0.0) {
        return a;
    }
    const double b = cut[(i + 1) % AntennaTable::samples];
    return a + t * (b - a);
}

void check_cut(const AntennaTable::Cut& cut, const char* name) {
    for (std::size_t i = 0; i < cut.size(); ++i) {
        if (!std::isfinite(cut[i]) || cut[i] < 0.0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("antenna table: {} attenuation at {} deg is {}, expected a "
                                    "finite attenuation >= 0 dB",
                                    name, i, cut[i]));
        }
    }
}

} // namespace

AntennaTable::AntennaTable(const Cut& horizontal_db, const Cut& vertical_db)
    : horizontal_(horizontal_db), vertical_(vertical_db) {
    check_cut(horizontal_, "horizontal");
    check_cut(vertical_, "vertical");
    floor_db_ = std::max(*std::max_element(horizontal_.begin(), horizontal_.end()),
                         *std::max_element(vertical_.begin(), vertical_.end()));
}

double AntennaTable::horizontal_attenuation_db(double azimuth_offset_deg) const noexcept {
    return interpolate(horizontal_, azimuth_offset_deg);
}

double AntennaTable::vertical_attenuation_db(double vertical_offset_deg) const noexcept {
    return interpolate(vertical_, vertical_offset_deg);
}

double AntennaTable::attenuation_db(double azimuth_offset_deg, double vertical_offset_deg,
                                    bool omnidirectional) const noexcept {
    const double a_v = vertical_attenuation_db(vertical_offset_deg);
    const double a_h = omnidirectional ? 0.0 : horizontal_attenuation_db(azimuth_offset_deg);
    const double sum = a_h + a_v;
    return std::isnan(sum) ? sum : std::min(sum, floor_db_);
}

double AntennaPattern::gain_dbi_towards(double azimuth_offset_deg, double vertical_offset_deg,
                                        bool omnidirectional) const noexcept {
    if (isotropic) {
        return gain_dbi;
    }
    if (table) {
        return gain_dbi -
               table->attenuation_db(azimuth_offset_deg, vertical_offset_deg, omnidirectional);
    }
    const double a_v = -parametric_vertical_db(*this, vertical_offset_deg);
    double a_h = 0.0;
    if (!omnidirectional) {
        a_h = -parametric_horizontal_db(*this, azimuth_offset_deg);
    }
    const double a = -std::min(-(a_v + a_h), max_attenuation_db);
    return gain_dbi + a;
}

AntennaPattern tr38901_element_pattern() noexcept {
    AntennaPattern p;
    p.horizontal_beamwidth_deg = 65.0;
    p.vertical_beamwidth_deg = 65.0;
    p.max_attenuation_db = 30.0;
    p.side_lobe_level_db = 30.0;
    p.gain_dbi = 8.0;
    return p;
}

AntennaTable tabulate(const AntennaPattern& pattern) {
    if (pattern.table && !pattern.isotropic) {
        return *pattern.table;
    }
    AntennaTable::Cut h{};
    AntennaTable::Cut v{};
    if (!pattern.isotropic) {
        for (std::size_t i = 0; i < AntennaTable::samples; ++i) {
            const double angle = wrap_degrees(static_cast<double>(i));
            h[i] = parametric_horizontal_db(pattern, angle);
            v[i] = std::min(parametric_vertical_db(pattern, angle), pattern.max_attenuation_db);
        }
    }
    return {h, v};
}

double half_power_beamwidth_deg(const AntennaTable::Cut& cut) {
    constexpr std::size_t n = AntennaTable::samples;
    const auto peak =
        static_cast<std::size_t>(std::min_element(cut.begin(), cut.end()) - cut.begin());
    const double level = cut[peak] + 3.0;
    // Half-width on one side: step = +1 (clockwise) or n - 1 (counter-clockwise, modulo n).
    auto half_width = [&](std::size_t step) {
        double previous = cut[peak];
        for (std::size_t k = 1; k <= n / 2; ++k) {
            const double value = cut[(peak + k * step) % n];
            if (value >= level) {
                return static_cast<double>(k - 1) + (level - previous) / (value - previous);
            }
            previous = value;
        }
        return std::numeric_limits<double>::infinity();
    };
    const double width = half_width(1) + half_width(n - 1);
    return std::isfinite(width) ? std::min(width, 360.0) : 360.0;
}

double peak_angle_deg(const AntennaTable::Cut& cut) {
    const auto peak = std::min_element(cut.begin(), cut.end()) - cut.begin();
    return wrap_degrees(static_cast<double>(peak));
}

} // namespace covsim
