// The embedded Hanoi study area (geodata/hanoi) and make_hanoi_geodata, the tool that generates
// it (tools/make-hanoi-geodata): the committed files are checked on their own, through covsim's
// loader, against a fresh run of the tool (when ../shared/data/standin is present) and against
// the real district boundaries (when ../shared/data/boundaries is present).

#include "io/study_area_loader.hpp"
#include "support/test_support.hpp"
#include "test_config.hpp"

#include <algorithm>
#include <cmath>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <numeric>
#include <ogrsf_frmts.h>
#include <set>

namespace {

namespace fs = std::filesystem;
using covsim::test::run_program;
using covsim::test::TempDir;

constexpr std::int64_t census_total = 8'053'663; // GSO 2019 census, Hanoi
// |generated area / target - 1|; make_hanoi_geodata reports 1.36 % at worst (Soc Son).
constexpr double area_tolerance = 0.015;
const fs::path standin = "standin";
const fs::path real_boundaries = "boundaries/hanoi_districts_pre2025.geojson";

fs::path committed_dir() {
    return fs::path(covsim::test::source_dir) / "geodata" / "hanoi";
}

OGRSpatialReference srs(int epsg) {
    OGRSpatialReference s;
    s.importFromEPSG(epsg);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

OGRPoint to_utm(double lon, double lat) {
    OGRSpatialReference geo = srs(4326);
    OGRSpatialReference utm = srs(32648);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&geo, &utm));
    double x = lon;
    double y = lat;
    t->Transform(1, &x, &y);
    return {x, y};
}

struct DistrictFeature {
    std::map<std::string, std::string> fields; // every field, as text
    OGRGeometryUniquePtr lonlat;               // as stored
    OGRGeometryUniquePtr utm;                  // EPSG:32648
    [[nodiscard]] const std::string& operator[](const std::string& name) const {
        return fields.at(name);
    }
    [[nodiscard]] double number(const std::string& name) const {
        return std::stod(fields.at(name));
    }
};

// The features of a district file in file order, with their geometry also in EPSG:32648.
std::vector<DistrictFeature> read_districts(const fs::path& path,
                                            std::string* layer_name = nullptr) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_VECTOR));
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return {};
    }
    OGRLayer* layer = ds->GetLayer(0);
    if (layer_name != nullptr) {
        *layer_name = layer->GetName();
    }
    OGRSpatialReference source = *layer->GetSpatialRef();
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference utm = srs(32648);
    std::unique_ptr<OGRCoordinateTransformation> t(
        OGRCreateCoordinateTransformation(&source, &utm));
    std::vector<DistrictFeature> out;
    for (const auto& feature : *layer) {
        DistrictFeature d;
        for (int i = 0; i < feature->GetFieldCount(); ++i) {
            d.fields[feature->GetFieldDefnRef(i)->GetNameRef()] = feature->GetFieldAsString(i);
        }
        d.lonlat.reset(feature->GetGeometryRef()->clone());
        d.utm.reset(feature->GetGeometryRef()->clone());
        d.utm->transform(t.get());
        out.push_back(std::move(d));
    }
    return out;
}

double area_m2(const OGRGeometry& g) {
    return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
}

double intersection_area_m2(const OGRGeometry& a, const OGRGeometry& b) {
    if (!a.Intersects(&b)) {
        return 0.0;
    }
    OGRGeometryUniquePtr i(a.Intersection(&b));
    return i ? area_m2(*i) : 0.0;
}

struct PopulationRaster {
    std::array<double, 6> geotransform{};
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> people;
};

PopulationRaster read_population(const fs::path& path) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    PopulationRaster r;
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return r;
    }
    ds->GetGeoTransform(r.geotransform.data());
    r.width = ds->GetRasterXSize();
    r.height = ds->GetRasterYSize();
    r.people.resize(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height));
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, r.width, r.height, r.people.data(),
                                             r.width, r.height, GDT_UInt32, 0, 0),
              CE_None);
    return r;
}

