#pragma once
// districts.gpkg: per scenario, two GeoPackage layers through GDAL's GPKG driver, in the analysis
// CRS (the CRS of the maps, e.g. EPSG:32648 for Hanoi):
//   <scenario>          the districts with every per-district result (polygons). Fields: code,
//                       name, name_ascii, type, then every column of district_text_columns() and
//                       district_columns() (core/result_table), then every column of
//                       layer_district_columns() as one field per layer, named <column>_<layer>
//                       (characters other than letters, digits and '_' become '_').
//   sectors_<scenario>  a point per sector at its site, with its antenna and busy-hour load
//                       (sector_layer_fields()).
// The QGIS styles of each layer (io/map_styles) are in the GeoPackage's layer_styles table, QML
// and SLD: the district layer's district_styles(), the first with useAsDefault = 1, and the
// sector layer's wedges, so that QGIS shows both styled when it opens them. Written under a
// temporary name and renamed on commit(); dates inside the file are fixed (io/gdal_support.hpp,
// gpkg_fixed_date)
// so that the same results give the same file.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"
#include "io/map_styles.hpp"

#include <filesystem>
#include <gdal_priv.h>
#include <string>
#include <vector>

namespace covsim::io {

// The fields of a scenario's district layer after the feature id, with the aliases QGIS shows.
std::vector<FieldAlias> district_layer_fields(const ScenarioResult& result);
// The fields of a scenario's sector layer after the feature id, with the aliases QGIS shows.
const std::vector<FieldAlias>& sector_layer_fields();

// The GeoPackage tables of a scenario's layers. A sweep variant's "base/a=1,b=2" is flattened
// (flat_name) to "base__a=1,b=2".
std::string district_table(const std::string& scenario);
std::string sector_table(const std::string& scenario);

class DistrictGpkgSink final : public ResultSink {
public:
    explicit DistrictGpkgSink(const std::filesystem::path& path);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    // Copies every layer and its styles of another GeoPackage this sink wrote (a variant's,
    // run/variant_store), feature ids and fields unchanged.
    void append(const std::filesystem::path& source);
    void commit() override;

private:
    void open_dataset();
    void create_styles_table();
    OGRLayer* create_layer(const std::string& table, const std::string& identifier,
                           const std::string& description, const OGRSpatialReference* srs,
                           OGRwkbGeometryType type);
    void write_districts(const ScenarioResult& result);
    void write_sectors(const ScenarioResult& result);
    struct Style {
        std::string table;
        std::string name;
        std::string qml;
        std::string sld;
        bool use_as_default = false;
        std::string description;
    };
    void add_style(const Style& style);

    AtomicFile file_;
    GDALDatasetUniquePtr ds_;
    OGRLayer* styles_ = nullptr;
};

} // namespace covsim::io
