#!/usr/bin/env python3
"""Reference values for covsim's propagation, antenna and link-budget tests.

Every formula below is typed in from the cited document, not from covsim's C++, so that the unit
tests compare the engine against an independent evaluation. Standard library only; run it with

    python3 tests/unit/core/reference/model_reference_values.py

and it writes every value the tests use (dB to 10 decimals), with its tolerance, to
model_reference_values.txt beside it, together with the numbers published elsewhere that it
cross-checks (ns-3's test suites); one parameterised test reads that file
(tests/unit/core/test_reference_values.cpp, which explains its format). It prints the
cross-checks. Change a point here and run the script again: the data file is never edited by
hand.

Documents
  [P525]   Recommendation ITU-R P.525-4 (08/2019), Calculation of free-space attenuation, §2.2
           (point-to-point links). P.525-5 (11/2024) keeps the formulas (as §2.3 eq. (5)-(6)).
  [COST]   COST Action 231, Digital mobile radio towards future generation systems, Final Report
           (EUR 18957, 1999), §4.4.1 "COST-Hata model".
  [HATA]   M. Hata, "Empirical formula for propagation loss in land mobile radio services",
           IEEE Trans. Veh. Technol. VT-29(3), 1980: a(h_m) for a medium-small city and the
           open-area formula.
  [38901]  3GPP TR 38.901 V17.0.0 (2022-03): §7.3 Table 7.3-1 (antenna element pattern),
           §7.4.1 Table 7.4.1-1 (path loss), §7.4.2 Table 7.4.2-1 (LOS probability).
  [36101]  3GPP TS 36.101 Table 5.6-1 (LTE transmission bandwidth configuration N_RB).
  [38101]  3GPP TS 38.101-1 Table 5.3.2-1 (NR FR1 maximum transmission bandwidth N_RB).
"""

import math
import pathlib
import statistics

# Physical constants. c is exact (SI); [38901] states c = 3.0e8 m/s for its breakpoint
# distances, so the TR functions below use that value instead.
C_SI_M_S = 299_792_458.0
C_38901_M_S = 3.0e8
BOLTZMANN_J_K = 1.380649e-23  # exact (SI 2019)
T0_K = 290.0  # reference noise temperature


def log10(x):
    return math.log10(x)


# ---------------------------------------------------------------------------------------------
# [P525] free-space basic transmission loss between isotropic antennas:
#   L_bf = 20 log(4 pi d / lambda)   (d and lambda in the same unit)
# The practical form 32.4 + 20 log f_MHz + 20 log d_km rounds the constant; we keep the exact
# one, lambda = c / f.


def p525_free_space_db(d_m, f_mhz):
    wavelength_m = C_SI_M_S / (f_mhz * 1.0e6)
    return 20.0 * log10(4.0 * math.pi * d_m / wavelength_m)


def slant_distance_m(d2d_m, h_tx_m, h_rx_m):
    return math.hypot(d2d_m, h_tx_m - h_rx_m)


# ---------------------------------------------------------------------------------------------
# [COST] §4.4.1, with [HATA]'s a(h_m) for medium-small cities:
#   L_b = 46.3 + 33.9 log f - 13.82 log h_b - a(h_m) + (44.9 - 6.55 log h_b) log d + C_m
#   a(h_m) = (1.1 log f - 0.7) h_m - (1.56 log f - 0.8)
#   C_m = 0 dB medium-sized city / suburban centre, 3 dB metropolitan centre
# f in MHz, h_b and h_m in m, d in km.
# Open area ([HATA]): L_open = L - 4.78 (log f)^2 + 18.33 log f - 40.94, applied here to the
# C_m = 0 form (COST 231 itself has no open-area form).


def hata_a_hm_db(f_mhz, h_m):
    return (1.1 * log10(f_mhz) - 0.7) * h_m - (1.56 * log10(f_mhz) - 0.8)


def cost231_hata_db(f_mhz, h_b, h_m, d_km, c_m):
    return (
        46.3
        + 33.9 * log10(f_mhz)
        - 13.82 * log10(h_b)
        - hata_a_hm_db(f_mhz, h_m)
        + (44.9 - 6.55 * log10(h_b)) * log10(d_km)
        + c_m
    )


def hata_open_area_correction_db(f_mhz):
    lf = log10(f_mhz)
    return -4.78 * lf**2 + 18.33 * lf - 40.94


def cost231_environment_db(f_mhz, h_b, h_m, d_km, environment):
    if environment == "urban":
        return cost231_hata_db(f_mhz, h_b, h_m, d_km, 3.0)
    if environment == "suburban":
        return cost231_hata_db(f_mhz, h_b, h_m, d_km, 0.0)
    if environment == "rural":
        return cost231_hata_db(f_mhz, h_b, h_m, d_km, 0.0) + hata_open_area_correction_db(f_mhz)
    raise ValueError(environment)


