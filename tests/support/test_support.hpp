#pragma once
// Helpers shared by covsim's tests: temporary directories, the shared reference data, small
// synthetic study areas written through GDAL, and running the covsim executable.

#include "core/district.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace covsim::test {

// ../shared/data (or $COVSIM_SHARED_DATA); empty when it does not exist.
std::filesystem::path shared_data();

// Why ../shared/data/<relative> cannot be used ("" when it can): the one check behind
// COVSIM_USES_SHARED_DATA. The message starts with shared_data_skip_tag, which tools/run-tests
// counts.
std::string shared_data_problem(const std::filesystem::path& relative);
inline constexpr const char* shared_data_skip_tag = "covsim: shared reference data missing:";

// True when $COVSIM_REQUIRE_SHARED_DATA is set to anything but "" or "0" (.ci/run sets it): a
// missing reference file then fails the test instead of skipping it.
bool shared_data_required();

// Every test that reads ../shared/data starts with this: without the file the test is skipped
// in a user's clone, and fails when COVSIM_REQUIRE_SHARED_DATA is set (CI), so that reference
// tests cannot silently vanish.
#define COVSIM_USES_SHARED_DATA(relative)                                                          \
    do {                                                                                           \
        const std::string covsim_problem_ = ::covsim::test::shared_data_problem(relative);         \
        if (!covsim_problem_.empty()) {                                                            \
            if (::covsim::test::shared_data_required()) {                                          \
                GTEST_FAIL() << covsim_problem_ << " (COVSIM_REQUIRE_SHARED_DATA is set)";         \
            }                                                                                      \
            GTEST_SKIP() << covsim_problem_;                                                       \
        }                                                                                          \
    } while (false)

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

void write_text(const std::filesystem::path& path, const std::string& text);
std::string read_text(const std::filesystem::path& path);

// A district for synthetic study areas: a polygon given as a ring of projected coordinates.
struct SyntheticDistrict {
    std::string code;
    std::string name;
    std::string type = "urban_district";
    double population = 0.0;                     // written to the `population` field when > 0
    std::vector<std::pair<double, double>> ring; // closed or not; in the file's EPSG
};

// Writes a GeoPackage with fields code, name_vi, name_ascii, type, population; epsg 0 writes a
// layer without a coordinate reference system.
void write_districts_gpkg(const std::filesystem::path& path,
                          const std::vector<SyntheticDistrict>& districts, int epsg);

// Writes a Float64 GeoTIFF with value(col, row) people per cell.
void write_population_tif(const std::filesystem::path& path, double origin_x, double origin_y,
                          double cell_size, int width, int height, int epsg,
                          const std::function<double(int, int)>& value);

// The tiny study area of the CLI and integration tests, in UTM 48N near Hanoi: districts.gpkg
// with "001" West (urban, 5000 people) on [584000, 586000] x [2326000, 2328000] and "002" East
// (rural, 3000 people) on [586000, 588000] x the same, and population.tif, 100 m cells of 12.5
// people over West and 7.5 over East (the districts' population field, scale factors 1).
// tests/cli/fixtures/sites.csv has a site at their common border (586000, 2327000).
void write_tiny_area(const std::filesystem::path& dir);

// A batch of two scenarios on the tiny area, written into `dir` with the area: good.toml
// ("tiny", tests/cli/fixtures) and dense.toml ("tiny-dense": the same layers with a second site,
// S2 at (585000, 2327500) in West, from sites_dense.csv). Returns the two scenario files'
// names, relative to `dir`.
std::vector<std::string> write_tiny_batch(const std::filesystem::path& dir);

// A whole dataset of an HDF5 file read through the HDF5 C library, converted to T (double,
// float, std::int32_t or std::uint8_t). Fails the current test when it cannot be read.
template <typename T>
std::vector<T> read_h5(const std::filesystem::path& file, const std::string& dataset);

// An attribute of an HDF5 group (e.g. "/scenario"): a string ("" when absent), an unsigned
// integer (0 when absent) or a number (NaN and a test failure when absent).
std::string h5_string_attr(const std::filesystem::path& file, const std::string& group,
                           const char* name);
double h5_number_attr(const std::filesystem::path& file, const std::string& group,
                      const char* name);
std::uint64_t h5_count_attr(const std::filesystem::path& file, const std::string& group,
                            const char* name);
// A numeric attribute of any object (a dataset, "/scenario/covered") with all its values, as
// double; empty when absent.
std::vector<double> h5_numbers_attr(const std::filesystem::path& file, const std::string& object,
                                    const char* name);

// The names of a group's members (datasets and groups), sorted; empty and a test failure when
// the group cannot be opened.
std::vector<std::string> h5_members(const std::filesystem::path& file, const std::string& group);

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the covsim executable with the arguments (no shell quoting needed), capturing output.
CommandResult run_covsim(const std::vector<std::string>& args,
                         const std::filesystem::path& working_dir = {});

// Starts the covsim executable without waiting for it; its output goes to out_path and
// err_path. Returns the process id (-1 when it cannot start).
int spawn_covsim(const std::vector<std::string>& args, const std::filesystem::path& working_dir,
                 const std::filesystem::path& out_path, const std::filesystem::path& err_path);
// Waits for a process started by spawn_covsim: its exit code, or 128 + the signal that ended it.
int wait_for(int pid);

// Runs a program found on PATH, e.g. "gdalinfo" or "/usr/bin/python3".
CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& working_dir = {});

} // namespace covsim::test
