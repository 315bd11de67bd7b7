#include "io/georaster.hpp"

#include "core/error.hpp"
#include "core/terrain.hpp"
#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <gdal_utils.h>
#include <limits>
#include <numbers>
#include <spdlog/spdlog.h>
#include <type_traits>
#include <vector>

namespace covsim::io {

namespace {

// Latitude (in the source CRS's angular unit) of every cell centre of one grid row, from the
// centres of every `step`-th cell (and the last) transformed exactly and linearly interpolated
// between: a grid in metres maps smoothly to latitude (for UTM the interpolation's error over
// 16 cells of 30 m is below 1e-9 rad), and one PROJ call per cell was a tenth of a terrain run.
void row_latitudes(const Grid& grid, std::int64_t row, OGRCoordinateTransformation& to_src,
                   std::vector<double>& lat) {
    constexpr std::int64_t step = 16;
    std::vector<std::int64_t> cols;
    for (std::int64_t col = 0; col < grid.width - 1; col += step) {
        cols.push_back(col);
    }
    cols.push_back(grid.width - 1);
    std::vector<double> xs(cols.size());
    std::vector<double> ys(cols.size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
        xs[i] = grid.center_x_m(cols[i]);
        ys[i] = grid.center_y_m(row);
    }
    to_src.Transform(cols.size(), xs.data(), ys.data());
    lat.resize(static_cast<std::size_t>(grid.width));
    lat[0] = ys[0];
    for (std::size_t i = 1; i < cols.size(); ++i) {
        const std::int64_t c0 = cols[i - 1];
        const double span = static_cast<double>(cols[i] - c0);
        for (std::int64_t col = c0 + 1; col <= cols[i]; ++col) {
            const double t = static_cast<double>(col - c0) / span;
            lat[static_cast<std::size_t>(col)] = ys[i - 1] + t * (ys[i] - ys[i - 1]);
        }
    }
}

// The area of the source pixel containing each analysis cell, m^2, one grid row at a time:
// constant for a projected source; for a geographic one, the area of a Δλ x Δφ cell on the
// sphere of equal area (authalic radius of WGS 84, 6371007.2 m) at the cell's latitude. Per row,
// so that no raster of areas as large as the grid is held (and its pages faulted) beside the map.
class SourcePixelArea {
public:
    SourcePixelArea(const Grid& grid, GDALDataset& src, const OGRSpatialReference& src_srs,
                    const OGRSpatialReference& grid_srs)
        : grid_(grid) {
        std::array<double, 6> gt{};
        src.GetGeoTransform(gt.data());
        if (!src_srs.IsGeographic()) { // every row's areas, once
            const double unit = src_srs.GetLinearUnits();
            const double det = std::abs(gt[1] * gt[5] - gt[2] * gt[4]);
            area_.assign(static_cast<std::size_t>(grid.width), det * unit * unit);
            return;
        }
        constexpr double authalic_radius_m = 6371007.2;
        deg_ = src_srs.GetAngularUnits(); // radians per unit of the CRS
        const double dlon = std::abs(gt[1]) * deg_;
        const double dlat = std::abs(gt[5]) * deg_;
        // R² Δλ |sin(φ + Δφ/2) - sin(φ - Δφ/2)| = R² Δλ 2 sin(Δφ/2) cos φ.
        band_m2_ = authalic_radius_m * authalic_radius_m * dlon * 2 * std::sin(dlat / 2);
        to_src_ = make_transform(grid_srs, src_srs);
    }

    // The areas of row `row`'s cells, valid until the next call.
    const std::vector<double>& row(std::int64_t row) {
        if (!to_src_) {
            return area_;
        }
        const auto width = static_cast<std::size_t>(grid_.width);
        row_latitudes(grid_, row, *to_src_, lats_);
        area_.resize(width);
        for (std::size_t col = 0; col < width; ++col) {
            area_[col] = band_m2_ * std::abs(std::cos(lats_[col] * deg_));
        }
        return area_;
    }

private:
    const Grid& grid_;
    double deg_ = 0.0;
    double band_m2_ = 0.0;
    TransformPtr to_src_;
    std::vector<double> lats_;
    std::vector<double> area_;
};

} // namespace

GeoRaster open_georeferenced(const std::filesystem::path& path, std::string_view what) {
    GeoRaster out;
    out.dataset = open_raster(path, what);
    const OGRSpatialReference* sref = out.dataset->GetSpatialRef();
    if (!is_earth_crs(sref)) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} '{}': no coordinate reference system; assign one, e.g. "
                                "gdal_edit.py -a_srs EPSG:4326",
                                what, path.string()));
    }
    out.srs = *sref;
    out.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (out.dataset->GetGeoTransform(out.geotransform.data()) != CE_None) {
        throw Error(ErrorCode::input_data, fmt::format("{} '{}': no geotransform (not "
                                                       "georeferenced)",
                                                       what, path.string()));
    }
    return out;
}

