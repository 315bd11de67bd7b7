#include "io/site_columns.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace covsim::io {

namespace {

constexpr std::array<std::string_view, site_field_count> field_names = {"site_id",
                                                                        "sector",
                                                                        "layer",
                                                                        "carrier",
                                                                        "lon",
                                                                        "lat",
                                                                        "height_m",
                                                                        "azimuth_deg",
                                                                        "mechanical_tilt_deg",
                                                                        "electrical_tilt_deg",
                                                                        "power_dbm",
                                                                        "power_w",
                                                                        "eirp_dbm",
                                                                        "eirp_w",
                                                                        "erp_dbm",
                                                                        "erp_w",
                                                                        "antenna_file",
                                                                        "district_code"};

// Units a column may name, normalised: what a bracket or a last word may say, and what it means.
constexpr std::array<std::pair<std::string_view, std::string_view>, 18> unit_spellings = {{
    {"degrees", "deg"},
    {"degree", "deg"},
    {"deg", "deg"},
    {"\xC2\xB0", "deg"}, // °
    {"\xC2\xBA", "deg"}, // º
    {"metres", "m"},
    {"meters", "m"},
    {"metre", "m"},
    {"meter", "m"},
    {"m", "m"},
    {"feet", "ft"},
    {"ft", "ft"},
    {"dbm", "dbm"},
    {"dbw", "dbw"},
    {"watts", "w"},
    {"watt", "w"},
    {"mw", "mw"},
    {"w", "w"},
}};

// The last words that name a unit when no bracket does ("height_m", "power_w"), longest first
// so that "dbm" is not read as "db" + "m".
constexpr std::array<std::string_view, 12> unit_suffixes = {
    "degrees", "metres", "meters", "watts", "feet", "dbm", "dbw", "deg", "ft", "mw", "m", "w"};

std::string unit_of(std::string_view written) {
    std::string u;
    for (const char c : written) {
        if (c != ' ' && c != '\t') {
            u.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    for (const auto& [spelling, unit] : unit_spellings) {
        if (u == spelling) {
            return std::string(unit);
        }
    }
    return u;
}

// A column name split into its normalised base and unit ("" when none is written).
struct NormalName {
    std::string base;
    std::string unit;
    std::string unit_as_written;
};

NormalName normalise(std::string_view name) {
    NormalName out;
    std::string_view base = name;
    while (!base.empty() && (base.back() == ' ' || base.back() == '\t' || base.back() == '\r')) {
        base.remove_suffix(1);
    }
    if (!base.empty() && (base.back() == ')' || base.back() == ']')) {
        const char open = base.back() == ')' ? '(' : '[';
        if (const auto at = base.rfind(open); at != std::string_view::npos) {
            out.unit_as_written = std::string(base.substr(at + 1, base.size() - at - 2));
            out.unit = unit_of(out.unit_as_written);
            base = base.substr(0, at);
        }
    }
    for (const char c : base) {
        if (c != ' ' && c != '\t' && c != '_' && c != '-' && c != '.') {
            out.base.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

std::string quoted_list(const std::vector<std::string>& items, std::string_view last_joiner) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : (i + 1 == items.size() ? last_joiner : std::string_view(", "));
        out += items[i];
    }
    return out;
}

std::string unit_display(std::string_view unit) {
    if (unit == "dbm") {
        return "dBm";
    }
    if (unit == "w") {
        return "W";
    }
    return std::string(unit);
}

} // namespace

std::string_view to_string(SiteField field) noexcept {
    return field_names[static_cast<std::size_t>(field)];
}

const std::vector<SiteFieldAlias>& site_field_aliases() {
    // Sources: covsim's own names first; then the names of Atoll's transmitter tables (SITE_NAME,
    // TX_ID, AZIMUT, TILT, REDT), Planet's site and antenna tables ("Site ID", "Antenna ID",
    // "Antenna File", "Height (m)", "Mechanical Tilt"), Asset and TEMS cell files (NODE_B, CELL,
    // ANT_DIRECTION, ANT_ORIENTATION, ANT_HEIGHT, ANT_TILT, MAX_TX_POWER), Signal-Server's options
    // (txh, erp in W) and common spreadsheet habits (MechTilt, ETilt, AntennaHeight).
    static const std::vector<SiteFieldAlias> table = {
        {SiteField::site_id,
         {"siteid", "site", "sitename", "sitecode", "nodeb", "nodebid", "enodeb", "enodebid",
          "enbid", "gnodeb", "gnodebid", "gnbid"},
         {""}},
        {SiteField::sector,
         {"sector", "sectorid", "sectorname", "sectornumber", "cell", "cellid", "cellname",
          "antennaid", "transmitter", "txid"},
         {""}},
        {SiteField::layer, {"layer"}, {""}},
        {SiteField::carrier, {"carrier", "carriername"}, {""}},
        {SiteField::lon, {"lon", "long", "lng", "longitude", "x"}, {"", "deg"}},
        {SiteField::lat, {"lat", "latitude", "y"}, {"", "deg"}},
        {SiteField::height_m,
         {"height", "antennaheight", "antheight", "heightagl", "antennaheightagl", "agl", "hagl",
          "txh", "txheight"},
         {"", "m"}},
        {SiteField::azimuth_deg,
         {"azimuth", "azimut", "azi", "az", "antennaazimuth", "antazimuth", "antdirection",
          "antdir", "antorientation", "orientation", "direction", "bearing"},
         {"", "deg"}},
        {SiteField::mechanical_tilt_deg,
         {"mechanicaltilt", "mechtilt", "mtilt", "mechanicaldowntilt", "mechdowntilt", "mdt",
          "tilt", "downtilt", "anttilt", "antennatilt"},
         {"", "deg"}},
        {SiteField::electrical_tilt_deg,
         {"electricaltilt", "electilt", "etilt", "electricaldowntilt", "elecdowntilt", "edt",
          "redt", "ret", "remoteelectricaltilt", "additionalelectricaldowntilt"},
         {"", "deg"}},
        {SiteField::power_dbm,
         {"power", "txpower", "maxpower", "maxtxpower", "transmitpower", "outputpower", "pmax"},
         {"dbm"}},
        {SiteField::power_w,
         {"power", "txpower", "maxpower", "maxtxpower", "transmitpower", "outputpower", "pmax"},
         {"w"}},
        {SiteField::eirp_dbm, {"eirp", "maxeirp", "peakeirp"}, {"dbm"}},
        {SiteField::eirp_w, {"eirp", "maxeirp", "peakeirp"}, {"w"}},
        {SiteField::erp_dbm, {"erp", "maxerp"}, {"dbm"}},
        {SiteField::erp_w, {"erp", "maxerp"}, {"w"}},
        {SiteField::antenna_file,
         {"antennafile", "antennapatternfile", "patternfile", "msifile", "antennapattern"},
         {""}},
        {SiteField::district_code, {"districtcode"}, {""}},
    };
    return table;
}

SiteColumns match_site_columns(const std::vector<std::string>& names) {
    const auto& table = site_field_aliases();
    auto entries_named = [&](std::string_view base) {
        std::vector<const SiteFieldAlias*> out;
        for (const SiteFieldAlias& a : table) {
            if (std::find(a.names.begin(), a.names.end(), base) != a.names.end()) {
                out.push_back(&a);
            }
        }
        return out;
    };

    SiteColumns cols;
    cols.index.fill(SiteColumns::absent);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& written = names[i];
        NormalName n = normalise(written);
        std::vector<const SiteFieldAlias*> entries = entries_named(n.base);
        if (entries.empty() && n.unit_as_written.empty()) {
            // A unit as the last word: "height_m" -> "height" in m.
            for (const std::string_view suffix : unit_suffixes) {
                if (n.base.size() > suffix.size() && n.base.ends_with(suffix)) {
                    auto found = entries_named(
                        std::string_view(n.base).substr(0, n.base.size() - suffix.size()));
                    if (!found.empty()) {
                        entries = std::move(found);
                        n.unit_as_written = std::string(suffix);
                        n.unit = unit_of(suffix);
                        break;
                    }
                }
            }
        }
        if (entries.empty()) {
            cols.unused.push_back(written);
            continue;
        }
        const SiteFieldAlias* match = nullptr;
        for (const SiteFieldAlias* e : entries) {
            // A field without a unit (an identifier, a file) takes any note in brackets.
            const bool unitless = e->units.size() == 1 && e->units[0].empty();
            if (unitless || std::find(e->units.begin(), e->units.end(), n.unit) != e->units.end()) {
                match = e;
            }
        }
        if (match == nullptr) {
            std::vector<std::string> expected;
            std::vector<std::string> fields;
            for (const SiteFieldAlias* e : entries) {
                cols.rejected[static_cast<std::size_t>(e->field)] = true;
                fields.emplace_back(to_string(e->field));
                for (const std::string_view u : e->units) {
                    if (!u.empty()) {
                        expected.push_back(unit_display(u));
                    }
                }
            }
            if (n.unit.empty()) {
                std::vector<std::string> spelled;
                for (const std::string& u : expected) {
                    spelled.push_back(fmt::format("'{} ({})'", written, u));
                }
                cols.problems.push_back(fmt::format(
                    "column '{}' (column {}) names no unit; expected {} (or {})", written, i + 1,
                    quoted_list(spelled, " or "), quoted_list(fields, " or ")));
            } else {
                cols.problems.push_back(fmt::format(
                    "column '{}' (column {}) is in '{}', which covsim does not read for {}; "
                    "expected {}",
                    written, i + 1, n.unit_as_written, quoted_list(fields, " or "),
                    expected.empty() ? std::string("no unit") : quoted_list(expected, " or ")));
            }
            continue;
        }
        int& slot = cols.index[static_cast<std::size_t>(match->field)];
        if (slot != SiteColumns::absent) {
            const auto first = static_cast<std::size_t>(slot);
            cols.problems.push_back(fmt::format(
                "columns '{}' (column {}) and '{}' (column {}) both give {}; expected one of them",
                names[first], first + 1, written, i + 1, to_string(match->field)));
            continue;
        }
        slot = static_cast<int>(i);
    }
    return cols;
}

} // namespace covsim::io