# ---------------------------------------------------------------------------------------------
# [38901] Table 7.4.1-1. f_c in GHz inside the formulas (note 6: "fc denotes the center frequency
# normalized by 1GHz"), in Hz inside the breakpoint distances (notes 1 and 5), c = 3.0e8 m/s.
# Distances and heights in m.


def rma_breakpoint_m(h_bs, h_ut, fc_ghz):
    # note 5: d_BP = 2 pi h_BS h_UT f_c / c
    return 2.0 * math.pi * h_bs * h_ut * (fc_ghz * 1.0e9) / C_38901_M_S


def rma_pl1_db(d, fc_ghz, h):
    # PL1 = 20log10(40 pi d3D fc / 3) + min(0.03 h^1.72, 10) log10(d3D)
    #       - min(0.044 h^1.72, 14.77) + 0.002 log10(h) d3D
    return (
        20.0 * log10(40.0 * math.pi * d * fc_ghz / 3.0)
        + min(0.03 * h**1.72, 10.0) * log10(d)
        - min(0.044 * h**1.72, 14.77)
        + 0.002 * log10(h) * d
    )


def rma_los_db(d2d, h_bs, h_ut, fc_ghz, h=5.0):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    d_bp = rma_breakpoint_m(h_bs, h_ut, fc_ghz)
    if d2d <= d_bp:  # 10 m <= d2D <= d_BP
        return rma_pl1_db(d3d, fc_ghz, h)
    # d_BP <= d2D <= 10 km: PL2 = PL1(d_BP) + 40 log10(d3D / d_BP)
    return rma_pl1_db(d_bp, fc_ghz, h) + 40.0 * log10(d3d / d_bp)


def rma_nlos_prime_db(d2d, h_bs, h_ut, fc_ghz, h=5.0, w=20.0):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    return (
        161.04
        - 7.1 * log10(w)
        + 7.5 * log10(h)
        - (24.37 - 3.7 * (h / h_bs) ** 2) * log10(h_bs)
        + (43.42 - 3.1 * log10(h_bs)) * (log10(d3d) - 3.0)
        + 20.0 * log10(fc_ghz)
        - (3.2 * (log10(11.75 * h_ut)) ** 2 - 4.97)
    )


def rma_nlos_db(d2d, h_bs, h_ut, fc_ghz, h=5.0, w=20.0):
    # PL_RMa-NLOS = max(PL_RMa-LOS, PL'_RMa-NLOS), 10 m <= d2D <= 5 km
    return max(rma_los_db(d2d, h_bs, h_ut, fc_ghz, h), rma_nlos_prime_db(d2d, h_bs, h_ut, fc_ghz, h, w))


H_E_M = 1.0  # effective environment height (note 1); UMa uses 1 m when h_UT < 13 m


def uma_umi_breakpoint_m(h_bs, h_ut, fc_ghz):
    # note 1: d'_BP = 4 h'_BS h'_UT f_c / c, h' = h - h_E
    return 4.0 * (h_bs - H_E_M) * (h_ut - H_E_M) * (fc_ghz * 1.0e9) / C_38901_M_S


def uma_los_db(d2d, h_bs, h_ut, fc_ghz):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    d_bp = uma_umi_breakpoint_m(h_bs, h_ut, fc_ghz)
    if d2d <= d_bp:
        return 28.0 + 22.0 * log10(d3d) + 20.0 * log10(fc_ghz)
    return (
        28.0
        + 40.0 * log10(d3d)
        + 20.0 * log10(fc_ghz)
        - 9.0 * log10(d_bp**2 + (h_bs - h_ut) ** 2)
    )


def uma_nlos_db(d2d, h_bs, h_ut, fc_ghz):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    prime = 13.54 + 39.08 * log10(d3d) + 20.0 * log10(fc_ghz) - 0.6 * (h_ut - 1.5)
    return max(uma_los_db(d2d, h_bs, h_ut, fc_ghz), prime)


def umi_los_db(d2d, h_bs, h_ut, fc_ghz):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    d_bp = uma_umi_breakpoint_m(h_bs, h_ut, fc_ghz)
    if d2d <= d_bp:
        return 32.4 + 21.0 * log10(d3d) + 20.0 * log10(fc_ghz)
    return (
        32.4
        + 40.0 * log10(d3d)
        + 20.0 * log10(fc_ghz)
        - 9.5 * log10(d_bp**2 + (h_bs - h_ut) ** 2)
    )


