#include "io/gdal_support.hpp"

#include "core/error.hpp"
#include "io/csv_file.hpp"
#include "io/input_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_http.h>
#include <cpl_vsi_virtual.h>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <set>
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

// A file or directory (some formats are directories); never a device, FIFO or socket, which
// GDAL would block on or read forever.
void check_openable(const std::filesystem::path& path, std::string_view what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(ErrorCode::io,
                    std::string(what) + " '" + path_text(path) + "': file not found");
    }
    if (const std::string kind = special_file_kind(path); !kind.empty() && kind != "directory") {
        throw Error(ErrorCode::io, fmt::format("{} '{}' is a {}, expected a regular file", what,
                                               path_text(path), kind));
    }
}

// The extensions GDAL's CSV driver opens.
bool is_csv_path(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".csv" || ext == ".tsv";
}

} // namespace

namespace {

// ---- network access ------------------------------------------------------------------------

// A file system that refuses every path: stands in for GDAL's network file systems while network
// access is off.
class NoNetworkHandler final : public VSIFilesystemHandler {
public:
    VSIVirtualHandle* Open(const char* name, const char* /*access*/, bool set_error,
                           CSLConstList /*options*/) override {
        if (set_error) {
            VSIError(VSIE_FileError, "%s", refusal(name).c_str());
        }
        CPLError(CE_Failure, CPLE_AppDefined, "%s", refusal(name).c_str());
        return nullptr;
    }
    int Stat(const char* /*name*/, VSIStatBufL* /*buf*/, int /*flags*/) override { return -1; }
    bool IsLocal(const char* /*path*/) override { return false; }

    static std::string refusal(const char* name) {
        return fmt::format("'{}' is remote data and network access is off; give covsim "
                           "--allow-network to read it",
                           name != nullptr ? name : "");
    }
};

CPLHTTPResult* refuse_http(const char* url, CSLConstList /*options*/, GDALProgressFunc /*progress*/,
                           void* /*progress_arg*/, CPLHTTPFetchWriteFunc /*write*/,
                           void* /*write_arg*/, void* /*user*/) {
    auto* result = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
    result->nStatus = 1;
    result->pszErrBuf = CPLStrdup(NoNetworkHandler::refusal(url).c_str());
    CPLError(CE_Failure, CPLE_AppDefined, "%s", result->pszErrBuf);
    return result;
}

struct NetworkState {
    std::mutex mutex;
    bool allowed = false;
    bool applied = false;                                   // blocked when !allowed
    std::map<std::string, VSIFilesystemHandler*> originals; // prefix -> GDAL's handler
    // Owned by GDAL once installed: VSICleanupFileManager deletes the handlers it holds.
    NoNetworkHandler* blocker = new NoNetworkHandler;
};

NetworkState& network_state() {
    static NetworkState* state = new NetworkState; // never destroyed: GDAL may outlive statics
    return *state;
}

// GDAL's network file systems: those that say they are not local, and the known ones.
std::vector<std::string> network_prefixes() {
    std::set<std::string> out = {"/vsicurl/",
                                 "/vsicurl_streaming/",
                                 "/vsis3/",
                                 "/vsis3_streaming/",
                                 "/vsigs/",
                                 "/vsigs_streaming/",
                                 "/vsiaz/",
                                 "/vsiaz_streaming/",
                                 "/vsiadls/",
                                 "/vsioss/",
                                 "/vsioss_streaming/",
                                 "/vsiswift/",
                                 "/vsiswift_streaming/",
                                 "/vsiwebhdfs/",
                                 "/vsihdfs/"};
    char** prefixes = VSIFileManager::GetPrefixes();
    for (char** p = prefixes; p != nullptr && *p != nullptr; ++p) {
        VSIFilesystemHandler* h = VSIFileManager::GetHandler(*p);
        if (h != nullptr && !h->IsLocal(*p)) {
            out.insert(*p);
        }
    }
    CSLDestroy(prefixes);
    return {out.begin(), out.end()};
}

// Installs or removes the blocking handlers to match `state.allowed`; GDAL is registered.
void apply_network_access(NetworkState& state) {
    const bool block = !state.allowed;
    if (block == state.applied) {
        return;
    }
    if (block) {
        for (const std::string& prefix : network_prefixes()) {
            if (state.originals.count(prefix) == 0) {
                state.originals[prefix] = VSIFileManager::GetHandler(prefix.c_str());
            }
            VSIFileManager::InstallHandler(prefix, state.blocker);
        }
        CPLHTTPPushFetchCallback(refuse_http, nullptr);
    } else {
        for (const auto& [prefix, handler] : state.originals) {
            VSIFileManager::InstallHandler(prefix, handler);
        }
        CPLHTTPPopFetchCallback();
    }
    OSRSetPROJEnableNetwork(state.allowed ? TRUE : FALSE);
    state.applied = block;
}

} // namespace

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(log_gdal_message);
        NetworkState& state = network_state();
        const std::lock_guard lock(state.mutex);
        apply_network_access(state);
    });
}

