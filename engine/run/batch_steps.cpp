#include "run/batch_steps.hpp"

#include "core/capacity.hpp"
#include "core/cost.hpp"
#include "core/error.hpp"
#include "core/link_validity.hpp"
#include "core/memory_estimate.hpp"
#include "core/parallel.hpp"
#include "core/propagation/registry.hpp"
#include "core/scenario_inputs.hpp"
#include "core/uncertainty.hpp"
#include "io/dataset_files.hpp"
#include "io/district_gpkg.hpp"
#include "io/gdal_support.hpp"
#include "io/hdf5_results.hpp"
#include "io/map_sink.hpp"
#include "io/memory_limit.hpp"
#include "io/qgis_project.hpp"
#include "io/quicklook_sink.hpp"
#include "io/scenario_parser.hpp"
#include "io/sha256.hpp"
#include "io/site_layer.hpp"
#include "io/stac_catalog.hpp"
#include "io/summary_csv.hpp"
#include "io/web_viewer.hpp"
#include "run/version.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <set>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <unistd.h>
#include <utility>

namespace covsim {

namespace {

using Clock = std::chrono::steady_clock;

// A time as the results record it: ISO 8601, UTC, to the second.
std::string utc_text(std::time_t t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(t));
}

std::string utc_now() {
    return utc_text(std::time(nullptr));
}

int utc_year() {
    return std::stoi(fmt::format("{:%Y}", fmt::gmtime(std::time(nullptr))));
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Holds <out>/.covsim.lock: two runs into one directory would overwrite each other's variants.
int lock_output(const std::filesystem::path& out_dir) {
    const std::filesystem::path path = out_dir / ".covsim.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot create '{}': {}", path.string(), std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        throw Error(ErrorCode::io,
                    fmt::format("'{}' is being written by another covsim run (it holds '{}'); "
                                "wait for it to finish or choose another --out",
                                out_dir.string(), path.string()));
    }
    return fd;
}

// A layer's sites outside the districts (neighbours: served and interfering, not costed unless
// the scenario says so), and once per file the columns covsim did not read.
void log_site_notes(const Scenario& sc, const LayerSpec& layer, const std::vector<Sector>& sectors,
                    const io::SiteFileNotes& notes, std::set<std::string>& warned_files) {
    const auto outside = static_cast<std::size_t>(
        std::count_if(sectors.begin(), sectors.end(), [](const Sector& s) { return !s.inside(); }));
    if (outside > 0) {
        const bool counted = sc.cost.count_sites_outside;
        spdlog::info("scenario {}: layer {}: {} of {} sectors outside the districts: they serve "
                     "and interfere; their cost is {} ([cost] count_sites_outside = {})",
                     sc.name, layer.name, outside, sectors.size(),
                     counted ? "counted to the city" : "not counted", counted);
    }
    if (!notes.unused_columns.empty() && warned_files.insert(layer.sites_path.string()).second) {
        spdlog::warn("{}", io::unused_columns_warning(layer.sites_path, notes));
    }
}

// The sectors of every layer of a scenario, on the study area's terrain. The antenna files that
// rows of the site files name join the variant's inputs.
std::vector<Sector> read_scenario_sectors(const Scenario& sc, const StudyArea& area,
                                          std::vector<InputFile>& inputs,
                                          std::set<std::string>& warned_files) {
    std::vector<Sector> all;
    for (std::size_t l = 0; l < sc.layers.size(); ++l) {
        io::SiteFileNotes notes;
        std::vector<Sector> sectors = io::read_sectors(sc.layers[l], l, area, &notes);
        log_site_notes(sc, sc.layers[l], sectors, notes, warned_files);
        if (const std::size_t missing = place_on_terrain(sectors, area); missing > 0) {
            spdlog::warn("layer {}: {} sectors stand where the DEM has no elevation; their paths "
                         "are computed without terrain",
                         sc.layers[l].name, missing);
        }
        spdlog::debug("scenario {}: layer {}: {} sectors from {}", sc.name, sc.layers[l].name,
                      sectors.size(), sc.layers[l].sites_path.string());
        for (std::size_t a = 0; a < notes.antenna_files.size(); ++a) {
            inputs.emplace_back(fmt::format("sites_{}_antenna_{}", sc.layers[l].name, a + 1),
                                notes.antenna_files[a]);
        }
        all.insert(all.end(), std::make_move_iterator(sectors.begin()),
                   std::make_move_iterator(sectors.end()));
    }
    return all;
}

// The files GDAL reads for each dataset of a batch, listed once (io/dataset_files).
class DatasetLister {
public:
    const io::DatasetFiles& files(const std::filesystem::path& path) {
        auto [it, fresh] = listed_.try_emplace(path.string());
        if (fresh) {
            it->second = io::dataset_files(path);
        }
        return it->second;
    }

private:
    std::map<std::string, io::DatasetFiles> listed_;
};

// A dataset read through GDAL as `role`, and every other file GDAL reads for it.
void add_dataset(Variant& v, const std::string& role, const std::filesystem::path& path,
                 DatasetLister& lister) {
    const io::DatasetFiles& files = lister.files(path);
    v.inputs.emplace_back(role, path);
    for (std::size_t i = 0; i < files.others.size(); ++i) {
        v.inputs.emplace_back(fmt::format("{}_file_{}", role, i + 1), files.others[i]);
    }
    for (std::size_t i = 0; i < files.remote.size(); ++i) {
        v.inputs.emplace_back(fmt::format("{}_remote_{}", role, i + 1), files.remote[i]);
        v.unresumable.push_back(
            fmt::format("{} '{}' reads remote data ('{}')", role, path.string(), files.remote[i]));
    }
    if (!files.unlisted.empty()) {
        v.unresumable.push_back(fmt::format("{} '{}': {}", role, path.string(), files.unlisted));
    }
}

// The files a variant depends on, for provenance and its checksum.
void list_variant_inputs(Variant& v, DatasetLister& lister) {
    const Scenario& sc = *v.scenario;
    v.inputs.emplace_back("scenario", sc.source_path);
    for (std::size_t i = 0; i < sc.extends_paths.size(); ++i) {
        v.inputs.emplace_back(fmt::format("scenario_extends_{}", i + 1), sc.extends_paths[i]);
    }
    for (const InputFile& in : v.area->inputs) { // districts, population, DEM, land cover
        add_dataset(v, in.role, in.path, lister);
    }
    for (const LayerSpec& layer : sc.layers) {
        add_dataset(v, "sites_" + layer.name, layer.sites_path, lister);
        if (!layer.antenna_path.empty()) {
            v.inputs.emplace_back("antenna_" + layer.name, layer.antenna_path);
        }
    }
}

// Refuses, with ErrorCode::limit, a variant whose estimate exceeds the machine's memory.
std::uint64_t check_variant_memory(const Scenario& sc, const StudyArea& area) {
    const std::uint64_t bytes =
        area.grid.cell_count() *
        (study_area_bytes_per_cell +
         scenario_bytes_per_cell(sc.layers.size(), !sc.uncertainty.empty()));
    io::check_memory(bytes,
                     fmt::format("scenario {}: {} layers on {} x {} cells of {:g} m", sc.name,
                                 sc.layers.size(), area.grid.width, area.grid.height,
                                 sc.study_area.resolution_m),
                     fmt::format("Use a coarser [study_area] resolution_m (at least {:g} m).",
                                 io::coarser_resolution_m(bytes, sc.study_area.resolution_m)));
    return bytes;
}

// SHA-256 of every distinct input file, computed once per batch, in parallel.
std::map<std::string, std::string> hash_inputs(const std::vector<InputFile*>& inputs) {
    std::map<std::string, std::string> digests;
    for (const InputFile* in : inputs) {
        digests.emplace(in->path.string(), std::string());
    }
    std::erase_if(digests, [](const auto& d) { return io::is_remote_path(d.first); });
    std::vector<std::map<std::string, std::string>::iterator> slots;
    for (auto it = digests.begin(); it != digests.end(); ++it) {
        slots.push_back(it);
    }
    parallel::for_each_index(std::size_t{0}, slots.size(), [&](std::size_t i) {
        slots[i]->second = io::sha256_file(slots[i]->first);
    });
    return digests;
}

// The assembled files hold what the variants hold, and the STAC Items about 10 kB per map.
// HDF5 1.10 crashes (SIGSEGV in H5Ocopy) when the disk fills during the copy, where a clear
// error is due: check the space first.
void check_space_to_assemble(const std::vector<Variant>& variants, const OutputDirectory& out) {
    constexpr std::uintmax_t item_bytes = 16384;
    std::error_code ec;
    std::uintmax_t needed = 0;
    for (const Variant& v : variants) {
        for (const auto& e :
             std::filesystem::directory_iterator(out.store().dir(v.scenario->name), ec)) {
            needed += e.is_regular_file(ec) ? e.file_size(ec) : 0;
        }
        for (const auto& e :
             std::filesystem::directory_iterator(out.path() / "maps" / v.scenario->name, ec)) {
            needed += e.path().extension() == ".tif" ? item_bytes : 0;
        }
    }
    needed += needed / 4 + 65536; // metadata, the project file, catalog.json, datapackage.json
    const std::filesystem::space_info space = std::filesystem::space(out.path(), ec);
    if (!ec && space.available < needed) {
        throw Error(ErrorCode::io,
                    fmt::format("not enough free space in '{}' to assemble the batch's results: "
                                "about {:.1f} MB needed, {:.1f} MB free; the finished variants "
                                "are kept in '{}', free some space and run the same command again",
                                out.path().string(), static_cast<double>(needed) / 1e6,
                                static_cast<double>(space.available) / 1e6,
                                (out.path() / "variants").string()));
    }
}

// Removes what a variant wrote beside its store directory: the files of maps/<variant>/ (its
// maps, styles, legends and quick look; the subdirectories of a sweep's other variants stay) and
// tiles/<variant>/; when it failed to commit, so that nothing of it looks complete, and before
// it is computed again.
void remove_variant_maps(const std::filesystem::path& out_dir, const std::string& name) {
    std::error_code ec;
    // Only directories: anything else at their place is not covsim's (writing then fails).
    const auto is_directory = [&](const std::filesystem::path& p) {
        return std::filesystem::is_directory(std::filesystem::symlink_status(p, ec));
    };
    const std::filesystem::path maps = out_dir / "maps" / name;
    if (is_directory(maps)) {
        for (const auto& e : std::filesystem::directory_iterator(maps, ec)) {
            if (!e.is_directory(ec)) {
                std::filesystem::remove(e.path(), ec);
            }
        }
        std::filesystem::remove(maps, ec); // only when empty
    }
    if (is_directory(out_dir / "tiles" / name)) {
        std::filesystem::remove_all(out_dir / "tiles" / name, ec);
    }
}

// Whether a write failed because the file system is full: errno says so (saved where the
// failure was caught), the message does, or the file system has less than 1 MiB left.
bool disk_full(const std::filesystem::path& dir, int saved_errno, std::string_view message) {
    if (saved_errno == ENOSPC || message.find("No space left on device") != std::string::npos) {
        return true;
    }
    std::error_code ec;
    const std::filesystem::space_info space = std::filesystem::space(dir, ec);
    return !ec && space.available < (std::uintmax_t{1} << 20);
}

std::string exception_message() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return {};
    }
}

