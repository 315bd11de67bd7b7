#pragma once
// The planner's Evaluator on covsim's own models: a district's candidate is evaluated with the
// coverage kernel, capacity (traffic steering across layers, every co-channel layer
// interfering) and cost over the district's window (its bounding box and window_margin_m
// around it, whose cells load the sectors they share with the district), with the sites of the
// network as built and of every neighbour at its current choice that reach the window.

#include "core/capacity.hpp"
#include "core/coverage.hpp"
#include "core/parallel.hpp"
#include "core/plan/plan.hpp"
#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace covsim::plan {

struct KernelEvaluatorInput {
    // The scenario evaluated: its study area, demand, cost and traffic; its layers are the
    // network as built followed by the planned layers (option_layer).
    const Scenario* scenario = nullptr;
    const StudyArea* area = nullptr;
    const PlanSpec* spec = nullptr;
    std::vector<Sector> built_sectors;                    // Sector::layer indexes scenario->layers
    std::vector<std::optional<std::size_t>> option_layer; // per option: its planned layer
    std::vector<std::optional<std::size_t>> masts_layer;  // per masts option: the built layer
    std::vector<bool> ftth_built; // per district: fibre offered by the scenario itself
    // Moves a planned site's position to where a site file will hold it (io:
    // CsvPositionRoundTrip); empty: the exact lattice point.
    std::function<void(double&, double&)> site_position;
};

// The sites a candidate adds in one district: hexagonal lattice points of the district at the
// step's ISD (core/hexgrid.hpp), moved by `site_position` (when given) and kept where their cell
// belongs to the district, each with `sectors` sectors aimed at 0, 120, 240 degrees; or the
// built sectors of the masts layer there. Site ids: "<option>-<district code>-<nnnn>" for a
// grid; the mast's own id for masts.
std::vector<Sector> option_sectors(const OptionSpec& option, std::size_t layer, std::size_t step,
                                   std::size_t district, const StudyArea& area,
                                   const std::vector<Sector>& built_sectors,
                                   std::optional<std::size_t> masts_layer,
                                   const std::function<void(double&, double&)>& site_position);

class KernelEvaluator final : public Evaluator {
public:
    explicit KernelEvaluator(KernelEvaluatorInput input);

    [[nodiscard]] std::size_t district_count() const override;
    [[nodiscard]] const std::vector<std::size_t>& neighbours(std::size_t district) const override;
    [[nodiscard]] bool allowed(std::size_t district, std::size_t option) const override;
    [[nodiscard]] DistrictEvaluation evaluate(std::size_t district, const Candidate& candidate,
                                              const std::vector<Candidate>& choices) const override;

    [[nodiscard]] const StudyArea& area() const noexcept { return *in_.area; }

    // The sites of a candidate in a district (made once, when the evaluator is constructed, on
    // its thread: site_position may use a library that is not thread-safe; none for an option
    // the district does not allow).
    [[nodiscard]] std::shared_ptr<const std::vector<Sector>>
    sectors(std::size_t district, std::size_t option, std::size_t step) const;

private:
    struct Window {
        StudyArea area;                 // the window's cells, every district's index kept
        std::vector<std::size_t> built; // built sectors that reach it
        std::vector<std::size_t> neighbours;
        double min_x = 0, min_y = 0, max_x = 0, max_y = 0; // the window, m
        // The built-only layers' accumulations over the window, made by the first evaluation.
        std::unique_ptr<parallel::OnceFlag> memo_once = std::make_unique<parallel::OnceFlag>();
        mutable std::shared_ptr<const CoverageMemo> memo;
    };
    void make_window(std::size_t district);
    void make_sectors();
    [[nodiscard]] bool reaches(const Sector& s, const Window& w) const;

    KernelEvaluatorInput in_;
    std::vector<CoverageLayer> layers_;
    // Per layer: no option plans sectors on it (the built network's layers), so its sectors in a
    // window are the same for every candidate and its accumulations are remembered.
    std::vector<bool> built_only_;
    std::shared_ptr<LossTableCache> loss_tables_ = std::make_shared<LossTableCache>();
    std::vector<Window> windows_;
    std::map<std::array<std::size_t, 3>, std::shared_ptr<const std::vector<Sector>>> sectors_;
};

// The people of a district served as the target counts them: outdoors, or inside buildings.
[[nodiscard]] inline double served_population(const DistrictService& service,
                                              const TargetSpec& target) noexcept {
    return target.indoors ? service.served_indoor_population : service.served_population;
}

} // namespace covsim::plan
