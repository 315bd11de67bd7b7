#!/usr/bin/python3
"""Plots covered share against cost per subscriber and month, one point per scenario or variant.

usage: plot_cost_coverage.py RESULTS.h5 OUT.png

Reads the city values of every scenario group (load_variants.py) and writes an 8 x 5 inch PNG at
100 dpi (800 x 500 pixels). Prints the plotted points as JSON on stdout, each with whether its
label lies inside the plot frame.
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
    # Labels point away from the nearer side so that none is cut at the frame: those of the
    # right half of the points to their left.
    middle = (min(cost) + max(cost)) / 2.0
    labels = []
    for x, y, name in zip(cost, share, names):
        right = x > middle
        labels.append(ax.annotate(name, (x, y), textcoords="offset points",
                                  xytext=(-5 if right else 5, 5), ha="right" if right else "left",
                                  fontsize=8))
    ax.margins(x=0.1, y=0.15)
    ax.set_xlabel("cost per subscriber (USD per month)")
    ax.set_ylabel("covered outdoors (% of the people)")
    ax.set_title("covsim: coverage against cost, one point per scenario")
    ax.grid(True, color="#dddddd", zorder=0)
    fig.savefig(argv[2], dpi=100)
    frame = ax.get_window_extent()
    inside = [frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
              for b in (label.get_window_extent() for label in labels)]
    plt.close(fig)
    print(json.dumps([{"scenario": n, "cost_per_subscriber_usd_per_month": float(x),
                       "covered_percent": float(y), "label_inside_frame": bool(i)}
                      for n, x, y, i in zip(names, cost, share, inside)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
