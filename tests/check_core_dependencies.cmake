# ctest script (cmake -P): engine/core must not include GDAL, HDF5, TOML, CLI, logging or MPI
# headers; those belong to engine/io, the tools and engine/run/mpi (DESIGN.md: "No GDAL, HDF5,
# TOML or CLI types in its headers"; "the core sees index and tile ranges, never a
# communicator"). MPI: the C API (mpi.h), its C++ bindings (mpicxx.h, mpi++.h) and Boost.MPI.
# Fails listing every offending include.
file(GLOB_RECURSE sources "${CORE_DIR}/*.hpp" "${CORE_DIR}/*.cpp")
set(forbidden "#include[ \t]*[<\"](gdal|ogr|cpl_|hdf5|H5[A-Za-z]*\\.h|toml\\+\\+|CLI/|spdlog|nlohmann|mpi\\.h|mpicxx\\.h|mpi\\+\\+\\.h|boost/mpi)")
set(offenders "")
foreach(f IN LISTS sources)
    file(STRINGS "${f}" lines REGEX "${forbidden}")
    foreach(line IN LISTS lines)
        list(APPEND offenders "${f}: ${line}")
    endforeach()
endforeach()
list(LENGTH sources count)
if(count EQUAL 0)
    message(FATAL_ERROR "no sources found under ${CORE_DIR}")
endif()
if(offenders)
    list(JOIN offenders "\n" text)
    message(FATAL_ERROR "engine/core includes I/O, CLI or MPI headers:\n${text}")
endif()
message(STATUS "engine/core: ${count} files, no I/O, CLI or MPI includes")
