#include "io/web_viewer_page.hpp"

#include "io/map_styles.hpp"

namespace covsim::io {

namespace {

constexpr const char* page_head = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="web/leaflet/leaflet.css">
<style>
html, body, #map { height: 100%; margin: 0; }
body { font: 13px/1.4 sans-serif; }
#map { background: #f4f4f2; }
.covsim-box { background: #fff; padding: 6px 10px; border-radius: 4px;
              box-shadow: 0 1px 5px rgba(0, 0, 0, 0.4); max-width: 22em; }
.covsim-box h4 { margin: 4px 0; font-size: 13px; }
.covsim-legend-row { white-space: nowrap; }
.covsim-swatch { display: inline-block; width: 18px; height: 12px; margin-right: 6px;
                 border: 1px solid #555; vertical-align: middle; }
.covsim-note { color: #a00; }
.district-label { background: none; border: none; box-shadow: none; padding: 0;
                  font-weight: bold; color: #222;
                  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.district-label::before { display: none; }
</style>
</head>
<body>
<div id="map"></div>
<script src="web/leaflet/leaflet.js"></script>
<script id="covsim-config" type="application/json">)html";

// The viewer. The map shown (one tile layer of one scenario, chosen in the layer switcher)
// decides the scenario whose districts and sectors the overlays show and the legend.
constexpr const char* page_script = R"html(</script>
<script>
"use strict";
const config = JSON.parse(document.getElementById("covsim-config").textContent);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    "\"": "&quot;", "'": "&#39;"})[c]);
}
function lonLatBounds(b) { return L.latLngBounds([b[1], b[0]], [b[3], b[2]]); }

// A sector as a 120-degree wedge turned to its azimuth (clockwise from north), a disc when it
// has none, drawn on a canvas; clicks hit the wedge, not the whole disc.
const Wedge = L.CircleMarker.extend({
  _updatePath() { this._renderer._updateWedge(this); },
  _containsPoint(p) {
    const d = p.subtract(this._point);
    const r = this._radius + this._clickTolerance();
    if (d.x * d.x + d.y * d.y > r * r) { return false; }
    const azimuth = this.options.azimuth;
    if (azimuth === null || azimuth === undefined) { return true; }
    const bearing = Math.atan2(d.x, -d.y) * 180 / Math.PI;
    return Math.abs(((bearing - azimuth) % 360 + 540) % 360 - 180) <= 60;
  },
});
L.Canvas.include({
  _updateWedge(layer) {
    if (!this._drawing || layer._empty()) { return; }
    const p = layer._point, ctx = this._ctx, r = Math.max(Math.round(layer._radius), 1);
    const azimuth = layer.options.azimuth;
    ctx.beginPath();
    if (azimuth === null || azimuth === undefined) {
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI, false);
    } else {
      const a = (azimuth - 90) * Math.PI / 180; // canvas angles: from east, clockwise
      ctx.moveTo(p.x, p.y);
      ctx.arc(p.x, p.y, r, a - Math.PI / 3, a + Math.PI / 3, false);
      ctx.closePath();
    }
    this._fillStroke(ctx, layer);
  },
});

function loadColour(load) {
  let colour = null;
  for (const c of config.sectors.classes) {
    if (c.lower === null || load >= c.lower) { colour = c.colour; }
  }
  return colour;
}
function percent(share) {
  return share === null || share === undefined ? "n/a" : (100 * share).toFixed(1) + " %";
}
function districtPopup(p) {
  const cost = p.cost_per_subscriber_usd_per_month;
  return "<b>" + escapeHtml(p.name) + "</b> (" + escapeHtml(p.code) + ")<br>" +
    "people: " + Math.round(p.population).toLocaleString("en") + "<br>" +
    "served: " + percent(p.served_share) + ", covered outdoors: " +
    percent(p.covered_share) + "<br>" +
    "cost per subscriber: " + (cost === null ? "n/a" : cost.toFixed(2) + " USD/month") +
    "<br>" + escapeHtml(p.verdict || "");
}
function sectorPopup(p) {
  return "<b>site " + escapeHtml(p.site_id) + ", sector " + escapeHtml(p.sector_id) + "</b><br>" +
    escapeHtml(p.layer) + ", " + p.frequency_mhz + " MHz" +
    (p.azimuth_deg === null ? ", omnidirectional" : ", azimuth " + p.azimuth_deg + "\u00b0") +
    "<br>busy-hour load " + p.load.toFixed(2) + ", capacity " + p.capacity_mbps.toFixed(0) +
    " Mbit/s<br>" + Math.round(p.served_subscribers) + " subscribers served";
}

const map = L.map("map", {zoomSnap: 0.5});
const canvas = L.canvas({padding: 0.5});
const districts = L.layerGroup();
const sectors = L.layerGroup();
let wedges = L.layerGroup();
let shown = null; // {scenario, map} of the tile layer shown
let loaded = null; // the scenario whose districts and sectors are loaded
let sectorCount = null; // its sectors, once read

const legend = L.control({position: "bottomright"});
legend.onAdd = () => {
  const div = L.DomUtil.create("div", "covsim-box covsim-legend");
  div.id = "legend";
  L.DomEvent.disableClickPropagation(div);
  return div;
};
const note = L.control({position: "bottomleft"});
note.onAdd = () => {
  const div = L.DomUtil.create("div", "covsim-box covsim-note");
  div.id = "note";
  div.style.display = "none";
  return div;
};

