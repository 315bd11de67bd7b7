#include "io/site_layer.hpp"

#include "core/error.hpp"
#include "io/csv_file.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <ogrsf_frmts.h>
#include <set>
#include <utility>

namespace covsim::io {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_csv(const std::filesystem::path& p) {
    return lower(p.extension().string()) == ".csv";
}

// Parses a whole string as a finite number.
std::optional<double> parse_number(const std::string& text) {
    std::string t = text;
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

class FeatureReader {
public:
    FeatureReader(std::string file, bool csv, OGRFeatureDefn* defn)
        : file_(std::move(file)), csv_(csv), defn_(defn) {}

    int index(const char* name) const { return defn_->GetFieldIndex(name); }

    std::string where(const OGRFeature& f) const {
        // OGR's CSV driver numbers data rows from 1; the header is line 1.
        return csv_ ? fmt::format("sites file '{}' line {}", file_, f.GetFID() + 1)
                    : fmt::format("sites file '{}' feature {}", file_, f.GetFID());
    }

    std::optional<double> number(const OGRFeature& f, int idx, const char* name, double min,
                                 double max, const char* expected) const {
        if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) {
            return std::nullopt;
        }
        const std::string text = f.GetFieldAsString(idx);
        if (text.find_first_not_of(" \t") == std::string::npos) {
            return std::nullopt;
        }
        const auto v = parse_number(text);
        if (!v || *v < min || *v > max) {
            throw Error(ErrorCode::input_data, fmt::format("{}: field '{}' is '{}', expected {}",
                                                           where(f), name, text, expected));
        }
        return v;
    }

    double required(const OGRFeature& f, int idx, const char* name, double min, double max,
                    const char* expected) const {
        auto v = number(f, idx, name, min, max, expected);
        if (!v) {
            throw Error(ErrorCode::input_data, fmt::format("{}: field '{}' is empty, expected {}",
                                                           where(f), name, expected));
        }
        return *v;
    }

private:
    std::string file_;
    bool csv_;
    OGRFeatureDefn* defn_;
};

// A CSV header must name each column once: the lon/lat columns become the geometry, and with a
// column given twice GDAL's CSV driver (3.6) reads out of bounds. Names are compared as GDAL
// compares them: trimmed, unquoted, case-insensitive.
void check_csv_header(const std::filesystem::path& path, const std::string& file) {
    std::ifstream in(path, std::ios::binary);
    std::string header;
    std::getline(in, header);
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) {
        header.erase(0, 3);
    }
    std::map<std::string, int> seen;
    int column = 0;
    std::string name;
    bool quoted = false;
    auto finish = [&]() {
        ++column;
        const auto first = name.find_first_not_of(" \t\r");
        const auto last = name.find_last_not_of(" \t\r");
        std::string key = first == std::string::npos ? "" : name.substr(first, last - first + 1);
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!key.empty()) {
            const auto [it, inserted] = seen.emplace(key, column);
            if (!inserted) {
                throw Error(
                    ErrorCode::input_data,
                    fmt::format("sites file '{}' line 1: column '{}' appears twice (columns "
                                "{} and {}); expected each column once",
                                file, key, it->second, column));
            }
        }
        name.clear();
    };
    for (const char c : header) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            finish();
        } else {
            name.push_back(c);
        }
    }
    finish();
    // GDAL's CSV driver also crashes when two columns claim one coordinate (e.g. 'y' and 'lat';
    // found by fuzzing): one column per coordinate, from the names read_sectors() gives it.
    for (const auto& [coordinate, names] :
         {std::pair{"longitude", std::array{"lon", "longitude", "x"}},
          std::pair{"latitude", std::array{"lat", "latitude", "y"}}}) {
        const char* first = nullptr;
        for (const char* n : names) {
            if (seen.count(n) == 0) {
                continue;
            }
            if (first != nullptr) {
                throw Error(ErrorCode::input_data,
                            fmt::format("sites file '{}' line 1: columns '{}' (column {}) and "
                                        "'{}' (column {}) both give the {}; expected one of "
                                        "{}, {} or {}",
                                        file, first, seen.at(first), n, seen.at(n), coordinate,
                                        names[0], names[1], names[2]));
            }
            first = n;
        }
    }
}

} // namespace

