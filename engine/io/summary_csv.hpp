#pragma once
// summary.csv: one row per scenario and district with every district result;
// summary_city.csv: one row per scenario with the city's values of the same columns;
// summary_layers.csv: one row per scenario, layer and district; tornado.csv: a scenario's
// [uncertainty] inputs by their swing of the city's values. Columns in docs/results-format.md.

#include "core/result.hpp"
#include "io/atomic_file.hpp"
#include "io/data_package.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

namespace covsim::io {

class SummaryCsvSink final : public ResultSink {
public:
    explicit SummaryCsvSink(const std::filesystem::path& out_dir);
    void write(const ScenarioResult& result, const RunInfo& run) override;
    // Appends the rows of the three files another SummaryCsvSink wrote in `dir` (a variant's
    // directory, run/variant_store); the header comes from the first.
    void append(const std::filesystem::path& dir);
    void commit() override;

private:
    AtomicFile districts_file_;
    AtomicFile city_file_;
    AtomicFile layers_file_;
    std::ofstream districts_;
    std::ofstream city_;
    std::ofstream layers_;
    bool header_written_ = false;
};

// The three files as data package resources (io/data_package): summary.csv, summary_city.csv,
// summary_layers.csv, their columns from core/result_table. The sink writes its headers from
// them. A scenario's columns do not depend on its results: `scenario` alone gives them.
std::vector<TableResource> summary_tables(const ScenarioResult& result);
std::vector<TableResource> summary_tables(const Scenario& scenario);

// A scenario's tornado table (core/uncertainty.hpp), one row per [uncertainty] input in the
// table's order (largest cost swing first), written to `path` (temporary name, then renamed).
void write_tornado_csv(const std::filesystem::path& path, const Ranges& ranges);

// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text);

} // namespace covsim::io