void set_gdal_network_access(bool allowed) {
    ensure_gdal();
    NetworkState& state = network_state();
    const std::lock_guard lock(state.mutex);
    state.allowed = allowed;
    apply_network_access(state);
}

bool gdal_network_access() {
    NetworkState& state = network_state();
    const std::lock_guard lock(state.mutex);
    return state.allowed;
}

bool is_remote_path(std::string_view path) {
    for (;;) {
        if (path.starts_with("http://") || path.starts_with("https://") ||
            path.starts_with("ftp://")) {
            return true;
        }
        for (const std::string_view prefix : {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls",
                                              "/vsioss", "/vsiswift", "/vsiwebhdfs", "/vsihdfs"}) {
            if (path.starts_with(prefix)) {
                return true;
            }
        }
        // A file inside another one (/vsizip//vsicurl/...): look at what the prefix wraps.
        const std::size_t end = path.starts_with("/vsi") ? path.find('/', 1) : path.npos;
        if (end == path.npos) {
            return false;
        }
        path.remove_prefix(end + 1);
    }
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
    check_openable(path, what);
    if (is_csv_path(path)) {
        check_csv_file(path, what);
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
    check_openable(path, what);
    CPLErrorReset();
    auto* ds = GDALDataset::Open(path_text(path).c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (ds == nullptr) {
        throw Error(ErrorCode::io, std::string(what) + " '" + path_text(path) +
                                       "': not a raster GDAL can read (" + gdal_error_detail() +
                                       ")");
    }
    return GDALDatasetUniquePtr(ds);
}

GDALDatasetUniquePtr mem_dataset_over(const Grid& grid, GDALDataType type, void* data) {
    ensure_gdal();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", static_cast<int>(grid.width),
                                        static_cast<int>(grid.height), 0, type, nullptr));
    char pointer[64] = {};
    CPLPrintPointer(pointer, data, sizeof(pointer) - 1);
    const std::string option = std::string("DATAPOINTER=") + pointer;
    const char* options[] = {option.c_str(), nullptr};
    if (!ds || ds->AddBand(type, const_cast<char**>(options)) != CE_None) {
        throw Error(ErrorCode::internal, fmt::format("cannot wrap a {} x {} raster for GDAL ({})",
                                                     grid.width, grid.height, gdal_error_detail()));
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

std::array<double, 4> grid_extent_in(const Grid& g, const OGRSpatialReference& to) {
    const TransformPtr transform = make_transform(srs_from_wkt(g.crs_wkt), to);
    std::vector<double> xs;
    std::vector<double> ys;
    constexpr int steps = 32;
    for (int i = 0; i <= steps; ++i) {
        const double f = static_cast<double>(i) / steps;
        const double ex = g.origin_x_m + f * (g.east_m() - g.origin_x_m);
        const double ey = g.south_m() + f * (g.origin_y_m - g.south_m());
        xs.insert(xs.end(), {ex, ex, g.origin_x_m, g.east_m()});
        ys.insert(ys.end(), {g.origin_y_m, g.south_m(), ey, ey});
    }
    transform->Transform(xs.size(), xs.data(), ys.data());
    const auto [min_x, max_x] = std::minmax_element(xs.begin(), xs.end());
    const auto [min_y, max_y] = std::minmax_element(ys.begin(), ys.end());
    return {*min_x, *min_y, *max_x, *max_y};
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

namespace {

// The centre of a layer's extent, in WGS 84 longitude and latitude.
std::pair<double, double> layer_centre(OGRLayer& layer, const OGRSpatialReference& source_srs,
                                       const std::string& file) {
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot compute the layer's extent", file));
    }
    auto to_geo = make_transform(source_srs, wgs84());
    double x = (env.MinX + env.MaxX) / 2.0;
    double y = (env.MinY + env.MaxY) / 2.0;
    if (!to_geo->Transform(1, &x, &y)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("districts file '{}': cannot locate the layer's centre in "
                                "longitude/latitude",
                                file));
    }
    return {x, y};
}

// The scale factors of `srs` east-west and north-south at (lon, lat): projected distance over
// the distance on the WGS 84 ellipsoid, over +-0.0005 degrees (about 50 m), where the
// ellipsoid's radii of curvature give the true distances (meridian M = a (1 - e^2) / W^3, prime
// vertical N = a / W, W = sqrt(1 - e^2 sin^2 lat)) to far better than the 1 % that matters.
std::pair<double, double> scale_factors(const OGRSpatialReference& srs, double lon, double lat) {
    constexpr double a = 6378137.0;
    constexpr double e2 = 0.0066943799901413165; // WGS 84
    constexpr double half = 0.0005;              // degrees
    constexpr double rad = 3.14159265358979323846 / 180.0;
    auto to_srs = make_transform(wgs84(), srs);
    double xs[4] = {lon - half, lon + half, lon, lon};
    double ys[4] = {lat, lat, lat - half, lat + half};
    if (!to_srs->Transform(4, xs, ys)) {
        return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    }
    const double s = std::sin(lat * rad);
    const double w = std::sqrt(1.0 - e2 * s * s);
    const double east_m = a / w * std::cos(lat * rad) * 2.0 * half * rad;
    const double north_m = a * (1.0 - e2) / (w * w * w) * 2.0 * half * rad;
    return {std::hypot(xs[1] - xs[0], ys[1] - ys[0]) / east_m,
            std::hypot(xs[3] - xs[2], ys[3] - ys[2]) / north_m};
}

} // namespace

OGRSpatialReference analysis_srs(std::string_view crs, std::string_view key, ErrorCode code,
                                 OGRLayer& layer, const OGRSpatialReference& source_srs,
                                 const std::string& file) {
    const auto [lon, lat] = layer_centre(layer, source_srs, file);
    if (crs.empty()) {
        OGRSpatialReference utm = make_srs();
        utm.importFromEPSG(utm_epsg(lon, lat));
        return utm;
    }
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
    // Distances, ranges and areas are measured on the grid: a CRS that stretches them there
    // (Web Mercator at 21 degrees north: 7 %, areas 15 %) would give confident wrong answers.
    const auto [kx, ky] = scale_factors(srs, lon, lat);
    if (!(std::abs(kx - 1.0) <= max_crs_scale_error && std::abs(ky - 1.0) <= max_crs_scale_error)) {
        throw Error(code, fmt::format("{}: '{}' scales distances by {:.4f} east-west and {:.4f} "
                                      "north-south at the districts' centre ({:.4f}, {:.4f}), "
                                      "areas by {:.3f}; expected a CRS true to scale there "
                                      "within {:g} %, such as its UTM zone, EPSG:{} (the "
                                      "default when no crs is given)",
                                      key, crs, kx, ky, lon, lat, kx * ky,
                                      100.0 * max_crs_scale_error, utm_epsg(lon, lat)));
    }
    return srs;
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
