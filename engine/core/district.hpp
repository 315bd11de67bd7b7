#pragma once
// Districts: the administrative units results are reported for.

#include "core/geometry.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace covsim {

// The district-level unit types of Vietnam's pre-2025 administration (quận, thị xã, huyện).
// Scenario parameters that depend on density (inter-site distance, environment, adoption) are
// given per type.
enum class DistrictType : std::uint8_t { urban_district, town, rural_district };

inline constexpr std::array<std::string_view, 3> district_type_names = {"urban_district", "town",
                                                                        "rural_district"};
inline constexpr std::size_t district_type_count = district_type_names.size();

constexpr std::string_view to_string(DistrictType t) noexcept {
    return district_type_names[static_cast<std::size_t>(t)];
}
std::optional<DistrictType> parse_district_type(std::string_view text) noexcept;

// A value given per district type, e.g. the inter-site distance.
template <typename T>
using PerDistrictType = std::array<T, district_type_count>;

struct District {
    std::string code;       // official code, e.g. GSO "001"
    std::string name;       // name in the local language, e.g. "Ba Đình"
    std::string name_ascii; // name without diacritics, e.g. "Ba Dinh"
    DistrictType type = DistrictType::urban_district;
    std::optional<double> census_population; // from the district layer, when it has one
    MultiPolygon geometry;                   // in the analysis CRS
};

} // namespace covsim
