#include "core/plan/plan.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <type_traits>

namespace covsim::plan {

namespace {

constexpr std::array<std::string_view, 3> kind_names = {"grid", "masts", "ftth"};

// Shares compared with this slack: a served share computed as a sum of cells may differ from
// the target by rounding only.
constexpr double share_slack = 1e-12;

bool meets(const DistrictEvaluation& e, const TargetSpec& target) {
    return e.served_share() >= target.served_share - share_slack;
}

bool within_budget(const DistrictEvaluation& e, const TargetSpec& target) {
    return !target.district_budget_usd_per_year ||
           e.annualised_cost_usd <= *target.district_budget_usd_per_year;
}

// One district's evaluations (EvaluationCache), keyed by the candidate and its neighbours'
// choices: a later sweep whose neighbours did not change reuses them. Only the district's own
// search touches it.
class DistrictCache {
public:
    using Key = std::vector<std::int16_t>;

    explicit DistrictCache(std::map<Key, DistrictEvaluation>& map) : map_(map) {}

    [[nodiscard]] static Key key(const Candidate& c, const std::vector<std::size_t>& neighbours,
                                 const std::vector<Candidate>& choices) {
        Key k = c.steps;
        for (std::size_t j : neighbours) {
            k.insert(k.end(), choices[j].steps.begin(), choices[j].steps.end());
        }
        return k;
    }
    [[nodiscard]] const DistrictEvaluation* find(const Key& k) const {
        auto it = map_.find(k);
        return it == map_.end() ? nullptr : &it->second;
    }
    void insert(Key k, const DistrictEvaluation& e) { map_.emplace(std::move(k), e); }

private:
    std::map<Key, DistrictEvaluation>& map_;
};

// One district's search in one sweep: the network as built, each option alone from its sparsest
// step until the target is met, then pairs of options along the staircase of their ladders.
// A scan stops where the cost reaches the cheapest candidate found that meets the target:
// denser steps only cost more.
class DistrictSearch {
public:
    DistrictSearch(const PlanSpec& spec, const Evaluator& evaluator, std::size_t district,
                   const std::vector<Candidate>& choices, DistrictCache& cache,
                   std::atomic<std::size_t>& evaluations)
        : spec_(spec), evaluator_(evaluator), district_(district), choices_(choices), cache_(cache),
          evaluations_(evaluations) {}

    std::vector<EvaluatedCandidate> run() {
        const std::size_t n = spec_.options.size();
        evaluate(Candidate{std::vector<std::int16_t>(n, -1)});
        std::vector<std::size_t> allowed;
        for (std::size_t o = 0; o < n; ++o) {
            if (evaluator_.allowed(district_, o)) {
                allowed.push_back(o);
            }
        }
        for (std::size_t o : allowed) {
            scan_pair(o, std::nullopt);
        }
        if (spec_.max_options_per_district >= 2) {
            for (std::size_t i = 0; i < allowed.size(); ++i) {
                for (std::size_t j = i + 1; j < allowed.size(); ++j) {
                    scan_pair(allowed[i], allowed[j]);
                }
            }
        }
        return std::move(evaluated_);
    }

    // The district's current choice, evaluated against its neighbours' current choices, when it
    // still reaches the target within the budget (a choice it may keep).
    std::optional<EvaluatedCandidate> current(const Candidate& current) {
        const DistrictEvaluation e = evaluate(current);
        evaluated_.clear();
        if (meets(e, spec_.target) && within_budget(e, spec_.target)) {
            return EvaluatedCandidate{current, e};
        }
        best_met_cost_ = std::numeric_limits<double>::infinity();
        return std::nullopt;
    }

private:
    // Option a's steps from sparse to dense; for each, b's steps from sparse until the target is
    // met, below the step of b that met it for the previous step of a (the staircase: a denser a
    // needs no denser b). Without b, a alone.
    void scan_pair(std::size_t a, std::optional<std::size_t> b) {
        const auto la = static_cast<std::int16_t>(spec_.options[a].steps());
        auto limit_b = static_cast<std::int16_t>(b ? spec_.options[*b].steps() : 1);
        for (std::int16_t sa = 0; sa < la && limit_b > 0; ++sa) {
            std::int16_t found = -1;
            for (std::int16_t sb = 0; sb < limit_b; ++sb) {
                Candidate c{std::vector<std::int16_t>(spec_.options.size(), -1)};
                c.steps[a] = sa;
                if (b) {
                    c.steps[*b] = sb;
                }
                const DistrictEvaluation& e = evaluate(std::move(c));
                if (e.annualised_cost_usd >= best_met_cost_) {
                    if (sb == 0) {
                        return; // every denser step of a costs more still
                    }
                    break;
                }
                if (meets(e, spec_.target) && within_budget(e, spec_.target)) {
                    best_met_cost_ = e.annualised_cost_usd;
                    found = sb;
                    break;
                }
            }
            if (found == 0) {
                return;
            }
            if (found > 0) {
                limit_b = found;
            }
        }
    }

