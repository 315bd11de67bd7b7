#pragma once
// The files GDAL reads for a dataset, so that a variant's input checksum covers every byte its
// results depend on (run/batch_steps, checksum_variants), not only the file the scenario names:
// a shapefile's .shx, .dbf, .prj and .cpg, a raster's .aux.xml, world file and overviews, a
// VRT's sources and theirs (a VRT of VRTs), a CSV's .csvt and .prj, a GeoPackage's write-ahead
// log. GDAL lists a dataset's files (GDALDataset::GetFileList); covsim opens every file listed
// and adds its list in turn, until nothing new appears. What cannot be listed is said so, and
// the caller must not trust a checksum over it.

#include <filesystem>
#include <string>
#include <vector>

namespace covsim::io {

struct DatasetFiles {
    // Besides the dataset's own file: every local file GDAL reads for it, in the order found, as
    // GDAL names them (relative paths stay relative to the working directory).
    std::vector<std::filesystem::path> others;
    std::vector<std::string> remote; // sources read over the network (/vsicurl/..., http://...)
    std::string unlisted;            // non-empty: why some of what GDAL reads cannot be listed
};

// At most this many files per dataset (a VRT mosaic of SRTM tiles has hundreds).
inline constexpr std::size_t max_dataset_files = 100000;

DatasetFiles dataset_files(const std::filesystem::path& path);

} // namespace covsim::io
