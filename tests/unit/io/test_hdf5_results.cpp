#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/coverage.hpp"
#include "core/propagation/registry.hpp"
#include "io/gdal_support.hpp"
#include "io/hdf5_results.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

using namespace covsim;

namespace {

// A small but complete scenario result: 2 districts, 1 layer, 2 sectors.
struct Fixture {
    Scenario scenario;
    StudyArea area;
    ScenarioResult result;
    RunInfo run;

    Fixture() {
        OGRSpatialReference srs = io::make_srs();
        srs.importFromEPSG(32648);
        area.grid = aligned_grid(580000.0, 2320000.0, 583000.0, 2322000.0, 100.0, io::to_wkt(srs));
        area.population = Raster<double>(area.grid, 0.0);
        area.district_index = Raster<std::int16_t>(area.grid, no_district);
        for (std::int64_t r = 0; r < area.grid.height; ++r) {
            for (std::int64_t c = 0; c < area.grid.width; ++c) {
                if (c < 28) {
                    area.district_index.at(c, r) = c < 14 ? 0 : 1;
                    area.population.at(c, r) = 1.5 + static_cast<double>(c % 3);
                }
            }
        }
        District a;
        a.code = "001";
        a.name = "Ba Đình";
        a.name_ascii = "Ba Dinh";
        District b;
        b.code = "271";
        b.name = "Ba Vì";
        b.name_ascii = "Ba Vi";
        b.type = DistrictType::rural_district;
        area.districts = {a, b};

        scenario.name = "demo";
        scenario.source_text = "[scenario]\nname = \"demo\"\n";
        scenario.source_path = "demo.toml";

        CoverageInput in;
        in.area = &area;
        CoverageLayer l;
        l.name = "lte-1800";
        l.model = model_registry().find("free-space");
        l.frequency_mhz = 1800.0;
        l.rsrp_min_dbm = -90.0;
        in.layers.push_back(l);
        // The second site stands east of the districts, in none (outside).
        for (double x : {580500.0, 582900.0}) {
            Sector s;
            s.site_id = "S" + std::to_string(static_cast<int>(x));
            s.sector_id = "1";
            s.x_m = x;
            s.y_m = 2321000.0;
            s.power_dbm = 40.0;
            const CellIndex cell = area.grid.cell_at(s.x_m, s.y_m);
            s.district = area.district_index.at(cell.col, cell.row);
            in.sectors.push_back(s);
        }
        result.scenario = &scenario;
        result.area = &area;
        result.coverage = compute_coverage(in);
        CapacityInput cap;
        cap.coverage_input = &in;
        cap.coverage = &result.coverage;
        cap.layers.push_back({ThroughputSpec{}, 18e6, Service::mobile, "lte-1800"});
        cap.ftth = {{false, false}, {0.0, 0.0}};
        result.capacity = compute_capacity(cap);
        CostInput cost;
        cost.area = &area;
        cost.sectors = &in.sectors;
        cost.coverage = &result.coverage.districts;
        cost.capacity = &result.capacity;
        cost.layers.push_back({"lte-1800", SiteType::new_macro, Service::mobile, 40000.0, 0.0});
        cost.ftth = {{false, false}, {0.0, 0.0}};
        result.cost = compute_costs(cost);
        result.sectors = in.sectors;
        result.layers = in.layers;
        result.started_utc = "2026-11-22T00:00:00Z";
        result.finished_utc = "2026-11-22T00:00:01Z";
        run.covsim_version = "0.1.0";
        run.command_line = "covsim run demo.toml";
        run.threads = 2;
    }
};

std::string read_string_attr(hid_t obj, const char* name) {
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) {
        return "<missing>";
    }
    hid_t type = H5Aget_type(a);
    std::string out;
    if (H5Tis_variable_str(type) > 0) {
        char* s = nullptr;
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5T_CSET_UTF8);
        H5Aread(a, mem, &s);
        out = s != nullptr ? s : "";
        H5free_memory(s);
        H5Tclose(mem);
    }
    H5Tclose(type);
    H5Aclose(a);
    return out;
}

