#include "io/hdf5_chunks.hpp"
#include "support/test_support.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <vector>

using namespace covsim;
using io::h5::check;
using io::h5::Id;

namespace {

// A dataset created as results.h5 creates its maps: chunked, shuffled and deflated.
template <typename T>
Id create_map_dataset(hid_t file, const char* name, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk) {
    Id space =
        check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space");
    Id dcpl = check(H5Pcreate(H5P_DATASET_CREATE), "dcpl");
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk");
    check(H5Pset_shuffle(dcpl), "shuffle");
    check(H5Pset_deflate(dcpl, io::h5::map_deflate_level), "deflate");
    return check(
        H5Dcreate2(file, name, io::h5::memory_type<T>(), space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        "dataset");
}

// Writes `planes` (each height x width) through write_filtered_chunks into a dataset created
// as results.h5 creates its maps, reads the dataset back with HDF5's own filters (zlib's
// inflate) and returns it with its chunks' stored bytes.
template <typename T>
std::vector<T> round_trip(const std::filesystem::path& file,
                          const std::vector<std::vector<T>>& planes, std::size_t height,
                          std::size_t width, bool stacked, T pad, hsize_t& stored_bytes) {
    std::vector<hsize_t> dims{height, width};
    std::vector<hsize_t> chunk{std::min<hsize_t>(height, 256), std::min<hsize_t>(width, 256)};
    if (stacked) {
        dims.insert(dims.begin(), planes.size());
        chunk.insert(chunk.begin(), 1);
    }
    {
        Id f = check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "file");
        Id ds = create_map_dataset<T>(f, "map", dims, chunk);
        std::vector<const std::byte*> data;
        for (const auto& p : planes) {
            data.push_back(reinterpret_cast<const std::byte*>(p.data()));
        }
        io::h5::write_filtered_chunks(ds, {data, height, width, sizeof(T),
                                           static_cast<std::size_t>(chunk[chunk.size() - 2]),
                                           static_cast<std::size_t>(chunk.back()),
                                           reinterpret_cast<const std::byte*>(&pad), stacked});
    }
    Id f = check(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "file");
    Id ds = check(H5Dopen2(f, "map", H5P_DEFAULT), "dataset");
    Id dcpl = check(H5Dget_create_plist(ds), "dcpl");
    EXPECT_EQ(H5Pget_nfilters(dcpl), 2);
    stored_bytes = H5Dget_storage_size(ds);
    std::vector<T> back(planes.size() * height * width);
    check(H5Dread(ds, io::h5::memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()),
          "read");
    return back;
}

template <typename T>
std::vector<T> concatenated(const std::vector<std::vector<T>>& planes) {
    std::vector<T> all;
    for (const auto& p : planes) {
        all.insert(all.end(), p.begin(), p.end());
    }
    return all;
}

} // namespace

// A stack of three float maps of 300 x 600 cells (edge chunks on both axes), more chunks than
// one batch of the writer, read back by HDF5 through its shuffle and zlib filters: bit for bit.
TEST(Hdf5Chunks, AStackReadsBackThroughHdf5sOwnFiltersBitForBit) {
    test::TempDir dir;
    const std::size_t h = 300;
    const std::size_t w = 600;
    std::vector<std::vector<float>> planes(3, std::vector<float>(h * w));
    for (std::size_t k = 0; k < planes.size(); ++k) {
        for (std::size_t i = 0; i < h * w; ++i) {
            const double x = static_cast<double>(i % w);
            const double y = static_cast<double>(i / w);
            planes[k][i] = i % 97 == 0 ? -9999.0f
                                       : static_cast<float>(-70.0 - 30.0 * std::sin(x / 37.0 + k) *
                                                                        std::cos(y / 23.0));
        }
    }
    hsize_t stored = 0;
    const auto back = round_trip<float>(dir / "stack.h5", planes, h, w, true, -9999.0f, stored);
    EXPECT_EQ(back, concatenated(planes));
    EXPECT_LT(stored, h * w * planes.size() * sizeof(float)); // compressed

    // More chunks than a batch: 70 planes of 1 x 300 cells (2 chunks each).
    std::vector<std::vector<std::int32_t>> rows(70, std::vector<std::int32_t>(300));
    for (std::size_t k = 0; k < rows.size(); ++k) {
        for (std::size_t i = 0; i < 300; ++i) {
            rows[k][i] = static_cast<std::int32_t>(k * 1000 + i * i % 7919) - 5000;
        }
    }
    const auto rows_back =
        round_trip<std::int32_t>(dir / "rows.h5", rows, 1, 300, true, -1, stored);
    EXPECT_EQ(rows_back, concatenated(rows));
}

