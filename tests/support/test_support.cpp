#include "support/test_support.hpp"

#include "io/hdf5_handle.hpp"
#include "test_config.hpp"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <ogrsf_frmts.h>
#include <random>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/wait.h>
#include <type_traits>
#include <unistd.h>

extern char** environ;

namespace covsim::test {

std::filesystem::path shared_data() {
    const char* env = std::getenv("COVSIM_SHARED_DATA");
    std::filesystem::path p = env != nullptr ? env : shared_data_dir;
    std::error_code ec;
    return std::filesystem::is_directory(p, ec) ? p : std::filesystem::path();
}

std::string shared_data_problem(const std::filesystem::path& relative) {
    const char* env = std::getenv("COVSIM_SHARED_DATA");
    const std::filesystem::path root = env != nullptr ? env : shared_data_dir;
    const std::filesystem::path dir = shared_data();
    std::error_code ec;
    if (!dir.empty() && std::filesystem::exists(dir / relative, ec)) {
        return {};
    }
    return std::string(shared_data_skip_tag) + " '" + relative.string() + "' not found in '" +
           root.string() + "' (set COVSIM_SHARED_DATA to the folder holding it)";
}

bool shared_data_required() {
    const char* env = std::getenv("COVSIM_REQUIRE_SHARED_DATA");
    return env != nullptr && std::string_view(env) != "" && std::string_view(env) != "0";
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("covsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(rd() % 100000));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_districts_gpkg(const std::filesystem::path& path,
                          const std::vector<SyntheticDistrict>& districts, int epsg) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
        throw std::runtime_error("cannot create " + path.string());
    }
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    OGRLayer* layer = ds->CreateLayer("districts", epsg > 0 ? &srs : nullptr, wkbPolygon, nullptr);
    for (const char* f : {"code", "name_vi", "name_ascii", "type"}) {
        OGRFieldDefn def(f, OFTString);
        layer->CreateField(&def);
    }
    OGRFieldDefn pop("population", OFTReal);
    layer->CreateField(&pop);
    for (const SyntheticDistrict& d : districts) {
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("code", d.code.c_str());
        feature.SetField("name_vi", d.name.c_str());
        feature.SetField("name_ascii", d.name.c_str());
        feature.SetField("type", d.type.c_str());
        if (d.population > 0) {
            feature.SetField("population", d.population);
        }
        OGRLinearRing ring;
        for (const auto& [x, y] : d.ring) {
            ring.addPoint(x, y);
        }
        ring.closeRings();
        OGRPolygon poly;
        poly.addRing(&ring);
        feature.SetGeometry(&poly);
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
            throw std::runtime_error("cannot write a district to " + path.string());
        }
    }
}

void write_population_tif(const std::filesystem::path& path, double origin_x, double origin_y,
                          double cell_size, int width, int height, int epsg,
                          const std::function<double(int, int)>& value) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(
        drv->Create(path.string().c_str(), width, height, 1, GDT_Float64, nullptr));
    double gt[6] = {origin_x, cell_size, 0, origin_y, 0, -cell_size};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    ds->SetSpatialRef(&srs);
    std::vector<double> v(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    for (int r = 0; r < height; ++r) {
        for (int c = 0; c < width; ++c) {
            v[static_cast<std::size_t>(r) * static_cast<std::size_t>(width) +
              static_cast<std::size_t>(c)] = value(c, r);
        }
    }
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, width, height, v.data(), width, height,
                                       GDT_Float64, 0, 0) != CE_None) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

void write_tiny_area(const std::filesystem::path& dir) {
    auto square = [](double x, double y, double side) {
        return std::vector<std::pair<double, double>>{
            {x, y}, {x, y + side}, {x + side, y + side}, {x + side, y}, {x, y}};
    };
    write_districts_gpkg(dir / "districts.gpkg",
                         {{"001", "West", "urban_district", 5000.0, square(584000, 2326000, 2000)},
                          {"002", "East", "rural_district", 3000.0, square(586000, 2326000, 2000)}},
                         32648);
    // 12.5 people per cell in West, 7.5 in East: the raster agrees with the population field.
    write_population_tif(dir / "population.tif", 584000.0, 2328000.0, 100.0, 40, 20, 32648,
                         [](int col, int) { return col < 20 ? 12.5 : 7.5; });
}