// What publishes the batch: catalog.json over the maps, datapackage.json over the tables.
void publish_batch(const std::vector<Variant>& variants, const OutputDirectory& out) {
    std::vector<io::PublishedScenario> published;
    for (const Variant& v : variants) {
        published.push_back(
            {v.scenario->name, v.scenario->description, v.scenario->year, v.inputs, v.checksum});
    }
    io::write_stac_catalog(out.path(), published,
                           RunInfo{std::string(version()), std::string(git_commit()), {}, 0},
                           utc_year());
    write_batch_data_package(variants, out);
}

} // namespace

void check_run_config(const RunConfig& config) {
    if (config.scenario_files.empty()) {
        throw Error(ErrorCode::usage, "no scenario files given");
    }
    if (config.web_tiles) {
        io::leaflet_dir(); // the viewer needs Leaflet: fail now rather than after computing
    }
}

int batch_threads(const RunConfig& config) {
    return config.threads > 0 ? config.threads : tbb::info::default_concurrency();
}

std::vector<Scenario> parse_batch(const std::vector<std::filesystem::path>& files) {
    std::vector<Scenario> scenarios = io::parse_scenario_batch(files);
    for (const Scenario& sc : scenarios) {
        for (const std::string& w : io::scenario_warnings(sc)) {
            spdlog::warn("{}", w);
        }
    }
    std::map<std::string, std::string> dirs; // variant directory name -> scenario
    for (const Scenario& sc : scenarios) {
        const auto [it, inserted] = dirs.emplace(variant_file_name(sc.name), sc.name);
        if (!inserted) {
            throw Error(ErrorCode::scenario,
                        fmt::format("{}: scenario names \"{}\" and \"{}\" give the same variant "
                                    "directory '{}'; rename one",
                                    sc.source_path.string(), it->second, sc.name, it->first));
        }
    }
    return scenarios;
}

