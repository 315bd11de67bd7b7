#include "io/rasterize.hpp"

#include "core/error.hpp"
#include "io/gdal_support.hpp"

#include <gdal_alg.h>

namespace covsim::io {

Raster<std::int16_t> rasterize_polygons(const Grid& grid,
                                        const std::vector<const OGRGeometry*>& polygons) {
    Raster<std::int16_t> out(grid, -1);
    GDALDatasetUniquePtr ds = mem_dataset_over(grid, GDT_Int16, out.values.data());
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
    ds.reset(); // closing writes the blocks GDAL may hold in its cache into `out`
    return out;
}

} // namespace covsim::io
