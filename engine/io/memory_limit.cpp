#include "io/memory_limit.hpp"

#include "core/error.hpp"

#include <cmath>
#include <fmt/format.h>
#include <unistd.h>

namespace covsim::io {

namespace {

constexpr double usable_share = 0.8;

double budget_bytes() noexcept {
    return usable_share * static_cast<double>(physical_memory_bytes());
}

} // namespace

std::uint64_t physical_memory_bytes() noexcept {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) {
        return 0;
    }
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

void check_memory(std::uint64_t bytes, std::string_view what, std::string_view advice) {
    const double budget = budget_bytes();
    if (budget <= 0.0 || static_cast<double>(bytes) <= budget) {
        return;
    }
    throw Error(ErrorCode::limit,
                fmt::format("{} needs about {:.1f} GB of memory; this machine has {:.1f} GB. {}",
                            what, static_cast<double>(bytes) / 1e9,
                            static_cast<double>(physical_memory_bytes()) / 1e9, advice));
}

double coarser_resolution_m(std::uint64_t bytes, double resolution_m) noexcept {
    const double budget = budget_bytes();
    if (budget <= 0.0) {
        return resolution_m;
    }
    const double needed = resolution_m * std::sqrt(static_cast<double>(bytes) / budget);
    double step = std::pow(10.0, std::floor(std::log10(needed)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * step >= needed) {
            return m * step;
        }
    }
    return 10.0 * step;
}

} // namespace covsim::io
