#include "io/hdf5_results.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"
#include "io/gdal_support.hpp"
#include "io/hdf5_chunks.hpp"
#include "io/map_styles.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace covsim::io {

namespace {

using h5::check;
using h5::Id;
using h5::memory_type;

template <typename T>
hid_t file_type() {
    if constexpr (std::is_same_v<T, float>) {
        return H5T_IEEE_F32LE;
    } else if constexpr (std::is_same_v<T, double>) {
        return H5T_IEEE_F64LE;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return H5T_STD_I32LE;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return H5T_STD_I16LE;
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        return H5T_STD_U64LE;
    } else {
        static_assert(std::is_same_v<T, std::uint8_t>, "unsupported type");
        return H5T_STD_U8LE;
    }
}

Id string_type() {
    Id t = check(H5Tcopy(H5T_C_S1), "string type");
    check(H5Tset_size(t, H5T_VARIABLE), "string type");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "string type");
    return t;
}

void attr(hid_t obj, const char* name, const std::string& value) {
    Id type = string_type();
    Id space = check(H5Screate(H5S_SCALAR), "dataspace");
    Id a = check(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT),
                 fmt::format("attribute '{}'", name));
    const char* p = value.c_str();
    check(H5Awrite(a, type, &p), fmt::format("attribute '{}'", name));
}

void attr(hid_t obj, const char* name, const char* value) {
    attr(obj, name, std::string(value));
}

template <typename T>
void attr_array(hid_t obj, const char* name, std::span<const T> values) {
    const hsize_t n = values.size();
    Id space = check(H5Screate_simple(1, &n, nullptr), "dataspace");
    Id a = check(H5Acreate2(obj, name, file_type<T>(), space, H5P_DEFAULT, H5P_DEFAULT),
                 fmt::format("attribute '{}'", name));
    check(H5Awrite(a, memory_type<T>(), values.data()), fmt::format("attribute '{}'", name));
}

template <typename T>
void attr(hid_t obj, const char* name, T value) {
    attr_array<T>(obj, name, std::span<const T>(&value, 1));
}

// Attributes stay in the object header ("compact" storage) however many there are: HDF5 1.10's
// H5Ocopy crashes copying variable-length string attributes out of "dense" storage (which it
// uses beyond 8 attributes by default), and results.h5 is assembled with H5Ocopy
// (Hdf5Sink::append).
constexpr unsigned max_compact_attributes = 4096;

void keep_attributes_compact(hid_t plist) {
    check(H5Pset_attr_phase_change(plist, max_compact_attributes, max_compact_attributes),
          "attribute storage");
}

Id group_plist() {
    Id p = check(H5Pcreate(H5P_GROUP_CREATE), "group plist");
    check(H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    check(H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    keep_attributes_compact(p);
    return p;
}

// CF flags of a categorical variable: its values and a word for each.
struct Flags {
    std::vector<std::uint8_t> values;
    std::string meanings; // blank-separated, e.g. "not_covered covered"
};

struct VarAttrs {
    const char* long_name = "";
    const char* units = nullptr;
    const char* standard_name = nullptr;
    bool grid_mapping = false;
    const Flags* flags = nullptr; // categorical maps
};

// A map chunk's side along a dimension of n cells: 256, or n when smaller.
std::size_t map_chunk_side(hsize_t n) {
    return static_cast<std::size_t>(std::min<hsize_t>(n, 256));
}

template <typename T>
Id create_dataset(hid_t group, const std::string& name, std::vector<hsize_t> dims, const T* fill,
                  bool chunked) {
    Id space =
        check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace");
    Id dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "dataset plist");
    check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    keep_attributes_compact(dcpl);
    const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
    if (chunked && !empty) {
        std::vector<hsize_t> chunk(dims.size(), 1);
        const std::size_t r = dims.size();
        chunk[r - 1] = map_chunk_side(dims[r - 1]);
        if (r >= 2) {
            chunk[r - 2] = map_chunk_side(dims[r - 2]);
        }
        check(H5Pset_chunk(dcpl, static_cast<int>(r), chunk.data()), "chunk");
        check(H5Pset_shuffle(dcpl), "shuffle");
        check(H5Pset_deflate(dcpl, h5::map_deflate_level), "deflate");
    }
    if (fill != nullptr) {
        check(H5Pset_fill_value(dcpl, memory_type<T>(), fill), "fill value");
    }
    Id ds = check(
        H5Dcreate2(group, name.c_str(), file_type<T>(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        fmt::format("dataset '{}'", name));
    if (fill != nullptr) {
        attr(ds, "_FillValue", *fill);
    }
    return ds;
}

void describe(hid_t ds, const VarAttrs& a) {
    attr(ds, "long_name", a.long_name);
    if (a.units != nullptr) {
        attr(ds, "units", a.units);
    }
    if (a.standard_name != nullptr) {
        attr(ds, "standard_name", a.standard_name);
    }
    if (a.grid_mapping) {
        attr(ds, "grid_mapping", "crs");
    }
}

template <typename T>
Id write_array(hid_t group, const std::string& name, std::vector<hsize_t> dims,
               const std::vector<T>& values, const VarAttrs& a, const T* fill = nullptr) {
    Id ds = create_dataset<T>(group, name, std::move(dims), fill, false);
    if (!values.empty()) {
        check(H5Dwrite(ds, memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              fmt::format("write '{}'", name));
    }
    describe(ds, a);
    return ds;
}

// Maps of one grid as a chunked, shuffled and deflated dataset: {y, x} for one map, {layer, y,
// x} for a stack (h5::write_filtered_chunks compresses the chunks). `same_as`: a one-map dataset
// of the group written from the same bytes as the only map of `maps`, whose compressed chunks are
// copied instead.
template <typename T>
Id write_maps(hid_t group, const std::string& name, const std::vector<const Raster<T>*>& maps,
              bool stacked, const VarAttrs& a, hid_t same_as = H5I_INVALID_HID) {
    const Grid& grid = maps.front()->grid;
    const T fill = maps.front()->nodata;
    std::vector<hsize_t> dims{static_cast<hsize_t>(grid.height), static_cast<hsize_t>(grid.width)};
    if (stacked) {
        dims.insert(dims.begin(), maps.size());
    }
    Id ds = create_dataset<T>(group, name, dims, &fill, true);
    std::vector<const std::byte*> planes;
    for (const Raster<T>* m : maps) {
        planes.push_back(reinterpret_cast<const std::byte*>(m->values.data()));
    }
    if (grid.cell_count() > 0) {
        const h5::Planes chunks{planes,
                                static_cast<std::size_t>(grid.height),
                                static_cast<std::size_t>(grid.width),
                                sizeof(T),
                                map_chunk_side(dims[dims.size() - 2]),
                                map_chunk_side(dims.back()),
                                reinterpret_cast<const std::byte*>(&fill),
                                stacked};
        if (same_as != H5I_INVALID_HID && maps.size() == 1) {
            h5::copy_filtered_chunks(same_as, ds, chunks);
        } else {
            h5::write_filtered_chunks(ds, chunks);
        }
    }
    describe(ds, a);
    return ds;
}

Id write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values,
                 const VarAttrs& a) {
    Id type = string_type();
    const hsize_t n = values.size();
    Id space = check(H5Screate_simple(1, &n, nullptr), "dataspace");
    Id dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "dataset plist");
    check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    keep_attributes_compact(dcpl);
    Id ds = check(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                  fmt::format("dataset '{}'", name));
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) {
        ptrs.push_back(v.c_str());
    }
    if (!ptrs.empty()) {
        check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
              fmt::format("write '{}'", name));
    }
    describe(ds, a);
    return ds;
}

