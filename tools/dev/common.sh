# Shared by tools/run-hanoi and tools/run-tests (sourced, not run).
# Installs the Debian 12 packages covsim needs when some are missing, then configures (once)
# and builds (incrementally) a CMake preset.

set -euo pipefail

COVSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Packages to configure (the presets include the tests, hence GoogleTest), build and run covsim
# (libjs-leaflet: the web viewer of `covsim run --web-tiles` copies Leaflet from it).
COVSIM_BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config git ccache libopenmpi-dev openmpi-bin
    libgdal-dev gdal-bin libboost-dev libtbb-dev libhdf5-dev libdeflate-dev
    libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
    libgtest-dev libgmock-dev libssl-dev libjs-leaflet
)
# Packages the tests need on top: the readers users open results with (matplotlib for the
# tools/examples scripts the integration tests run; jsonschema for the check of catalog.json and
# datapackage.json; QGIS for the qgis label: about 160 packages, 200 MB of downloads, 45 s to
# install on the 2-core project machine; R's terra for the maps' categories: 9 packages, 32 MB of
# downloads, 61 MB installed; Chromium for the web viewer's test: 22 packages, 122 MB of
# downloads, 70 s), and the format check.
COVSIM_TEST_PACKAGES=(
    python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-netcdf4
    python3-matplotlib python3-jsonschema
    python3-gdal qgis python3-qgis chromium
    r-base-core r-cran-terra
    clang-format
)

# Packages for tools/run-fuzzers and the tsan preset: clang with libFuzzer and the sanitizer
# runtimes.
COVSIM_CLANG_PACKAGES=(clang libclang-rt-14-dev)

covsim_log() { printf '\033[1mcovsim:\033[0m %s\n' "$*" >&2; }

# covsim_install_packages PACKAGE...: installs those not installed yet.
covsim_install_packages() {
    local missing=()
    local p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    covsim_log "installing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            covsim_log "not root and no sudo: install these packages first: ${missing[*]}"
            exit 1
        fi
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# covsim_build PRESET [TARGET...]: configures the preset if needed and builds.
covsim_build() {
    local preset="$1"
    shift
    cd "$COVSIM_ROOT"
    if [ ! -f "build/$preset/CMakeCache.txt" ]; then
        covsim_log "configuring (preset $preset)"
        cmake --preset "$preset" >/dev/null
    fi
    covsim_log "building (preset $preset)"
    local targets=()
    local t
    for t in "$@"; do
        targets+=(--target "$t")
    done
    cmake --build --preset "$preset" "${targets[@]}"
}