OutputDirectory::OutputDirectory(std::filesystem::path dir, int lock_fd)
    : dir_(std::move(dir)), lock_fd_(lock_fd), store_(dir_) {}

OutputDirectory::OutputDirectory(OutputDirectory&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(std::exchange(other.lock_fd_, -1)),
      store_(std::move(other.store_)) {}

OutputDirectory::~OutputDirectory() {
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);
    }
}

io::OutputLayout batch_output_layout(const std::filesystem::path& dir) {
    return {dir,
            {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv",
             "districts.gpkg", "covsim.qgs", "batch.png", "catalog.json", "datapackage.json"},
            {"maps", "variants", "tiles"}};
}

OutputDirectory open_output(const std::filesystem::path& dir,
                            const std::vector<Variant>& variants) {
    const io::OutputLayout layout = batch_output_layout(dir);
    std::vector<io::NamedInput> inputs;
    for (const Variant& v : variants) {
        for (const InputFile& in : v.inputs) {
            if (!io::is_remote_path(in.path.string())) {
                inputs.push_back(
                    {in.path, fmt::format("{} of scenario {}", in.role, v.scenario->name)});
            }
        }
    }
    io::check_outputs_spare_inputs(layout, inputs, "--out");
    io::check_no_symbolic_links(layout, "--out");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        throw Error(ErrorCode::io, fmt::format("output directory '{}' cannot be created{}",
                                               dir.string(), ec ? ": " + ec.message() : ""));
    }
    OutputDirectory out(dir, lock_output(dir));
    out.store().remove_leftovers();
    return out;
}

