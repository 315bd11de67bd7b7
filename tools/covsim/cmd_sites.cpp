// covsim sites hexgrid: lay a hexagonal site plan over the districts.

#include "commands.hpp"
#include "core/error.hpp"
#include "core/hexgrid.hpp"
#include "run/site_plan.hpp"

#include <charconv>
#include <fmt/format.h>
#include <iostream>

namespace covsim::cli {

namespace {

double parse_value(const std::string& text, const std::string& option) {
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        !std::isfinite(v)) {
        throw Error(ErrorCode::usage, fmt::format("{}: '{}' is not a number", option, text));
    }
    return v;
}

// "500" (every type) or "urban_district=500,town=1000,rural_district=2000".
PerDistrictType<std::optional<double>>
parse_per_type(const std::string& spec, const std::string& option, double min, double max) {
    PerDistrictType<std::optional<double>> out{};
    auto check = [&](double v) {
        if (v < min || v > max) {
            throw Error(ErrorCode::usage,
                        fmt::format("{}: {} is outside [{:g}, {:g}]", option, v, min, max));
        }
        return v;
    };
    if (spec.find('=') == std::string::npos) {
        const double v = check(parse_value(spec, option));
        out.fill(v);
        return out;
    }
    std::size_t start = 0;
    while (start <= spec.size()) {
        const std::size_t end = std::min(spec.find(',', start), spec.size());
        const std::string item = spec.substr(start, end - start);
        const std::size_t eq = item.find('=');
        const std::string type = item.substr(0, eq);
        const auto t = parse_district_type(type);
        if (eq == std::string::npos || !t) {
            throw Error(ErrorCode::usage,
                        fmt::format("{}: '{}' is not TYPE=VALUE with TYPE one of urban_district, "
                                    "town, rural_district",
                                    option, item));
        }
        out[static_cast<std::size_t>(*t)] = check(parse_value(item.substr(eq + 1), option));
        start = end + 1;
    }
    return out;
}

struct SitesOptions {
    std::string districts;
    std::string out;
    std::string layer;
    std::string prefix;
    std::string isd = "urban_district=500,town=1000,rural_district=2000";
    std::string height = "30";
    std::string power = "46";
    std::string tilt;
    int sectors = 3;
    double azimuth_offset_deg = 0.0;
    std::string code_field = "code";
    std::string type_field = "type";
    std::string crs;
};

int run_hexgrid(const SitesOptions& o) {
    HexgridConfig c;
    c.districts.districts_path = o.districts;
    c.districts.code_field = o.code_field;
    c.districts.name_field = o.code_field;
    c.districts.name_ascii_field = o.code_field;
    c.districts.type_field = o.type_field;
    c.districts.crs = o.crs;
    c.layer = o.layer;
    c.site_prefix = o.prefix;
    c.isd_m = parse_per_type(o.isd, "--isd-m", 50.0, 100000.0);
    const auto height = parse_per_type(o.height, "--height-m", 1.0, 500.0);
    const auto power = parse_per_type(o.power, "--power-dbm", -10.0, 80.0);
    for (std::size_t t = 0; t < district_type_count; ++t) {
        c.height_m[t] = height[t].value_or(c.height_m[t]);
        c.power_dbm[t] = power[t].value_or(c.power_dbm[t]);
    }
    if (!o.tilt.empty()) {
        c.tilt_deg = parse_per_type(o.tilt, "--tilt-deg", -20.0, 30.0);
    }
    c.sectors = o.sectors;
    c.azimuth_offset_deg = o.azimuth_offset_deg;
    c.out = o.out;

    const HexgridReport r = write_hexgrid_plan(c);
    std::cout << fmt::format("{}: {} sites, {} sectors, layer \"{}\"\n", o.out, r.sites, r.sectors,
                             o.layer);
    for (std::size_t t = 0; t < district_type_count; ++t) {
        if (c.isd_m[t]) {
            std::cout << fmt::format(
                "  {:<15} ISD {:>6.0f} m  ({:.3f} km2 per site)  {:>5} sites\n",
                district_type_names[t], *c.isd_m[t], hex_cell_area_km2(*c.isd_m[t]),
                r.sites_per_type[t]);
        }
    }
    return 0;
}

} // namespace

void add_sites_command(CLI::App& app, Context& ctx) {
    CLI::App* sites = app.add_subcommand("sites", "Make site plans");
    sites->require_subcommand(1);
    auto o = std::make_shared<SitesOptions>();
    CLI::App* hex = sites->add_subcommand(
        "hexgrid", "Lay sites on a hexagonal grid with an inter-site distance per district type");
    hex->add_option("--districts", o->districts, "District polygons (any OGR vector)")->required();
    hex->add_option("--layer", o->layer, "Layer name written in every row")->required();
    hex->add_option("-o,--out", o->out, "Output site layer (.csv, .gpkg or .geojson)")->required();
    hex->add_option("--isd-m", o->isd,
                    "Inter-site distance: one value, or TYPE=VALUE,... (types without a value "
                    "get no sites)")
        ->capture_default_str();
    hex->add_option("--height-m", o->height, "Antenna height above ground: VALUE or TYPE=VALUE,...")
        ->capture_default_str();
    hex->add_option("--power-dbm", o->power,
                    "Total transmit power per sector: VALUE or TYPE=VALUE,...")
        ->capture_default_str();
    hex->add_option(
        "--tilt-deg", o->tilt,
        "Electrical downtilt: VALUE or TYPE=VALUE,... (default: beam at 2/3 of the ISD)");
    hex->add_option("--sectors", o->sectors, "Sectors per site (1: omnidirectional)")
        ->check(CLI::Range(1, 12))
        ->capture_default_str();
    hex->add_option("--azimuth-offset-deg", o->azimuth_offset_deg,
                    "Azimuth of the first sector, clockwise from north")
        ->capture_default_str();
    hex->add_option("--site-prefix", o->prefix, "Site id prefix (default: the layer name)");
    hex->add_option("--code-field", o->code_field, "District code field")->capture_default_str();
    hex->add_option("--type-field", o->type_field, "District type field")->capture_default_str();
    hex->add_option("--crs", o->crs, "Planning CRS (default: UTM zone of the districts' centre)");
    hex->callback([&ctx, o] { ctx.action = [o] { return run_hexgrid(*o); }; });
}

} // namespace covsim::cli
