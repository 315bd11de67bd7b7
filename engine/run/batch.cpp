#include "run/batch.hpp"

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/coverage.hpp"
#include "core/error.hpp"
#include "core/link_budget.hpp"
#include "core/memory_estimate.hpp"
#include "core/parallel.hpp"
#include "core/propagation/registry.hpp"
#include "core/result.hpp"
#include "core/terrain.hpp"
#include "io/district_gpkg.hpp"
#include "io/hdf5_results.hpp"
#include "io/map_sink.hpp"
#include "io/memory_limit.hpp"
#include "io/qgis_project.hpp"
#include "io/quicklook_sink.hpp"
#include "io/scenario_parser.hpp"
#include "io/sha256.hpp"
#include "io/site_layer.hpp"
#include "io/study_area_loader.hpp"
#include "io/summary_csv.hpp"
#include "run/interrupt.hpp"
#include "run/progress.hpp"
#include "run/variant_store.hpp"
#include "run/version.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <spdlog/spdlog.h>
#include <stop_token>
#include <sys/file.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <thread>
#include <tuple>
#include <unistd.h>

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
        l.terrain_method = spec.terrain_method;
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

// Holds <out>/.covsim.lock while the batch writes: two runs into one directory would overwrite
// each other's variants.
class OutputLock {
public:
    explicit OutputLock(const std::filesystem::path& out_dir) {
        const std::filesystem::path path = out_dir / ".covsim.lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            throw Error(ErrorCode::io,
                        fmt::format("cannot create '{}': {}", path.string(), std::strerror(errno)));
        }
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw Error(ErrorCode::io,
                        fmt::format("'{}' is being written by another covsim run (it holds '{}'); "
                                    "wait for it to finish or choose another --out",
                                    out_dir.string(), path.string()));
        }
    }
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;
    ~OutputLock() { ::close(fd_); }

private:
    int fd_ = -1;
};