template <typename T>
std::vector<T> read_all(hid_t file, const char* path, hid_t mem_type) {
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    EXPECT_GE(ds, 0) << path;
    hid_t space = H5Dget_space(ds);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<T> v(n);
    H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Sclose(space);
    H5Dclose(ds);
    return v;
}

std::vector<hsize_t> shape(hid_t file, const char* path) {
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t space = H5Dget_space(ds);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    H5Sclose(space);
    H5Dclose(ds);
    return dims;
}

} // namespace

TEST(Hdf5Results, FileAppearsOnlyOnCommit) {
    test::TempDir dir;
    Fixture f;
    const auto path = dir / "results.h5";
    {
        io::Hdf5Sink sink(path);
        sink.write(f.result, f.run);
        EXPECT_FALSE(std::filesystem::exists(path));
        EXPECT_TRUE(std::filesystem::exists(path.string() + ".partial"));
        sink.commit();
    }
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".partial"));
}

TEST(Hdf5Results, AbandonedSinkLeavesNoFile) {
    test::TempDir dir;
    Fixture f;
    const auto path = dir / "results.h5";
    {
        io::Hdf5Sink sink(path);
        sink.write(f.result, f.run);
    } // no commit: an error happened later in the batch
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".partial"));
}

TEST(Hdf5Results, LayoutRoundTripsThroughTheHdf5Library) {
    test::TempDir dir;
    Fixture f;
    const auto path = dir / "results.h5";
    {
        io::Hdf5Sink sink(path);
        sink.write(f.result, f.run);
        sink.commit();
    }
    hid_t file = H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    EXPECT_EQ(read_all<std::int32_t>(file, "/demo/sector", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{0, 1}));
    EXPECT_EQ(read_all<std::uint8_t>(file, "/demo/sector_inside", H5T_NATIVE_UINT8),
              (std::vector<std::uint8_t>{1, 0}));

    {
        hid_t a = H5Aopen(file, "schema_version", H5P_DEFAULT);
        std::int32_t v = 0;
        H5Aread(a, H5T_NATIVE_INT32, &v);
        H5Aclose(a);
        EXPECT_EQ(v, io::results_schema_version);
    }
    hid_t g = H5Gopen2(file, "/demo", H5P_DEFAULT);
    ASSERT_GE(g, 0);
    EXPECT_EQ(read_string_attr(g, "scenario_toml"), f.scenario.source_text);
    EXPECT_EQ(read_string_attr(g, "covsim_version"), "0.1.0");
    EXPECT_EQ(read_string_attr(g, "Conventions"), "CF-1.8");
    EXPECT_EQ(read_string_attr(g, "command_line"), "covsim run demo.toml");

    const Grid& grid = f.area.grid;
    const auto dims = shape(file, "/demo/rsrp_dbm");
    ASSERT_EQ(dims.size(), 2u);
    EXPECT_EQ(dims[0], static_cast<hsize_t>(grid.height));
    EXPECT_EQ(dims[1], static_cast<hsize_t>(grid.width));
    EXPECT_EQ(read_all<float>(file, "/demo/rsrp_dbm", H5T_NATIVE_FLOAT),
              f.result.coverage.maps.rsrp_dbm.values);
    EXPECT_EQ(read_all<std::uint8_t>(file, "/demo/covered", H5T_NATIVE_UINT8),
              f.result.coverage.maps.covered.values);
    EXPECT_EQ(read_all<double>(file, "/demo/cell_population", H5T_NATIVE_DOUBLE),
              f.area.population.values);
    const auto xs = read_all<double>(file, "/demo/x", H5T_NATIVE_DOUBLE);
    const auto ys = read_all<double>(file, "/demo/y", H5T_NATIVE_DOUBLE);
    EXPECT_DOUBLE_EQ(xs.front(), grid.center_x_m(0));
    EXPECT_DOUBLE_EQ(ys.front(), grid.center_y_m(0)); // north first
    EXPECT_GT(ys.front(), ys.back());
    EXPECT_EQ(shape(file, "/demo/layer_covered")[0], 1u);

    // Dimension scales: x and y are attached to the maps, district to the district variables.
    hid_t rsrp = H5Dopen2(file, "/demo/rsrp_dbm", H5P_DEFAULT);
    hid_t x = H5Dopen2(file, "/demo/x", H5P_DEFAULT);
    hid_t y = H5Dopen2(file, "/demo/y", H5P_DEFAULT);
    EXPECT_GT(H5DSis_attached(rsrp, y, 0), 0);
    EXPECT_GT(H5DSis_attached(rsrp, x, 1), 0);
    EXPECT_EQ(read_string_attr(rsrp, "units"), "dBm");
    EXPECT_EQ(read_string_attr(rsrp, "grid_mapping"), "crs");
    {
        hid_t a = H5Aopen(rsrp, "_FillValue", H5P_DEFAULT);
        float fill = 0;
        H5Aread(a, H5T_NATIVE_FLOAT, &fill);
        H5Aclose(a);
        EXPECT_FLOAT_EQ(fill, map_nodata);
    }
    H5Dclose(rsrp);
    H5Dclose(x);
    H5Dclose(y);

    hid_t pop = H5Dopen2(file, "/demo/population", H5P_DEFAULT);
    hid_t district = H5Dopen2(file, "/demo/district", H5P_DEFAULT);
    EXPECT_GT(H5DSis_attached(pop, district, 0), 0);
    H5Dclose(pop);
    H5Dclose(district);
    const auto population = read_all<double>(file, "/demo/population", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(population.size(), 2u);
    EXPECT_DOUBLE_EQ(population[0], f.result.coverage.districts[0].population);
    EXPECT_DOUBLE_EQ(population[1], f.result.coverage.districts[1].population);
    const auto share = read_all<double>(file, "/demo/covered_share", H5T_NATIVE_DOUBLE);
    EXPECT_DOUBLE_EQ(share[1], f.result.coverage.districts[1].covered_share());
    const auto served = read_all<double>(file, "/demo/served_population", H5T_NATIVE_DOUBLE);
    EXPECT_DOUBLE_EQ(served[0], f.result.capacity.districts[0].served_population);
    const auto cost =
        read_all<double>(file, "/demo/cost_per_subscriber_usd_per_month", H5T_NATIVE_DOUBLE);
    EXPECT_DOUBLE_EQ(cost[1], f.result.cost.districts[1].per_subscriber_usd_per_month);
    EXPECT_EQ(read_all<std::uint8_t>(file, "/demo/served", H5T_NATIVE_UINT8),
              f.result.capacity.served.values);
    EXPECT_EQ(read_all<double>(file, "/demo/sector_load", H5T_NATIVE_DOUBLE).size(), 2u);

    {
        hid_t names = H5Dopen2(file, "/demo/name", H5P_DEFAULT);
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5T_CSET_UTF8);
        std::vector<char*> v(2);
        H5Dread(names, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        EXPECT_STREQ(v[0], "Ba Đình");
        EXPECT_STREQ(v[1], "Ba Vì");
        hid_t space = H5Dget_space(names);
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, v.data());
        H5Sclose(space);
        H5Tclose(mem);
        H5Dclose(names);
    }

    hid_t crs = H5Dopen2(file, "/demo/crs", H5P_DEFAULT);
    EXPECT_EQ(read_string_attr(crs, "grid_mapping_name"), "transverse_mercator");
    EXPECT_EQ(read_string_attr(crs, "epsg_code"), "EPSG:32648");
    {
        hid_t a = H5Aopen(crs, "longitude_of_central_meridian", H5P_DEFAULT);
        double lon0 = 0;
        H5Aread(a, H5T_NATIVE_DOUBLE, &lon0);
        H5Aclose(a);
        EXPECT_DOUBLE_EQ(lon0, 105.0);
    }
    H5Dclose(crs);
    H5Gclose(g);
    H5Fclose(file);
}