def umi_nlos_db(d2d, h_bs, h_ut, fc_ghz):
    d3d = slant_distance_m(d2d, h_bs, h_ut)
    prime = 35.3 * log10(d3d) + 22.4 + 21.3 * log10(fc_ghz) - 0.3 * (h_ut - 1.5)
    return max(umi_los_db(d2d, h_bs, h_ut, fc_ghz), prime)


# [38901] Table 7.4.2-1, LOS probability (outdoor users).


def rma_p_los(d2d):
    return 1.0 if d2d <= 10.0 else math.exp(-(d2d - 10.0) / 1000.0)


def umi_p_los(d2d):
    return 1.0 if d2d <= 18.0 else 18.0 / d2d + math.exp(-d2d / 36.0) * (1.0 - 18.0 / d2d)


def uma_p_los(d2d, h_ut):
    if d2d <= 18.0:
        return 1.0
    c_prime = 0.0 if h_ut <= 13.0 else ((h_ut - 13.0) / 10.0) ** 1.5  # 13 m < h_UT <= 23 m
    return (18.0 / d2d + math.exp(-d2d / 63.0) * (1.0 - 18.0 / d2d)) * (
        1.0 + c_prime * 5.0 / 4.0 * (d2d / 100.0) ** 3 * math.exp(-d2d / 150.0)
    )


# [38901] Table 7.4.1-1, shadow fading sigma_SF (dB). RMa LOS: 4 dB for PL1 (d2D <= d_BP), 6 dB
# for PL2.
def los_sigma_db(scenario, d2d, h_bs, h_ut, fc_ghz):
    if scenario == "rma":
        return 4.0 if d2d <= rma_breakpoint_m(h_bs, h_ut, fc_ghz) else 6.0
    return 4.0  # UMa, UMi street canyon


NLOS_SIGMA_DB = {"rma": 8.0, "uma": 6.0, "umi": 7.82}


def normal_cdf(x):
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def mixture_quantile_db(p, los_db, los_sigma, nlos_db, nlos_sigma, q):
    """covsim's 'probabilistic' setting: the loss L_q not exceeded at a fraction q of locations
    when a location is LOS with probability p, each condition log-normal with its sigma_SF:
        p Phi((L_q - L_LOS) / s_LOS) + (1 - p) Phi((L_q - L_NLOS) / s_NLOS) = q.
    Bisection (not covsim's Newton iteration) from a bracket 60 dB wider than both losses until
    it stops shrinking."""
    def excess(x):
        return p * normal_cdf((x - los_db) / los_sigma) + (1.0 - p) * normal_cdf(
            (x - nlos_db) / nlos_sigma) - q
    lo = min(los_db, nlos_db) - 60.0
    hi = max(los_db, nlos_db) + 60.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            return mid
        if excess(mid) < 0.0:
            lo = mid
        else:
            hi = mid


def weighted_db(p, los_db, nlos_db):
    """covsim's 'probabilistic' setting before the mixture quantile: p L_LOS + (1 - p) L_NLOS,
    in dB (the mixture's mean)."""
    return p * los_db + (1.0 - p) * nlos_db


def power_weighted_db(p, los_db, nlos_db):
    """The alternative covsim does not use: the mean of the linear path gains."""
    return -10.0 * log10(p * 10.0 ** (-los_db / 10.0) + (1.0 - p) * 10.0 ** (-nlos_db / 10.0))


SCENARIOS = {
    "rma": (rma_los_db, rma_nlos_db, lambda d, h_ut: rma_p_los(d)),
    "uma": (uma_los_db, uma_nlos_db, uma_p_los),
    "umi": (umi_los_db, umi_nlos_db, lambda d, h_ut: umi_p_los(d)),
}


def tr38901_db(scenario, los, d2d, h_bs, h_ut, fc_ghz, q=0.5):
    """The loss not exceeded at a fraction q of locations: the median at q = 0.5."""
    los_f, nlos_f, p_f = SCENARIOS[scenario]
    l_los = los_f(d2d, h_bs, h_ut, fc_ghz)
    l_nlos = nlos_f(d2d, h_bs, h_ut, fc_ghz)
    s_los = los_sigma_db(scenario, d2d, h_bs, h_ut, fc_ghz)
    s_nlos = NLOS_SIGMA_DB[scenario]
    z = statistics.NormalDist().inv_cdf(q)
    if los == "los":
        return l_los + s_los * z
    if los == "nlos":
        return l_nlos + s_nlos * z
    # UMa's Pr_LOS exceeds 1 just beyond 18 m when C'(h_UT) > 0: a probability, so at most 1.
    return mixture_quantile_db(min(p_f(d2d, h_ut), 1.0), l_los, s_los, l_nlos, s_nlos, q)


