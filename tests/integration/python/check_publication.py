#!/usr/bin/python3
"""Checks that a covsim output directory can be published as it is: catalog.json is a STAC 1.0.0
catalog of every map, datapackage.json a Tabular Data Package of every CSV.

- catalog.json, every child Catalog and every Item are valid against the JSON Schemas in
  schemas/ (written from the STAC 1.0.0 and Frictionless v1 specifications);
- every link and asset href is relative and resolves to a file; root links lead to catalog.json,
  parent links to the Catalog that lists the object;
- every GeoTIFF under maps/ is the data asset of exactly one Item, and GDAL reads from it the
  Item's proj:transform (the geotransform as an affine matrix), proj:shape, proj:epsg, the band's
  data type and nodata;
- the Item's bbox is its footprint's extent and contains the districts (districts.gpkg, in
  WGS 84), and --contains LON,LAT (repeatable) for known places;
- every CSV the run wrote (not those of variants/ or plan_sites/) is a resource; each CSV's
  header is its schema's field names in order; every row has that many fields and every value is
  of the field's type (or empty: missingValues).

usage: check_publication.py OUT [--contains LON,LAT]... [--resource NAME]...
Prints one line per failure and a last line "N items, M resources: ok" or "... K failures".
"""

import argparse
import csv
import json
import math
import pathlib
import re
import sys

import jsonschema
from osgeo import gdal, ogr, osr

SCHEMAS = pathlib.Path(__file__).parent / "schemas"
COG = "image/tiff; application=geotiff; profile=cloud-optimized"
GDAL_TYPES = {gdal.GDT_Byte: "uint8", gdal.GDT_UInt16: "uint16", gdal.GDT_Int16: "int16",
              gdal.GDT_UInt32: "uint32", gdal.GDT_Int32: "int32", gdal.GDT_Float32: "float32",
              gdal.GDT_Float64: "float64"}


