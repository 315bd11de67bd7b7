// The planner (core/plan): the choice rule and the cost curve on hand-made evaluations, the
// search on a fake evaluator whose districts interact, and, on covsim's own models over three
// small districts, the plan's cost against the exhaustive optimum.

#include "core/cost.hpp"
#include "core/plan/kernel_evaluator.hpp"
#include "core/plan/plan.hpp"

#include <cmath>
#include <condition_variable>
#include <gtest/gtest.h>
#include <limits>
#include <mutex>
#include <string>
#include <tbb/task_arena.h>
#include <thread>
#include <vector>

namespace covsim::plan {
namespace {

Candidate built(std::size_t options) {
    return Candidate{std::vector<std::int16_t>(options, -1)};
}

Candidate with(std::size_t options, std::size_t option, int step) {
    Candidate c = built(options);
    c.steps[option] = static_cast<std::int16_t>(step);
    return c;
}

EvaluatedCandidate point(Candidate c, double share, double cost) {
    DistrictEvaluation e;
    e.population = 1000.0;
    e.served_population = 1000.0 * share;
    e.annualised_cost_usd = cost;
    return {std::move(c), e};
}

TEST(Plan, ChooseTakesTheCheapestCandidateThatReachesTheTarget) {
    const std::vector<EvaluatedCandidate> e = {
        point(built(2), 0.40, 100.0), point(with(2, 0, 0), 0.96, 300.0),
        point(with(2, 1, 0), 0.95, 250.0), point(with(2, 1, 1), 0.99, 400.0)};
    TargetSpec t;
    EXPECT_EQ(choose(e, t), 2U); // 0.95 reaches 0.95 exactly
    t.district_budget_usd_per_year = 200.0;
    EXPECT_EQ(choose(e, t), 0U); // nothing that reaches the target fits: the best share within
    t.district_budget_usd_per_year = 50.0;
    EXPECT_EQ(choose(e, t), 0U); // nothing fits at all: the network as built
}

TEST(Plan, ChooseReportsTheBestShareWhenNoCandidateReachesTheTarget) {
    const std::vector<EvaluatedCandidate> e = {
        point(built(1), 0.40, 100.0), point(with(1, 0, 0), 0.80, 300.0),
        point(with(1, 0, 1), 0.80, 280.0), point(with(1, 0, 2), 0.70, 500.0)};
    EXPECT_EQ(choose(e, TargetSpec{}), 2U); // the highest share, then the cheaper
}

TEST(Plan, CostCurveIsTheLeastCostThatServesEachShare) {
    const std::vector<EvaluatedCandidate> e = {
        point(built(1), 0.55, 100.0), point(with(1, 0, 0), 0.70, 300.0),
        point(with(1, 0, 1), 0.62, 350.0), point(with(1, 0, 2), 0.90, 900.0)};
    const std::vector<double> shares = curve_shares(0.5, 0.95, 0.05);
    ASSERT_EQ(shares.size(), 10U); // 0.50, 0.55, ..., 0.95
    EXPECT_EQ(shares[9], 0.95);
    const std::vector<double> c = cost_curve(e, shares);
    ASSERT_EQ(c.size(), 10U);
    EXPECT_EQ(c[0], 100.0);        // 0.50
    EXPECT_EQ(c[1], 100.0);        // 0.55
    EXPECT_EQ(c[2], 300.0);        // 0.60: 0.70 at 300 beats 0.62 at 350
    EXPECT_EQ(c[4], 300.0);        // 0.70
    EXPECT_EQ(c[5], 900.0);        // 0.75
    EXPECT_EQ(c[8], 900.0);        // 0.90
    EXPECT_TRUE(std::isnan(c[9])); // 0.95: never served
}

TEST(Plan, CurveSharesEndAtTheTarget) {
    EXPECT_EQ(curve_shares(0.5, 0.955, 0.01).back(), 0.955);
    EXPECT_EQ(curve_shares(0.5, 0.955, 0.01).size(), 47U); // 0.50..0.95, then 0.955
    EXPECT_EQ(curve_shares(0.95, 0.95, 0.01), (std::vector<double>{0.95}));
    EXPECT_EQ(curve_shares(0.5, 0.95, 0.01)[45], 0.95);
}

TEST(Plan, DescribeNamesOptionsAndDistances) {
    std::vector<OptionSpec> o(2);
    o[0].name = "n78";
    o[0].isd_m = {1000, 500};
    o[1].name = "ftth";
    o[1].kind = OptionKind::ftth;
    Candidate c = built(2);
    EXPECT_EQ(describe(c, o), "built");
    c.steps = {1, 0};
    EXPECT_EQ(describe(c, o), "n78@500+ftth");
}

// Districts on a line; each has one grid option (its ladder: line_spec). A district's share
// grows with its step and falls with each neighbour's step (their interference), so choices
// interact: the search must settle where every district's choice works against the others'.
class LineEvaluator final : public Evaluator {
public:
    explicit LineEvaluator(std::size_t districts) : n_(districts) {
        for (std::size_t d = 0; d < n_; ++d) {
            std::vector<std::size_t> nb;
            if (d > 0) {
                nb.push_back(d - 1);
            }
            if (d + 1 < n_) {
                nb.push_back(d + 1);
            }
            neighbours_.push_back(nb);
        }
    }
    [[nodiscard]] std::size_t district_count() const override { return n_; }
    [[nodiscard]] const std::vector<std::size_t>& neighbours(std::size_t d) const override {
        return neighbours_[d];
    }
    [[nodiscard]] bool allowed(std::size_t, std::size_t) const override { return true; }
    [[nodiscard]] DistrictEvaluation
    evaluate(std::size_t d, const Candidate& c,
             const std::vector<Candidate>& choices) const override {
        const int own = c.steps[0] + 1; // 0: as built
        int others = 0;
        for (std::size_t j : neighbours_[d]) {
            others += choices[j].steps[0] + 1;
        }
        DistrictEvaluation e;
        e.population = 100.0;
        e.served_population = std::min(100.0, 30.0 + 20.0 * own - 4.0 * others);
        e.annualised_cost_usd = 10.0 + 100.0 * own * own;
        return e;
    }

private:
    std::size_t n_;
    std::vector<std::vector<std::size_t>> neighbours_;
};

PlanSpec line_spec(std::size_t steps) {
    PlanSpec s;
    s.target.served_share = 0.9;
    OptionSpec o;
    o.name = "grid";
    for (std::size_t i = 0; i < steps; ++i) {
        o.isd_m.push_back(1000.0 - 100.0 * static_cast<double>(i));
    }
    s.options.push_back(o);
    return s;
}

TEST(Plan, SweepsSettleWhereEveryChoiceWorksAgainstItsNeighbours) {
    // Alone (neighbours as built), 30 + 20 k >= 90 needs k = 3 (step 2). With both neighbours at
    // k = 3: 30 + 20 k - 24 >= 90 needs k = 5 (step 4); the ends have one neighbour:
    // 30 + 20 k - 12 >= 90 needs k = 4 (step 3) while the middle is at 5; then the middle sees
    // 4 + 4: 30 + 20 k - 32 >= 90, k = 5 (step 4), which holds.
    const LineEvaluator ev(3);
    const PlanResult r = plan_network(line_spec(6), ev, {});
    ASSERT_TRUE(r.converged);
    ASSERT_EQ(r.districts.size(), 3U);
    EXPECT_EQ(r.choices_per_sweep.front()[1].steps[0], 2); // the first sweep: each alone
    EXPECT_EQ(r.districts[0].choice.steps[0], 3);
    EXPECT_EQ(r.districts[1].choice.steps[0], 4);
    EXPECT_EQ(r.districts[2].choice.steps[0], 3);
    for (const DistrictPlan& p : r.districts) {
        EXPECT_TRUE(p.target_met);
        EXPECT_GE(p.evaluation.served_share(), 0.9);
    }
    // The last sweep changed nothing, and its evaluations were all found in the cache.
    EXPECT_EQ(r.choices_per_sweep.back(), r.choices_per_sweep[r.choices_per_sweep.size() - 2]);
}

TEST(Plan, ADistrictThatCannotReachTheTargetKeepsItsBestShare) {
    const LineEvaluator ev(1); // two steps: 30 + 20 * 2 = 70 at most
    const PlanResult r = plan_network(line_spec(2), ev, {});
    ASSERT_EQ(r.districts.size(), 1U);
    EXPECT_FALSE(r.districts[0].target_met);
    EXPECT_EQ(r.districts[0].choice.steps[0], 1);
    EXPECT_DOUBLE_EQ(r.districts[0].evaluation.served_share(), 0.7);
}

// Three districts of 4 km x 4 km side by side (200 m cells): dense urban, town, rural. No
// network as built; options: an NR grid (3.5 GHz), an LTE 800 grid and fibre.
struct SmallCity {
    StudyArea area;
    Scenario scenario;
    PlanSpec spec;