// One map of bytes (no shuffle in effect), of 16-bit integers and of doubles, each but the
// second smaller than a chunk on one axis and larger on the other.
TEST(Hdf5Chunks, OneMapOfAnyElementSizeReadsBack) {
    test::TempDir dir;
    std::vector<std::vector<std::uint8_t>> bytes(1, std::vector<std::uint8_t>(700 * 5));
    for (std::size_t i = 0; i < bytes[0].size(); ++i) {
        bytes[0][i] = static_cast<std::uint8_t>(i % 3 == 0 ? 255 : (i / 7) % 2);
    }
    hsize_t stored = 0;
    EXPECT_EQ(round_trip<std::uint8_t>(dir / "bytes.h5", bytes, 700, 5, false, 255, stored),
              bytes[0]);
    std::vector<std::vector<std::int16_t>> districts(1, std::vector<std::int16_t>(300 * 260));
    for (std::size_t i = 0; i < districts[0].size(); ++i) {
        districts[0][i] = static_cast<std::int16_t>(i % 260 < 20 ? -1 : (i / 9000) % 30);
    }
    EXPECT_EQ(round_trip<std::int16_t>(dir / "districts.h5", districts, 300, 260, false,
                                       std::int16_t{-1}, stored),
              districts[0]);
    std::vector<std::vector<double>> people(1, std::vector<double>(3 * 1000));
    for (std::size_t i = 0; i < people[0].size(); ++i) {
        people[0][i] = std::sqrt(static_cast<double>(i)) * 1.25;
    }
    EXPECT_EQ(round_trip<double>(dir / "people.h5", people, 3, 1000, false, 0.0, stored),
              people[0]);
}

// A one-layer stack whose chunks are copied from the one-map dataset written from the same
// bytes (edge chunks on both axes): read back through HDF5's filters, bit for bit, with the same
// stored bytes as the map's.
TEST(Hdf5Chunks, ALayerStackCopiesTheChunksOfTheSameMap) {
    test::TempDir dir;
    const hsize_t h = 300;
    const hsize_t w = 520;
    std::vector<float> map(h * w);
    for (std::size_t i = 0; i < map.size(); ++i) {
        map[i] = i % 89 == 0 ? std::nanf("")
                             : static_cast<float>(-80.0 + 25.0 * std::sin(i * 0.001) +
                                                  static_cast<double>(i % w) * 0.01);
    }
    const float pad = std::nanf("");
    const std::vector<const std::byte*> planes{reinterpret_cast<const std::byte*>(map.data())};
    const auto path = dir / "copied.h5";
    {
        Id f = check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "file");
        Id one = create_map_dataset<float>(f, "map", {h, w}, {256, 256});
        const io::h5::Planes p{
            planes, h, w, sizeof(float), 256, 256, reinterpret_cast<const std::byte*>(&pad), false};
        io::h5::write_filtered_chunks(one, p);
        Id stack = create_map_dataset<float>(f, "stack", {1, h, w}, {1, 256, 256});
        io::h5::Planes stacked = p;
        stacked.stacked = true;
        io::h5::copy_filtered_chunks(one, stack, stacked);
    }
    Id f = check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "file");
    Id one = check(H5Dopen2(f, "map", H5P_DEFAULT), "map");
    Id stack = check(H5Dopen2(f, "stack", H5P_DEFAULT), "stack");
    std::vector<float> back(h * w);
    check(H5Dread(stack, io::h5::memory_type<float>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()),
          "read");
    EXPECT_EQ(std::memcmp(back.data(), map.data(), map.size() * sizeof(float)), 0);
    EXPECT_EQ(H5Dget_storage_size(stack), H5Dget_storage_size(one));
    EXPECT_LT(H5Dget_storage_size(stack), h * w * sizeof(float)); // compressed, not raw
}
