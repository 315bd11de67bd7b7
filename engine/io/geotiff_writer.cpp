#include "io/geotiff_writer.hpp"

#include "core/error.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <cmath>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdalwarper.h>
#include <memory>
#include <numbers>
#include <system_error>
#include <type_traits>

namespace covsim::io {

namespace {

// Turns GDAL's persistent auxiliary metadata (.aux.xml side-car files) on or off for this thread
// while it lives, whatever the user's GDAL_PAM_ENABLED says: PNG images and tiles carry
// everything in the file; the categories of a map live in its side-car.
class PamSwitch {
public:
    explicit PamSwitch(bool enabled) {
        const char* previous = CPLGetThreadLocalConfigOption("GDAL_PAM_ENABLED", nullptr);
        previous_ = previous != nullptr ? previous : "";
        CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", enabled ? "YES" : "NO");
    }
    PamSwitch(const PamSwitch&) = delete;
    PamSwitch& operator=(const PamSwitch&) = delete;
    ~PamSwitch() {
        CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED",
                                      previous_.empty() ? nullptr : previous_.c_str());
    }

private:
    std::string previous_;
};

GDALDatasetUniquePtr make_rgba_dataset(int width, int height) {
    ensure_gdal();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", width, height, 4, GDT_Byte, nullptr));
    if (!ds) {
        throw Error(ErrorCode::limit,
                    fmt::format("cannot allocate a {} x {} image in memory", width, height));
    }
    const GDALColorInterp interp[] = {GCI_RedBand, GCI_GreenBand, GCI_BlueBand, GCI_AlphaBand};
    for (int b = 0; b < 4; ++b) {
        ds->GetRasterBand(b + 1)->SetColorInterpretation(interp[b]);
    }
    return ds;
}

// Pixel-interleaved RGBA in or out of a 4-band dataset.
CPLErr rgba_io(GDALDataset* ds, GDALRWFlag flag, std::uint8_t* data) {
    const int w = ds->GetRasterXSize();
    const int h = ds->GetRasterYSize();
    int bands[] = {1, 2, 3, 4};
    return ds->RasterIO(flag, 0, 0, w, h, data, w, h, GDT_Byte, 4, bands, 4,
                        static_cast<GSpacing>(w) * 4, 1, nullptr);
}

void copy_to_png(GDALDataset* src, const std::filesystem::path& path) {
    PamSwitch no_aux(false);
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    CPLErrorReset();
    GDALDatasetUniquePtr out(
        png->CreateCopy(path.string().c_str(), src, FALSE, nullptr, nullptr, nullptr));
    if (!out) {
        throw Error(ErrorCode::io, fmt::format("cannot write image '{}' ({})", path.string(),
                                               gdal_error_detail()));
    }
}

// Warps an RGBA dataset onto others of the same size and CRS (nearest neighbour, alpha honoured,
// destinations starting transparent), setting up the coordinate transformation once.
class RgbaWarper {
public:
    RgbaWarper(GDALDataset* src, GDALDataset* first_dst)
        : src_(src), exact_(GDALCreateGenImgProjTransformer2(src, first_dst, nullptr)) {
        if (exact_ == nullptr) {
            throw Error(ErrorCode::internal, fmt::format("cannot transform a map to web tiles ({})",
                                                         gdal_error_detail()));
        }
        // Linear interpolation within an eighth of a pixel, as gdalwarp does by default.
        transformer_ = GDALCreateApproxTransformer(GDALGenImgProjTransform, exact_, 0.125);
    }
    RgbaWarper(const RgbaWarper&) = delete;
    RgbaWarper& operator=(const RgbaWarper&) = delete;
    ~RgbaWarper() {
        GDALDestroyApproxTransformer(transformer_);
        GDALDestroyGenImgProjTransformer(exact_);
    }

