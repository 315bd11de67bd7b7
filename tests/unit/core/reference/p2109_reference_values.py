#!/usr/bin/env python3
"""Reference values for covsim's building entry loss (tests/unit/core/test_p2109.cpp).

Recommendation ITU-R P.2109-2 (08/2023), "Prediction of building entry loss", Annex 1 §3,
typed in from the Recommendation, not from covsim's C++. Standard library only; the inverse
standard normal distribution F^-1 is Python's statistics.NormalDist().inv_cdf (Wichura's AS241),
an algorithm independent of the one covsim uses (Acklam's). Run it with

    python3 tests/unit/core/reference/p2109_reference_values.py

and it prints every value the test holds (dB, 10 decimals), then the published example values
of the ITU-R SG 3 "Clutter and BEL workbook" that the test also holds, with the largest
difference between this script and the workbook.
"""

import math
from statistics import NormalDist

# Table 1: r, s, t, u, v, w, x, y, z
TABLE_1 = {
    "traditional": (12.64, 3.72, 0.96, 9.6, 2.0, 9.1, -3.0, 4.5, -2.0),
    "thermally_efficient": (28.19, -3.00, 8.48, 13.5, 3.8, 27.8, -2.9, 9.4, -2.1),
}


def building_entry_loss_db(f_ghz, probability, elevation_deg, building):
    """L_BEL(P), eqs. (1)-(10); probability 0 < P < 1."""
    r, s, t, u, v, w, x, y, z = TABLE_1[building]
    lf = math.log10(f_ghz)
    l_h = r + s * lf + t * lf * lf  # (9) median loss, horizontal path
    l_e = 0.212 * abs(elevation_deg)  # (10) elevation correction
    mu1 = l_h + l_e  # (5)
    mu2 = w + x * lf  # (6)
    sigma1 = u + v * lf  # (7)
    sigma2 = y + z * lf  # (8)
    c = -3.0  # (4)
    f_inv = NormalDist().inv_cdf(probability)
    a = f_inv * sigma1 + mu1  # (2)
    b = f_inv * sigma2 + mu2  # (3)
    return 10.0 * math.log10(10.0 ** (0.1 * a) + 10.0 ** (0.1 * b) + 10.0 ** (0.1 * c))  # (1)


# The points of test_p2109.cpp: f_GHz, P, theta_deg.
POINTS = [
    (0.1, 0.5, 0.0),
    (0.8, 0.5, 0.0),
    (1.8, 0.1, 0.0),
    (1.8, 0.5, 0.0),
    (1.8, 0.9, 0.0),
    (3.5, 0.01, 0.0),
    (3.5, 0.5, 0.0),
    (3.5, 0.5, 20.0),
    (3.5, 0.5, -20.0),
    (3.5, 0.99, 0.0),
    (26.0, 0.5, 0.0),
    (28.0, 0.7, 45.0),
    (100.0, 0.5, 90.0),
]

# ITU-R SG 3 "Clutter and BEL workbook" (the reference Excel implementation published on the
# SG 3 software page), as transcribed in github.com/eeveetza/p2109 matlab/validate_p2109.m:
# f_GHz, theta_deg, building, P in percent, L_BEL in dB (3 decimals).
WORKBOOK = [
    (28.0, 0.0, "traditional", 1.000000e-03, 0.491),
    (28.0, 0.0, "traditional", 1.000000e+00, 2.769),
    (28.0, 0.0, "traditional", 1.000000e+01, 6.891),
    (28.0, 0.0, "traditional", 5.011872e+01, 20.218),
    (28.0, 0.0, "traditional", 9.977001e+01, 55.440),
    (28.0, 0.0, "thermally_efficient", 1.000000e-03, -0.244),
    (28.0, 0.0, "thermally_efficient", 1.000000e+00, 9.369),
    (28.0, 0.0, "thermally_efficient", 1.000000e+01, 19.484),
    (28.0, 0.0, "thermally_efficient", 5.011872e+01, 41.732),
    (28.0, 0.0, "thermally_efficient", 9.977001e+01, 95.448),
    (2.0, 45.0, "traditional", 1.000000e-03, -1.841),
    (2.0, 45.0, "traditional", 1.000000e+00, 3.508),
    (2.0, 45.0, "traditional", 1.000000e+01, 11.251),
    (2.0, 45.0, "traditional", 5.011872e+01, 23.556),
    (2.0, 45.0, "traditional", 9.977001e+01, 52.300),
    (2.0, 45.0, "thermally_efficient", 1.000000e-03, -2.260),
    (2.0, 45.0, "thermally_efficient", 1.000000e+00, 8.605),
    (2.0, 45.0, "thermally_efficient", 1.000000e+01, 20.566),
    (2.0, 45.0, "thermally_efficient", 5.011872e+01, 37.995),
    (2.0, 45.0, "thermally_efficient", 9.977001e+01, 79.101),
]


def main():
    print("# P.2109-2: f_GHz P theta_deg -> traditional thermally_efficient (dB)")
    for f, p, theta in POINTS:
        vals = [building_entry_loss_db(f, p, theta, b) for b in TABLE_1]
        print(f"{f:g} {p:g} {theta:g} -> " + " ".join(f"{v:.10f}" for v in vals))

    print("\n# cross-check: SG 3 Clutter and BEL workbook (f_GHz theta building P% -> workbook, here)")
    worst = 0.0
    for f, theta, building, p_percent, published in WORKBOOK:
        ours = building_entry_loss_db(f, p_percent / 100.0, theta, building)
        worst = max(worst, abs(ours - published))
        print(f"{f:g} {theta:g} {building} {p_percent:g}% -> {published:.3f} {ours:.4f}")
    print(f"largest difference from the workbook: {worst:.4f} dB")


if __name__ == "__main__":
    main()