void attach(hid_t var, std::initializer_list<hid_t> scales) {
    unsigned idx = 0;
    for (hid_t s : scales) {
        check(H5DSattach_scale(var, s, idx++), "attach dimension scale");
    }
}

Id make_scale(Id ds, const char* name) {
    check(H5DSset_scale(ds, name), fmt::format("dimension scale '{}'", name));
    return ds;
}

// CF grid mapping for the analysis CRS: always crs_wkt (CF 1.7+) and spatial_ref (GDAL); the
// transverse_mercator parameters too when the CRS is one (every UTM zone is).
void write_crs(hid_t group, const Grid& grid) {
    const std::int32_t zero = 0;
    Id space = check(H5Screate(H5S_SCALAR), "dataspace");
    Id dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "dataset plist");
    keep_attributes_compact(dcpl);
    Id ds = check(H5Dcreate2(group, "crs", H5T_STD_I32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                  "dataset 'crs'");
    check(H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero), "write 'crs'");
    OGRSpatialReference srs = srs_from_wkt(grid.crs_wkt);
    attr(ds, "long_name", "coordinate reference system of the analysis grid");
    const char* projection = srs.GetAttrValue("PROJECTION");
    if (projection != nullptr && std::string(projection) == SRS_PT_TRANSVERSE_MERCATOR) {
        attr(ds, "grid_mapping_name", "transverse_mercator");
        attr(ds, "longitude_of_central_meridian", srs.GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN));
        attr(ds, "latitude_of_projection_origin", srs.GetNormProjParm(SRS_PP_LATITUDE_OF_ORIGIN));
        attr(ds, "scale_factor_at_central_meridian", srs.GetNormProjParm(SRS_PP_SCALE_FACTOR, 1.0));
        attr(ds, "false_easting", srs.GetNormProjParm(SRS_PP_FALSE_EASTING));
        attr(ds, "false_northing", srs.GetNormProjParm(SRS_PP_FALSE_NORTHING));
        attr(ds, "semi_major_axis", srs.GetSemiMajor());
        attr(ds, "inverse_flattening", srs.GetInvFlattening());
    }
    // GDAL's netCDF driver reads spatial_ref as WKT1; CF readers read crs_wkt.
    char* wkt1 = nullptr;
    srs.exportToWkt(&wkt1);
    attr(ds, "spatial_ref", wkt1 != nullptr ? wkt1 : "");
    CPLFree(wkt1);
    attr(ds, "crs_wkt", grid.crs_wkt);
    attr(ds, "epsg_code", srs_label(srs));
    const auto gt = grid.geotransform();
    attr(ds, "GeoTransform",
         fmt::format("{:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g}", gt[0], gt[1], gt[2], gt[3],
                     gt[4], gt[5]));
}

// CF flag attributes: flag_values, flag_meanings and valid_range (the first and last value).
void write_flag_attrs(hid_t ds, const Flags& flags) {
    attr_array<std::uint8_t>(ds, "flag_values", flags.values);
    attr(ds, "flag_meanings", flags.meanings);
    const std::array<std::uint8_t, 2> range{flags.values.front(), flags.values.back()};
    attr_array<std::uint8_t>(ds, "valid_range", range);
}

// A category's label as a CF flag meaning: a word of letters, digits and _-.+@ (CF 1.8, 3.5),
// every other character an underscore ("not covered" -> "not_covered").
std::string flag_meaning(const std::string& label) {
    std::string word = label;
    for (char& c : word) {
        const bool allowed = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                             std::string_view("_-.+@").find(c) != std::string_view::npos;
        c = allowed ? c : '_';
    }
    return word;
}

// The flags of a categorical map from its style (io/map_styles), so that results.h5 names the
// categories as the GeoTIFF and its .qml do.
Flags style_flags(std::string_view metric, const StyleContext& context) {
    const std::optional<MapStyle> style = map_style(metric, context);
    Flags flags;
    for (const StyleClass& c : style->classes) {
        flags.values.push_back(static_cast<std::uint8_t>(c.value));
        flags.meanings += (flags.meanings.empty() ? "" : " ") + flag_meaning(c.label);
    }
    return flags;
}

