#include "core/link_budget.hpp"

#include "core/names.hpp"
#include "core/units.hpp"

#include <array>
#include <cmath>

namespace covsim {

namespace {

constexpr std::array<std::string_view, 2> technology_names = {"lte", "nr"};

struct RbEntry {
    double bandwidth_mhz;
    int scs_khz;
    int n_rb;
};

// TS 36.101 Table 5.6-1.
constexpr std::array<RbEntry, 6> lte_rb_table = {{
    {1.4, 15, 6},
    {3, 15, 15},
    {5, 15, 25},
    {10, 15, 50},
    {15, 15, 75},
    {20, 15, 100},
}};

// TS 38.101-1 Table 5.3.2-1 (FR1).
constexpr std::array<RbEntry, 39> nr_rb_table = {{
    {5, 15, 25},    {10, 15, 52},  {15, 15, 79},   {20, 15, 106}, {25, 15, 133}, {30, 15, 160},
    {35, 15, 188},  {40, 15, 216}, {45, 15, 242},  {50, 15, 270}, {5, 30, 11},   {10, 30, 24},
    {15, 30, 38},   {20, 30, 51},  {25, 30, 65},   {30, 30, 78},  {35, 30, 92},  {40, 30, 106},
    {45, 30, 119},  {50, 30, 133}, {60, 30, 162},  {70, 30, 189}, {80, 30, 217}, {90, 30, 245},
    {100, 30, 273}, {10, 60, 11},  {15, 60, 18},   {20, 60, 24},  {25, 60, 31},  {30, 60, 38},
    {35, 60, 44},   {40, 60, 51},  {45, 60, 58},   {50, 60, 65},  {60, 60, 79},  {70, 60, 93},
    {80, 60, 107},  {90, 60, 121}, {100, 60, 135},
}};

template <std::size_t N>
std::optional<int> lookup(const std::array<RbEntry, N>& table, double bw, int scs) {
    for (const auto& e : table) {
        if (e.scs_khz == scs && std::abs(e.bandwidth_mhz - bw) < 1e-9) {
            return e.n_rb;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<Technology> parse_technology(std::string_view text) noexcept {
    return parse_name<Technology>(technology_names, text);
}

std::string_view to_string(Technology t) noexcept {
    return technology_names[static_cast<std::size_t>(t)];
}

std::optional<int> resource_blocks(Technology tech, double bandwidth_mhz,
                                   int subcarrier_spacing_khz) {
    if (tech == Technology::lte) {
        return lookup(lte_rb_table, bandwidth_mhz, subcarrier_spacing_khz);
    }
    return lookup(nr_rb_table, bandwidth_mhz, subcarrier_spacing_khz);
}

double power_per_re_dbm(double total_power_dbm, int n_rb) noexcept {
    return total_power_dbm - 10.0 * std::log10(12.0 * static_cast<double>(n_rb));
}

double noise_per_re_dbm(int subcarrier_spacing_khz, double noise_figure_db) noexcept {
    const double noise_w = boltzmann_j_per_k * reference_temperature_k *
                           static_cast<double>(subcarrier_spacing_khz) * 1e3;
    return 10.0 * std::log10(noise_w * 1e3) + noise_figure_db;
}

} // namespace covsim