// District index per cell of the raster's grid (-1: none), by GDAL's default rasterization rule
// (cell centre inside the polygon), as covsim's loader does it.
std::vector<std::int16_t> rasterize(const PopulationRaster& grid,
                                    const std::vector<DistrictFeature>& districts) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", grid.width, grid.height, 1, GDT_Int16, nullptr));
    auto gt = grid.geotransform;
    ds->SetGeoTransform(gt.data());
    OGRSpatialReference utm = srs(32648);
    ds->SetSpatialRef(&utm);
    ds->GetRasterBand(1)->Fill(-1.0);
    std::vector<OGRGeometryH> geometries;
    std::vector<double> burn;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        geometries.push_back(OGRGeometry::ToHandle(districts[d].utm.get()));
        burn.push_back(static_cast<double>(d));
    }
    int bands[] = {1};
    EXPECT_EQ(GDALRasterizeGeometries(ds.get(), 1, bands, static_cast<int>(geometries.size()),
                                      geometries.data(), nullptr, nullptr, burn.data(), nullptr,
                                      nullptr, nullptr),
              CE_None);
    std::vector<std::int16_t> index(grid.people.size());
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.width, grid.height, index.data(),
                                             grid.width, grid.height, GDT_Int16, 0, 0),
              CE_None);
    return index;
}

// People per district (and, last, outside every district).
std::vector<std::int64_t> people_per_district(const PopulationRaster& raster,
                                              const std::vector<DistrictFeature>& districts) {
    const std::vector<std::int16_t> index = rasterize(raster, districts);
    std::vector<std::int64_t> sums(districts.size() + 1, 0);
    for (std::size_t i = 0; i < index.size(); ++i) {
        sums[index[i] < 0 ? districts.size() : static_cast<std::size_t>(index[i])] +=
            raster.people[i];
    }
    return sums;
}

class CommittedHanoi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        districts_ = new std::vector<DistrictFeature>(
            read_districts(committed_dir() / "districts.geojson", &layer_name_));
    }
    static void TearDownTestSuite() {
        delete districts_;
        districts_ = nullptr;
    }
    static const std::vector<DistrictFeature>& districts() { return *districts_; }

    static std::vector<DistrictFeature>* districts_;
    static std::string layer_name_;
};

std::vector<DistrictFeature>* CommittedHanoi::districts_ = nullptr;
std::string CommittedHanoi::layer_name_;

TEST_F(CommittedHanoi, HasThirtyDistrictsWithTheExpectedFields) {
    EXPECT_EQ(layer_name_, "districts");
    ASSERT_EQ(districts().size(), 30U);
    std::set<std::string> codes;
    std::map<std::string, int> types;
    std::int64_t total = 0;
    for (const DistrictFeature& d : districts()) {
        for (const char* field : {"code", "name_vi", "name_ascii", "type", "population",
                                  "population_urban", "population_rural", "area_km2",
                                  "area_km2_generated", "interior_lon", "interior_lat"}) {
            ASSERT_EQ(d.fields.count(field), 1U) << "field " << field;
        }
        EXPECT_EQ(d["code"].size(), 3U) << d["code"];
        EXPECT_TRUE(codes.insert(d["code"]).second) << "code " << d["code"] << " repeated";
        EXPECT_FALSE(d["name_vi"].empty());
        EXPECT_FALSE(d["name_ascii"].empty());
        ++types[d["type"]];
        const auto population = std::stoll(d["population"]);
        EXPECT_EQ(std::stoll(d["population_urban"]) + std::stoll(d["population_rural"]), population)
            << d["code"];
        total += population;
        const auto type = wkbFlatten(d.lonlat->getGeometryType());
        EXPECT_TRUE(type == wkbPolygon || type == wkbMultiPolygon) << d["code"];
        EXPECT_TRUE(d.lonlat->IsValid()) << d["code"];
        EXPECT_TRUE(d.utm->IsValid()) << d["code"];
    }
    EXPECT_EQ(types, (std::map<std::string, int>{
                         {"urban_district", 12}, {"town", 1}, {"rural_district", 17}}));
    EXPECT_EQ(total, census_total);
    EXPECT_EQ(districts().front()["code"], "001");
    EXPECT_EQ(districts().front()["name_vi"], "Ba Đình");
}

TEST_F(CommittedHanoi, PolygonsDoNotOverlap) {
    double total_overlap_m2 = 0.0;
    for (std::size_t i = 0; i < districts().size(); ++i) {
        for (std::size_t j = i + 1; j < districts().size(); ++j) {
            const double overlap = intersection_area_m2(*districts()[i].utm, *districts()[j].utm);
            EXPECT_LT(overlap, 10.0) << districts()[i]["code"] << " / " << districts()[j]["code"];
            total_overlap_m2 += overlap;
        }
    }
    EXPECT_LT(total_overlap_m2, 100.0); // measured: 0
}

