#!/usr/bin/python3
"""Computes the polynomial g of fast::atan2_deg (engine/core/fast_math.hpp): atan t = t + t^3 g(t^2)
for |t| <= tan(pi/8), g of degree 10 in s = t^2, interpolating (atan t / t - 1) / t^2 at the 11
Chebyshev nodes of [0, tan^2(pi/8)] (near-minimax: the function is analytic there, its nearest
singularity at s = -1). Prints the coefficients rounded to double, lowest degree first, and the
largest error over the interval of g and of the term t^3 g with those coefficients, in 60-digit
arithmetic.

Usage: tools/dev/fit-atan.py          (needs Debian's python3-mpmath)
"""

import mpmath as mp

mp.mp.dps = 60
DEGREE = 10
S_MAX = mp.tan(mp.pi / 8) ** 2


def g(s):
    if s == 0:
        return mp.mpf(-1) / 3
    t = mp.sqrt(s)
    return (mp.atan(t) / t - 1) / s


def chebyshev_interpolant(n):
    nodes = [S_MAX / 2 + S_MAX / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1)]
    a = mp.matrix([[x**j for j in range(n + 1)] for x in nodes])
    b = mp.matrix([g(x) for x in nodes])
    return mp.lu_solve(a, b)


def main():
    coefficients = [float(c) for c in chebyshev_interpolant(DEGREE)]
    worst_g = mp.mpf(0)
    worst_term = mp.mpf(0)
    for i in range(4001):
        s = S_MAX * i / 4000
        err = abs(sum(mp.mpf(c) * s**j for j, c in enumerate(coefficients)) - g(s))
        worst_g = max(worst_g, err)
        worst_term = max(worst_term, err * s ** mp.mpf(1.5))
    for c in coefficients:
        print(repr(c))
    print(f"max |error| of g: {mp.nstr(worst_g, 3)}; of t^3 g (radians): {mp.nstr(worst_term, 3)}")


if __name__ == "__main__":
    main()