def tr38901_weighted_mean_db(scenario, d2d, h_bs, h_ut, fc_ghz):
    los_f, nlos_f, p_f = SCENARIOS[scenario]
    return weighted_db(p_f(d2d, h_ut), los_f(d2d, h_bs, h_ut, fc_ghz),
                       nlos_f(d2d, h_bs, h_ut, fc_ghz))


# ---------------------------------------------------------------------------------------------
# [38901] Table 7.3-1, element radiation pattern (dB):
#   A(theta, phi=0)  = -min{12 ((theta - 90)/theta_3dB)^2, SLA_V}
#   A(theta=90, phi) = -min{12 (phi/phi_3dB)^2, A_max}
#   A(theta, phi)    = -min{-(A_V + A_H), A_max}
#   theta_3dB = phi_3dB = 65 deg, SLA_V = A_max = 30 dB, G_E,max = 8 dBi.
# theta - 90 is the angle below the (tilted) boresight; phi is wrapped to [-180, 180).


def pattern_gain_dbi(phi_deg, below_boresight_deg, phi_3db=65.0, theta_3db=65.0, a_max=30.0,
                     sla_v=30.0, g_max=8.0, omni=False):
    phi = (phi_deg + 180.0) % 360.0 - 180.0
    a_v = -min(12.0 * (below_boresight_deg / theta_3db) ** 2, sla_v)
    a_h = 0.0 if omni else -min(12.0 * (phi / phi_3db) ** 2, a_max)
    return g_max - min(-(a_v + a_h), a_max)


# ---------------------------------------------------------------------------------------------
# Link budget per resource element.


def noise_per_re_dbm(scs_khz, nf_db):
    return 10.0 * log10(BOLTZMANN_J_K * T0_K * scs_khz * 1.0e3 / 1.0e-3) + nf_db


def power_per_re_dbm(p_dbm, n_rb):
    return p_dbm - 10.0 * log10(12 * n_rb)


# ---------------------------------------------------------------------------------------------
# The points the tests use.

FREE_SPACE_POINTS = [  # (f_MHz, d2D_m, h_tx_m, h_rx_m)
    (1000.0, 1000.0, 10.0, 10.0),  # also sdr's documented 92.44778322188337
    (2600.0, 1.0, 25.0, 1.5),  # almost vertical: d_3D = 23.52 m
    (3500.0, 100.0, 25.0, 1.5),
    (1800.0, 5000.0, 30.0, 1.5),
    (28000.0, 200.0, 10.0, 1.5),
    (700.0, 30000.0, 50.0, 10.0),
]

HATA_POINTS = [  # (f_MHz, h_b_m, h_m_m, d_m)
    (1800.0, 30.0, 1.5, 1000.0),
    (1800.0, 30.0, 1.5, 5000.0),
    (1800.0, 30.0, 1.5, 20000.0),
    (1500.0, 50.0, 3.0, 2000.0),
    (2000.0, 200.0, 10.0, 10000.0),
    (1900.0, 45.0, 1.0, 500.0),  # below the 1 km validity limit: evaluated anyway
]

TR38901_POINTS = {  # scenario: [(f_MHz, d2D_m, h_BS_m, h_UT_m)]
    "rma": [
        (3500.0, 10.0, 35.0, 1.5),
        (3500.0, 500.0, 35.0, 1.5),
        (3500.0, 3800.0, 35.0, 1.5),  # d_BP = 3848.45 m
        (3500.0, 3900.0, 35.0, 1.5),
        (3500.0, 8000.0, 35.0, 1.5),
        (700.0, 2000.0, 60.0, 5.0),  # d_BP = 4398.23 m
        (700.0, 6000.0, 60.0, 5.0),
        (28000.0, 1000.0, 20.0, 2.0),  # d_BP = 23.5 km
    ],
    "uma": [
        (3500.0, 20.0, 25.0, 1.5),
        (3500.0, 200.0, 25.0, 1.5),
        (3500.0, 550.0, 25.0, 1.5),  # d'_BP = 560 m
        (3500.0, 570.0, 25.0, 1.5),
        (3500.0, 500.0, 25.0, 1.5),  # the example of docs/models/3gpp-38901.md
        (3500.0, 4000.0, 25.0, 1.5),
        (800.0, 100.0, 25.0, 1.5),  # d'_BP = 128 m
        (800.0, 2000.0, 25.0, 1.5),
        (3500.0, 300.0, 25.0, 15.0),  # h_UT > 13 m: C' > 0 in the LOS probability
        (28000.0, 500.0, 25.0, 1.5),
    ],
    "umi": [
        (3500.0, 15.0, 10.0, 1.5),
        (3500.0, 100.0, 10.0, 1.5),
        (3500.0, 205.0, 10.0, 1.5),  # d'_BP = 210 m
        (3500.0, 215.0, 10.0, 1.5),
        (3500.0, 800.0, 10.0, 1.5),
        (28000.0, 1000.0, 10.0, 1.5),  # d'_BP = 1680 m
        (28000.0, 2000.0, 10.0, 1.5),
        (2000.0, 500.0, 10.0, 5.0),  # d'_BP = 960 m
    ],
}