std::vector<Variant> load_variants(const std::vector<Scenario>& scenarios) {
    std::map<StudyAreaSpec, std::shared_ptr<const io::LoadedStudyArea>> areas;
    DatasetLister lister;
    std::vector<Variant> variants;
    std::set<std::string> warned_files; // one unused-columns warning per site file
    for (const Scenario& sc : scenarios) {
        Variant v;
        v.scenario = &sc;
        auto& area = areas[sc.study_area];
        if (!area) {
            spdlog::info("loading study area of scenario {}", sc.name);
            area = std::make_shared<const io::LoadedStudyArea>(io::load_study_area(sc.study_area));
            spdlog::info("study area: {} districts, {} x {} cells of {:g} m, {:.0f} people",
                         area->area.districts.size(), area->area.grid.width, area->area.grid.height,
                         area->area.grid.cell_size_m, area->area.total_population());
        }
        v.area = area;
        v.bytes = check_variant_memory(sc, area->area);
        list_variant_inputs(v, lister);
        v.input.area = &area->area;
        v.input.layers = coverage_layers(sc);
        v.input.indoor = sc.indoor;
        v.input.line_of_sight = sc.output.writes(MapMetric::line_of_sight);
        v.ftth_district = ftth_districts(sc, area->area);
        v.input.sectors = read_scenario_sectors(sc, area->area, v.inputs, warned_files);
        variants.push_back(std::move(v));
    }
    return variants;
}

void checksum_variants(std::vector<Variant>& variants, bool web_tiles) {
    std::vector<InputFile*> all;
    for (Variant& v : variants) {
        for (InputFile& in : v.inputs) {
            all.push_back(&in);
        }
    }
    const std::map<std::string, std::string> digests = hash_inputs(all);
    for (InputFile* in : all) {
        const auto digest = digests.find(in->path.string());
        in->sha256 = digest != digests.end() ? digest->second : std::string(); // remote: none
    }
    for (Variant& v : variants) {
        io::Sha256 h;
        // The version names the layout of a variant's outputs: 2 added each radio layer's maps
        // and the headline figures of qgis_groups.json, 3 the ranges' columns of the summaries,
        // so variants stored before are computed again rather than assembled without them.
        h.update("covsim variant checksum 3\n");
        h.update(v.scenario->name + "\n");
        h.update(v.scenario->source_text);
        h.update(web_tiles ? "\nweb_tiles tilejson viewer\n" : "\n");
        for (const InputFile& in : v.inputs) {
            if (in.role != "scenario") { // the file may hold other variants: its text is above
                h.update(in.role + " " + in.sha256 + "\n");
            }
        }
        v.checksum = h.hex_digest();
    }
}