TEST_F(CommittedHanoi, AreasMatchTheFacts) {
    // Targets are the facts' areas scaled to the outline's area (what the polygons sum to).
    double generated = 0.0;
    double facts = 0.0;
    for (const DistrictFeature& d : districts()) {
        generated += area_m2(*d.utm) / 1e6;
        facts += d.number("area_km2");
    }
    EXPECT_NEAR(generated, 3378.06, 0.5); // the outline's area
    const double scale = generated / facts;
    EXPECT_NEAR(scale, 1.006, 0.001);
    for (const DistrictFeature& d : districts()) {
        const double area_km2 = area_m2(*d.utm) / 1e6;
        EXPECT_NEAR(area_km2, d.number("area_km2_generated"), 0.01) << d["code"];
        EXPECT_LT(std::abs(area_km2 / (d.number("area_km2") * scale) - 1.0), area_tolerance)
            << d["code"] << ": " << area_km2 << " km2, target " << d.number("area_km2") * scale;
    }
}

TEST_F(CommittedHanoi, EachInteriorPointLiesInItsOwnPolygonOnly) {
    for (std::size_t i = 0; i < districts().size(); ++i) {
        const OGRPoint p =
            to_utm(districts()[i].number("interior_lon"), districts()[i].number("interior_lat"));
        for (std::size_t j = 0; j < districts().size(); ++j) {
            EXPECT_EQ(districts()[j].utm->Contains(&p), i == j)
                << "interior point of " << districts()[i]["code"] << ", polygon of "
                << districts()[j]["code"];
        }
    }
}

TEST_F(CommittedHanoi, RasterHoldsTheCensusPeopleOfEachDistrictExactly) {
    const fs::path path = committed_dir() / "population_100m.tif";
    EXPECT_LT(fs::file_size(path), 1'000'000U);
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(ds);
        ASSERT_NE(ds->GetSpatialRef(), nullptr);
        EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "32648");
        GDALRasterBand* band = ds->GetRasterBand(1);
        EXPECT_TRUE(band->GetRasterDataType() == GDT_UInt16 ||
                    band->GetRasterDataType() == GDT_UInt32);
        int has_nodata = 1;
        band->GetNoDataValue(&has_nodata);
        EXPECT_FALSE(has_nodata);
        EXPECT_STREQ(band->GetDescription(),
                     "people per 100 m cell (2019 census, covsim synthetic distribution)");
        EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
        int block_x = 0;
        int block_y = 0;
        band->GetBlockSize(&block_x, &block_y);
        EXPECT_LT(block_x, ds->GetRasterXSize()) << "not tiled";
    }
    const PopulationRaster raster = read_population(path);
    EXPECT_EQ(raster.geotransform[1], 100.0);
    EXPECT_EQ(raster.geotransform[5], -100.0);
    EXPECT_EQ(raster.geotransform[2], 0.0);
    EXPECT_EQ(raster.geotransform[4], 0.0);
    EXPECT_EQ(std::fmod(raster.geotransform[0], 100.0), 0.0);
    EXPECT_EQ(std::fmod(raster.geotransform[3], 100.0), 0.0);

    const std::vector<std::int64_t> sums = people_per_district(raster, districts());
    for (std::size_t d = 0; d < districts().size(); ++d) {
        EXPECT_EQ(sums[d], std::stoll(districts()[d]["population"])) << districts()[d]["code"];
    }
    EXPECT_EQ(sums.back(), 0) << "people outside every district";
    EXPECT_EQ(std::accumulate(raster.people.begin(), raster.people.end(), std::int64_t{0}),
              census_total);
}

