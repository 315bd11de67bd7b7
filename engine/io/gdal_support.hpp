#pragma once
// GDAL plumbing shared by the I/O adapters: driver registration, error capture, opening files
// with errors that name them, and coordinate reference systems.

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/grid.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <gdal_priv.h>
#include <memory>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace covsim::io {

// Registers GDAL's drivers once and routes GDAL's messages to covsim's log.
void ensure_gdal();

// GDAL reads remote data (/vsicurl/, /vsis3/ and the other network file systems, http:// sources
// of a VRT, WMS, PROJ's grid CDN) only when allowed: `covsim --allow-network`. By default a local
// file that references a URL fails to read, with an error naming the URL, instead of fetching
// data nobody asked for that the resume checksum cannot cover (docs/results-format.md).
void set_gdal_network_access(bool allowed);
[[nodiscard]] bool gdal_network_access();

// True for a path GDAL reads over the network: /vsicurl/..., /vsis3/..., http(s)://, ftp://.
[[nodiscard]] bool is_remote_path(std::string_view path);

// The last GDAL error message of this thread, or "no detail from GDAL".
std::string gdal_error_detail();

// Opens a vector or raster file; throws covsim::Error(io) naming `what` and the path.
GDALDatasetUniquePtr open_vector(const std::filesystem::path& path, std::string_view what,
                                 const std::vector<std::string>& open_options = {});
GDALDatasetUniquePtr open_raster(const std::filesystem::path& path, std::string_view what);

// The GDAL data type of a raster's cells (covsim's raster element types only).
template <typename T>
constexpr GDALDataType gdal_type() {
    if constexpr (std::is_same_v<T, float>) {
        return GDT_Float32;
    } else if constexpr (std::is_same_v<T, double>) {
        return GDT_Float64;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return GDT_Int32;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return GDT_Int16;
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
        return GDT_UInt16;
    } else {
        static_assert(std::is_same_v<T, std::uint8_t>, "unsupported raster type");
        return GDT_Byte;
    }
}

// An in-memory raster of one band on `grid` (geotransform and CRS set) whose pixels are `data`
// (grid.width x grid.height values of `type`, row after row), which must outlive it: GDAL reads and
// writes them in place, without a copy of its own or a block cache in between.
GDALDatasetUniquePtr mem_dataset_over(const Grid& grid, GDALDataType type, void* data);

// "a, b, c": the field names of a layer, for messages about a missing field.
std::string field_names(OGRFeatureDefn* defn);

// A spatial reference with the traditional GIS axis order (x = easting/longitude).
OGRSpatialReference make_srs();
// Parses "EPSG:32648", a WKT or a PROJ string; throws covsim::Error(scenario) naming `key`.
OGRSpatialReference srs_from_user_input(std::string_view text, std::string_view key);
OGRSpatialReference srs_from_wkt(const std::string& wkt);
std::string to_wkt(const OGRSpatialReference& srs);
OGRSpatialReference wgs84();

struct CoordinateTransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const noexcept {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, CoordinateTransformDeleter>;

// A transformation between two CRSs; throws covsim::Error(input_data) when PROJ has none.
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

// The grid's extent in `to`: {min x, min y, max x, max y} of 33 points along each edge of its
// rectangle (the edges curve in another CRS).
std::array<double, 4> grid_extent_in(const Grid& g, const OGRSpatialReference& to);

// EPSG code of the WGS 84 / UTM zone containing (lon, lat): 326zz north, 327zz south.
int utm_epsg(double lon_deg, double lat_deg);

// True when the CRS locates points on the Earth (geographic or projected). GeoPackage reports
// an "Undefined geographic SRS" or "Undefined Cartesian SRS" for layers written without one:
// those are false.
bool is_earth_crs(const OGRSpatialReference* srs);

// The polygons of a Polygon or MultiPolygon (anything else gives none), rings corrected to
// Boost.Geometry's orientation and closure.
MultiPolygon to_multipolygon(const OGRGeometry& geometry);

// How far a given analysis CRS may scale distances at the districts' centre (1 %: areas 2 %).
inline constexpr double max_crs_scale_error = 0.01;

// The analysis CRS of a district layer: `crs` when given (a projected CRS in metres, true to
// scale within max_crs_scale_error east-west and north-south at the centre of the layer's
// extent; otherwise covsim::Error(code) naming `key`), else the WGS 84 / UTM zone containing
// that centre. `file` names the layer's file in errors.
OGRSpatialReference analysis_srs(std::string_view crs, std::string_view key, ErrorCode code,
                                 OGRLayer& layer, const OGRSpatialReference& source_srs,
                                 const std::string& file);

// A short name for a CRS, e.g. "EPSG:32648", or its name when it has no authority code.
std::string srs_label(const OGRSpatialReference& srs);

// The date a GeoPackage holds where the format asks for one (gpkg_contents.last_change,
// layer_styles.update_time), so that the same results give the same file.
inline constexpr const char* gpkg_fixed_date = "2000-01-01T00:00:00.000Z";

// Sets GDAL's OGR_CURRENT_DATE to gpkg_fixed_date for this thread while it lives: the GPKG
// driver then writes that date instead of the clock's.
class FixedGpkgDate {
public:
    FixedGpkgDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", gpkg_fixed_date); }
    FixedGpkgDate(const FixedGpkgDate&) = delete;
    FixedGpkgDate& operator=(const FixedGpkgDate&) = delete;
    ~FixedGpkgDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

} // namespace covsim::io
