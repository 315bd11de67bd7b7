#pragma once
// districts.gpkg: the districts with every per-district result, one GeoPackage layer per
// scenario, named after the scenario, through GDAL's GPKG driver. Polygons are in the analysis
// CRS (the CRS of the maps, e.g. EPSG:32648 for Hanoi). Fields: code, name, name_ascii, type,
// then every column of district_text_columns() and district_columns() (core/result_table), then
// every column of layer_district_columns() as one field per layer, named <column>_<layer>
// (characters other than letters, digits and '_' become '_'). Each layer has a default QGIS style
// (a choropleth of covered_share with district names as labels, io/map_styles) in the GeoPackage's
// layer_styles table, QML and SLD, with useAsDefault = 1, so that QGIS shows it styled when it
// opens it. Written under a temporary name and renamed on commit(); dates inside the file are fixed
// (see gpkg_fixed_date) so that the same results give the same file.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/map_styles.hpp"

#include <filesystem>
#include <gdal_priv.h>
#include <string>
#include <vector>

namespace covsim::io {

// The date written where the GeoPackage format asks for one (gpkg_contents.last_change,
// layer_styles.update_time).
inline constexpr const char* gpkg_fixed_date = "2000-01-01T00:00:00.000Z";

// The fields of a scenario's district layer after the feature id, with the aliases QGIS shows.
std::vector<FieldAlias> district_layer_fields(const ScenarioResult& result);

class DistrictGpkgSink final : public ResultSink {
public:
    explicit DistrictGpkgSink(const std::filesystem::path& path);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    // Copies every district layer and its style of another GeoPackage this sink wrote (a
    // variant's, run/variant_store), feature ids and fields unchanged.
    void append(const std::filesystem::path& source);
    void commit() override;

private:
    void open_dataset();
    void create_styles_table();

    AtomicFile file_;
    GDALDatasetUniquePtr ds_;
    OGRLayer* styles_ = nullptr;
};

} // namespace covsim::io
