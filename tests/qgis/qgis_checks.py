#!/usr/bin/python3
"""covsim's outputs opened in QGIS itself (PyQGIS, headless).

usage: qgis_checks.py CHECK OUT [WORK]

CHECK is one of maps, districts, project, render, web_tiles, themes, layouts; OUT is the output directory of a
covsim run of the Hanoi scenarios (tests/qgis/coarse_hanoi_run.py); WORK is a scratch directory
for rendered images and copies (kept for inspection). Exits 0 when every expectation holds, 1
otherwise, and 77 (ctest: skipped) with a "SKIPPED:" line when PyQGIS is not installed.

The expected styles are the ones docs/qgis.md documents, written out again here on purpose: the
test compares the outputs with the documentation, not with the code that wrote them.
"""

import atexit
import math
import os
import pathlib
import shutil
import sys
import tempfile

# Headless, and without touching the user's QGIS profile or runtime directory: private
# temporary ones, removed at exit.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for variable in ("XDG_RUNTIME_DIR", "QGIS_CUSTOM_CONFIG_PATH"):
    if variable not in os.environ:
        os.environ[variable] = tempfile.mkdtemp(prefix="covsim-qgis-")
        atexit.register(shutil.rmtree, os.environ[variable], True)

try:
    from qgis.core import (
        QgsApplication,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemPicture,
        QgsLayoutItemScaleBar,
        QgsLayerTreeModel,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsPointXY,
        QgsProject,
        QgsRasterLayer,
        QgsRectangle,
        QgsSymbolLayer,
        QgsUnitTypes,
        QgsVectorLayer,
        QgsWkbTypes,
    )
    from qgis.PyQt.QtCore import QDate, QSize
    from qgis.PyQt.QtGui import QColor, QImage
except ImportError as e:  # visible in ctest's output and log
    print(f"SKIPPED: PyQGIS is not available ({e}); install the Debian packages qgis and "
          "python3-qgis to run the QGIS tests")
    sys.exit(77)

import h5py
import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()

# --- the documented styles (docs/qgis.md) -------------------------------------------------------

INF = math.inf
RED, ORANGE, YELLOW, LIGHT_GREEN, GREEN = "#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"
CLASSIFIED = {  # metric: [(lower bound, colour), ...]
    "rsrp_dbm": [(-INF, RED), (-110, ORANGE), (-100, YELLOW), (-90, LIGHT_GREEN), (-80, GREEN)],
    "sinr_db": [(-INF, RED), (-5, ORANGE), (0, YELLOW), (13, LIGHT_GREEN), (20, GREEN)],
    "throughput_mbps": [(-INF, "#440154"), (2, "#414487"), (10, "#2a788e"), (25, "#22a884"),
                        (100, "#7ad151"), (300, "#fde725")],
}
CLASSIFIED["user_throughput_mbps"] = CLASSIFIED["throughput_mbps"]
CATEGORIES = {  # metric: {value: colour}
    "covered": {0: RED, 1: GREEN},
    "served": {0: RED, 1: GREEN},
    "covered_indoor": {0: RED, 1: ORANGE, 2: GREEN},
    "line_of_sight": {0: "#787878", 1: "#ffffb2"},
}
SERVER_PALETTE = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
                  "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324", "#fffac8",
                  "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#a9a9a9"]
LAYER_PALETTE = ["#377eb8", "#e41a1c", "#4daf4a", "#984ea3", "#ff7f00", "#ffff33", "#a65628",
                 "#f781bf"]
SHARE_CLASSES = [(-INF, "#d73027"), (0.5, "#fc8d59"), (0.8, "#fee08b"), (0.9, "#d9ef8b"),
                 (0.95, "#91cf60"), (0.99, "#1a9850")]
DISTRICT_STYLES = ["served share", "cost per subscriber", "affordability", "covered share"]
LOAD_CLASSES = [(-INF, GREEN), (0.5, LIGHT_GREEN), (0.8, ORANGE), (1.0, RED)]

# Hanoi (pre-2025 boundaries) lies within this box, degrees.
HANOI_LON = (105.25, 106.05)
HANOI_LAT = (20.55, 21.40)
UTM_48N = "EPSG:32648"


# A radio layer's own maps (docs/results-format.md): layer_<map>_<layer>.tif, styled like <map>.
LAYER_MAPS = ["rsrp_dbm", "sinr_db", "covered"]
BORDER = "#282828"  # the district borders above every map


def style_metric(stem):
    """The documented style of a map file: its own name, or a per-layer map's main map."""
    for metric in LAYER_MAPS:
        if stem.startswith(f"layer_{metric}_"):
            return metric
    return stem


def class_colour(classes, value):
    colour = None
    for lower, c in classes:
        if value >= lower:
            colour = c
    return colour