std::vector<Variant*> select_pending(std::vector<Variant>& variants, const VariantStore& store,
                                     bool force) {
    std::vector<Variant*> pending;
    for (Variant& v : variants) {
        const std::string& name = v.scenario->name;
        const std::optional<std::string> stored = store.stored_checksum(name);
        if (!force && !v.unresumable.empty()) {
            spdlog::warn("scenario {}: computed on every run, never skipped as unchanged: {}; "
                         "its input checksum cannot cover that",
                         name, v.unresumable.front());
            pending.push_back(&v);
            continue;
        }
        if (!force && stored == v.checksum) {
            spdlog::info("scenario {}: skipped, unchanged (input_checksum {})", name,
                         v.checksum.substr(0, 12));
            continue;
        }
        if (stored) {
            spdlog::info("scenario {}: {}", name,
                         force ? "recomputing (--force)"
                               : "inputs changed since it was computed; recomputing");
        }
        pending.push_back(&v);
    }
    return pending;
}

std::size_t variants_side_by_side(const std::vector<Variant*>& pending, int threads) {
    std::uint64_t largest = 1;
    for (const Variant* v : pending) {
        largest = std::max(largest, v->bytes);
    }
    const std::size_t side_by_side =
        std::clamp<std::size_t>(static_cast<std::size_t>(side_by_side_budget_bytes / largest), 1,
                                static_cast<std::size_t>(threads));
    if (side_by_side < static_cast<std::size_t>(threads) && pending.size() > 1) {
        spdlog::info("{} variant(s) at a time: each needs up to {:.1f} GB", side_by_side,
                     static_cast<double>(largest) / 1e9);
    }
    return side_by_side;
}

namespace {

// The ranges of the scenario's [uncertainty] inputs, logged: the city's low / central / high
// of the served share and the cost per subscriber.
Ranges compute_variant_ranges(const Scenario& sc, const CentralEvaluation& central) {
    if (sc.uncertainty.empty()) {
        return {};
    }
    const auto t0 = Clock::now();
    Ranges r = compute_ranges(sc.uncertainty, central);
    double people = 0.0;
    double served = 0.0;
    for (std::size_t d = 0; d < central.capacity->districts.size(); ++d) {
        people += (*central.cost_input->coverage)[d].population;
        served += central.capacity->districts[d].served_population;
    }
    spdlog::info("scenario {}: ranges of {} inputs ({} capacity and cost runs, {:.1f} s): served "
                 "share {:.1f} / {:.1f} / {:.1f} %, cost per subscriber {:.2f} / {:.2f} / {:.2f} "
                 "USD a month (low / central / high)",
                 sc.name, sc.uncertainty.size(), r.evaluations, seconds_since(t0),
                 100.0 * r.served_share.city_low, people > 0.0 ? 100.0 * served / people : 0.0,
                 100.0 * r.served_share.city_high, r.cost_per_subscriber_usd_per_month.city_low,
                 central.cost->city.per_subscriber_usd_per_month,
                 r.cost_per_subscriber_usd_per_month.city_high);
    return r;
}

} // namespace

VariantStart::VariantStart() : time(std::chrono::steady_clock::now()), utc(utc_now()) {}

VariantStart::VariantStart(double seconds_ago)
    : time(std::chrono::steady_clock::now() -
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
               std::chrono::duration<double>(seconds_ago))),
      utc(utc_text(std::time(nullptr) - static_cast<std::time_t>(seconds_ago))) {}

ScenarioResult compute_variant(Variant& v) {
    const VariantStart start;
    spdlog::info("scenario {}: computing coverage", v.scenario->name);
    return complete_variant(v, compute_coverage(v.input), start);
}

ScenarioResult complete_variant(Variant& v, CoverageResult coverage, const VariantStart& start) {
    const Scenario& sc = *v.scenario;
    ScenarioResult result;
    result.scenario = &sc;
    result.area = &v.area->area;
    result.inputs = v.inputs;
    result.input_checksum = v.checksum;
    result.started_utc = start.utc;
    result.coverage = std::move(coverage);
    const CapacityInput capacity_in = capacity_input(sc, v.input, result.coverage, v.ftth_district);
    result.capacity = compute_capacity(capacity_in);
    const CostInput cost_in =
        cost_input(sc, v.input, result.coverage, result.capacity, v.ftth_district);
    result.cost = compute_costs(cost_in);
    result.ranges = compute_variant_ranges(sc, {&capacity_in, &cost_in, &result.capacity,
                                                &result.cost, sc.study_area.population_growth});
    for (const std::string& w :
         link_validity_warnings(v.input, serving_link_validity(v.input, result.coverage))) {
        spdlog::warn("scenario {}: {}", sc.name, w);
    }
    if (result.coverage.status.non_finite_losses > 0) {
        spdlog::warn("scenario {}: {} cell-sector pairs had a non-finite path loss and were "
                     "skipped",
                     sc.name, result.coverage.status.non_finite_losses);
    }
    if (result.capacity.steering_iterations > 1) {
        spdlog::info("scenario {}: traffic steered between layers in {} iterations (largest load "
                     "change in the last: {:.2g})",
                     sc.name, result.capacity.steering_iterations,
                     result.capacity.steering_last_change);
    }
    if (result.capacity.overloaded_cells > 0) {
        spdlog::info("scenario {}: {} cells are overloaded in the busy hour", sc.name,
                     result.capacity.overloaded_cells);
    }
    result.sectors = std::move(v.input.sectors);
    result.layers = std::move(v.input.layers);
    result.finished_utc = utc_now();
    result.elapsed_s = seconds_since(start.time);
    return result;
}

