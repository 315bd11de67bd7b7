#pragma once
// A scenario: what to compute, as plain structs with units in the names. Parsed and validated
// from TOML by engine/io/scenario_parser; see docs/scenario-format.md for every key.

#include "core/antenna.hpp"
#include "core/district.hpp"
#include "core/link_budget.hpp"
#include "core/propagation/model.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace covsim {

struct StudyAreaSpec {
    std::filesystem::path districts_path;
    std::string districts_layer; // empty: the file's first layer
    std::string code_field = "code";
    std::string name_field = "name_vi";
    std::string name_ascii_field = "name_ascii";
    std::string type_field = "type";
    // When set, each district's population on the grid is scaled to this field's value.
    std::string population_field;
    std::filesystem::path population_path;
    std::string crs; // analysis CRS; empty: the UTM zone of the districts' centre
    double resolution_m = 50.0;
};

struct LayerSpec {
    std::string name;
    Technology technology = Technology::lte;
    std::filesystem::path sites_path;
    std::string sites_layer; // OGR layer in the sites file; empty: the first
    double frequency_mhz = 0.0;
    double bandwidth_mhz = 0.0;
    int subcarrier_spacing_khz = 15;
    std::optional<int> resource_blocks; // empty: from the 3GPP table for the bandwidth
    std::string model;
    LosCondition los = LosCondition::probabilistic;
    double rx_height_m = 1.5;
    double rx_gain_dbi = 0.0;
    double noise_figure_db = 7.0;
    double max_range_m = 10000.0;
    double load = 0.5;
    double rsrp_min_dbm = -110.0;
    double sinr_min_db = -5.0;
    int priority = 0;
    AntennaPattern antenna;

    [[nodiscard]] int resolved_resource_blocks() const {
        return resource_blocks.value_or(
            covsim::resource_blocks(technology, bandwidth_mhz, subcarrier_spacing_khz).value_or(0));
    }
};

struct Scenario {
    std::string name;
    std::string description;
    std::filesystem::path source_path; // the scenario file
    std::string source_text;           // its text, recorded with the results
    StudyAreaSpec study_area;
    // Propagation environment per district type, for models that use one (COST-231 Hata).
    PerDistrictType<Environment> environment = {Environment::urban, Environment::suburban,
                                                Environment::rural};
    std::vector<LayerSpec> layers;
};

} // namespace covsim
