#include "io/site_layer.hpp"

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "io/antenna_file.hpp"
#include "io/csv_file.hpp"
#include "io/gdal_support.hpp"
#include "io/site_columns.hpp"

#include <algorithm>
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

// At most this many problems of one file are listed; the rest are counted.
constexpr std::size_t max_listed_problems = 50;
// Rows of one site closer than this are at one position (rounding in the planner's export).
constexpr double same_site_tolerance_m = 1.0;
// EIRP = ERP + this: the gain of a half-wave dipole over an isotropic antenna.
constexpr double dipole_gain_dbi = 2.15;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_csv(const std::filesystem::path& p) {
    return lower(p.extension().string()) == ".csv";
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

// Parses a whole string as a finite number.
std::optional<double> parse_number(const std::string& text) {
    const std::string t = trimmed(text);
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

// "0/120/240", "0;120;240" or, with `commas`, "0,120,240": the parts, trimmed ("" gives one
// empty part).
std::vector<std::string> split_list(const std::string& text, bool commas) {
    std::vector<std::string> parts;
    std::string part;
    for (const char c : text) {
        if (c == '/' || c == ';' || (commas && c == ',')) {
            parts.push_back(trimmed(part));
            part.clear();
        } else {
            part.push_back(c);
        }
    }
    parts.push_back(trimmed(part));
    return parts;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) {
        out += (out.empty() ? "" : ", ") + s;
    }
    return out;
}

// "a", "both a and b", "a, b and c": names for a message.
std::string both(const std::vector<std::string>& names) {
    if (names.size() == 2) {
        return fmt::format("both {} and {}", names[0], names[1]);
    }
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    }
    return out;
}

// "5 km" or "800 m".
std::string distance_text(double m) {
    return m >= 1000.0 ? fmt::format("{:g} km", std::round(m / 100.0) / 10.0)
                       : fmt::format("{:g} m", std::round(m));
}

// The problems of one site file, one line each, raised together.
class FileProblems {
public:
    explicit FileProblems(std::string file) : file_(std::move(file)) {}

    void add(std::string line) {
        ++count_;
        if (lines_.size() < max_listed_problems) {
            lines_.push_back(std::move(line));
        }
    }
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }

    void raise_if_any() const {
        if (count_ == 0) {
            return;
        }
        std::string message;
        for (const std::string& l : lines_) {
            message += (message.empty() ? "" : "\n") + l;
        }
        if (count_ > lines_.size()) {
            message += fmt::format("\nsites file '{}': and {} more problems", file_,
                                   count_ - lines_.size());
        }
        throw Error(ErrorCode::input_data, message);
    }

private:
    std::string file_;
    std::vector<std::string> lines_;
    std::size_t count_ = 0;
};

