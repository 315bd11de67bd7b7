// Reading results back: covsim info, compare and export on a real run of the tiny batch (two
// scenarios), values checked against the HDF5 library; nested scenario groups (the variants of a
// sweep) and the documented errors.

#include "io/sha256.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <map>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>
#include <sstream>

namespace fs = std::filesystem;
using covsim::test::h5_number_attr;
using covsim::test::h5_string_attr;
using covsim::test::read_h5;
using covsim::test::run_covsim;

namespace {

// Moves group `from` of `file` to `to` (intermediate groups created), sets its scenario
// attribute to `to` without the leading '/', and when `codes` is not empty overwrites its district
// codes. (A move, not H5Ocopy: HDF5 1.10's H5Ocopy crashes on groups with dense attribute storage.)
void move_group(const fs::path& file, const std::string& from, const std::string& to,
                const std::vector<std::string>& codes = {}) {
    const hid_t f = H5Fopen(file.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    ASSERT_GE(H5Lmove(f, from.c_str(), f, to.c_str(), lcpl, H5P_DEFAULT), 0);
    H5Pclose(lcpl);
    const hid_t g = H5Gopen2(f, to.c_str(), H5P_DEFAULT);
    H5Adelete(g, "scenario");
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(g, "scenario", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const std::string scenario = to.substr(to.front() == '/' ? 1 : 0); // as covsim names it
    const char* name = scenario.c_str();
    H5Awrite(a, type, &name);
    H5Aclose(a);
    if (!codes.empty()) {
        const hid_t ds = H5Dopen2(g, "district", H5P_DEFAULT);
        std::vector<const char*> ptrs;
        for (const auto& c : codes) {
            ptrs.push_back(c.c_str());
        }
        ASSERT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), 0);
        H5Dclose(ds);
    }
    H5Sclose(space);
    H5Tclose(type);
    H5Gclose(g);
    H5Fclose(f);
}

// The CSV as rows of fields (no quoted commas in these files' numeric columns).
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
    std::istringstream in(covsim::test::read_text(path));
    std::string line;
    std::getline(in, line);
    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::string field;
        bool quoted = false;
        for (char c : s) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.push_back(field);
                field.clear();
            } else {
                field += c;
            }
        }
        out.push_back(field);
        return out;
    };
    const auto header = split(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        const auto fields = split(line);
        EXPECT_EQ(fields.size(), header.size()) << line;
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) {
            row[header[i]] = fields[i];
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

class Readout : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new covsim::test::TempDir();
        auto args = covsim::test::write_tiny_batch(dir_->path());
        args.insert(args.begin(), "run");
        for (const char* a : {"--out", "out", "-q"}) {
            args.emplace_back(a);
        }
        const auto r = run_covsim(args, dir_->path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static fs::path dir() { return dir_->path(); }
    static fs::path results() { return dir_->path() / "out" / "results.h5"; }

    static covsim::test::TempDir* dir_;
};

covsim::test::TempDir* Readout::dir_ = nullptr;

} // namespace

