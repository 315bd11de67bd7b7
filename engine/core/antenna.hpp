#pragma once
// Sector antenna patterns: the parametric pattern of 3GPP TR 38.901 V17.0.0 §7.3, Table 7.3-1,
// and a tabulated pattern (two measured cuts, as in a vendor's MSI/Planet file).
//
// Parametric:
//   vertical cut     A_V(θ) = -min{ 12 ((θ - 90°) / θ_3dB)^2, SLA_V }
//   horizontal cut   A_H(φ) = -min{ 12 (φ / φ_3dB)^2, A_max }
//   3-D pattern      A(θ, φ) = -min{ -(A_V(θ) + A_H(φ)), A_max }
//   gain             G(θ, φ) = G_max + A(θ, φ)            [dBi]
//
// θ is the zenith angle in the antenna's frame (90° = horizon) and φ the azimuth off boresight.
// The table gives one element (θ_3dB = φ_3dB = 65°, SLA_V = A_max = 30 dB, G_max = 8 dBi); a
// macro panel is modelled with the same form and a narrow vertical beam (TR 36.814 Table
// A.2.1.1-2 uses θ_3dB = 10°). Tilt enters as a shift of the vertical cut: θ - 90° is replaced
// by (depression angle - mechanical tilt - electrical tilt). This separable treatment of
// mechanical tilt is exact on boresight and approximate off it, as in TR 36.814; see
// docs/antennas.md.
//
// Tabulated (AntennaTable): attenuations in dB (>= 0, relative to G_max) at 360 whole degrees of
// each cut, linearly interpolated between degrees, combined with the same rule as the parametric
// pattern, the floor being the larger of the two cuts' maxima:
//
//   G(φ, v) = G_max - min{ T_H(φ) + T_V(v), A_floor },  A_floor = max{ max T_H, max T_V }
//
// Angle conventions of the table (those of the MSI/Planet format, docs/antennas.md):
//   horizontal  0° = boresight, increasing clockwise seen from above (so 90° is to the right)
//   vertical    0° = boresight direction on the horizon, increasing downwards: 90° straight
//               down, 180° the horizon behind the antenna, 270° straight up.
// The kernel's vertical offset (depression - tilt, positive below the tilted boresight) is looked
// up at that offset taken modulo 360, so tilt shifts the vertical cut exactly as for the
// parametric pattern. A file's own electrical tilt is already inside its vertical cut.

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>

namespace covsim {

// Two tabulated cuts of an antenna pattern at 1° steps. Immutable once built; shared between
// copies of an AntennaPattern through a shared_ptr<const AntennaTable>.
class AntennaTable {
public:
    static constexpr std::size_t samples = 360;
    using Cut = std::array<double, samples>; // attenuation in dB at 0°, 1°, ..., 359°

    // Throws covsim::Error(input_data) naming the cut and the angle when a value is not finite
    // or is negative.
    AntennaTable(const Cut& horizontal_db, const Cut& vertical_db);

    [[nodiscard]] const Cut& horizontal_db() const noexcept { return horizontal_; }
    [[nodiscard]] const Cut& vertical_db() const noexcept { return vertical_; }
    // A_floor: the larger of the two cuts' maximum attenuations.
    [[nodiscard]] double floor_db() const noexcept { return floor_db_; }

    // The horizontal cut at azimuth_offset_deg off boresight (any value; wrapped), linearly
    // interpolated between whole degrees. NaN for a non-finite angle.
    [[nodiscard]] double horizontal_attenuation_db(double azimuth_offset_deg) const noexcept;
    // The vertical cut at vertical_offset_deg below the boresight (any value; wrapped).
    [[nodiscard]] double vertical_attenuation_db(double vertical_offset_deg) const noexcept;
    // min{ T_H + T_V, A_floor }; T_H = 0 when omnidirectional.
    [[nodiscard]] double attenuation_db(double azimuth_offset_deg, double vertical_offset_deg,
                                        bool omnidirectional) const noexcept;

private:
    Cut horizontal_;
    Cut vertical_;
    double floor_db_ = 0.0;
};

struct AntennaPattern {
    bool isotropic = false;                 // no directivity at all: G = gain_dbi everywhere
    double horizontal_beamwidth_deg = 65.0; // φ_3dB
    double vertical_beamwidth_deg = 65.0;   // θ_3dB
    double max_attenuation_db = 30.0;       // A_max (front-to-back ratio)
    double side_lobe_level_db = 30.0;       // SLA_V
    double gain_dbi = 8.0;                  // G_max, on boresight (also of a tabulated pattern)
    // When set (and not isotropic), the tabulated cuts replace the parametric ones above, whose
    // beamwidths and floors are then ignored; gain_dbi stays the boresight gain.
    std::shared_ptr<const AntennaTable> table;

    // Gain towards a receiver at azimuth_offset_deg off boresight (any value; wrapped) and
    // vertical_offset_deg below the tilted boresight (depression angle minus total tilt).
    // For an omnidirectional sector pass omnidirectional = true: the horizontal cut is 0 dB.
    [[nodiscard]] double gain_dbi_towards(double azimuth_offset_deg, double vertical_offset_deg,
                                          bool omnidirectional) const noexcept;
};

// The TR 38.901 Table 7.3-1 element with its stated parameters.
AntennaPattern tr38901_element_pattern() noexcept;

// The cuts of a pattern sampled at whole degrees in the table's conventions. For a parametric
// pattern: T_H(i) = min{12 (φ_i/φ_3dB)^2, A_max} and T_V(i) = min{12 (v_i/θ_3dB)^2, SLA_V, A_max}
// with φ_i, v_i = i wrapped to (-180°, 180°]. Capping T_V at A_max as well keeps the table's
// floor at A_max whenever one cut reaches it (12 (180/φ_3dB)^2 >= A_max, or SLA_V >= A_max: any
// sector antenna), and then the tabulated pattern equals the parametric one at every whole
// degree. An isotropic pattern gives two flat 0 dB cuts; a tabulated one, its own table.
AntennaTable tabulate(const AntennaPattern& pattern);

// The -3 dB (half-power) beamwidth of a cut, in degrees: the width of the lobe around the cut's
// smallest attenuation, between the angles where the attenuation first reaches that minimum
// + 3 dB on either side (linear interpolation between degrees). 360 when it never does.
double half_power_beamwidth_deg(const AntennaTable::Cut& cut);

// The angle of a cut's smallest attenuation (the first, if several are equal), wrapped to
// (-180°, 180°]: for a vertical cut, the beam's downtilt (negative for an uptilt).
double peak_angle_deg(const AntennaTable::Cut& cut);

} // namespace covsim