// A CSV header must name each column once: with a column given twice, GDAL's CSV driver (3.6)
// read out of bounds. Names are compared as GDAL compares them: trimmed, unquoted,
// case-insensitive. Returns whether commas separate the columns (GDAL also reads files
// separated by semicolons or tabs).
bool check_csv_header(const std::filesystem::path& path, const std::string& file) {
    std::ifstream in(path, std::ios::binary);
    std::string header;
    std::getline(in, header);
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) {
        header.erase(0, 3);
    }
    std::map<std::string, int> seen;
    FileProblems problems(file);
    int column = 0;
    std::string name;
    bool quoted = false;
    auto finish = [&]() {
        ++column;
        const std::string key = lower(trimmed(name));
        if (!key.empty()) {
            const auto [it, inserted] = seen.emplace(key, column);
            if (!inserted) {
                problems.add(fmt::format("sites file '{}' line 1: column '{}' appears twice "
                                         "(columns {} and {}); expected each column once",
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
    problems.raise_if_any();
    return column > 1 && header.find(',') != std::string::npos;
}

// The per-row antenna files of one layer's read, each read once.
class AntennaFiles {
public:
    explicit AntennaFiles(std::filesystem::path base_dir) : base_dir_(std::move(base_dir)) {}

    // The pattern of `value` (relative to the site file); null with `error` set when the file
    // cannot be read (reported once, on the first row that names it).
    std::shared_ptr<const AntennaPattern> get(const std::string& value, std::string& error,
                                              bool& first_failure) {
        const std::filesystem::path p(value);
        const std::filesystem::path path = (p.is_absolute() ? p : base_dir_ / p).lexically_normal();
        first_failure = false;
        if (const auto it = patterns_.find(path); it != patterns_.end()) {
            return it->second;
        }
        if (const auto it = failures_.find(path); it != failures_.end()) {
            error = it->second;
            return nullptr;
        }
        try {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(path, ec)) {
                throw Error(ErrorCode::io,
                            fmt::format("antenna file '{}' not found", path.string()));
            }
            auto pattern = std::make_shared<const AntennaPattern>(read_antenna_file(path));
            patterns_.emplace(path, pattern);
            order_.push_back(path);
            return pattern;
        } catch (const Error& e) {
            error = e.what();
            first_failure = true;
            failures_.emplace(path, error);
            return nullptr;
        }
    }
    [[nodiscard]] const std::vector<std::filesystem::path>& files() const { return order_; }

private:
    std::filesystem::path base_dir_;
    std::map<std::filesystem::path, std::shared_ptr<const AntennaPattern>> patterns_;
    std::map<std::filesystem::path, std::string> failures_;
    std::vector<std::filesystem::path> order_;
};

// The power columns, each converted to dBm and to the total power into the antenna.
struct PowerColumn {
    SiteField field;
    double min;
    double max;
    const char* expected;
    bool watts;
    enum Kind { total, eirp, erp } kind;
};
constexpr std::array<PowerColumn, 6> power_columns = {{
    {SiteField::power_dbm, -30.0, 80.0, "a transmit power in [-30, 80] dBm", false,
     PowerColumn::total},
    {SiteField::power_w, 1e-6, 1e5, "a transmit power in [0.000001, 100000] W", true,
     PowerColumn::total},
    {SiteField::eirp_dbm, -30.0, 100.0, "an EIRP in [-30, 100] dBm", false, PowerColumn::eirp},
    {SiteField::eirp_w, 1e-6, 1e7, "an EIRP in [0.000001, 10000000] W", true, PowerColumn::eirp},
    {SiteField::erp_dbm, -30.0, 100.0, "an ERP in [-30, 100] dBm", false, PowerColumn::erp},
    {SiteField::erp_w, 1e-6, 1e7, "an ERP in [0.000001, 10000000] W", true, PowerColumn::erp},
}};

// Reads the fields of one row, adding a problem for each bad value.
class RowReader {
public:
    RowReader(const OGRFeature& f, const SiteColumns& cols, OGRFeatureDefn* defn, std::string where,
              FileProblems& problems)
        : f_(f), cols_(cols), defn_(defn), where_(std::move(where)), problems_(problems) {}

    [[nodiscard]] const std::string& where() const { return where_; }
    [[nodiscard]] bool ok() const { return ok_; }

    void problem(const std::string& what) {
        problems_.add(fmt::format("{}: {}", where_, what));
        ok_ = false;
    }

    // The column's name as the file writes it.
    [[nodiscard]] std::string name(SiteField field) const {
        return defn_->GetFieldDefn(cols_.column(field))->GetNameRef();
    }

    // The trimmed text of a field; empty when the column is absent or the value null.
    [[nodiscard]] std::string text(SiteField field) const {
        const int idx = cols_.column(field);
        if (idx < 0 || !f_.IsFieldSetAndNotNull(idx)) {
            return {};
        }
        return trimmed(f_.GetFieldAsString(idx));
    }

    // A number in [min, max]; nullopt when empty or bad (then a problem is added).
    std::optional<double> number(SiteField field, const std::string& value, double min, double max,
                                 const char* expected) {
        if (value.empty()) {
            return std::nullopt;
        }
        const auto v = parse_number(value);
        if (!v || *v < min || *v > max) {
            problem(fmt::format("field '{}' is '{}', expected {}", name(field), value, expected));
            return std::nullopt;
        }
        return v;
    }
    std::optional<double> number(SiteField field, double min, double max, const char* expected) {
        return number(field, text(field), min, max, expected);
    }

private:
    const OGRFeature& f_;
    const SiteColumns& cols_;
    OGRFeatureDefn* defn_;
    std::string where_;
    FileProblems& problems_;
    bool ok_ = true;
};

// Where a feature is: "sites file 'X' line N" (OGR's CSV driver numbers data rows from 1; the
// header is line 1) or "sites file 'X' feature N".
std::string where_of(const std::string& file, bool csv, const OGRFeature& f) {
    return csv ? fmt::format("sites file '{}' line {}", file, f.GetFID() + 1)
               : fmt::format("sites file '{}' feature {}", file, f.GetFID());
}

// The problems of the header that stop the read: a required column missing, no position, and
// the column matcher's (two columns for one field, a unit covsim does not read).
void check_columns(const SiteColumns& cols, bool csv, OGRFeatureDefn* defn, const std::string& file,
                   FileProblems& problems) {
    const std::string at =
        csv ? fmt::format("sites file '{}' line 1", file) : fmt::format("sites file '{}'", file);
    for (const std::string& p : cols.problems) {
        problems.add(fmt::format("{}: {}", at, p));
    }
    auto require = [&](bool present, std::string_view name) {
        if (!present) {
            problems.add(fmt::format("sites file '{}': no field '{}'; the layer's fields are: {} "
                                     "(docs/sites.md lists the names covsim reads)",
                                     file, name, field_names(defn)));
        }
    };
    // A field whose column was rejected above is not also reported missing.
    auto given = [&](SiteField f) {
        return cols.has(f) || cols.rejected[static_cast<std::size_t>(f)];
    };
    require(given(SiteField::site_id), "site_id");
    require(given(SiteField::height_m), "height_m");
    require(std::any_of(power_columns.begin(), power_columns.end(),
                        [&](const PowerColumn& p) { return given(p.field); }),
            "power_dbm' or 'eirp_dbm");
    if (csv && cols.has(SiteField::lon) != cols.has(SiteField::lat)) {
        problems.add(fmt::format("{}: a {} column but no {} column; expected both, in WGS 84 "
                                 "degrees",
                                 at, cols.has(SiteField::lon) ? "longitude" : "latitude",
                                 cols.has(SiteField::lon) ? "latitude" : "longitude"));
    } else if (csv && !cols.has(SiteField::lon) && defn->GetGeomFieldCount() == 0) {
        problems.add(fmt::format("sites file '{}': no position; expected lon and lat columns in "
                                 "WGS 84 degrees (the layer's fields are: {})",
                                 file, field_names(defn)));
    }
}

// The first row of each site: where it is, for the rows that follow.
struct SitePosition {
    double x_m = 0.0;
    double y_m = 0.0;
    double src_x = 0.0;
    double src_y = 0.0;
    std::string where;
};

// The district of a site at (x, y) in the analysis CRS: its cell's, as for the people of the
// cell; for a cell in no district (a cell belongs to the district containing its centre, so a
// district's edge cells may have none), the district whose polygon covers the site; -1 when no
// district does (a neighbour beyond the study area, or a site between districts).
std::int32_t district_of(const StudyArea& area, double x, double y) {
    const CellIndex cell = area.grid.cell_at(x, y);
    if (!area.grid.contains(cell)) {
        return -1; // the grid covers every district
    }
    if (const std::int16_t d = area.district_index.at(cell.col, cell.row); d != no_district) {
        return d;
    }
    const Point p(x, y);
    for (std::size_t d = 0; d < area.districts.size(); ++d) {
        const MultiPolygon& g = area.districts[d].geometry;
        if (!g.empty() &&
            boost::geometry::covered_by(p, boost::geometry::return_envelope<Box>(g)) &&
            boost::geometry::covered_by(p, g)) {
            return static_cast<std::int32_t>(d);
        }
    }
    return -1;
}

// How far (x, y) lies outside the grid's rectangle; 0 inside.
double distance_beyond_m(const Grid& g, double x, double y) {
    const double dx = std::max({0.0, g.origin_x_m - x, x - g.east_m()});
    const double dy = std::max({0.0, g.south_m() - y, y - g.origin_y_m});
    return std::hypot(dx, dy);
}

// The rows of one layer's site file, read one at a time into sectors; every problem goes to
// `problems`, and a row with one gives no sector.
class SiteRows {
public:
    SiteRows(const LayerSpec& layer, std::size_t layer_index, const StudyArea& area,
             const SiteColumns& cols, OGRFeatureDefn* defn, bool csv, bool comma_lists,
             const OGRSpatialReference& src_srs, FileProblems& problems)
        : layer_(layer), layer_index_(layer_index), area_(area), cols_(cols), defn_(defn),
          csv_(csv), comma_lists_(comma_lists),
          to_grid_(make_transform(src_srs, srs_from_wkt(area.grid.crs_wkt))),
          antennas_(layer.sites_path.parent_path()), problems_(problems) {}

    // Appends the sectors of feature f, when it is a row of this layer (and carrier).
    void read(const OGRFeature& f, std::vector<Sector>& out) {
        RowReader row(f, cols_, defn_, where_of(layer_.sites_path.string(), csv_, f), problems_);
        if (!of_this_layer(f, row)) {
            return;
        }
        Sector s;
        s.layer = layer_index_;
        s.site_id = row.text(SiteField::site_id);
        if (s.site_id.empty()) {
            row.problem(fmt::format("field '{}' is empty, expected an identifier",
                                    row.name(SiteField::site_id)));
            return;
        }
        const auto height = row.number(SiteField::height_m, 0.5, 1000.0,
                                       "an antenna height above ground in [0.5, 1000] m");
        if (!height && row.ok()) {
            row.problem(fmt::format("field '{}' is empty, expected an antenna height above "
                                    "ground in [0.5, 1000] m",
                                    row.name(SiteField::height_m)));
        }
        s.height_m = height.value_or(0.0);
        const std::vector<std::optional<double>> azimuths = azimuths_of(row);
        s.mechanical_tilt_deg = row.number(SiteField::mechanical_tilt_deg, -90.0, 90.0,
                                           "a downtilt in [-90, 90] degrees")
                                    .value_or(0.0);
        s.electrical_tilt_deg = row.number(SiteField::electrical_tilt_deg, -90.0, 90.0,
                                           "a downtilt in [-90, 90] degrees")
                                    .value_or(0.0);
        // The row's antenna, then its power: an EIRP is converted with that antenna's gain.
        if (!antenna_of(row, s)) {
            return;
        }
        s.power_dbm = power_of(row, s.antenna ? s.antenna->gain_dbi : layer_.antenna.gain_dbi);
        place(f, row, s);
        const std::vector<std::string> sector_ids = sector_ids_of(row, azimuths.size());
        if (!row.ok()) {
            return;
        }
        for (std::size_t k = 0; k < azimuths.size(); ++k) {
            Sector sector = s;
            sector.azimuth_deg = azimuths[k];
            const int nth = ++per_site_count_[s.site_id];
            sector.sector_id = k < sector_ids.size() ? sector_ids[k] : std::to_string(nth);
            if (!seen_.emplace(sector.site_id, sector.sector_id).second) {
                row.problem(fmt::format("site '{}' sector '{}' appears twice in layer \"{}\"",
                                        sector.site_id, sector.sector_id, layer_.name));
                continue;
            }
            out.push_back(std::move(sector));
        }
    }

    // The `layer` values of the rows of other layers, for a message when none is this one's.
    [[nodiscard]] const std::set<std::string>& other_layers() const { return other_layers_; }
    [[nodiscard]] const std::vector<std::filesystem::path>& antenna_files() const {
        return antennas_.files();
    }

private:
    // True for a row of this layer and, for a layer expanded from carriers, of its carrier.
    bool of_this_layer(const OGRFeature& f, RowReader& row) {
        if (cols_.has(SiteField::layer)) {
            const std::string l = f.GetFieldAsString(cols_.column(SiteField::layer));
            if (l != layer_.written_name()) {
                other_layers_.insert(l);
                return false;
            }
        }
        const std::string carrier = row.text(SiteField::carrier);
        if (!layer_.expanded_from) {
            if (!carrier.empty()) {
                row.problem(fmt::format("field '{}' is '{}', but layer \"{}\" declares no "
                                        "carriers; declare them with [[layers.carriers]] "
                                        "(docs/sites.md) or leave the column empty",
                                        row.name(SiteField::carrier), carrier, layer_.name));
                return false;
            }
            return true;
        }
        const auto& all = layer_.expanded_from->carriers;
        if (std::find(all.begin(), all.end(), carrier) == all.end()) {
            row.problem(fmt::format("field '{}' is '{}', expected a carrier of layer \"{}\": {}",
                                    row.name(SiteField::carrier), carrier,
                                    layer_.expanded_from->layer, joined(all)));
            return false;
        }
        return carrier == layer_.expanded_from->carrier;
    }

    // One azimuth, none (omnidirectional), or a list of one per sector.
    std::vector<std::optional<double>> azimuths_of(RowReader& row) const {
        constexpr const char* expected =
            "an azimuth in [0, 360] degrees clockwise from north, a list of them such as "
            "\"0/120/240\" (one sector each), or empty for an omnidirectional antenna";
        const std::string text = row.text(SiteField::azimuth_deg);
        const std::vector<std::string> parts = split_list(text, comma_lists_);
        if (parts.size() == 1) {
            return {row.number(SiteField::azimuth_deg, parts[0], 0.0, 360.0, expected)};
        }
        std::vector<std::optional<double>> out;
        for (const std::string& part : parts) {
            const auto v = parse_number(part);
            if (!v || *v < 0.0 || *v > 360.0) {
                row.problem(fmt::format("field '{}' is '{}', expected {}",
                                        row.name(SiteField::azimuth_deg), text, expected));
                return {std::nullopt};
            }
            out.emplace_back(*v);
        }
        return out;
    }

    // Sets the row's own antenna pattern, if it names one. False for a row naming a file that
    // failed on an earlier row (reported there).
    bool antenna_of(RowReader& row, Sector& s) {
        const std::string value = row.text(SiteField::antenna_file);
        if (value.empty()) {
            return true;
        }
        std::string error;
        bool first_failure = false;
        s.antenna = antennas_.get(value, error, first_failure);
        if (!s.antenna && first_failure) {
            row.problem(fmt::format("field '{}' is '{}': {}", row.name(SiteField::antenna_file),
                                    value, error));
        }
        return s.antenna != nullptr || first_failure;
    }

    // The total power into the antenna, dBm, from the one power column the row fills.
    double power_of(RowReader& row, double gain_dbi) const {
        std::vector<std::string> given;
        std::optional<double> power_dbm;
        for (const PowerColumn& p : power_columns) {
            const std::string t = row.text(p.field);
            if (t.empty()) {
                continue;
            }
            given.push_back(row.name(p.field));
            const auto v = row.number(p.field, t, p.min, p.max, p.expected);
            if (!v) {
                continue;
            }
            const double dbm = p.watts ? 10.0 * std::log10(*v) + 30.0 : *v;
            power_dbm = p.kind == PowerColumn::total  ? dbm
                        : p.kind == PowerColumn::eirp ? dbm - gain_dbi
                                                      : dbm + dipole_gain_dbi - gain_dbi;
        }
        if (given.size() > 1) {
            row.problem(fmt::format("{} are given; give one", both(given)));
        } else if (given.empty()) {
            std::vector<std::string> columns;
            for (const PowerColumn& p : power_columns) {
                if (cols_.has(p.field)) {
                    columns.push_back(row.name(p.field));
                }
            }
            row.problem(fmt::format("{} {} empty; give one", both(columns),
                                    columns.size() == 1 ? "is" : "are"));
        }
        return power_dbm.value_or(0.0);
    }

    // The row's position in the source CRS (CSV: WGS 84 lon/lat columns, or a WKT geometry).
    std::optional<std::pair<double, double>> source_position(const OGRFeature& f,
                                                             RowReader& row) const {
        if (csv_ && cols_.has(SiteField::lon)) {
            const std::string lon_text = row.text(SiteField::lon);
            const std::string lat_text = row.text(SiteField::lat);
            const auto lon = parse_number(lon_text);
            const auto lat = parse_number(lat_text);
            if (lon_text.empty() || lat_text.empty()) {
                row.problem("no position; expected lon and lat columns in WGS 84 degrees");
            } else if (!lon || !lat || std::abs(*lon) > 180.0 || std::abs(*lat) > 90.0) {
                row.problem(fmt::format("position ({}, {}) is not a longitude/latitude in WGS 84 "
                                        "degrees",
                                        lon_text, lat_text));
            } else {
                return std::pair{*lon, *lat};
            }
            return std::nullopt;
        }
        const OGRGeometry* g = f.GetGeometryRef();
        if (g == nullptr || wkbFlatten(g->getGeometryType()) != wkbPoint || g->IsEmpty()) {
            row.problem(
                fmt::format("no position; expected {}",
                            csv_ ? "lon and lat columns in WGS 84 degrees" : "a point geometry"));
            return std::nullopt;
        }
        const double x = g->toPoint()->getX();
        const double y = g->toPoint()->getY();
        if (csv_ && (std::abs(x) > 180.0 || std::abs(y) > 90.0)) {
            row.problem(fmt::format("position ({}, {}) is not a longitude/latitude in WGS 84 "
                                    "degrees",
                                    x, y));
            return std::nullopt;
        }
        return std::pair{x, y};
    }

    // Positions the sector in the analysis CRS and its district; checks the layer's margin and
    // that the site keeps one position.
    void place(const OGRFeature& f, RowReader& row, Sector& s) {
        const auto src = source_position(f, row);
        if (!src) {
            return;
        }
        const auto [src_x, src_y] = *src;
        double x = src_x;
        double y = src_y;
        if (!to_grid_->Transform(1, &x, &y)) {
            row.problem(fmt::format("cannot transform position ({}, {}) to the analysis CRS", src_x,
                                    src_y));
            return;
        }
        const double margin_m = layer_.site_margin_m();
        if (const double beyond = distance_beyond_m(area_.grid, x, y); beyond > margin_m) {
            row.problem(fmt::format("site '{}' at ({}, {}) is {} outside the analysis grid, "
                                    "beyond layer \"{}\"'s margin of {} (sites_margin_m, default "
                                    "max_range_m); expected a site within it",
                                    s.site_id, src_x, src_y, distance_text(beyond), layer_.name,
                                    distance_text(margin_m)));
            return;
        }
        const auto [it, first] =
            site_positions_.emplace(s.site_id, SitePosition{x, y, src_x, src_y, row.where()});
        const double apart = std::hypot(x - it->second.x_m, y - it->second.y_m);
        if (!first && apart > same_site_tolerance_m) {
            row.problem(fmt::format("site '{}' at ({}, {}) is {:.0f} m from its position at {} "
                                    "({}, {}); expected one position per site (within {:g} m)",
                                    s.site_id, src_x, src_y, apart, it->second.where,
                                    it->second.src_x, it->second.src_y, same_site_tolerance_m));
        }
        s.x_m = x;
        s.y_m = y;
        s.district = district_of(area_, x, y);
    }

    // The sector column: one name, a list of them beside an azimuth list, or none (numbered).
    std::vector<std::string> sector_ids_of(RowReader& row, std::size_t sectors) const {
        const std::string text = row.text(SiteField::sector);
        if (text.empty()) {
            return {};
        }
        if (sectors == 1) {
            return {text};
        }
        std::vector<std::string> ids = split_list(text, comma_lists_);
        if (ids.size() != sectors) {
            row.problem(fmt::format("field '{}' is '{}' beside {} azimuths '{}'; expected {} "
                                    "sector names separated the same way, or an empty field to "
                                    "number them",
                                    row.name(SiteField::sector), text, sectors,
                                    row.text(SiteField::azimuth_deg), sectors));
        }
        return ids;
    }

    const LayerSpec& layer_;
    std::size_t layer_index_;
    const StudyArea& area_;
    const SiteColumns& cols_;
    OGRFeatureDefn* defn_;
    bool csv_;
    bool comma_lists_;
    TransformPtr to_grid_;
    AntennaFiles antennas_;
    FileProblems& problems_;
    std::set<std::pair<std::string, std::string>> seen_; // (site, sector)
    std::set<std::string> other_layers_;
    std::map<std::string, int> per_site_count_;
    std::map<std::string, SitePosition> site_positions_;
};

} // namespace

std::vector<Sector> read_sectors(const LayerSpec& layer, std::size_t layer_index,
                                 const StudyArea& area, SiteFileNotes* notes) {
    const std::string file = layer.sites_path.string();
    const bool csv = is_csv(layer.sites_path);
    // In a CSV separated by commas a comma inside a value is quoted: a list ("0,120,240"); in
    // one separated by semicolons or tabs it may be a decimal comma, so lists there use / or ;.
    const bool comma_lists = !csv || check_csv_header(layer.sites_path, file);
    auto ds = open_vector(layer.sites_path, "sites file");
    OGRLayer* ogr_layer =
        layer.sites_layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layer.sites_layer.c_str());
    if (ogr_layer == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("sites file '{}': no layer '{}' (layer \"{}\" sites_layer)", file,
                                layer.sites_layer, layer.name));
    }
    OGRFeatureDefn* defn = ogr_layer->GetLayerDefn();
    std::vector<std::string> names;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    }
    SiteColumns cols = match_site_columns(names);
    if (!csv) { // positions come from the geometry: lon/lat columns are not read
        for (const SiteField f : {SiteField::lon, SiteField::lat}) {
            if (cols.has(f)) {
                cols.unused.push_back(names[static_cast<std::size_t>(cols.column(f))]);
                cols.index[static_cast<std::size_t>(f)] = SiteColumns::absent;
            }
        }
    }
    FileProblems problems(file);
    check_columns(cols, csv, defn, file, problems);
    if (layer.expanded_from && !cols.has(SiteField::carrier)) {
        problems.add(fmt::format("sites file '{}': no field 'carrier'; layer \"{}\" has carriers "
                                 "({}) and each row must name its own",
                                 file, layer.expanded_from->layer,
                                 joined(layer.expanded_from->carriers)));
    }
    problems.raise_if_any();

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
    SiteRows rows(layer, layer_index, area, cols, defn, csv, comma_lists, src_srs, problems);
    std::vector<Sector> out;
    ogr_layer->ResetReading();
    for (auto& f : *ogr_layer) {
        rows.read(*f, out);
    }
    problems.raise_if_any();
    if (out.empty()) {
        std::string present;
        for (const auto& l : rows.other_layers()) {
            present += (present.empty() ? "" : ", ") + ("\"" + l + "\"");
        }
        throw Error(ErrorCode::input_data,
                    fmt::format("sites file '{}': no sectors for layer \"{}\"{}{}", file,
                                layer.name,
                                layer.expanded_from
                                    ? fmt::format(" (carrier \"{}\")", layer.expanded_from->carrier)
                                    : std::string(),
                                present.empty() ? "" : " (its rows name layers " + present + ")"));
    }
    if (notes != nullptr) {
        notes->unused_columns = cols.unused;
        notes->antenna_files = rows.antenna_files();
    }
    return out;
}

