#include "io/rasterize.hpp"

#include "core/error.hpp"
#include "io/gdal_support.hpp"

#include <gdal_alg.h>

namespace covsim::io {

Raster<std::int16_t> rasterize_polygons(const Grid& grid,
                                        const std::vector<const OGRGeometry*>& polygons) {
    GDALDatasetUniquePtr ds = make_mem_dataset(grid, GDT_Int16);
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->Fill(-1.0);
    std::vector<OGRGeometryH> handles;
    std::vector<double> burn;
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        handles.push_back(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(polygons[i])));
        burn.push_back(static_cast<double>(i));
    }
    int bands[] = {1};
    if (GDALRasterizeGeometries(ds.get(), 1, bands, static_cast<int>(handles.size()),
                                handles.data(), nullptr, nullptr, burn.data(), nullptr, nullptr,
                                nullptr) != CE_None) {
        throw Error(ErrorCode::input_data,
                    "cannot rasterize the districts (" + gdal_error_detail() + ")");
    }
    Raster<std::int16_t> out(grid, -1);
    if (band->RasterIO(GF_Read, 0, 0, static_cast<int>(grid.width), static_cast<int>(grid.height),
                       out.values.data(), static_cast<int>(grid.width),
                       static_cast<int>(grid.height), GDT_Int16, 0, 0) != CE_None) {
        throw Error(ErrorCode::internal, "cannot read back the rasterized districts");
    }
    return out;
}

} // namespace covsim::io
