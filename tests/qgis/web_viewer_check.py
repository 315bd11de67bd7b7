#!/usr/bin/python3
"""covsim's web viewer (index.html, web/, tiles/*/tiles.json) opened in headless Chromium.

usage: web_viewer_check.py OUT WORK

OUT is the output directory of a covsim run of the Hanoi scenarios with --web-tiles
(tests/qgis/coarse_hanoi_run.py); WORK is a scratch directory (the server's log, the DOM and a
screenshot of the viewer, kept for a look). The files are checked first (TileJSON, GeoJSON,
Leaflet and its licence, the legends against the maps' .qml styles); then OUT is served with
`python3 -m http.server` on a free port and Chromium loads index.html: its DOM must hold the
legend of the first map and a layer switcher entry per map, the district names, no error note,
and the server must have served tiles of the first map and the GeoJSON files. Exits 0 when every
expectation holds, 1 otherwise, and 77 (ctest: skipped) with a "SKIPPED:" line when Chromium
is not installed.
"""

import html.parser
import json
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time

from osgeo import gdal, ogr

gdal.UseExceptions()

# The RSRP classes of docs/qgis.md, best first (the order of the legend).
RSRP_COLOURS = ["#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c"]
HANOI_LON, HANOI_LAT = (105.2, 106.1), (20.5, 21.4)


class Checks:
    def __init__(self) -> None:
        self.failures = 0

    def expect(self, ok: bool, message: str) -> bool:
        if not ok:
            print(f"FAIL: {message}")
            self.failures += 1
        return ok


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def viewer_config(out: pathlib.Path) -> dict:
    page = (out / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<script id="covsim-config" type="application/json">(.*?)</script>', page,
                  re.S)
    return json.loads(m.group(1))


def qml_colours(qml: pathlib.Path) -> list[str]:
    """The colours of a .qml's classes or categories, in the file's order."""
    return re.findall(r'<(?:item|paletteEntry) [^>]*color="(#[0-9a-f]{6})"',
                      qml.read_text(encoding="utf-8"))


def check_files(out: pathlib.Path, config: dict, ck: Checks) -> None:
    for f in ("leaflet.js", "leaflet.css", "images/layers.png", "LICENSE"):
        ck.expect((out / "web" / "leaflet" / f).is_file(), f"no web/leaflet/{f}")
    licence = (out / "web" / "leaflet" / "LICENSE").read_text(encoding="utf-8")
    ck.expect("Vladimir Agafonkin" in licence and "Redistributions" in licence,
              "web/leaflet/LICENSE lacks Leaflet's copyright or licence")
    ck.expect([s["name"] for s in config["scenarios"]] == ["hanoi-4g-2020", "hanoi-5g-2025"],
              f"scenarios {[s['name'] for s in config['scenarios']]}")
    for s in config["scenarios"]:
        maps = {m["metric"]: m for m in s["maps"]}
        for metric in ("rsrp_dbm", "sinr_db", "covered", "best_server"):
            ck.expect(metric in maps, f"{s['name']}: no {metric} in the viewer")
        for m in s["maps"]:
            check_tile_set(out, s["name"], m, ck)
        rsrp = maps.get("rsrp_dbm")
        if rsrp:
            ck.expect([e["colour"] for e in rsrp["legend"]] == RSRP_COLOURS,
                      f"{s['name']}: RSRP legend {rsrp['legend']}")
        check_geojson(out, s, ck)


def check_tile_set(out: pathlib.Path, scenario: str, m: dict, ck: Checks) -> None:
    where = f"{scenario}/{m['metric']}"
    tilejson = out / m["tilejson"]
    if not ck.expect(tilejson.is_file(), f"{where}: no {m['tilejson']}"):
        return
    tj = json.loads(tilejson.read_text(encoding="utf-8"))
    ck.expect(tj.get("tilejson") == "3.0.0", f"{where}: tilejson {tj.get('tilejson')}")
    ck.expect(tj.get("tiles") == ["{z}/{x}/{y}.png"], f"{where}: tiles {tj.get('tiles')}")
    ck.expect(tj.get("scheme") == "xyz", f"{where}: scheme {tj.get('scheme')}")
    w, s, e, n = tj["bounds"]
    ck.expect(HANOI_LON[0] < w < e < HANOI_LON[1] and HANOI_LAT[0] < s < n < HANOI_LAT[1],
              f"{where}: bounds {tj['bounds']} not around Hanoi")
    ck.expect((tj["minzoom"], tj["maxzoom"]) == (m["minzoom"], m["maxzoom"]),
              f"{where}: zooms {tj['minzoom']}..{tj['maxzoom']} differ from the viewer's")
    zooms = sorted(int(p.name) for p in tilejson.parent.iterdir() if p.is_dir())
    ck.expect(zooms == list(range(tj["minzoom"], tj["maxzoom"] + 1)),
              f"{where}: tile zooms {zooms}, TileJSON {tj['minzoom']}..{tj['maxzoom']}")
    # The legend has the classes of the map's QGIS style, in the legend's order.
    qml = out / "maps" / scenario / f"{m['metric']}.qml"
    colours = qml_colours(qml)
    legend = [e["colour"] for e in m["legend"]]
    if m["metric"] == "best_server":
        ck.expect(legend == colours[:len(legend)], f"{where}: legend colours {legend}")
    else:
        ck.expect(sorted(legend) == sorted(colours) and len(legend) == len(colours),
                  f"{where}: legend colours {legend}, .qml {colours}")
        ck.expect(tj["legend"].splitlines()[0].startswith(legend[0]),
                  f"{where}: TileJSON legend {tj['legend']!r}")