struct Dims {
    Id x, y, district, layer, sector;
};

template <typename T>
void write_map(hid_t g, const Dims& dims, const std::string& name, const Raster<T>& r,
               const VarAttrs& a) {
    Id ds = write_maps<T>(g, name, {&r}, false, a);
    attach(ds, {dims.y, dims.x});
    if (a.flags != nullptr && !a.flags->values.empty()) {
        write_flag_attrs(ds, *a.flags);
    }
}

// Whether two maps hold the same bytes (NaN nodata included) and the same nodata.
template <typename T>
bool same_bytes(const Raster<T>& a, const Raster<T>& b) {
    return a.grid.width == b.grid.width && a.grid.height == b.grid.height &&
           std::memcmp(&a.nodata, &b.nodata, sizeof(T)) == 0 &&
           std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(T)) == 0;
}

// The stack "layer_<combined>" of every layer's map. With one layer its map is usually the
// combined map itself, already written: then its compressed chunks are copied.
template <typename T, typename Get>
void write_layer_stack(hid_t g, const Dims& dims, const std::string& combined,
                       const Raster<T>& combined_map, const std::vector<LayerMaps>& layers, Get get,
                       const VarAttrs& a) {
    if (layers.empty()) {
        return;
    }
    std::vector<const Raster<T>*> maps;
    for (const LayerMaps& lm : layers) {
        maps.push_back(&get(lm));
    }
    Id source;
    if (maps.size() == 1 && same_bytes(*maps.front(), combined_map)) {
        source = check(H5Dopen2(g, combined.c_str(), H5P_DEFAULT),
                       fmt::format("dataset '{}'", combined));
    }
    const std::string name = "layer_" + combined;
    Id ds = write_maps<T>(g, name, maps, true, a, source);
    attach(ds, {dims.layer, dims.y, dims.x});
    if (a.flags != nullptr && !a.flags->values.empty()) {
        write_flag_attrs(ds, *a.flags);
    }
}

// The stack layer_throughput_mbps of each layer's peak throughput (none without layers).
void write_layer_throughputs(hid_t g, const Dims& dims, const std::vector<Raster<float>>& layers) {
    if (layers.empty()) {
        return;
    }
    std::vector<const Raster<float>*> rates;
    for (const Raster<float>& lt : layers) {
        rates.push_back(&lt);
    }
    Id ds = write_maps<float>(g, "layer_throughput_mbps", rates, true,
                              {"peak single-user downlink throughput of each layer's best server",
                               "Mbit/s", nullptr, true});
    attach(ds, {dims.layer, dims.y, dims.x});
}

// The signal maps of the metrics [output] maps lists: RSRP, SINR, best server (each with its
// layer stack) and serving layer.
void write_signal_maps(hid_t g, const Dims& dims, const ScenarioResult& r,
                       const StyleContext& styles) {
    const OutputSpec& output = r.scenario->output;
    const CoverageMaps& maps = r.coverage.maps;
    if (output.writes(MapMetric::rsrp_dbm)) {
        write_map(g, dims, "rsrp_dbm", maps.rsrp_dbm,
                  {"reference signal received power of the serving layer's best server", "dBm",
                   nullptr, true});
        write_layer_stack<float>(
            g, dims, "rsrp_dbm", maps.rsrp_dbm, maps.layers,
            [](const LayerMaps& m) -> const Raster<float>& { return m.rsrp_dbm; },
            {"RSRP of each layer's best server", "dBm", nullptr, true});
    }
    if (output.writes(MapMetric::sinr_db)) {
        write_map(
            g, dims, "sinr_db", maps.sinr_db,
            {"signal to interference and noise ratio of the serving layer", "dB", nullptr, true});
        write_layer_stack<float>(
            g, dims, "sinr_db", maps.sinr_db, maps.layers,
            [](const LayerMaps& m) -> const Raster<float>& { return m.sinr_db; },
            {"SINR of each layer", "dB", nullptr, true});
    }
    if (output.writes(MapMetric::best_server)) {
        write_map(g, dims, "best_server", maps.best_server,
                  {"best-server sector index (see the sector variables)", nullptr, nullptr, true});
        write_layer_stack<std::int32_t>(
            g, dims, "best_server", maps.best_server, maps.layers,
            [](const LayerMaps& m) -> const Raster<std::int32_t>& { return m.best_server; },
            {"best-server sector index of each layer", nullptr, nullptr, true});
    }
    if (output.writes(MapMetric::serving_layer)) {
        const Flags serving_layer = style_flags("serving_layer", styles);
        write_map(g, dims, "serving_layer", maps.serving_layer,
                  {"index of the serving layer (see the layer variable)", nullptr, nullptr, true,
                   &serving_layer});
    }
}

