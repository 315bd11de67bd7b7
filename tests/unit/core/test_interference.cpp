// Interference between layers (issue 13, point 1): layers whose channels overlap interfere with
// each other as the sectors of one layer do; adjacent layers with an ACIR; receivers of
// another height and gain see the interferers as they would; layers that share a carrier do not
// interfere with their own transmitters. Scenarios are translated by core/scenario_inputs, as
// in a run.

#include "core/coverage.hpp"
#include "core/scenario_inputs.hpp"
#include "support/study_areas.hpp"

#include <cmath>
#include <gtest/gtest.h>

namespace covsim {
namespace {

constexpr double cell_m = 50.0;
constexpr std::int64_t cells =
    41; // 2 km across: the sites at x = 525 m and 1525 m, on cell centres

StudyArea square_area() {
    return test::one_district_area(cells, cells, cell_m, 1.0);
}

LayerSpec lte_layer(const std::string& name) {
    LayerSpec l;
    l.name = name;
    l.technology = Technology::lte;
    l.frequency_mhz = 1842.5;
    l.bandwidth_mhz = 20.0;
    l.model = "cost231-hata";
    l.noise_figure_db = 9.0;
    l.load = 0.5;
    l.max_range_m = 10000.0;
    l.antenna.isotropic = true;
    l.antenna.gain_dbi = 0.0;
    return l;
}

Sector omni(const std::string& site, double x, double y, std::size_t layer) {
    Sector s;
    s.site_id = site;
    s.sector_id = "1";
    s.x_m = x;
    s.y_m = y;
    s.height_m = 30.0;
    s.power_dbm = 46.0;
    s.layer = layer;
    return s;
}

CoverageResult run(const Scenario& sc, const StudyArea& area, std::vector<Sector> sectors) {
    CoverageInput in;
    in.area = &area;
    in.layers = coverage_layers(sc);
    in.sectors = std::move(sectors);
    in.tile_size = 16;
    return compute_coverage(in);
}

// The cell halfway between the two sites (x = 1025 m), on their row.
std::size_t halfway(const StudyArea& area) {
    return area.grid.index(area.grid.cell_at(1025.0, 1025.0).col,
                           area.grid.cell_at(1025.0, 1025.0).row);
}

double sinr_db(const CoverageResult& r, std::size_t layer, std::size_t cell) {
    return static_cast<double>(r.maps.layers[layer].sinr_db.values[cell]);
}

TEST(Interference, CoChannelSitesInTwoLayersGiveTheSinrOfOneLayer) {
    const StudyArea area = square_area();
    const std::size_t mid = halfway(area);

    Scenario one;
    one.layers = {lte_layer("lte")};
    const CoverageResult single =
        run(one, area, {omni("a", 525.0, 1025.0, 0), omni("b", 1525.0, 1025.0, 0)});

    Scenario two;
    two.layers = {lte_layer("lte-a"), lte_layer("lte-b")};
    const CoverageResult split =
        run(two, area, {omni("a", 525.0, 1025.0, 0), omni("b", 1525.0, 1025.0, 1)});

    // Halfway, both servers are equally strong: SINR = P / (0.5 P + N).
    const double p = std::pow(10.0, static_cast<double>(single.maps.rsrp_dbm.values[mid]) / 10.0);
    const double noise = std::pow(10.0, coverage_layers(one)[0].noise_per_re_dbm / 10.0);
    EXPECT_NEAR(sinr_db(single, 0, mid), 10.0 * std::log10(p / (0.5 * p + noise)), 1e-4);
    EXPECT_NEAR(sinr_db(split, 0, mid), sinr_db(single, 0, mid), 0.1);
    EXPECT_NEAR(sinr_db(split, 1, mid), sinr_db(single, 0, mid), 0.1);
    // Everywhere, not only halfway: each layer's SINR is the one-layer SINR where its site serves.
    for (std::size_t i = 0; i < area.grid.cell_count(); ++i) {
        const std::size_t l = single.maps.best_server.values[i] == 0 ? 0 : 1;
        EXPECT_NEAR(sinr_db(split, l, i), sinr_db(single, 0, i), 1e-9) << "cell " << i;
    }
}

TEST(Interference, SeparateChannelsDoNotInterfereAndAnAcirLetsSomeThrough) {
    const StudyArea area = square_area();
    const std::size_t mid = halfway(area);
    Scenario sc;
    sc.layers = {lte_layer("lte-1800"), lte_layer("lte-1800-b")};
    sc.layers[1].frequency_mhz = 1842.5 + 20.0; // the next 20 MHz channel
    const std::vector<Sector> sites = {omni("a", 525.0, 1025.0, 0), omni("b", 1525.0, 1025.0, 1)};

    Scenario alone = sc;
    alone.layers.resize(1);
    const CoverageResult a = run(alone, area, {sites[0]});
    const CoverageResult apart = run(sc, area, sites);
    EXPECT_EQ(sinr_db(apart, 0, mid), sinr_db(a, 0, mid));

    // ACIR 10 dB: the neighbour's whole power (100 RBs, as the victim's), less 10 dB.
    sc.layers[0].acir_db = {{"lte-1800-b", 10.0}};
    const CoverageResult adjacent = run(sc, area, sites);
    const double p_a =
        std::pow(10.0, static_cast<double>(apart.maps.layers[0].rsrp_dbm.values[mid]) / 10.0);
    const double p_b =
        std::pow(10.0, static_cast<double>(apart.maps.layers[1].rsrp_dbm.values[mid]) / 10.0);
    const double noise = std::pow(10.0, coverage_layers(sc)[0].noise_per_re_dbm / 10.0);
    const double expected = 10.0 * std::log10(p_a / (0.5 * 0.1 * p_b + noise));
    EXPECT_NEAR(sinr_db(adjacent, 0, mid), expected, 1e-4); // the maps hold floats
    EXPECT_LT(sinr_db(adjacent, 0, mid), sinr_db(apart, 0, mid) - 1.0);
}

TEST(Interference, CouplingFollowsTheOverlapAndTheSubcarrierSpacing) {
    const LayerSpec lte = lte_layer("lte"); // 100 RBs at 15 kHz: 18 MHz occupied
    LayerSpec nr = lte_layer("nr");
    nr.technology = Technology::nr;
    nr.bandwidth_mhz = 100.0;
    nr.subcarrier_spacing_khz = 30; // 273 RBs: 98.28 MHz occupied
    // The NR carrier covers the LTE one: an LTE subcarrier takes half an NR one's power.
    EXPECT_DOUBLE_EQ(interference_coupling(lte, nr), 0.5);
    // The LTE carrier covers 18 of NR's 98.28 MHz, at twice the density per NR subcarrier.
    EXPECT_NEAR(interference_coupling(nr, lte), 18.0 / 98.28 * 2.0, 1e-12);
    LayerSpec half = lte;
    half.frequency_mhz += 9.0; // half of the 18 MHz overlaps
    EXPECT_NEAR(interference_coupling(lte, half), 0.5, 1e-12);
    half.frequency_mhz += 9.0;
    EXPECT_EQ(interference_coupling(lte, half), 0.0);
}

TEST(Interference, AnotherReceiverSeesTheInterferersAsItWould) {
    // The victim is a handset (1.5 m, 0 dBi); the interferer a co-channel FWA layer received by
    // rooftop CPEs (6 m, 12 dBi). Its interference at the handset is what its site gives a
    // handset: the same site alone in a handset layer.
    const StudyArea area = square_area();
    const std::size_t mid = halfway(area);
    Scenario sc;
    sc.layers = {lte_layer("mobile"), lte_layer("fwa")};
    sc.layers[1].rx_height_m = 6.0;
    sc.layers[1].rx_gain_dbi = 12.0;
    sc.layers[1].service = Service::fwa;
    const CoverageResult both =
        run(sc, area, {omni("a", 525.0, 1025.0, 0), omni("b", 1525.0, 1025.0, 1)});

    Scenario handsets;
    handsets.layers = {lte_layer("mobile")};
    const CoverageResult seen_a = run(handsets, area, {omni("a", 525.0, 1025.0, 0)});
    const CoverageResult seen_b = run(handsets, area, {omni("b", 1525.0, 1025.0, 0)});
    const double p_a = std::pow(10.0, static_cast<double>(seen_a.maps.rsrp_dbm.values[mid]) / 10.0);
    const double p_b = std::pow(10.0, static_cast<double>(seen_b.maps.rsrp_dbm.values[mid]) / 10.0);
    const double noise = std::pow(10.0, coverage_layers(sc)[0].noise_per_re_dbm / 10.0);
    EXPECT_NEAR(sinr_db(both, 0, mid), 10.0 * std::log10(p_a / (0.5 * p_b + noise)), 1e-4);
    // The CPE receives its own site higher up and with its gain.
    EXPECT_GT(static_cast<double>(both.maps.layers[1].rsrp_dbm.values[mid]),
              static_cast<double>(seen_b.maps.rsrp_dbm.values[mid]) + 12.0);
}

TEST(Interference, LayersOfOneCarrierDoNotInterfereWithTheirOwnTransmitters) {
    // Mobile and FWA users of one n78 carrier at site a: its transmitter is one; a third site
    // b of the FWA layer only is a neighbour that interferes.
    const StudyArea area = square_area();
    const std::size_t mid = halfway(area);
    Scenario sc;
    sc.layers = {lte_layer("nr-n78"), lte_layer("fwa-n78")};
    sc.layers[0].carrier = "n78";
    sc.layers[1].carrier = "n78";
    sc.layers[1].rx_height_m = 6.0;
    Scenario alone = sc;
    alone.layers.resize(1);

    const CoverageResult own =
        run(sc, area, {omni("a", 525.0, 1025.0, 0), omni("a", 525.0, 1025.0, 1)});
    const CoverageResult single = run(alone, area, {omni("a", 525.0, 1025.0, 0)});
    EXPECT_EQ(sinr_db(own, 0, mid), sinr_db(single, 0, mid));

    const CoverageResult neighbour = run(
        sc, area,
        {omni("a", 525.0, 1025.0, 0), omni("a", 525.0, 1025.0, 1), omni("b", 1525.0, 1025.0, 1)});
    // The FWA site b interferes with the handsets as a handset layer's site b would.
    const CoverageResult two_sites =
        run(alone, area, {omni("a", 525.0, 1025.0, 0), omni("b", 1525.0, 1025.0, 0)});
    EXPECT_NEAR(sinr_db(neighbour, 0, mid), sinr_db(two_sites, 0, mid), 1e-9);
    EXPECT_LT(sinr_db(neighbour, 0, mid), sinr_db(single, 0, mid) - 3.0);
}

} // namespace
} // namespace covsim