TEST_F(CommittedHanoi, CovsimsLoaderReproducesTheCensus) {
    covsim::StudyAreaSpec spec;
    spec.districts_path = committed_dir() / "districts.geojson";
    spec.population_path = committed_dir() / "population_100m.tif";
    spec.population_field = "population";
    spec.resolution_m = 50.0;
    const covsim::io::LoadedStudyArea loaded = covsim::io::load_study_area(spec);
    const covsim::StudyArea& area = loaded.area;
    ASSERT_EQ(area.districts.size(), districts().size());
    EXPECT_EQ(area.grid.cell_size_m, 50.0);
    std::vector<double> sums(area.districts.size(), 0.0);
    for (std::size_t i = 0; i < area.population.values.size(); ++i) {
        if (area.district_index.values[i] >= 0) {
            sums[static_cast<std::size_t>(area.district_index.values[i])] +=
                area.population.values[i];
        }
    }
    for (std::size_t d = 0; d < sums.size(); ++d) {
        EXPECT_EQ(area.districts[d].code, districts()[d]["code"]);
        EXPECT_NEAR(sums[d], districts()[d].number("population"), 0.5) << districts()[d]["code"];
        // The 100 m raster already holds each district's census people, so the calibration
        // only corrects the cells that change district at 50 m (measured: 0.988 to 1.009).
        EXPECT_NEAR(loaded.population_scale[d], 1.0, 0.02) << districts()[d]["code"];
    }
    EXPECT_NEAR(area.total_population(), static_cast<double>(census_total), 1.0);
    // 50 m cells along the outline whose centre falls outside it (measured: 4,139 people).
    EXPECT_LT(loaded.population_outside_districts, 1e-3 * static_cast<double>(census_total));
}

// The tool's arguments for the facts under `facts_dir`, writing into `out_dir`.
std::vector<std::string> tool_arguments(const fs::path& facts_dir, const fs::path& out_dir) {
    return {"--facts",   (facts_dir / "hanoi_district_facts.csv").string(),
            "--outline", (facts_dir / "hanoi_outline_coarse.csv").string(),
            "--out-dir", out_dir.string()};
}

TEST(MakeHanoiGeodata, ReproducesTheCommittedFilesExactly) {
    COVSIM_USES_SHARED_DATA(standin / "hanoi_district_facts.csv");
    TempDir out;
    const auto result =
        run_program(MAKE_HANOI_GEODATA_EXECUTABLE,
                    tool_arguments(covsim::test::shared_data() / standin, out.path()));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("worst area error"), std::string::npos) << result.out;

    const auto fresh = read_districts(out / "districts.geojson");
    const auto committed = read_districts(committed_dir() / "districts.geojson");
    ASSERT_EQ(fresh.size(), committed.size());
    for (std::size_t d = 0; d < fresh.size(); ++d) {
        EXPECT_EQ(fresh[d].fields, committed[d].fields);
        char* a = nullptr;
        char* b = nullptr;
        fresh[d].lonlat->exportToWkt(&a);
        committed[d].lonlat->exportToWkt(&b);
        EXPECT_STREQ(a, b) << committed[d]["code"];
        CPLFree(a);
        CPLFree(b);
    }
    const PopulationRaster a = read_population(out / "population_100m.tif");
    const PopulationRaster b = read_population(committed_dir() / "population_100m.tif");
    EXPECT_EQ(a.geotransform, b.geotransform);
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    EXPECT_TRUE(a.people == b.people) << "the raster values differ";
}

// A small made-up city of three districts (one of each type) in a 0.2 degree square: the
// generator works on any facts, not only Hanoi's.
TEST(MakeHanoiGeodata, BuildsASmallSyntheticStudyArea) {
    TempDir dir;
    covsim::test::write_text(
        dir / "hanoi_district_facts.csv",
        "code,name_vi,name_ascii,type,interior_lon,interior_lat,area_km2,population_2019,"
        "population_urban_2019,population_rural_2019\n"
        "101,Một,Mot,urban_district,105.75,21.05,60,300000,300000,0\n"
        "102,Hai,Hai,town,105.85,21.05,140,150000,90000,60000\n"
        "103,Ba,Ba,rural_district,105.80,20.95,250,120000,5000,115000\n");
    covsim::test::write_text(dir / "hanoi_outline_coarse.csv",
                             "lon,lat\n105.70,21.10\n105.90,21.10\n105.90,20.90\n105.70,20.90\n"
                             "105.70,21.10\n");
    const auto result =
        run_program(MAKE_HANOI_GEODATA_EXECUTABLE, tool_arguments(dir.path(), dir / "out"));
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const auto districts = read_districts(dir / "out" / "districts.geojson");
    ASSERT_EQ(districts.size(), 3U);
    double total_m2 = 0.0;
    for (const DistrictFeature& d : districts) {
        total_m2 += area_m2(*d.utm);
    }
    for (const DistrictFeature& d : districts) {
        const double share = d.number("area_km2") / 450.0;
        EXPECT_NEAR(area_m2(*d.utm) / total_m2, share, 1e-3 * share) << d["code"];
        const OGRPoint p = to_utm(d.number("interior_lon"), d.number("interior_lat"));
        EXPECT_TRUE(d.utm->Contains(&p)) << d["code"];
    }
    const std::vector<std::int64_t> sums =
        people_per_district(read_population(dir / "out" / "population_100m.tif"), districts);
    EXPECT_EQ(sums, (std::vector<std::int64_t>{300000, 150000, 120000, 0}));
}

