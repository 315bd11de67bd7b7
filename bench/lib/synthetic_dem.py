#!/usr/bin/env python3
"""The synthetic terrain of the benchmarks: rolling hills, 0-300 m, around (lon0, lat0).

One definition of the heights, sampled on any north-up geographic grid and written as raw
Float32 plus a GDAL VRT (EPSG:4326) that gdal_translate turns into a GeoTIFF or an SRTM .hgt
tile. No real terrain is needed or used.

Usage: synthetic_dem.py OUT.vrt LON0 LAT0 WEST NORTH STEP COLS ROWS
  WEST, NORTH: the grid's outer corner (pixel edges, degrees); STEP: pixel size (degrees);
  heights are evaluated at pixel centres.
"""
import array
import math
import os
import sys


def height_m(lon, lat, lon0, lat0):
    x, y = (lon - lon0) * 104000.0, (lat - lat0) * 111000.0
    return (150.0 + 100.0 * math.sin(x / 2300.0) * math.cos(y / 3100.0)
            + 50.0 * math.sin((x + y) / 900.0))


def main():
    out = sys.argv[1]
    lon0, lat0, west, north, step = (float(v) for v in sys.argv[2:7])
    cols, rows = int(sys.argv[7]), int(sys.argv[8])
    raw = os.path.splitext(out)[0] + ".raw"
    with open(raw, "wb") as f:
        for r in range(rows):
            lat = north - (r + 0.5) * step
            a = array.array("f", (height_m(west + (c + 0.5) * step, lat, lon0, lat0)
                                  for c in range(cols)))
            if sys.byteorder != "little":
                a.byteswap()
            a.tofile(f)
    with open(out, "w") as f:
        f.write(f"""<VRTDataset rasterXSize="{cols}" rasterYSize="{rows}">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>{west!r}, {step!r}, 0, {north!r}, 0, {-step!r}</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand">
    <SourceFilename relativeToVRT="1">{os.path.basename(raw)}</SourceFilename>
    <ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>{4 * cols}</LineOffset>
    <ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>
</VRTDataset>
""")


if __name__ == "__main__":
    main()