// The coverage flags of the metrics [output] maps lists, each with its layer stack and CF flags:
// covered outdoors, indoors, and (with a DEM) line of sight.
void write_coverage_maps(hid_t g, const Dims& dims, const ScenarioResult& r,
                         const StyleContext& styles) {
    const OutputSpec& output = r.scenario->output;
    const CoverageMaps& maps = r.coverage.maps;
    if (output.writes(MapMetric::covered)) {
        const Flags covered = style_flags("covered", styles);
        write_map(g, dims, "covered", maps.covered,
                  {"covered outdoors by at least one layer", nullptr, nullptr, true, &covered});
        write_layer_stack<std::uint8_t>(
            g, dims, "covered", maps.covered, maps.layers,
            [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.covered; },
            {"covered outdoors by each layer", nullptr, nullptr, true, &covered});
    }
    if (output.writes(MapMetric::covered_indoor)) {
        const Flags covered_indoor = style_flags("covered_indoor", styles);
        write_map(g, dims, "covered_indoor", maps.covered_indoor,
                  {"covered indoors by at least one layer: 0 no, 1 traditional buildings only, 2 "
                   "all buildings (ITU-R P.2109)",
                   nullptr, nullptr, true, &covered_indoor});
        write_layer_stack<std::uint8_t>(
            g, dims, "covered_indoor", maps.covered_indoor, maps.layers,
            [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.covered_indoor; },
            {"covered indoors by each layer: 0 no, 1 traditional buildings only, 2 all buildings",
             nullptr, nullptr, true, &covered_indoor});
    }
    if (output.writes(MapMetric::line_of_sight) && !maps.line_of_sight.values.empty()) {
        const Flags line_of_sight = style_flags("line_of_sight", styles);
        write_map(g, dims, "line_of_sight", maps.line_of_sight,
                  {"line of sight over the terrain to the serving layer's best server", nullptr,
                   nullptr, true, &line_of_sight});
        write_layer_stack<std::uint8_t>(
            g, dims, "line_of_sight", maps.line_of_sight, maps.layers,
            [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.line_of_sight; },
            {"line of sight over the terrain to each layer's best server", nullptr, nullptr, true,
             &line_of_sight});
    }
}

// The capacity maps of the metrics [output] maps lists: peak throughput (with its layer stack),
// user throughput and served.
void write_capacity_maps(hid_t g, const Dims& dims, const ScenarioResult& r,
                         const StyleContext& styles) {
    const OutputSpec& output = r.scenario->output;
    const CapacityResult& cap = r.capacity;
    if (output.writes(MapMetric::throughput_mbps)) {
        write_map(g, dims, "throughput_mbps", cap.throughput_mbps,
                  {"peak single-user downlink throughput of the serving option", "Mbit/s", nullptr,
                   true});
        write_layer_throughputs(g, dims, cap.layer_throughput_mbps);
    }
    if (output.writes(MapMetric::user_throughput_mbps)) {
        write_map(
            g, dims, "user_throughput_mbps", cap.user_throughput_mbps,
            {"mean user throughput in the busy hour (processor sharing)", "Mbit/s", nullptr, true});
    }
    if (output.writes(MapMetric::served)) {
        const Flags served = style_flags("served", styles);
        write_map(g, dims, "served", cap.served,
                  {"served: the access option delivers the minimum user throughput", nullptr,
                   nullptr, true, &served});
    }
}

// The maps (y, x) and layer stacks (layer, y, x) of the metrics the scenario's [output] maps
// lists, each map followed by its stack.
void write_result_maps(hid_t g, const Dims& dims, const ScenarioResult& r) {
    const StyleContext styles = style_context(r);
    write_signal_maps(g, dims, r, styles);
    write_coverage_maps(g, dims, r, styles);
    write_capacity_maps(g, dims, r, styles);
}

// The tornado table of the ranges (core/uncertainty.hpp), one row per [uncertainty] input along
// the dimension `tornado_input`, in the table's order (largest cost swing first).
void write_tornado(hid_t g, const Ranges& ranges) {
    std::vector<std::string> keys;
    std::vector<double> low, high, served_low, served_high, cost_low, cost_high;
    for (const TornadoRow& row : ranges.tornado) {
        keys.emplace_back(to_string(row.range.input));
        low.push_back(row.range.low);
        high.push_back(row.range.high);
        served_low.push_back(row.served_share_at_low);
        served_high.push_back(row.served_share_at_high);
        cost_low.push_back(row.cost_per_subscriber_at_low_usd_per_month);
        cost_high.push_back(row.cost_per_subscriber_at_high_usd_per_month);
    }
    Id input = make_scale(
        write_strings(g, "tornado_input", keys, {"[uncertainty] key of the input moved"}),
        "tornado_input");
    const auto var = [&](const char* name, const std::vector<double>& v, const VarAttrs& a) {
        Id ds = write_array<double>(g, name, {v.size()}, v, a);
        attach(ds, {input});
    };
    var("tornado_low", low,
        {"low end of the input's range (its key's units; a factor for *_scale)"});
    var("tornado_high", high, {"high end of the input's range"});
    var("tornado_served_share_at_low", served_low,
        {"city served share with the input at its low end, the others central", "1"});
    var("tornado_served_share_at_high", served_high,
        {"city served share with the input at its high end, the others central", "1"});
    var("tornado_cost_per_subscriber_usd_per_month_at_low", cost_low,
        {"city cost per subscriber and month with the input at its low end", "USD/month"});
    var("tornado_cost_per_subscriber_usd_per_month_at_high", cost_high,
        {"city cost per subscriber and month with the input at its high end", "USD/month"});
}