namespace {

// What one of a variant's two writers (below) was writing when it failed, and errno then.
struct Writing {
    std::filesystem::path file;
    int saved_errno = 0;
};

// Runs `write`, which keeps `writing.file` at the file it writes; on failure, keeps errno too.
template <typename Write>
void keeping_errno(Writing& writing, const Write& write) {
    try {
        write();
    } catch (...) {
        writing.saved_errno = errno;
        throw;
    }
}

// The maps of a variant: its GeoTIFFs (with their styles and web tiles) and its quick look.
void write_variant_maps(const ScenarioResult& result, const OutputDirectory& out,
                        const RunInfo& run, bool web_tiles) {
    io::MapSink maps(out.path(), web_tiles);
    maps.write(result, run);
    maps.commit();
    if (result.scenario->output.writes(MapMetric::rsrp_dbm)) {
        io::write_quicklook(out.path(), result);
    }
}

// The tables of a variant in its store directory `dir`: results.h5, the summaries, the tornado,
// districts.gpkg, the QGIS project and the report.
void write_variant_tables(const ScenarioResult& result, const std::filesystem::path& dir,
                          const RunInfo& run, std::mutex& hdf5_mutex,
                          std::filesystem::path& writing) {
    writing = dir / "results.h5";
    {
        const std::lock_guard h5_lock(hdf5_mutex);
        io::Hdf5Sink h5(writing);
        h5.write(result, run);
        h5.commit();
    }
    writing = dir / "summary.csv";
    io::SummaryCsvSink csv(dir);
    csv.write(result, run);
    csv.commit();
    if (!result.ranges.empty()) {
        writing = dir / "tornado.csv";
        io::write_tornado_csv(writing, result.ranges);
        writing = dir / "tornado.png";
        io::write_tornado_chart(writing, result);
    }
    writing = dir / "districts.gpkg";
    io::DistrictGpkgSink gpkg(writing);
    gpkg.write(result, run);
    gpkg.commit();
    writing = dir / "covsim.qgs";
    io::QgisProjectSink qgs(writing);
    qgs.write(result, run);
    qgs.save_groups(dir / "qgis_groups.json");
    writing = dir / "report.json";
    save_summary(summarise(result), writing);
}

// Writes a variant's maps and its tables side by side (independent files; each writer keeps
// its own order), then its web viewer's entry, and commits it; on failure nothing of it is kept,
// and the maps' failure is reported before the tables'.
void write_and_commit_variant(const ScenarioResult& result, const OutputDirectory& out,
                              const RunInfo& run, bool web_tiles, std::mutex& hdf5_mutex) {
    const std::string& name = result.scenario->name;
    const VariantStore& store = out.store();
    spdlog::info("scenario {}: writing results", name);
    const std::filesystem::path dir = store.begin(name);
    std::array<Writing, 2> writing{Writing{out.path() / "maps" / name}, Writing{}};
    std::size_t failing = 0;
    try {
        const auto failed = parallel::run_both(
            [&] {
                keeping_errno(writing[0], [&] { write_variant_maps(result, out, run, web_tiles); });
            },
            [&] {
                keeping_errno(writing[1], [&] {
                    write_variant_tables(result, dir, run, hdf5_mutex, writing[1].file);
                });
            });
        failing = failed[0] ? 0 : 1; // the maps' failure first
        if (failed[failing]) {
            std::rethrow_exception(failed[failing]);
        }
        if (web_tiles) {
            failing = 1;
            writing[1].file = dir / "web_viewer.json";
            io::WebViewerSink web(out.path());
            web.write(result, run);
            web.save_scenarios(writing[1].file);
        }
    } catch (...) {
        const int saved_errno =
            writing[failing].saved_errno != 0 ? writing[failing].saved_errno : errno;
        const std::string message = exception_message();
        store.abandon(name);
        remove_variant_maps(out.path(), name);
        if (disk_full(out.path(), saved_errno, message)) {
            throw Error(ErrorCode::io,
                        fmt::format("no space left on device writing '{}'; nothing of scenario {} "
                                    "was kept, the finished scenarios are; free some space and "
                                    "run the same command again",
                                    writing[failing].file.string(), name));
        }
        throw;
    }
    store.commit(name);
}

} // namespace

