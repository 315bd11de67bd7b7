// libFuzzer target: the site-layer reader (engine/io/site_layer) on an arbitrary CSV file, read
// through GDAL as covsim reads a planner's site spreadsheet. The study area is two 2 km
// districts in UTM 48N near Hanoi, as in the CLI tests. Every input must give sectors or a
// covsim::Error.

#include "core/error.hpp"
#include "io/site_layer.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <ogr_spatialref.h>
#include <string>
#include <unistd.h>

namespace {

covsim::StudyArea make_area() {
    covsim::StudyArea a;
    OGRSpatialReference utm;
    utm.importFromEPSG(32648);
    char* wkt = nullptr;
    utm.exportToWkt(&wkt);
    a.grid.crs_wkt = wkt;
    CPLFree(wkt);
    a.grid.origin_x_m = 584000.0;
    a.grid.origin_y_m = 2328000.0;
    a.grid.cell_size_m = 100.0;
    a.grid.width = 40;
    a.grid.height = 20;
    a.population = covsim::Raster<double>(a.grid, 10.0);
    a.district_index = covsim::Raster<std::int16_t>(a.grid, 0);
    for (std::int64_t r = 0; r < a.grid.height; ++r) {
        for (std::int64_t c = a.grid.width / 2; c < a.grid.width; ++c) {
            a.district_index.at(c, r) = 1;
        }
    }
    a.districts.resize(2);
    a.districts[0].code = "001";
    a.districts[1].code = "002";
    return a;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const covsim::StudyArea area = make_area();
    static const std::string path = "/tmp/covsim-fuzz-sites-" + std::to_string(getpid()) + ".csv";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    covsim::LayerSpec layer;
    layer.name = "lte-1800";
    layer.sites_path = path;
    try {
        (void)covsim::io::read_sectors(layer, 0, area);
    } catch (const covsim::Error&) {
        // Rejected with a message.
    }
    return 0;
}