class Checker:
    def __init__(self):
        self.failures = 0
        self.checks = 0

    def expect(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures += 1
            print(f"FAIL: {message}")
        return condition

    def done(self, what):
        print(f"{what}: {self.checks} expectations, {self.failures} failed")
        return 1 if self.failures else 0


def scenarios_of(out: pathlib.Path):
    return sorted(p.name for p in (out / "maps").iterdir() if p.is_dir())


def inside_hanoi(layer):
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    t = QgsCoordinateTransform(layer.crs(), wgs84, QgsProject.instance())
    e = t.transformBoundingBox(layer.extent())
    return (HANOI_LON[0] <= e.xMinimum() and e.xMaximum() <= HANOI_LON[1]
            and HANOI_LAT[0] <= e.yMinimum() and e.yMaximum() <= HANOI_LAT[1])


def check_raster_style(ck, out, layer, metric, scenario, where):
    """The layer's renderer is the documented one, not QGIS's default grey."""
    r = layer.renderer()
    if metric in CLASSIFIED:
        if not ck.expect(r.type() == "singlebandpseudocolor",
                         f"{where}: renderer {r.type()}, expected singlebandpseudocolor"):
            return
        shader = r.shader().rasterShaderFunction()
        ck.expect(shader.colorRampType() == shader.Discrete, f"{where}: ramp is not discrete")
        items = shader.colorRampItemList()
        classes = CLASSIFIED[metric]
        ck.expect([i.color.name() for i in items] == [c for _, c in classes],
                  f"{where}: colours {[i.color.name() for i in items]}")
        # Discrete items are upper bounds (inclusive): each must sit just below the next class's
        # lower bound, so that the lower bound itself belongs to the upper class.
        for k, item in enumerate(items):
            if k + 1 == len(classes):
                ck.expect(item.value == INF, f"{where}: last class ends at {item.value}")
                continue
            upper, upper_colour = classes[k + 1]
            ck.expect(item.value < upper and upper - item.value < 1e-4 * max(1, abs(upper)),
                      f"{where}: class {k} ends at {item.value}, expected just below {upper}")
            # A value on a break is drawn in the class the break opens.
            drawn = QColor(*shader.shade(upper)[1:4]).name()
            ck.expect(drawn == upper_colour, f"{where}: {upper} drawn {drawn}, expected {upper_colour}")
    elif metric in CATEGORIES or metric in ("best_server", "serving_layer"):
        if not ck.expect(r.type() == "paletted", f"{where}: renderer {r.type()}, expected paletted"):
            return
        classes = {int(c.value): c.color.name() for c in r.classes()}
        if metric in CATEGORIES:
            ck.expect(classes == CATEGORIES[metric], f"{where}: classes {classes}")
        elif metric == "best_server":
            sectors = h5_sectors(out, scenario)
            ck.expect(len(classes) == sectors, f"{where}: {len(classes)} classes for {sectors} sectors")
            ck.expect(all(classes[i] == SERVER_PALETTE[i % 20] for i in classes),
                      f"{where}: colours do not cycle through the documented palette")
        else:
            ck.expect(all(classes[i] == LAYER_PALETTE[i % 8] for i in classes),
                      f"{where}: layer colours {classes}")
            names = [c.label for c in r.classes()]
            ck.expect(names == h5_layers(out, scenario), f"{where}: labels {names}")
    else:
        ck.expect(False, f"{where}: no documented style for metric {metric}")


def check_layer_map(ck, out, ds, scenario, stem, metric, layers, where):
    """A radio layer's map holds that layer's values of results.h5 (layer_<map>)."""
    layer = stem[len(f"layer_{metric}_"):]
    ck.expect(ds.GetMetadataItem("COVSIM_LAYER") == layer, f"{where}: COVSIM_LAYER")
    if not ck.expect(layer in layers, f"{where}: {layer} is not a layer of {layers}"):
        return
    with h5py.File(out / "results.h5", "r") as f:
        want = f[scenario][f"layer_{metric}"][layers.index(layer)]
    got = ds.GetRasterBand(1).ReadAsArray()
    ck.expect(got.shape == want.shape and np.array_equal(got, want.astype(got.dtype)),
              f"{where}: values differ from results.h5 layer_{metric}[{layer}]")
    ck.expect(np.any(got != ds.GetRasterBand(1).GetNoDataValue()), f"{where}: all nodata")


def h5_sectors(out, scenario):
    with h5py.File(out / "results.h5", "r") as f:
        return f[scenario]["sector"].shape[0]


def h5_layers(out, scenario):
    with h5py.File(out / "results.h5", "r") as f:
        return [v.decode() if isinstance(v, bytes) else str(v) for v in f[scenario]["layer"][:]]


# --- maps ------------------------------------------------------------------------------------------

def check_maps(out: pathlib.Path, _work: pathlib.Path) -> int:
    ck = Checker()
    for scenario in scenarios_of(out):
        maps = sorted((out / "maps" / scenario).glob("*.tif"))
        ck.expect(len(maps) >= 5, f"{scenario}: only {len(maps)} maps")
        layers = h5_layers(out, scenario)
        ck.expect(sorted(t.stem for t in maps if t.stem.startswith("layer_")) ==
                  sorted(f"layer_{m}_{l}" for m in LAYER_MAPS for l in layers),
                  f"{scenario}: per-layer maps {[t.stem for t in maps]} for layers {layers}")
        for tif in maps:
            metric = style_metric(tif.stem)
            where = f"{scenario}/{tif.stem}"
            # The file as GDAL sees it: COG, tiled, compressed, overviews, metadata.
            ds = gdal.Open(str(tif))
            band = ds.GetRasterBand(1)
            ck.expect(ds.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") == "COG", f"{where}: not a COG")
            ck.expect(ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE",
                      f"{where}: not DEFLATE")
            ck.expect(ds.GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE") in ("2", "3"),
                      f"{where}: no predictor")
            ck.expect(band.GetBlockSize() == [256, 256], f"{where}: blocks {band.GetBlockSize()}")
            ck.expect(band.GetOverviewCount() >= 1, f"{where}: no overviews")
            ck.expect(band.GetNoDataValue() is not None, f"{where}: no nodata")
            ck.expect(band.GetDescription() != "", f"{where}: no band description")
            ck.expect(ds.GetMetadataItem("COVSIM_SCENARIO") == scenario, f"{where}: COVSIM_SCENARIO")
            ck.expect(ds.GetMetadataItem("COVSIM_METRIC") == tif.stem, f"{where}: COVSIM_METRIC")
            if metric != tif.stem:
                check_layer_map(ck, out, ds, scenario, tif.stem, metric, layers, where)
            ck.expect(bool(ds.GetMetadataItem("COVSIM_VERSION")), f"{where}: COVSIM_VERSION")
            if metric in CLASSIFIED:
                ck.expect(band.GetUnitType() in ("dBm", "dB", "Mbit/s"), f"{where}: units {band.GetUnitType()}")
            if metric == "best_server":
                # Hanoi has more than 255 sectors: UInt16, the smallest type that holds them.
                ck.expect(band.DataType == gdal.GDT_UInt16, f"{where}: type {gdal.GetDataTypeName(band.DataType)}")
                ck.expect(band.GetNoDataValue() == 65535, f"{where}: nodata {band.GetNoDataValue()}")
                ct = band.GetColorTable()
                ok = ct is not None and all(
                    "#%02x%02x%02x" % ct.GetColorEntry(i)[:3] == SERVER_PALETTE[i % 20] for i in range(0, 400, 7))
                ck.expect(ok, f"{where}: colour table does not cycle through the palette")
            if metric in ("covered", "served", "serving_layer"):
                ck.expect(band.DataType == gdal.GDT_Byte, f"{where}: not Byte")
            ck.expect(band.GetDescription() == tif.stem, f"{where}: band description {band.GetDescription()}")
            if metric in CATEGORIES or metric in ("serving_layer", "best_server"):
                # Categories outside QGIS: the colour table and names (in the .aux.xml side-car).
                # GDAL 3.6's GeoTIFF driver reads the side-car lazily, and GetCategoryNames()
                # alone does not trigger it: GetMetadata() does.
                ds.GetMetadata()
                names = band.GetCategoryNames() or []
                ct = band.GetColorTable()
                ck.expect(len(names) >= 1 and ct is not None, f"{where}: no category names or colour table")
                if metric in CATEGORIES and ct is not None:
                    got = {v: "#%02x%02x%02x" % ct.GetColorEntry(v)[:3] for v in CATEGORIES[metric]}
                    ck.expect(got == CATEGORIES[metric], f"{where}: colour table {got}")
                if metric == "best_server":
                    # Its colour table is in the side-car: the file's headers hold no 65536-entry
                    # palette (384 kB per IFD).
                    offsets = [int(b.GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"))
                               for b in [band] + [band.GetOverview(i) for i in range(band.GetOverviewCount())]]
                    ck.expect(min(offsets) < 65536, f"{where}: {min(offsets)} bytes of headers")
                    ck.expect(ct is not None and ct.GetCount() == len(names),
                              f"{where}: {ct.GetCount() if ct else 0} colours for {len(names)} sectors")
            ds = None
            # The file as QGIS sees it: valid, in UTM 48N, over Hanoi, styled by its .qml.
            layer = QgsRasterLayer(str(tif), metric)
            if not ck.expect(layer.isValid(), f"{where}: QGIS cannot open it"):
                continue
            ck.expect(layer.crs().authid() == UTM_48N, f"{where}: CRS {layer.crs().authid()}")
            ck.expect(inside_hanoi(layer), f"{where}: extent {layer.extent().toString()} not in Hanoi")
            ck.expect((tif.with_suffix(".qml")).exists(), f"{where}: no .qml")
            check_raster_style(ck, out, layer, metric, scenario, where)
            # The legend image for reports: a PNG QGIS (Qt) reads, with the class colours in it.
            png = tif.with_name(tif.stem + ".legend.png")
            image = QImage(str(png))
            if ck.expect(not image.isNull(), f"{where}: legend {png.name} missing or unreadable"):
                colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
                           for y in range(0, image.height(), 2)}
                wanted = ([c for _, c in CLASSIFIED[metric]] if metric in CLASSIFIED else
                          list(CATEGORIES[metric].values()) if metric in CATEGORIES else
                          SERVER_PALETTE if metric == "best_server" else LAYER_PALETTE[:1])
                ck.expect(set(wanted) <= colours, f"{where}: legend lacks colours {set(wanted) - colours}")
            print(f"ok {where}: {layer.renderer().type()}, {layer.width()} x {layer.height()}")
    return ck.done("maps")


# --- districts.gpkg --------------------------------------------------------------------------------

def check_districts(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    gpkg = out / "districts.gpkg"
    ds = ogr.Open(str(gpkg))
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    scenarios = scenarios_of(out)
    ck.expect(sorted(n for n in names if n != "layer_styles") ==
              sorted(scenarios + [f"sectors_{s}" for s in scenarios]), f"layers {names}")
    ck.expect("layer_styles" in names, "no layer_styles table")
    with h5py.File(out / "results.h5", "r") as h5:
        for scenario in scenarios:
            where = f"districts.gpkg|{scenario}"
            lyr = ds.GetLayerByName(scenario)
            defn = lyr.GetLayerDefn()
            fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
            features = {f["code"]: f for f in lyr}
            codes = [c.decode() if isinstance(c, bytes) else str(c) for c in h5[scenario]["district"][:]]
            ck.expect(sorted(features) == sorted(codes), f"{where}: districts {sorted(features)}")
            ck.expect(lyr.GetSpatialRef().GetAuthorityCode(None) == "32648", f"{where}: CRS")
            for f in ("code", "name", "name_ascii", "type"):
                ck.expect(f in fields, f"{where}: no field {f}")
            # Every per-district number of results.h5 is a field with the same values.
            compared = 0
            for var, d in h5[scenario].items():
                if not isinstance(d, h5py.Dataset) or d.ndim != 1 or d.dtype.kind not in "fiu":
                    continue
                scales = d.dims[0]
                if var == "district" or len(scales) == 0 or not scales[0].name.endswith("/district"):
                    continue
                if not ck.expect(var in fields, f"{where}: results.h5 variable {var} is not a field"):
                    continue
                values = d[:]
                for i, code in enumerate(codes):
                    got = features[code][var]
                    want = float(values[i])
                    same = (got is None and math.isnan(want)) or (
                        got is not None and (math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)
                                             or (math.isnan(want) and math.isnan(got))))
                    if not ck.expect(same, f"{where}: {var}[{code}] = {got}, results.h5 has {want}"):
                        break
                compared += 1
            ck.expect(compared >= 5, f"{where}: only {compared} columns compared")
            # QGIS opens the layer with its default style from layer_styles.
            layer = QgsVectorLayer(f"{gpkg}|layername={scenario}", scenario, "ogr")
            if not ck.expect(layer.isValid(), f"{where}: QGIS cannot open it"):
                continue
            ck.expect(layer.crs().authid() == UTM_48N, f"{where}: CRS {layer.crs().authid()}")
            ck.expect(inside_hanoi(layer), f"{where}: extent not in Hanoi")
            ck.expect(layer.featureCount() == len(codes), f"{where}: {layer.featureCount()} features")
            count, ids, style_names, _descriptions, _msg = layer.listStylesInDatabase()
            ck.expect(count == 4 and sorted(style_names[:count]) == sorted(DISTRICT_STYLES),
                      f"{where}: {count} related styles in the database: {style_names}")
            r = layer.renderer()
            if ck.expect(r.type() == "graduatedSymbol", f"{where}: renderer {r.type()} (default style not applied)"):
                ck.expect(r.classAttribute() == "served_share", f"{where}: classified by {r.classAttribute()}")
                colours = [x.symbol().color().name() for x in r.ranges()]
                ck.expect(colours == [c for _, c in SHARE_CLASSES], f"{where}: colours {colours}")
                lowers = [x.lowerValue() for x in r.ranges()][1:]
                ck.expect(lowers == [b for b, _ in SHARE_CLASSES[1:]], f"{where}: breaks {lowers}")
                for k, x in enumerate(r.ranges()[:-1]):
                    nxt = SHARE_CLASSES[k + 1][0]
                    ck.expect(x.upperValue() < nxt and nxt - x.upperValue() < 1e-12,
                              f"{where}: range {k} ends at {x.upperValue()}, expected just below {nxt}")
            ck.expect(layer.labelsEnabled() and layer.labeling() is not None
                      and layer.labeling().settings().fieldName == "name",
                      f"{where}: district names are not labelled")
            ck.expect(layer.attributeAlias(layer.fields().indexOf("covered_share")) != "",
                      f"{where}: covered_share has no alias")
            # The SLD column is a valid SLD that QGIS can apply: one rule per class plus labels.
            sld = None
            for f in ds.GetLayerByName("layer_styles"):
                if f["f_table_name"] == scenario and f["useAsDefault"] == 1:
                    sld = f["styleSLD"]
                    ck.expect(f["useAsDefault"] == 1, f"{where}: style is not the default")
                    ck.expect(f["f_geometry_column"] == "geom", f"{where}: geometry column")
            if ck.expect(sld is not None, f"{where}: no SLD"):
                path = work / f"{scenario}.sld"
                path.write_text(sld, encoding="utf-8")
                other = QgsVectorLayer(f"{gpkg}|layername={scenario}", "sld", "ogr")
                _msg, ok = other.loadSldStyle(str(path))
                ck.expect(ok, f"{where}: QGIS cannot apply the SLD: {_msg}")
                if ok:
                    ck.expect(other.renderer().type() == "RuleRenderer"
                              and len(other.renderer().rootRule().children()) == len(SHARE_CLASSES),
                              f"{where}: SLD gives {other.renderer().type()}")
            print(f"ok {where}: {layer.featureCount()} districts, {len(fields)} fields, {r.type()}")
            check_sectors(ck, gpkg, h5, scenario)
    return ck.done("districts")


def check_sectors(ck, gpkg, h5, scenario):
    """The sector layer: a point per sector of results.h5, styled from layer_styles."""
    where = f"districts.gpkg|sectors_{scenario}"
    layer = QgsVectorLayer(f"{gpkg}|layername=sectors_{scenario}", "sectors", "ogr")
    if not ck.expect(layer.isValid(), f"{where}: QGIS cannot open it"):
        return
    g = h5[scenario]
    ck.expect(layer.featureCount() == g["sector"].shape[0], f"{where}: {layer.featureCount()} features")
    ck.expect(layer.crs().authid() == UTM_48N, f"{where}: CRS {layer.crs().authid()}")
    for f in layer.getFeatures():
        i = f.id() - 1  # the sector index, the value of best_server
        p = f.geometry().asPoint()
        same = (math.isclose(p.x(), g["sector_x"][i]) and math.isclose(p.y(), g["sector_y"][i])
                and math.isclose(f["load"], g["sector_load"][i], rel_tol=1e-12, abs_tol=1e-12)
                and math.isclose(f["height_m"], g["sector_height_m"][i]))
        if not ck.expect(same, f"{where}: sector {i} differs from results.h5"):
            break
    r = layer.renderer()
    if ck.expect(r.type() == "graduatedSymbol", f"{where}: renderer {r.type()} (default style not applied)"):
        ck.expect(r.classAttribute() == "load", f"{where}: classified by {r.classAttribute()}")
        colours = [x.symbol().color().name() for x in r.ranges()]
        ck.expect(colours == [c for _, c in LOAD_CLASSES], f"{where}: colours {colours}")
        lowers = [x.lowerValue() for x in r.ranges()][1:]
        ck.expect(lowers == [b for b, _ in LOAD_CLASSES[1:]], f"{where}: breaks {lowers}")
        ranges = r.ranges()  # keep the copies alive while their symbols are used
        for k, x in enumerate(ranges):
            symbol = x.symbol()
            angle = symbol.symbolLayer(0).dataDefinedProperties().property(QgsSymbolLayer.PropertyAngle)
            ck.expect(angle.isActive() and "azimuth_deg" in angle.expressionString(),
                      f"{where}: class {k} not rotated by azimuth_deg ({angle.expressionString()})")
    labeling = layer.labeling()
    ck.expect(layer.labelsEnabled() and labeling is not None and labeling.settings().fieldName == "site_id",
              f"{where}: site ids are not labelled")
    print(f"ok {where}: {layer.featureCount()} sectors, {r.type()}")


# --- covsim.qgs ------------------------------------------------------------------------------------

def check_project(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    # Relative paths: the project still opens after the whole output directory has moved.
    moved = work / "moved"
    shutil.rmtree(moved, ignore_errors=True)
    shutil.copytree(out, moved, ignore=shutil.ignore_patterns("tiles"))
    project = QgsProject.instance()
    if not ck.expect(project.read(str(moved / "covsim.qgs")), "QGIS cannot read covsim.qgs"):
        return ck.done("project")
    ck.expect(project.crs().authid() == UTM_48N, f"project CRS {project.crs().authid()}")
    scenarios = scenarios_of(out)
    root = project.layerTreeRoot()
    borders = check_borders_layer(ck, project, scenarios)
    # The scenarios' groups, after the borders; the XYZ layers of the group "web tiles" are
    # checked by web_tiles.
    groups = [g for g in root.children()[1:] if g.name() != "web tiles"]
    web_tiles = root.findGroup("web tiles")
    xyz = len(web_tiles.findLayers()) if web_tiles else 0
    ck.expect([g.name() for g in groups] == sorted(scenarios) or
              sorted(g.name() for g in groups) == scenarios, f"groups {[g.name() for g in groups]}")
    ck.expect(groups[0].itemVisibilityChecked() and all(not g.itemVisibilityChecked() for g in groups[1:]),
              "only the first scenario's group should be shown")
    total = 0
    for g in groups:
        scenario = g.name()
        ck.expect(not g.isMutuallyExclusive(), f"{scenario}: the sectors cannot be shown with a map")
        maps = g.findGroup("maps")
        if not ck.expect(maps is not None and maps.isMutuallyExclusive(),
                         f"{scenario}: no mutually exclusive group 'maps'"):
            continue
        sectors = g.children()[0]
        ck.expect(sectors.layer() is not None and "layername=sectors_" in sectors.layer().source()
                  and sectors.itemVisibilityChecked(), f"{scenario}: the sectors should be on top, shown")
        check_layers_group(ck, out, g)
        layers = [n.layer() for n in g.findLayers()]
        vectors = [l for l in layers if isinstance(l, QgsVectorLayer)]
        rasters = [l for l in layers if isinstance(l, QgsRasterLayer)]
        tifs = sorted(p.stem for p in (out / "maps" / scenario).glob("*.tif"))
        ck.expect(len(vectors) == 2, f"{scenario}: {len(vectors)} vector layers")
        ck.expect(sorted(pathlib.Path(l.source()).stem for l in rasters) == tifs and len(tifs) > 10,
                  f"{scenario}: maps {[l.source() for l in rasters]}, expected {tifs}")
        for l in layers:
            total += 1
            where = f"{scenario}/{l.name()}"
            ck.expect(l.isValid(), f"{where}: not valid ({l.source()})")
            ck.expect(str(moved) in l.source(), f"{where}: source {l.source()} is not relative")
            ck.expect(l.crs().authid() == UTM_48N, f"{where}: CRS {l.crs().authid()}")
            ck.expect(inside_hanoi(l), f"{where}: extent not in Hanoi")
            if isinstance(l, QgsRasterLayer):
                check_raster_style(ck, out, l, style_metric(pathlib.Path(l.source()).stem), scenario, where)
            else:
                ck.expect(l.renderer().type() == "graduatedSymbol", f"{where}: renderer {l.renderer().type()}")
                # The sectors label their sites; the district names come from the borders layer.
                sector_layer = "layername=sectors_" in l.source()
                ck.expect(l.labelsEnabled() == sector_layer, f"{where}: labels {'off' if sector_layer else 'on'}")
                ck.expect(l.source().endswith(f"layername={scenario}")
                          or l.source().endswith(f"layername=sectors_{scenario}"), f"{where}: source {l.source()}")
                if l.geometryType() == QgsWkbTypes.PolygonGeometry:
                    styles = l.styleManager()
                    ck.expect(styles.styles() == sorted(DISTRICT_STYLES) and
                              styles.currentStyle() == DISTRICT_STYLES[0],
                              f"{where}: styles {styles.styles()}, current {styles.currentStyle()}")
        first = maps.findLayers()[0]
        ck.expect(isinstance(first.layer(), QgsVectorLayer) and first.itemVisibilityChecked(),
                  f"{scenario}: the district choropleth should be the layer shown")
    ck.expect(total + 1 + xyz == len(project.mapLayers()),
              f"{total} layers in groups, the borders and {xyz} XYZ layers, {len(project.mapLayers())} in the project")
    # Drawn last, on top: the borders are above every raster of every group.
    order = root.layerOrder()
    ck.expect(not root.hasCustomLayerOrder() and borders is not None and order[0] == borders,
              f"the borders are not drawn on top: {[l.name() for l in order[:3]]}")
    rasters = [l for l in order if isinstance(l, QgsRasterLayer)]
    ck.expect(len(rasters) > 20 and all(order.index(r) > 0 for r in rasters), "a raster above the borders")
    extent = project.viewSettings().defaultViewExtent()
    ck.expect(not extent.isEmpty(), "no default view extent")
    print(f"ok covsim.qgs: {len(groups)} groups, {total} layers, CRS {project.crs().authid()}")
    project.clear()
    return ck.done("project")


def check_borders_layer(ck, project, scenarios):
    """The first node of the tree: the district borders and names, unfilled, labelled, shown."""
    node = project.layerTreeRoot().children()[0]
    layer = node.layer() if hasattr(node, "layer") else None
    if not ck.expect(isinstance(layer, QgsVectorLayer) and layer.isValid(),
                     f"the first node {node.name()} is not a valid vector layer"):
        return None
    ck.expect(node.itemVisibilityChecked(), "the borders are hidden")
    ck.expect(layer.source().endswith(f"layername={sorted(scenarios)[0]}") or
              any(layer.source().endswith(f"layername={s}") for s in scenarios),
              f"borders source {layer.source()}")
    ck.expect(layer.geometryType() == QgsWkbTypes.PolygonGeometry, "borders are not polygons")
    r = layer.renderer()
    if ck.expect(r.type() == "singleSymbol", f"borders renderer {r.type()}"):
        sl = r.symbol().symbolLayer(0)
        ck.expect(sl.brushStyle() == 0 and sl.strokeColor().name() == BORDER,  # Qt.NoBrush
                  f"borders fill {sl.brushStyle()}, outline {sl.strokeColor().name()}")
    ck.expect(layer.labelsEnabled() and layer.labeling().settings().fieldName == "name",
              "the borders layer does not label the district names")
    print(f"ok borders: {layer.name()}, {layer.featureCount()} districts, labelled")
    return layer


def check_layers_group(ck, out, g):
    """A scenario's collapsed, hidden, mutually exclusive group 'layers': each radio layer's maps."""
    scenario = g.name()
    layers = g.findGroup("layers")
    if not ck.expect(layers is not None, f"{scenario}: no group 'layers'"):
        return
    ck.expect(g.children().index(layers) == 1, f"{scenario}: 'layers' should follow the sectors")
    ck.expect(not layers.isExpanded() and not layers.itemVisibilityChecked() and layers.isMutuallyExclusive(),
              f"{scenario}: 'layers' should be collapsed, hidden and mutually exclusive")
    stems = sorted(pathlib.Path(n.layer().source()).stem for n in layers.findLayers())
    want = sorted(f"layer_{m}_{l}" for m in LAYER_MAPS for l in h5_layers(out, scenario))
    ck.expect(stems == want, f"{scenario}: 'layers' holds {stems}, expected {want}")
    names = [n.name() for n in layers.findLayers()]
    ck.expect(all(":" in n for n in names), f"{scenario}: per-layer names {names[:3]} lack the layer")


# --- map themes ------------------------------------------------------------------------------------

def expected_themes(project, group):
    """Per scenario, a theme per main map: per style of the choropleth, per raster of 'maps'."""
    themes = {}
    for node in group.findGroup("maps").findLayers():
        layer = node.layer()
        if isinstance(layer, QgsVectorLayer):
            for style in DISTRICT_STYLES:
                themes[f"{group.name()}: {layer.name()}, {style}"] = (layer, style)
        else:
            themes[f"{group.name()}: {layer.name()}"] = (layer, None)
    return themes


def check_themes(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    project = QgsProject.instance()
    ck.expect(project.read(str(out / "covsim.qgs")), "QGIS cannot read covsim.qgs")
    root = project.layerTreeRoot()
    borders = root.children()[0].layer()
    collection = project.mapThemeCollection()
    model = QgsLayerTreeModel(root)
    wanted_all = set()
    # The scenarios' groups (not the hidden group of --web-tiles' XYZ layers).
    scenario_groups = [g for g in root.children()[1:] if g.name() != "web tiles"]
    for group in scenario_groups:
        sectors = group.children()[0].layer()
        wanted = expected_themes(project, group)
        wanted_all |= set(wanted)
        for name, (layer, style) in wanted.items():
            if not ck.expect(collection.hasMapTheme(name), f"no map theme {name!r}"):
                continue
            shown = {l.id() for l in collection.mapThemeVisibleLayers(name)}
            ck.expect(shown == {borders.id(), sectors.id(), layer.id()},
                      f"{name}: shows {sorted(project.mapLayer(i).name() for i in shown)}")
            if style:
                ck.expect(collection.mapThemeStyleOverrides(name).get(layer.id()) is not None,
                          f"{name}: no style for the districts")
            collection.applyTheme(name, root, model)
            ck.expect(group.itemVisibilityChecked() and group.findGroup("maps").itemVisibilityChecked()
                      and root.findLayer(layer.id()).itemVisibilityChecked(),
                      f"{name}: applying it does not show its map")
            if style:
                ck.expect(layer.styleManager().currentStyle() == style,
                          f"{name}: the districts are in style {layer.styleManager().currentStyle()}")
            others = [g for g in scenario_groups if g is not group]
            ck.expect(all(not g.itemVisibilityChecked() for g in others), f"{name}: another scenario shown")
    ck.expect(set(collection.mapThemes()) == wanted_all,
              f"themes {sorted(set(collection.mapThemes()) ^ wanted_all)} unexpected or missing")
    # The borders draw over the map of a theme: render the RSRP theme of the last scenario.
    group = scenario_groups[-1]
    name = f"{group.name()}: RSRP (dBm)"
    layers = [l for l in root.layerOrder() if l in collection.mapThemeVisibleLayers(name)]
    rsrp = [l for l in layers if isinstance(l, QgsRasterLayer)]
    if ck.expect(len(rsrp) == 1 and layers[0] == borders, f"{name}: layers in order {[l.name() for l in layers]}"):
        extent = rsrp[0].extent()
        size = QSize(600, int(600 * extent.height() / extent.width()))
        with_borders, _ = render(layers, extent, rsrp[0].crs(), size, labels=False)
        alone, _ = render(rsrp, extent, rsrp[0].crs(), size, labels=False)
        with_borders.save(str(work / "theme_rsrp_with_borders.png"))
        dark = QColor(BORDER).rgb()
        on_top = sum(with_borders.pixel(x, y) == dark and alone.pixel(x, y) != dark
                     for x in range(0, size.width(), 2) for y in range(0, size.height(), 2))
        ck.expect(on_top > 300, f"{name}: only {on_top} sampled pixels of border drawn over the map")
        print(f"{name}: {on_top} sampled border pixels over the RSRP map")
    print(f"ok themes: {len(wanted_all)} map themes, each showing the borders, the sectors and its map")
    project.clear()
    return ck.done("themes")


# --- print layouts ---------------------------------------------------------------------------------

def check_layouts(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    project = QgsProject.instance()
    ck.expect(project.read(str(out / "covsim.qgs")), "QGIS cannot read covsim.qgs")
    scenarios = scenarios_of(out)
    manager = project.layoutManager()
    ck.expect(sorted(l.name() for l in manager.printLayouts()) == sorted(scenarios),
              f"layouts {[l.name() for l in manager.printLayouts()]}")
    for scenario in scenarios:
        layout = manager.layoutByName(scenario)
        if not ck.expect(layout is not None, f"no print layout {scenario}"):
            continue
        items = layout.items()
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        legends = [i for i in items if isinstance(i, QgsLayoutItemLegend)]
        bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
        pictures = [i for i in items if isinstance(i, QgsLayoutItemPicture)]
        labels = [i.currentText() for i in items if isinstance(i, QgsLayoutItemLabel)]
        if not ck.expect(len(maps) == 1 and len(legends) == 1 and len(bars) == 1 and len(pictures) == 1,
                         f"{scenario}: {len(maps)} maps, {len(legends)} legends, {len(bars)} scale bars, "
                         f"{len(pictures)} pictures"):
            continue
        m = maps[0]
        theme = f"{scenario}: Districts, served share"
        ck.expect(m.followVisibilityPreset() and m.followVisibilityPresetName() == theme,
                  f"{scenario}: the map follows {m.followVisibilityPresetName()!r}")
        ck.expect(project.mapThemeCollection().hasMapTheme(theme), f"{scenario}: no theme {theme}")
        ck.expect(legends[0].linkedMap() == m and bars[0].linkedMap() == m and pictures[0].linkedMap() == m,
                  f"{scenario}: legend, scale bar or north arrow not linked to the map")
        legend_layers = [n.layer().name() for n in legends[0].model().rootGroup().findLayers()]
        ck.expect(len(legend_layers) == 2, f"{scenario}: legend layers {legend_layers}")
        ck.expect(bars[0].units() == QgsUnitTypes.DistanceKilometers, f"{scenario}: scale bar units {bars[0].units()}")
        svg = pictures[0].picturePath()
        ck.expect(svg.endswith("NorthArrow_02.svg") and pathlib.Path(svg).exists(), f"{scenario}: north arrow {svg!r}")
        # The headline figures: the city values of results.h5, as the layout prints them.
        with h5py.File(out / "results.h5", "r") as h5:
            served = float(h5[scenario].attrs["city_served_share"])
            cost = float(h5[scenario].attrs["city_cost_per_subscriber_usd_per_month"])
        text = " ".join(labels)
        ck.expect(scenario in labels, f"{scenario}: no title in {labels}")
        ck.expect(f"{100 * served:.1f} %" in text and f"{cost:.2f} USD" in text,
                  f"{scenario}: headline {text!r} lacks {100 * served:.1f} % or {cost:.2f} USD")
        today = QDate.currentDate().toString("yyyy-MM-dd")
        ck.expect(f"Printed {today}" in text, f"{scenario}: no date of printing in {text!r}")
        # Exported as it is: a PNG of the whole page with the map's colours in it.
        png = work / f"layout_{scenario}.png"
        png.unlink(missing_ok=True)
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = 100
        result = QgsLayoutExporter(layout).exportToImage(str(png), settings)
        if not ck.expect(result == QgsLayoutExporter.Success and png.exists(), f"{scenario}: export gave {result}"):
            continue
        image = QImage(str(png))
        ck.expect(abs(image.width() - 297 / 25.4 * 100) < 2 and abs(image.height() - 210 / 25.4 * 100) < 2,
                  f"{scenario}: exported {image.width()} x {image.height()}")
        colours = {}
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                c = image.pixelColor(x, y).name()
                colours[c] = colours.get(c, 0) + 1
        total = sum(colours.values())
        white = colours.get("#ffffff", 0)
        ck.expect(white < 0.8 * total, f"{scenario}: {white / total:.3f} of the page is white")
        shares = {c for _, c in SHARE_CLASSES if colours.get(c, 0) > 50}
        ck.expect(len(shares) >= 1, f"{scenario}: no served-share colour in the exported map")
        ck.expect(colours.get(BORDER, 0) > 200, f"{scenario}: borders hardly drawn ({colours.get(BORDER, 0)})")
        print(f"ok layout {scenario}: exported {png} ({image.width()} x {image.height()}), "
              f"{1 - white / total:.3f} not white, share colours {sorted(shares)}")
    project.clear()
    return ck.done("layouts")


# --- rendering -------------------------------------------------------------------------------------

def render(layers, extent, crs, size, labels=True):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setExtent(extent)
    settings.setOutputSize(size)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.DrawLabeling, labels)
    settings.setFlag(QgsMapSettings.Antialiasing, False)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), settings


def check_render(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    project = QgsProject.instance()
    ck.expect(project.read(str(out / "covsim.qgs")), "QGIS cannot read covsim.qgs")
    scenario = scenarios_of(out)[-1]  # the 5G plan
    group = project.layerTreeRoot().findGroup(scenario)
    by_name = {n.layer().source().split("layername=")[-1] if "|" in n.layer().source()
               else pathlib.Path(n.layer().source()).stem: n.layer() for n in group.findLayers()}
    by_name["districts"] = by_name.pop(scenario)
    borders = project.layerTreeRoot().children()[0].layer()
    by_name["sectors"] = by_name.pop(f"sectors_{scenario}")
    rsrp = by_name["rsrp_dbm"]
    crs = rsrp.crs()
    extent = rsrp.extent()
    cell = rsrp.rasterUnitsPerPixelX()
    # Two pixels per cell: every cell is drawn as a 2 x 2 block, nearest neighbour.
    size = QSize(int(round(extent.width() / cell)) * 2, int(round(extent.height() / cell)) * 2)
    image, settings = render([rsrp], extent, crs, size)
    image.save(str(work / f"{scenario}_rsrp_dbm.png"))
    print(f"rendered {work / f'{scenario}_rsrp_dbm.png'} ({size.width()} x {size.height()})")

    ds = gdal.Open(str(out / "maps" / scenario / "rsrp_dbm.tif"))
    values = ds.GetRasterBand(1).ReadAsArray()
    gt = ds.GetGeoTransform()
    valid = values != -9999
    palette = {QColor(c).rgb() for _, c in CLASSIFIED["rsrp_dbm"]}
    white = QColor(255, 255, 255).rgb()
    pixels = np.array([[image.pixel(x, y) for x in range(0, image.width())] for y in range(0, image.height())],
                      dtype=np.uint32)
    drawn = pixels != white
    share_drawn = float(drawn.mean())
    share_valid = float(valid.mean())
    ck.expect(abs(share_drawn - share_valid) < 0.02,
              f"{share_drawn:.3f} of the image is drawn, {share_valid:.3f} of the cells have a value")
    in_palette = float(np.isin(pixels[drawn], list(palette)).mean()) if drawn.any() else 0.0
    ck.expect(in_palette > 0.999, f"only {in_palette:.4f} of the drawn pixels have an RSRP class colour "
                                  "(QGIS's default grey renderer?)")
    print(f"rsrp_dbm: {share_drawn:.3f} of the image drawn ({share_valid:.3f} of the cells valid), "
          f"{in_palette:.4f} of it in the documented colours")

    # Next to sites: the pixel of the site's cell has the colour of that cell's class, and most
    # are 'excellent' (RSRP >= -80 dBm).
    with h5py.File(out / "results.h5", "r") as h5:
        xs, ys = h5[scenario]["sector_x"][:], h5[scenario]["sector_y"][:]
    excellent = 0
    sampled = 0
    m2p = settings.mapToPixel()
    for i in range(0, len(xs), max(1, len(xs) // 60)):
        col = int((xs[i] - gt[0]) / gt[1])
        row = int((ys[i] - gt[3]) / gt[5])
        value = float(values[row, col])
        if value == -9999:
            continue
        centre = QgsPointXY(gt[0] + (col + 0.5) * gt[1], gt[3] + (row + 0.5) * gt[5])
        p = m2p.transform(centre)
        colour = image.pixelColor(int(p.x()), int(p.y())).name()
        want = class_colour(CLASSIFIED["rsrp_dbm"], value)
        ck.expect(colour == want, f"site cell ({col}, {row}): RSRP {value:.1f} dBm drawn {colour}, expected {want}")
        excellent += colour == GREEN
        sampled += 1
    ck.expect(sampled >= 30 and excellent >= 0.8 * sampled,
              f"{excellent} of {sampled} site cells drawn 'excellent' ({GREEN})")
    print(f"rsrp_dbm: {excellent} of {sampled} site cells 'excellent', every one in its class colour")

    # Every other map of the scenario renders in its own colours, not grey.
    for metric, layer in sorted(by_name.items()):
        if metric in ("rsrp_dbm", "districts", "sectors") or metric.startswith("layer_"):
            continue
        img, _ = render([layer], extent, crs, QSize(size.width() // 2, size.height() // 2))
        img.save(str(work / f"{scenario}_{metric}.png"))
        px = np.array([[img.pixel(x, y) for x in range(0, img.width(), 2)] for y in range(0, img.height(), 2)],
                      dtype=np.uint32)
        drawn = px[px != white]
        greys = np.array([(QColor(int(v)).red() == QColor(int(v)).green() == QColor(int(v)).blue()) for v in drawn[:5000]])
        grey_share = float(greys.mean()) if greys.size else 1.0
        ck.expect(drawn.size > 0.2 * px.size, f"{metric}: only {drawn.size / px.size:.3f} of the image drawn")
        ck.expect(grey_share < 0.05 or metric == "best_server",
                  f"{metric}: {grey_share:.3f} of the drawn pixels are grey")
        print(f"{metric}: {drawn.size / px.size:.3f} drawn, {grey_share:.3f} grey")

    # The district choropleth: each district's interior in the colour of its served share.
    districts = by_name["districts"]
    img, settings = render([districts], extent, crs, size, labels=False)
    img.save(str(work / f"{scenario}_districts.png"))
    m2p = settings.mapToPixel()
    matched = 0
    for f in districts.getFeatures():
        p = m2p.transform(f.geometry().pointOnSurface().asPoint())
        colour = img.pixelColor(int(p.x()), int(p.y())).name()
        want = class_colour(SHARE_CLASSES, f["served_share"])
        matched += ck.expect(colour == want, f"district {f['code']}: share {f['served_share']:.4f} drawn {colour}, "
                                             f"expected {want}")
    print(f"districts: {matched} of {districts.featureCount()} in their class colour")
    # The names come from the borders layer above the choropleth.
    labelled, _ = render([borders, districts], extent, crs, size, labels=True)
    labelled.save(str(work / f"{scenario}_districts_labelled.png"))
    unlabelled, _ = render([borders, districts], extent, crs, size, labels=False)
    changed = sum(labelled.pixel(x, y) != unlabelled.pixel(x, y) for x in range(0, size.width(), 2)
                  for y in range(0, size.height(), 2))
    ck.expect(changed > 200, f"labels change only {changed} sampled pixels")
    print(f"districts: labels change {changed} sampled pixels")
    project.clear()
    return ck.done("render")


# --- web tiles -------------------------------------------------------------------------------------

def check_web_tiles(out: pathlib.Path, work: pathlib.Path) -> int:
    ck = Checker()
    scenario = scenarios_of(out)[-1]
    root = out / "tiles" / scenario / "rsrp_dbm"
    zooms = sorted(int(p.name) for p in root.iterdir() if p.is_dir())
    ck.expect(len(zooms) >= 2, f"zooms {zooms}")
    zmax = zooms[-1]
    url = (root.as_uri() + "/{z}/{x}/{y}.png").replace("%7B", "{").replace("%7D", "}")
    layer = QgsRasterLayer(f"type=xyz&url={url}&zmin={zooms[0]}&zmax={zmax}", "tiles", "wms")
    if ck.expect(layer.isValid(), f"QGIS cannot open the XYZ tiles {url}"):
        mercator = QgsCoordinateReferenceSystem("EPSG:3857")
        tif = QgsRasterLayer(str(out / "maps" / scenario / "rsrp_dbm.tif"), "rsrp")
        t = QgsCoordinateTransform(tif.crs(), mercator, QgsProject.instance())
        extent = t.transformBoundingBox(tif.extent())
        img, _ = render([layer], extent, mercator, QSize(512, 512))
        img.save(str(work / f"{scenario}_rsrp_dbm_xyz.png"))
        palette = {QColor(c).rgb() for _, c in CLASSIFIED["rsrp_dbm"]}
        white = QColor(255, 255, 255).rgb()
        px = [img.pixel(x, y) for x in range(0, 512, 2) for y in range(0, 512, 2)]
        drawn = [p for p in px if p != white]
        ck.expect(len(drawn) > 0.2 * len(px), f"the tiles draw {len(drawn)} of {len(px)} pixels")
        close = sum(p in palette for p in drawn) / max(1, len(drawn))
        ck.expect(close > 0.9, f"{close:.3f} of the tile pixels in the RSRP colours")
        print(f"xyz layer: {len(drawn) / len(px):.3f} drawn, {close:.3f} in the documented colours")
    # A tile at the highest zoom agrees with the COG, pixel by pixel (nearest neighbour).
    ds = gdal.Open(str(out / "maps" / scenario / "rsrp_dbm.tif"))
    values = ds.GetRasterBand(1).ReadAsArray()
    gt = ds.GetGeoTransform()
    to_utm = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:3857"),
                                    QgsCoordinateReferenceSystem(UTM_48N), QgsProject.instance())
    tiles = sorted((root / str(zmax)).glob("*/*.png"))
    ck.expect(len(tiles) > 0, "no tile at the highest zoom")
    half = 20037508.342789244
    agree = total = 0
    for tile in tiles[len(tiles) // 2: len(tiles) // 2 + 3]:
        tx, ty = int(tile.parent.name), int(tile.stem)
        size_m = 2 * half / 2 ** zmax
        image = QImage(str(tile))
        for py in range(4, 256, 8):
            for px_ in range(4, 256, 8):
                c = image.pixelColor(px_, py)
                if c.alpha() == 0:
                    continue
                mx = -half + tx * size_m + (px_ + 0.5) * size_m / 256
                my = half - ty * size_m - (py + 0.5) * size_m / 256
                u = to_utm.transform(QgsPointXY(mx, my))
                col, row = int((u.x() - gt[0]) / gt[1]), int((u.y() - gt[3]) / gt[5])
                if not (0 <= row < values.shape[0] and 0 <= col < values.shape[1]) or values[row, col] == -9999:
                    continue
                total += 1
                agree += c.name() == class_colour(CLASSIFIED["rsrp_dbm"], float(values[row, col]))
    ck.expect(total > 100 and agree >= 0.97 * total, f"{agree} of {total} tile pixels agree with the COG")
    print(f"tiles at zoom {zmax}: {agree} of {total} sampled pixels agree with the COG")
    check_project_web_tiles(out, ck)
    return ck.done("web_tiles")


def check_project_web_tiles(out: pathlib.Path, ck: "Checker") -> None:
    """covsim.qgs's group "web tiles": per scenario an XYZ layer per tile set on disk, valid,
    its relative URL resolved to the run's tiles."""
    project = QgsProject.instance()
    ck.expect(project.read(str(out / "covsim.qgs")), "QGIS cannot read covsim.qgs")
    group = project.layerTreeRoot().findGroup("web tiles")
    if not ck.expect(group is not None, "covsim.qgs has no group 'web tiles'"):
        return
    ck.expect(not group.isVisible(), "the group 'web tiles' is shown")
    for scenario in scenarios_of(out):
        sub = group.findGroup(scenario)
        if not ck.expect(sub is not None, f"no group {scenario} in 'web tiles'"):
            continue
        on_disk = sorted(p.name for p in (out / "tiles" / scenario).iterdir() if p.is_dir())
        layers = [node.layer() for node in sub.findLayers()]
        ck.expect(len(layers) == len(on_disk), f"{scenario}: {len(layers)} XYZ layers, "
                  f"{len(on_disk)} tile sets on disk")
        for layer in layers:
            source = layer.source()
            ck.expect(layer.isValid() and layer.providerType() == "wms",
                      f"{scenario}: XYZ layer {layer.name()} invalid")
            ck.expect((out / "tiles" / scenario).resolve().as_uri() in source.replace("%7B", "{"),
                      f"{scenario}: {layer.name()} does not point at the run's tiles: {source}")
        print(f"covsim.qgs: {len(layers)} XYZ layers of {scenario}")
    project.clear()


def main() -> int:
    check, out = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    work = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else pathlib.Path(tempfile.mkdtemp())
    work.mkdir(parents=True, exist_ok=True)
    if not (out / "covsim.qgs").exists():
        print(f"FAIL: {out} holds no covsim run (the qgis_hanoi_run test makes it)")
        return 1
    app = QgsApplication([], False)
    app.initQgis()
    try:
        return {"maps": check_maps, "districts": check_districts, "project": check_project,
                "render": check_render, "web_tiles": check_web_tiles, "themes": check_themes,
                "layouts": check_layouts}[check](out, work)
    finally:
        QgsProject.instance().clear()
        app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