# Location probabilities of loss_not_exceeded_db: coverage at 95 % of locations, and a low one.
QUANTILES = [0.95, 0.1]

# (scenario, f_MHz, d2D_m, h_BS_m, h_UT_m): the distances where the mixture's median and the
# weighted mean differ most (mixture_extremes() prints them), for the Hanoi layers' setups.
MEAN_DIFFERENCE_POINTS = [
    ("uma", 3500.0, 60.0, 25.0, 1.5),
    ("uma", 3500.0, 120.0, 25.0, 1.5),
    ("umi", 3500.0, 45.0, 10.0, 1.5),
    ("umi", 3500.0, 115.0, 10.0, 1.5),
    ("rma", 773.0, 595.0, 35.0, 1.5),
    ("rma", 773.0, 1205.0, 35.0, 1.5),
]

P_LOS_POINTS = {
    "rma": [(5.0, 1.5), (10.0, 1.5), (100.0, 1.5), (1000.0, 1.5), (5000.0, 1.5)],
    "uma": [
        (10.0, 1.5),
        (18.0, 1.5),
        (50.0, 1.5),
        (200.0, 1.5),
        (500.0, 1.5),
        (300.0, 13.5),
        (100.0, 15.0),
        (300.0, 15.0),
        (300.0, 20.0),
        (150.0, 23.0),
    ],
    "umi": [(10.0, 1.5), (18.0, 1.5), (50.0, 1.5), (200.0, 1.5), (1000.0, 1.5)],
}

ANTENNA_POINTS = [  # (phi_deg, below_boresight_deg, theta_3dB, SLA_V, A_max, G_max, omni)
    (0.0, 0.0, 65.0, 30.0, 30.0, 8.0, False),
    (32.5, 0.0, 65.0, 30.0, 30.0, 8.0, False),
    (65.0, 0.0, 65.0, 30.0, 30.0, 8.0, False),
    (180.0, 0.0, 65.0, 30.0, 30.0, 8.0, False),
    (60.0, 40.0, 65.0, 30.0, 30.0, 8.0, False),  # 10.22 + 4.54 dB, uncapped
    (90.0, 50.0, 65.0, 30.0, 30.0, 8.0, False),  # 23.01 + 7.10 dB > 30 dB
    (0.0, 5.0, 10.0, 20.0, 25.0, 17.0, False),
    (70.0, 20.0, 10.0, 20.0, 25.0, 17.0, False),  # 13.92 + 20 dB > 25 dB
    (45.0, 3.0, 10.0, 20.0, 25.0, 17.0, True),
]


BREAKPOINT_POINTS = [  # (formula, f_MHz, h_BS_m, h_UT_m)
    ("rma", 3500.0, 35.0, 1.5),
    ("uma_umi", 3500.0, 25.0, 1.5),
    ("uma_umi", 3500.0, 10.0, 1.5),
    ("uma_umi", 28000.0, 25.0, 1.5),
]

# Where PL1 hands over to PL2: (model, f_MHz, h_BS_m, h_UT_m).
CONTINUITY_POINTS = [
    ("3gpp-38901-rma", 3500.0, 35.0, 1.5),
    ("3gpp-38901-uma", 3500.0, 25.0, 1.5),
    ("3gpp-38901-umi", 3500.0, 10.0, 1.5),
]

LINK_BUDGET_NOISE_POINTS = [(15, 0.0), (15, 7.0), (30, 0.0), (30, 9.0)]  # (SCS_kHz, NF_dB)
LINK_BUDGET_POWER_POINTS = [(46.0, 100), (43.0, 273), (49.0, 106)]  # (P_dBm, N_RB)