    const DistrictEvaluation& evaluate(Candidate c) {
        DistrictCache::Key key = DistrictCache::key(c, evaluator_.neighbours(district_), choices_);
        const DistrictEvaluation* cached = cache_.find(key);
        DistrictEvaluation e;
        if (cached != nullptr) {
            e = *cached;
        } else {
            e = evaluator_.evaluate(district_, c, choices_);
            ++evaluations_;
            cache_.insert(std::move(key), e);
        }
        if (c.built_only() && meets(e, spec_.target) && within_budget(e, spec_.target)) {
            best_met_cost_ = e.annualised_cost_usd;
        }
        evaluated_.push_back({std::move(c), e});
        return evaluated_.back().evaluation;
    }

    const PlanSpec& spec_;
    const Evaluator& evaluator_;
    std::size_t district_;
    const std::vector<Candidate>& choices_;
    DistrictCache& cache_;
    std::atomic<std::size_t>& evaluations_;
    std::vector<EvaluatedCandidate> evaluated_;
    double best_met_cost_ = std::numeric_limits<double>::infinity();
};

} // namespace

std::optional<OptionKind> parse_option_kind(std::string_view text) noexcept {
    for (std::size_t i = 0; i < kind_names.size(); ++i) {
        if (kind_names[i] == text) {
            return static_cast<OptionKind>(i);
        }
    }
    return std::nullopt;
}

std::string_view to_string(OptionKind kind) noexcept {
    return kind_names[static_cast<std::size_t>(kind)];
}

std::string describe(const Candidate& candidate, const std::vector<OptionSpec>& options) {
    std::string out;
    for (std::size_t o = 0; o < candidate.steps.size() && o < options.size(); ++o) {
        const std::int16_t s = candidate.steps[o];
        if (s < 0) {
            continue;
        }
        out += out.empty() ? "" : "+";
        out += options[o].name;
        if (options[o].kind == OptionKind::grid) {
            out += fmt::format("@{:g}", options[o].isd_m[static_cast<std::size_t>(s)]);
        }
    }
    return out.empty() ? "built" : out;
}

std::size_t choose(const std::vector<EvaluatedCandidate>& evaluated, const TargetSpec& target) {
    if (evaluated.empty()) {
        throw Error(ErrorCode::internal, "plan: a district has no evaluated candidate");
    }
    std::optional<std::size_t> best_met;
    std::optional<std::size_t> best_share;
    for (std::size_t i = 0; i < evaluated.size(); ++i) {
        const DistrictEvaluation& e = evaluated[i].evaluation;
        if (!within_budget(e, target)) {
            continue;
        }
        if (meets(e, target)) {
            const DistrictEvaluation* b = best_met ? &evaluated[*best_met].evaluation : nullptr;
            if (b == nullptr || e.annualised_cost_usd < b->annualised_cost_usd ||
                (e.annualised_cost_usd == b->annualised_cost_usd &&
                 e.served_share() > b->served_share())) {
                best_met = i;
            }
        }
        const DistrictEvaluation* s = best_share ? &evaluated[*best_share].evaluation : nullptr;
        if (s == nullptr || e.served_share() > s->served_share() ||
            (e.served_share() == s->served_share() &&
             e.annualised_cost_usd < s->annualised_cost_usd)) {
            best_share = i;
        }
    }
    if (best_met) {
        return *best_met;
    }
    return best_share.value_or(0); // nothing within the budget: the network as built
}

namespace {

// What one district would do in a sweep: keep its choice, switch because it no longer reaches
// the target (forced), or switch to save `saving` of its cost.
struct Move {
    std::optional<EvaluatedCandidate> current; // when it still reaches the target
    EvaluatedCandidate best;
    bool forced = false; // its choice fails and a different candidate is the best
    double saving = 0.0; // of a voluntary switch; 0: none