    SmallCity() {
        area.grid.cell_size_m = 200.0;
        area.grid.width = 60;
        area.grid.height = 20;
        area.grid.origin_x_m = 0.0;
        area.grid.origin_y_m = 4000.0;
        area.population = Raster<double>(area.grid, 0.0);
        area.district_index = Raster<std::int16_t>(area.grid, no_district);
        const std::array<double, 3> people_per_cell = {300.0, 60.0, 5.0};
        for (std::int64_t row = 0; row < area.grid.height; ++row) {
            for (std::int64_t col = 0; col < area.grid.width; ++col) {
                const auto d = static_cast<std::int16_t>(col / 20);
                area.district_index.at(col, row) = d;
                area.population.at(col, row) = people_per_cell[static_cast<std::size_t>(d)];
            }
        }
        const std::array<DistrictType, 3> types = {DistrictType::urban_district, DistrictType::town,
                                                   DistrictType::rural_district};
        for (int d = 0; d < 3; ++d) {
            District district;
            district.code = "00" + std::to_string(d + 1);
            district.type = types[static_cast<std::size_t>(d)];
            const double x0 = 4000.0 * d;
            Polygon p;
            bg::append(p.outer(), Point(x0, 0.0));
            bg::append(p.outer(), Point(x0, 4000.0));
            bg::append(p.outer(), Point(x0 + 4000.0, 4000.0));
            bg::append(p.outer(), Point(x0 + 4000.0, 0.0));
            bg::append(p.outer(), Point(x0, 0.0));
            district.geometry.push_back(p);
            area.districts.push_back(district);
        }
        scenario.layers.push_back(nr_layer());
        scenario.layers.push_back(lte_layer());
        scenario.demand.market_share = 0.5;
        spec.target.served_share = 0.9;
        spec.max_options_per_district = 1;
        spec.window_margin_m = 20000.0; // the whole city in every window: exact evaluations
        OptionSpec nr;
        nr.name = "nr";
        nr.template_layer = "nr";
        nr.isd_m = {2000.0, 1000.0, 600.0, 400.0};
        nr.height_m = 25.0;
        nr.power_dbm = 49.0;
        OptionSpec lte = nr;
        lte.name = "lte";
        lte.template_layer = "lte";
        lte.isd_m = {3000.0, 1500.0};
        lte.height_m = 35.0;
        lte.power_dbm = 46.0;
        OptionSpec fibre;
        fibre.name = "ftth";
        fibre.kind = OptionKind::ftth;
        spec.options = {nr, lte, fibre};
    }

