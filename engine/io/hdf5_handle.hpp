#pragma once
// RAII for HDF5 identifiers and the few typed helpers the results writer and reader need.

#include <cstdint>
#include <hdf5.h>
#include <string>
#include <type_traits>
#include <utility>

namespace covsim::io::h5 {

// Owns one HDF5 identifier and closes it with H5Idec_ref.
class Id {
public:
    Id() = default;
    explicit Id(hid_t id) : id_(id) {}
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;
    Id(Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
    Id& operator=(Id&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = std::exchange(o.id_, H5I_INVALID_HID);
        }
        return *this;
    }
    ~Id() { reset(); }

    void reset() noexcept {
        if (id_ >= 0) {
            H5Idec_ref(id_);
        }
        id_ = H5I_INVALID_HID;
    }
    [[nodiscard]] hid_t get() const noexcept { return id_; }
    [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }
    operator hid_t() const noexcept { return id_; } // NOLINT: used as a plain hid_t

private:
    hid_t id_ = H5I_INVALID_HID;
};

// Throws covsim::Error(io) with `what` when id < 0.
Id check(hid_t id, const std::string& what);
void check(herr_t status, const std::string& what);

// The HDF5 memory type of the numbers of type T.
template <typename T>
hid_t memory_type() {
    if constexpr (std::is_same_v<T, float>) {
        return H5T_NATIVE_FLOAT;
    } else if constexpr (std::is_same_v<T, double>) {
        return H5T_NATIVE_DOUBLE;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return H5T_NATIVE_INT32;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return H5T_NATIVE_INT16;
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        return H5T_NATIVE_UINT64;
    } else {
        static_assert(std::is_same_v<T, std::uint8_t>, "no HDF5 memory type for this type");
        return H5T_NATIVE_UINT8;
    }
}

} // namespace covsim::io::h5
