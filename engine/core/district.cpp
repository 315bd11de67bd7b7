#include "core/district.hpp"

#include "core/names.hpp"

namespace covsim {

std::optional<DistrictType> parse_district_type(std::string_view text) noexcept {
    return parse_name<DistrictType>(district_type_names, text);
}

} // namespace covsim
