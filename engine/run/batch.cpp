#include "run/batch.hpp"

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/link_budget.hpp"
#include "core/propagation/registry.hpp"
#include "core/result.hpp"
#include "core/terrain.hpp"
#include "io/district_gpkg.hpp"
#include "io/hdf5_results.hpp"
#include "io/map_sink.hpp"
#include "io/qgis_project.hpp"
#include "io/scenario_parser.hpp"
#include "io/site_layer.hpp"
#include "io/study_area_loader.hpp"
#include "io/summary_csv.hpp"
#include "run/version.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <set>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tuple>

namespace covsim {

namespace {

using Clock = std::chrono::steady_clock;

std::string utc_now() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Scenarios that describe the same study area share one loaded copy.
using StudyAreaKey =
    std::tuple<std::string, std::string, std::string, std::string, std::string, std::string,
               std::string, std::string, std::string, double, std::string, std::string>;

StudyAreaKey key_of(const StudyAreaSpec& s) {
    return {s.districts_path.string(),
            s.districts_layer,
            s.code_field,
            s.name_field,
            s.name_ascii_field,
            s.type_field,
            s.population_field,
            s.population_path.string(),
            s.crs,
            s.resolution_m,
            s.dem_path.string(),
            s.land_cover_path.string()};
}

std::vector<CoverageLayer> resolve_layers(const Scenario& sc) {
    std::vector<CoverageLayer> layers;
    for (const LayerSpec& spec : sc.layers) {
        CoverageLayer l;
        l.name = spec.name;
        l.model = model_registry().find(spec.model);
        l.frequency_mhz = spec.frequency_mhz;
        l.los = spec.los;
        l.rx_height_m = spec.rx_height_m;
        l.rx_gain_dbi = spec.rx_gain_dbi;
        l.re_offset_db = power_per_re_dbm(0.0, spec.resolved_resource_blocks());
        l.noise_per_re_dbm = noise_per_re_dbm(spec.subcarrier_spacing_khz, spec.noise_figure_db);
        l.max_range_m = spec.max_range_m;
        l.load = spec.load;
        l.rsrp_min_dbm = spec.rsrp_min_dbm;
        l.sinr_min_db = spec.sinr_min_db;
        l.priority = spec.priority;
        l.antenna = spec.antenna;
        l.environment = sc.environment;
        l.serves = spec.service_area;
        l.terrain_correction = spec.terrain_correction;
        l.terrain_margin_db = spec.terrain_margin_db;
        l.path = spec.path;
        l.clutter_loss = spec.clutter_loss;
        l.clutter_location_percent = spec.clutter_location_percent;
        l.terminal_clutter_correction = spec.terminal_clutter_correction;
        l.indoor = spec.service != Service::fwa; // an FWA CPE is outdoors or on the roof
        l.location_probability = spec.location_probability;
        layers.push_back(std::move(l));
    }
    return layers;
}

// Districts where the scenario offers fibre; every listed code must be a district.
std::vector<bool> ftth_districts(const Scenario& sc, const StudyArea& area) {
    std::vector<bool> out(area.district_count());
    for (std::size_t d = 0; d < area.district_count(); ++d) {
        out[d] = sc.ftth_offered(area.districts[d]);
    }
    for (const std::string& code : sc.ftth.districts) {
        const bool known = std::any_of(area.districts.begin(), area.districts.end(),
                                       [&](const District& d) { return d.code == code; });
        if (!known) {
            throw Error(ErrorCode::scenario,
                        fmt::format("{}: [ftth] districts: \"{}\" is not a district code of '{}'",
                                    sc.source_path.string(), code,
                                    sc.study_area.districts_path.string()));
        }
    }
    return out;
}

CapacityInput capacity_input(const Scenario& sc, const CoverageInput& coverage_input,
                             const CoverageResult& coverage, const std::vector<bool>& fibre) {
    CapacityInput in;
    in.coverage_input = &coverage_input;
    in.coverage = &coverage;
    for (const LayerSpec& spec : sc.layers) {
        CapacityLayer l;
        l.throughput = spec.throughput;
        l.occupied_bandwidth_hz =
            12.0 * spec.resolved_resource_blocks() * spec.subcarrier_spacing_khz * 1e3;
        l.service = spec.service;
        l.carrier = spec.carrier_name();
        in.layers.push_back(std::move(l));
    }
    in.demand = sc.demand;
    in.ftth_district = fibre;
    in.ftth_speed_mbps = sc.ftth.speed_mbps;
    return in;
}

CostInput cost_input(const Scenario& sc, const CoverageInput& coverage_input,
                     const CoverageResult& coverage, const CapacityResult& capacity,
                     const std::vector<bool>& fibre) {
    CostInput in;
    in.area = coverage_input.area;
    in.sectors = &coverage_input.sectors;
    in.coverage = &coverage.districts;
    in.capacity = &capacity;
    for (const LayerSpec& spec : sc.layers) {
        in.layers.push_back({spec.name, spec.site_type, spec.service,
                             spec.equipment_usd.value_or(sc.cost.equipment_usd),
                             spec.spectrum_fee_usd_per_year.value_or(0.0)});
    }
    in.cost = sc.cost;
    in.demand = sc.demand;
    in.ftth_district = fibre;
    return in;
}

// Sites take their ground elevation from the DEM.
void place_on_terrain(std::vector<Sector>& sectors, const StudyArea& area, const LayerSpec& layer) {
    if (!area.terrain) {
        return;
    }
    std::size_t missing = 0;
    for (Sector& s : sectors) {
        s.ground_m = sample_bilinear(*area.terrain, s.x_m, s.y_m);
        missing += std::isfinite(s.ground_m) ? 0 : 1;
    }
    if (missing > 0) {
        spdlog::warn("layer {}: {} sectors stand where the DEM has no elevation; their paths are "
                     "computed without terrain",
                     layer.name, missing);
    }
}

ScenarioSummary summarise(const ScenarioResult& r) {
    ScenarioSummary s;
    s.name = r.scenario->name;
    s.sectors = r.sectors.size();
    std::set<std::string> sites; // a site hosts sectors of several layers
    for (const Sector& sec : r.sectors) {
        sites.insert(sec.site_id);
    }
    s.sites = sites.size();
    s.resolution_m = r.area->grid.cell_size_m;
    s.cells = r.coverage.status.cells;
    s.elapsed_s = r.elapsed_s;
    s.total = total_of(r.coverage.districts, r.layers.size());
    for (const DistrictService& d : r.capacity.districts) {
        s.served_population += d.served_population;
    }
    s.covered_indoor_population = s.total.covered_indoor_population;
    s.annualised_cost_usd = r.cost.city.annualised_usd;
    s.cost_per_subscriber_usd_per_month = r.cost.city.per_subscriber_usd_per_month;
    s.affordability = r.cost.city.affordability;
    s.affordability_threshold = r.scenario->cost.affordability_threshold;
    s.overloaded_cells = r.capacity.overloaded_cells;
    for (std::size_t l = 0; l < r.layers.size(); ++l) {
        LayerSummary ls;
        ls.name = r.layers[l].name;
        ls.model = std::string(r.layers[l].model->name());
        for (const Sector& sec : r.sectors) {
            ls.sectors += sec.layer == l ? 1 : 0;
        }
        ls.covered_population = s.total.layer_covered_population[l];
        s.layers.push_back(std::move(ls));
    }
    for (std::size_t d = 0; d < r.area->districts.size(); ++d) {
        const District& info = r.area->districts[d];
        s.districts.push_back({info.code, info.name_ascii, std::string(to_string(info.type)),
                               r.coverage.districts[d], r.capacity.districts[d].served_population,
                               r.cost.districts[d].per_subscriber_usd_per_month,
                               r.cost.districts[d].affordability,
                               r.cost.districts[d].cheapest_mix});
    }
    return s;
}

} // namespace

RunReport run_batch(const RunConfig& config) {
    const auto t0 = Clock::now();
    if (config.scenario_files.empty()) {
        throw Error(ErrorCode::usage, "no scenario files given");
    }
    const int threads = config.threads > 0 ? config.threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));

    // 1. Parse and validate everything before computing anything: every variant of every file.
    std::vector<Scenario> scenarios = io::parse_scenario_batch(config.scenario_files);
    for (const Scenario& sc : scenarios) {
        for (const std::string& w : io::scenario_warnings(sc)) {
            spdlog::warn("{}", w);
        }
    }

    // 2. Outputs, written under temporary names until the batch succeeds.
    std::error_code ec;
    std::filesystem::create_directories(config.out_dir, ec);
    if (ec || !std::filesystem::is_directory(config.out_dir)) {
        throw Error(ErrorCode::io,
                    fmt::format("output directory '{}' cannot be created{}",
                                config.out_dir.string(), ec ? ": " + ec.message() : ""));
    }
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(std::make_unique<io::Hdf5Sink>(config.out_dir / "results.h5"));
    sinks.push_back(std::make_unique<io::MapSink>(config.out_dir, config.web_tiles));
    sinks.push_back(std::make_unique<io::SummaryCsvSink>(config.out_dir));
    sinks.push_back(std::make_unique<io::DistrictGpkgSink>(config.out_dir / "districts.gpkg"));
    sinks.push_back(std::make_unique<io::QgisProjectSink>(config.out_dir / "covsim.qgs"));

    RunInfo run;
    run.covsim_version = std::string(version());
    run.git_commit = std::string(git_commit());
    run.command_line = config.command_line;
    run.threads = threads;

    RunReport report;
    report.out_dir = config.out_dir;
    report.threads = threads;

    // 3. Load every study area and site layer before computing anything, so that a bad input in
    //    the last scenario stops the batch before minutes of work on the first.
    struct Prepared {
        const Scenario* scenario = nullptr;
        std::shared_ptr<const io::LoadedStudyArea> area;
        CoverageInput input;
        std::vector<InputFile> inputs;
        std::vector<bool> ftth_district;
    };
    std::map<StudyAreaKey, std::shared_ptr<const io::LoadedStudyArea>> areas;
    std::vector<Prepared> prepared;
    for (const Scenario& sc : scenarios) {
        Prepared p;
        p.scenario = &sc;
        auto& area_slot = areas[key_of(sc.study_area)];
        if (!area_slot) {
            spdlog::info("loading study area of scenario {}", sc.name);
            area_slot =
                std::make_shared<const io::LoadedStudyArea>(io::load_study_area(sc.study_area));
            spdlog::info("study area: {} districts, {} x {} cells of {:g} m, {:.0f} people",
                         area_slot->area.districts.size(), area_slot->area.grid.width,
                         area_slot->area.grid.height, area_slot->area.grid.cell_size_m,
                         area_slot->area.total_population());
        }
        p.area = area_slot;
        p.inputs.push_back({"scenario", sc.source_path});
        for (std::size_t i = 0; i < sc.extends_paths.size(); ++i) {
            p.inputs.push_back({fmt::format("scenario_extends_{}", i + 1), sc.extends_paths[i]});
        }
        p.inputs.insert(p.inputs.end(), p.area->inputs.begin(), p.area->inputs.end());
        p.input.area = &p.area->area;
        p.input.layers = resolve_layers(sc);
        p.input.indoor = sc.indoor;
        p.ftth_district = ftth_districts(sc, p.area->area);
        for (std::size_t l = 0; l < sc.layers.size(); ++l) {
            std::vector<Sector> sectors = io::read_sectors(sc.layers[l], l, p.area->area);
            place_on_terrain(sectors, p.area->area, sc.layers[l]);
            spdlog::info("scenario {}: layer {}: {} sectors from {}", sc.name, sc.layers[l].name,
                         sectors.size(), sc.layers[l].sites_path.string());
            p.input.sectors.insert(p.input.sectors.end(), std::make_move_iterator(sectors.begin()),
                                   std::make_move_iterator(sectors.end()));
            p.inputs.push_back({"sites_" + sc.layers[l].name, sc.layers[l].sites_path});
            if (!sc.layers[l].antenna_path.empty()) {
                p.inputs.push_back({"antenna_" + sc.layers[l].name, sc.layers[l].antenna_path});
            }
        }
        prepared.push_back(std::move(p));
    }

    // 4. Scenario by scenario: compute, then hand the result to every sink.
    for (Prepared& p : prepared) {
        const Scenario& sc = *p.scenario;
        const auto ts = Clock::now();
        ScenarioResult result;
        result.scenario = &sc;
        result.area = &p.area->area;
        result.inputs = std::move(p.inputs);
        result.started_utc = utc_now();
        spdlog::info("scenario {}: computing coverage", sc.name);
        result.coverage = compute_coverage(p.input);
        if (result.coverage.status.non_finite_losses > 0) {
            spdlog::warn("scenario {}: {} cell-sector pairs had a non-finite path loss and were "
                         "skipped",
                         sc.name, result.coverage.status.non_finite_losses);
        }
        result.capacity =
            compute_capacity(capacity_input(sc, p.input, result.coverage, p.ftth_district));
        if (result.capacity.overloaded_cells > 0) {
            spdlog::info("scenario {}: {} cells are overloaded in the busy hour", sc.name,
                         result.capacity.overloaded_cells);
        }
        result.cost = compute_costs(
            cost_input(sc, p.input, result.coverage, result.capacity, p.ftth_district));
        result.sectors = std::move(p.input.sectors);
        result.layers = std::move(p.input.layers);
        result.finished_utc = utc_now();
        result.elapsed_s = seconds_since(ts);

        spdlog::info("scenario {}: writing results", sc.name);
        for (auto& sink : sinks) {
            sink->write(result, run);
        }
        report.scenarios.push_back(summarise(result));
    }

    // 5. Make the outputs visible.
    for (auto& sink : sinks) {
        sink->commit();
    }
    for (const char* name : {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv",
                             "districts.gpkg", "covsim.qgs", "maps"}) {
        report.files.push_back(config.out_dir / name);
    }
    if (config.web_tiles) {
        report.files.push_back(config.out_dir / "tiles");
    }
    report.elapsed_s = seconds_since(t0);
    return report;
}

} // namespace covsim