void write_scenario_group(hid_t file, const ScenarioResult& r, const RunInfo& run) {
    const Scenario& sc = *r.scenario;
    const StudyArea& area = *r.area;
    const Grid& grid = area.grid;

    Id gcpl = group_plist();
    Id lcpl = check(H5Pcreate(H5P_LINK_CREATE), "link plist");
    check(H5Pset_create_intermediate_group(lcpl, 1), "intermediate groups");
    // A sweep variant's group is nested, /<base>/<label>=<value>,...: the base group may exist
    // already, as the group of another variant (made as an intermediate group, without a
    // `scenario` attribute) or of a scenario named like the base.
    Id g;
    if (sc.name.find('/') == std::string::npos &&
        H5Lexists(file, sc.name.c_str(), H5P_DEFAULT) > 0) {
        g = check(H5Gopen2(file, sc.name.c_str(), H5P_DEFAULT), "group '" + sc.name + "'");
        if (H5Aexists(g, "scenario") != 0) {
            g.reset();
        }
    }
    if (!g.valid()) {
        g = check(H5Gcreate2(file, sc.name.c_str(), lcpl, gcpl, H5P_DEFAULT),
                  fmt::format("group '{}' (is the scenario name used twice?)", sc.name));
    }

    attr(g, "title", fmt::format("covsim results for scenario {}", sc.name));
    attr(g, "Conventions", "CF-1.8");
    attr(g, "scenario", sc.name);
    attr(g, "description", sc.description);
    attr(g, "scenario_file", sc.source_path.string());
    attr(g, "scenario_toml", sc.source_text);
    if (!sc.sweep.empty()) {
        attr(g, "base_scenario", sc.base_name);
        for (const SweepSetting& s : sc.sweep) {
            attr(g, ("sweep_" + s.label).c_str(), s.value);
            attr(g, ("sweep_" + s.label + "_key").c_str(), s.key);
        }
    }
    attr(g, "covsim_version", run.covsim_version);
    attr(g, "git_commit", run.git_commit);
    attr(g, "command_line", run.command_line);
    attr(g, "threads", static_cast<std::int32_t>(run.threads));
    attr(g, "started_utc", r.started_utc);
    attr(g, "finished_utc", r.finished_utc);
    attr(g, "elapsed_s", r.elapsed_s);
    if (!r.input_checksum.empty()) {
        attr(g, "input_checksum", r.input_checksum);
    }
    for (const InputFile& in : r.inputs) {
        attr(g, ("input_" + in.role).c_str(), in.path.string());
        if (!in.sha256.empty()) {
            attr(g, ("sha256_" + in.role).c_str(), in.sha256);
        }
    }
    attr(g, "resolution_m", grid.cell_size_m);
    attr(g, "cells_in_districts", static_cast<std::uint64_t>(r.coverage.status.cells));
    attr(g, "cells_without_signal",
         static_cast<std::uint64_t>(r.coverage.status.cells_without_signal));
    attr(g, "pixel_sectors_evaluated", static_cast<std::uint64_t>(r.coverage.status.pixel_sectors));
    attr(g, "non_finite_losses", static_cast<std::uint64_t>(r.coverage.status.non_finite_losses));
    attr(g, "overloaded_cells", static_cast<std::uint64_t>(r.capacity.overloaded_cells));
    attr(g, "traffic_steering", std::string(to_string(r.scenario->traffic.steering)));
    attr(g, "steering_iterations", static_cast<std::int32_t>(r.capacity.steering_iterations));
    attr(g, "cells_without_terrain",
         static_cast<std::uint64_t>(r.coverage.status.cells_without_terrain));
    attr(g, "terrain_pairs_evaluated", static_cast<std::uint64_t>(r.coverage.status.terrain_pairs));

    // Dimensions, each with its coordinate variable.
    Dims dims;
    std::vector<double> xs(static_cast<std::size_t>(grid.width));
    std::vector<double> ys(static_cast<std::size_t>(grid.height));
    for (std::int64_t c = 0; c < grid.width; ++c) {
        xs[static_cast<std::size_t>(c)] = grid.center_x_m(c);
    }
    for (std::int64_t row = 0; row < grid.height; ++row) {
        ys[static_cast<std::size_t>(row)] = grid.center_y_m(row);
    }
    dims.x = make_scale(
        write_array<double>(g, "x", {xs.size()}, xs,
                            {"x coordinate of cell centre", "m", "projection_x_coordinate", false}),
        "x");
    attr(dims.x, "axis", "X");
    dims.y = make_scale(
        write_array<double>(g, "y", {ys.size()}, ys,
                            {"y coordinate of cell centre", "m", "projection_y_coordinate", false}),
        "y");
    attr(dims.y, "axis", "Y");

    std::vector<std::string> codes, names, names_ascii, types;
    for (const District& d : area.districts) {
        codes.push_back(d.code);
        names.push_back(d.name);
        names_ascii.push_back(d.name_ascii);
        types.push_back(std::string(to_string(d.type)));
    }
    dims.district = make_scale(write_strings(g, "district", codes, {"district code"}), "district");

    std::vector<std::string> layer_names;
    for (const CoverageLayer& l : r.layers) {
        layer_names.push_back(l.name);
    }
    dims.layer = make_scale(write_strings(g, "layer", layer_names, {"technology layer"}), "layer");

    std::vector<std::int32_t> sector_ids(r.sectors.size());
    for (std::size_t i = 0; i < sector_ids.size(); ++i) {
        sector_ids[i] = static_cast<std::int32_t>(i);
    }
    dims.sector =
        make_scale(write_array<std::int32_t>(g, "sector", {sector_ids.size()}, sector_ids,
                                             {"sector index, the value of best_server maps"}),
                   "sector");

    write_crs(g, grid);

    write_map(g, dims, "cell_population", area.population,
              {"people living in the cell", "1", nullptr, true});
    write_map(
        g, dims, "district_index", area.district_index,
        {"index of the district containing the cell centre, -1 outside", nullptr, nullptr, true});
    write_result_maps(g, dims, r);

    const CapacityResult& cap = r.capacity;
    // Districts: names, then every result column (core/result_table.hpp).
    auto district_strings = [&](const char* name, const std::vector<std::string>& v,
                                const char* long_name) {
        Id ds = write_strings(g, name, v, {long_name});
        attach(ds, {dims.district});
    };
    district_strings("name", names, "district name");
    district_strings("name_ascii", names_ascii, "district name without diacritics");
    district_strings("type", types, "district type (urban_district, town, rural_district)");
    const std::vector<Column> columns = district_columns(r);
    const std::vector<double> city = city_values(r, columns);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const Column& c = columns[i];
        const double nan = std::numeric_limits<double>::quiet_NaN();
        Id ds = write_array<double>(g, c.name, {c.values.size()}, c.values,
                                    {c.long_name.c_str(), c.units.c_str()},
                                    c.may_be_missing ? &nan : nullptr);
        attach(ds, {dims.district});
        attr(ds, "city_value", city[i]); // the whole study area's value
        attr(g, ("city_" + c.name).c_str(), city[i]);
    }
    for (const TextColumn& c : district_text_columns(r)) {
        Id ds = write_strings(g, c.name, c.values, {c.long_name.c_str()});
        attach(ds, {dims.district});
    }
    for (const Column& c : layer_district_columns(r)) {
        Id ds = write_array<double>(g, c.name, {r.layers.size(), area.districts.size()}, c.values,
                                    {c.long_name.c_str(), c.units.c_str()});
        attach(ds, {dims.layer, dims.district});
    }

    // Layers.
    auto layer_var = [&](const char* name, auto get, const VarAttrs& a) {
        std::vector<double> v;
        for (const CoverageLayer& l : r.layers) {
            v.push_back(get(l));
        }
        Id ds = write_array<double>(g, name, {v.size()}, v, a);
        attach(ds, {dims.layer});
    };
    layer_var("frequency_mhz", [](const CoverageLayer& l) { return l.frequency_mhz; },
              {"carrier frequency", "MHz"});
    layer_var("rsrp_min_dbm", [](const CoverageLayer& l) { return l.rsrp_min_dbm; },
              {"RSRP coverage threshold", "dBm"});
    layer_var("sinr_min_db", [](const CoverageLayer& l) { return l.sinr_min_db; },
              {"SINR coverage threshold", "dB"});
    layer_var("load", [](const CoverageLayer& l) { return l.load; },
              {"interference load factor", "1"});
    {
        std::vector<std::string> models;
        for (const CoverageLayer& l : r.layers) {
            models.emplace_back(l.model->name());
        }
        Id ds = write_strings(g, "model", models, {"propagation model"});
        attach(ds, {dims.layer});
        std::vector<std::string> services, carriers;
        for (const LayerSpec& spec : sc.layers) {
            services.emplace_back(to_string(spec.service));
            carriers.push_back(spec.carrier_name());
        }
        Id sv = write_strings(g, "service", services, {"users of the layer (mobile or fwa)"});
        attach(sv, {dims.layer});
        Id cv = write_strings(g, "carrier", carriers, {"layers of one carrier share its cells"});
        attach(cv, {dims.layer});
    }

    // Sectors.
    std::vector<std::string> site_ids, sector_names;
    std::vector<std::int32_t> sector_layer;
    std::vector<std::uint8_t> sector_inside;
    std::vector<double> sx, sy, sh, saz, stilt, spow;
    for (const Sector& s : r.sectors) {
        site_ids.push_back(s.site_id);
        sector_names.push_back(s.sector_id);
        sector_layer.push_back(static_cast<std::int32_t>(s.layer));
        sector_inside.push_back(s.inside() ? 1 : 0);
        sx.push_back(s.x_m);
        sy.push_back(s.y_m);
        sh.push_back(s.height_m);
        saz.push_back(s.azimuth_deg.value_or(std::numeric_limits<double>::quiet_NaN()));
        stilt.push_back(s.total_tilt_deg());
        spow.push_back(s.power_dbm);
    }
    auto sector_var = [&](const char* name, const std::vector<double>& v, const VarAttrs& a) {
        Id ds = write_array<double>(g, name, {v.size()}, v, a);
        attach(ds, {dims.sector});
    };
    {
        Id a = write_strings(g, "sector_site_id", site_ids, {"site identifier"});
        attach(a, {dims.sector});
        Id b = write_strings(g, "sector_name", sector_names, {"sector identifier within its site"});
        attach(b, {dims.sector});
        Id c = write_array<std::int32_t>(g, "sector_layer", {sector_layer.size()}, sector_layer,
                                         {"layer index of the sector"});
        attach(c, {dims.sector});
    }
    sector_var("sector_x", sx, {"sector x coordinate", "m", "projection_x_coordinate"});
    sector_var("sector_y", sy, {"sector y coordinate", "m", "projection_y_coordinate"});
    {
        Id ds = write_array<std::uint8_t>(
            g, "sector_inside", {sector_inside.size()}, sector_inside,
            {"site in a district (1) or outside every district (0: served and interfering, not "
             "costed unless [cost] count_sites_outside)"});
        write_flag_attrs(ds, {{0, 1}, "outside inside"});
        attach(ds, {dims.sector});
    }
    sector_var("sector_height_m", sh, {"antenna height above ground", "m"});
    sector_var("sector_azimuth_deg", saz,
               {"antenna azimuth clockwise from north, NaN when omnidirectional", "degree"});
    sector_var("sector_tilt_deg", stilt, {"total downtilt (mechanical + electrical)", "degree"});
    sector_var("sector_power_dbm", spow, {"total transmit power into the antenna", "dBm"});
    auto sector_load_var = [&](const char* name, auto get, const VarAttrs& a) {
        std::vector<double> v;
        v.reserve(cap.sectors.size());
        for (const SectorLoad& l : cap.sectors) {
            v.push_back(get(l));
        }
        sector_var(name, v, a);
    };
    sector_load_var("sector_load", [](const SectorLoad& l) { return l.load; },
                    {"busy-hour load of the sector's cell (1: full)", "1"});
    sector_load_var("sector_offered_traffic_mbps",
                    [](const SectorLoad& l) { return l.offered_traffic_mbps; },
                    {"busy-hour traffic offered to the sector's cell", "Mbit/s"});
    sector_load_var("sector_capacity_mbps", [](const SectorLoad& l) { return l.capacity_mbps; },
                    {"traffic the cell carries when full, for its spatial mix", "Mbit/s"});
    sector_load_var("sector_served_subscribers",
                    [](const SectorLoad& l) { return l.served_subscribers; },
                    {"subscribers served by the sector's cell", "1"});
    if (!r.ranges.empty()) {
        write_tornado(g, r.ranges);
    }
}

} // namespace

