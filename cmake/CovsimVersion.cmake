# covsim's version and git commit, baked into the build for provenance in every results file.
#
# The commit is read at build time, not configure time, so that an incremental build after
# `git commit` records the new commit. configure_file leaves the output untouched when nothing
# changed, so the library is only relinked when the commit really moved.

set(COVSIM_VERSION_IN "${PROJECT_SOURCE_DIR}/cmake/version.cpp.in")
set(COVSIM_VERSION_CPP "${PROJECT_BINARY_DIR}/generated/version.cpp")

add_custom_target(covsim_version_info
    COMMAND "${CMAKE_COMMAND}"
        -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
        -DINPUT=${COVSIM_VERSION_IN}
        -DOUTPUT=${COVSIM_VERSION_CPP}
        -DCOVSIM_VERSION=${PROJECT_VERSION}
        -P "${PROJECT_SOURCE_DIR}/cmake/WriteVersion.cmake"
    BYPRODUCTS "${COVSIM_VERSION_CPP}"
    COMMENT "Recording covsim version and git commit"
    VERBATIM)