std::vector<Sector> read_sectors(const LayerSpec& layer, std::size_t layer_index,
                                 const StudyArea& area) {
    const std::string file = layer.sites_path.string();
    const bool csv = is_csv(layer.sites_path);
    std::vector<std::string> options;
    if (csv) {
        options = {"X_POSSIBLE_NAMES=lon,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
                   "KEEP_GEOM_COLUMNS=NO"};
    }
    if (csv) {
        check_csv_file(layer.sites_path,
                       "sites file"); // a regular file, no row wider than its header
        check_csv_header(layer.sites_path, file);
    }
    auto ds = open_vector(layer.sites_path, "sites file", options);
    OGRLayer* ogr_layer =
        layer.sites_layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layer.sites_layer.c_str());
    if (ogr_layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("sites file '{}': no layer '{}' (layer \"{}\" sites_layer)", file,
                                layer.sites_layer, layer.name));
    }
    OGRFeatureDefn* defn = ogr_layer->GetLayerDefn();
    FeatureReader reader(file, csv, defn);

    const int site_idx = reader.index("site_id");
    const int sector_idx = reader.index("sector");
    const int layer_idx = reader.index("layer");
    const int height_idx = reader.index("height_m");
    const int azimuth_idx = reader.index("azimuth_deg");
    const int mtilt_idx = reader.index("mechanical_tilt_deg");
    const int etilt_idx = reader.index("electrical_tilt_deg");
    const int power_idx = reader.index("power_dbm");
    const int eirp_idx = reader.index("eirp_dbm");
    auto require_field = [&](int idx, const char* name) {
        if (idx < 0) {
            throw Error(ErrorCode::input_data,
                        fmt::format("sites file '{}': no field '{}'; the layer's fields are: {} "
                                    "(see docs/sites.md)",
                                    file, name, field_names(defn)));
        }
    };
    require_field(site_idx, "site_id");
    require_field(height_idx, "height_m");
    if (power_idx < 0 && eirp_idx < 0) {
        require_field(power_idx, "power_dbm' or 'eirp_dbm");
    }

    // Positions: CSV rows are WGS 84 longitude/latitude; other formats carry their CRS.
    OGRSpatialReference src_srs = wgs84();
    if (!csv) {
        const OGRSpatialReference* s = ogr_layer->GetSpatialRef();
        if (!is_earth_crs(s)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("sites file '{}': layer has no coordinate reference system; "
                                    "assign one, e.g. ogr2ogr -a_srs EPSG:4326",
                                    file));
        }
        src_srs = *s;
        src_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    OGRSpatialReference grid_srs = srs_from_wkt(area.grid.crs_wkt);
    TransformPtr to_grid = make_transform(src_srs, grid_srs);

    std::vector<Sector> out;
    std::set<std::pair<std::string, std::string>> seen;
    std::set<std::string> other_layers;
    std::map<std::string, int> per_site_count;
    ogr_layer->ResetReading();
    for (auto& f : *ogr_layer) {
        if (layer_idx >= 0) {
            const std::string l = f->GetFieldAsString(layer_idx);
            if (l != layer.name) {
                other_layers.insert(l);
                continue;
            }
        }
        const std::string where = reader.where(*f);
        Sector s;
        s.layer = layer_index;
        s.site_id = f->GetFieldAsString(site_idx);
        if (s.site_id.empty()) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: field 'site_id' is empty, expected an identifier", where));
        }
        const int nth = ++per_site_count[s.site_id];
        s.sector_id = sector_idx >= 0 ? f->GetFieldAsString(sector_idx) : std::to_string(nth);
        if (!seen.emplace(s.site_id, s.sector_id).second) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: site '{}' sector '{}' appears twice in layer \"{}\"",
                                    where, s.site_id, s.sector_id, layer.name));
        }
        s.height_m = reader.required(*f, height_idx, "height_m", 0.5, 1000.0,
                                     "an antenna height above ground in [0.5, 1000] m");
        s.azimuth_deg = reader.number(*f, azimuth_idx, "azimuth_deg", 0.0, 360.0,
                                      "an azimuth in [0, 360] degrees clockwise from north, or "
                                      "empty for an omnidirectional antenna");
        s.mechanical_tilt_deg = reader
                                    .number(*f, mtilt_idx, "mechanical_tilt_deg", -90.0, 90.0,
                                            "a downtilt in [-90, 90] degrees")
                                    .value_or(0.0);
        s.electrical_tilt_deg = reader
                                    .number(*f, etilt_idx, "electrical_tilt_deg", -90.0, 90.0,
                                            "a downtilt in [-90, 90] degrees")
                                    .value_or(0.0);
        const auto power = reader.number(*f, power_idx, "power_dbm", -30.0, 80.0,
                                         "a transmit power in [-30, 80] dBm");
        const auto eirp =
            reader.number(*f, eirp_idx, "eirp_dbm", -30.0, 100.0, "an EIRP in [-30, 100] dBm");
        if (power && eirp) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: both power_dbm and eirp_dbm are given; give one", where));
        }
        if (!power && !eirp) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: power_dbm and eirp_dbm are both empty; give one", where));
        }
        s.power_dbm = power ? *power : *eirp - layer.antenna.gain_dbi;

        const OGRGeometry* g = f->GetGeometryRef();
        if (g == nullptr || wkbFlatten(g->getGeometryType()) != wkbPoint || g->IsEmpty()) {
            throw Error(
                ErrorCode::input_data,
                fmt::format("{}: no position; expected {}", where,
                            csv ? "lon and lat columns in WGS 84 degrees" : "a point geometry"));
        }
        double x = g->toPoint()->getX();
        double y = g->toPoint()->getY();
        const double src_x = x;
        const double src_y = y;
        if (csv && (std::abs(x) > 180.0 || std::abs(y) > 90.0)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: position ({}, {}) is not a longitude/latitude in WGS 84 "
                                    "degrees",
                                    where, src_x, src_y));
        }
        if (!to_grid->Transform(1, &x, &y)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: cannot transform position ({}, {}) to the analysis CRS",
                                    where, src_x, src_y));
        }
        const CellIndex cell = area.grid.cell_at(x, y);
        if (!area.grid.contains(cell)) {
            throw Error(ErrorCode::input_data,
                        fmt::format("{}: site '{}' at ({}, {}) is outside the study area", where,
                                    s.site_id, src_x, src_y));
        }
        s.x_m = x;
        s.y_m = y;
        s.district = area.district_index.at(cell.col, cell.row);
        out.push_back(std::move(s));
    }
    if (out.empty()) {
        std::string present;
        for (const auto& l : other_layers) {
            present += (present.empty() ? "" : ", ") + ("\"" + l + "\"");
        }
        throw Error(ErrorCode::input_data,
                    fmt::format("sites file '{}': no sectors for layer \"{}\"{}", file, layer.name,
                                present.empty() ? "" : " (its rows name layers " + present + ")"));
    }
    return out;
}

