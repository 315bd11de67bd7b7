#!/usr/bin/python3
"""Plots covered share against cost per subscriber and month, one point per scenario or variant.

usage: plot_cost_coverage.py RESULTS.h5 OUT.png

Reads the city values of every scenario group (load_variants.py) and writes an 8 x 5 inch PNG at
100 dpi (800 x 500 pixels). Prints the plotted points as JSON on stdout.
Needs python3-matplotlib besides the packages of load_variants.py.
"""
import json
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from load_variants import load_variants  # noqa: E402


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds = load_variants(argv[1])
    cost = ds.city_cost_per_subscriber_usd_per_month.values
    share = 100.0 * ds.city_covered_share.values
    names = [str(s) for s in ds.scenario.values]

    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    ax.scatter(cost, share, color="#377eb8", zorder=3)
    for x, y, name in zip(cost, share, names):
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlabel("cost per subscriber (USD per month)")
    ax.set_ylabel("covered outdoors (% of the people)")
    ax.set_title("covsim: coverage against cost, one point per scenario")
    ax.grid(True, color="#dddddd", zorder=0)
    fig.savefig(argv[2], dpi=100)
    plt.close(fig)
    print(json.dumps([{"scenario": n, "cost_per_subscriber_usd_per_month": float(x),
                       "covered_percent": float(y)} for n, x, y in zip(names, cost, share)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