    void warp(GDALDataset* dst) {
        double gt[6];
        dst->GetGeoTransform(gt);
        GDALSetGenImgProjTransformerDstGeoTransform(exact_, gt);
        GDALWarpOptions* wo = GDALCreateWarpOptions();
        wo->hSrcDS = src_;
        wo->hDstDS = dst;
        wo->nBandCount = 3;
        wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int) * 3));
        wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int) * 3));
        for (int b = 0; b < 3; ++b) {
            wo->panSrcBands[b] = b + 1;
            wo->panDstBands[b] = b + 1;
        }
        wo->nSrcAlphaBand = 4;
        wo->nDstAlphaBand = 4;
        wo->eResampleAlg = GRA_NearestNeighbour;
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "0");
        wo->pTransformerArg = transformer_;
        wo->pfnTransformer = GDALApproxTransform;
        CPLErrorReset();
        GDALWarpOperation operation;
        const bool ok = operation.Initialize(wo) == CE_None &&
                        operation.ChunkAndWarpImage(0, 0, dst->GetRasterXSize(),
                                                    dst->GetRasterYSize()) == CE_None;
        wo->pTransformerArg = nullptr; // ours
        GDALDestroyWarpOptions(wo);
        if (!ok) {
            throw Error(ErrorCode::internal,
                        fmt::format("cannot warp a map to web tiles ({})", gdal_error_detail()));
        }
    }

private:
    GDALDataset* src_;
    void* exact_;
    void* transformer_ = nullptr;
};

constexpr double web_mercator_half_m = 20037508.342789244; // pi * 6378137
constexpr int tile_px = 256;

} // namespace

std::filesystem::path aux_xml_path(const std::filesystem::path& map) {
    std::filesystem::path aux = map;
    aux += ".aux.xml";
    return aux;
}

namespace {

GDALColorTable gdal_color_table(const std::vector<std::array<std::uint8_t, 4>>& colours) {
    GDALColorTable table;
    for (std::size_t i = 0; i < colours.size(); ++i) {
        const auto& c = colours[i];
        const GDALColorEntry e{c[0], c[1], c[2], c[3]};
        table.SetColorEntry(static_cast<int>(i), &e);
    }
    return table;
}

// Writes the category names (and the colour table when it is not in the file) of a written map
// into its side-car, through GDAL's PAM: the map opened read-only takes them there.
void write_side_car(const std::filesystem::path& path, const MapDescription& d,
                    bool with_color_table) {
    PamSwitch pam(true);
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER));
    bool ok = static_cast<bool>(ds);
    if (ok) {
        GDALRasterBand* band = ds->GetRasterBand(1);
        if (with_color_table) {
            GDALColorTable table = gdal_color_table(d.color_table);
            ok = band->SetColorTable(&table) == CE_None;
        }
        if (ok && !d.category_names.empty()) {
            CPLStringList names;
            for (const std::string& name : d.category_names) {
                names.AddString(name.c_str());
            }
            ok = band->SetCategoryNames(names.List()) == CE_None;
        }
        ds.reset(); // writes the side-car
    }
    if (!ok || !std::filesystem::exists(aux_xml_path(path))) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write the categories of map '{}' into '{}' ({})",
                                path.string(), aux_xml_path(path).string(), gdal_error_detail()));
    }
}

// Overviews of a map of w x h cells, as GDAL's COG driver makes them: halved until the last
// fits in one 256-cell tile.
std::vector<int> overview_factors(int w, int h) {
    std::vector<int> factors;
    for (int f = 2; std::max(w, h) > 256 * (f / 2); f *= 2) {
        factors.push_back(f);
    }
    return factors;
}

void build_overviews(GDALDataset& map, OverviewResampling resampling) {
    const std::vector<int> factors = overview_factors(map.GetRasterXSize(), map.GetRasterYSize());
    if (factors.empty()) {
        return;
    }
    const char* method = resampling == OverviewResampling::nearest ? "NEAREST" : "AVERAGE";
    if (map.BuildOverviews(method, static_cast<int>(factors.size()), factors.data(), 0, nullptr,
                           nullptr, nullptr, nullptr) != CE_None) {
        throw Error(ErrorCode::internal,
                    fmt::format("cannot compute the overviews of a map ({})", gdal_error_detail()));
    }
}

} // namespace

