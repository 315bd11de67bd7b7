#include "core/scenario.hpp"

#include "core/names.hpp"

#include <array>

namespace covsim {

namespace {
constexpr std::array<std::string_view, 2> service_names = {"mobile", "fwa"};
constexpr std::array<std::string_view, 4> site_type_names = {"new_macro", "upgrade", "small_cell",
                                                             "existing"};
} // namespace

std::optional<Service> parse_service(std::string_view text) noexcept {
    return parse_name<Service>(service_names, text);
}
std::string_view to_string(Service s) noexcept {
    return service_names[static_cast<std::size_t>(s)];
}

std::optional<SiteType> parse_site_type(std::string_view text) noexcept {
    return parse_name<SiteType>(site_type_names, text);
}
std::string_view to_string(SiteType t) noexcept {
    return site_type_names[static_cast<std::size_t>(t)];
}

std::string flat_name(std::string_view name) {
    std::string out;
    for (const char c : name) {
        out += c == '/' ? std::string("__") : std::string(1, c);
    }
    return out;
}

} // namespace covsim
