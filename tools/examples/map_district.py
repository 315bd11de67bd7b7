#!/usr/bin/python3
"""Maps the RSRP of one district of one scenario, in the classes of docs/qgis.md.

usage: map_district.py RESULTS.h5 SCENARIO DISTRICT_CODE OUT.png

Cuts the scenario's rsrp_dbm map to the cells of the district (district_index), draws it with
the RSRP classes of covsim's styles on the projected grid (x, y in km) and writes an
8 x 8 inch PNG at 100 dpi (800 x 800 pixels). Prints what it mapped as JSON: the district's
cells, its people, and the share of them in covered cells (which equals the district's
covered_share in results.h5).
Needs python3-h5py, python3-xarray, python3-h5netcdf and python3-matplotlib.
"""
import json
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402

# RSRP classes of engine/io/map_styles.cpp (docs/qgis.md): breaks in dBm and colours.
RSRP_BREAKS = [-200.0, -110.0, -100.0, -90.0, -80.0, 0.0]
RSRP_COLOURS = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"]


def scenario_groups(path):
    """The scenario groups of a results file: groups at any depth with a `scenario` attribute."""
    names = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: names.append(name)
                     if isinstance(obj, h5py.Group) and "scenario" in obj.attrs else None)
    return names


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    path, scenario, code, out = argv[1:]
    scenarios = scenario_groups(path)
    if scenario not in scenarios:
        print(f"{path}: no scenario {scenario}; it has {', '.join(scenarios)}", file=sys.stderr)
        return 2
    ds = xr.open_dataset(path, group=scenario, engine="h5netcdf")
    codes = [str(c) for c in ds.district.values]
    if code not in codes:
        print(f"{path}: scenario {scenario} has no district {code}; it has {', '.join(codes)}",
              file=sys.stderr)
        return 2
    index = codes.index(code)
    inside = ds.district_index == index
    rows = np.flatnonzero(inside.any("x").values)
    cols = np.flatnonzero(inside.any("y").values)
    window = dict(y=slice(rows.min(), rows.max() + 1), x=slice(cols.min(), cols.max() + 1))
    rsrp = ds.rsrp_dbm.isel(**window).where(inside.isel(**window))

    fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
    x_km, y_km = rsrp.x / 1000.0, rsrp.y / 1000.0
    # Cells of the district without a sector in range in grey, then the RSRP classes; cells
    # outside the district stay blank.
    no_signal = inside.isel(**window) & rsrp.isnull()
    ax.pcolormesh(x_km, y_km, np.ma.masked_where(~no_signal.values, no_signal.values),
                  cmap=ListedColormap(["#bebebe"]), shading="nearest")
    cmap = ListedColormap(RSRP_COLOURS)
    mesh = ax.pcolormesh(x_km, y_km, np.ma.masked_invalid(rsrp.values), cmap=cmap,
                         norm=BoundaryNorm(RSRP_BREAKS, cmap.N), shading="nearest")
    ax.set_aspect("equal")
    name = str(ds.name.values[index])
    ax.set_title(f"{scenario}: RSRP in {name} ({code})")
    crs = ds.crs.attrs.get("epsg_code", "")
    ax.set_xlabel(f"x (km, {crs})")
    ax.set_ylabel(f"y (km, {crs})")
    bar = fig.colorbar(mesh, ax=ax, label="RSRP (dBm)", shrink=0.7)
    bar.set_ticks(RSRP_BREAKS[1:-1])
    fig.savefig(out, dpi=100)
    plt.close(fig)

    people = ds.cell_population.where(inside)
    covered = people.where(ds.covered == 1)
    print(json.dumps({
        "scenario": scenario,
        "district": code,
        "name": name,
        "cells": int(inside.sum()),
        "population": float(people.sum()),
        "covered_share": float(covered.sum() / people.sum()),
        "rsrp_max_dbm": float(rsrp.max()),
    }))
    ds.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
