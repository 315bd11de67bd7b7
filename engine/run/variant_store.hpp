#pragma once
// The variants of a batch on disk, so that a batch can be interrupted at any moment and resumed.
//
//   <out>/variants/<file name>/          one directory per finished variant (scenario):
//       results.h5                       its group, with the attribute input_checksum
//       summary.csv summary_city.csv summary_layers.csv districts.gpkg
//       qgis_groups.json                 its layer group of covsim.qgs
//       report.json                      its terminal summary
//   <out>/maps/<scenario>/               its maps (written before the directory is committed)
//
// A variant is written to <file name>.partial/ and renamed to <file name>/ once every file in
// it is complete and flushed to disk; the rename is the commit. A directory without the suffix
// is therefore always complete. Before a variant is recomputed its old directory is removed
// first (renamed to <file name>.stale/, then deleted), so maps being rewritten never belong to
// a directory that claims to be complete. The file name is the scenario name with every '/'
// (sweep variants, "<scenario>/<label>=<value>,...") replaced by "__".

#include "run/batch.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace covsim {

std::string variant_file_name(const std::string& scenario);

class VariantStore {
public:
    explicit VariantStore(std::filesystem::path out_dir);

    // Removes what interrupted runs left behind: <out>/variants/*.partial and *.stale.
    void remove_leftovers() const;

    [[nodiscard]] std::filesystem::path dir(const std::string& scenario) const;
    // The input_checksum of the variant's committed results; nothing when there is no committed
    // variant or its results file cannot be read.
    [[nodiscard]] std::optional<std::string> stored_checksum(const std::string& scenario) const;
    // Removes the committed directory of a variant, if any.
    void invalidate(const std::string& scenario) const;
    // A fresh, empty <file name>.partial/ to write the variant into.
    [[nodiscard]] std::filesystem::path begin(const std::string& scenario) const;
    // Flushes every file of <file name>.partial/ to disk and renames it to <file name>/.
    void commit(const std::string& scenario) const;
    // Removes <file name>.partial/ (a variant that did not finish).
    void abandon(const std::string& scenario) const;

private:
    std::filesystem::path root_;
};

// The terminal summary of a variant, stored as JSON beside its results.
void save_summary(const ScenarioSummary& summary, const std::filesystem::path& path);
ScenarioSummary load_summary(const std::filesystem::path& path);

} // namespace covsim