class Checker:
    def __init__(self, out: pathlib.Path):
        self.out = out.resolve()
        self.failures = []
        self.items = 0
        self.resources = 0

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"FAIL: {message}")

    def validate(self, doc: dict, schema: str, where: pathlib.Path) -> None:
        validator = jsonschema.Draft7Validator(
            json.loads((SCHEMAS / schema).read_text()),
            format_checker=jsonschema.draft7_format_checker)
        for error in validator.iter_errors(doc):
            path = "/".join(str(p) for p in error.absolute_path)
            self.fail(f"{where.relative_to(self.out)}: {path}: {error.message}")

    def resolve(self, href: str, base: pathlib.Path, where: pathlib.Path) -> pathlib.Path:
        if re.match(r"^[a-z]+:", href) or href.startswith("/"):
            self.fail(f"{where.relative_to(self.out)}: href '{href}' is not relative")
            return base / "missing"
        target = (base / href).resolve()
        if not target.is_file():
            self.fail(f"{where.relative_to(self.out)}: href '{href}' does not resolve to a file")
        return target

    def links(self, doc: dict, path: pathlib.Path, parent: pathlib.Path | None) -> dict:
        by_rel = {}
        for link in doc.get("links", []):
            by_rel.setdefault(link["rel"], []).append(
                self.resolve(link["href"], path.parent, path))
        if by_rel.get("root") != [self.out / "catalog.json"]:
            self.fail(f"{path.relative_to(self.out)}: root link is not catalog.json")
        if parent is not None and by_rel.get("parent") != [parent]:
            self.fail(f"{path.relative_to(self.out)}: parent link is not {parent}")
        if "self" in by_rel:
            self.fail(f"{path.relative_to(self.out)}: a self link (STAC 1.0.0: absolute only)")
        return by_rel

    # STAC ---------------------------------------------------------------------------------

    def catalog(self, path: pathlib.Path, parent: pathlib.Path | None, tifs: set) -> None:
        doc = json.loads(path.read_text())
        self.validate(doc, "stac-catalog-1.0.0.json", path)
        by_rel = self.links(doc, path, parent)
        for child in by_rel.get("child", []):
            if child.is_file():
                self.catalog(child, path, tifs)
        for item in by_rel.get("item", []):
            if item.is_file():
                self.item(item, path, tifs)

    def item(self, path: pathlib.Path, parent: pathlib.Path, tifs: set) -> None:
        self.items += 1
        doc = json.loads(path.read_text())
        self.validate(doc, "stac-item-1.0.0.json", path)
        self.links(doc, path, parent)
        data = doc.get("assets", {}).get("data", {})
        if data.get("type") != COG or data.get("roles") != ["data"]:
            self.fail(f"{path.relative_to(self.out)}: data asset type {data.get('type')!r}, "
                      f"roles {data.get('roles')!r}")
        tif = self.resolve(data.get("href", "missing"), path.parent, path)
        if tif not in tifs:
            self.fail(f"{path.relative_to(self.out)}: {tif} is not a map, or has two Items")
            return
        tifs.discard(tif)
        self.against_gdal(doc, tif, path)
        self.footprint(doc, path)

    def against_gdal(self, doc: dict, tif: pathlib.Path, path: pathlib.Path) -> None:
        where = path.relative_to(self.out)
        ds = gdal.Open(str(tif))
        gt = ds.GetGeoTransform()
        props = doc["properties"]
        if props.get("proj:transform") != [gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]]:
            self.fail(f"{where}: proj:transform {props.get('proj:transform')} is not GDAL's "
                      f"geotransform {list(gt)}")
        if props.get("proj:shape") != [ds.RasterYSize, ds.RasterXSize]:
            self.fail(f"{where}: proj:shape {props.get('proj:shape')}")
        srs = ds.GetSpatialRef()
        if props.get("proj:epsg") != int(srs.GetAuthorityCode(None)):
            self.fail(f"{where}: proj:epsg {props.get('proj:epsg')}")
        wkt = osr.SpatialReference()
        if wkt.ImportFromWkt(props.get("proj:wkt2", "")) != 0 or not wkt.IsSame(srs):
            self.fail(f"{where}: proj:wkt2 is not the map's CRS")
        band = ds.GetRasterBand(1)
        (meta,) = doc["assets"]["data"]["raster:bands"]
        if meta.get("data_type") != GDAL_TYPES[band.DataType]:
            self.fail(f"{where}: data_type {meta.get('data_type')}")
        if meta.get("nodata") != band.GetNoDataValue():
            self.fail(f"{where}: nodata {meta.get('nodata')} != {band.GetNoDataValue()}")
        if meta.get("unit", "") != band.GetUnitType():
            self.fail(f"{where}: unit {meta.get('unit')!r} != {band.GetUnitType()!r}")

    def footprint(self, doc: dict, path: pathlib.Path) -> None:
        where = path.relative_to(self.out)
        ring = doc["geometry"]["coordinates"][0]
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if doc["bbox"] != [min(lons), min(lats), max(lons), max(lats)] or ring[0] != ring[-1]:
            self.fail(f"{where}: bbox {doc['bbox']} is not the closed footprint's extent")
        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
        if area <= 0:
            self.fail(f"{where}: footprint is not counter-clockwise (RFC 7946)")
        west, south, east, north = doc["bbox"]
        for lon, lat in self.places:
            if not (west <= lon <= east and south <= lat <= north):
                self.fail(f"{where}: bbox {doc['bbox']} does not contain ({lon}, {lat})")
        props = doc["properties"]
        start, end = props.get("start_datetime", ""), props.get("end_datetime", "")
        if props.get("datetime") is not None or start[:4] != end[:4] or start[4:] != \
                "-01-01T00:00:00Z" or end[4:] != "-12-31T23:59:59Z":
            self.fail(f"{where}: not dated by a year: {start} .. {end}")
        for key in ("covsim:version", "covsim:scenario", "covsim:input_checksum"):
            if not props.get(key):
                self.fail(f"{where}: no {key}")
        if not all(re.fullmatch("[0-9a-f]{64}", i["sha256"] or "")
                   for i in props.get("covsim:inputs", [{"sha256": None}])):
            self.fail(f"{where}: covsim:inputs without SHA-256")

    def district_corners(self) -> list:
        ds = ogr.Open(str(self.out / "districts.gpkg"))
        layer = ds.GetLayer(0)
        to_wgs84 = osr.SpatialReference()
        to_wgs84.ImportFromEPSG(4326)
        to_wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        corners = []
        for feature in layer:
            geometry = feature.GetGeometryRef().Clone()
            geometry.TransformTo(to_wgs84)
            for ring_points in json.loads(geometry.ExportToJson())["coordinates"]:
                for p in (ring_points if isinstance(ring_points[0][0], float)
                          else [q for r in ring_points for q in r]):
                    corners.append((p[0], p[1]))
        return corners

    def stac(self, places: list) -> None:
        self.places = places + self.district_corners()
        tifs = {p.resolve() for p in (self.out / "maps").rglob("*.tif")}
        if not tifs:
            self.fail("no maps under maps/")
        self.catalog(self.out / "catalog.json", None, tifs)
        for tif in sorted(tifs):
            self.fail(f"{tif.relative_to(self.out)} has no Item")

    # Data package -------------------------------------------------------------------------

    def package(self, wanted: list) -> None:
        path = self.out / "datapackage.json"
        doc = json.loads(path.read_text())
        self.validate(doc, "datapackage-1.json", path)
        csvs = {p.relative_to(self.out).as_posix() for p in self.out.rglob("*.csv")
                if p.relative_to(self.out).parts[0] not in ("variants", "plan_sites")}
        names = []
        for resource in doc.get("resources", []):
            self.resources += 1
            names.append(resource["name"])
            csvs.discard(resource["path"])
            self.table(resource)
        for name in sorted(csvs):
            self.fail(f"{name} has no resource in datapackage.json")
        for name in wanted:
            if name not in names:
                self.fail(f"datapackage.json has no resource {name}")

    def table(self, resource: dict) -> None:
        path = self.out / resource["path"]
        if not path.is_file():
            self.fail(f"resource {resource['name']}: no file {resource['path']}")
            return
        fields = resource["schema"]["fields"]
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header = [f["name"] for f in fields]
        if rows[0] != header:
            self.fail(f"{resource['path']}: header {rows[0]} is not the schema's {header}")
        if len(rows) < 2:
            self.fail(f"{resource['path']}: no rows")
        for n, row in enumerate(rows[1:], start=2):
            if len(row) != len(fields):
                self.fail(f"{resource['path']}:{n}: {len(row)} fields, {len(fields)} in the schema")
                continue
            for value, field in zip(row, fields):
                if value != "" and not of_type(value, field["type"]):
                    self.fail(f"{resource['path']}:{n}: {field['name']} = {value!r} is not "
                              f"{field['type']}")


def of_type(value: str, kind: str) -> bool:
    """Table Schema's default lexical forms of the types covsim writes."""
    if kind == "integer":
        return re.fullmatch(r"[+-]?[0-9]+", value) is not None
    if kind == "number":
        return re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", value) is not None \
            and math.isfinite(float(value))
    if kind == "boolean":
        return value in ("true", "True", "TRUE", "1", "false", "False", "FALSE", "0")
    return kind == "string"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--contains", action="append", default=[])
    parser.add_argument("--resource", action="append", default=[])
    args = parser.parse_args()
    places = [tuple(float(v) for v in p.split(",")) for p in args.contains]
    checker = Checker(args.out)
    checker.stac(places)
    checker.package(args.resource)
    verdict = f"{len(checker.failures)} failures" if checker.failures else "ok"
    print(f"{checker.items} items, {checker.resources} resources: {verdict}")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