// SHA-256 of every distinct input file, computed once per batch, in parallel.
std::map<std::string, std::string> hash_inputs(const std::vector<InputFile*>& inputs) {
    std::map<std::string, std::string> digests;
    for (const InputFile* in : inputs) {
        digests.emplace(in->path.string(), std::string());
    }
    std::vector<std::map<std::string, std::string>::iterator> slots;
    for (auto it = digests.begin(); it != digests.end(); ++it) {
        slots.push_back(it);
    }
    parallel::for_each_index(std::size_t{0}, slots.size(), [&](std::size_t i) {
        slots[i]->second = io::sha256_file(slots[i]->first);
    });
    return digests;
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
    {
        std::map<std::string, std::string> files; // variant file name -> scenario
        for (const Scenario& sc : scenarios) {
            const auto [it, inserted] = files.emplace(variant_file_name(sc.name), sc.name);
            if (!inserted) {
                throw Error(ErrorCode::scenario,
                            fmt::format("{}: scenario names \"{}\" and \"{}\" give the same "
                                        "variant directory '{}'; rename one",
                                        sc.source_path.string(), it->second, sc.name, it->first));
            }
        }
    }

    // 2. The output directory, locked against a second run, without the leftovers of an
    //    interrupted one.
    std::error_code ec;
    std::filesystem::create_directories(config.out_dir, ec);
    if (ec || !std::filesystem::is_directory(config.out_dir)) {
        throw Error(ErrorCode::io,
                    fmt::format("output directory '{}' cannot be created{}",
                                config.out_dir.string(), ec ? ": " + ec.message() : ""));
    }
    const OutputLock lock(config.out_dir);
    const VariantStore store(config.out_dir);
    store.remove_leftovers();

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
        std::string checksum;
        std::uint64_t bytes = 0; // memory estimate (core/memory_estimate.hpp)
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
        const std::uint64_t bytes =
            p.area->area.grid.cell_count() *
            (study_area_bytes_per_cell + scenario_bytes_per_cell(sc.layers.size()));
        p.bytes = bytes;
        io::check_memory(bytes,
                         fmt::format("scenario {}: {} layers on {} x {} cells of {:g} m", sc.name,
                                     sc.layers.size(), p.area->area.grid.width,
                                     p.area->area.grid.height, sc.study_area.resolution_m),
                         fmt::format("Use a coarser [study_area] resolution_m (at least {:g} m).",
                                     io::coarser_resolution_m(bytes, sc.study_area.resolution_m)));
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
            spdlog::debug("scenario {}: layer {}: {} sectors from {}", sc.name, sc.layers[l].name,
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

    // 4. Checksums: SHA-256 of every input file, and per variant over its resolved scenario and
    //    its inputs' digests. A variant already stored with the same checksum is not recomputed.
    {
        std::vector<InputFile*> all;
        for (Prepared& p : prepared) {
            for (InputFile& in : p.inputs) {
                all.push_back(&in);
            }
        }
        const std::map<std::string, std::string> digests = hash_inputs(all);
        for (InputFile* in : all) {
            in->sha256 = digests.at(in->path.string());
        }
    }
    std::vector<Prepared*> todo;
    for (Prepared& p : prepared) {
        io::Sha256 h;
        h.update("covsim variant checksum 1\n");
        h.update(p.scenario->name + "\n");
        h.update(p.scenario->source_text);
        h.update(config.web_tiles ? "\nweb_tiles\n" : "\n");
        for (const InputFile& in : p.inputs) {
            if (in.role != "scenario") { // the file may hold other variants: its text is above
                h.update(in.role + " " + in.sha256 + "\n");
            }
        }
        p.checksum = h.hex_digest();
        const std::optional<std::string> stored = store.stored_checksum(p.scenario->name);
        if (!config.force && stored == p.checksum) {
            spdlog::info("scenario {}: skipped, unchanged (input_checksum {})", p.scenario->name,
                         p.checksum.substr(0, 12));
            ++report.skipped;
        } else {
            if (stored) {
                spdlog::info("scenario {}: {}", p.scenario->name,
                             config.force ? "recomputing (--force)"
                                          : "inputs changed since it was computed; recomputing");
            }
            todo.push_back(&p);
        }
    }

    // 5. The variants to compute, in parallel (each over its tiles in parallel too), each
    //    written as it completes. Ctrl-C or SIGTERM cancels the TBB work: the tiles being
    //    computed finish, the variants being computed are dropped, the finished ones stay.
    const InterruptHandler interrupts;
    tbb::task_group_context context;
    std::mutex hdf5_mutex; // the HDF5 library is not built thread-safe
    Progress progress(config.progress, prepared.size(), report.skipped, config.progress_interval_s);
    std::mutex monitor_mutex;
    std::condition_variable_any monitor_wake;
    std::jthread monitor([&](std::stop_token stop) {
        bool cancelled = false;
        std::unique_lock lk(monitor_mutex);
        while (!stop.stop_requested()) {
            monitor_wake.wait_for(lk, stop, std::chrono::milliseconds(100),
                                  [&] { return stop.stop_requested(); });
            if (!cancelled && InterruptHandler::signal_received() != 0) {
                cancelled = true;
                spdlog::warn("interrupted: stopping after the tiles being computed; finished "
                             "variants are kept");
                context.cancel_group_execution();
            }
            progress.tick();
        }
    });
    auto stopped = [&] {
        return InterruptHandler::signal_received() != 0 || context.is_group_execution_cancelled();
    };

    auto compute_and_write = [&](Prepared& p) {
        const Scenario& sc = *p.scenario;
        if (stopped()) {
            return;
        }
        progress.started(sc.name);
        bool committed = false;
        struct Cleanup {
            std::function<void()> f;
            ~Cleanup() { f(); }
        } cleanup{[&] {
            if (!committed) {
                store.abandon(sc.name);
                progress.abandoned(sc.name);
            }
        }};
        store.invalidate(sc.name);

        const auto ts = Clock::now();
        ScenarioResult result;
        result.scenario = &sc;
        result.area = &p.area->area;
        result.inputs = p.inputs;
        result.input_checksum = p.checksum;
        result.started_utc = utc_now();
        spdlog::info("scenario {}: computing coverage", sc.name);
        // Isolated: while it waits for its tiles, this thread takes no other variant, so at most
        // --threads variants are in memory at once.
        tbb::this_task_arena::isolate([&] {
            result.coverage = compute_coverage(p.input);
            result.capacity =
                compute_capacity(capacity_input(sc, p.input, result.coverage, p.ftth_district));
            result.cost = compute_costs(
                cost_input(sc, p.input, result.coverage, result.capacity, p.ftth_district));
        });
        if (stopped()) {
            return; // cancelled TBB work may have left tiles out: never write it
        }
        if (result.coverage.status.non_finite_losses > 0) {
            spdlog::warn("scenario {}: {} cell-sector pairs had a non-finite path loss and were "
                         "skipped",
                         sc.name, result.coverage.status.non_finite_losses);
        }
        if (result.capacity.overloaded_cells > 0) {
            spdlog::info("scenario {}: {} cells are overloaded in the busy hour", sc.name,
                         result.capacity.overloaded_cells);
        }
        result.sectors = std::move(p.input.sectors);
        result.layers = std::move(p.input.layers);
        result.finished_utc = utc_now();
        result.elapsed_s = seconds_since(ts);

        spdlog::info("scenario {}: writing results", sc.name);
        const std::filesystem::path dir = store.begin(sc.name);
        io::MapSink maps(config.out_dir, config.web_tiles);
        maps.write(result, run);
        maps.commit();
        io::write_quicklook(config.out_dir, result);
        {
            const std::lock_guard h5_lock(hdf5_mutex);
            io::Hdf5Sink h5(dir / "results.h5");
            h5.write(result, run);
            h5.commit();
        }
        io::SummaryCsvSink csv(dir);
        csv.write(result, run);
        csv.commit();
        io::DistrictGpkgSink gpkg(dir / "districts.gpkg");
        gpkg.write(result, run);
        gpkg.commit();
        io::QgisProjectSink qgs(dir / "covsim.qgs");
        qgs.write(result, run);
        qgs.save_groups(dir / "qgis_groups.json");
        save_summary(summarise(result), dir / "report.json");
        store.commit(sc.name);
        committed = true;
        spdlog::info("scenario {}: done in {:.1f} s", sc.name, seconds_since(ts));
        progress.finished(sc.name);
    };

    // As many variants side by side as fit in the budget, at least one, at most one per thread.
    std::uint64_t largest = 1;
    for (const Prepared* p : todo) {
        largest = std::max(largest, p->bytes);
    }
    const std::size_t side_by_side =
        std::clamp<std::size_t>(static_cast<std::size_t>(side_by_side_budget_bytes / largest), 1,
                                static_cast<std::size_t>(threads));
    if (side_by_side < static_cast<std::size_t>(threads) && todo.size() > 1) {
        spdlog::info("{} variant(s) at a time: each needs up to {:.1f} GB", side_by_side,
                     static_cast<double>(largest) / 1e9);
    }
    try {
        parallel::for_each_limited(
            todo.size(), side_by_side, [&](std::size_t i) { compute_and_write(*todo[i]); },
            context);
    } catch (...) {
        monitor.request_stop();
        throw;
    }
    monitor.request_stop();
    monitor.join();
    report.computed = todo.size();
    if (const int sig = InterruptHandler::signal_received(); sig != 0) {
        std::size_t complete = 0;
        for (const Prepared& p : prepared) {
            complete += store.stored_checksum(p.scenario->name) == p.checksum ? 1 : 0;
        }
        throw Error(ErrorCode::interrupted,
                    fmt::format("interrupted by {} with {} of {} variants complete in '{}'; run "
                                "the same command again to compute the rest",
                                sig == SIGINT ? "SIGINT" : "SIGTERM", complete, prepared.size(),
                                (config.out_dir / "variants").string()));
    }

    // 6. The batch's files, assembled from its variants, each written under a temporary name
    //    and renamed when complete.
    spdlog::info("assembling results.h5, summaries, districts.gpkg and covsim.qgs");
    // The assembled files hold what the variants hold. Check the space first: HDF5 1.10 crashes
    // (SIGSEGV in H5Ocopy) when the disk fills during the copy, where a clear error is due.
    {
        std::uintmax_t needed = 0;
        for (const Prepared& p : prepared) {
            for (const auto& e :
                 std::filesystem::directory_iterator(store.dir(p.scenario->name), ec)) {
                needed += e.is_regular_file(ec) ? e.file_size(ec) : 0;
            }
        }
        needed += needed / 4 + 65536; // metadata and the project file
        const std::filesystem::space_info space = std::filesystem::space(config.out_dir, ec);
        if (!ec && space.available < needed) {
            throw Error(ErrorCode::io,
                        fmt::format("not enough free space in '{}' to assemble the batch's "
                                    "results: about {:.1f} MB needed, {:.1f} MB free; the "
                                    "finished variants are kept in '{}', free some space and run "
                                    "the same command again",
                                    config.out_dir.string(), static_cast<double>(needed) / 1e6,
                                    static_cast<double>(space.available) / 1e6,
                                    (config.out_dir / "variants").string()));
        }
    }
    {
        io::Hdf5Sink h5(config.out_dir / "results.h5");
        io::SummaryCsvSink csv(config.out_dir);
        io::DistrictGpkgSink gpkg(config.out_dir / "districts.gpkg");
        io::QgisProjectSink qgs(config.out_dir / "covsim.qgs");
        for (const Prepared& p : prepared) {
            const std::string& name = p.scenario->name;
            const std::filesystem::path dir = store.dir(name);
            h5.append(dir / "results.h5", name);
            csv.append(dir);
            gpkg.append(dir / "districts.gpkg");
            qgs.append(dir / "qgis_groups.json");
            report.scenarios.push_back(load_summary(dir / "report.json"));
        }
        h5.commit();
        csv.commit();
        gpkg.commit();
        qgs.commit();
    }
    std::vector<io::ChartPoint> points;
    for (const ScenarioSummary& s : report.scenarios) {
        points.push_back({s.name, s.cost_per_subscriber_usd_per_month,
                          s.total.population > 0.0 ? s.total.covered_population / s.total.population
                                                   : std::nan("")});
    }
    io::write_batch_chart(config.out_dir / "batch.png", points);
    for (const char* name : {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv",
                             "districts.gpkg", "covsim.qgs", "batch.png", "maps", "variants"}) {
        report.files.push_back(config.out_dir / name);
    }
    if (config.web_tiles) {
        report.files.push_back(config.out_dir / "tiles");
    }
    report.elapsed_s = seconds_since(t0);
    return report;
}

} // namespace covsim
