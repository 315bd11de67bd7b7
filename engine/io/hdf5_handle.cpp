#include "io/hdf5_handle.hpp"

#include "core/error.hpp"

namespace covsim::io::h5 {

Id check(hid_t id, const std::string& what) {
    if (id < 0) {
        throw Error(ErrorCode::io, "HDF5: " + what);
    }
    return Id(id);
}

void check(herr_t status, const std::string& what) {
    if (status < 0) {
        throw Error(ErrorCode::io, "HDF5: " + what);
    }
}

} // namespace covsim::io::h5
