#include "run/variant_store.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5_results.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>
#include <unistd.h>

namespace covsim {

namespace {

std::filesystem::path with_suffix(std::filesystem::path p, const char* suffix) {
    p += suffix;
    return p;
}

// fsync() of a file or directory; best effort where the filesystem does not support it.
void sync_path(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorCode::io, fmt::format("cannot open '{}' to flush it to disk: {}",
                                               p.string(), std::strerror(errno)));
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL && err != EROFS) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot flush '{}' to disk: {}", p.string(), std::strerror(err)));
    }
}

void remove_tree(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::remove_all(p, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot remove '{}': {}", p.string(), ec.message()));
    }
}

void rename_dir(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot rename '{}' to '{}': {}", from.string(),
                                               to.string(), ec.message()));
    }
}

} // namespace

std::string variant_file_name(const std::string& scenario) {
    std::string out;
    for (char c : scenario) {
        out += c == '/' ? std::string("__") : std::string(1, c);
    }
    return out;
}

VariantStore::VariantStore(std::filesystem::path out_dir) : root_(std::move(out_dir) / "variants") {
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    if (ec || !std::filesystem::is_directory(root_)) {
        throw Error(ErrorCode::io, fmt::format("directory '{}' cannot be created{}", root_.string(),
                                               ec ? ": " + ec.message() : ""));
    }
}

void VariantStore::remove_leftovers() const {
    std::vector<std::filesystem::path> leftovers;
    for (const auto& entry : std::filesystem::directory_iterator(root_)) {
        const std::string ext = entry.path().extension().string();
        if (ext == ".partial" || ext == ".stale") {
            leftovers.push_back(entry.path());
        }
    }
    for (const auto& p : leftovers) {
        remove_tree(p);
    }
}

std::filesystem::path VariantStore::dir(const std::string& scenario) const {
    return root_ / variant_file_name(scenario);
}

std::optional<std::string> VariantStore::stored_checksum(const std::string& scenario) const {
    const std::filesystem::path d = dir(scenario);
    for (const char* name : {"results.h5", "summary.csv", "summary_city.csv", "summary_layers.csv",
                             "districts.gpkg", "qgis_groups.json", "report.json"}) {
        if (!std::filesystem::is_regular_file(d / name)) {
            return std::nullopt;
        }
    }
    return io::read_string_attribute(d / "results.h5", "/" + scenario, "input_checksum");
}

void VariantStore::invalidate(const std::string& scenario) const {
    const std::filesystem::path d = dir(scenario);
    if (!std::filesystem::exists(d)) {
        return;
    }
    const std::filesystem::path stale = with_suffix(d, ".stale");
    remove_tree(stale);
    rename_dir(d, stale);
    sync_path(root_);
    remove_tree(stale);
}

std::filesystem::path VariantStore::begin(const std::string& scenario) const {
    const std::filesystem::path partial = with_suffix(dir(scenario), ".partial");
    remove_tree(partial);
    std::error_code ec;
    std::filesystem::create_directory(partial, ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot create directory '{}': {}", partial.string(),
                                               ec.message()));
    }
    return partial;
}

void VariantStore::commit(const std::string& scenario) const {
    const std::filesystem::path partial = with_suffix(dir(scenario), ".partial");
    for (const auto& entry : std::filesystem::directory_iterator(partial)) {
        if (entry.is_regular_file()) {
            sync_path(entry.path());
        }
    }
    sync_path(partial);
    rename_dir(partial, dir(scenario));
    sync_path(root_);
}

void VariantStore::abandon(const std::string& scenario) const {
    std::error_code ec;
    std::filesystem::remove_all(with_suffix(dir(scenario), ".partial"), ec);
}

namespace {

nlohmann::json to_json(const DistrictTotals& t) {
    return {{"population", t.population},
            {"area_km2", t.area_km2},
            {"covered_population", t.covered_population},
            {"covered_area_km2", t.covered_area_km2},
            {"covered_indoor_population", t.covered_indoor_population},
            {"layer_covered_population", t.layer_covered_population},
            {"layer_covered_indoor_population", t.layer_covered_indoor_population}};
}

DistrictTotals totals_from(const nlohmann::json& j) {
    DistrictTotals t;
    t.population = j.at("population").get<double>();
    t.area_km2 = j.at("area_km2").get<double>();
    t.covered_population = j.at("covered_population").get<double>();
    t.covered_area_km2 = j.at("covered_area_km2").get<double>();
    t.covered_indoor_population = j.at("covered_indoor_population").get<double>();
    t.layer_covered_population = j.at("layer_covered_population").get<std::vector<double>>();
    t.layer_covered_indoor_population =
        j.at("layer_covered_indoor_population").get<std::vector<double>>();
    return t;
}

// JSON has no NaN: undefined values (a cost per subscriber of nobody) are stored as null.
nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double number_from(const nlohmann::json& j) {
    return j.is_null() ? std::nan("") : j.get<double>();
}

} // namespace