Hdf5Sink::Hdf5Sink(const std::filesystem::path& path) : file_(path) {
    // After a write failed for a full disk, HDF5 1.10's exit handler crashed (SIGSEGV in
    // H5D_close) closing a dataset it could not flush, turning a clear error into a crash. The
    // process releases everything at exit anyway; the unfinished file is removed by AtomicFile.
    // Effective only before the library's first use, which in covsim is here; else a no-op.
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors become covsim::Error, not stderr dumps
    Id fcpl = check(H5Pcreate(H5P_FILE_CREATE), "file plist");
    check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    // Closing the file closes every object still open in it.
    Id fapl = check(H5Pcreate(H5P_FILE_ACCESS), "file access plist");
    check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "close degree");
    h5_ = Id(H5Fcreate(file_.temp_path().string().c_str(), H5F_ACC_TRUNC, fcpl, fapl));
    if (!h5_.valid()) {
        throw Error(ErrorCode::io, fmt::format("cannot create '{}'", file_.temp_path().string()));
    }
    attr(h5_, "Conventions", "CF-1.8");
    attr(h5_, "title", "covsim coverage results");
    attr(h5_, "source", "covsim");
    attr(h5_, "schema_version", static_cast<std::int32_t>(results_schema_version));
}

void Hdf5Sink::write(const ScenarioResult& result, const RunInfo& run) {
    try {
        write_scenario_group(h5_, result, run);
    } catch (const Error& e) {
        throw Error(e.code(),
                    fmt::format("writing '{}': {}", file_.final_path().string(), e.what()));
    }
    check(H5Fflush(h5_, H5F_SCOPE_GLOBAL), "flush");
}

