#include "core/district.hpp"

namespace covsim {

std::optional<DistrictType> parse_district_type(std::string_view text) noexcept {
    for (std::size_t i = 0; i < district_type_names.size(); ++i) {
        if (district_type_names[i] == text) {
            return static_cast<DistrictType>(i);
        }
    }
    return std::nullopt;
}

} // namespace covsim
