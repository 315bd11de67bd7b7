// covsim info RESULTS.h5 [--json]: provenance and headline figures of every scenario group.

#include "commands.hpp"
#include "io/results_reader.hpp"
#include "run/results_info.hpp"

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

namespace covsim::cli {

namespace {

// NaN (absent) becomes null.
nlohmann::json value(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// "" (absent) becomes null.
nlohmann::json text(const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json to_json(const ResultsInfo& info) {
    nlohmann::json scenarios = nlohmann::json::array();
    for (const ScenarioInfo& s : info.scenarios) {
        nlohmann::json inputs = nlohmann::json::array();
        for (const InputRecord& r : s.inputs) {
            inputs.push_back(
                {{"role", r.role}, {"path", text(r.path)}, {"sha256", text(r.sha256)}});
        }
        const Headline& h = s.headline;
        scenarios.push_back(
            {{"name", s.name},
             {"group", "/" + s.group},
             {"description", s.description},
             {"scenario_file", s.scenario_file},
             {"covsim_version", s.covsim_version},
             {"git_commit", s.git_commit},
             {"command_line", s.command_line},
             {"started_utc", s.started_utc},
             {"finished_utc", s.finished_utc},
             {"elapsed_s", value(s.elapsed_s)},
             {"threads", value(s.threads)},
             {"resolution_m", value(s.resolution_m)},
             {"input_checksum", text(s.input_checksum)},
             {"inputs", inputs},
             {"headline",
              {{"population", value(h.population)},
               {"covered_population", value(h.covered_population)},
               {"covered_share", value(h.covered_share)},
               {"covered_indoor_population", value(h.covered_indoor_population)},
               {"covered_indoor_share", value(h.covered_indoor_share)},
               {"served_population", value(h.served_population)},
               {"served_share", value(h.served_share)},
               {"cost_per_subscriber_usd_per_month", value(h.cost_per_subscriber_usd_per_month)},
               {"affordability_share_of_gni", value(h.affordability_share_of_gni)},
               {"affordable", std::isfinite(h.affordable) ? nlohmann::json(h.affordable > 0.5)
                                                          : nlohmann::json(nullptr)}}}});
    }
    return {{"file", info.path}, {"schema_version", info.schema_version}, {"scenarios", scenarios}};
}

} // namespace

void add_info_command(CLI::App& app, Context& ctx) {
    auto file = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand(
        "info", "Print the provenance and headline figures of every scenario of a results file");
    cmd->add_option("results", *file, "results.h5 written by covsim run")->required();
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([&ctx, file, json] {
        ctx.action = [file, json] {
            const io::ResultsFile results(*file);
            const ResultsInfo info = results_info(results);
            if (*json) {
                std::cout << to_json(info).dump(2) << '\n';
            } else {
                std::cout << format_info(info);
            }
            return 0;
        };
    });
}

} // namespace covsim::cli
