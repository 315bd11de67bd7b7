#include "io/geotiff_writer.hpp"

#include "core/error.hpp"
#include "io/gdal_support.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <type_traits>

namespace covsim::io {

namespace {

template <typename T>
constexpr GDALDataType gdal_type() {
    if constexpr (std::is_same_v<T, float>) {
        return GDT_Float32;
    } else if constexpr (std::is_same_v<T, double>) {
        return GDT_Float64;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return GDT_Int32;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return GDT_Int16;
    } else {
        static_assert(std::is_same_v<T, std::uint8_t>, "unsupported raster type");
        return GDT_Byte;
    }
}

} // namespace

template <typename T>
void write_geotiff(const std::filesystem::path& path, const Raster<T>& raster,
                   const MapDescription& d) {
    ensure_gdal();
    const Grid& g = raster.grid;
    GDALDatasetUniquePtr src = make_mem_dataset(g, gdal_type<T>());
    for (const auto& [key, value] : d.metadata) {
        src->SetMetadataItem(key.c_str(), value.c_str());
    }
    GDALRasterBand* band = src->GetRasterBand(1);
    band->SetNoDataValue(static_cast<double>(raster.nodata));
    band->SetDescription(d.description.c_str());
    band->SetUnitType(d.units.c_str());
    if (!d.color_table.empty()) {
        GDALColorTable table;
        for (std::size_t i = 0; i < d.color_table.size(); ++i) {
            const auto& c = d.color_table[i];
            GDALColorEntry e{c[0], c[1], c[2], c[3]};
            table.SetColorEntry(static_cast<int>(i), &e);
        }
        band->SetColorTable(&table);
        band->SetColorInterpretation(GCI_PaletteIndex);
    }
    if (band->RasterIO(GF_Write, 0, 0, static_cast<int>(g.width), static_cast<int>(g.height),
                       const_cast<T*>(raster.values.data()), static_cast<int>(g.width),
                       static_cast<int>(g.height), gdal_type<T>(), 0, 0) != CE_None) {
        throw Error(ErrorCode::internal, "cannot fill the in-memory map");
    }

    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    const char* resampling =
        d.overviews == OverviewResampling::nearest ? "RESAMPLING=NEAREST" : "RESAMPLING=AVERAGE";
    const char* options[] = {"COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=256",
                             resampling,         "NUM_THREADS=1", nullptr};
    CPLErrorReset();
    GDALDatasetUniquePtr out(cog->CreateCopy(path.string().c_str(), src.get(), FALSE,
                                             const_cast<char**>(options), nullptr, nullptr));
    if (!out) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write map '{}' ({})", path.string(), gdal_error_detail()));
    }
    out.reset(); // flush and close before the caller renames the file
}

template void write_geotiff(const std::filesystem::path&, const Raster<float>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<double>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::int32_t>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::int16_t>&,
                            const MapDescription&);
template void write_geotiff(const std::filesystem::path&, const Raster<std::uint8_t>&,
                            const MapDescription&);

} // namespace covsim::io