void commit_variant(const ScenarioResult& result, const OutputDirectory& out, const RunInfo& run,
                    bool web_tiles, std::mutex& hdf5_mutex) {
    // Never cancelled half-way: the maps are written in parallel, and a signal that cancelled the
    // batch's TBB work while they were written would skip some of them in a variant committed
    // as complete. Writing takes seconds; a signal waits for it.
    tbb::task_group_context own(tbb::task_group_context::isolated);
    parallel::run_in(own,
                     [&] { write_and_commit_variant(result, out, run, web_tiles, hdf5_mutex); });
}

namespace {

// compute() (a ScenarioResult of `v`, computing nothing that is kept) and commit_variant, unless
// the batch is stopping; on failure or a stop, nothing of the variant looks complete.
template <typename Compute>
std::optional<double> commit_computed(Variant& v, const OutputDirectory& out, const RunInfo& run,
                                      bool web_tiles, const CancellationMonitor& monitor,
                                      Progress& progress, std::mutex& hdf5_mutex,
                                      const VariantStart& start, const Compute& compute) {
    const std::string& name = v.scenario->name;
    bool committed = false;
    struct Abandoned {
        const std::function<void()> f;
        ~Abandoned() { f(); }
    } abandoned{[&] {
        if (!committed) {
            out.store().abandon(name);
            progress.abandoned(name);
        }
    }};
    out.store().invalidate(name);
    // Maps of the variant stored before that this run would not write again ([output] maps, a
    // layer renamed or left out) must not be left beside the new ones.
    remove_variant_maps(out.path(), name);
    ScenarioResult result;
    // Isolated: while it waits for its tiles, this thread takes no other variant, so at most
    // --threads variants are in memory at once.
    tbb::this_task_arena::isolate([&] { result = compute(); });
    if (monitor.stopped()) {
        return std::nullopt; // cancelled TBB work may have left tiles out: never write it
    }
    commit_variant(result, out, run, web_tiles, hdf5_mutex);
    committed = true;
    progress.finished(name);
    return seconds_since(start.time);
}

} // namespace

std::optional<double> compute_and_commit(Variant& v, const OutputDirectory& out, const RunInfo& run,
                                         bool web_tiles, const CancellationMonitor& monitor,
                                         Progress& progress, std::mutex& hdf5_mutex) {
    if (monitor.stopped()) {
        return std::nullopt;
    }
    const VariantStart start;
    progress.started(v.scenario->name);
    return commit_computed(v, out, run, web_tiles, monitor, progress, hdf5_mutex, start,
                           [&] { return compute_variant(v); });
}

std::optional<double> complete_and_commit(Variant& v, CoverageResult coverage,
                                          const VariantStart& start, const OutputDirectory& out,
                                          const RunInfo& run, bool web_tiles,
                                          const CancellationMonitor& monitor, Progress& progress,
                                          std::mutex& hdf5_mutex) {
    if (monitor.stopped()) {
        return std::nullopt;
    }
    return commit_computed(v, out, run, web_tiles, monitor, progress, hdf5_mutex, start,
                           [&] { return complete_variant(v, std::move(coverage), start); });
}

Error interrupted_batch(int sig, const std::vector<Variant>& variants, const OutputDirectory& out,
                        const std::string& cause) {
    std::size_t complete = 0;
    for (const Variant& v : variants) {
        complete += out.store().stored_checksum(v.scenario->name) == v.checksum ? 1 : 0;
    }
    return Error(ErrorCode::interrupted,
                 fmt::format("interrupted by {}{} with {} of {} variants complete in '{}'; run the "
                             "same command again to compute the rest",
                             sig == SIGINT ? "SIGINT" : "SIGTERM", cause, complete, variants.size(),
                             (out.path() / "variants").string()));
}