void write_sectors(const std::filesystem::path& path, const std::vector<SectorRecord>& sectors) {
    ensure_gdal();
    const std::string ext = lower(path.extension().string());
    const char* driver_name = ext == ".csv"                           ? "CSV"
                              : ext == ".gpkg"                        ? "GPKG"
                              : (ext == ".geojson" || ext == ".json") ? "GeoJSON"
                                                                      : nullptr;
    if (driver_name == nullptr) {
        throw Error(ErrorCode::usage,
                    fmt::format("output '{}': unknown extension '{}', expected .csv, .gpkg or "
                                ".geojson",
                                path.string(), ext));
    }
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    GDALDatasetUniquePtr ds(driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot create '{}' ({})", path.string(), gdal_error_detail()));
    }
    const bool csv = std::string(driver_name) == "CSV";
    OGRSpatialReference geo = wgs84();
    OGRLayer* layer = ds->CreateLayer(path.stem().string().c_str(), csv ? nullptr : &geo,
                                      csv ? wkbNone : wkbPoint, nullptr);
    if (layer == nullptr) {
        throw Error(ErrorCode::io, fmt::format("cannot create a layer in '{}' ({})", path.string(),
                                               gdal_error_detail()));
    }
    struct FieldSpec {
        const char* name;
        OGRFieldType type;
    };
    std::vector<FieldSpec> fields = {
        {"site_id", OFTString}, {"sector", OFTString}, {"layer", OFTString}};
    if (csv) {
        fields.push_back({"lon", OFTReal});
        fields.push_back({"lat", OFTReal});
    }
    for (const FieldSpec& f : std::initializer_list<FieldSpec>{{"height_m", OFTReal},
                                                               {"azimuth_deg", OFTReal},
                                                               {"mechanical_tilt_deg", OFTReal},
                                                               {"electrical_tilt_deg", OFTReal},
                                                               {"power_dbm", OFTReal},
                                                               {"district_code", OFTString}}) {
        fields.push_back(f);
    }
    for (const FieldSpec& f : fields) {
        OGRFieldDefn def(f.name, f.type);
        layer->CreateField(&def);
    }
    for (const SectorRecord& r : sectors) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("site_id", r.site_id.c_str());
        feature.SetField("sector", r.sector_id.c_str());
        feature.SetField("layer", r.layer.c_str());
        if (csv) {
            feature.SetField("lon", std::round(r.lon_deg * 1e7) / 1e7);
            feature.SetField("lat", std::round(r.lat_deg * 1e7) / 1e7);
        } else {
            feature.SetGeometry(std::make_unique<OGRPoint>(r.lon_deg, r.lat_deg).get());
        }
        feature.SetField("height_m", r.height_m);
        if (r.azimuth_deg) {
            feature.SetField("azimuth_deg", *r.azimuth_deg);
        }
        feature.SetField("mechanical_tilt_deg", r.mechanical_tilt_deg);
        feature.SetField("electrical_tilt_deg", r.electrical_tilt_deg);
        feature.SetField("power_dbm", r.power_dbm);
        feature.SetField("district_code", r.district_code.c_str());
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
            throw Error(ErrorCode::io, fmt::format("cannot write to '{}' ({})", path.string(),
                                                   gdal_error_detail()));
        }
    }
}

} // namespace covsim::io
