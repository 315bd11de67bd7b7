# shellcheck shell=bash
# Sourced by bench/run-end-to-end and bench/run-peers: the inputs of the single-site case, one
# mast at the centre of a 20 km radius disc on a SYNTHETIC 1 arc-second DEM (rolling hills,
# 0-300 m, bench/lib/synthetic_dem.py). No real terrain is needed or used.

synthetic_dem_py="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/synthetic_dem.py"

# single_site_area DIR LON0 LAT0: DIR/district.geojson, a 20 km radius disc (72-gon) around the
# site, and DIR/population.tif, 10 people per pixel over the disc.
single_site_area() {
    local dir="$1" lon0="$2" lat0="$3"
    python3 - "$dir" "$lon0" "$lat0" <<'PY'
import json, math, sys
out, lon0, lat0 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ring = []
for k in range(73):
    t = 2 * math.pi * (k % 72) / 72
    ring.append([lon0 + 20000.0 * math.sin(t) / 104000.0, lat0 + 20000.0 * math.cos(t) / 111000.0])
fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
    "code": "001", "name_vi": "disc", "name_ascii": "disc", "type": "rural_district",
    "population": 100000}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
json.dump(fc, open(f"{out}/district.geojson", "w"))
PY
    local corners
    corners="$(python3 -c "import sys; l, p = float(sys.argv[1]), float(sys.argv[2]); \
print(round(l - 0.25, 6), round(p + 0.25, 6), round(l + 0.25, 6), round(p - 0.25, 6))" "$lon0" "$lat0")"
    # shellcheck disable=SC2086
    gdal_create -q -of GTiff -outsize 200 200 -bands 1 -ot Float32 -burn 10 -a_srs EPSG:4326 \
        -a_ullr $corners "$dir/population.tif"
}

# synthetic_dem_geotiff DIR LON0 LAT0: DIR/dem.tif, Float32, +-0.22 deg around the site, pixel
# edges on whole arc-seconds.
synthetic_dem_geotiff() {
    local dir="$1" lon0="$2" lat0="$3"
    local args
    args="$(python3 -c "import sys; l, p = float(sys.argv[1]), float(sys.argv[2]); \
print(l - 0.22, p + 0.22, 1.0 / 3600.0, round(0.44 * 3600), round(0.44 * 3600))" "$lon0" "$lat0")"
    # shellcheck disable=SC2086
    python3 "$synthetic_dem_py" "$dir/dem.vrt" "$lon0" "$lat0" $args
    gdal_translate -q -of GTiff -co COMPRESS=DEFLATE -co TILED=YES "$dir/dem.vrt" "$dir/dem.tif"
    rm -f "$dir/dem.raw" "$dir/dem.vrt"
}

# synthetic_dem_hgt DIR LON0 LAT0: the 1 arc-second SRTM tiles (3601 x 3601 big-endian int16,
# whole metres, pixel centres on whole arc-seconds) covering 0.25 deg around the site, as
# DIR/<tile>.hgt, and DIR/dem.vrt, their mosaic. Prints the tile names.
synthetic_dem_hgt() {
    local dir="$1" lon0="$2" lat0="$3"
    local tiles tile lat lon
    tiles="$(python3 -c "import math, sys
l, p = float(sys.argv[1]), float(sys.argv[2])
for la in sorted({math.floor(p - 0.25), math.floor(p + 0.25)}):
    for lo in sorted({math.floor(l - 0.25), math.floor(l + 0.25)}):
        print(f\"{'N' if la >= 0 else 'S'}{abs(la):02d}{'E' if lo >= 0 else 'W'}{abs(lo):03d}\", la, lo)
" "$lon0" "$lat0")"
    while read -r tile lat lon; do
        python3 "$synthetic_dem_py" "$dir/$tile.f32.vrt" "$lon0" "$lat0" \
            "$(python3 -c "print($lon - 0.5 / 3600)")" "$(python3 -c "print($lat + 1 + 0.5 / 3600)")" \
            "$(python3 -c "print(1 / 3600)")" 3601 3601
        gdal_translate -q -of SRTMHGT -ot Int16 "$dir/$tile.f32.vrt" "$dir/$tile.hgt"
        rm -f "$dir/$tile.f32.vrt" "$dir/$tile.f32.raw"
        echo "$tile"
    done <<< "$tiles"
    (cd "$dir" && gdalbuildvrt -q dem.vrt ./*.hgt)
}
