#include "core/cost.hpp"

#include "core/error.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <map>

namespace covsim {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double per_month(double annual_usd, double people) {
    return people > 0.0 ? annual_usd / people / 12.0 : nan;
}

// One physical site within a district: which layers it carries, and whether it is built new or
// owned (new or existing macro) in this scenario.
struct SiteInfo {
    std::size_t layers = 0;
    bool built_new = false;
    bool owned = false;
    DistrictType type = DistrictType::urban_district;
};

// The money of one district for every set of options, computed from its parts.
class DistrictCosts {
public:
    explicit DistrictCosts(const CostInput& in) : in_(in) {}

    std::vector<Money> per_layer_radio;    // per layer: equipment, O&M, power of its sites
    std::map<std::string, SiteInfo> sites; // by site id
    Money fibre;                           // where homes can take fibre
    std::vector<Money> fwa_alone;          // per layer: CPEs of the homes it serves alone
    Money fwa_actual;                      // CPEs of the homes FWA serves in the scenario
    std::vector<Money> spectrum;           // per layer: this district's share of the fees

    // The money of the options in `set` (bit l = layer l, the last bit = fibre); the CPE
    // count is the scenario's own when `actual`, else the options' alone.
    Money of(std::size_t set, bool actual) const {
        Money m;
        const std::size_t layer_count = in_.layers.size();
        const CostSpec& c = in_.cost;
        for (std::size_t l = 0; l < layer_count; ++l) {
            if ((set >> l & 1U) != 0) {
                m.add(per_layer_radio[l]);
                m.add(spectrum[l]);
                if (!actual) {
                    m.add(fwa_alone[l]);
                }
            }
        }
        if (actual) {
            m.add(fwa_actual);
        }
        for (const auto& [id, site] : sites) {
            if ((site.layers & set) == 0) {
                continue;
            }
            const auto t = static_cast<std::size_t>(site.type);
            if (site.built_new) {
                m.capex_usd +=
                    c.site_build_usd + c.backhaul_km_per_site[t] * 1000.0 * c.fibre_usd_per_m[t];
            }
            if (site.owned) {
                m.opex_usd_per_year += c.site_rental_usd_per_year[t];
            }
        }
        if ((set >> layer_count & 1U) != 0) {
            m.add(fibre);
        }
        return m;
    }

private:
    const CostInput& in_;
};

void check(const CostInput& in) {
    if (in.area == nullptr || in.sectors == nullptr || in.coverage == nullptr ||
        in.capacity == nullptr) {
        throw Error(ErrorCode::internal, "compute_costs: missing input");
    }
    const std::size_t districts = in.area->district_count();
    if (in.ftth.built.size() != districts || in.ftth.passed_share.size() != districts) {
        throw Error(ErrorCode::internal, "compute_costs: inconsistent input sizes");
    }
}

// The fibre of district d: passing the homes the scenario builds it to (those not yet passed),
// on a square grid of homes where the route to each home is 1 / sqrt(home density) long; then
// connecting and running every subscribing home that can take fibre.
Money fibre_money(const CostInput& in, std::size_t d, const DistrictService& ds) {
    const CostSpec& c = in.cost;
    Money m;
    if (in.ftth.built[d]) {
        const DistrictTotals& t = (*in.coverage)[d];
        const auto type = static_cast<std::size_t>(in.area->districts[d].type);
        const double homes = in.people(d) / in.demand.household_size;
        const double density_per_km2 = t.area_km2 > 0.0 ? homes / t.area_km2 : 0.0;
        const double route_km = density_per_km2 > 0.0 ? 1.0 / std::sqrt(density_per_km2) : 0.0;
        const double per_home =
            c.ftth_home_passed_fixed_usd + route_km * 1000.0 * c.fibre_usd_per_m[type];
        m.capex_usd = homes * (1.0 - in.ftth.passed_share[d]) * per_home;
    }
    const double subscribing = in.ftth.home_share(d) * ds.subscribers / in.demand.household_size;
    m.capex_usd += subscribing * c.ftth_connection_usd;
    m.opex_usd_per_year = subscribing * c.ftth_usd_per_subscriber_year;
    return m;
}

std::string mix_name(std::size_t set, const CostInput& in) {
    std::string out;
    for (std::size_t l = 0; l <= in.layers.size(); ++l) {
        if ((set >> l & 1U) != 0) {
            out += (out.empty() ? "" : "+") + (l < in.layers.size() ? in.layers[l].name : "ftth");
        }
    }
    return out;
}

} // namespace

