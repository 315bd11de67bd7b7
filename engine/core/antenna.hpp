#pragma once
// Parametric sector antenna pattern of 3GPP TR 38.901 V17.0.0 §7.3, Table 7.3-1:
//
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

#include <string_view>

namespace covsim {

struct AntennaPattern {
    bool isotropic = false;                 // no directivity at all: G = gain_dbi everywhere
    double horizontal_beamwidth_deg = 65.0; // φ_3dB
    double vertical_beamwidth_deg = 65.0;   // θ_3dB
    double max_attenuation_db = 30.0;       // A_max (front-to-back ratio)
    double side_lobe_level_db = 30.0;       // SLA_V
    double gain_dbi = 8.0;                  // G_max, on boresight

    // Gain towards a receiver at azimuth_offset_deg off boresight (any value; wrapped) and
    // vertical_offset_deg below the tilted boresight (depression angle minus total tilt).
    // For an omnidirectional sector pass omnidirectional = true: the horizontal cut is 0 dB.
    [[nodiscard]] double gain_dbi_towards(double azimuth_offset_deg, double vertical_offset_deg,
                                          bool omnidirectional) const noexcept;
};

// The TR 38.901 Table 7.3-1 element with its stated parameters.
AntennaPattern tr38901_element_pattern() noexcept;

} // namespace covsim