template <typename T>
Raster<T> warp_onto(std::span<const GeoRaster* const> sources, const Grid& grid,
                    const char* resampling, T nodata, std::string_view what,
                    const std::string& file) {
    constexpr GDALDataType type = gdal_type<T>();
    Raster<T> out(grid, nodata);
    auto dst = mem_dataset_over(grid, type, out.values.data());
    dst->GetRasterBand(1)->SetNoDataValue(static_cast<double>(nodata));
    // The band starts as nodata. With several sources, INIT_DEST would reset each source's
    // window to nodata, erasing the tiles warped before it; a single source keeps it.
    // A single-precision map (the DEM) is interpolated into single precision: GDAL would work in
    // double precision for a source with a nodata value and round on writing, the same values
    // with twice the working memory (bench/run-peers' 1 arc-second tiles: 19 MiB more).
    std::vector<const char*> argv = {"-r", resampling};
    if constexpr (std::is_same_v<T, float>) {
        argv.insert(argv.end(), {"-wt", "Float32"});
    }
    if (sources.size() == 1) {
        argv.insert(argv.end(), {"-wo", "INIT_DEST=NO_DATA"});
    }
    argv.push_back(nullptr);
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(const_cast<char**>(argv.data()), nullptr);
    std::vector<GDALDatasetH> handles;
    for (const GeoRaster* src : sources) {
        handles.push_back(GDALDataset::ToHandle(src->dataset.get()));
    }
    int usage_error = 0;
    CPLErrorReset();
    GDALDatasetH result =
        GDALWarp(nullptr, GDALDataset::ToHandle(dst.get()), static_cast<int>(handles.size()),
                 handles.data(), options, &usage_error);
    GDALWarpAppOptionsFree(options);
    if (result == nullptr) {
        throw Error(ErrorCode::input_data,
                    fmt::format("{} '{}': cannot warp it onto the analysis grid ({})", what, file,
                                gdal_error_detail()));
    }
    dst.reset(); // closing writes the blocks GDAL may hold in its cache into `out`
    return out;
}

template Raster<float> warp_onto(std::span<const GeoRaster* const>, const Grid&, const char*, float,
                                 std::string_view, const std::string&);
template Raster<double> warp_onto(std::span<const GeoRaster* const>, const Grid&, const char*,
                                  double, std::string_view, const std::string&);
template Raster<std::uint8_t> warp_onto(std::span<const GeoRaster* const>, const Grid&, const char*,
                                        std::uint8_t, std::string_view, const std::string&);

Raster<double> warp_population(const std::filesystem::path& path, const Grid& grid,
                               const OGRSpatialReference& grid_srs) {
    const std::string file = path.string();
    GeoRaster geo = open_georeferenced(path, "population raster");
    const OGRSpatialReference& src_srs = geo.srs;
    Raster<double> people = warp_onto(
        geo, grid, "average", std::numeric_limits<double>::quiet_NaN(), "population raster", file);
    SourcePixelArea src_area(grid, *geo.dataset, src_srs, grid_srs);
    const double cell_area = grid.cell_area_m2();
    std::uint64_t negative = 0;
    for (std::int64_t row = 0; row < grid.height; ++row) {
        const std::vector<double>& area = src_area.row(row);
        double* values = people.values.data() + grid.index(0, row);
        for (std::size_t col = 0; col < area.size(); ++col) {
            double& v = values[col];
            if (!std::isfinite(v)) {
                v = 0.0;
            } else if (v < 0.0) {
                ++negative;
                v = 0.0;
            } else {
                v *= cell_area / area[col];
            }
        }
    }
    if (negative > 0) {
        spdlog::warn("population raster '{}': {} cells with negative values counted as 0 people "
                     "(is the raster's nodata value set?)",
                     file, negative);
    }
    return people;
}