double annuity_factor(double rate, int years) noexcept {
    if (rate == 0.0) {
        return static_cast<double>(years);
    }
    return (1.0 - std::pow(1.0 + rate, -static_cast<double>(years))) / rate;
}

double net_present_value_usd(const Money& m, double rate, int years) noexcept {
    return m.capex_usd + m.opex_usd_per_year * annuity_factor(rate, years);
}

double annualised_cost_usd(const Money& m, double rate, int years) noexcept {
    return net_present_value_usd(m, rate, years) / annuity_factor(rate, years);
}

CostResult compute_costs(const CostInput& in) {
    check(in);
    const StudyArea& area = *in.area;
    const CostSpec& c = in.cost;
    const std::size_t layer_count = in.layers.size();
    const std::size_t district_count = area.district_count();

    std::vector<DistrictCosts> parts;
    parts.reserve(district_count);
    double subscribers_total = 0.0;
    for (std::size_t d = 0; d < district_count; ++d) {
        parts.emplace_back(in);
        subscribers_total += in.capacity->districts[d].subscribers;
    }
    for (std::size_t d = 0; d < district_count; ++d) {
        DistrictCosts& p = parts[d];
        const DistrictService& ds = in.capacity->districts[d];
        p.per_layer_radio.assign(layer_count, Money{});
        p.fwa_alone.assign(layer_count, Money{});
        p.spectrum.assign(layer_count, Money{});
        const double share = subscribers_total > 0.0 ? ds.subscribers / subscribers_total : 0.0;
        for (std::size_t l = 0; l < layer_count; ++l) {
            p.spectrum[l].opex_usd_per_year = in.layers[l].spectrum_fee_usd_per_year * share;
            p.fwa_alone[l].capex_usd = ds.fwa_households_alone[l] * c.fwa_cpe_usd;
        }
        p.fwa_actual.capex_usd = ds.fwa_subscriber_households * c.fwa_cpe_usd;
        if (in.ftth.home_share(d) > 0.0) {
            p.fibre = fibre_money(in, d, ds);
        }
    }

    // Sites: per layer radio costs, per physical site the site's own costs.
    CostResult out;
    std::map<std::pair<std::size_t, std::string>, bool> counted; // (layer, site) seen
    std::map<std::string, SiteInfo> outside_sites;
    for (const Sector& s : *in.sectors) {
        // A site in no district (a neighbour beyond the study area, or between its districts)
        // serves and interferes, but its cost is the city's only when the scenario says so.
        if (!s.inside() && !c.count_sites_outside) {
            continue;
        }
        if (!counted.emplace(std::make_pair(s.layer, s.site_id), true).second) {
            continue; // another sector of a site already counted for this layer
        }
        const CostLayer& layer = in.layers[s.layer];
        Money radio;
        switch (layer.site_type) {
        case SiteType::new_macro:
        case SiteType::upgrade:
            radio.capex_usd = layer.equipment_usd + c.installation_usd;
            radio.opex_usd_per_year =
                c.operation_and_maintenance_usd_per_year + c.power_usd_per_year;
            break;
        case SiteType::small_cell:
            radio.capex_usd = c.small_cell_usd;
            radio.opex_usd_per_year = c.small_cell_usd_per_year;
            break;
        case SiteType::existing:
            radio.opex_usd_per_year =
                c.operation_and_maintenance_usd_per_year + c.power_usd_per_year;
            break;
        }
        const bool inside = s.inside();
        SiteInfo& site = inside ? parts[static_cast<std::size_t>(s.district)].sites[s.site_id]
                                : outside_sites[s.site_id];
        site.layers |= std::size_t{1} << s.layer;
        site.built_new = site.built_new || layer.site_type == SiteType::new_macro;
        site.owned = site.owned || layer.site_type == SiteType::new_macro ||
                     layer.site_type == SiteType::existing;
        if (inside) {
            site.type = area.districts[static_cast<std::size_t>(s.district)].type;
            parts[static_cast<std::size_t>(s.district)].per_layer_radio[s.layer].add(radio);
        } else {
            out.outside_districts.add(radio);
        }
    }
    for (const auto& [id, site] : outside_sites) {
        const auto t = static_cast<std::size_t>(site.type);
        if (site.built_new) {
            out.outside_districts.capex_usd +=
                c.site_build_usd + c.backhaul_km_per_site[t] * 1000.0 * c.fibre_usd_per_m[t];
        }
        if (site.owned) {
            out.outside_districts.opex_usd_per_year += c.site_rental_usd_per_year[t];
        }
    }

    // Per district: the scenario's own cost, and the cheapest mix.
    const std::size_t all_layers = (std::size_t{1} << layer_count) - 1;
    const std::size_t fibre_bit = std::size_t{1} << layer_count;
    auto finish = [&](DistrictCost& dc, double subscribers, double reached, double served) {
        dc.npv_usd = net_present_value_usd(dc.money, c.discount_rate, c.horizon_years);
        dc.annualised_usd = annualised_cost_usd(dc.money, c.discount_rate, c.horizon_years);
        dc.per_subscriber_usd_per_month = per_month(dc.annualised_usd, subscribers);
        dc.per_reached_person_usd_per_month = per_month(dc.annualised_usd, reached);
        dc.per_served_person_usd_per_month = per_month(dc.annualised_usd, served);
        dc.affordability = dc.per_subscriber_usd_per_month / (c.gni_per_capita_usd_per_year / 12.0);
    };
    out.districts.resize(district_count);
    DistrictCost& city = out.city;
    city.money = out.outside_districts;
    double city_subscribers = 0.0, city_reached = 0.0, city_served = 0.0;
    for (std::size_t d = 0; d < district_count; ++d) {
        const DistrictService& ds = in.capacity->districts[d];
        const double population = in.people(d);
        DistrictCost& dc = out.districts[d];
        const std::size_t available = all_layers | (in.ftth.home_share(d) > 0.0 ? fibre_bit : 0);
        dc.money = parts[d].of(available, true);
        finish(dc, ds.subscribers, ds.reached_population, ds.served_population);
        city.money.add(dc.money);
        city_subscribers += ds.subscribers;
        city_reached += ds.reached_population;
        city_served += ds.served_population;

        dc.cheapest_mix_per_subscriber_usd_per_month = nan;
        dc.cheapest_mix_served_share = nan;
        if (ds.people_by_options.empty() || !(population > 0.0)) {
            continue;
        }
        double best = std::numeric_limits<double>::infinity();
        std::size_t best_set = 0;
        for (std::size_t set = 1; set <= available; ++set) {
            if ((set & ~available) != 0) {
                continue;
            }
            double served = 0.0;
            for (std::size_t mask = 0; mask < ds.people_by_options.size(); ++mask) {
                if ((mask & set) != 0) {
                    served += ds.people_by_options[mask];
                }
            }
            const double share = served / population;
            if (share < c.target_served_share) {
                continue;
            }
            const double cost =
                annualised_cost_usd(parts[d].of(set, false), c.discount_rate, c.horizon_years);
            // Ties go to the set with fewer options, then to the first found: a fixed order.
            if (cost < best || (cost == best && std::popcount(set) < std::popcount(best_set))) {
                best = cost;
                best_set = set;
                dc.cheapest_mix = mix_name(set, in);
                dc.cheapest_mix_per_subscriber_usd_per_month = per_month(cost, ds.subscribers);
                dc.cheapest_mix_served_share = share;
            }
        }
    }
    finish(city, city_subscribers, city_reached, city_served);
    return out;
}

std::string_view affordability_verdict(double affordability, double threshold, double served_share,
                                       double target_served_share) noexcept {
    if (!(affordability <= threshold)) {
        return "not affordable";
    }
    return served_share >= target_served_share ? "affordable" : "under-served";
}

} // namespace covsim
