// io::ResultsFile on files written here with the HDF5 C API: scenario groups at any depth, in
// creation order; fixed- and variable-length strings; district variables found by their
// dimension; files that are not covsim results.

#include "core/error.hpp"
#include "io/results_reader.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

namespace fs = std::filesystem;
using covsim::Error;
using covsim::ErrorCode;
using covsim::io::ResultsFile;

namespace {

hid_t creation_ordered(hid_t plist) {
    H5Pset_link_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    return plist;
}

void string_attr(hid_t obj, const char* name, const std::string& value, bool variable = true) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, variable ? H5T_VARIABLE : value.size());
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (variable) {
        const char* p = value.c_str();
        H5Awrite(a, type, &p);
    } else {
        H5Awrite(a, type, value.data());
    }
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
}

void number_attr(hid_t obj, const char* name, double value) {
    const hsize_t one = 1;
    const hid_t space = H5Screate_simple(1, &one, nullptr);
    const hid_t a = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &value);
    H5Aclose(a);
    H5Sclose(space);
}

hid_t group(hid_t file, const char* path) {
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    const hid_t gcpl = creation_ordered(H5Pcreate(H5P_GROUP_CREATE));
    const hid_t g = H5Gcreate2(file, path, lcpl, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    H5Pclose(lcpl);
    return g;
}

// A district dimension of fixed-length codes and one float64 variable along it, plus a
// float64 variable along another dimension that is not a district variable.
void districts(hid_t g, const std::vector<double>& covered) {
    const hsize_t n = 2;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t code_type = H5Tcopy(H5T_C_S1);
    H5Tset_size(code_type, 3);
    const hid_t codes =
        H5Dcreate2(g, "district", code_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(codes, code_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, "001002");
    H5DSset_scale(codes, "district");
    const hid_t var = H5Dcreate2(g, "covered_population", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(var, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, covered.data());
    H5DSattach_scale(var, codes, 0);
    string_attr(var, "units", "1");
    const hid_t other = H5Dcreate2(g, "frequency_mhz", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(other, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, covered.data());
    H5Dclose(other);
    H5Dclose(var);
    H5Dclose(codes);
    H5Tclose(code_type);
    H5Sclose(space);
}

} // namespace

TEST(ResultsReader, FindsScenarioGroupsAtAnyDepthInCreationOrder) {
    covsim::test::TempDir dir;
    const fs::path path = dir / "results.h5";
    const hid_t fcpl = creation_ordered(H5Pcreate(H5P_FILE_CREATE));
    const hid_t f = H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Pclose(fcpl);
    number_attr(f, "schema_version", 1.0);
    // "zeta" first, then a sweep whose parent group is not a scenario, then "alpha": creation
    // order, not name order.
    for (const char* name : {"zeta", "sweep/isd=400,power=46", "sweep/isd=800,power=46", "alpha"}) {
        const hid_t g = group(f, name);
        string_attr(g, "scenario", name);
        string_attr(g, "git_commit", "abc123", false); // fixed-length
        number_attr(g, "city_covered_population", 7.5);
        districts(g, {1.0, 2.0});
        H5Gclose(g);
    }
    H5Fclose(f);

    const ResultsFile file(path);
    EXPECT_EQ(file.schema_version(), 1);
    std::vector<std::string> names;
    for (const auto& g : file.scenarios()) {
        names.push_back(g.path);
        EXPECT_EQ(g.name, g.path);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"zeta", "sweep/isd=400,power=46",
                                               "sweep/isd=800,power=46", "alpha"}));
    const auto& variant = file.scenario("sweep/isd=800,power=46");
    EXPECT_EQ(variant.text("git_commit"), "abc123");
    EXPECT_DOUBLE_EQ(variant.number("city_covered_population"), 7.5);
    EXPECT_TRUE(std::isnan(variant.number("absent")));
    EXPECT_EQ(variant.text("absent"), "");

    const auto table = file.districts(variant);
    EXPECT_EQ(table.codes, (std::vector<std::string>{"001", "002"}));
    ASSERT_EQ(table.variables.size(), 1u); // frequency_mhz is not along `district`
    EXPECT_EQ(table.variables[0].name, "covered_population");
    EXPECT_EQ(table.variables[0].units, "1");
    EXPECT_EQ(table.variables[0].values, (std::vector<double>{1.0, 2.0}));
    EXPECT_EQ(table.names, (std::vector<std::string>{"", ""})); // absent: empty, one per district

    try {
        (void)file.scenario("sweep");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::usage);
        EXPECT_NE(std::string(e.what()).find(
                      "its scenarios are: zeta, sweep/isd=400,power=46, sweep/isd=800,power=46, "
                      "alpha"),
                  std::string::npos)
            << e.what();
    }
}

TEST(ResultsReader, RejectsFilesThatAreNotCovsimResults) {
    covsim::test::TempDir dir;
    auto message = [](const fs::path& p) {
        try {
            ResultsFile file(p);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::io);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(dir / "absent.h5").find("does not exist"), std::string::npos);
    covsim::test::write_text(dir / "text.h5", "not hdf5");
    EXPECT_NE(message(dir / "text.h5").find("is not an HDF5 file"), std::string::npos);

    const fs::path plain = dir / "plain.h5";
    H5Fclose(H5Fcreate(plain.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    EXPECT_NE(message(plain).find("no root attribute 'schema_version'"), std::string::npos);

    const fs::path newer = dir / "newer.h5";
    const hid_t f = H5Fcreate(newer.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    number_attr(f, "schema_version", 99.0);
    H5Fclose(f);
    EXPECT_NE(message(newer).find("has schema_version 99, this covsim reads up to 1"),
              std::string::npos)
        << message(newer);
}
