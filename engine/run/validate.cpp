#include "run/validate.hpp"

#include "core/error.hpp"
#include "core/scenario_inputs.hpp"
#include "io/scenario_parser.hpp"
#include "io/site_layer.hpp"
#include "io/study_area_loader.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <set>
#include <spdlog/spdlog.h>
#include <tuple>

namespace covsim {

namespace {

class Collected {
public:
    void add(const Error& e) {
        if (seen_.insert(e.what()).second) {
            if (lines_.empty()) {
                code_ = e.code();
            }
            lines_.emplace_back(e.what());
        }
    }
    void add(ErrorCode code, const std::string& message) { add(Error(code, message)); }
    [[nodiscard]] bool empty() const { return lines_.empty(); }
    [[noreturn]] void raise() const {
        std::string text;
        for (const auto& l : lines_) {
            text += (text.empty() ? "" : "\n") + l;
        }
        throw Error(code_, text);
    }

private:
    std::vector<std::string> lines_;
    std::set<std::string> seen_;
    ErrorCode code_ = ErrorCode::scenario;
};

} // namespace

ValidationReport validate_scenarios(const std::vector<std::filesystem::path>& files) {
    if (files.empty()) {
        throw Error(ErrorCode::usage, "no scenario files given");
    }
    Collected problems;
    const io::ScenarioBatch batch = io::read_scenario_batch(files);
    for (const std::string& p : batch.problems) {
        problems.add(batch.code, p);
    }
    std::set<std::string> warnings;
    for (const Scenario& sc : batch.scenarios) {
        for (const std::string& w : io::scenario_warnings(sc)) {
            if (warnings.insert(w).second) {
                spdlog::warn("{}", w);
            }
        }
    }

    // The referenced data, each distinct study area and site layer once.
    std::map<StudyAreaSpec, std::shared_ptr<const io::LoadedStudyArea>> areas; // null: failed
    // The site layers read: of a study area, a file and layer, a layer name, antenna gain and
    // site margin.
    std::set<
        std::tuple<StudyAreaSpec, std::filesystem::path, std::string, std::string, double, double>>
        layers_read;
    std::set<std::string> warned_files; // one unused-columns warning per site file
    for (const Scenario& sc : batch.scenarios) {
        auto [slot, fresh] = areas.try_emplace(sc.study_area);
        if (fresh) {
            spdlog::info("loading study area of scenario {}", sc.name);
            try {
                slot->second =
                    std::make_shared<const io::LoadedStudyArea>(io::load_study_area(sc.study_area));
            } catch (const Error& e) {
                problems.add(e);
            }
        }
        if (!slot->second) {
            continue;
        }
        const StudyArea& area = slot->second->area;
        try {
            ftth_districts(sc, area);
        } catch (const Error& e) {
            problems.add(e);
        }
        for (std::size_t l = 0; l < sc.layers.size(); ++l) {
            const LayerSpec& layer = sc.layers[l];
            if (!layers_read
                     .emplace(sc.study_area, layer.sites_path, layer.sites_layer, layer.name,
                              layer.antenna.gain_dbi, layer.site_margin_m())
                     .second) {
                continue;
            }
            try {
                io::SiteFileNotes notes;
                const std::vector<Sector> sectors = io::read_sectors(layer, l, area, &notes);
                if (!notes.unused_columns.empty() &&
                    warned_files.insert(layer.sites_path.string()).second) {
                    spdlog::warn("{}", io::unused_columns_warning(layer.sites_path, notes));
                }
                spdlog::debug("scenario {}: layer {}: {} sectors", sc.name, layer.name,
                              sectors.size());
            } catch (const Error& e) {
                problems.add(e);
            }
        }
    }
    if (!problems.empty()) {
        problems.raise();
    }
    return {files.size(), batch.scenarios.size()};
}

} // namespace covsim
