#pragma once
// Network cost, per district and for the city (docs/capacity-and-cost.md).
//
// Investment (capex) happens in year 0, running costs (opex) every year of the horizon H:
//   NPV = capex + opex * A(r, H),   A(r, H) = sum_{t=1..H} (1 + r)^-t = (1 - (1 + r)^-H) / r
//   annualised cost = NPV / A(r, H)          (the constant yearly payment with the same NPV)
//   cost per subscriber per month = annualised cost / subscribers / 12
//   affordability = cost per subscriber per month / (GNI per capita / 12), affordable when it is
//   at most the threshold (the Broadband Commission's 2 %).
// Sites are charged to the district that contains them; sites in no district (neighbours beyond
// the study area, or between its districts) cost nothing unless CostSpec::count_sites_outside,
// then the city; fibre and CPEs to the district of their homes; spectrum fees to districts by
// their share of subscribers. Fibre built in a district pays for passing only the homes not yet
// passed; every subscribing home that can take fibre pays its connection and yearly cost.
//
// The cheapest technology mix of a district is the set of options (layers, fibre) with the
// least annualised cost whose options, each carrying alone the demand it covers, serve at least
// the target share of the district's people (core/capacity.hpp).

#include "core/capacity.hpp"
#include "core/scenario.hpp"
#include "core/sector.hpp"
#include "core/study_area.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace covsim {

struct Money {
    double capex_usd = 0.0;
    double opex_usd_per_year = 0.0;
    void add(const Money& o) noexcept {
        capex_usd += o.capex_usd;
        opex_usd_per_year += o.opex_usd_per_year;
    }
};

// sum_{t=1..years} (1 + rate)^-t; `years` when the rate is 0.
double annuity_factor(double rate, int years) noexcept;
double net_present_value_usd(const Money& m, double rate, int years) noexcept;
double annualised_cost_usd(const Money& m, double rate, int years) noexcept;

struct CostLayer {
    std::string name;
    SiteType site_type = SiteType::new_macro;
    Service service = Service::mobile;
    double equipment_usd = 0.0;
    double spectrum_fee_usd_per_year = 0.0;
};

struct CostInput {
    const StudyArea* area = nullptr;
    const std::vector<Sector>* sectors = nullptr;
    const DistrictTable* coverage = nullptr; // population, area per district
    const CapacityResult* capacity = nullptr;
    std::vector<CostLayer> layers;
    CostSpec cost;
    DemandSpec demand;
    FtthDistricts ftth;
    // People per district relative to `coverage`'s, per district type, as in CapacityInput.
    PerDistrictType<double> people_scale = {1.0, 1.0, 1.0};

    // District d's people: `coverage`'s, scaled by people_scale of its type.
    [[nodiscard]] double people(std::size_t d) const {
        return (*coverage)[d].population *
               people_scale[static_cast<std::size_t>(area->districts[d].type)];
    }
};

struct DistrictCost {
    Money money;
    double npv_usd = 0.0;
    double annualised_usd = 0.0;
    double per_subscriber_usd_per_month = 0.0;
    double per_reached_person_usd_per_month = 0.0; // covered by radio or passed by fibre
    double per_served_person_usd_per_month = 0.0;
    double affordability = 0.0; // share of monthly GNI per capita
    std::string cheapest_mix;   // e.g. "lte-1800+ftth"; empty when none meets the target
    double cheapest_mix_per_subscriber_usd_per_month = 0.0; // NaN when none
    double cheapest_mix_served_share = 0.0;                 // NaN when none
};

struct CostResult {
    std::vector<DistrictCost> districts;
    DistrictCost city;       // every district, plus the sites outside them when counted
    Money outside_districts; // sites in no district, when counted (else zero)
};

CostResult compute_costs(const CostInput& input);

// The verdict on a district's (or the city's) cost: "affordable" only when its cost per
// subscriber is within the threshold AND it serves the target share of its people; a cost within
// the threshold that serves fewer is "under-served" (it looks low only because few are served);
// else "not affordable". NaN affordability (no subscribers) is "not affordable".
std::string_view affordability_verdict(double affordability, double threshold, double served_share,
                                       double target_served_share) noexcept;

} // namespace covsim