TEST(MakeHanoiGeodata, RejectsBadFactsNamingTheLine) {
    TempDir dir;
    covsim::test::write_text(
        dir / "hanoi_district_facts.csv",
        "code,name_vi,name_ascii,type,interior_lon,interior_lat,area_km2,population_2019,"
        "population_urban_2019,population_rural_2019\n"
        "101,Một,Mot,urban_district,105.75,21.05,60,300000,300000,0\n"
        "102,Hai,Hai,city,105.85,21.05,140,150000,90000,60000\n");
    covsim::test::write_text(dir / "hanoi_outline_coarse.csv",
                             "lon,lat\n105.70,21.10\n105.90,21.10\n105.90,20.90\n105.70,21.10\n");
    const auto result =
        run_program(MAKE_HANOI_GEODATA_EXECUTABLE, tool_arguments(dir.path(), dir / "out"));
    EXPECT_EQ(result.exit_code, 4) << result.err; // covsim::ErrorCode::input_data
    EXPECT_NE(result.err.find("hanoi_district_facts.csv:3"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("'city'"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(dir / "out" / "districts.geojson"));

    const auto usage = run_program(MAKE_HANOI_GEODATA_EXECUTABLE, {"--facts", "x.csv"});
    EXPECT_EQ(usage.exit_code, 2) << usage.err; // covsim::ErrorCode::usage
}

// How well the generated polygons approximate the real ones (dvhcvn, see ../shared/data
// SOURCES.md). The numbers are printed; geodata/hanoi/README.md quotes them.
TEST_F(CommittedHanoi, ApproximatesTheRealDistrictBoundaries) {
    COVSIM_USES_SHARED_DATA(real_boundaries);
    const auto real = read_districts(covsim::test::shared_data() / real_boundaries);
    std::map<std::string, const DistrictFeature*> real_by_code;
    for (const DistrictFeature& d : real) {
        real_by_code[d["code"]] = &d;
    }
    ASSERT_EQ(real_by_code.size(), districts().size());

    double inside_m2 = 0.0;
    double total_m2 = 0.0;
    double worst_share = 1.0;
    int points_inside = 0;
    int centroids_inside = 0;
    std::cout << "code  generated_km2  real_km2  share_in_real  centroid_in_real\n";
    for (const DistrictFeature& d : districts()) {
        ASSERT_EQ(real_by_code.count(d["code"]), 1U) << d["code"];
        const OGRGeometry& r = *real_by_code[d["code"]]->utm;
        const double area = area_m2(*d.utm);
        const double in_real = intersection_area_m2(*d.utm, r);
        const double share = in_real / area;
        OGRPoint centroid;
        d.utm->Centroid(&centroid);
        const OGRPoint p = to_utm(d.number("interior_lon"), d.number("interior_lat"));
        points_inside += r.Contains(&p) ? 1 : 0;
        centroids_inside += r.Contains(&centroid) ? 1 : 0;
        inside_m2 += in_real;
        total_m2 += area;
        worst_share = std::min(worst_share, share);
        std::cout << d["code"] << "  " << area / 1e6 << "  " << area_m2(r) / 1e6 << "  " << share
                  << "  " << r.Contains(&centroid) << '\n';
        // Measured: 0.305 (Hoan Kiem, the smallest district) to 0.948 (Soc Son).
        EXPECT_GT(share, 0.30) << d["code"];
    }
    const double overall = inside_m2 / total_m2;
    std::cout << "area in the real district of the same code: " << overall << " overall, "
              << worst_share
              << " at worst; interior points in their real district: " << points_inside
              << "/30; centroids: " << centroids_inside << "/30\n";
    EXPECT_GT(overall, 0.80); // measured: 0.805
    EXPECT_EQ(points_inside, 30);
    EXPECT_GE(centroids_inside, 29); // measured: all but Son Tay's
}

} // namespace