# Published elsewhere, cross-checked here and held by the data file as published.
# ns-3 okumura-hata-test-suite.cc: COST-231 Hata at 2114 MHz, h_b 30 m, h_m 1 m, 2 km, C = 0:
# 150.64 dB (ns-3 measures the 3-D distance, 2000.21 m; the difference is 0.002 dB).
NS3_HATA = (2114.0, 30.0, 1.0, 2000.0, 150.64)
# ns-3 three-gpp-propagation-loss-model-test-suite.cc: loss for 0 dBm at 5 GHz, h_UT 1.5 m;
# RMa h_BS 35 m, UMa 25 m, UMi 10 m; printed to 4 decimals.
NS3_TR38901 = {
    "rma": (35.0, [(10, "los", 77.3784), (100, "los", 87.2965), (1000, "los", 108.5577),
                   (10000, "los", 140.3896), (10, "nlos", 77.3784), (100, "nlos", 95.7718),
                   (1000, "nlos", 133.5223), (5000, "nlos", 160.5169)]),
    "uma": (25.0, [(10, "los", 72.9380), (100, "los", 86.2362), (1000, "los", 109.7252),
                   (5000, "los", 137.6794), (10, "nlos", 82.5131), (100, "nlos", 106.1356),
                   (1000, "nlos", 144.7641), (5000, "nlos", 172.0753)]),
    "umi": (10.0, [(10, "los", 69.8591), (100, "los", 88.4122), (1000, "los", 119.3114),
                   (5000, "los", 147.2696), (10, "nlos", 76.7563), (100, "nlos", 107.9432),
                   (1000, "nlos", 143.1886), (5000, "nlos", 167.8617)]),
}

# The tolerances of the tests: the engine must agree with this script to well below a
# thousandth of a dB, exactly where a formula returns a constant, and with published values to
# their printed decimals.
TOLERANCE_DB = 1e-6
TOLERANCE_PROBABILITY = 1e-12
TOLERANCE_NS3_TR38901_DB = 5e-5
TOLERANCE_NS3_HATA_DB = 0.01

# ---------------------------------------------------------------------------------------------
# The data file: one case per line (its format: tests/unit/core/test_reference_values.cpp).

DATA_FILE = pathlib.Path(__file__).with_suffix(".txt")


