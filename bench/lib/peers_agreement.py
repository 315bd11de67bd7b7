#!/usr/bin/env python3
"""Path-loss agreement between SPLAT! and covsim, at SPLAT!'s points.

SPLAT!'s alphanumeric output (-ano, path-loss mode) lists the points of its radials: latitude,
longitude (degrees West, 0-360), azimuth, elevation angle, path loss in dB (and '*' when the path
is obstructed). covsim writes no path-loss map; its RSRP map gives it back through the link
budget of docs/scenario-format.md ("What the keys mean for the computation"):

    L = P_total - 10 log10(12 N_RB) + G_tx + rx_gain_dbi - RSRP = OFFSET_DB - RSRP

Each SPLAT! point takes the covsim cell it falls in (nearest cell centre); points on no covsim
cell (outside the district, nodata) are not compared.

Usage: peers_agreement.py SPLAT.ano RSRP.tif OFFSET_DB
Prints a Markdown table: for all points, and apart for those SPLAT! marks line of sight and
obstructed, the points compared, the median and 90th percentile of |dL| and the median of
dL = L_covsim - L_SPLAT!.
"""
import array
import json
import math
import os
import subprocess
import sys
import tempfile


def splat_points(path):
    lons, lats, losses, obstructed = [], [], [], []
    with open(path) as f:
        for line in f:
            line = line.split(";")[0].strip()
            fields = [v.strip() for v in line.rstrip("*").split(",")]
            if len(fields) != 5:
                continue  # the two header lines (max/min west, max/min north)
            lat, lon_west, loss = float(fields[0]), float(fields[1]), float(fields[4])
            lons.append((-lon_west + 180.0) % 360.0 - 180.0)
            lats.append(lat)
            losses.append(loss)
            obstructed.append(line.endswith("*"))
    return lons, lats, losses, obstructed


def raster(path, tmp):
    info = json.loads(subprocess.run(["gdalinfo", "-json", path], check=True,
                                     capture_output=True, text=True).stdout)
    band = info["bands"][0]
    assert band["type"] == "Float32", f"{path}: expected Float32, got {band['type']}"
    raw = os.path.join(tmp, "rsrp.f32")
    subprocess.run(["gdal_translate", "-q", "-of", "ENVI", path, raw], check=True)
    values = array.array("f")
    with open(raw, "rb") as f:
        values.frombytes(f.read())
    if sys.byteorder != "little":
        values.byteswap()
    cols, rows = info["size"]
    return info, values, cols, rows, band.get("noDataValue")


def projected(info, lons, lats, tmp):
    wkt = os.path.join(tmp, "crs.wkt")
    with open(wkt, "w") as f:
        f.write(info["coordinateSystem"]["wkt"])
    text = "".join(f"{lo!r} {la!r}\n" for lo, la in zip(lons, lats))
    out = subprocess.run(["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", wkt, "-output_xy"],
                         input=text, check=True, capture_output=True, text=True).stdout
    return [tuple(map(float, line.split())) for line in out.splitlines()]


def percentile(sorted_values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def main():
    ano, tif, offset_db = sys.argv[1], sys.argv[2], float(sys.argv[3])
    lons, lats, losses, obstructed = splat_points(ano)
    with tempfile.TemporaryDirectory() as tmp:
        info, values, cols, rows, nodata = raster(tif, tmp)
        xy = projected(info, lons, lats, tmp)
    x0, dx, _, y0, _, dy = info["geoTransform"]
    delta = {"all points": [], "line of sight (SPLAT!)": [], "obstructed (SPLAT!)": []}
    for (x, y), splat_loss, behind in zip(xy, losses, obstructed):
        c, r = math.floor((x - x0) / dx), math.floor((y - y0) / dy)
        if not (0 <= c < cols and 0 <= r < rows):
            continue
        rsrp = values[r * cols + c]
        if math.isnan(rsrp) or rsrp == nodata:
            continue
        d = offset_db - rsrp - splat_loss
        delta["all points"].append(d)
        delta["obstructed (SPLAT!)" if behind else "line of sight (SPLAT!)"].append(d)
    if not delta["all points"]:
        sys.exit(f"{tif}: no SPLAT! point of {ano} falls on a covsim cell with a value")
    print(f"| points | compared (of SPLAT!'s {len(losses)}) | median abs(dL) | "
          "90th percentile abs(dL) | median dL, covsim - SPLAT! |")
    print("| --- | --- | --- | --- | --- |")
    for name, deltas in delta.items():
        if not deltas:
            continue
        absolute = sorted(abs(d) for d in deltas)
        print(f"| {name} | {len(deltas)} | {percentile(absolute, 50):.2f} dB | "
              f"{percentile(absolute, 90):.2f} dB | {percentile(sorted(deltas), 50):+.2f} dB |")

if __name__ == "__main__":
    main()