function legendSection(div, title, entries) {
  const h = document.createElement("h4");
  h.textContent = title;
  div.appendChild(h);
  for (const e of entries) {
    const row = document.createElement("div");
    row.className = "covsim-legend-row";
    const swatch = document.createElement("span");
    swatch.className = "covsim-swatch";
    swatch.style.background = e.colour;
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(e.label));
    div.appendChild(row);
  }
}
function drawLegend() {
  const div = document.getElementById("legend");
  div.textContent = "";
  if (shown) {
    legendSection(div, shown.scenario.name + ": " + shown.map.title, shown.map.legend);
  }
  if (map.hasLayer(sectors) && sectorCount !== null) {
    legendSection(div, config.sectors.title + " (" + sectorCount + " sectors, drawn from zoom " +
                  loaded.sector_min_zoom + ")", config.sectors.legend);
  }
}
function showNote(text) {
  const div = document.getElementById("note");
  div.textContent = text;
  div.style.display = "block";
}

function fetchGeoJson(url, draw) {
  fetch(url).then((r) => {
    if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
    return r.json();
  }).then(draw).catch((e) => {
    showNote("Districts and sectors are read from web/data/ and need the directory served " +
             "over HTTP (python3 -m http.server in it): " + e.message);
  });
}
function showWedges() {
  const on = loaded && map.getZoom() >= loaded.sector_min_zoom;
  if (on && !sectors.hasLayer(wedges)) { sectors.addLayer(wedges); }
  if (!on && sectors.hasLayer(wedges)) { sectors.removeLayer(wedges); }
}
function loadScenario(scenario) {
  if (loaded === scenario) { return; }
  loaded = scenario;
  districts.clearLayers();
  sectors.clearLayers();
  wedges = L.layerGroup();
  sectorCount = null;
  fetchGeoJson(scenario.districts, (data) => {
    districts.addLayer(L.geoJSON(data, {
      style: {color: "#222", weight: 1.5, fillOpacity: 0},
      onEachFeature: (f, layer) => {
        layer.bindTooltip(escapeHtml(f.properties.name),
                          {permanent: true, direction: "center", className: "district-label"});
        layer.bindPopup(districtPopup(f.properties));
      },
    }));
  });
  fetchGeoJson(scenario.sectors, (data) => {
    for (const f of data.features) {
      const c = f.geometry.coordinates;
      wedges.addLayer(new Wedge([c[1], c[0]], {
        renderer: canvas, radius: 14, azimuth: f.properties.azimuth_deg, weight: 0.5,
        color: "#333", fillColor: loadColour(f.properties.load), fillOpacity: 0.9,
      }).bindPopup(sectorPopup(f.properties)));
    }
    sectorCount = data.features.length;
    showWedges();
    drawLegend();
  });
}

const choices = {};
let first = null;
for (const scenario of config.scenarios) {
  for (const m of scenario.maps) {
    const layer = L.tileLayer(m.tiles, {
      minNativeZoom: m.minzoom, maxNativeZoom: m.maxzoom, bounds: lonLatBounds(m.bounds),
      opacity: 0.85, attribution: escapeHtml(scenario.attribution),
    });
    layer.covsim = {scenario: scenario, map: m};
    choices[escapeHtml(scenario.name + ": " + m.title)] = layer;
    first = first || layer;
  }
}
const overlays = {"District borders and names": districts, "Sectors: busy-hour load": sectors};
const switcher = L.control.layers(choices, overlays, {collapsed: false}).addTo(map);
legend.addTo(map);
note.addTo(map);
L.control.scale({imperial: false}).addTo(map);

map.on("baselayerchange", (e) => {
  shown = e.layer.covsim;
  loadScenario(shown.scenario);
  drawLegend();
});
map.on("overlayadd overlayremove", drawLegend);
map.on("zoomend", showWedges);
// The view in the address, #zoom/latitude/longitude, to share or reload it.
map.on("moveend", () => {
  const c = map.getCenter();
  history.replaceState(null, "", "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" +
                       c.lng.toFixed(5));
});

if (first) {
  const view = /^#([0-9.]+)\/(-?[0-9.]+)\/(-?[0-9.]+)$/.exec(location.hash);
  if (view) {
    map.setView([Number(view[2]), Number(view[3])], Number(view[1]));
  } else { // the whole area, beside the layer switcher
    map.fitBounds(lonLatBounds(first.covsim.map.bounds),
                  {paddingTopRight: [switcher.getContainer().offsetWidth, 0]});
  }
  map.addLayer(first);
  map.addLayer(districts);
  map.addLayer(sectors);
  shown = first.covsim;
  loadScenario(shown.scenario);
  drawLegend();
}
</script>
</body>
</html>
)html";

// JSON inside <script>: '<' escaped so that no "</script>" can end the element early.
std::string script_safe(const std::string& json) {
    std::string out;
    for (const char c : json) {
        out += c == '<' ? std::string("\\u003c") : std::string(1, c);
    }
    return out;
}

} // namespace

std::string viewer_page(const std::string& title, const std::string& config_json) {
    std::string head = page_head;
    head.replace(head.find("@TITLE@"), 7, xml_escape(title));
    return head + script_safe(config_json) + page_script;
}

} // namespace covsim::io
