// make_hanoi_geodata: generates covsim's embedded, approximate Hanoi study area
// (geodata/hanoi/districts.geojson and population_100m.tif) from public facts. Only option
// parsing and the mapping of errors to exit codes live here; see hanoi_geodata.hpp.

#include "core/error.hpp"
#include "hanoi_geodata.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"make_hanoi_geodata: builds covsim's approximate Hanoi districts (a power "
                 "diagram of interior points fitted to the districts' areas) and a synthetic "
                 "100 m population raster with the 2019 census totals",
                 "make_hanoi_geodata"};
    covsim::geodata::GeneratorConfig config;
    app.add_option("--facts", config.facts_path,
                   "District facts CSV (code, names, type, interior point, area, 2019 census)")
        ->required();
    app.add_option("--outline", config.outline_path, "City outline CSV (lon,lat closed ring)")
        ->required();
    app.add_option("--out-dir", config.out_dir,
                   "Directory for districts.geojson and population_100m.tif")
        ->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "make_hanoi_geodata: error: " << e.what() << "\n"
                  << "Run 'make_hanoi_geodata --help' for usage.\n";
        return static_cast<int>(covsim::ErrorCode::usage);
    }

    try {
        covsim::geodata::make_hanoi_geodata(config);
        return 0;
    } catch (const covsim::Error& e) {
        std::cerr << "make_hanoi_geodata: error: " << e.what() << '\n';
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << fmt::format("make_hanoi_geodata: internal error: {}\n", e.what());
        return static_cast<int>(covsim::ErrorCode::internal);
    }
}
