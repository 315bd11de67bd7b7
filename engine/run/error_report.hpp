#pragma once
// What a user is told of a failure: the exit code and the message of the exception being
// handled, the same for the command line (tools/covsim/main.cpp) and for a failure reported by
// another MPI rank (cluster/mpi.cpp).

#include "core/error.hpp"

#include <exception>
#include <fmt/format.h>
#include <new>
#include <string>

namespace covsim {

struct ErrorReport {
    int exit_code = 0;
    std::string message;
};

// Call inside a catch block: a covsim::Error's code and text; out of memory as ErrorCode::limit
// with what to try; any other std::exception as an internal error. Rethrows anything else.
inline ErrorReport current_error_report() {
    try {
        throw;
    } catch (const Error& e) {
        return {e.exit_code(), e.what()};
    } catch (const std::bad_alloc&) {
        return {static_cast<int>(ErrorCode::limit),
                "out of memory; try a coarser resolution_m or fewer scenarios at once"};
    } catch (const std::exception& e) {
        return {static_cast<int>(ErrorCode::internal), fmt::format("internal error: {}", e.what())};
    }
}

} // namespace covsim
