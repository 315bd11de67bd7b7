#pragma once
// The ITS Irregular Terrain Model (Longley-Rice), point-to-point mode: basic transmission loss
// over a terrain profile, 20 MHz - 20 GHz, with ITM's time / location / situation variability.
//
// Sources, as cited next to each formula in itm.cpp:
//   [Alg]    G.A. Hufford, "The ITS Irregular Terrain Model, version 1.2.2: The Algorithm",
//            NTIA/ITS, 1995. Section 3 preparatory calculations (3.1 - 3.4 area mode),
//            section 4 the reference attenuation (4.12 diffraction angle ... 4.67 troposcatter),
//            section 5 variability (5.1 ... 5.11, Table 5.1 climate constants), section 6
//            auxiliary functions (6.8 - 6.13). Equation numbers are Hufford's where they could be
//            checked (against the equation references in NTIA's annotated v1.4 sources);
//            elsewhere the primary source's equation is cited.
//   [TN101]  P.L. Rice, A.G. Longley, K.A. Norton, A.P. Barsis, "Transmission loss predictions
//            for tropospheric communication circuits", NBS Technical Note 101, 1967.
//   [ERL79]  A.G. Longley, P.L. Rice, "Prediction of tropospheric radio transmission loss over
//            irregular terrain: a computer method - 1968", ESSA Tech. Rep. ERL 79-ITS 67.
//   [Vog64]  L.E. Vogler, "Calculation of groundwave attenuation in the far diffraction region",
//            Radio Science 68D(7), 1964.
//   [H82]    G.A. Hufford, A.G. Longley, W.A. Kissick, "A guide to the use of the ITS Irregular
//            Terrain Model in the area prediction mode", NTIA Report 82-100, 1982.
//   [NTIA]   NTIA/itm v1.4 (github.com/NTIA/itm): input limits, return codes and warning flags
//            (ERRORS_AND_WARNINGS.md), and its reworked constants where they differ from the
//            1.2.2 listing (documented in docs/models/itm.md).
//
// Conventions: distances and heights in metres, angles in radians, frequency in MHz, losses in
// dB. The profile's first sample is under the transmitter and its last under the receiver
// (covsim::TerrainProfile, ITM's pfl layout). The model is reciprocal: swapping the terminals'
// heights and reversing the profile gives the same loss.
//
// Pure maths: no I/O, no allocation (point_to_point_along() grows its scratch), never throws.
// Invalid input gives a result whose `error` is not ItmError::success and whose losses are NaN.

#include "core/propagation/terrain_profile.hpp"
#include "core/propagation/upper_hull.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace covsim::itm {

enum class Polarization : std::uint8_t { horizontal = 0, vertical = 1 };

// Radio climates of [H82] and [Alg] Table 5.1, with ITM's numbering.
enum class Climate : int {
    equatorial = 1,
    continental_subtropical = 2,
    maritime_subtropical = 3,
    desert = 4,
    continental_temperate = 5,
    maritime_temperate_over_land = 6,
    maritime_temperate_over_sea = 7,
};

// The climates' names in scenario files ([layers.itm] climate) and on the command line
// (`covsim link --climate`): climate_names[i] names Climate(i + 1).
inline constexpr std::array<std::string_view, 7> climate_names = {"equatorial",
                                                                  "continental_subtropical",
                                                                  "maritime_subtropical",
                                                                  "desert",
                                                                  "continental_temperate",
                                                                  "maritime_temperate_over_land",
                                                                  "maritime_temperate_over_sea"};
std::optional<Climate> parse_climate(std::string_view text) noexcept;
// The climate's name; "" for a value that is not one of the seven.
std::string_view to_string(Climate climate) noexcept;

// Mode of variability [Alg] section 5, [H82]: how time, location and situation
// variability are combined into one statistic.
//   single_message  confidence only; z_T = z_L = z_S                   (mdvar 0)
//   accidental      time reliability, confidence; z_L = z_S           (mdvar 1)
//   mobile          time and location together, confidence; z_L = z_T (mdvar 2)
//   broadcast       time and location separately, confidence          (mdvar 3)
enum class VariabilityMode : int { single_message = 0, accidental = 1, mobile = 2, broadcast = 3 };

enum class PropagationMode : int {
    not_set = 0,
    line_of_sight = 1,
    diffraction = 2,
    troposcatter = 3
};