TEST_F(Readout, InfoJsonHasProvenanceAndHeadlinesOfEveryScenario) {
    const auto r = run_covsim({"info", results().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["schema_version"], 1);
    ASSERT_EQ(j["scenarios"].size(), 2u);
    const auto& s = j["scenarios"][1];
    EXPECT_EQ(s["name"], "tiny-dense");
    EXPECT_EQ(s["group"], "/tiny-dense");
    EXPECT_EQ(s["scenario_file"], h5_string_attr(results(), "/tiny-dense", "scenario_file"));
    EXPECT_EQ(s["command_line"], h5_string_attr(results(), "/tiny-dense", "command_line"));
    EXPECT_NE(s["command_line"].get<std::string>().find("run good.toml dense.toml"),
              std::string::npos);
    EXPECT_EQ(s["covsim_version"], h5_string_attr(results(), "/tiny-dense", "covsim_version"));
    EXPECT_EQ(s["git_commit"], h5_string_attr(results(), "/tiny-dense", "git_commit"));
    EXPECT_EQ(s["started_utc"], h5_string_attr(results(), "/tiny-dense", "started_utc"));
    EXPECT_EQ(s["finished_utc"], h5_string_attr(results(), "/tiny-dense", "finished_utc"));
    EXPECT_GE(s["threads"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(s["elapsed_s"].get<double>(),
                     h5_number_attr(results(), "/tiny-dense", "elapsed_s"));
    // Every input_<role> attribute, by role.
    std::map<std::string, std::string> inputs;
    for (const auto& in : s["inputs"]) {
        inputs[in["role"]] = in["path"];
    }
    EXPECT_EQ(inputs["scenario"], "dense.toml");
    EXPECT_EQ(inputs["districts"], h5_string_attr(results(), "/tiny-dense", "input_districts"));
    EXPECT_EQ(inputs["sites_lte-1800"], "sites_dense.csv");
    EXPECT_EQ(inputs["sites_nr-n78"], "sites_dense.csv");
    const auto& h = s["headline"];
    for (const char* v :
         {"population", "covered_population", "covered_share", "covered_indoor_population",
          "covered_indoor_share", "served_population", "served_share",
          "cost_per_subscriber_usd_per_month", "affordability_share_of_gni"}) {
        SCOPED_TRACE(v);
        EXPECT_DOUBLE_EQ(h[v].get<double>(), h5_number_attr(results(), "/tiny-dense",
                                                            (std::string("city_") + v).c_str()));
    }
    EXPECT_NEAR(h["population"].get<double>(), 8000.0, 1e-6);
    EXPECT_EQ(h["affordable"].get<bool>(),
              h5_number_attr(results(), "/tiny-dense", "city_affordable") > 0.5);
}

TEST_F(Readout, InfoTextPrintsInputsChecksumsAndHeadlines) {
    // A copy of the results with the attributes another branch adds: sha256_<role> per input
    // and input_checksum; info prints whatever sha256_* attributes exist.
    const fs::path copy = dir() / "with_checksums.h5";
    fs::copy_file(results(), copy, fs::copy_options::overwrite_existing);
    {
        const hid_t f = H5Fopen(copy.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t g = H5Gopen2(f, "/tiny", H5P_DEFAULT);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hid_t space = H5Screate(H5S_SCALAR);
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"sha256_scenario", std::string(64, 'a')},
                 {"sha256_population", std::string(64, 'b')},
                 {"input_checksum", std::string(64, 'c')}}) {
            // A run records the real checksums: replace them with recognisable values.
            if (H5Aexists(g, name.c_str()) > 0) {
                H5Adelete(g, name.c_str());
            }
            const hid_t a = H5Acreate2(g, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
            const char* p = value.c_str();
            H5Awrite(a, type, &p);
            H5Aclose(a);
        }
        H5Sclose(space);
        H5Tclose(type);
        H5Gclose(g);
        H5Fclose(f);
    }
    const auto r = run_covsim({"info", copy.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 scenarios"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sha256 " + std::string(64, 'a')), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sha256 " + std::string(64, 'b')), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("input checksum " + std::string(64, 'c')), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sites_nr-n78"), std::string::npos) << r.out;
    const double covered = h5_number_attr(copy, "/tiny", "city_covered_share");
    EXPECT_NE(r.out.find(fmt::format("({:.1f} %)", 100.0 * covered)), std::string::npos) << r.out;
    const double cost = h5_number_attr(copy, "/tiny", "city_cost_per_subscriber_usd_per_month");
    EXPECT_NE(r.out.find(fmt::format("cost           {:.2f} USD per subscriber", cost)),
              std::string::npos)
        << r.out;

    const auto j = nlohmann::json::parse(run_covsim({"info", copy.string(), "--json"}).out);
    EXPECT_EQ(j["scenarios"][0]["input_checksum"], std::string(64, 'c'));
    std::map<std::string, nlohmann::json> sha;
    for (const auto& in : j["scenarios"][0]["inputs"]) {
        sha[in["role"]] = in["sha256"];
    }
    EXPECT_EQ(sha["scenario"], std::string(64, 'a'));
    EXPECT_EQ(sha["population"], std::string(64, 'b'));
    // Attributes left as the run wrote them: the real SHA-256 of the file.
    const fs::path districts = h5_string_attr(copy, "/tiny", "input_districts");
    EXPECT_EQ(sha["districts"],
              covsim::io::sha256_file(districts.is_absolute() ? districts : dir() / districts));
}

TEST_F(Readout, CompareWritesTheChangeAgainstTheBasePerDistrict) {
    const fs::path csv = dir() / "compare.csv";
    const auto r = run_covsim({"compare", results().string(), "--out", csv.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("tiny-dense  against  tiny"), std::string::npos) << r.out;
    const auto rows = read_csv(csv);
    ASSERT_EQ(rows.size(), 3u); // the city, then 2 districts
    EXPECT_EQ(rows[0].at("level"), "city");
    EXPECT_EQ(rows[0].at("scenario"), "tiny-dense");
    EXPECT_EQ(rows[0].at("base"), "tiny");
    EXPECT_EQ(rows[1].at("code"), "001");
    EXPECT_EQ(rows[1].at("name"), "West");
    EXPECT_EQ(rows[2].at("code"), "002");
    const auto base_cov = read_h5<double>(results(), "/tiny/covered_population");
    const auto dense_cov = read_h5<double>(results(), "/tiny-dense/covered_population");
    const auto base_srv = read_h5<double>(results(), "/tiny/served_population");
    const auto dense_srv = read_h5<double>(results(), "/tiny-dense/served_population");
    const auto base_cost = read_h5<double>(results(), "/tiny/cost_per_subscriber_usd_per_month");
    const auto dense_cost =
        read_h5<double>(results(), "/tiny-dense/cost_per_subscriber_usd_per_month");
    for (std::size_t d = 0; d < 2; ++d) {
        const auto& row = rows[d + 1];
        EXPECT_NEAR(std::stod(row.at("covered_population_base")), base_cov[d], 0.5);
        EXPECT_NEAR(std::stod(row.at("covered_population")), dense_cov[d], 0.5);
        EXPECT_NEAR(std::stod(row.at("covered_population_change")), dense_cov[d] - base_cov[d],
                    0.5);
        EXPECT_NEAR(std::stod(row.at("served_population_change")), dense_srv[d] - base_srv[d], 0.5);
        EXPECT_NEAR(std::stod(row.at("cost_per_subscriber_usd_per_month_change")),
                    dense_cost[d] - base_cost[d], 5e-5);
    }
    // A second site in West costs money: West's cost per subscriber rises, the city's too.
    EXPECT_GT(dense_cost[0], base_cost[0]);
    EXPECT_NEAR(std::stod(rows[0].at("cost_per_subscriber_usd_per_month_change")),
                h5_number_attr(results(), "/tiny-dense", "city_cost_per_subscriber_usd_per_month") -
                    h5_number_attr(results(), "/tiny", "city_cost_per_subscriber_usd_per_month"),
                5e-5);
    EXPECT_GT(std::stod(rows[0].at("cost_per_subscriber_usd_per_month_change")), 0.0);
    EXPECT_NEAR(std::stod(rows[0].at("served_population_change")),
                h5_number_attr(results(), "/tiny-dense", "city_served_population") -
                    h5_number_attr(results(), "/tiny", "city_served_population"),
                0.5);
}

TEST_F(Readout, CompareFindsNestedVariantsAndTakesAnyBase) {
    // A sweep's variants are nested groups /<scenario>/<label>=<value>,...
    const fs::path copy = dir() / "nested.h5";
    fs::copy_file(results(), copy, fs::copy_options::overwrite_existing);
    move_group(copy, "/tiny-dense", "/sweep/isd=400,power=46");
    const fs::path csv = dir() / "nested.csv";
    const auto r = run_covsim(
        {"compare", copy.string(), "--base", "sweep/isd=400,power=46", "--out", csv.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = read_csv(csv);
    ASSERT_EQ(rows.size(), 3u); // tiny against the variant: the city and 2 districts
    EXPECT_EQ(rows[0].at("scenario"), "tiny");
    EXPECT_EQ(rows[0].at("base"), "sweep/isd=400,power=46");
    const auto base_cost = read_h5<double>(results(), "/tiny/cost_per_subscriber_usd_per_month");
    const auto dense_cost =
        read_h5<double>(results(), "/tiny-dense/cost_per_subscriber_usd_per_month");
    EXPECT_NEAR(std::stod(rows[1].at("cost_per_subscriber_usd_per_month_change")),
                base_cost[0] - dense_cost[0], 5e-5);
    EXPECT_LT(std::stod(rows[1].at("cost_per_subscriber_usd_per_month_change")), 0.0);

    const auto info = nlohmann::json::parse(run_covsim({"info", copy.string(), "--json"}).out);
    ASSERT_EQ(info["scenarios"].size(), 2u);
    EXPECT_EQ(info["scenarios"][1]["name"], "sweep/isd=400,power=46");
    EXPECT_EQ(info["scenarios"][1]["group"], "/sweep/isd=400,power=46");
    EXPECT_EQ(info["scenarios"][1]["scenario_file"], "dense.toml");
}

TEST_F(Readout, CompareRejectsAnUnknownBaseListingTheNames) {
    const auto r = run_covsim({"compare", results().string(), "--base", "tiny-sparse", "--out",
                               (dir() / "x.csv").string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--base \"tiny-sparse\" is not a scenario of"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the scenarios are: tiny, tiny-dense"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir() / "x.csv"));
}

TEST_F(Readout, CompareRejectsScenariosWithOtherDistricts) {
    const fs::path other = dir() / "other_area.h5";
    fs::copy_file(results(), other, fs::copy_options::overwrite_existing);
    move_group(other, "/tiny-dense", "/elsewhere", {"001", "003"});
    const auto r = run_covsim(
        {"compare", results().string(), other.string(), "--out", (dir() / "y.csv").string()});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("scenario \"elsewhere\" cannot be compared with the base"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("lacks district 002; has district 003 that the base has not"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir() / "y.csv"));
}

TEST_F(Readout, ReadersRejectFilesThatAreNotResults) {
    const auto missing = run_covsim({"info", (dir() / "nope.h5").string()});
    EXPECT_EQ(missing.exit_code, 5);
    EXPECT_NE(missing.err.find("nope.h5' does not exist"), std::string::npos) << missing.err;
    const auto text = run_covsim({"compare", (dir() / "good.toml").string()});
    EXPECT_EQ(text.exit_code, 5);
    EXPECT_NE(text.err.find("good.toml' is not an HDF5 file"), std::string::npos) << text.err;
}

TEST_F(Readout, ExportWritesTheLongTableAndOneGeoPackageLayer) {
    const fs::path out = dir() / "export";
    const auto r = run_covsim({"export", results().string(), "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = read_csv(out / "district_results.csv");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].at("scenario"), "tiny");
    EXPECT_EQ(rows[2].at("scenario"), "tiny-dense");
    EXPECT_EQ(rows[3].at("code"), "002");
    EXPECT_EQ(rows[3].at("name"), "East");
    EXPECT_EQ(rows[3].at("type"), "rural_district");
    const auto dense_served = read_h5<double>(results(), "/tiny-dense/served_population");
    const auto dense_cost =
        read_h5<double>(results(), "/tiny-dense/cost_per_subscriber_usd_per_month");
    EXPECT_DOUBLE_EQ(std::stod(rows[3].at("served_population")), dense_served[1]);
    EXPECT_DOUBLE_EQ(std::stod(rows[2].at("cost_per_subscriber_usd_per_month")), dense_cost[0]);
    EXPECT_TRUE(rows[0].count("cheapest_mix"));
    EXPECT_TRUE(rows[0].count("affordability_share_of_gni"));

    GDALAllRegister();
    GDALDatasetUniquePtr ds(
        GDALDataset::Open((out / "district_results.gpkg").string().c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(ds);
    ASSERT_EQ(ds->GetLayerCount(), 1);
    OGRLayer* layer = ds->GetLayer(0);
    EXPECT_STREQ(layer->GetName(), "district_results");
    EXPECT_EQ(layer->GetFeatureCount(), 4);
    ASSERT_NE(layer->GetSpatialRef(), nullptr);
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "32648");
    int seen = 0;
    for (auto& f : *layer) {
        if (std::string(f->GetFieldAsString("scenario")) == "tiny-dense" &&
            std::string(f->GetFieldAsString("code")) == "002") {
            ++seen;
            EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("served_population"), dense_served[1]);
            OGREnvelope env;
            f->GetGeometryRef()->getEnvelope(&env);
            EXPECT_DOUBLE_EQ(env.MinX, 586000.0); // East: [586000, 588000] x [2326000, 2328000]
            EXPECT_DOUBLE_EQ(env.MaxX, 588000.0);
            EXPECT_DOUBLE_EQ(env.MaxY, 2328000.0);
        }
    }
    EXPECT_EQ(seen, 1);
}

TEST_F(Readout, ExportNeedsTheRunsDistrictPolygons) {
    const auto r = run_covsim({"export", results().string(), "--gpkg", (dir() / "z.gpkg").string(),
                               "--districts", (dir() / "missing.gpkg").string()});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("missing.gpkg"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir() / "z.gpkg"));
}