def number(x):
    """The shortest text that reads back as the same double, without a trailing '.0'."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def case(operation, expect, tolerance, **arguments):
    args = " ".join(f"{key}={value if isinstance(value, str) else number(value)}"
                    for key, value in arguments.items())
    return f"{operation} {args} expect={expect} tolerance={number(tolerance)}"


def data_lines():
    out = ["# P.525 free space over the slant distance; the LOS condition and the environment"
           " do not apply."]
    for f, d, ht, hr in FREE_SPACE_POINTS:
        loss = p525_free_space_db(slant_distance_m(d, ht, hr), f)
        out.append(case("path_loss_db", f"{loss:.10f}", TOLERANCE_DB, model="free-space", f_mhz=f,
                        d_m=d, h_tx_m=ht, h_rx_m=hr, los="*", environment="*"))

    out.append("\n# COST-231 Hata: urban C_m = 3 dB, suburban C_m = 0 dB, rural C_m = 0 dB plus"
               " Hata's open-area\n# correction; the LOS condition does not apply.")
    for f, hb, hm, d in HATA_POINTS:
        for env in ("urban", "suburban", "rural"):
            loss = cost231_environment_db(f, hb, hm, d / 1000.0, env)
            out.append(case("path_loss_db", f"{loss:.10f}", TOLERANCE_DB, model="cost231-hata",
                            f_mhz=f, d_m=d, h_tx_m=hb, h_rx_m=hm, los="*", environment=env))

    out.append("\n# 3GPP TR 38.901 Table 7.4.1-1 (RMa h = 5 m, W = 20 m; UMa/UMi h_E = 1 m), LOS, NLOS"
               " and the median\n# of their mixture (LOS with the probability of Table 7.4.2-1,"
               " each with its sigma_SF); the\n# environment does not apply.")
    for sc, points in TR38901_POINTS.items():
        for f, d, hb, hu in points:
            for los in ("los", "nlos", "probabilistic"):
                loss = tr38901_db(sc, los, d, hb, hu, f / 1000.0)
                out.append(case("path_loss_db", f"{loss:.10f}", TOLERANCE_DB,
                                model=f"3gpp-38901-{sc}", f_mhz=f, d_m=d, h_tx_m=hb, h_rx_m=hu,
                                los=los, environment="*"))

    out.append("\n# TR 38.901: the loss not exceeded at a fraction q of locations: L + sigma_SF"
               " Phi^-1(q) for LOS\n# and NLOS (Table 7.4.1-1 sigma_SF), the mixture's quantile for"
               " probabilistic; the path loss plus\n# the model's location margin.")
    for sc, points in TR38901_POINTS.items():
        for f, d, hb, hu in points:
            for q in QUANTILES:
                for los in ("los", "nlos", "probabilistic"):
                    loss = tr38901_db(sc, los, d, hb, hu, f / 1000.0, q)
                    out.append(case("loss_not_exceeded_db", f"{loss:.10f}", TOLERANCE_DB,
                                    model=f"3gpp-38901-{sc}", f_mhz=f, d_m=d, h_tx_m=hb,
                                    h_rx_m=hu, los=los, location_probability=q))

    out.append("\n# The mixture's median minus the LOS-probability weighted mean in dB (covsim's"
               " combination\n# before), where the difference is largest over d_2D = 10, 15, ..."
               " 5000 m (mixture_extremes()).")
    for sc, f, d, hb, hu in MEAN_DIFFERENCE_POINTS:
        diff = tr38901_db(sc, "probabilistic", d, hb, hu, f / 1000.0) - \
            tr38901_weighted_mean_db(sc, d, hb, hu, f / 1000.0)
        out.append(case("mixture_median_minus_weighted_mean_db", f"{diff:.10f}", TOLERANCE_DB,
                        model=f"3gpp-38901-{sc}", f_mhz=f, d_m=d, h_tx_m=hb, h_rx_m=hu))

    out.append("\n# TR 38.901 Table 7.4.2-1 LOS probability (exactly 1 up to 10 m, RMa, or 18 m).")
    for sc, points in P_LOS_POINTS.items():
        for d, hu in points:
            p = SCENARIOS[sc][2](d, hu)
            out.append(case("los_probability", f"{p:.12f}", 0.0 if p == 1.0 else
                            TOLERANCE_PROBABILITY, scenario=sc, d_m=d, h_ut_m=hu))

    out.append("\n# TR 38.901 breakpoint distances, notes 1 and 5 (c = 3.0e8 m/s).")
    for formula, f, hb, hu in BREAKPOINT_POINTS:
        fc = f / 1000.0
        d_bp = rma_breakpoint_m(hb, hu, fc) if formula == "rma" else uma_umi_breakpoint_m(hb, hu, fc)
        out.append(case("breakpoint_m", f"{d_bp:.10f}", 1e-6 if formula == "rma" else 1e-9,
                        formula=formula, h_bs_m=hb, h_ut_m=hu, f_ghz=fc))

    out.append("\n# The LOS loss at d_2D = d_BP (PL1) and its step to PL2 there. UMa and UMi are"
               " continuous by\n# construction; RMa's PL2 starts from PL1 at d_3D = d_BP while"
               " d_2D = d_BP means d_3D > d_BP,\n# so the TR's own formula steps there.")
    for model, f, hb, hu in CONTINUITY_POINTS:
        fc = f / 1000.0
        if model == "3gpp-38901-rma":
            d_bp = rma_breakpoint_m(hb, hu, fc)
            d3d = slant_distance_m(d_bp, hb, hu)
            pl1 = rma_pl1_db(d3d, fc, 5.0)
            pl2 = rma_pl1_db(d_bp, fc, 5.0) + 40.0 * log10(d3d / d_bp)
        else:
            d_bp = uma_umi_breakpoint_m(hb, hu, fc)
            d3d = slant_distance_m(d_bp, hb, hu)
            a, b, k = (28.0, 22.0, 9.0) if model == "3gpp-38901-uma" else (32.4, 21.0, 9.5)
            pl1 = a + b * log10(d3d) + 20.0 * log10(fc)
            pl2 = a + 40.0 * log10(d3d) + 20.0 * log10(fc) - k * log10(d_bp**2 + (hb - hu) ** 2)
        out.append(case("los_loss_at_breakpoint_db", f"{pl1:.10f}", TOLERANCE_DB, model=model,
                        f_mhz=f, h_tx_m=hb, h_rx_m=hu))
        out.append(case("los_step_at_breakpoint_db", f"{pl2 - pl1:.10f}", 1e-7, model=model,
                        f_mhz=f, h_tx_m=hb, h_rx_m=hu))

    out.append("\n# TR 38.901 Table 7.3-1 antenna pattern, horizontal beamwidth 65 deg: the cuts"
               " add and their sum\n# is capped at A_max.")
    for phi, v, t3, sla, amax, g, omni in ANTENNA_POINTS:
        gain = pattern_gain_dbi(phi, v, 65.0, t3, amax, sla, g, omni)
        out.append(case("antenna_gain_dbi", f"{gain:.10f}", 1e-9, phi_deg=phi,
                        below_boresight_deg=v, vertical_beamwidth_deg=t3, side_lobe_level_db=sla,
                        max_attenuation_db=amax, gain_dbi=g, omni="true" if omni else "false"))

    out.append("\n# Link budget per resource element: k T0 (k = 1.380649e-23 J/K, T0 = 290 K) times"
               " the subcarrier\n# spacing plus the noise figure; the power over 12 N_RB"
               " subcarriers.")
    for scs, nf in LINK_BUDGET_NOISE_POINTS:
        out.append(case("noise_per_re_dbm", f"{noise_per_re_dbm(scs, nf):.10f}", 1e-9,
                        subcarrier_spacing_khz=str(scs), noise_figure_db=nf))
    for p_dbm, n_rb in LINK_BUDGET_POWER_POINTS:
        out.append(case("power_per_re_dbm", f"{power_per_re_dbm(p_dbm, n_rb):.10f}", 1e-9,
                        power_dbm=p_dbm, resource_blocks=str(n_rb)))

    out.append("\n# Published: ns-3's okumura-hata test suite (C = 0, suburban), to its 0.01 dB.")
    f, hb, hm, d, published = NS3_HATA
    out.append(case("path_loss_db", f"{published}", TOLERANCE_NS3_HATA_DB, model="cost231-hata",
                    f_mhz=f, d_m=d, h_tx_m=hb, h_rx_m=hm, los="*", environment="suburban"))
    out.append("\n# Published: ns-3's three-gpp-propagation-loss-model test suite, 5 GHz, h_UT 1.5 m,"
               " to its 4 decimals.")
    for sc, (hb, rows) in NS3_TR38901.items():
        for d, los, published in rows:
            out.append(case("path_loss_db", f"{published:.4f}", TOLERANCE_NS3_TR38901_DB,
                            model=f"3gpp-38901-{sc}", f_mhz=5000.0, d_m=d, h_tx_m=hb, h_rx_m=1.5,
                            los=los, environment="*"))
    return out


HEADER = """\
# Reference values of covsim's propagation, antenna and link-budget functions, written by
# model_reference_values.py from the documents it cites: run the script, do not edit this file.
# One case per line: <operation> <argument>=<value>... expect=<value> tolerance=<value>; an
# argument "*" is one the result must not depend on. Read by
# tests/unit/core/test_reference_values.cpp, which names the operations.
"""


def mixture_extremes():
    """Prints, per setup of MEAN_DIFFERENCE_POINTS, the smallest and largest difference between
    the mixture's median and the weighted mean over d_2D = 10, 15, ... 5000 m."""
    print("\n# mixture median - weighted mean in dB (min at d, max at d)")
    setups = sorted({(sc, f, hb, hu) for sc, f, d, hb, hu in MEAN_DIFFERENCE_POINTS})
    for sc, f, hb, hu in setups:
        diffs = [(tr38901_db(sc, "probabilistic", d, hb, hu, f / 1000.0)
                  - tr38901_weighted_mean_db(sc, d, hb, hu, f / 1000.0), d)
                 for d in range(10, 5001, 5)]
        lo, hi = min(diffs), max(diffs)
        print(f"{sc} {f:g} MHz h_BS {hb:g} m h_UT {hu:g} m: {lo[0]:+.3f} dB at {lo[1]} m,"
              f" {hi[0]:+.3f} dB at {hi[1]} m")


