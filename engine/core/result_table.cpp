#include "core/result_table.hpp"

#include "core/cost.hpp"

#include <cmath>
#include <functional>
#include <limits>

namespace covsim {

namespace {

double share(double part, double whole) {
    return whole > 0.0 ? part / whole : std::numeric_limits<double>::quiet_NaN();
}

// How a column's city value is formed from the districts'.
enum class CityRule { sum, ratio_of_sums, city_value };

struct ColumnDef {
    const char* name;
    const char* units;
    const char* long_name;
    int decimals;
    std::function<double(std::size_t)> district;
    CityRule city = CityRule::sum;
    // For ratio_of_sums: numerator and denominator columns; for city_value: the city's value
    // (costs, quantiles: not formed from the districts').
    const char* numerator = nullptr;
    const char* denominator = nullptr;
    std::function<double()> city_value = {};
    bool may_be_missing = false; // Column::may_be_missing
};

// An end of a range (core/uncertainty.hpp): NaN, in every district and the city, when the
// scenario has no [uncertainty] (a range equal to the point would mislead).
ColumnDef range_column(const char* name, const char* units, const char* long_name, int decimals,
                       const std::vector<double>& values, double city_value) {
    const bool given = !values.empty();
    ColumnDef def{name,
                  units,
                  long_name,
                  decimals,
                  [&values, given](std::size_t d) {
                      return given ? values[d] : std::numeric_limits<double>::quiet_NaN();
                  },
                  CityRule::city_value,
                  nullptr,
                  nullptr,
                  [city_value, given] {
                      return given ? city_value : std::numeric_limits<double>::quiet_NaN();
                  }};
    def.may_be_missing = true;
    return def;
}

// The returned functions outlive this call: they capture the result's tables by reference (a
// reference captured by reference refers to its object) and everything local by value.
std::vector<ColumnDef> definitions(const ScenarioResult& r) {
    const DistrictTable& t = r.coverage.districts;
    const auto& svc = r.capacity.districts;
    const auto& cost = r.cost.districts;
    const auto& city = r.cost.city;
    const double threshold = r.scenario->cost.affordability_threshold;
    auto pop = [&](std::size_t d) { return t[d].population; };
    const double target = r.scenario->cost.target_served_share;
    auto verdict = [&, threshold, target](std::size_t d) {
        return affordability_verdict(cost[d].affordability, threshold,
                                     share(svc[d].served_population, t[d].population), target);
    };
    auto city_verdict = [&, threshold, target] {
        double served = 0.0;
        double people = 0.0;
        for (std::size_t d = 0; d < t.size(); ++d) {
            served += svc[d].served_population;
            people += t[d].population;
        }
        return affordability_verdict(city.affordability, threshold, share(served, people), target);
    };
    auto reached = [&](std::size_t d) { return svc[d].reached_population; };
    auto served = [&](std::size_t d) { return svc[d].served_population; };
    return {
        {"population", "1", "people in the district's cells", 0, pop},
        {"area_km2", "km2", "area of the district's cells", 3,
         [&](std::size_t d) { return t[d].area_km2; }},
        {"covered_population", "1", "people covered outdoors by at least one layer", 0,
         [&](std::size_t d) { return t[d].covered_population; }},
        {"covered_share", "1", "share of the people covered outdoors", 4,
         [&](std::size_t d) { return share(t[d].covered_population, t[d].population); },
         CityRule::ratio_of_sums, "covered_population", "population"},
        {"covered_area_km2", "km2", "area covered outdoors", 3,
         [&](std::size_t d) { return t[d].covered_area_km2; }},
        {"covered_indoor_population", "1",
         "people covered indoors by at least one layer (ITU-R P.2109 building mix)", 0,
         [&](std::size_t d) { return t[d].covered_indoor_population; }},
        {"covered_indoor_share", "1", "share of the people covered indoors", 4,
         [&](std::size_t d) { return share(t[d].covered_indoor_population, t[d].population); },
         CityRule::ratio_of_sums, "covered_indoor_population", "population"},
        {"subscribers", "1", "broadband subscribers: people times adoption", 0,
         [&](std::size_t d) { return svc[d].subscribers; }},
        {"served_population", "1",
         "people whose access option delivers the minimum user throughput", 0, served},
        {"served_share", "1", "share of the people served", 4,
         [pop, served](std::size_t d) { return share(served(d), pop(d)); }, CityRule::ratio_of_sums,
         "served_population", "population"},
        range_column("served_share_low", "1",
                     "served_share: low end of its range from the [uncertainty] inputs", 4,
                     r.ranges.served_share.low, r.ranges.served_share.city_low),
        range_column("served_share_high", "1",
                     "served_share: high end of its range from the [uncertainty] inputs", 4,
                     r.ranges.served_share.high, r.ranges.served_share.city_high),
        {"served_indoor_population", "1",
         "people served inside buildings (ITU-R P.2109 building mix; docs/indoor.md)", 0,
         [&](std::size_t d) { return svc[d].served_indoor_population; }},
        {"served_indoor_share", "1", "share of the people served inside buildings", 4,
         [&](std::size_t d) { return share(svc[d].served_indoor_population, t[d].population); },
         CityRule::ratio_of_sums, "served_indoor_population", "population"},
        {"uncovered_population", "1", "people neither covered by a radio layer nor passed by fibre",
         0, [pop, reached](std::size_t d) { return pop(d) - reached(d); }},
        {"unserved_population", "1", "people not served", 0,
         [pop, served](std::size_t d) { return pop(d) - served(d); }},
        {"offered_traffic_mbps", "Mbit/s", "busy-hour traffic offered by the subscribers", 1,
         [&](std::size_t d) { return svc[d].offered_traffic_mbps; }},
        {"radio_user_throughput_p10_mbps", "Mbit/s",
         "10th percentile of the busy-hour user throughput of the subscribers on radio", 1,
         [&](std::size_t d) { return svc[d].radio_user_throughput.p10_mbps; }, CityRule::city_value,
         nullptr, nullptr, [&] { return r.capacity.city_radio_user_throughput.p10_mbps; }},
        {"radio_user_throughput_median_mbps", "Mbit/s",
         "median busy-hour user throughput of the subscribers on radio", 1,
         [&](std::size_t d) { return svc[d].radio_user_throughput.median_mbps; },
         CityRule::city_value, nullptr, nullptr,
         [&] { return r.capacity.city_radio_user_throughput.median_mbps; }},
        {"ftth_homes_passed", "1", "homes passed by fibre", 0,
         [&](std::size_t d) { return svc[d].ftth_households; }},
        {"fwa_subscriber_homes", "1", "homes subscribing through fixed wireless access", 0,
         [&](std::size_t d) { return svc[d].fwa_subscriber_households; }},
        {"capex_usd", "USD", "investment in year 0", 0,
         [&](std::size_t d) { return cost[d].money.capex_usd; }, CityRule::city_value, nullptr,
         nullptr, [&] { return city.money.capex_usd; }},
        {"opex_usd_per_year", "USD/year", "running cost per year", 0,
         [&](std::size_t d) { return cost[d].money.opex_usd_per_year; }, CityRule::city_value,
         nullptr, nullptr, [&] { return city.money.opex_usd_per_year; }},
        {"npv_usd", "USD", "net present value of the costs over the horizon", 0,
         [&](std::size_t d) { return cost[d].npv_usd; }, CityRule::city_value, nullptr, nullptr,
         [&] { return city.npv_usd; }},
        {"annualised_cost_usd", "USD/year", "annualised cost (NPV / annuity factor)", 0,
         [&](std::size_t d) { return cost[d].annualised_usd; }, CityRule::city_value, nullptr,
         nullptr, [&] { return city.annualised_usd; }},
        {"cost_per_subscriber_usd_per_month", "USD/month",
         "annualised cost per subscriber and month", 2,
         [&](std::size_t d) { return cost[d].per_subscriber_usd_per_month; }, CityRule::city_value,
         nullptr, nullptr, [&] { return city.per_subscriber_usd_per_month; }},
        range_column("cost_per_subscriber_usd_per_month_low", "USD/month",
                     "cost_per_subscriber_usd_per_month: low end of its range from the "
                     "[uncertainty] inputs",
                     2, r.ranges.cost_per_subscriber_usd_per_month.low,
                     r.ranges.cost_per_subscriber_usd_per_month.city_low),
        range_column("cost_per_subscriber_usd_per_month_high", "USD/month",
                     "cost_per_subscriber_usd_per_month: high end of its range from the "
                     "[uncertainty] inputs",
                     2, r.ranges.cost_per_subscriber_usd_per_month.high,
                     r.ranges.cost_per_subscriber_usd_per_month.city_high),
        {"cost_per_covered_person_usd_per_month", "USD/month",
         "annualised cost per person covered by radio or passed by fibre, per month", 2,
         [&](std::size_t d) { return cost[d].per_reached_person_usd_per_month; },
         CityRule::city_value, nullptr, nullptr,
         [&] { return city.per_reached_person_usd_per_month; }},
        {"cost_per_served_person_usd_per_month", "USD/month",
         "annualised cost per served person and month", 2,
         [&](std::size_t d) { return cost[d].per_served_person_usd_per_month; },
         CityRule::city_value, nullptr, nullptr,
         [&] { return city.per_served_person_usd_per_month; }},
        {"affordability_share_of_gni", "1",
         "cost per subscriber and month / monthly GNI per capita", 4,
         [&](std::size_t d) { return cost[d].affordability; }, CityRule::city_value, nullptr,
         nullptr, [&] { return city.affordability; }},
        {"affordable", "1",
         "1 when affordability_share_of_gni is at most the threshold and served_share reaches "
         "the target served share",
         0, [&, verdict](std::size_t d) { return verdict(d) == "affordable" ? 1.0 : 0.0; },
         CityRule::city_value, nullptr, nullptr,
         [&, city_verdict] { return city_verdict() == "affordable" ? 1.0 : 0.0; }},
        {"cheapest_mix_cost_per_subscriber_usd_per_month", "USD/month",
         "cost per subscriber and month of the cheapest mix meeting the target served share", 2,
         [&](std::size_t d) { return cost[d].cheapest_mix_per_subscriber_usd_per_month; },
         CityRule::city_value, nullptr, nullptr,
         [] { return std::numeric_limits<double>::quiet_NaN(); }},
        {"cheapest_mix_served_share", "1", "share of the people the cheapest mix serves", 4,
         [&](std::size_t d) { return cost[d].cheapest_mix_served_share; }, CityRule::city_value,
         nullptr, nullptr, [] { return std::numeric_limits<double>::quiet_NaN(); }},
    };
}

} // namespace

std::vector<Column> district_columns(const ScenarioResult& result) {
    const std::size_t n = result.coverage.districts.size();
    std::vector<Column> out;
    for (const ColumnDef& def : definitions(result)) {
        Column c{def.name, def.units, def.long_name, def.decimals, {}, def.may_be_missing};
        c.values.reserve(n);
        for (std::size_t d = 0; d < n; ++d) {
            c.values.push_back(def.district(d));
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<TextColumn> district_text_columns(const ScenarioResult& result) {
    TextColumn mix{
        "cheapest_mix", "cheapest set of options serving the target share (empty: none does)", {}};
    for (const DistrictCost& d : result.cost.districts) {
        mix.values.push_back(d.cheapest_mix);
    }
    TextColumn verdict{"verdict",
                       "affordable; not affordable; under-served (the cost is within the "
                       "threshold but fewer than the target share are served)",
                       {}};
    const double threshold = result.scenario->cost.affordability_threshold;
    const double target = result.scenario->cost.target_served_share;
    for (std::size_t d = 0; d < result.cost.districts.size(); ++d) {
        verdict.values.emplace_back(
            affordability_verdict(result.cost.districts[d].affordability, threshold,
                                  share(result.capacity.districts[d].served_population,
                                        result.coverage.districts[d].population),
                                  target));
    }
    return {mix, verdict};
}

std::vector<double> city_values(const ScenarioResult& result, const std::vector<Column>& columns) {
    const std::vector<ColumnDef> defs = definitions(result);
    auto sum_of = [&](const char* name) {
        for (const Column& c : columns) {
            if (c.name == name) {
                double s = 0.0;
                for (double v : c.values) {
                    s += v;
                }
                return s;
            }
        }
        return std::numeric_limits<double>::quiet_NaN();
    };
    std::vector<double> out;
    for (std::size_t i = 0; i < defs.size(); ++i) {
        switch (defs[i].city) {
        case CityRule::sum:
            out.push_back(sum_of(defs[i].name));
            break;
        case CityRule::ratio_of_sums:
            out.push_back(share(sum_of(defs[i].numerator), sum_of(defs[i].denominator)));
            break;
        case CityRule::city_value:
            out.push_back(defs[i].city_value());
            break;
        }
    }
    return out;
}

std::vector<Column> layer_district_columns(const ScenarioResult& result) {
    const DistrictTable& t = result.coverage.districts;
    Column people{"layer_covered_population", "1", "people covered outdoors by each layer", 0, {}};
    Column shares{
        "layer_covered_share", "1", "share of the people covered outdoors by each layer", 4, {}};
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        for (const DistrictTotals& d : t) {
            people.values.push_back(d.layer_covered_population[l]);
            shares.values.push_back(share(d.layer_covered_population[l], d.population));
        }
    }
    Column indoor{
        "layer_covered_indoor_population", "1", "people covered indoors by each layer", 0, {}};
    for (std::size_t l = 0; l < result.layers.size(); ++l) {
        for (const DistrictTotals& d : t) {
            indoor.values.push_back(d.layer_covered_indoor_population[l]);
        }
    }
    return {people, shares, indoor};
}

} // namespace covsim