template <typename T>
void write_geotiff(const std::filesystem::path& path, const Raster<T>& raster,
                   const MapDescription& d) {
    ensure_gdal();
    std::error_code ec;
    std::filesystem::remove(aux_xml_path(path), ec); // GDAL would read it with the new map
    const Grid& g = raster.grid;
    // GDAL reads the map's values in place (the overviews are MEM bands of their own).
    GDALDatasetUniquePtr src =
        mem_dataset_over(g, gdal_type<T>(), const_cast<T*>(raster.values.data()));
    for (const auto& [key, value] : d.metadata) {
        src->SetMetadataItem(key.c_str(), value.c_str());
    }
    GDALRasterBand* band = src->GetRasterBand(1);
    band->SetNoDataValue(static_cast<double>(raster.nodata));
    band->SetDescription(d.description.c_str());
    band->SetUnitType(d.units.c_str());
    const bool palette_in_file = std::is_same_v<T, std::uint8_t> && !d.color_table.empty();
    if (palette_in_file) {
        GDALColorTable table = gdal_color_table(d.color_table);
        band->SetColorTable(&table);
        band->SetColorInterpretation(GCI_PaletteIndex);
    }
    build_overviews(*src, d.overviews);
    // The GeoTIFF driver copying the in-memory map and its overviews writes the layout of a
    // Cloud-Optimized GeoTIFF (IFDs first, smallest overview's tiles first: LAYOUT=COG). GDAL's
    // COG driver would make the same file from a map without overviews by writing them to a
    // temporary compressed file and compressing them again: twice the time of the map alone.
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* predictor = std::is_floating_point_v<T> ? "PREDICTOR=3" : "PREDICTOR=2";
    const char* options[] = {
        "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256",   "COMPRESS=DEFLATE",
        "ZLEVEL=1",  predictor,        "BIGTIFF=IF_SAFER", "COPY_SRC_OVERVIEWS=YES",
        nullptr};
    CPLErrorReset();
    GDALDatasetUniquePtr out(gtiff->CreateCopy(path.string().c_str(), src.get(), FALSE,
                                               const_cast<char**>(options), nullptr, nullptr));
    if (!out) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write map '{}' ({})", path.string(), gdal_error_detail()));
    }
    out.reset(); // flush and close before the caller renames the file
    const bool palette_in_side_car = !palette_in_file && !d.color_table.empty();
    if (palette_in_side_car || !d.category_names.empty()) {
        write_side_car(path, d, palette_in_side_car);
    }
}

template void write_geotiff(const std::filesystem::path&, const Raster<float>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<double>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::int32_t>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::int16_t>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::uint16_t>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::uint8_t>&,
                            const MapDescription&);

void write_png(const std::filesystem::path& path, int width, int height,
               std::span<const std::uint8_t> rgba) {
    if (rgba.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
        throw Error(ErrorCode::internal, "write_png: the pixels do not match the size");
    }
    GDALDatasetUniquePtr src = make_rgba_dataset(width, height);
    if (rgba_io(src.get(), GF_Write, const_cast<std::uint8_t*>(rgba.data())) != CE_None) {
        throw Error(ErrorCode::internal, "cannot fill the in-memory image");
    }
    copy_to_png(src.get(), path);
}

ZoomRange xyz_zoom_range(const Grid& grid) {
    const OGRSpatialReference from = srs_from_wkt(grid.crs_wkt);
    const TransformPtr to_wgs84 = make_transform(from, wgs84());
    double x = (grid.origin_x_m + grid.east_m()) / 2.0;
    double y = (grid.origin_y_m + grid.south_m()) / 2.0;
    to_wgs84->Transform(1, &x, &y);
    const double ground_m = 2.0 * web_mercator_half_m * std::cos(y * std::numbers::pi / 180.0);
    // Pixels no larger than the cells: 2^z >= ground / (256 cell).
    const int max_zoom = std::clamp(
        static_cast<int>(std::ceil(std::log2(ground_m / (tile_px * grid.cell_size_m)))), 0, 18);
    // The whole grid in about one tile: 2^z <= ground / extent.
    const double extent_m =
        static_cast<double>(std::max(grid.width, grid.height)) * grid.cell_size_m;
    const int min_zoom =
        std::clamp(static_cast<int>(std::floor(std::log2(ground_m / extent_m))), 0, max_zoom);
    return {min_zoom, max_zoom};
}

