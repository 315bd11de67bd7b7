# Warning and floating-point flags for covsim's own targets only (never for dependencies).
#
# covsim_developer_flags: warnings, linked PRIVATE by every covsim target.
# covsim_deterministic_fp: no floating-point contraction, so that a*b+c is never fused into an FMA
# differently in a vectorised and a scalar loop; together with a fixed reduction order this keeps
# results bit-identical for any thread count (GEOS does the same).

add_library(covsim_developer_flags INTERFACE)
add_library(covsim::developer_flags ALIAS covsim_developer_flags)
target_compile_options(covsim_developer_flags INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
    -Wimplicit-fallthrough
    # GCC 12 false positives at -O2: inside Boost.Geometry's inlined envelope code, and in
    # std::string::replace (GCC bug 105329).
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized -Wno-restrict>
    $<$<BOOL:${COVSIM_WERROR}>:-Werror>)

add_library(covsim_deterministic_fp INTERFACE)
add_library(covsim::deterministic_fp ALIAS covsim_deterministic_fp)
target_compile_options(covsim_deterministic_fp INTERFACE -ffp-contract=off -fno-fast-math)