std::string unused_columns_warning(const std::filesystem::path& sites_path,
                                   const SiteFileNotes& notes) {
    std::string columns;
    for (const std::string& c : notes.unused_columns) {
        columns += (columns.empty() ? "'" : ", '") + c + "'";
    }
    return fmt::format("sites file '{}': columns not used: {} (docs/sites.md lists the names "
                       "covsim reads)",
                       sites_path.string(), columns);
}

CsvPositionRoundTrip::CsvPositionRoundTrip(const std::string& crs_wkt)
    : to_geo_(make_transform(srs_from_wkt(crs_wkt), wgs84())),
      to_grid_(make_transform(wgs84(), srs_from_wkt(crs_wkt))) {}

void CsvPositionRoundTrip::operator()(double& x_m, double& y_m) const {
    double lon = x_m;
    double lat = y_m;
    if (!to_geo_->Transform(1, &lon, &lat)) {
        throw Error(ErrorCode::internal, "cannot transform a planned site to WGS 84");
    }
    lon = std::round(lon * 1e7) / 1e7; // as write_sectors writes a CSV
    lat = std::round(lat * 1e7) / 1e7;
    if (!to_grid_->Transform(1, &lon, &lat)) {
        throw Error(ErrorCode::internal, "cannot transform a planned site to the analysis CRS");
    }
    x_m = lon;
    y_m = lat;
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
    const FixedGpkgDate fixed_date; // the same sectors give the same GeoPackage
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