std::size_t write_xyz_tiles(const std::filesystem::path& dir, const RgbaImage& image,
                            ZoomRange zooms) {
    const Grid& g = image.grid;
    GDALDatasetUniquePtr src =
        make_rgba_dataset(static_cast<int>(g.width), static_cast<int>(g.height));
    auto gt = g.geotransform();
    src->SetGeoTransform(gt.data());
    src->SetProjection(g.crs_wkt.c_str());
    if (rgba_io(src.get(), GF_Write, const_cast<std::uint8_t*>(image.rgba.data())) != CE_None) {
        throw Error(ErrorCode::internal, "cannot fill the in-memory image");
    }

    // The grid's bounds in Web Mercator, from points along its edges.
    OGRSpatialReference mercator = make_srs();
    mercator.importFromEPSG(3857);
    const std::string mercator_wkt = to_wkt(mercator);
    const auto [min_x, min_y, max_x, max_y] = grid_extent_in(g, mercator);

    // One warp per row of tiles (bounded memory, one transformer set-up per row), then the row
    // is cut into tiles.
    std::size_t written = 0;
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(tile_px) * tile_px * 4);
    for (int z = zooms.min_zoom; z <= zooms.max_zoom; ++z) {
        const double tiles = std::ldexp(1.0, z);
        const double tile_m = 2.0 * web_mercator_half_m / tiles;
        auto tile_index = [&](double offset_m) {
            return std::clamp(static_cast<long>(std::floor(offset_m / tile_m)), 0L,
                              static_cast<long>(tiles) - 1);
        };
        const long x0 = tile_index(min_x + web_mercator_half_m);
        const long x1 = tile_index(max_x + web_mercator_half_m);
        const long y0 = tile_index(web_mercator_half_m - max_y);
        const long y1 = tile_index(web_mercator_half_m - min_y);
        const int row_width = static_cast<int>(x1 - x0 + 1) * tile_px;
        std::unique_ptr<RgbaWarper> warper;
        for (long ty = y0; ty <= y1; ++ty) {
            GDALDatasetUniquePtr row = make_rgba_dataset(row_width, tile_px);
            const double gt_row[6] = {-web_mercator_half_m + static_cast<double>(x0) * tile_m,
                                      tile_m / tile_px,
                                      0.0,
                                      web_mercator_half_m - static_cast<double>(ty) * tile_m,
                                      0.0,
                                      -tile_m / tile_px};
            row->SetGeoTransform(const_cast<double*>(gt_row));
            row->SetProjection(mercator_wkt.c_str());
            if (!warper) {
                warper = std::make_unique<RgbaWarper>(src.get(), row.get());
            }
            warper->warp(row.get());
            for (long tx = x0; tx <= x1; ++tx) {
                int bands[] = {1, 2, 3, 4};
                if (row->RasterIO(GF_Read, static_cast<int>(tx - x0) * tile_px, 0, tile_px, tile_px,
                                  pixels.data(), tile_px, tile_px, GDT_Byte, 4, bands, 4,
                                  static_cast<GSpacing>(tile_px) * 4, 1, nullptr) != CE_None) {
                    throw Error(ErrorCode::internal, "cannot read a warped web tile");
                }
                bool visible = false;
                for (std::size_t i = 3; i < pixels.size() && !visible; i += 4) {
                    visible = pixels[i] != 0;
                }
                if (!visible) {
                    continue;
                }
                const std::filesystem::path tile_dir = dir / std::to_string(z) / std::to_string(tx);
                std::error_code ec;
                std::filesystem::create_directories(tile_dir, ec);
                if (ec) {
                    throw Error(ErrorCode::io, fmt::format("cannot create directory '{}': {}",
                                                           tile_dir.string(), ec.message()));
                }
                write_png(tile_dir / (std::to_string(ty) + ".png"), tile_px, tile_px, pixels);
                ++written;
            }
        }
    }
    return written;
}

} // namespace covsim::io
