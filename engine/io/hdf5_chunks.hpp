#pragma once
// Writes the maps of results.h5 already filtered: every chunk shuffled and compressed here, in
// parallel, then stored as it is with H5Dwrite_chunk. The datasets declare HDF5's own shuffle
// and deflate filters, so every reader (h5py, xarray, netCDF, GDAL, R) decodes them as usual.
//
// Why: HDF5 runs its filters on the calling thread with zlib; compressing the maps was a fifth
// of a single-site terrain run's CPU time (bench/README.md). libdeflate writes a zlib stream
// (RFC 1950) of the same size in about half of zlib's time (0.065 s against 0.12 s for the
// 1.8 M-cell SINR map, level 4), and chunks compress on every thread.

#include "io/hdf5_handle.hpp"

#include <cstddef>
#include <span>

namespace covsim::io::h5 {

// The deflate level of results.h5's maps (libdeflate's scale, 1-12; 1 = fastest). Level 1, as
// the GeoTIFF maps' ZLEVEL: on bench/run-peers' maps 30 % less time than level 4 for 2-5 %
// larger chunks.
inline constexpr int map_deflate_level = 1;

// A stack of planes (height x width elements of element_size bytes each, row-major) stored as
// a dataset of shape {height, width} (one plane) or {planes, height, width}, in chunks of
// {1,} chunk_rows x chunk_cols. The edge chunks are padded with `pad` (one element's bytes).
struct Planes {
    std::span<const std::byte* const> data;
    std::size_t height = 0;
    std::size_t width = 0;
    std::size_t element_size = 0;
    std::size_t chunk_rows = 0;
    std::size_t chunk_cols = 0;
    const std::byte* pad = nullptr;
    bool stacked = false; // {planes, height, width}, else {height, width} with one plane
};

// Writes every chunk of `planes` into `dataset`, which was created chunked as `planes` says,
// with the shuffle filter then the deflate filter.
void write_filtered_chunks(hid_t dataset, const Planes& planes);

// Writes the one plane of `dataset` (planes.data has one element, which is not read) with the
// stored chunks of `source`: a {height, width} dataset that write_filtered_chunks wrote from the
// same bytes, with the same chunks, type and filters. The compressed chunks are copied as they
// are, not compressed again (a one-layer run's layer maps equal its combined maps).
void copy_filtered_chunks(hid_t source, hid_t dataset, const Planes& planes);

} // namespace covsim::io::h5