// Return codes; the values are NTIA ITM's (1100 is covsim's own), so that results can be
// compared with its output.
// NTIA's code 1 (success with warnings) is success here with a non-zero `warnings`.
enum class ItmError : int {
    success = 0,
    tx_height = 1000,               // h_tx outside [0.5, 3000] m
    rx_height = 1001,               // h_rx outside [0.5, 3000] m
    climate = 1002,                 // not one of the seven climates
    time_percent = 1003,            // time outside (0, 100)
    location_percent = 1004,        // location outside (0, 100)
    situation_percent = 1005,       // situation outside (0, 100)
    surface_refractivity = 1008,    // N_0 outside [250, 400] N-units
    frequency = 1009,               // f outside [20, 20000] MHz
    polarization = 1010,            // not horizontal or vertical
    permittivity = 1011,            // epsilon < 1
    conductivity = 1012,            // sigma <= 0
    ground_impedance = 1013,        // Re(Z_g) <= |Im(Z_g)|
    variability_mode = 1014,        // not one of the four modes
    effective_earth_radius = 1016,  // a_e outside [4000, 13333.333] km
    path_distance = 1017,           // profile without an interval, spacing <= 0, or non-finite
    path_refractivity_small = 1021, // N_s < 150 N-units at the path's height
    path_refractivity_large = 1022, // N_s > 400 N-units
    // covsim's own: the algorithm gives no finite loss for this path, e.g. a terminal whose
    // horizon is a few metres away behind a cliff, where Vogler's smooth-earth terms break down
    // (the warnings name the horizon checks that failed). ok() therefore implies a finite loss.
    non_finite_result = 1100,
};

// One line of text per code, e.g. "frequency outside [20, 20000] MHz".
std::string_view to_string(ItmError error) noexcept;

// Warning bit flags (ItmResult::warnings); the values are NTIA ITM's.
namespace warning {
inline constexpr int tx_height = 0x0001;                 // h_tx outside [1, 1000] m
inline constexpr int rx_height = 0x0002;                 // h_rx outside [1, 1000] m
inline constexpr int frequency = 0x0004;                 // f outside [40, 10000] MHz
inline constexpr int path_distance_too_big_1 = 0x0008;   // d > 1000 km
inline constexpr int path_distance_too_big_2 = 0x0010;   // d > 2000 km
inline constexpr int path_distance_too_small_1 = 0x0020; // d < |h_e,tx - h_e,rx| / 0.2
inline constexpr int path_distance_too_small_2 = 0x0040; // d < 1 km
inline constexpr int tx_horizon_angle = 0x0080;          // |theta_tx| > 200 mrad
inline constexpr int rx_horizon_angle = 0x0100;          // |theta_rx| > 200 mrad
inline constexpr int tx_horizon_distance_1 = 0x0200;     // d_L,tx < 0.1 smooth-earth horizon
inline constexpr int rx_horizon_distance_1 = 0x0400;     // d_L,rx < 0.1 smooth-earth horizon
inline constexpr int tx_horizon_distance_2 = 0x0800;     // d_L,tx > 3 smooth-earth horizon
inline constexpr int rx_horizon_distance_2 = 0x1000;     // d_L,rx > 3 smooth-earth horizon
inline constexpr int extreme_variabilities = 0x2000;     // a standard normal deviate |z| > 3.1
inline constexpr int path_refractivity = 0x4000;         // 150 <= N_s < 250 N-units
} // namespace warning

struct ItmParameters {
    double tx_height_m = 0.0; // structural antenna heights above ground, [0.5, 3000]
    double rx_height_m = 0.0;
    double frequency_mhz = 0.0; // [20, 20000]
    Polarization polarization = Polarization::vertical;
    double ground_relative_permittivity = 15.0; // epsilon >= 1; 15 = average ground
    double ground_conductivity_s_per_m = 0.005; // sigma > 0; 0.005 = average ground
    // N_0: minimum monthly mean surface refractivity reduced to sea level, [250, 400] N-units;
    // 301 = the continental temperate default.
    double surface_refractivity_n_units = 301.0;
    Climate climate = Climate::continental_temperate;
    VariabilityMode variability_mode = VariabilityMode::accidental;
    bool eliminate_location_variability = false;  // ITM's mdvar + 10
    bool eliminate_situation_variability = false; // ITM's mdvar + 20
    // Fractions of time, locations and situations in which the loss does not exceed the
    // result, in percent, each in (0, 100). 50/50/50 gives the median.
    double time_percent = 50.0;
    double location_percent = 50.0;
    double situation_percent = 50.0;