double pixel_spacing_m(const GeoRaster& raster, const Grid& grid,
                       const OGRSpatialReference& grid_srs) {
    const OGRSpatialReference& src_srs = raster.srs;
    const std::array<double, 6>& gt = raster.geotransform;
    double spacing = std::min(std::abs(gt[1]), std::abs(gt[5]));
    if (src_srs.IsGeographic()) {
        double x = (grid.origin_x_m + grid.east_m()) / 2.0;
        double y = (grid.origin_y_m + grid.south_m()) / 2.0;
        auto to_src = make_transform(grid_srs, src_srs);
        to_src->Transform(1, &x, &y);
        constexpr double metres_per_degree = 6371007.2 * std::numbers::pi / 180.0;
        const double rad = src_srs.GetAngularUnits() / (std::numbers::pi / 180.0);
        spacing = std::min(std::abs(gt[1]) * std::cos(y * std::numbers::pi / 180.0 * rad),
                           std::abs(gt[5])) *
                  rad * metres_per_degree;
    } else {
        spacing *= src_srs.GetLinearUnits();
    }
    return std::max(spacing, 1.0);
}

Grid terrain_grid(const Grid& grid, double spacing_m, const std::string& file) {
    Grid dem_grid = aligned_grid(grid.origin_x_m, grid.south_m(), grid.east_m(), grid.origin_y_m,
                                 spacing_m, grid.crs_wkt);
    if (static_cast<double>(dem_grid.cell_count()) > 4e8) {
        throw Error(ErrorCode::limit,
                    fmt::format("DEM '{}': {} x {} cells of {:.1f} m over the study area need "
                                "more than 1.6 GB; resample it to a coarser spacing first",
                                file, dem_grid.width, dem_grid.height, spacing_m));
    }
    return dem_grid;
}

void check_elevation_unit(const GeoRaster& dem, const std::string& file) {
    std::string unit = dem.dataset->GetRasterBand(1)->GetUnitType();
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* metres : {"", "m", "metre", "metres", "meter", "meters"}) {
        if (unit == metres) {
            return;
        }
    }
    throw Error(ErrorCode::input_data,
                fmt::format("DEM '{}': band 1's unit is '{}', expected metres ('m' or no unit); "
                            "convert the elevations to metres first",
                            file, dem.dataset->GetRasterBand(1)->GetUnitType()));
}

void check_elevation_range(const Raster<float>& terrain, const std::string& what) {
    const Grid& grid = terrain.grid;
    for (std::int64_t row = 0; row < grid.height; ++row) {
        for (std::int64_t col = 0; col < grid.width; ++col) {
            const double z = static_cast<double>(terrain.at(col, row));
            if (std::isfinite(z) && (z < min_elevation_m || z > max_elevation_m)) {
                throw Error(ErrorCode::input_data,
                            fmt::format("{} has an elevation of {:g} m at ({:.1f}, {:.1f}), "
                                        "expected [{:g}, {:g}] m; declare its nodata value, or "
                                        "convert it to metres",
                                        what, z, grid.center_x_m(col), grid.center_y_m(row),
                                        min_elevation_m, max_elevation_m));
            }
        }
    }
}

ElevationCoverage elevation_coverage(const Raster<std::int16_t>& district_index,
                                     const Raster<float>& terrain) {
    const Grid& grid = district_index.grid;
    ElevationCoverage out;
    for (std::int64_t row = 0; row < grid.height; ++row) {
        for (std::int64_t col = 0; col < grid.width; ++col) {
            if (district_index.at(col, row) < 0) {
                continue;
            }
            ++out.district_cells;
            out.missing +=
                std::isfinite(sample_bilinear(terrain, grid.center_x_m(col), grid.center_y_m(row)))
                    ? 0
                    : 1;
        }
    }
    return out;
}

ElevationCoverage check_elevation_coverage(const Raster<std::int16_t>& district_index,
                                           const Raster<float>& terrain, const std::string& what) {
    const ElevationCoverage out = elevation_coverage(district_index, terrain);
    if (out.missing == out.district_cells) {
        throw Error(
            ErrorCode::input_data,
            fmt::format("{} has no elevation inside the districts; does it cover them?", what));
    }
    if (out.missing > 0) {
        spdlog::warn("{}: {} of {} cells in the districts have no elevation; they are computed "
                     "without terrain",
                     what, out.missing, out.district_cells);
    }
    return out;
}

} // namespace covsim::io
