// covsim export RESULTS.h5 (--out DIR | --csv FILE --gpkg FILE) [--districts FILE]

#include "commands.hpp"
#include "core/error.hpp"
#include "run/export.hpp"

#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

void add_export_command(CLI::App& app, Context& ctx) {
    auto results = std::make_shared<std::string>();
    auto out_dir = std::make_shared<std::string>();
    auto csv = std::make_shared<std::string>();
    auto gpkg = std::make_shared<std::string>();
    auto districts = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "export", "Write the district tables of every scenario as one CSV and one GeoPackage");
    cmd->add_option("results", *results, "results.h5 written by covsim run")->required();
    auto* dir = cmd->add_option("-o,--out", *out_dir,
                                "Directory for district_results.csv and district_results.gpkg");
    cmd->add_option("--csv", *csv, "CSV file to write")->excludes(dir);
    cmd->add_option("--gpkg", *gpkg, "GeoPackage to write")->excludes(dir);
    cmd->add_option("--districts", *districts,
                    "District polygons (default: districts.gpkg next to the results file)");
    cmd->callback([&ctx, results, out_dir, csv, gpkg, districts] {
        ctx.action = [results, out_dir, csv, gpkg, districts] {
            ExportConfig config;
            config.results = *results;
            config.csv = *csv;
            config.gpkg = *gpkg;
            if (!out_dir->empty()) {
                std::error_code ec;
                std::filesystem::create_directories(*out_dir, ec);
                if (ec) {
                    throw Error(ErrorCode::io, fmt::format("cannot create directory '{}': {}",
                                                           *out_dir, ec.message()));
                }
                config.csv = std::filesystem::path(*out_dir) / "district_results.csv";
                config.gpkg = std::filesystem::path(*out_dir) / "district_results.gpkg";
            }
            config.districts_gpkg = *districts;
            const ExportReport report = export_results(config);
            std::cout << fmt::format("{} scenarios x districts = {} rows:\n", report.scenarios,
                                     report.rows);
            for (const auto& f : report.files) {
                std::cout << "  " << f.string() << '\n';
            }
            return 0;
        };
    });
}

} // namespace covsim::cli
