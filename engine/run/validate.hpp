#pragma once
// `covsim validate`: everything `covsim run` checks before it computes, without computing.
// Every file and every variant is parsed and validated, and every file they reference is opened
// (districts, population, DEM, land cover, site layers, antenna files); every problem of every
// file is reported at once.

#include <cstddef>
#include <filesystem>
#include <vector>

namespace covsim {

struct ValidationReport {
    std::size_t files = 0;    // scenario files
    std::size_t variants = 0; // scenarios they expand into (a file without [sweep]: one)
};

// Throws one covsim::Error with every problem (one line each), with the code of the first.
ValidationReport validate_scenarios(const std::vector<std::filesystem::path>& files);

} // namespace covsim
