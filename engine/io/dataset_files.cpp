#include "io/dataset_files.hpp"

#include "io/gdal_support.hpp"

#include <algorithm>
#include <array>
#include <cpl_error.h>
#include <cpl_string.h>
#include <deque>
#include <fmt/format.h>
#include <optional>
#include <set>
#include <string_view>

namespace covsim::io {

namespace {

namespace fs = std::filesystem;

// Drivers that read data they do not list as files: web services and their caches.
bool reads_unlisted_data(std::string_view driver) {
    static constexpr std::array<std::string_view, 18> drivers = {
        "WMS",      "WMTS", "WFS",   "OAPIF", "OGCAPI",        "PLMOSAIC",
        "PLSCENES", "EEDA", "EEDAI", "DAAS",  "STACIT",        "STACTA",
        "ESRIC",    "NGW",  "CARTO", "HTTP",  "Elasticsearch", "CouchDB"};
    return std::find(drivers.begin(), drivers.end(), driver) != drivers.end();
}

// The local file behind a /vsiXXX/ path of an archive (/vsizip/a.zip/x.tif: a.zip), or nothing.
std::optional<fs::path> archive_file(const std::string& name) {
    const auto slash = name.find('/', 1);
    if (slash == std::string::npos) {
        return std::nullopt;
    }
    fs::path p = name.substr(slash + 1);
    std::error_code ec;
    for (; !p.empty() && p != p.parent_path(); p = p.parent_path()) {
        if (fs::is_regular_file(p, ec)) {
            return p;
        }
    }
    return std::nullopt;
}

std::string key_of(const fs::path& p) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(p, ec);
    return (ec ? fs::absolute(p, ec) : canonical).lexically_normal().string();
}

// GDAL's list for the dataset at `name`, and the sidecars some drivers read without listing
// them; `opened` is false when GDAL does not open it as a dataset (a .prj, a .aux.xml).
struct Listing {
    bool opened = false;
    std::string driver;
    std::vector<std::string> files;
};

Listing list_files(const std::string& name) {
    Listing out;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(),
                                              GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              nullptr, nullptr, nullptr));
    CPLPopErrorHandler();
    CPLErrorReset();
    if (!ds) {
        return out;
    }
    out.opened = true;
    out.driver = ds->GetDriver() != nullptr ? ds->GetDriver()->GetDescription() : "";
    char** list = ds->GetFileList();
    for (char** f = list; f != nullptr && *f != nullptr; ++f) {
        out.files.emplace_back(*f);
    }
    CSLDestroy(list);
    // Read but not listed by GDAL 3.6: a CSV's column types and CRS, SQLite's write-ahead log.
    std::error_code ec;
    if (out.driver == "CSV") {
        for (const char* ext : {".csvt", ".prj"}) {
            fs::path side = fs::path(name).replace_extension(ext);
            if (fs::is_regular_file(side, ec)) {
                out.files.push_back(side.string());
            }
        }
    } else if (out.driver == "GPKG" || out.driver == "SQLite") {
        if (fs::is_regular_file(name + "-wal", ec)) {
            out.files.push_back(name + "-wal");
        }
    }
    return out;
}

} // namespace

DatasetFiles dataset_files(const fs::path& path) {
    ensure_gdal();
    DatasetFiles out;
    std::set<std::string> seen = {key_of(path)};
    std::set<std::string> remote_seen;
    std::deque<std::string> todo = {path.string()};
    while (!todo.empty()) {
        const std::string name = todo.front();
        todo.pop_front();
        const Listing listing = list_files(name);
        if (reads_unlisted_data(listing.driver)) {
            out.unlisted = fmt::format("'{}' is read by GDAL's {} driver, which reads data it does "
                                       "not list",
                                       name, listing.driver);
        }
        for (const std::string& f : listing.files) {
            if (is_remote_path(f)) {
                if (remote_seen.insert(f).second) {
                    out.remote.push_back(f);
                }
                continue;
            }
            fs::path local = f;
            if (f.starts_with("/vsi")) {
                const std::optional<fs::path> archive = archive_file(f);
                if (!archive) {
                    out.unlisted =
                        fmt::format("'{}' reads '{}', which is not a local file", name, f);
                    continue;
                }
                local = *archive;
            }
            std::error_code ec;
            if (!fs::is_regular_file(local, ec) || !seen.insert(key_of(local)).second) {
                continue; // a directory's files are listed one by one
            }
            if (out.others.size() >= max_dataset_files) {
                out.unlisted =
                    fmt::format("'{}' reads more than {} files", path.string(), max_dataset_files);
                return out;
            }
            out.others.push_back(local);
            todo.push_back(local.string());
        }
    }
    return out;
}

} // namespace covsim::io