    bool operator==(const ItmParameters&) const = default;
};

// ITM's integer mdvar (0..3, + 10 to eliminate location variability, + 20 to eliminate direct
// situation variability) written into `p`. False, with `p` unchanged, for any other value.
bool apply_mdvar(int mdvar, ItmParameters& p) noexcept;

struct ItmResult {
    double loss_db = 0.0;                  // A: basic transmission loss
    double free_space_loss_db = 0.0;       // A_fs over the path distance
    double reference_attenuation_db = 0.0; // A_ref: median attenuation relative to free space
    PropagationMode mode = PropagationMode::not_set;
    int warnings = 0; // warning:: bit flags
    ItmError error = ItmError::success;

    // Intermediate values of the profile analysis, for checks and debugging.
    double distance_m = 0.0;                   // d, along the profile
    double surface_refractivity_n_units = 0.0; // N_s at the path's mean height
    double effective_earth_radius_m = 0.0;     // a_e = 1 / gamma_e
    double terrain_irregularity_m = 0.0;       // delta_h
    double tx_horizon_distance_m = 0.0;        // d_L1
    double rx_horizon_distance_m = 0.0;        // d_L2
    double tx_horizon_angle_rad = 0.0;         // theta_e1, above the horizontal
    double rx_horizon_angle_rad = 0.0;         // theta_e2
    double tx_effective_height_m = 0.0;        // h_e1
    double rx_effective_height_m = 0.0;        // h_e2

    [[nodiscard]] bool ok() const noexcept { return error == ItmError::success; }
};

// ITM's free-space loss, 32.45 + 20 log10(f_MHz) + 20 log10(d_km).
[[nodiscard]] double free_space_loss_db(double distance_m, double frequency_mhz) noexcept;

// Basic transmission loss over `profile` from the transmitter (first sample) to the receiver
// (last sample). On an error every loss is NaN and the intermediate values computed before the
// error was found are kept (zero otherwise).
[[nodiscard]] ItmResult point_to_point(const TerrainProfile& profile,
                                       const ItmParameters& p) noexcept;

// Working memory of point_to_point_along(), reused from one radial to the next.
struct RadialScratch {
    std::vector<double> sum_z;
    std::vector<double> sum_iz;
    std::vector<std::int32_t> tx_candidate;
    std::vector<std::int32_t> rx_candidate;
    std::vector<double> delta_h;
    UpperHull hull;
};

// point_to_point() for every prefix of one profile: the receiver at sample k of `radial` for
// k = first_receiver, first_receiver + stride, ... up to radial.intervals(), in one pass
// (core/radial_terrain.hpp: the cells around a site are the ends of prefixes of its radials).
// attenuation_db[m] is for k = first_receiver + m stride: the loss minus its free-space loss
// (A_ref and the variability: ItmResult::loss_db - ItmResult::free_space_loss_db), NaN where
// point_to_point() gives an error.
//
// The profile analysis reads data shared by every prefix instead of passing over the prefix's
// samples (itm.cpp, RadialAnalysis): the mean elevation and the least-squares lines from
// prefix sums, the horizons from a running maximum and a convex hull (the same samples except
// where two are level to within centimetres), and Delta_h exactly at every receiver up to 16
// intervals and at 8 receivers per doubling of the distance beyond (at least every stride-th),
// linearly in between (those receivers are multiples of powers of 2: use a power of 2 for stride
// and a multiple of it for first_receiver). The rest of the model is point_to_point()'s own
// code. Needs first_receiver >= 1, stride >= 1 and attenuation_db.size() ==
// (radial.intervals() - first_receiver) / stride + 1 (else every value is NaN). Throws only
// std::bad_alloc, growing `scratch`.
//
// With a positive `tolerance_db`, the model is evaluated at the even receivers m (and the last)
// first; an odd receiver between two whose attenuations differ by at most tolerance_db takes
// their mean instead of an evaluation of its own (the attenuation is smooth along a radial except
// where a horizon moves: there the neighbours differ and the receiver is evaluated).
void point_to_point_along(const TerrainProfile& radial, const ItmParameters& p,
                          std::size_t first_receiver, std::size_t stride, RadialScratch& scratch,
                          std::span<double> attenuation_db, double tolerance_db = 0.0);

} // namespace covsim::itm