std::vector<std::filesystem::path> batch_files(const std::filesystem::path& dir, bool web_tiles) {
    std::vector<std::filesystem::path> files;
    for (const char* name :
         {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv", "districts.gpkg",
          "covsim.qgs", "batch.png", "catalog.json", "datapackage.json", "maps", "variants"}) {
        files.push_back(dir / name);
    }
    if (web_tiles) {
        for (const char* name : {"tiles", "index.html", "web"}) {
            files.push_back(dir / name);
        }
    }
    return files;
}

std::vector<ScenarioSummary> assemble_batch(const std::vector<Variant>& variants,
                                            const OutputDirectory& out, bool web_tiles) {
    spdlog::info("assembling results.h5, summaries, districts.gpkg and covsim.qgs");
    check_space_to_assemble(variants, out);
    std::vector<ScenarioSummary> summaries;
    {
        io::Hdf5Sink h5(out.path() / "results.h5");
        io::SummaryCsvSink csv(out.path());
        io::DistrictGpkgSink gpkg(out.path() / "districts.gpkg");
        io::QgisProjectSink qgs(out.path() / "covsim.qgs", web_tiles);
        // results.h5 beside the other files (each in variant order); committed after both.
        const auto failed = parallel::run_both(
            [&] {
                for (const Variant& v : variants) {
                    const std::string& name = v.scenario->name;
                    h5.append(out.store().dir(name) / "results.h5", name);
                }
            },
            [&] {
                for (const Variant& v : variants) {
                    const std::filesystem::path dir = out.store().dir(v.scenario->name);
                    csv.append(dir);
                    gpkg.append(dir / "districts.gpkg");
                    qgs.append(dir / "qgis_groups.json");
                    summaries.push_back(load_summary(dir / "report.json"));
                }
            });
        for (const std::exception_ptr& f : failed) {
            if (f) {
                std::rethrow_exception(f);
            }
        }
        h5.commit();
        csv.commit();
        gpkg.commit();
        qgs.commit();
    }
    if (web_tiles) { // after districts.gpkg, which it reads
        io::WebViewerSink web(out.path());
        for (const Variant& v : variants) {
            web.append(out.store().dir(v.scenario->name) / "web_viewer.json");
        }
        web.commit();
    }
    std::vector<io::ChartPoint> points;
    for (const ScenarioSummary& s : summaries) {
        points.push_back(
            {s.name, s.cost_per_subscriber_usd_per_month,
             s.total.population > 0.0 ? s.served_population / s.total.population : std::nan(""),
             s.cost_per_subscriber_low_usd_per_month, s.cost_per_subscriber_high_usd_per_month,
             s.served_share_low, s.served_share_high});
    }
    io::write_batch_chart(out.path() / "batch.png", points);
    publish_batch(variants, out);
    return summaries;
}

void write_batch_data_package(const std::vector<Variant>& variants, const OutputDirectory& out,
                              const std::vector<io::TableResource>& more) {
    std::vector<io::TableResource> tables = io::summary_tables(*variants.front().scenario);
    tables.insert(tables.end(), more.begin(), more.end());
    io::write_data_package(
        out.path() / "datapackage.json", "covsim-results", "covsim results",
        fmt::format("The tables of a covsim {} run of {} scenario(s); the maps are described by "
                    "catalog.json (STAC), every value by docs/results-format.md.",
                    version(), variants.size()),
        tables);
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
    if (!r.ranges.empty()) {
        s.served_share_low = r.ranges.served_share.city_low;
        s.served_share_high = r.ranges.served_share.city_high;
        s.cost_per_subscriber_low_usd_per_month =
            r.ranges.cost_per_subscriber_usd_per_month.city_low;
        s.cost_per_subscriber_high_usd_per_month =
            r.ranges.cost_per_subscriber_usd_per_month.city_high;
    }
    s.affordability = r.cost.city.affordability;
    s.affordability_threshold = r.scenario->cost.affordability_threshold;
    s.target_served_share = r.scenario->cost.target_served_share;
    s.verdict = std::string(affordability_verdict(
        s.affordability, s.affordability_threshold,
        s.total.population > 0.0 ? s.served_population / s.total.population : 0.0,
        s.target_served_share));
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
                               r.cost.districts[d].affordability, r.cost.districts[d].cheapest_mix,
                               std::string(affordability_verdict(
                                   r.cost.districts[d].affordability, s.affordability_threshold,
                                   r.coverage.districts[d].population > 0.0
                                       ? r.capacity.districts[d].served_population /
                                             r.coverage.districts[d].population
                                       : 0.0,
                                   s.target_served_share))});
    }
    return s;
}

} // namespace covsim