std::vector<std::string> write_tiny_batch(const std::filesystem::path& dir) {
    write_tiny_area(dir);
    const std::filesystem::path fixtures =
        std::filesystem::path(source_dir) / "tests" / "cli" / "fixtures";
    std::filesystem::copy_file(fixtures / "good.toml", dir / "good.toml",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(fixtures / "sites.csv", dir / "sites.csv",
                               std::filesystem::copy_options::overwrite_existing);
    std::string dense = read_text(fixtures / "good.toml");
    auto replace = [&](const std::string& from, const std::string& to) {
        for (auto at = dense.find(from); at != std::string::npos; at = dense.find(from, at)) {
            dense.replace(at, from.size(), to);
            at += to.size();
        }
    };
    replace("name = \"tiny\"", "name = \"tiny-dense\"");
    replace("sites = \"sites.csv\"", "sites = \"sites_dense.csv\"");
    write_text(dir / "dense.toml", dense);
    std::string sites = read_text(fixtures / "sites.csv");
    // S2 at (585000, 2327500) in EPSG:32648.
    for (const char* layer : {"lte-1800", "nr-n78"}) {
        for (int sector = 1; sector <= 3; ++sector) {
            sites += "S2," + std::to_string(sector) + "," + layer +
                     ",105.818099811389,21.0463927023924,30," + std::to_string((sector - 1) * 120) +
                     ",4,46\n";
        }
    }
    write_text(dir / "sites_dense.csv", sites);
    return {"good.toml", "dense.toml"};
}

template <typename T>
std::vector<T> read_h5(const std::filesystem::path& file, const std::string& dataset) {
    const hid_t memory_type = io::h5::memory_type<T>();
    std::vector<T> values;
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT_GE(f, 0) << file;
    if (f < 0) {
        return values;
    }
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    EXPECT_GE(d, 0) << dataset;
    if (d >= 0) {
        const hid_t space = H5Dget_space(d);
        values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
        EXPECT_GE(H5Dread(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0)
            << dataset;
        H5Sclose(space);
        H5Dclose(d);
    }
    H5Fclose(f);
    return values;
}

template std::vector<double> read_h5(const std::filesystem::path&, const std::string&);
template std::vector<float> read_h5(const std::filesystem::path&, const std::string&);
template std::vector<std::int32_t> read_h5(const std::filesystem::path&, const std::string&);
template std::vector<std::uint8_t> read_h5(const std::filesystem::path&, const std::string&);

std::string h5_string_attr(const std::filesystem::path& file, const std::string& group,
                           const char* name) {
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    std::string value;
    if (H5Aexists_by_name(f, group.c_str(), name, H5P_DEFAULT) > 0) {
        const hid_t a = H5Aopen_by_name(f, group.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
        const hid_t t = H5Aget_type(a);
        if (H5Tis_variable_str(t) > 0) {
            char* text = nullptr;
            H5Aread(a, t, &text);
            value = text;
            H5free_memory(text);
        } else {
            value.resize(H5Tget_size(t));
            H5Aread(a, t, value.data());
            value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
        }
        H5Tclose(t);
        H5Aclose(a);
    }
    H5Fclose(f);
    return value;
}

std::vector<std::string> h5_members(const std::filesystem::path& file, const std::string& group) {
    std::vector<std::string> names;
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t g = f >= 0 ? H5Gopen2(f, group.c_str(), H5P_DEFAULT) : -1;
    EXPECT_GE(g, 0) << file << " " << group;
    if (g >= 0) {
        H5Literate(
            g, H5_INDEX_NAME, H5_ITER_INC, nullptr,
            [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                return 0;
            },
            &names);
        H5Gclose(g);
    }
    if (f >= 0) {
        H5Fclose(f);
    }
    return names;
}

double h5_number_attr(const std::filesystem::path& file, const std::string& group,
                      const char* name) {
    double v = std::nan("");
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t a = H5Aopen_by_name(f, group.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << group << " " << name;
    if (a >= 0) {
        H5Aread(a, H5T_NATIVE_DOUBLE, &v);
        H5Aclose(a);
    }
    H5Fclose(f);
    return v;
}

std::uint64_t h5_count_attr(const std::filesystem::path& file, const std::string& group,
                            const char* name) {
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    std::uint64_t value = 0;
    if (H5Aexists_by_name(f, group.c_str(), name, H5P_DEFAULT) > 0) {
        const hid_t a = H5Aopen_by_name(f, group.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
        H5Aread(a, H5T_NATIVE_UINT64, &value);
        H5Aclose(a);
    }
    H5Fclose(f);
    return value;
}

std::vector<double> h5_numbers_attr(const std::filesystem::path& file, const std::string& object,
                                    const char* name) {
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    std::vector<double> values;
    if (H5Aexists_by_name(f, object.c_str(), name, H5P_DEFAULT) > 0) {
        const hid_t a = H5Aopen_by_name(f, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
        const hid_t space = H5Aget_space(a);
        values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
        H5Aread(a, H5T_NATIVE_DOUBLE, values.data());
        H5Sclose(space);
        H5Aclose(a);
    }
    H5Fclose(f);
    return values;
}

CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& working_dir) {
    // Output goes to files: two pipes read one after the other could dead-lock.
    TempDir io_dir;
    const std::string out_path = (io_dir / "out").string();
    const std::string err_path = (io_dir / "err").string();

    std::vector<std::string> argv_s = {program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    const std::string cwd = working_dir.empty() ? std::string() : working_dir.string();
    if (!cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    CommandResult result;
    if (rc != 0) {
        result.err = "cannot start " + program;
        return result;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_text(out_path);
    result.err = read_text(err_path);
    return result;
}

int spawn_covsim(const std::vector<std::string>& args, const std::filesystem::path& working_dir,
                 const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
    std::vector<std::string> argv_s = {COVSIM_EXECUTABLE};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    const std::string cwd = working_dir.string();
    if (!cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv_s[0].c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

int wait_for(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult run_covsim(const std::vector<std::string>& args,
                         const std::filesystem::path& working_dir) {
    return run_program(COVSIM_EXECUTABLE, args, working_dir);
}

} // namespace covsim::test
