#include "io/gdal_support.hpp"
#include "io/geotiff_writer.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cpl_string.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gdal_priv.h>
#include <gtest/gtest.h>

using namespace covsim;

namespace {

Grid utm_grid(std::int64_t w, std::int64_t h) {
    OGRSpatialReference srs = io::make_srs();
    srs.importFromEPSG(32648);
    Grid g;
    g.origin_x_m = 580000.0;
    g.origin_y_m = 2330000.0;
    g.cell_size_m = 50.0;
    g.width = w;
    g.height = h;
    g.crs_wkt = io::to_wkt(srs);
    return g;
}

} // namespace

TEST(GeoTiff, RoundTripKeepsValuesGeoreferencingAndMetadata) {
    test::TempDir dir;
    Raster<float> r(utm_grid(600, 500), -9999.0f);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        r.values[i] = (i % 7 == 0) ? -9999.0f : -60.0f - static_cast<float>(i % 50) * 0.5f;
    }
    io::MapDescription d;
    d.description = "RSRP";
    d.units = "dBm";
    d.metadata = {{"COVSIM_SCENARIO", "demo"}};
    const auto path = dir / "rsrp.tif";
    io::write_geotiff(path, r, d);

    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetRasterXSize(), 600);
    EXPECT_EQ(ds->GetRasterYSize(), 500);
    double gt[6];
    ASSERT_EQ(ds->GetGeoTransform(gt), CE_None);
    EXPECT_DOUBLE_EQ(gt[0], 580000.0);
    EXPECT_DOUBLE_EQ(gt[1], 50.0);
    EXPECT_DOUBLE_EQ(gt[3], 2330000.0);
    EXPECT_DOUBLE_EQ(gt[5], -50.0);
    ASSERT_NE(ds->GetSpatialRef(), nullptr);
    EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "32648");
    EXPECT_STREQ(ds->GetMetadataItem("COVSIM_SCENARIO"), "demo");
    EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");

    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_Float32);
    int has_nodata = 0;
    EXPECT_DOUBLE_EQ(b->GetNoDataValue(&has_nodata), -9999.0);
    EXPECT_TRUE(has_nodata);
    EXPECT_STREQ(b->GetDescription(), "RSRP");
    EXPECT_STREQ(b->GetUnitType(), "dBm");
    int bx = 0, by = 0;
    b->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    EXPECT_EQ(by, 256);
    EXPECT_GE(b->GetOverviewCount(), 1);

    std::vector<float> back(r.values.size());
    ASSERT_EQ(b->RasterIO(GF_Read, 0, 0, 600, 500, back.data(), 600, 500, GDT_Float32, 0, 0),
              CE_None);
    EXPECT_EQ(back, r.values);
}

TEST(GeoTiff, ByteMapsKeepTheirTypeAndColourTable) {
    test::TempDir dir;
    Raster<std::uint8_t> r(utm_grid(300, 300), 255);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        r.values[i] = static_cast<std::uint8_t>(i % 3 == 0 ? 255 : i % 2);
    }
    io::MapDescription d;
    d.description = "covered";
    d.overviews = io::OverviewResampling::nearest;
    d.color_table = {{200, 0, 0, 255}, {0, 160, 0, 255}};
    const auto path = dir / "covered.tif";
    io::write_geotiff(path, r, d);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_Byte);
    ASSERT_NE(b->GetColorTable(), nullptr);
    EXPECT_EQ(b->GetColorTable()->GetColorEntry(1)->c2, 160);
    // Nearest-neighbour overviews keep only values that exist in the map.
    GDALRasterBand* ov = b->GetOverview(0);
    ASSERT_NE(ov, nullptr);
    std::vector<std::uint8_t> v(static_cast<std::size_t>(ov->GetXSize() * ov->GetYSize()));
    ASSERT_EQ(ov->RasterIO(GF_Read, 0, 0, ov->GetXSize(), ov->GetYSize(), v.data(), ov->GetXSize(),
                           ov->GetYSize(), GDT_Byte, 0, 0),
              CE_None);
    for (std::uint8_t x : v) {
        EXPECT_TRUE(x == 0 || x == 1 || x == 255);
    }
}

namespace {

// Where the first tile of the file's data starts: a COG has every IFD (with its tags, a palette
// among them) before it, so this is the size of its headers.
std::uint64_t first_tile_offset(GDALDataset& ds) {
    GDALRasterBand* b = ds.GetRasterBand(1);
    std::uint64_t first = std::stoull(b->GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF"));
    for (int i = 0; i < b->GetOverviewCount(); ++i) {
        const char* offset = b->GetOverview(i)->GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF");
        first = std::min<std::uint64_t>(first, std::stoull(offset));
    }
    return first;
}

} // namespace

// A UInt16 category map (best_server beyond 255 sectors): its colour table, as long as its
// categories, and its names in the side-car, not a 65536-entry GeoTIFF palette in each IFD.
TEST(GeoTiff, UInt16CategoriesStayOutOfTheHeaders) {
    test::TempDir dir;
    Raster<std::uint16_t> r(utm_grid(1200, 1000), 65535);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        r.values[i] = static_cast<std::uint16_t>(i % 11 == 0 ? 65535 : (i / 997) % 1000);
    }
    io::MapDescription d;
    d.description = "best_server";
    d.overviews = io::OverviewResampling::nearest;
    for (int v = 0; v < 1000; ++v) {
        d.color_table.push_back({static_cast<std::uint8_t>(v % 256), 10, 20, 255});
        d.category_names.push_back(fmt::format("S{}/1", v));
    }
    const auto path = dir / "best_server.tif";
    io::write_geotiff(path, r, d);

    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(ds);
    GDALRasterBand* b = ds->GetRasterBand(1);
    EXPECT_EQ(b->GetRasterDataType(), GDT_UInt16);
    EXPECT_EQ(b->GetOverviewCount(), 3);
    EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
    ASSERT_NE(b->GetColorTable(), nullptr);
    EXPECT_EQ(b->GetColorTable()->GetColorEntryCount(), 1000);
    EXPECT_EQ(b->GetColorTable()->GetColorEntry(999)->c1, 999 % 256);
    EXPECT_EQ(b->GetColorInterpretation(), GCI_PaletteIndex);
    ASSERT_EQ(CSLCount(b->GetCategoryNames()), 1000);
    EXPECT_STREQ(b->GetCategoryNames()[999], "S999/1");
    EXPECT_TRUE(std::filesystem::exists(io::aux_xml_path(path)));
    // Four IFDs with a 65536-entry palette each would take 4 x 384 kB.
    EXPECT_LT(first_tile_offset(*ds), 16U * 1024U);
}

TEST(GeoTiff, AMapWithoutCategoriesHasNoSideCar) {
    test::TempDir dir;
    const auto path = dir / "rsrp.tif";
    std::ofstream(io::aux_xml_path(path)) << "<PAMDataset/>"; // left by an earlier run
    io::MapDescription d;
    d.description = "rsrp_dbm";
    d.units = "dBm";
    io::write_geotiff(path, Raster<float>(utm_grid(10, 10), -9999.0f), d);
    EXPECT_FALSE(std::filesystem::exists(io::aux_xml_path(path)));
}