    // What the district takes.
    [[nodiscard]] const EvaluatedCandidate& pick() const {
        return forced || saving > 0.0 || !current ? best : *current;
    }
};

Move search_district(const PlanSpec& spec, const Evaluator& evaluator, std::size_t d,
                     const std::vector<Candidate>& choices, bool first, DistrictCache& cache,
                     std::atomic<std::size_t>& evaluations, const std::set<Candidate>& abandoned,
                     std::vector<EvaluatedCandidate>& searched) {
    DistrictSearch search(spec, evaluator, d, choices, cache, evaluations);
    Move m;
    m.current = first ? std::nullopt : search.current(choices[d]);
    searched = search.run();
    m.best = searched[choose(searched, spec.target)];
    m.forced = !m.current && m.best.candidate != choices[d];
    if (m.current) {
        // A voluntary switch never returns to a choice the district has left: neighbours that
        // switch together act on what the others did before, and would flip back and forth.
        std::vector<EvaluatedCandidate> open;
        for (const EvaluatedCandidate& e : searched) {
            if (abandoned.count(e.candidate) == 0) {
                open.push_back(e);
            }
        }
        if (!open.empty()) {
            const EvaluatedCandidate& b = open[choose(open, spec.target)];
            const double now = m.current->evaluation.annualised_cost_usd;
            const double then = b.evaluation.annualised_cost_usd;
            if (b.candidate != m.current->candidate && meets(b.evaluation, spec.target) &&
                now - then > spec.switch_saving * now) {
                m.best = b;
                m.saving = (now - then) / now;
            }
        }
    }
    return m;
}

} // namespace

namespace {

// What a district does with a Move: its new plan, and whether its choice changed.
bool apply(const Move& m, const Candidate& before, const TargetSpec& target, DistrictPlan& plan) {
    const EvaluatedCandidate& pick = m.pick();
    plan.choice = pick.candidate;
    plan.evaluation = pick.evaluation;
    plan.target_met = meets(pick.evaluation, target);
    return pick.candidate != before;
}

// The bytes of a sweep's outcome for the districts a process owns (SweepSharing), and back.
class SweepWriter {
public:
    template <typename T>
    void put(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes_.append(reinterpret_cast<const char*>(&v), sizeof(T));
    }
    void put(const std::vector<std::int16_t>& steps) {
        put<std::uint64_t>(steps.size());
        for (const std::int16_t s : steps) {
            put(s);
        }
    }
    void put(const DistrictEvaluation& e) {
        put(e.population);
        put(e.served_population);
        put(e.subscribers);
        put(e.annualised_cost_usd);
        put<std::uint64_t>(e.sites_added);
    }
    void put(const EvaluatedCandidate& e) {
        put(e.candidate.steps);
        put(e.evaluation);
    }
    [[nodiscard]] std::string take() { return std::move(bytes_); }

private:
    std::string bytes_;
};

class SweepReader {
public:
    explicit SweepReader(const std::string& bytes) : bytes_(bytes) {}
    [[nodiscard]] bool done() const noexcept { return at_ == bytes_.size(); }
    template <typename T>
    T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (bytes_.size() - at_ < sizeof(T)) {
            throw Error(ErrorCode::internal, "plan: a shared sweep's outcome is truncated");
        }
        T v;
        std::memcpy(&v, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return v;
    }
    std::vector<std::int16_t> steps() {
        std::vector<std::int16_t> s(get<std::uint64_t>());
        for (std::int16_t& x : s) {
            x = get<std::int16_t>();
        }
        return s;
    }
    DistrictEvaluation evaluation() {
        DistrictEvaluation e;
        e.population = get<double>();
        e.served_population = get<double>();
        e.subscribers = get<double>();
        e.annualised_cost_usd = get<double>();
        e.sites_added = get<std::uint64_t>();
        return e;
    }
    EvaluatedCandidate evaluated() {
        EvaluatedCandidate e;
        e.candidate.steps = steps();
        e.evaluation = evaluation();
        return e;
    }

private:
    const std::string& bytes_;
    std::size_t at_ = 0;
};

// One process's outcome of a sweep: how many evaluations it computed, then per district it
// owns: its index, its move, the candidates it searched and its cache.
std::string write_sweep(const SweepSharing& sharing, std::size_t computed,
                        const std::vector<Move>& moves, const std::vector<DistrictPlan>& plans,
                        const EvaluationCache& caches) {
    SweepWriter w;
    w.put<std::uint64_t>(computed);
    for (std::size_t d = 0; d < moves.size(); ++d) {
        if (!sharing.owns(d)) {
            continue;
        }
        const Move& m = moves[d];
        w.put<std::uint64_t>(d);
        w.put<std::uint8_t>(m.current ? 1 : 0);
        if (m.current) {
            w.put(*m.current);
        }
        w.put(m.best);
        w.put<std::uint8_t>(m.forced ? 1 : 0);
        w.put(m.saving);
        w.put<std::uint64_t>(plans[d].evaluated.size());
        for (const EvaluatedCandidate& e : plans[d].evaluated) {
            w.put(e);
        }
        w.put<std::uint64_t>(caches[d].size());
        for (const auto& [key, e] : caches[d]) {
            w.put(key);
            w.put(e);
        }
    }
    return w.take();
}

// Takes the other processes' districts from every process's outcome of a sweep (its own among
// them) and adds them to `theirs`; returns the evaluations every process computed.
std::size_t read_sweeps(const SweepSharing& sharing, const std::vector<std::string>& outcomes,
                        std::vector<Move>& moves, std::vector<DistrictPlan>& plans,
                        EvaluationCache& caches, std::vector<std::size_t>& theirs) {
    std::size_t computed = 0;
    for (const std::string& bytes : outcomes) {
        SweepReader r(bytes);
        computed += static_cast<std::size_t>(r.get<std::uint64_t>());
        while (!r.done()) {
            const auto d = static_cast<std::size_t>(r.get<std::uint64_t>());
            if (d >= moves.size()) {
                throw Error(ErrorCode::internal, "plan: a shared sweep names no district");
            }
            Move m;
            if (r.get<std::uint8_t>() != 0) {
                m.current = r.evaluated();
            }
            m.best = r.evaluated();
            m.forced = r.get<std::uint8_t>() != 0;
            m.saving = r.get<double>();
            std::vector<EvaluatedCandidate> evaluated(r.get<std::uint64_t>());
            for (EvaluatedCandidate& e : evaluated) {
                e = r.evaluated();
            }
            std::map<std::vector<std::int16_t>, DistrictEvaluation> cache;
            for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
                std::vector<std::int16_t> key = r.steps();
                cache.emplace(std::move(key), r.evaluation());
            }
            if (!sharing.owns(d)) {
                moves[d] = std::move(m);
                plans[d].evaluated = std::move(evaluated);
                caches[d] = std::move(cache);
                theirs.push_back(d);
            }
        }
    }
    return computed;
}

} // namespace

