#include "core/link_validity.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace covsim {

std::vector<LinkValidity> serving_link_validity(const CoverageInput& input,
                                                const CoverageResult& result) {
    const StudyArea& area = *input.area;
    const Grid& grid = area.grid;
    std::vector<LinkValidity> out(input.layers.size());
    for (std::size_t l = 0; l < input.layers.size(); ++l) {
        const CoverageLayer& layer = input.layers[l];
        const ValidityRange range = layer.model->validity_for(layer.los);
        const Raster<std::int32_t>& server = result.maps.layers[l].best_server;
        LinkValidity& v = out[l];
        for (std::int64_t row = 0; row < grid.height; ++row) {
            for (std::int64_t col = 0; col < grid.width; ++col) {
                const auto i = static_cast<std::size_t>(row * grid.width + col);
                if (area.district_index.values[i] == no_district || server.values[i] == no_server) {
                    continue;
                }
                const Sector& s = input.sectors[static_cast<std::size_t>(server.values[i])];
                const double d =
                    std::hypot(grid.center_x_m(col) - s.x_m, grid.center_y_m(row) - s.y_m);
                const bool shorter = d < range.distance_m.min;
                const bool longer = d > range.distance_m.max;
                const bool height = !range.tx_height_m.contains(s.height_m);
                ++v.links;
                v.shorter += shorter ? 1 : 0;
                v.longer += longer ? 1 : 0;
                v.tx_height_outside += height ? 1 : 0;
                v.outside += shorter || longer || height ? 1 : 0;
            }
        }
    }
    return out;
}

std::vector<std::string> link_validity_warnings(const CoverageInput& input,
                                                const std::vector<LinkValidity>& validity) {
    std::vector<std::string> out;
    for (std::size_t l = 0; l < validity.size(); ++l) {
        const LinkValidity& v = validity[l];
        if (v.outside == 0) {
            continue;
        }
        const CoverageLayer& layer = input.layers[l];
        const ValidityRange range = layer.model->validity_for(layer.los);
        const auto percent = [&](std::uint64_t n) {
            return 100.0 * static_cast<double>(n) / static_cast<double>(v.links);
        };
        std::vector<std::string> parts;
        if (v.shorter > 0) {
            parts.push_back(fmt::format("{:.1f} % shorter than {:g} m", percent(v.shorter),
                                        range.distance_m.min));
        }
        if (v.longer > 0) {
            parts.push_back(fmt::format("{:.1f} % longer than {:g} m", percent(v.longer),
                                        range.distance_m.max));
        }
        if (v.tx_height_outside > 0) {
            parts.push_back(fmt::format("{:.1f} % from antennas outside [{:g}, {:g}] m",
                                        percent(v.tx_height_outside), range.tx_height_m.min,
                                        range.tx_height_m.max));
        }
        out.push_back(fmt::format("layer {}: {:.1f} % of the serving links are outside {}'s "
                                  "validity range ({}); results there are extrapolated",
                                  layer.name, percent(v.outside), layer.model->name(),
                                  fmt::join(parts, ", ")));
    }
    return out;
}

} // namespace covsim
