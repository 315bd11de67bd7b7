// covsim area prepare --districts FILE --population FILE... [--dem FILE...] [--land-cover FILE]
//                     [--resolution-m R] [--crs CRS] --out DIR
// covsim area info DIR|SCENARIO.toml

#include "commands.hpp"
#include "core/district.hpp"
#include "io/area_info.hpp"
#include "io/area_prepare.hpp"
#include "run/area_report.hpp"
#include "run/version.hpp"

#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

namespace {

struct PrepareOptions {
    io::AreaPrepareConfig config;
    std::string districts;
    std::vector<std::string> population;
    std::vector<std::string> dem;
    std::string land_cover;
    std::string built_up;
    std::string default_type;
    std::string out;
};

void add_prepare(CLI::App& area, Context& ctx) {
    auto o = std::make_shared<PrepareOptions>();
    io::AreaPrepareConfig& c = o->config;
    CLI::App* cmd = area.add_subcommand(
        "prepare", "Make a checked study area (districts, population on the grid, DEM, land "
                   "cover, study_area.toml) from open data");
    cmd->add_option("--districts", o->districts, "District polygons (any OGR vector, any CRS)")
        ->required();
    cmd->add_option("--district-layer", c.district_layer, "Layer of the districts file");
    cmd->add_option("--code-field", c.code_field, "District code, in the districts and the table")
        ->capture_default_str();
    cmd->add_option("--name-field", c.name_field, "District name (districts, else table)")
        ->capture_default_str();
    cmd->add_option("--name-ascii-field", c.name_ascii_field,
                    "Name without diacritics (optional; default: the name)")
        ->capture_default_str();
    cmd->add_option("--type-field", c.type_field,
                    "urban_district, town or rural_district (districts, else table)")
        ->capture_default_str();
    cmd->add_option("--default-type", o->default_type, "Type of districts without one")
        ->check(CLI::IsMember({"urban_district", "town", "rural_district"}));
    cmd->add_option("--population", o->population,
                    "Census table keyed by district code (e.g. CSV) and/or a raster of people per "
                    "pixel (e.g. WorldPop)")
        ->required();
    cmd->add_option("--population-field", c.population_field,
                    "People column of the table (or field of the districts)")
        ->capture_default_str();
    cmd->add_option("--built-up", o->built_up,
                    "Raster of built-up surface (e.g. GHS-BUILT-S) to spread a table's people by");
    cmd->add_option("--dem", o->dem, "DEM tiles, mosaicked (SRTM .hgt, GeoTIFF, VRT...)");
    cmd->add_option("--land-cover", o->land_cover, "ESA WorldCover land-cover raster");
    cmd->add_option("--resolution-m", c.resolution_m, "Cell size of the analysis grid")
        ->capture_default_str();
    cmd->add_option("--crs", c.crs,
                    "Analysis CRS, projected in metres (default: UTM zone of the districts' "
                    "centre)");
    cmd->add_option("--max-scale-deviation", c.tolerance.max_scale_deviation,
                    "Warn when a district's scale factor is outside [1 - D, 1 + D]")
        ->capture_default_str();
    cmd->add_option("--max-outside-share", c.tolerance.max_outside_share,
                    "Warn when more than this share of the raster's people is outside every "
                    "district")
        ->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Directory to write (must not exist or be empty)")
        ->required();
    cmd->callback([&ctx, o] {
        ctx.action = [&ctx, o] {
            io::AreaPrepareConfig& config = o->config;
            config.districts = o->districts;
            config.population.assign(o->population.begin(), o->population.end());
            config.dem.assign(o->dem.begin(), o->dem.end());
            config.land_cover = o->land_cover;
            config.built_up = o->built_up;
            config.default_type = parse_district_type(o->default_type);
            config.out = o->out;
            config.command_line = ctx.command_line;
            config.producer = fmt::format("covsim {} ({})", version(), git_commit());
            const io::AreaPrepareReport report = io::prepare_study_area(config);
            std::cout << format_area_prepare_report(report, config.tolerance);
            return 0;
        };
    });
}

void add_info(CLI::App& area, Context& ctx) {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = area.add_subcommand(
        "info", "What a study area holds: districts, people, area, grid, DEM, land cover");
    cmd->add_option("area", *path, "Directory written by 'covsim area prepare', or a scenario file")
        ->required();
    cmd->callback([&ctx, path] {
        ctx.action = [path] {
            std::cout << format_area_info(io::describe_study_area(*path));
            return 0;
        };
    });
}

} // namespace

void add_area_command(CLI::App& app, Context& ctx) {
    CLI::App* area =
        app.add_subcommand("area", "Prepare a study area from open data, or describe one");
    area->require_subcommand(1);
    add_prepare(*area, ctx);
    add_info(*area, ctx);
}

} // namespace covsim::cli