PlanResult plan_network(const PlanSpec& spec, const Evaluator& evaluator,
                        std::vector<Candidate> start,
                        const std::function<void(const PlanProgress&)>& progress,
                        EvaluationCache* cache,
                        const std::function<void(const EvaluationCache&)>& stage_done,
                        const SweepSharing* sharing) {
    const std::size_t n = evaluator.district_count();
    if (start.empty()) {
        start.assign(n, Candidate{std::vector<std::int16_t>(spec.options.size(), -1)});
    }
    if (start.size() != n) {
        throw Error(ErrorCode::internal, "plan: one starting candidate per district expected");
    }
    std::vector<std::set<Candidate>> abandoned(n); // choices each district has left
    EvaluationCache own;
    EvaluationCache& evaluations_of = cache != nullptr ? *cache : own;
    evaluations_of.resize(n);
    std::vector<DistrictCache> caches;
    for (auto& map : evaluations_of) {
        caches.emplace_back(map);
    }
    const auto finished_stage = [&] {
        if (stage_done) {
            stage_done(evaluations_of);
        }
    };
    std::atomic<std::size_t> evaluations{0};
    std::mutex progress_mutex;
    PlanResult result;
    result.districts.resize(n);
    std::vector<Candidate> choices = std::move(start);
    // Per district, the cost of its latest choice; NaN until it has one.
    std::vector<double> latest_cost(n, std::numeric_limits<double>::quiet_NaN());
    std::size_t stage_start = 0; // evaluations before this sweep or pass
    const auto report = [&](int sweep, bool pass, std::size_t& done, std::size_t d, double cost) {
        const std::lock_guard lock(progress_mutex);
        latest_cost[d] = cost;
        if (progress) {
            PlanProgress p{sweep, pass, ++done, n, evaluations.load()};
            p.stage_evaluations = p.evaluations - stage_start;
            for (const double c : latest_cost) {
                p.city_cost_usd_per_year += std::isnan(c) ? 0.0 : c;
                p.districts_costed += std::isnan(c) ? 0 : 1;
            }
            progress(p);
        }
    };
    // Jacobi sweeps: every district against the previous sweep's choices, in parallel.
    for (int sweep = 1; sweep <= spec.max_sweeps; ++sweep) {
        std::vector<Move> moves(n);
        std::size_t done = 0;
        stage_start = evaluations.load();
        parallel::for_each_index(std::size_t{0}, n, [&](std::size_t d) {
            if (sharing != nullptr && !sharing->owns(d)) {
                return;
            }
            moves[d] = search_district(spec, evaluator, d, choices, sweep == 1, caches[d],
                                       evaluations, abandoned[d], result.districts[d].evaluated);
            report(sweep, false, done, d, moves[d].pick().evaluation.annualised_cost_usd);
        });
        if (sharing != nullptr) {
            const std::size_t computed = evaluations.load() - stage_start;
            std::vector<std::size_t> theirs;
            evaluations =
                stage_start +
                read_sweeps(*sharing,
                            sharing->all_gather(write_sweep(*sharing, computed, moves,
                                                            result.districts, evaluations_of)),
                            moves, result.districts, evaluations_of, theirs);
            for (const std::size_t d : theirs) {
                report(sweep, false, done, d, moves[d].pick().evaluation.annualised_cost_usd);
            }
        }
        std::size_t changed = 0;
        for (std::size_t d = 0; d < n; ++d) {
            if (moves[d].forced || moves[d].saving > 0.0) {
                abandoned[d].insert(choices[d]);
            }
            changed += apply(moves[d], choices[d], spec.target, result.districts[d]) ? 1 : 0;
        }
        for (std::size_t d = 0; d < n; ++d) {
            choices[d] = result.districts[d].choice;
        }
        result.sweeps = sweep;
        result.choices_per_sweep.push_back(choices);
        finished_stage();
        if (changed == 0) {
            break;
        }
    }
    if (sharing != nullptr && !sharing->runs_passes()) {
        result.evaluations = evaluations.load();
        return result;
    }
    // Gauss-Seidel passes without the tabu list: one district at a time, in district order,
    // against the others' latest choices, so that a choice the sweeps could not return to is
    // taken when it is cheaper, without neighbours switching together.
    const std::set<Candidate> none;
    for (int pass = 1; pass <= spec.max_sweeps; ++pass) {
        std::size_t changed = 0;
        std::size_t done = 0;
        stage_start = evaluations.load();
        for (std::size_t d = 0; d < n; ++d) {
            const Move m = search_district(spec, evaluator, d, choices, false, caches[d],
                                           evaluations, none, result.districts[d].evaluated);
            if (apply(m, choices[d], spec.target, result.districts[d])) {
                ++changed;
                choices[d] = result.districts[d].choice;
            }
            report(pass, true, done, d, result.districts[d].evaluation.annualised_cost_usd);
        }
        result.passes = pass;
        result.choices_per_pass.push_back(choices);
        finished_stage();
        if (changed == 0) {
            result.converged = true;
            break;
        }
    }
    result.evaluations = evaluations.load();
    return result;
}

std::vector<double> cost_curve(const std::vector<EvaluatedCandidate>& evaluated,
                               const std::vector<double>& shares) {
    std::vector<double> costs;
    for (const double share : shares) {
        double best = std::numeric_limits<double>::quiet_NaN();
        for (const EvaluatedCandidate& c : evaluated) {
            if (c.evaluation.served_share() >= share - share_slack &&
                !(c.evaluation.annualised_cost_usd >= best)) {
                best = c.evaluation.annualised_cost_usd;
            }
        }
        costs.push_back(best);
    }
    return costs;
}

std::vector<double> curve_shares(double from, double to, double step) {
    std::vector<double> shares;
    for (int i = 0;; ++i) {
        // Whole multiples of the step from `from`, rounded to 1e-9 so that 0.5 + 45 * 0.01 is
        // written 0.95, then the target itself when the steps do not land on it.
        const double s = std::round((from + i * step) * 1e9) / 1e9;
        if (s > to + 1e-12) {
            break;
        }
        shares.push_back(s);
    }
    if (shares.empty() || shares.back() < to - 1e-12) {
        shares.push_back(to);
    }
    return shares;
}

} // namespace covsim::plan
