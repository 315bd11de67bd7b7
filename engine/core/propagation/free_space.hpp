#pragma once
// Free-space basic transmission loss, Recommendation ITU-R P.525-4 (08/2019) §2.2, the same
// formulas as P.525-5 (11/2024) §2.3 eq. (5) and (6):
//
//   L_bf = 20 log10(4 π d / λ)
//        = 32.4 + 20 log10(f_MHz) + 20 log10(d_km)
//
// evaluated here with the exact constant 20 log10(4π 10^9 / c) = 32.4478 and the 3-D distance d.

namespace covsim::p525 {

// distance_3d_m > 0, frequency_mhz > 0.
double free_space_loss_db(double distance_3d_m, double frequency_mhz) noexcept;

} // namespace covsim::p525
