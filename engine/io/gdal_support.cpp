#include "io/gdal_support.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <mutex>
#include <spdlog/spdlog.h>

namespace covsim::io {

namespace {

void CPL_STDCALL log_gdal_message(CPLErr level, CPLErrorNum /*code*/, const char* message) {
    if (level == CE_Debug) {
        spdlog::trace("GDAL: {}", message);
    } else {
        // Failures surface as covsim errors through gdal_error_detail(); keep them out of the
        // user's terminal unless asked for.
        spdlog::debug("GDAL: {}", message);
    }
}

std::string path_text(const std::filesystem::path& p) {
    return p.string();
}

} // namespace

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(log_gdal_message);
    });
}

std::string gdal_error_detail() {
    const char* msg = CPLGetLastErrorMsg();
    if (msg == nullptr || *msg == '\0') {
        return "no detail from GDAL";
    }
    return msg;
}

GDALDatasetUniquePtr open_vector(const std::filesystem::path& path, std::string_view what,
                                 const std::vector<std::string>& open_options) {
    ensure_gdal();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(ErrorCode::io,
                    std::string(what) + " '" + path_text(path) + "': file not found");
    }
    std::vector<const char*> opts;
    for (const auto& o : open_options) {
        opts.push_back(o.c_str());
    }
    opts.push_back(nullptr);
    CPLErrorReset();
    auto* ds = GDALDataset::Open(path_text(path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 nullptr, opts.data(), nullptr);
    if (ds == nullptr) {
        throw Error(ErrorCode::io, std::string(what) + " '" + path_text(path) +
                                       "': not a vector file GDAL can read (" +
                                       gdal_error_detail() + ")");
    }
    return GDALDatasetUniquePtr(ds);
}

GDALDatasetUniquePtr open_raster(const std::filesystem::path& path, std::string_view what) {
    ensure_gdal();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(ErrorCode::io,
                    std::string(what) + " '" + path_text(path) + "': file not found");
    }
    CPLErrorReset();
    auto* ds = GDALDataset::Open(path_text(path).c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (ds == nullptr) {
        throw Error(ErrorCode::io, std::string(what) + " '" + path_text(path) +
                                       "': not a raster GDAL can read (" + gdal_error_detail() +
                                       ")");
    }
    return GDALDatasetUniquePtr(ds);
}

GDALDatasetUniquePtr make_mem_dataset(const Grid& grid, GDALDataType type) {
    ensure_gdal();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", static_cast<int>(grid.width),
                                        static_cast<int>(grid.height), 1, type, nullptr));
    if (!ds) {
        throw Error(ErrorCode::limit, fmt::format("cannot allocate a {} x {} raster in memory",
                                                  grid.width, grid.height));
    }
    auto gt = grid.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(grid.crs_wkt.c_str());
    return ds;
}

std::string field_names(OGRFeatureDefn* defn) {
    std::string out;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        out += (i > 0 ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    }
    return out.empty() ? "(none)" : out;
}

OGRSpatialReference make_srs() {
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRSpatialReference srs_from_user_input(std::string_view text, std::string_view key) {
    ensure_gdal();
    OGRSpatialReference srs = make_srs();
    const std::string s(text);
    if (srs.SetFromUserInput(s.c_str()) != OGRERR_NONE) {
        throw Error(ErrorCode::scenario, std::string(key) + ": '" + s +
                                             "' is not a coordinate reference system GDAL knows "
                                             "(expected e.g. \"EPSG:32648\")");
    }
    return srs;
}

OGRSpatialReference srs_from_wkt(const std::string& wkt) {
    ensure_gdal();
    OGRSpatialReference srs = make_srs();
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) {
        throw Error(ErrorCode::internal, "invalid CRS WKT: " + wkt.substr(0, 60));
    }
    return srs;
}

std::string to_wkt(const OGRSpatialReference& srs) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string out = wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    return out;
}

OGRSpatialReference wgs84() {
    OGRSpatialReference srs = make_srs();
    srs.importFromEPSG(4326);
    return srs;
}

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to) {
    TransformPtr t(OGRCreateCoordinateTransformation(&from, &to));
    if (!t) {
        throw Error(ErrorCode::input_data,
                    fmt::format("cannot transform coordinates from {} to {} ({})", srs_label(from),
                                srs_label(to), gdal_error_detail()));
    }
    return t;
}

int utm_epsg(double lon_deg, double lat_deg) {
    int zone = static_cast<int>(std::floor((lon_deg + 180.0) / 6.0)) + 1;
    zone = std::clamp(zone, 1, 60);
    return (lat_deg >= 0.0 ? 32600 : 32700) + zone;
}

bool is_earth_crs(const OGRSpatialReference* srs) {
    if (srs == nullptr || !(srs->IsGeographic() || srs->IsProjected())) {
        return false;
    }
    // GeoPackage's placeholders for "no CRS" (srs_id 0 and -1).
    const char* name = srs->GetName();
    return name == nullptr || !std::string_view(name).starts_with("Undefined");
}

std::string srs_label(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth != nullptr && code != nullptr) {
        return std::string(auth) + ":" + code;
    }
    const char* name = srs.GetName();
    return name != nullptr ? name : "unnamed CRS";
}

OGRSpatialReference analysis_srs(std::string_view crs, std::string_view key, ErrorCode code,
                                 OGRLayer& layer, const OGRSpatialReference& source_srs,
                                 const std::string& file) {
    if (!crs.empty()) {
        OGRSpatialReference srs = make_srs();
        try {
            srs = srs_from_user_input(crs, key);
        } catch (const Error& e) {
            throw Error(code, e.what());
        }
        if (!srs.IsProjected() || std::abs(srs.GetLinearUnits() - 1.0) > 1e-12) {
            throw Error(code, fmt::format("{}: '{}' is not a projected CRS in metres (expected "
                                          "e.g. a UTM zone such as \"EPSG:32648\")",
                                          key, crs));
        }
        return srs;
    }
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot compute the layer's extent", file));
    }
    OGRSpatialReference geo = wgs84();
    auto to_geo = make_transform(source_srs, geo);
    double x = (env.MinX + env.MaxX) / 2.0;
    double y = (env.MinY + env.MaxY) / 2.0;
    if (!to_geo->Transform(1, &x, &y)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot locate the layer's centre in "
                                "longitude/latitude",
                                file));
    }
    OGRSpatialReference utm = make_srs();
    utm.importFromEPSG(utm_epsg(x, y));
    return utm;
}

namespace {

Polygon to_boost(const OGRPolygon& polygon) {
    Polygon out;
    auto copy_ring = [](const OGRLinearRing* from, Ring& to) {
        if (from == nullptr) {
            return;
        }
        for (int i = 0; i < from->getNumPoints(); ++i) {
            to.emplace_back(from->getX(i), from->getY(i));
        }
    };
    copy_ring(polygon.getExteriorRing(), out.outer());
    for (int k = 0; k < polygon.getNumInteriorRings(); ++k) {
        out.inners().emplace_back();
        copy_ring(polygon.getInteriorRing(k), out.inners().back());
    }
    bg::correct(out);
    return out;
}

} // namespace

MultiPolygon to_multipolygon(const OGRGeometry& g) {
    MultiPolygon out;
    const auto type = wkbFlatten(g.getGeometryType());
    if (type == wkbPolygon) {
        out.push_back(to_boost(*g.toPolygon()));
    } else if (type == wkbMultiPolygon) {
        for (const OGRPolygon* p : *g.toMultiPolygon()) {
            out.push_back(to_boost(*p));
        }
    }
    return out;
}

} // namespace covsim::io
