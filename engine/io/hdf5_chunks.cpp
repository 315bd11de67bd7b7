#include "io/hdf5_chunks.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <libdeflate.h>
#include <memory>
#include <tbb/task_arena.h>
#include <vector>

namespace covsim::io::h5 {

namespace {

static_assert(std::endian::native == std::endian::little,
              "results.h5 stores little-endian numbers and writes memory as it is");

// Chunks compressed at a time: bounds the compressed bytes held before they are written.
constexpr std::size_t chunks_per_batch = 64;

struct CompressorDeleter {
    void operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }
};
using Compressor = std::unique_ptr<libdeflate_compressor, CompressorDeleter>;

struct ChunkGrid {
    std::size_t rows = 0; // chunks down a plane
    std::size_t cols = 0; // chunks across a plane
    std::size_t per_plane() const { return rows * cols; }
};

// The elements of chunk (row, col) of `plane`, padded to the full chunk.
void gather(const Planes& p, const std::byte* plane, std::size_t row, std::size_t col,
            std::vector<std::byte>& out) {
    const std::size_t e = p.element_size;
    out.resize(p.chunk_rows * p.chunk_cols * e);
    const std::size_t r0 = row * p.chunk_rows;
    const std::size_t c0 = col * p.chunk_cols;
    const std::size_t n_cols = std::min(p.chunk_cols, p.width - c0);
    for (std::size_t r = 0; r < p.chunk_rows; ++r) {
        std::byte* dst = out.data() + r * p.chunk_cols * e;
        std::size_t filled = 0;
        if (r0 + r < p.height) {
            std::memcpy(dst, plane + ((r0 + r) * p.width + c0) * e, n_cols * e);
            filled = n_cols;
        }
        for (std::size_t c = filled; c < p.chunk_cols; ++c) {
            std::memcpy(dst + c * e, p.pad, e);
        }
    }
}

// HDF5's shuffle filter (H5Z_FILTER_SHUFFLE): byte j of element i goes to j * n + i.
void shuffle(const std::vector<std::byte>& in, std::size_t element_size,
             std::vector<std::byte>& out) {
    const std::size_t n = in.size() / element_size;
    out.resize(in.size());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < element_size; ++j) {
            out[j * n + i] = in[i * element_size + j];
        }
    }
}

std::vector<std::byte> compress_chunk(const Planes& p, const ChunkGrid& grid, std::size_t index,
                                      libdeflate_compressor* compressor) {
    const std::size_t plane = index / grid.per_plane();
    const std::size_t in_plane = index % grid.per_plane();
    std::vector<std::byte> raw;
    gather(p, p.data[plane], in_plane / grid.cols, in_plane % grid.cols, raw);
    std::vector<std::byte> shuffled;
    if (p.element_size > 1) {
        shuffle(raw, p.element_size, shuffled);
    } else {
        shuffled.swap(raw);
    }
    std::vector<std::byte> out(libdeflate_zlib_compress_bound(compressor, shuffled.size()));
    const std::size_t n = libdeflate_zlib_compress(compressor, shuffled.data(), shuffled.size(),
                                                   out.data(), out.size());
    if (n == 0) {
        throw Error(ErrorCode::internal, "libdeflate could not compress a chunk of results.h5");
    }
    out.resize(n);
    return out;
}

// The dataset offset of chunk `index` (planes one after the other).
std::vector<hsize_t> chunk_offset(const Planes& p, const ChunkGrid& grid, std::size_t index) {
    const std::size_t plane = index / grid.per_plane();
    const std::size_t in_plane = index % grid.per_plane();
    std::vector<hsize_t> offset;
    if (p.stacked) {
        offset.push_back(plane);
    }
    offset.push_back((in_plane / grid.cols) * p.chunk_rows);
    offset.push_back((in_plane % grid.cols) * p.chunk_cols);
    return offset;
}

void write_chunk(hid_t dataset, const Planes& p, const ChunkGrid& grid, std::size_t index,
                 const std::vector<std::byte>& bytes) {
    const std::vector<hsize_t> offset = chunk_offset(p, grid, index);
    check(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, offset.data(), bytes.size(), bytes.data()),
          fmt::format("write chunk {} of a map", index));
}

ChunkGrid chunk_grid(const Planes& p) {
    return {(p.height + p.chunk_rows - 1) / p.chunk_rows,
            (p.width + p.chunk_cols - 1) / p.chunk_cols};
}

// Chunks first, first + 1, ... into batch[0], batch[1], ..., in parallel.
void compress_batch(const Planes& p, const ChunkGrid& grid, std::size_t first,
                    std::vector<std::vector<std::byte>>& batch) {
    parallel::for_ranges(tbb::blocked_range<std::size_t>(0, batch.size()),
                         [&](const tbb::blocked_range<std::size_t>& r) {
                             Compressor compressor(libdeflate_alloc_compressor(map_deflate_level));
                             if (!compressor) {
                                 throw std::bad_alloc();
                             }
                             for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                 batch[i] = compress_chunk(p, grid, first + i, compressor.get());
                             }
                         });
}

} // namespace

void write_filtered_chunks(hid_t dataset, const Planes& p) {
    const ChunkGrid grid = chunk_grid(p);
    const std::size_t count = grid.per_plane() * p.data.size();
    std::vector<std::vector<std::byte>> batch;
    for (std::size_t first = 0; first < count; first += chunks_per_batch) {
        batch.assign(std::min(chunks_per_batch, count - first), {});
        // Isolated: the caller holds the lock on HDF5 (one results.h5 written at a time); while
        // it waits for these chunks its thread must not take another variant's work, which could
        // wait for that lock.
        tbb::this_task_arena::isolate([&] { compress_batch(p, grid, first, batch); });
        for (std::size_t i = 0; i < batch.size(); ++i) { // HDF5 on the calling thread only
            write_chunk(dataset, p, grid, first + i, batch[i]);
        }
    }
}

void copy_filtered_chunks(hid_t source, hid_t dataset, const Planes& p) {
    const ChunkGrid grid = chunk_grid(p);
    Planes one_map = p;
    one_map.stacked = false;
    std::vector<std::byte> bytes;
    for (std::size_t index = 0; index < grid.per_plane(); ++index) {
        const std::vector<hsize_t> from = chunk_offset(one_map, grid, index);
        hsize_t size = 0;
        check(H5Dget_chunk_storage_size(source, from.data(), &size),
              fmt::format("size of chunk {} of a map", index));
        bytes.resize(size);
        std::uint32_t filters = 0;
        check(H5Dread_chunk(source, H5P_DEFAULT, from.data(), &filters, bytes.data()),
              fmt::format("read chunk {} of a map", index));
        const std::vector<hsize_t> to = chunk_offset(p, grid, index);
        check(H5Dwrite_chunk(dataset, H5P_DEFAULT, filters, to.data(), bytes.size(), bytes.data()),
              fmt::format("write chunk {} of a map", index));
    }
}

} // namespace covsim::io::h5
