// Inputs covsim refuses before reading them (issue 14): what GDAL reads besides the named file,
// output paths over inputs and symbolic links in the output tree, TOML shapes that would
// overflow the parser's stack, files that are not regular or too large, CSV rows wider than
// their header.

#include "core/error.hpp"
#include "io/csv_file.hpp"
#include "io/dataset_files.hpp"
#include "io/gdal_support.hpp"
#include "io/input_file.hpp"
#include "io/output_paths.hpp"
#include "io/scenario_parser.hpp"
#include "io/toml_limits.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>

using namespace covsim;
namespace fs = std::filesystem;

namespace {

template <typename F>
std::string error_of(F&& f, ErrorCode* code = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (code != nullptr) {
            *code = e.code();
        }
        return e.what();
    }
    return "";
}

std::vector<std::string> names(const std::vector<fs::path>& paths) {
    std::vector<std::string> out;
    for (const fs::path& p : paths) {
        out.push_back(p.filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// A copy of `src` written by GDAL's `driver` at `dst`.
void translate(const fs::path& src, const fs::path& dst, const char* driver) {
    io::ensure_gdal();
    GDALDatasetUniquePtr in(GDALDataset::Open(src.c_str(), GDAL_OF_READONLY));
    ASSERT_TRUE(in);
    GDALDriver* d = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(d, nullptr);
    GDALDatasetUniquePtr out(
        d->CreateCopy(dst.c_str(), in.get(), FALSE, nullptr, nullptr, nullptr));
    ASSERT_TRUE(out);
}

} // namespace

TEST(DatasetFiles, ListsAShapefilesSidecars) {
    test::TempDir dir;
    test::write_tiny_area(dir.path());
    io::ensure_gdal();
    GDALDatasetUniquePtr in(
        GDALDataset::Open((dir / "districts.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(in);
    GDALDriver* shp = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr out(shp->CreateCopy((dir / "districts.shp").c_str(), in.get(), FALSE,
                                             nullptr, nullptr, nullptr));
    ASSERT_TRUE(out);
    out.reset();
    // A layer named after the source's: the shapefile is the .shp the copy wrote.
    fs::path shp_path;
    for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
        if (e.path().extension() == ".shp") {
            shp_path = e.path();
        }
    }
    ASSERT_FALSE(shp_path.empty());
    const io::DatasetFiles files = io::dataset_files(shp_path);
    const std::vector<std::string> got = names(files.others);
    const std::string stem = shp_path.stem().string();
    for (const char* ext : {".dbf", ".shx", ".prj"}) {
        EXPECT_NE(std::find(got.begin(), got.end(), stem + ext), got.end()) << ext;
    }
    EXPECT_TRUE(files.remote.empty());
    EXPECT_TRUE(files.unlisted.empty()) << files.unlisted;
}

TEST(DatasetFiles, FollowsAVrtOfAVrtToItsSourceAndListsRemoteSources) {
    test::TempDir dir;
    test::write_tiny_area(dir.path());
    translate(dir / "population.tif", dir / "inner.vrt", "VRT");
    test::write_text(dir / "outer.vrt", R"(<VRTDataset rasterXSize="40" rasterYSize="20">
  <VRTRasterBand dataType="Float64" band="1">
    <SimpleSource>
      <SourceFilename relativeToVRT="1">inner.vrt</SourceFilename>
      <SourceBand>1</SourceBand>
    </SimpleSource>
  </VRTRasterBand>
</VRTDataset>
)");
    const io::DatasetFiles files = io::dataset_files(dir / "outer.vrt");
    EXPECT_EQ(names(files.others), (std::vector<std::string>{"inner.vrt", "population.tif"}));
    EXPECT_TRUE(files.unlisted.empty()) << files.unlisted;

    test::write_text(dir / "remote.vrt",
                     R"(<VRTDataset rasterXSize="4" rasterYSize="2">
  <VRTRasterBand dataType="Float64" band="1">
    <SimpleSource>
      <SourceFilename relativeToVRT="0">/vsicurl/http://127.0.0.1:9/p.tif</SourceFilename>
      <SourceBand>1</SourceBand>
      <SourceProperties RasterXSize="4" RasterYSize="2" DataType="Float64" BlockXSize="4" BlockYSize="2" />
    </SimpleSource>
  </VRTRasterBand>
</VRTDataset>
)");
    const io::DatasetFiles remote = io::dataset_files(dir / "remote.vrt");
    EXPECT_EQ(remote.remote, (std::vector<std::string>{"/vsicurl/http://127.0.0.1:9/p.tif"}));
    EXPECT_TRUE(io::is_remote_path("/vsizip//vsicurl/http://x/a.zip/b.tif"));
    EXPECT_FALSE(io::is_remote_path("/data/vsicurl/a.tif"));
    EXPECT_FALSE(io::is_remote_path("/vsizip/data.zip/a.tif"));
}

TEST(OutputPaths, RefusesAnOutputThatWouldReplaceAnInput) {
    test::TempDir dir;
    test::write_text(dir / "districts.gpkg", "x");
    fs::create_directories(dir / "maps" / "old");
    test::write_text(dir / "maps" / "old" / "dem.tif", "x");
    const io::OutputLayout layout{dir.path(), {"districts.gpkg", "results.h5"}, {"maps"}};
    const std::string replaced = error_of([&] {
        io::check_outputs_spare_inputs(layout, {{dir / "districts.gpkg", "districts"}}, "--out");
    });
    EXPECT_NE(replaced.find("which would replace the input"), std::string::npos) << replaced;
    // Through another spelling of the same path, and inside a tree covsim cleans.
    fs::create_directory(dir / "sub");
    EXPECT_NE(error_of([&] {
                  io::check_outputs_spare_inputs(
                      layout, {{dir / "sub" / ".." / "districts.gpkg", "districts"}}, "--out");
              }),
              "");
    EXPECT_NE(error_of([&] {
                  io::check_outputs_spare_inputs(
                      layout, {{dir / "maps" / "old" / "dem.tif", "dem"}}, "--out");
              }),
              "");
    // The .partial name a file is written under first.
    test::write_text(dir / "results.h5.partial", "x");
    EXPECT_NE(
        error_of([&] {
            io::check_outputs_spare_inputs(layout, {{dir / "results.h5.partial", "x"}}, "--out");
        }),
        "");
    // An input beside the outputs is fine.
    test::write_text(dir / "population.tif", "x");
    EXPECT_EQ(error_of([&] {
                  io::check_outputs_spare_inputs(layout, {{dir / "population.tif", "population"}},
                                                 "--out");
              }),
              "");
}

TEST(OutputPaths, RefusesASymbolicLinkInsideWhatItWrites) {
    test::TempDir dir;
    test::TempDir elsewhere;
    const io::OutputLayout layout{dir.path(), {"results.h5"}, {"maps"}};
    EXPECT_EQ(error_of([&] { io::check_no_symbolic_links(layout, "--out"); }), "");
    fs::create_directories(dir / "maps");
    fs::create_directory_symlink(elsewhere.path(), dir / "maps" / "tiny");
    const std::string in_tree = error_of([&] { io::check_no_symbolic_links(layout, "--out"); });
    EXPECT_NE(in_tree.find("is a symbolic link"), std::string::npos) << in_tree;
    fs::remove(dir / "maps" / "tiny");
    fs::create_symlink(elsewhere / "x.h5", dir / "results.h5");
    EXPECT_NE(error_of([&] { io::check_no_symbolic_links(layout, "--out"); }), "");
}

TEST(TomlLimits, RefusesHundredThousandPartKeysBeforeTheParserOverflows) {
    std::string key = "a";
    for (int i = 1; i < 100000; ++i) {
        key += ".a";
    }
    ErrorCode code{};
    const std::string dotted =
        error_of([&] { io::check_toml_limits(key + " = 1\n", "k.toml"); }, &code);
    EXPECT_EQ(code, ErrorCode::scenario);
    EXPECT_NE(dotted.find("k.toml:1:1: key 'a.a.a"), std::string::npos) << dotted;
    EXPECT_NE(dotted.find("has 100000 parts, expected at most 32"), std::string::npos) << dotted;
    // The whole parse, as covsim run and validate do it: an error, not SIGSEGV.
    EXPECT_NE(error_of([&] {
                  io::parse_scenario_text("[" + key + "]\n", "h.toml");
              }).find("h.toml:1:2: key"),
              std::string::npos);
    // Deep inline tables and arrays count their levels.
    std::string nested = "x = ";
    for (int i = 0; i < 70; ++i) {
        nested += "{a = ";
    }
    nested += "1";
    for (int i = 0; i < 70; ++i) {
        nested += "}";
    }
    EXPECT_NE(error_of([&] {
                  io::check_toml_limits(nested + "\n", "n.toml");
              }).find("nested 65 levels deep"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  io::check_toml_limits(std::string(1001, 'k') + " = 1\n", "l.toml");
              }).find("is 1001 characters long, expected at most 1000"),
              std::string::npos);
    // Dots inside strings and comments are not key parts.
    const std::string dots(500, '.');
    EXPECT_EQ(error_of([&] {
                  io::check_toml_limits("# " + dots + "\nx = \"" + dots + "\"\n'" + dots +
                                            "' = 1\n[t]\ny = ['" + dots + "', \"\"\"" + dots +
                                            "\"\"\"]\n",
                                        "ok.toml");
              }),
              "");
}

TEST(InputFile, RefusesDevicesFifosAndFilesLargerThanTheLimit) {
    test::TempDir dir;
    ErrorCode code{};
    EXPECT_EQ(error_of([&] { io::read_input_file("/dev/zero", "profile", 1000); }, &code),
              "profile '/dev/zero' is a character device, expected a regular file");
    EXPECT_EQ(code, ErrorCode::io);
    ASSERT_EQ(mkfifo((dir / "pipe").c_str(), 0600), 0);
    EXPECT_NE(error_of([&] {
                  io::read_input_file(dir / "pipe", "profile", 1000);
              }).find("is a FIFO (named pipe), expected a regular file"),
              std::string::npos);
    test::write_text(dir / "big.csv", std::string(2000, 'x'));
    EXPECT_EQ(error_of([&] { io::read_input_file(dir / "big.csv", "profile", 1000); }, &code),
              "profile '" + (dir / "big.csv").string() +
                  "' is 2000 bytes, expected at most 1000 bytes");
    EXPECT_EQ(code, ErrorCode::input_data);
    EXPECT_EQ(io::read_input_file(dir / "big.csv", "profile", 2000).size(), 2000u);
}

TEST(CsvFile, RefusesARowWiderThanItsHeaderAsGdalSplitsIt) {
    test::TempDir dir;
    // Quoted separators, doubled quotes and a quoted newline are one field each.
    test::write_text(dir / "ok.csv", "a,b,c\n1,\"x, y\",3\n\n4,\"say \"\"hi, there\"\"\",6\n"
                                     "7,\"two\nlines, here\",9\n");
    EXPECT_EQ(error_of([&] { io::check_csv_file(dir / "ok.csv", "table"); }), "");
    test::write_text(dir / "wide.csv", "a,b,c\n1,2,3\n4,Ba Dinh, Hanoi,6\n");
    ErrorCode code{};
    EXPECT_EQ(error_of([&] { io::check_csv_file(dir / "wide.csv", "table"); }, &code),
              "table '" + (dir / "wide.csv").string() +
                  "' line 3: 4 fields, the header (line 1) has 3; quote a value that contains "
                  "',' (\"Ba Dinh, Hanoi\")");
    EXPECT_EQ(code, ErrorCode::input_data);
    // Semicolons when the header has them.
    test::write_text(dir / "semi.csv", "a;b\n1;2;3\n");
    EXPECT_NE(error_of([&] { io::check_csv_file(dir / "semi.csv", "table"); })
                  .find("line 2: 3 fields, the header (line 1) has 2; quote a value that "
                        "contains ';'"),
              std::string::npos);
}