void save_summary(const ScenarioSummary& s, const std::filesystem::path& path) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerSummary& l : s.layers) {
        layers.push_back({{"name", l.name},
                          {"model", l.model},
                          {"sectors", l.sectors},
                          {"covered_population", l.covered_population}});
    }
    nlohmann::json districts = nlohmann::json::array();
    for (const DistrictSummary& d : s.districts) {
        districts.push_back(
            {{"code", d.code},
             {"name_ascii", d.name_ascii},
             {"type", d.type},
             {"totals", to_json(d.totals)},
             {"served_population", d.served_population},
             {"cost_per_subscriber_usd_per_month", number(d.cost_per_subscriber_usd_per_month)},
             {"affordability", number(d.affordability)},
             {"cheapest_mix", d.cheapest_mix},
             {"verdict", d.verdict}});
    }
    const nlohmann::json j = {
        {"name", s.name},
        {"sites", s.sites},
        {"sectors", s.sectors},
        {"resolution_m", s.resolution_m},
        {"cells", s.cells},
        {"elapsed_s", s.elapsed_s},
        {"total", to_json(s.total)},
        {"served_population", s.served_population},
        {"covered_indoor_population", s.covered_indoor_population},
        {"annualised_cost_usd", number(s.annualised_cost_usd)},
        {"cost_per_subscriber_usd_per_month", number(s.cost_per_subscriber_usd_per_month)},
        {"served_share_low", number(s.served_share_low)},
        {"served_share_high", number(s.served_share_high)},
        {"cost_per_subscriber_usd_per_month_low", number(s.cost_per_subscriber_low_usd_per_month)},
        {"cost_per_subscriber_usd_per_month_high",
         number(s.cost_per_subscriber_high_usd_per_month)},
        {"affordability", number(s.affordability)},
        {"affordability_threshold", s.affordability_threshold},
        {"target_served_share", s.target_served_share},
        {"verdict", s.verdict},
        {"overloaded_cells", s.overloaded_cells},
        {"layers", layers},
        {"districts", districts}};
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << j.dump(1) << '\n';
    out.close();
    if (!out) {
        io::throw_cannot_write(path);
    }
}

ScenarioSummary load_summary(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, fmt::format("cannot read '{}'", path.string()));
    }
    try {
        const nlohmann::json j = nlohmann::json::parse(in);
        ScenarioSummary s;
        s.name = j.at("name").get<std::string>();
        s.sites = j.at("sites").get<std::size_t>();
        s.sectors = j.at("sectors").get<std::size_t>();
        s.resolution_m = j.at("resolution_m").get<double>();
        s.cells = j.at("cells").get<std::size_t>();
        s.elapsed_s = j.at("elapsed_s").get<double>();
        s.total = totals_from(j.at("total"));
        s.served_population = j.at("served_population").get<double>();
        s.covered_indoor_population = j.at("covered_indoor_population").get<double>();
        s.annualised_cost_usd = number_from(j.at("annualised_cost_usd"));
        s.cost_per_subscriber_usd_per_month =
            number_from(j.at("cost_per_subscriber_usd_per_month"));
        s.served_share_low = number_from(j.at("served_share_low"));
        s.served_share_high = number_from(j.at("served_share_high"));
        s.cost_per_subscriber_low_usd_per_month =
            number_from(j.at("cost_per_subscriber_usd_per_month_low"));
        s.cost_per_subscriber_high_usd_per_month =
            number_from(j.at("cost_per_subscriber_usd_per_month_high"));
        s.affordability = number_from(j.at("affordability"));
        s.affordability_threshold = j.at("affordability_threshold").get<double>();
        s.target_served_share = j.at("target_served_share").get<double>();
        s.verdict = j.at("verdict").get<std::string>();
        s.overloaded_cells = j.at("overloaded_cells").get<std::uint64_t>();
        for (const nlohmann::json& l : j.at("layers")) {
            s.layers.push_back({l.at("name").get<std::string>(), l.at("model").get<std::string>(),
                                l.at("sectors").get<std::size_t>(),
                                l.at("covered_population").get<double>()});
        }
        for (const nlohmann::json& d : j.at("districts")) {
            s.districts.push_back(
                {d.at("code").get<std::string>(), d.at("name_ascii").get<std::string>(),
                 d.at("type").get<std::string>(), totals_from(d.at("totals")),
                 d.at("served_population").get<double>(),
                 number_from(d.at("cost_per_subscriber_usd_per_month")),
                 number_from(d.at("affordability")), d.at("cheapest_mix").get<std::string>(),
                 d.at("verdict").get<std::string>()});
        }
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::io, fmt::format("'{}' is not a covsim variant report ({}); delete "
                                               "its variant directory to recompute it",
                                               path.string(), e.what()));
    }
}

} // namespace covsim