    static LayerSpec nr_layer() {
        LayerSpec l;
        l.name = "nr";
        l.technology = Technology::nr;
        l.frequency_mhz = 3500.0;
        l.bandwidth_mhz = 100.0; // a 100 MHz n78 block, as assigned in Viet Nam in 2024
        l.subcarrier_spacing_khz = 30;
        l.model = "3gpp-38901-uma";
        l.max_range_m = 3000.0;
        l.antenna.gain_dbi = 18.0;
        l.antenna.vertical_beamwidth_deg = 10.0;
        return l;
    }
    static LayerSpec lte_layer() {
        LayerSpec l;
        l.name = "lte";
        l.frequency_mhz = 806.0;
        l.bandwidth_mhz = 20.0;
        l.model = "cost231-hata";
        l.max_range_m = 6000.0;
        l.antenna.gain_dbi = 15.0;
        l.antenna.vertical_beamwidth_deg = 10.0;
        return l;
    }

    [[nodiscard]] KernelEvaluator evaluator() const {
        KernelEvaluatorInput in;
        in.scenario = &scenario;
        in.area = &area;
        in.spec = &spec;
        in.option_layer = {0, 1, std::nullopt};
        in.masts_layer = {std::nullopt, std::nullopt, std::nullopt};
        in.ftth_built = {false, false, false};
        return KernelEvaluator(std::move(in));
    }
};

// Every combination of the districts' candidates (one option at one step, or none), each
// district evaluated against the others': the cheapest combination that brings every district
// to the target.
double exhaustive_optimum(const PlanSpec& spec, const Evaluator& ev) {
    std::vector<Candidate> single = {built(spec.options.size())};
    for (std::size_t o = 0; o < spec.options.size(); ++o) {
        for (std::size_t s = 0; s < spec.options[o].steps(); ++s) {
            single.push_back(with(spec.options.size(), o, static_cast<int>(s)));
        }
    }
    const std::size_t n = ev.district_count();
    std::vector<std::size_t> index(n, 0);
    double best = std::numeric_limits<double>::infinity();
    for (;;) {
        std::vector<Candidate> combo;
        for (std::size_t d = 0; d < n; ++d) {
            combo.push_back(single[index[d]]);
        }
        double cost = 0.0;
        bool feasible = true;
        for (std::size_t d = 0; d < n && feasible; ++d) {
            const DistrictEvaluation e = ev.evaluate(d, combo[d], combo);
            feasible = e.served_share() >= spec.target.served_share;
            cost += e.annualised_cost_usd;
        }
        if (feasible) {
            best = std::min(best, cost);
        }
        std::size_t d = 0;
        while (d < n && ++index[d] == single.size()) {
            index[d++] = 0;
        }
        if (d == n) {
            return best;
        }
    }
}

TEST(PlanKernel, PlanCostIsWithinFivePercentOfTheExhaustiveOptimum) {
    const SmallCity city;
    const KernelEvaluator ev = city.evaluator();
    const PlanResult plan = plan_network(city.spec, ev, {});
    ASSERT_TRUE(plan.converged);
    double cost = 0.0;
    std::vector<Candidate> choices;
    for (const DistrictPlan& p : plan.districts) {
        choices.push_back(p.choice);
    }
    for (std::size_t d = 0; d < choices.size(); ++d) {
        // Re-evaluated against the final choices of the others: the plan as it stands.
        const DistrictEvaluation e = ev.evaluate(d, choices[d], choices);
        EXPECT_GE(e.served_share(), city.spec.target.served_share) << "district " << d;
        cost += e.annualised_cost_usd;
    }
    const double optimum = exhaustive_optimum(city.spec, ev);
    ASSERT_TRUE(std::isfinite(optimum));
    const double gap = cost / optimum - 1.0;
    RecordProperty("optimality_gap", std::to_string(gap));
    std::cout << "plan " << cost << " USD/year, exhaustive optimum " << optimum << " USD/year, gap "
              << 100.0 * gap << " %: " << describe(choices[0], city.spec.options) << ", "
              << describe(choices[1], city.spec.options) << ", "
              << describe(choices[2], city.spec.options) << "\n";
    EXPECT_GE(gap, -1e-9); // the optimum is a lower bound
    EXPECT_LE(gap, 0.05);
    // Not a trivial case: the districts need different things.
    EXPECT_NE(choices[0], choices[2]);
    EXPECT_FALSE(choices[0].built_only());
}

// With target_indoors the plan counts people served inside buildings (building entry loss,
// docs/indoor.md): fewer than outdoors for the same network, so the plan that reaches the same
// share indoors costs more, and the same network serves at least as many outdoors.
TEST(PlanKernel, AnIndoorTargetNeedsMoreNetwork) {
    const SmallCity outdoors;
    SmallCity indoors;
    indoors.spec.target.indoors = true;
    const KernelEvaluator out_ev = outdoors.evaluator();
    const KernelEvaluator in_ev = indoors.evaluator();
    // Each district's share with the plan's choices, as `ev` counts it.
    const auto shares_of = [](const PlanResult& plan, const Evaluator& ev,
                              std::vector<double>& shares) {
        std::vector<Candidate> choices;
        for (const DistrictPlan& p : plan.districts) {
            choices.push_back(p.choice);
        }
        for (std::size_t d = 0; d < choices.size(); ++d) {
            shares.push_back(ev.evaluate(d, choices[d], choices).served_share());
        }
        return choices;
    };
    const PlanResult out_plan = plan_network(outdoors.spec, out_ev, {});
    const PlanResult in_plan = plan_network(indoors.spec, in_ev, {});
    std::vector<double> out_shares;
    std::vector<double> in_shares;
    std::vector<double> in_plan_outdoor_shares;
    shares_of(out_plan, out_ev, out_shares);
    const std::vector<Candidate> in_choices = shares_of(in_plan, in_ev, in_shares);
    shares_of(in_plan, out_ev, in_plan_outdoor_shares);
    double out_cost = 0.0;
    double in_cost = 0.0;
    for (std::size_t d = 0; d < 3; ++d) {
        out_cost += out_plan.districts[d].evaluation.annualised_cost_usd;
        in_cost += in_plan.districts[d].evaluation.annualised_cost_usd;
        EXPECT_GE(out_shares[d], outdoors.spec.target.served_share) << "district " << d;
        EXPECT_GE(in_shares[d], indoors.spec.target.served_share) << "district " << d;
        EXPECT_GE(in_plan_outdoor_shares[d], in_shares[d]) << "district " << d;
    }
    std::cout << "outdoor target " << out_cost << " USD/year, indoor target " << in_cost
              << " USD/year: " << describe(in_choices[0], indoors.spec.options) << ", "
              << describe(in_choices[1], indoors.spec.options) << ", "
              << describe(in_choices[2], indoors.spec.options) << "\n";
    EXPECT_GT(in_cost, out_cost);
}

TEST(PlanKernel, ThePlanIsTheSameForAnyThreadCount) {
    const SmallCity city;
    const KernelEvaluator ev = city.evaluator();
    PlanResult one;
    PlanResult two;
    tbb::task_arena(1).execute([&] { one = plan_network(city.spec, ev, {}); });
    tbb::task_arena(2).execute([&] { two = plan_network(city.spec, ev, {}); });
    ASSERT_EQ(one.districts.size(), two.districts.size());
    for (std::size_t d = 0; d < one.districts.size(); ++d) {
        EXPECT_EQ(one.districts[d].choice, two.districts[d].choice);
        EXPECT_EQ(one.districts[d].evaluation.served_population,
                  two.districts[d].evaluation.served_population);
        EXPECT_EQ(one.districts[d].evaluation.annualised_cost_usd,
                  two.districts[d].evaluation.annualised_cost_usd);
    }
    EXPECT_EQ(one.choices_per_sweep, two.choices_per_sweep);
}

// Sweeps shared between processes (SweepSharing, as cluster/ shares them over MPI ranks), here
// three threads exchanging their districts' outcomes in memory: every sweep, and the plan of the
// one that makes the passes, are those of one process; the evaluations are counted once.
class InMemoryExchange {
public:
    explicit InMemoryExchange(std::size_t processes) : slots_(processes) {}
    std::vector<std::string> gather(std::size_t process, const std::string& own) {
        std::unique_lock lock(mutex_);
        const std::size_t generation = generation_;
        slots_[process] = own;
        if (++arrived_ == slots_.size()) {
            gathered_ = slots_;
            arrived_ = 0;
            ++generation_;
            arrived_all_.notify_all();
            return gathered_;
        }
        arrived_all_.wait(lock, [&] { return generation_ != generation; });
        return gathered_;
    }
    [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }

private:
    std::mutex mutex_;
    std::condition_variable arrived_all_;
    std::vector<std::string> slots_;
    std::vector<std::string> gathered_;
    std::size_t arrived_ = 0;
    std::size_t generation_ = 0;
};

class InMemorySharing final : public SweepSharing {
public:
    InMemorySharing(InMemoryExchange& exchange, std::size_t process)
        : exchange_(exchange), process_(process) {}
    [[nodiscard]] bool owns(std::size_t d) const override {
        return d % exchange_.size() == process_;
    }
    [[nodiscard]] std::vector<std::string> all_gather(const std::string& own) const override {
        return exchange_.gather(process_, own);
    }
    [[nodiscard]] bool runs_passes() const override { return process_ == 0; }

private:
    InMemoryExchange& exchange_;
    std::size_t process_;
};

TEST(PlanKernel, SweepsSharedBetweenProcessesGiveTheSamePlan) {
    const SmallCity city;
    const KernelEvaluator ev = city.evaluator();
    const PlanResult alone = plan_network(city.spec, ev, {});
    InMemoryExchange exchange(3);
    std::vector<PlanResult> shared(3);
    std::vector<std::size_t> progress_calls(3, 0);
    {
        std::vector<std::jthread> processes;
        for (std::size_t k = 0; k < 3; ++k) {
            processes.emplace_back([&, k] {
                const InMemorySharing sharing(exchange, k);
                shared[k] = plan_network(
                    city.spec, ev, {}, [&](const PlanProgress&) { ++progress_calls[k]; }, nullptr,
                    {}, &sharing);
            });
        }
    }
    const PlanResult& first = shared[0];
    ASSERT_EQ(first.districts.size(), alone.districts.size());
    EXPECT_EQ(first.choices_per_sweep, alone.choices_per_sweep);
    EXPECT_EQ(first.choices_per_pass, alone.choices_per_pass);
    EXPECT_EQ(first.converged, alone.converged);
    EXPECT_EQ(first.evaluations, alone.evaluations);
    for (std::size_t d = 0; d < alone.districts.size(); ++d) {
        EXPECT_EQ(first.districts[d].choice, alone.districts[d].choice) << d;
        EXPECT_EQ(first.districts[d].evaluation.served_population,
                  alone.districts[d].evaluation.served_population);
        EXPECT_EQ(first.districts[d].evaluation.annualised_cost_usd,
                  alone.districts[d].evaluation.annualised_cost_usd);
        ASSERT_EQ(first.districts[d].evaluated.size(), alone.districts[d].evaluated.size()) << d;
        for (std::size_t i = 0; i < alone.districts[d].evaluated.size(); ++i) {
            EXPECT_EQ(first.districts[d].evaluated[i].candidate,
                      alone.districts[d].evaluated[i].candidate);
            EXPECT_EQ(first.districts[d].evaluated[i].evaluation.served_population,
                      alone.districts[d].evaluated[i].evaluation.served_population);
        }
    }
    // The others stop after the sweeps, which they saw as the first did.
    for (std::size_t k = 1; k < 3; ++k) {
        EXPECT_EQ(shared[k].choices_per_sweep, alone.choices_per_sweep) << k;
        EXPECT_TRUE(shared[k].choices_per_pass.empty()) << k;
    }
    // Every process hears of every district in each sweep.
    EXPECT_EQ(progress_calls[1], alone.sweeps * alone.districts.size());
}

// The plan prices fibre as a run does: where 60 % of the rural district's homes (2000 people in
// 16 km2, 555.6 homes, 600 subscribers at 0.6 adoption and half the market: 166.7 subscribing
// homes) are passed already, fibre there costs 40 % of the passing of a full build, and the
// network as built already serves those 60 % by fibre, paying their 100 connections.
TEST(PlanKernel, FibreAlreadyPassedIsNotPaidForAgain) {
    const SmallCity city;
    SmallCity passed_city;
    passed_city.scenario.ftth.passed_share_by_district = {{"003", 0.6}};
    const KernelEvaluator full_ev = city.evaluator();
    const KernelEvaluator passed_ev = passed_city.evaluator();
    const std::size_t options = city.spec.options.size();
    const std::vector<Candidate> none(3, built(options));
    const Candidate fibre = with(options, 2, 0);
    const DistrictEvaluation full = full_ev.evaluate(2, fibre, none);
    const DistrictEvaluation passed = passed_ev.evaluate(2, fibre, none);
    const DistrictEvaluation as_built = passed_ev.evaluate(2, built(options), none);
    const double a = annuity_factor(0.05, 10);
    const double homes = 2000.0 / 3.6;
    const double per_home = 100.0 + 1000.0 / std::sqrt(homes / 16.0) * 10.0; // rural 10 USD/m
    const double subscribing = 600.0 / 3.6;
    EXPECT_NEAR(full.annualised_cost_usd,
                (homes * per_home + subscribing * 150.0) / a + subscribing * 20.0, 1e-6);
    EXPECT_NEAR(passed.annualised_cost_usd,
                (0.4 * homes * per_home + subscribing * 150.0) / a + subscribing * 20.0, 1e-6);
    EXPECT_DOUBLE_EQ(full.served_share(), 1.0);
    EXPECT_DOUBLE_EQ(passed.served_share(), 1.0);
    EXPECT_NEAR(as_built.served_share(), 0.6, 1e-12); // no radio here: fibre's share alone
    EXPECT_NEAR(as_built.annualised_cost_usd, (100.0 * 150.0) / a + 100.0 * 20.0, 1e-6);
}

TEST(PlanKernel, GridSitesStandOnTheLatticeInsideTheirDistrict) {
    const SmallCity city;
    const KernelEvaluator ev = city.evaluator();
    // ISD 1000 m: rows every 866 m, odd rows shifted by 500 m; district 1 spans x 4000-8000.
    const auto sectors = ev.sectors(1, 0, 1);
    ASSERT_FALSE(sectors->empty());
    EXPECT_EQ(sectors->size() % 3, 0U);
    for (const Sector& s : *sectors) {
        EXPECT_GE(s.x_m, 4000.0);
        EXPECT_LE(s.x_m, 8000.0);
        EXPECT_EQ(s.district, 1);
        EXPECT_EQ(s.layer, 0U);
        const double row = s.y_m / (1000.0 * std::sqrt(3.0) / 2.0);
        EXPECT_NEAR(row, std::round(row), 1e-9);
        const double shift = std::lround(row) % 2 != 0 ? 500.0 : 0.0;
        EXPECT_NEAR(std::fmod(s.x_m - shift, 1000.0), 0.0, 1e-9);
        EXPECT_EQ(s.site_id.rfind("nr-002-", 0), 0U);
    }
    EXPECT_EQ((*sectors)[1].azimuth_deg.value_or(-1.0), 120.0);
}

} // namespace
} // namespace covsim::plan
