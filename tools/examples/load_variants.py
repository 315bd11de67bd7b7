#!/usr/bin/python3
"""Loads every scenario and variant of a covsim results.h5 into one xarray Dataset.

usage: load_variants.py RESULTS.h5 [--json]

A scenario group is any HDF5 group with a `scenario` attribute, at any depth (the variants of a
sweep are nested groups, /<scenario>/<label>=<value>,...). The per-district variables of all of
them are stacked along a new `scenario` dimension, so that questions across variants are one
xarray expression:

    ds = load_variants("out/results.h5")
    ds.covered_population.sum("district")                 # per scenario
    (ds.covered_share - ds.covered_share.isel(scenario=0)) # change against the first
    ds.attrs, ds.city_cost_per_subscriber_usd_per_month    # city values, per scenario

With --json it prints what it loaded (used by the tests; docs/results-format.md).
Needs python3-h5py, python3-xarray and python3-h5netcdf (Debian packages).
"""
import json
import sys

import h5py
import xarray as xr


def members(group):
    """The names of a group's members in creation order (covsim tracks it), else by name."""
    names = []

    def add(name):
        names.append(name.decode())

    try:
        group.id.links.iterate(add, idx_type=h5py.h5.INDEX_CRT_ORDER)
    except (KeyError, ValueError, RuntimeError):  # a group without creation order
        names = sorted(group.keys())
    return names


def scenario_groups(path):
    """The HDF5 paths of the scenario groups, in the file's order."""
    found = []

    def walk(group):
        for key in members(group):
            obj = group.get(key)
            if isinstance(obj, h5py.Group):
                if "scenario" in obj.attrs:
                    found.append(obj.name.lstrip("/"))
                walk(obj)

    with h5py.File(path, "r") as f:
        walk(f)
    return found


def load_group(path, group):
    """The per-district variables (dimension `district`) of one scenario group."""
    ds = xr.open_dataset(path, group=group, engine="h5netcdf")
    keep = [v for v, da in ds.data_vars.items() if da.dims == ("district",)]
    out = ds[keep].load()
    with h5py.File(path, "r") as f:
        attrs = f[group].attrs
        name = attrs["scenario"]
        # The city values the writer records as city_<variable> attributes.
        for key in attrs:
            if key.startswith("city_"):
                out[key] = float(attrs[key][0]) if attrs[key].shape else float(attrs[key])
    ds.close()
    return out.expand_dims(scenario=[str(name)])


def load_variants(path):
    groups = scenario_groups(path)
    if not groups:
        raise SystemExit(f"{path}: no scenario group (a group with a 'scenario' attribute)")
    return xr.concat([load_group(path, g) for g in groups], dim="scenario")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ds = load_variants(argv[1])
    if "--json" in argv[2:]:
        print(json.dumps({
            "dims": {k: int(v) for k, v in ds.sizes.items()},
            "scenarios": [str(s) for s in ds.scenario.values],
            "districts": [str(d) for d in ds.district.values],
            "covered_population": ds.covered_population.values.tolist(),
            "served_population": ds.served_population.values.tolist(),
            "cost_per_subscriber_usd_per_month":
                ds.cost_per_subscriber_usd_per_month.values.tolist(),
            "city_covered_share": ds.city_covered_share.values.tolist(),
        }))
    else:
        print(ds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