def check_geojson(out: pathlib.Path, s: dict, ck: Checks) -> None:
    gpkg = ogr.Open(str(out / "districts.gpkg"))
    for kind, table in (("districts", s["name"]), ("sectors", "sectors_" + s["name"])):
        path = out / s[kind]
        if not ck.expect(path.is_file(), f"{s['name']}: no {s[kind]}"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        features = doc["features"]
        ck.expect(len(features) == gpkg.GetLayerByName(table).GetFeatureCount(),
                  f"{s['name']}: {len(features)} {kind} in GeoJSON, "
                  f"{gpkg.GetLayerByName(table).GetFeatureCount()} in districts.gpkg")
        ck.expect("crs" not in doc, f"{s['name']}: {kind} GeoJSON names a crs (RFC 7946 has none)")
        lon, lat = first_position(features[0]["geometry"])
        ck.expect(HANOI_LON[0] < lon < HANOI_LON[1] and HANOI_LAT[0] < lat < HANOI_LAT[1],
                  f"{s['name']}: {kind} at {lon}, {lat}, not in Hanoi's longitude and latitude")
    names = [f["properties"]["name"] for f in
             json.loads((out / s["districts"]).read_text(encoding="utf-8"))["features"]]
    ck.expect(len(names) == 30 and "Ba Đình" in names, f"{s['name']}: district names {names[:5]}")


def first_position(geometry: dict) -> tuple[float, float]:
    c = geometry["coordinates"]
    while isinstance(c[0], list):
        c = c[0]
    return c[0], c[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dom(html.parser.HTMLParser):
    """The elements of a dumped DOM: (tag, attributes, text inside) of those with an id or a
    class, and the legend's text."""

    def __init__(self) -> None:
        super().__init__()
        self.classes: dict[str, int] = {}
        self.ids: dict[str, dict] = {}
        self.inputs: list[dict] = []
        self.stack: list[str] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
        if "id" in a:
            self.ids[a["id"]] = a
            self.text.setdefault(a["id"], "")
        if tag == "input":
            self.inputs.append(a)
        if tag not in ("input", "img", "br", "meta", "link"):
            self.stack.append(a.get("id", ""))

    def handle_endtag(self, tag):
        if tag not in ("input", "img", "br", "meta", "link") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text[i] += data


def run_chromium(browser: str, url: str, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--virtual-time-budget=15000", *args, url],
                          capture_output=True, text=True, timeout=180, check=False)


def check_browser(out: pathlib.Path, work: pathlib.Path, config: dict, browser: str,
                  ck: Checks) -> None:
    port = free_port()
    log = open(work / "http.log", "w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(out)],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/index.html"
        dom = run_chromium(browser, url, ["--dump-dom"])
        (work / "dom.html").write_text(dom.stdout, encoding="utf-8")
        shot = run_chromium(browser, url, ["--window-size=1200,900",
                                           f"--screenshot={work / 'viewer.png'}"])
        ck.expect(shot.returncode == 0, f"chromium --screenshot exited {shot.returncode}")
        # Hoan Kiem at zoom 14, where the sectors are drawn, for a look.
        zoomed = run_chromium(browser, url + "#14/21.02850/105.85200",
                              ["--window-size=1200,900", f"--screenshot={work / 'sectors.png'}"])
        ck.expect(zoomed.returncode == 0 and (work / "sectors.png").is_file(),
                  f"chromium --screenshot at zoom 14 exited {zoomed.returncode}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    check_dom(dom.stdout, out, config, ck)
    check_requests((work / "http.log").read_text(encoding="utf-8"), config, ck)
    check_screenshot(work / "viewer.png", ck)


def check_dom(text: str, out: pathlib.Path, config: dict, ck: Checks) -> None:
    dom = Dom()
    dom.feed(text)
    first = config["scenarios"][0]
    legend = dom.text.get("legend", "")
    ck.expect(f"{first['name']}: RSRP (dBm)" in legend and "excellent" in legend
              and "no service" in legend, f"legend text {legend!r}")
    gpkg = ogr.Open(str(out / "districts.gpkg"))
    sectors = gpkg.GetLayerByName("sectors_" + first["name"]).GetFeatureCount()
    ck.expect(sectors > 1000 and f"({sectors} sectors, drawn from zoom 12)" in legend,
              f"legend text {legend!r}: not the {sectors} sectors from zoom 12")
    ck.expect(dom.classes.get("covsim-swatch", 0) >= 5 + 4,
              f"{dom.classes.get('covsim-swatch', 0)} legend swatches (RSRP and sector load)")
    radios = [i for i in dom.inputs if i.get("type") == "radio"]
    maps = sum(len(s["maps"]) for s in config["scenarios"])
    ck.expect(len(radios) == maps, f"{len(radios)} maps in the layer switcher, {maps} expected")
    ck.expect(dom.classes.get("district-label", 0) == 30,
              f"{dom.classes.get('district-label', 0)} district labels, 30 expected")
    note = dom.ids.get("note", {})
    ck.expect("display: none" in note.get("style", ""),
              f"the viewer shows an error note: {dom.text.get('note', '')!r}")
    print(f"dom: legend {legend[:60]!r}..., {len(radios)} maps, "
          f"{dom.classes.get('district-label', 0)} district labels")


def check_requests(log: str, config: dict, ck: Checks) -> None:
    requests = re.findall(r'"GET (\S+) HTTP/1\.[01]" (\d+)', log)
    first = config["scenarios"][0]
    rsrp = next(m for m in first["maps"] if m["metric"] == "rsrp_dbm")
    prefix = "/" + rsrp["tiles"].split("{z}")[0]
    tiles = [(path, code) for path, code in requests if path.startswith(prefix)]
    served = [p for p, code in tiles if code == "200"]
    ck.expect(len(served) >= 4, f"{len(served)} tiles of {prefix} served: {tiles[:5]}")
    for wanted in ("/web/leaflet/leaflet.js", "/web/leaflet/leaflet.css",
                   "/" + first["districts"], "/" + first["sectors"]):
        ck.expect((wanted, "200") in requests, f"{wanted} not served: {requests[:8]}")
    missing = [p for p, code in requests if code != "200" and not p.startswith("/tiles/")]
    ck.expect(not missing, f"requests that failed: {missing}")
    print(f"server: {len(requests)} requests, {len(served)} RSRP tiles of {first['name']}")


def check_screenshot(png: pathlib.Path, ck: Checks) -> None:
    if not ck.expect(png.is_file(), f"no screenshot {png}"):
        return
    ds = gdal.Open(str(png))
    bands = [ds.GetRasterBand(i + 1).ReadAsArray() for i in range(3)]
    colours = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in RSRP_COLOURS]
    # The tiles are drawn at 85 % opacity over the map's background (#f4f4f2).
    blended = [tuple(round(0.85 * c + 0.15 * b) for c, b in zip(rgb, (0xf4, 0xf4, 0xf2)))
               for rgb in colours]
    pixels = bands[0].size
    near = 0
    for r, g, b in blended:
        near += int(((abs(bands[0].astype(int) - r) <= 3) & (abs(bands[1].astype(int) - g) <= 3)
                     & (abs(bands[2].astype(int) - b) <= 3)).sum())
    print(f"screenshot: {ds.RasterXSize} x {ds.RasterYSize}, {near / pixels:.3f} of the pixels "
          "in the RSRP colours")
    # The districts fill about a third of the window; the 4G RSRP classes most of that.
    ck.expect(near / pixels > 0.08, f"only {near / pixels:.3f} of the screenshot in RSRP colours")


def main() -> int:
    out, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    browser = chromium()
    if browser is None:
        print("SKIPPED: Chromium is not available; install the Debian package chromium to test "
              "the web viewer")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ck = Checks()
    config = viewer_config(out)
    check_files(out, config, ck)
    check_browser(out, work, config, browser, ck)
    print(f"web viewer: {ck.failures} failures")
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main())
