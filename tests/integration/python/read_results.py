#!/usr/bin/env python3
"""Opens a covsim results.h5 the way researchers do and prints what it found as JSON.

Usage: read_results.py RESULTS.h5 GROUP

Used by tests/integration/test_results_readers.cpp, which compares the output with the values
it reads through the HDF5 C library. Needs python3-h5py, python3-xarray, python3-h5netcdf
(and python3-netcdf4 for the netCDF-C reader), all installed by tools/dev/deps.sh.
"""
import json
import sys

import h5py
import numpy as np
import xarray as xr


def main(path, group):
    out = {}
    with h5py.File(path, "r") as f:
        out["h5py_groups"] = sorted(f.keys())
        out["h5py_schema_version"] = int(f.attrs["schema_version"])
        g = f[group]
        out["h5py_scenario"] = g.attrs["scenario"]
        out["h5py_rsrp_shape"] = list(g["rsrp_dbm"].shape)

    for engine in ("h5netcdf", "netcdf4"):
        ds = xr.open_dataset(path, group=group, engine=engine)
        rsrp = ds["rsrp_dbm"]
        out[engine] = {
            "dims": {k: int(v) for k, v in ds.sizes.items()},
            "rsrp_dims": list(rsrp.dims),
            "rsrp_units": rsrp.attrs.get("units"),
            # _FillValue is applied by xarray: nodata cells come back as NaN.
            "rsrp_valid_cells": int(rsrp.notnull().sum()),
            "rsrp_max": float(rsrp.max()),
            "x0": float(ds["x"][0]),
            "y0": float(ds["y"][0]),
            "districts": [str(d) for d in ds["district"].values],
            "names": [str(n) for n in ds["name"].values],
            "population": [float(p) for p in ds["population"].values],
            "covered_population": [float(p) for p in ds["covered_population"].values],
            "layers": [str(l) for l in ds["layer"].values],
            "layer_covered_dims": list(ds["layer_covered"].dims),
            "crs_grid_mapping": ds["crs"].attrs.get("grid_mapping_name"),
            # CF flags: each value of a categorical map with its meaning.
            "flags": {v: dict(zip([int(x) for x in ds[v].attrs["flag_values"]],
                                  ds[v].attrs["flag_meanings"].split()))
                      for v in ("covered_indoor", "serving_layer")},
            "cell_population_sum": float(ds["cell_population"].sum()),
            "selected_population": float(ds["population"].sel(district="002")),
        }
        ds.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