namespace {

// The names (relative to their group) of the datasets of a group.
std::vector<std::string> dataset_names(hid_t group) {
    std::vector<std::string> names;
    auto visit = [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
        H5O_info_t info;
        if (H5Oget_info_by_name2(g, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
            info.type == H5O_TYPE_DATASET) {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        }
        return 0;
    };
    check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, visit, &names), "datasets");
    return names;
}

// The name, relative to the group, of the dimension scale attached to dimension `dim`.
std::string scale_name(hid_t dataset, unsigned dim) {
    std::string name;
    auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
        char buffer[1024];
        const ssize_t n = H5Iget_name(scale, buffer, sizeof buffer);
        if (n <= 0) {
            return -1;
        }
        std::string full(buffer, static_cast<std::size_t>(n));
        *static_cast<std::string*>(data) = full.substr(full.rfind('/') + 1);
        return 1; // the first scale of the dimension
    };
    int idx = 0;
    check(H5DSiterate_scales(dataset, dim, &idx, visit, &name), "dimension scale");
    return name;
}

} // namespace

void Hdf5Sink::append(const std::filesystem::path& source, const std::string& scenario) {
    Id src(H5Fopen(source.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!src.valid()) {
        throw Error(ErrorCode::io, fmt::format("cannot open '{}'", source.string()));
    }
    const std::string where = fmt::format("copying group '{}' of '{}' to '{}'", scenario,
                                          source.string(), file_.final_path().string());
    Id lcpl = check(H5Pcreate(H5P_LINK_CREATE), "link plist");
    check(H5Pset_create_intermediate_group(lcpl, 1), "intermediate groups");
    const std::string name = "/" + scenario;
    // A scenario named like a sweep's scenario ("a" next to the variants "a/x=1"): when its
    // variants came first, "/a" exists as their intermediate group. Park it, copy the scenario's
    // group to "/a", and move the variants into it.
    std::string parked;
    if (H5Lexists(h5_, name.c_str(), H5P_DEFAULT) > 0) {
        parked = name + "__covsim_variants";
        check(H5Lmove(h5_, name.c_str(), h5_, parked.c_str(), H5P_DEFAULT, H5P_DEFAULT), where);
    }
    check(H5Ocopy(src, name.c_str(), h5_, name.c_str(), H5P_DEFAULT, lcpl), where);
    if (!parked.empty()) {
        Id from_park = check(H5Gopen2(h5_, parked.c_str(), H5P_DEFAULT), where);
        Id into = check(H5Gopen2(h5_, name.c_str(), H5P_DEFAULT), where);
        std::vector<std::string> children;
        auto visit = [](hid_t, const char* child, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(child);
            return 0;
        };
        check(H5Literate(from_park, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, visit, &children),
              where);
        for (const std::string& child : children) {
            check(H5Lmove(from_park, child.c_str(), into, child.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                  where);
        }
        check(H5Ldelete(h5_, parked.c_str(), H5P_DEFAULT), where);
    }

    // HDF5 1.10's H5Ocopy does not carry the object references inside DIMENSION_LIST to another
    // file: the dimension scales are attached again, as the source has them.
    Id from = check(H5Gopen2(src, name.c_str(), H5P_DEFAULT), where);
    Id to = check(H5Gopen2(h5_, name.c_str(), H5P_DEFAULT), where);
    struct Attachment {
        std::string dataset;
        unsigned dim = 0;
        std::string scale;
    };
    std::vector<Attachment> attachments;
    std::vector<std::string> scales;
    for (const std::string& ds : dataset_names(from)) {
        Id d = check(H5Dopen2(from, ds.c_str(), H5P_DEFAULT), where);
        if (H5DSis_scale(d) > 0) {
            scales.push_back(ds);
        }
        Id space = check(H5Dget_space(d), where);
        const int rank = H5Sget_simple_extent_ndims(space);
        for (int dim = 0; dim < rank; ++dim) {
            if (H5DSget_num_scales(d, static_cast<unsigned>(dim)) > 0) {
                attachments.push_back(
                    {ds, static_cast<unsigned>(dim), scale_name(d, static_cast<unsigned>(dim))});
            }
        }
    }
    for (const std::string& ds : dataset_names(to)) {
        Id d = check(H5Dopen2(to, ds.c_str(), H5P_DEFAULT), where);
        for (const char* a : {"DIMENSION_LIST", "REFERENCE_LIST"}) {
            if (H5Aexists(d, a) > 0) {
                check(H5Adelete(d, a), where);
            }
        }
    }
    for (const Attachment& a : attachments) {
        Id d = check(H5Dopen2(to, a.dataset.c_str(), H5P_DEFAULT), where);
        Id scale = check(H5Dopen2(to, a.scale.c_str(), H5P_DEFAULT), where);
        check(H5DSattach_scale(d, scale, a.dim), where);
    }
    check(H5Fflush(h5_, H5F_SCOPE_GLOBAL), "flush");
}

void Hdf5Sink::commit() {
    h5_.reset();
    file_.commit();
}

void append_plan_group(const std::filesystem::path& results_h5, const PlanTable& t) {
    AtomicFile copy(results_h5);
    std::error_code ec;
    std::filesystem::copy_file(results_h5, copy.temp_path(),
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot copy '{}': {}", results_h5.string(), ec.message()));
    }
    {
        Id fapl = check(H5Pcreate(H5P_FILE_ACCESS), "file access plist");
        check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "close degree");
        Id file(H5Fopen(copy.temp_path().string().c_str(), H5F_ACC_RDWR, fapl));
        if (!file.valid()) {
            throw Error(ErrorCode::io, fmt::format("cannot open '{}'", results_h5.string()));
        }
        Id gcpl = group_plist();
        Id g = check(H5Gcreate2(file, "plan", H5P_DEFAULT, gcpl, H5P_DEFAULT), "group 'plan'");
        attr(g, "scenario", t.scenario);
        attr(g, "target_served_share", t.target_served_share);
        attr(g, "target_indoors", static_cast<std::int32_t>(t.target_indoors ? 1 : 0));
        attr(g, "sweeps", static_cast<std::int32_t>(t.sweeps));
        attr(g, "passes", static_cast<std::int32_t>(t.passes));
        attr(g, "converged", static_cast<std::int32_t>(t.converged ? 1 : 0));
        attr(g, "evaluations", static_cast<std::uint64_t>(t.evaluations));
        const hsize_t n = t.codes.size();
        const hsize_t m = t.curve_share.size();
        Id district =
            make_scale(write_strings(g, "district", t.codes, {"district code"}), "district");
        Id share = make_scale(write_array<double>(g, "curve_share", {m}, t.curve_share,
                                                  {"served share of the cost curve", "1"}),
                              "curve_share");
        const auto var = [&](const char* name, const std::vector<double>& v, VarAttrs a) {
            Id ds = write_array<double>(g, name, {n}, v, a);
            attach(ds, {district});
        };
        attach(write_strings(g, "choice", t.choices,
                             {"options and inter-site distances chosen (docs/planning.md)"}),
               {district});
        var("served_share", t.served_share, {"share of the people served", "1"});
        {
            Id ds = write_array<std::uint8_t>(g, "target_met", {n}, t.target_met,
                                              {"served share reaches the target", "1"});
            write_flag_attrs(ds, {{0, 1}, "target_not_met target_met"});
            attach(ds, {district});
        }
        var("sites_added", t.sites_added, {"new sites of the plan", "1"});
        var("capex_usd", t.capex_usd, {"investment", "USD"});
        var("opex_usd_per_year", t.opex_usd_per_year, {"running costs", "USD/year"});
        var("annualised_cost_usd", t.annualised_cost_usd, {"annualised cost", "USD/year"});
        var("cost_per_subscriber_usd_per_month", t.cost_per_subscriber_usd_per_month,
            {"cost per subscriber and month", "USD/month"});
        var("cost_per_served_subscriber_usd_per_month", t.cost_per_served_subscriber_usd_per_month,
            {"cost per served subscriber and month", "USD/month"});
        var("affordability", t.affordability,
            {"cost per subscriber as a share of monthly GNI per capita", "1"});
        const double nan = std::numeric_limits<double>::quiet_NaN();
        Id curve = write_array<double>(
            g, "curve_cost_usd_per_year", {n, m}, t.curve_cost_usd_per_year,
            {"least annualised cost found that serves the share", "USD/year"}, &nan);
        attach(curve, {district, share});
        Id city = write_array<double>(
            g, "city_curve_cost_usd_per_year", {m}, t.city_curve_cost_usd_per_year,
            {"city cost for every district to serve the share", "USD/year"}, &nan);
        attach(city, {share});
    }
    copy.commit();
}

std::optional<std::string> read_string_attribute(const std::filesystem::path& path,
                                                 const std::string& object, const char* name) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!std::filesystem::is_regular_file(path) || H5Fis_hdf5(path.string().c_str()) <= 0) {
        return std::nullopt;
    }
    Id file(H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file.valid() || H5Aexists_by_name(file, object.c_str(), name, H5P_DEFAULT) <= 0) {
        return std::nullopt;
    }
    Id a(H5Aopen_by_name(file, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT));
    if (!a.valid()) {
        return std::nullopt;
    }
    Id stored(H5Aget_type(a));
    if (!stored.valid() || H5Tget_class(stored) != H5T_STRING || H5Tis_variable_str(stored) <= 0) {
        return std::nullopt;
    }
    Id type = string_type();
    char* value = nullptr;
    if (H5Aread(a, type, &value) < 0 || value == nullptr) {
        return std::nullopt;
    }
    std::string out(value);
    H5free_memory(value);
    return out;
}

} // namespace covsim::io
