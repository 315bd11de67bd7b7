#include "io/hdf5_results.hpp"

#include "core/error.hpp"
#include "core/result_table.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

namespace covsim::io {

namespace {

using h5::check;
using h5::Id;

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

template <typename T>
hid_t memory_type() {
    if constexpr (std::is_same_v<T, float>) {
        return H5T_NATIVE_FLOAT;
    } else if constexpr (std::is_same_v<T, double>) {
        return H5T_NATIVE_DOUBLE;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return H5T_NATIVE_INT32;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return H5T_NATIVE_INT16;
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        return H5T_NATIVE_UINT64;
    } else {
        return H5T_NATIVE_UINT8;
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

Id group_plist() {
    Id p = check(H5Pcreate(H5P_GROUP_CREATE), "group plist");
    check(H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    check(H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    return p;
}

struct VarAttrs {
    const char* long_name = "";
    const char* units = nullptr;
    const char* standard_name = nullptr;
    bool grid_mapping = false;
    const char* flag_meanings = nullptr; // for 0/1 flags, e.g. "not_covered covered"
};

template <typename T>
Id create_dataset(hid_t group, const std::string& name, std::vector<hsize_t> dims, const T* fill,
                  bool chunked) {
    Id space =
        check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace");
    Id dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "dataset plist");
    check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
    if (chunked && !empty) {
        std::vector<hsize_t> chunk(dims.size(), 1);
        const std::size_t r = dims.size();
        chunk[r - 1] = std::min<hsize_t>(dims[r - 1], 256);
        if (r >= 2) {
            chunk[r - 2] = std::min<hsize_t>(dims[r - 2], 256);
        }
        check(H5Pset_chunk(dcpl, static_cast<int>(r), chunk.data()), "chunk");
        check(H5Pset_shuffle(dcpl), "shuffle");
        check(H5Pset_deflate(dcpl, 4), "deflate");
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
               const std::vector<T>& values, const VarAttrs& a, const T* fill = nullptr,
               bool chunked = false) {
    Id ds = create_dataset<T>(group, name, std::move(dims), fill, chunked);
    if (!values.empty()) {
        check(H5Dwrite(ds, memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              fmt::format("write '{}'", name));
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
    Id ds =
        check(H5Dcreate2(group, "crs", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
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

// CF flag attributes of a 0/1 map.
void write_flag_attrs(hid_t ds, const char* meanings) {
    const std::array<std::uint8_t, 2> values{0, 1};
    attr_array<std::uint8_t>(ds, "flag_values", values);
    attr(ds, "flag_meanings", meanings);
    attr_array<std::uint8_t>(ds, "valid_range", values);
}

struct Dims {
    Id x, y, district, layer, sector;
};

template <typename T>
void write_map(hid_t g, const Dims& dims, const std::string& name, const Raster<T>& r,
               const VarAttrs& a) {
    const T fill = r.nodata;
    Id ds = write_array<T>(
        g, name, {static_cast<hsize_t>(r.grid.height), static_cast<hsize_t>(r.grid.width)},
        r.values, a, &fill, true);
    attach(ds, {dims.y, dims.x});
    if (a.flag_meanings != nullptr) {
        write_flag_attrs(ds, a.flag_meanings);
    }
}

template <typename T, typename Get>
void write_layer_stack(hid_t g, const Dims& dims, const std::string& name,
                       const std::vector<LayerMaps>& layers, Get get, const VarAttrs& a) {
    if (layers.empty()) {
        return;
    }
    const Raster<T>& first = get(layers.front());
    std::vector<T> values;
    values.reserve(first.values.size() * layers.size());
    for (const LayerMaps& lm : layers) {
        const Raster<T>& r = get(lm);
        values.insert(values.end(), r.values.begin(), r.values.end());
    }
    const T fill = first.nodata;
    Id ds = write_array<T>(g, name,
                           {static_cast<hsize_t>(layers.size()),
                            static_cast<hsize_t>(first.grid.height),
                            static_cast<hsize_t>(first.grid.width)},
                           values, a, &fill, true);
    attach(ds, {dims.layer, dims.y, dims.x});
    if (a.flag_meanings != nullptr) {
        write_flag_attrs(ds, a.flag_meanings);
    }
}

void write_scenario_group(hid_t file, const ScenarioResult& r, const RunInfo& run) {
    const Scenario& sc = *r.scenario;
    const StudyArea& area = *r.area;
    const Grid& grid = area.grid;
    const CoverageMaps& maps = r.coverage.maps;

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
    for (const InputFile& in : r.inputs) {
        attr(g, ("input_" + in.role).c_str(), in.path.string());
    }
    attr(g, "resolution_m", grid.cell_size_m);
    attr(g, "cells_in_districts", static_cast<std::uint64_t>(r.coverage.status.cells));
    attr(g, "cells_without_signal",
         static_cast<std::uint64_t>(r.coverage.status.cells_without_signal));
    attr(g, "pixel_sectors_evaluated", static_cast<std::uint64_t>(r.coverage.status.pixel_sectors));
    attr(g, "non_finite_losses", static_cast<std::uint64_t>(r.coverage.status.non_finite_losses));
    attr(g, "overloaded_cells", static_cast<std::uint64_t>(r.capacity.overloaded_cells));
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

    // Maps (y, x).
    write_map(g, dims, "rsrp_dbm", maps.rsrp_dbm,
              {"reference signal received power of the serving layer's best server", "dBm", nullptr,
               true});
    write_map(g, dims, "sinr_db", maps.sinr_db,
              {"signal to interference and noise ratio of the serving layer", "dB", nullptr, true});
    write_map(g, dims, "best_server", maps.best_server,
              {"best-server sector index (see the sector variables)", nullptr, nullptr, true});
    write_map(g, dims, "serving_layer", maps.serving_layer,
              {"index of the serving layer (see the layer variable)", nullptr, nullptr, true});
    write_map(
        g, dims, "covered", maps.covered,
        {"covered outdoors by at least one layer", nullptr, nullptr, true, "not_covered covered"});
    write_map(g, dims, "covered_indoor", maps.covered_indoor,
              {"covered indoors by at least one layer: 0 no, 1 traditional buildings only, 2 all "
               "buildings (ITU-R P.2109)",
               nullptr, nullptr, true});
    if (!maps.line_of_sight.values.empty()) {
        write_map(g, dims, "line_of_sight", maps.line_of_sight,
                  {"line of sight over the terrain to the serving layer's best server", nullptr,
                   nullptr, true, "obstructed line_of_sight"});
    }
    write_map(g, dims, "cell_population", area.population,
              {"people living in the cell", "1", nullptr, true});
    write_map(
        g, dims, "district_index", area.district_index,
        {"index of the district containing the cell centre, -1 outside", nullptr, nullptr, true});

    const CapacityResult& cap = r.capacity;
    write_map(
        g, dims, "throughput_mbps", cap.throughput_mbps,
        {"peak single-user downlink throughput of the serving option", "Mbit/s", nullptr, true});
    write_map(
        g, dims, "user_throughput_mbps", cap.user_throughput_mbps,
        {"mean user throughput in the busy hour (processor sharing)", "Mbit/s", nullptr, true});
    write_map(g, dims, "served", cap.served,
              {"served: the access option delivers the minimum user throughput", nullptr, nullptr,
               true, "not_served served"});

    // Per-layer maps (layer, y, x).
    write_layer_stack<float>(g, dims, "layer_rsrp_dbm", maps.layers,
                             [](const LayerMaps& m) -> const Raster<float>& { return m.rsrp_dbm; },
                             {"RSRP of each layer's best server", "dBm", nullptr, true});
    write_layer_stack<float>(g, dims, "layer_sinr_db", maps.layers,
                             [](const LayerMaps& m) -> const Raster<float>& { return m.sinr_db; },
                             {"SINR of each layer", "dB", nullptr, true});
    write_layer_stack<std::int32_t>(
        g, dims, "layer_best_server", maps.layers,
        [](const LayerMaps& m) -> const Raster<std::int32_t>& { return m.best_server; },
        {"best-server sector index of each layer", nullptr, nullptr, true});
    if (!cap.layer_throughput_mbps.empty()) {
        std::vector<float> values;
        for (const Raster<float>& lt : cap.layer_throughput_mbps) {
            values.insert(values.end(), lt.values.begin(), lt.values.end());
        }
        const float fill = map_nodata;
        Id ds =
            write_array<float>(g, "layer_throughput_mbps",
                               {cap.layer_throughput_mbps.size(), static_cast<hsize_t>(grid.height),
                                static_cast<hsize_t>(grid.width)},
                               values,
                               {"peak single-user downlink throughput of each layer's best "
                                "server",
                                "Mbit/s", nullptr, true},
                               &fill, true);
        attach(ds, {dims.layer, dims.y, dims.x});
    }
    write_layer_stack<std::uint8_t>(
        g, dims, "layer_covered_indoor", maps.layers,
        [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.covered_indoor; },
        {"covered indoors by each layer: 0 no, 1 traditional buildings only, 2 all buildings",
         nullptr, nullptr, true});
    if (!maps.line_of_sight.values.empty()) {
        write_layer_stack<std::uint8_t>(
            g, dims, "layer_line_of_sight", maps.layers,
            [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.line_of_sight; },
            {"line of sight over the terrain to each layer's best server", nullptr, nullptr, true,
             "obstructed line_of_sight"});
    }
    write_layer_stack<std::uint8_t>(
        g, dims, "layer_covered", maps.layers,
        [](const LayerMaps& m) -> const Raster<std::uint8_t>& { return m.covered; },
        {"covered outdoors by each layer", nullptr, nullptr, true, "not_covered covered"});

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
        Id ds = write_array<double>(g, c.name, {c.values.size()}, c.values,
                                    {c.long_name.c_str(), c.units.c_str()});
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
    std::vector<double> sx, sy, sh, saz, stilt, spow;
    for (const Sector& s : r.sectors) {
        site_ids.push_back(s.site_id);
        sector_names.push_back(s.sector_id);
        sector_layer.push_back(static_cast<std::int32_t>(s.layer));
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
}

} // namespace

Hdf5Sink::Hdf5Sink(const std::filesystem::path& path) : file_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors become covsim::Error, not stderr dumps
    Id fcpl = check(H5Pcreate(H5P_FILE_CREATE), "file plist");
    check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "creation order");
    h5_ = Id(H5Fcreate(file_.temp_path().string().c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT));
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

void Hdf5Sink::commit() {
    h5_.reset();
    file_.commit();
}

} // namespace covsim::io
