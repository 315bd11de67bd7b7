# All third-party dependencies come from Debian 12 packages (tools/dev/deps.sh installs them).
# Only imported targets are used.

find_package(Boost 1.74 REQUIRED)                   # Boost.Geometry (header-only)
find_package(TBB 2021 REQUIRED)                     # TBB::tbb
find_package(GDAL 3.6 CONFIG REQUIRED)              # GDAL::GDAL
find_package(HDF5 1.10 REQUIRED COMPONENTS C HL)    # hdf5::hdf5, hdf5::hdf5_hl
find_package(tomlplusplus 3 REQUIRED)               # tomlplusplus::tomlplusplus
find_package(CLI11 2 CONFIG REQUIRED)               # CLI11::CLI11
find_package(nlohmann_json 3 REQUIRED)              # nlohmann_json::nlohmann_json
find_package(fmt 9 REQUIRED)                        # fmt::fmt
find_package(spdlog 1.10 REQUIRED)                  # spdlog::spdlog
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto) # OpenSSL::Crypto (SHA-256 of inputs)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate) # PkgConfig::LIBDEFLATE (maps
                                                                  # of results.h5)
# Open MPI (libopenmpi-dev) for `mpirun -n N covsim run` (engine/cluster, docs/scale-out.md):
# used when found; without it covsim runs as one process and says so when started by mpirun.
option(COVSIM_WITH_MPI "Build the MPI driver when an MPI library is found" ON)
if(COVSIM_WITH_MPI)
    find_package(MPI 3.1 COMPONENTS C)              # MPI::MPI_C
endif()
set(COVSIM_HAVE_MPI OFF)
if(COVSIM_WITH_MPI AND MPI_C_FOUND)
    set(COVSIM_HAVE_MPI ON)
endif()
message(STATUS "covsim: MPI driver ${COVSIM_HAVE_MPI}")

if(COVSIM_BUILD_TESTS)
    find_package(GTest 1.12 REQUIRED)               # GTest::gtest, GTest::gtest_main
endif()
if(COVSIM_BUILD_BENCHMARKS)
    find_package(benchmark 1.7 REQUIRED)            # benchmark::benchmark
endif()