def main():
    lines = data_lines()
    DATA_FILE.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    cases = sum(1 for line in lines if line and not line.startswith(("#", "\n")))
    print(f"wrote {cases} cases to {DATA_FILE}")

    print("\n# probabilistic combination, UMa 3.5 GHz, 500 m, h_UT 1.5 m")
    p = uma_p_los(500.0, 1.5)
    l_los = uma_los_db(500.0, 25.0, 1.5, 3.5)
    l_nlos = uma_nlos_db(500.0, 25.0, 1.5, 3.5)
    print(f"p={p:.6f} L_LOS={l_los:.4f} L_NLOS={l_nlos:.4f} "
          f"dB-weighted={weighted_db(p, l_los, l_nlos):.4f} "
          f"power-weighted={power_weighted_db(p, l_los, l_nlos):.4f} "
          f"(NLOS - power-weighted = {l_nlos - power_weighted_db(p, l_los, l_nlos):.2f} dB)")

    mixture_extremes()

    print("\n# cross-checks against numbers published elsewhere")
    # sdr (mhostetter.github.io/sdr) documents free_space_path_loss(1e3, 1e9) = 92.44778322188337.
    print(f"P.525 1 km, 1 GHz: {p525_free_space_db(1000.0, 1000.0):.11f} (sdr docs: 92.44778322188337)")
    f, hb, hm, d, published = NS3_HATA
    d3d_km = slant_distance_m(d, hb, hm) / 1000.0
    print(f"COST-231 C=0 2114 MHz 30/1 m 2 km: {cost231_hata_db(f, hb, hm, d3d_km, 0.0):.4f}"
          f" (ns-3 test suite: {published})")
    worst = 0.0
    for sc, (hb, rows) in NS3_TR38901.items():
        for d, c, published in rows:
            ours = tr38901_db(sc, c, float(d), hb, 1.5, 5.0)
            worst = max(worst, abs(ours - published))
            print(f"TR 38.901 {sc} {c} 5 GHz {d} m: {ours:.4f} (ns-3 test suite: {published})")
    print(f"largest difference from ns-3: {worst:.4f} dB")


if __name__ == "__main__":
    main()
