#pragma once
// catalog.json and the STAC Items of the maps: a static SpatioTemporal Asset Catalog (STAC 1.0.0)
// of a run's GeoTIFF maps, so that the output directory can be published as it is (a static web
// server, an open-data portal, STAC Browser) and searched by place and time.
//
//   DIR/catalog.json                        root Catalog: a child link per scenario
//   DIR/maps/<scenario>/catalog.json        the scenario's Catalog: an item link per map
//   DIR/maps/<scenario>/<metric>.json       the map's Item: footprint in WGS 84, projection
//                                           (proj:*) and band (raster:bands) facts read back from
//                                           the GeoTIFF with GDAL, provenance (covsim:*)
//
// Every link is relative, so the directory can be moved or copied to a server unchanged; there
// is no `self` link, which STAC 1.0.0 requires to be absolute (a self-contained catalog, as the
// STAC best practices describe it). Nothing depends on the time of the run or the machine: the
// files are the same bit for bit for the same inputs (docs/results-format.md, "Publishing a run").
// Specifications: https://github.com/radiantearth/stac-spec/tree/v1.0.0 (item-spec,
// catalog-spec), https://github.com/stac-extensions/projection (v1.1.0),
// https://github.com/stac-extensions/raster (v1.1.0).

#include "core/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// A scenario whose maps are under DIR/maps/<name>/, and what it was computed from.
struct PublishedScenario {
    std::string name;
    std::string description;
    std::optional<int> year;       // [scenario] year, when given
    std::vector<InputFile> inputs; // with their SHA-256 (remote inputs have none)
    std::string input_checksum;
};

// The year a scenario is about, from its name: the last run of four digits from 1900 to 2199
// standing alone between non-digits ("hanoi-5g-2025" and "hanoi-5g-2025-sweep/isd=400": 2025).
std::optional<int> scenario_year(std::string_view name);

// Writes the Items and Catalogs of every scenario's maps and the root catalog.json, each
// atomically (io/atomic_file). A map GDAL cannot read is an Error(io) naming it. A scenario
// without a year in its name is dated `fallback_year` (the year of the run).
void write_stac_catalog(const std::filesystem::path& out_dir,
                        const std::vector<PublishedScenario>& scenarios, const RunInfo& run,
                        int fallback_year);

} // namespace covsim::io
