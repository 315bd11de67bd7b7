// The ITS Irregular Terrain Model in point-to-point mode (engine/core/propagation/itm.hpp) against
// NTIA's published reference vectors, and against properties that need no reference data.
//
// Reference data, ../shared/data/validation/itm/ (from github.com/NTIA/itm):
//   p2p.csv, pfls.csv  five point-to-point cases: the inputs and A__db to 0.01 dB; line k of
//                      pfls.csv is case k's profile in ITM's pfl layout (n_intervals, spacing_m,
//                      n + 1 elevations).
//   cmd_examples/      runs of NTIA's ITMDrvr v1.4 over pfl.txt: i_*.txt inputs, o_*.txt results
//                      with the intermediate values (-dbg), printed to 0.1 dB, 1 m, 0.001 mrad.

#include "core/propagation/itm.hpp"
#include "core/propagation/terrain_profile.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iostream>
#include <limits>
#include <map>
#include <numbers>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace covsim;

namespace {

const std::string itm_data = "validation/itm";

std::filesystem::path data_file(const std::string& name) {
    return test::shared_data() / itm_data / name;
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> fields;
    std::stringstream in(line);
    std::string field;
    while (std::getline(in, field, sep)) {
        fields.push_back(field);
    }
    return fields;
}

std::vector<double> numbers(const std::vector<std::string>& fields) {
    std::vector<double> v;
    v.reserve(fields.size());
    for (const std::string& f : fields) {
        v.push_back(std::stod(f));
    }
    return v;
}

// pfl: n_intervals, spacing_m, n + 1 elevations.
TerrainProfile profile_from_pfl(const std::vector<double>& pfl) {
    TerrainProfile p;
    p.spacing_m = pfl.at(1);
    p.elevation_m.assign(pfl.begin() + 2, pfl.end());
    EXPECT_EQ(static_cast<double>(p.intervals()), pfl.at(0)) << "pfl size and header disagree";
    return p;
}

TerrainProfile read_pfl_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return profile_from_pfl(numbers(split(line, ',')));
}

// ITMDrvr input files: "key,value[,value...]" per line.
std::map<std::string, std::vector<double>> read_driver_input(const std::filesystem::path& path) {
    std::map<std::string, std::vector<double>> values;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> fields = split(line, ',');
        if (fields.size() >= 2) {
            const std::string key = fields.front();
            fields.erase(fields.begin());
            values[key] = numbers(fields);
        }
    }
    return values;
}

// ITMDrvr result files: "label   value   (unit)" with columns separated by two or more spaces.
std::map<std::string, std::string> read_driver_report(const std::filesystem::path& path) {
    std::map<std::string, std::string> values;
    std::ifstream in(path);
    std::string line;
    const std::regex columns(R"(^(\S+(?: \S+)*)\s{2,}(\S+))");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, columns)) {
            values[m[1].str()] = m[2].str();
        }
    }
    return values;
}

// Half a unit of the last printed digit: the agreement a printed value allows.
double printed_tolerance(const std::string& value) {
    const std::size_t dot = value.find('.');
    const int decimals = dot == std::string::npos ? 0 : static_cast<int>(value.size() - dot - 1);
    return 0.5 * std::pow(10.0, -decimals) + 1e-9;
}

itm::ItmParameters
parameters_from_driver_input(const std::map<std::string, std::vector<double>>& in) {
    itm::ItmParameters p;
    p.tx_height_m = in.at("h_tx__meter").at(0);
    p.rx_height_m = in.at("h_rx__meter").at(0);
    p.climate = static_cast<itm::Climate>(static_cast<int>(in.at("climate").at(0)));
    p.surface_refractivity_n_units = in.at("N_0").at(0);
    p.frequency_mhz = in.at("f__mhz").at(0);
    p.polarization = static_cast<itm::Polarization>(static_cast<int>(in.at("pol").at(0)));
    p.ground_relative_permittivity = in.at("epsilon").at(0);
    p.ground_conductivity_s_per_m = in.at("sigma").at(0);
    EXPECT_TRUE(itm::apply_mdvar(static_cast<int>(in.at("mdvar").at(0)), p));
    return p;
}

// NTIA's confidence/reliability entry points are the time/location/situation model with
// time = reliability, location = 50 % and situation = confidence (ITM_P2P_CR in itm_p2p.cpp).
void set_confidence_reliability(itm::ItmParameters& p, double confidence, double reliability) {
    p.time_percent = reliability;
    p.location_percent = 50.0;
    p.situation_percent = confidence;
}

// Checks every intermediate value an ITMDrvr -dbg report prints against `r`, to its precision.
void expect_report_matches(const std::map<std::string, std::string>& report,
                           const itm::ItmResult& r, const std::string& what) {
    const std::vector<std::pair<std::string, double>> printed = {
        {"Free Space", r.free_space_loss_db},
        {"d__km", r.distance_m / 1000.0},
        {"theta_hzn_tx", r.tx_horizon_angle_rad * 1000.0},
        {"theta_hzn_rx", r.rx_horizon_angle_rad * 1000.0},
        {"d_hzn_tx__meter", r.tx_horizon_distance_m},
        {"d_hzn_rx__meter", r.rx_horizon_distance_m},
        {"h_e_tx__meter", r.tx_effective_height_m},
        {"h_e_rx__meter", r.rx_effective_height_m},
        {"N_s", r.surface_refractivity_n_units},
        {"delta_h__meter", r.terrain_irregularity_m},
        {"A_ref__db", r.reference_attenuation_db},
        {"Mode of Propagation", static_cast<double>(static_cast<int>(r.mode))},
        {"ITM Return Code", static_cast<double>(static_cast<int>(r.error))},
        {"ITM Warning Flags", static_cast<double>(r.warnings)},
    };
    for (const auto& [label, ours] : printed) {
        ASSERT_TRUE(report.contains(label)) << what << ": no '" << label << "' in the report";
        const std::string& text = report.at(label);
        if (label == "ITM Warning Flags") {
            EXPECT_EQ(ours, static_cast<double>(std::stoi(text, nullptr, 16))) << what;
        } else {
            EXPECT_NEAR(ours, std::stod(text), printed_tolerance(text)) << what << ": " << label;
        }
    }
}

// ---- Synthetic profiles -------------------------------------------------------------------------

TerrainProfile flat_profile(double length_m, double spacing_m, double elevation_m = 0.0) {
    TerrainProfile p;
    p.spacing_m = spacing_m;
    p.elevation_m.assign(static_cast<std::size_t>(std::lround(length_m / spacing_m)) + 1,
                         elevation_m);
    return p;
}

TerrainProfile sinusoid_profile(double length_m, double spacing_m, double amplitude_m,
                                double period_m) {
    TerrainProfile p;
    p.spacing_m = spacing_m;
    const auto n = static_cast<std::size_t>(std::lround(length_m / spacing_m));
    for (std::size_t i = 0; i <= n; ++i) {
        const double x = spacing_m * static_cast<double>(i);
        p.elevation_m.push_back(100.0 +
                                amplitude_m * std::sin(2.0 * std::numbers::pi * x / period_m));
    }
    return p;
}

itm::ItmParameters uhf_mobile_link() {
    itm::ItmParameters p;
    p.tx_height_m = 30.0;
    p.rx_height_m = 1.5;
    p.frequency_mhz = 900.0;
    return p;
}

// 20 log10(4 pi d / lambda) with c = 299792458 m/s (ITU-R P.525), independent of ITM's 32.45.
double free_space_db(double d_m, double f_mhz) {
    return 20.0 * std::log10(4.0 * std::numbers::pi * d_m * f_mhz * 1e6 / 299792458.0);
}

} // namespace

// ---- NTIA reference vectors ---------------------------------------------------------------------

TEST(ItmValidation, ReproducesTheFiveNtiaPointToPointCases) {
    COVSIM_USES_SHARED_DATA(itm_data + "/p2p.csv");
    COVSIM_USES_SHARED_DATA(itm_data + "/pfls.csv");
    std::ifstream cases(data_file("p2p.csv"));
    std::ifstream profiles(data_file("pfls.csv"));
    std::string header;
    std::getline(cases, header);
    ASSERT_EQ(header, "h_tx__meter,h_rx__meter,epsilon,sigma,N_0,f__mhz,pol,climate,time,location,"
                      "situation,mdvar,A__db");

    // A__db is printed to 0.01 dB, so it is known to +-0.005 dB; allow 0.01 dB.
    constexpr double tolerance_db = 0.01;
    double max_deviation_db = 0.0;
    int count = 0;
    std::string line;
    std::string pfl;
    while (std::getline(cases, line) && !line.empty()) {
        ASSERT_TRUE(std::getline(profiles, pfl)) << "pfls.csv has fewer profiles than cases";
        const std::vector<double> c = numbers(split(line, ','));
        ASSERT_EQ(c.size(), 13u) << line;
        itm::ItmParameters p;
        p.tx_height_m = c[0];
        p.rx_height_m = c[1];
        p.ground_relative_permittivity = c[2];
        p.ground_conductivity_s_per_m = c[3];
        p.surface_refractivity_n_units = c[4];
        p.frequency_mhz = c[5];
        p.polarization = static_cast<itm::Polarization>(static_cast<int>(c[6]));
        p.climate = static_cast<itm::Climate>(static_cast<int>(c[7]));
        p.time_percent = c[8];
        p.location_percent = c[9];
        p.situation_percent = c[10];
        ASSERT_TRUE(itm::apply_mdvar(static_cast<int>(c[11]), p)) << line;

        const itm::ItmResult r = itm::point_to_point(profile_from_pfl(numbers(split(pfl, ','))), p);
        ++count;
        ASSERT_TRUE(r.ok()) << "case " << count << ": " << itm::to_string(r.error);
        const double deviation = r.loss_db - c[12];
        max_deviation_db = std::max(max_deviation_db, std::abs(deviation));
        EXPECT_NEAR(r.loss_db, c[12], tolerance_db) << "case " << count << ": " << line;
        std::cout << "[ itm      ] case " << count << ": A = " << r.loss_db << " dB, NTIA " << c[12]
                  << " dB, deviation " << deviation << " dB, mode " << static_cast<int>(r.mode)
                  << "\n";
    }
    EXPECT_EQ(count, 5);
    std::cout << "[ itm      ] max |deviation| = " << max_deviation_db << " dB\n";
    RecordProperty("max_deviation_db", std::to_string(max_deviation_db));
}

TEST(ItmValidation, ReproducesItmDrvrIntermediateValuesForTimeLocationSituation) {
    COVSIM_USES_SHARED_DATA(itm_data + "/cmd_examples/o_p2ptls.txt");
    const auto input = read_driver_input(data_file("cmd_examples/i_p2ptls.txt"));
    itm::ItmParameters p = parameters_from_driver_input(input);
    p.time_percent = input.at("time").at(0);
    p.location_percent = input.at("location").at(0);
    p.situation_percent = input.at("situation").at(0);

    const itm::ItmResult r =
        itm::point_to_point(read_pfl_file(data_file("cmd_examples/pfl.txt")), p);
    const auto report = read_driver_report(data_file("cmd_examples/o_p2ptls.txt"));
    expect_report_matches(report, r, "o_p2ptls.txt");
    ASSERT_TRUE(report.contains("Basic Transmission Loss"));
    const std::string& loss = report.at("Basic Transmission Loss");
    EXPECT_NEAR(r.loss_db, std::stod(loss), printed_tolerance(loss));
    // The case is a line-of-sight path inside the smooth-earth horizons (d_L1 + d_L2 > 1.5 d),
    // where the horizons come from the fitted line, not the profile.
    EXPECT_EQ(r.mode, itm::PropagationMode::line_of_sight);
    EXPECT_GT(r.tx_horizon_distance_m + r.rx_horizon_distance_m, 1.5 * r.distance_m);
}

TEST(ItmValidation, ReproducesItmDrvrConfidenceReliabilityRuns) {
    COVSIM_USES_SHARED_DATA(itm_data + "/cmd_examples/o_p2pcr_tbl.txt");
    const TerrainProfile profile = read_pfl_file(data_file("cmd_examples/pfl.txt"));

    // One confidence and one reliability, with the intermediate values.
    const auto single_in = read_driver_input(data_file("cmd_examples/i_p2pcr.txt"));
    itm::ItmParameters p = parameters_from_driver_input(single_in);
    set_confidence_reliability(p, single_in.at("confidence").at(0),
                               single_in.at("reliability").at(0));
    const itm::ItmResult single = itm::point_to_point(profile, p);
    const auto single_report = read_driver_report(data_file("cmd_examples/o_p2pcr.txt"));
    expect_report_matches(single_report, single, "o_p2pcr.txt");
    EXPECT_NEAR(single.loss_db, std::stod(single_report.at("Basic Transmission Loss")), 0.05);

    // The 3 x 3 table: rows reliability, columns confidence, 0.1 dB.
    const auto table_in = read_driver_input(data_file("cmd_examples/i_p2pcr_tbl.txt"));
    const std::vector<double>& confidences = table_in.at("confidence");
    const std::vector<double>& reliabilities = table_in.at("reliability");
    std::ifstream report(data_file("cmd_examples/o_p2pcr_tbl.txt"));
    std::string line;
    while (std::getline(report, line) && line.rfind("Reliability", 0) != 0) {
    }
    ASSERT_TRUE(std::getline(report, line)); // the confidence header
    std::istringstream header(line);
    std::vector<double> header_confidences;
    for (double c = 0.0; header >> c;) {
        header_confidences.push_back(c);
    }
    ASSERT_EQ(header_confidences, confidences);
    int cells = 0;
    for (const double reliability : reliabilities) {
        ASSERT_TRUE(std::getline(report, line));
        std::istringstream row(line);
        double row_reliability = 0.0;
        row >> row_reliability;
        EXPECT_EQ(row_reliability, reliability);
        for (const double confidence : confidences) {
            std::string printed;
            row >> printed;
            itm::ItmParameters q = parameters_from_driver_input(table_in);
            set_confidence_reliability(q, confidence, reliability);
            const itm::ItmResult r = itm::point_to_point(profile, q);
            ASSERT_TRUE(r.ok());
            EXPECT_NEAR(r.loss_db, std::stod(printed), printed_tolerance(printed))
                << "reliability " << reliability << " %, confidence " << confidence << " %";
            ++cells;
        }
    }
    EXPECT_EQ(cells, 9);
}

// ---- Invalid input: an error code, never a number -----------------------------------------------

TEST(ItmInput, InvalidInputGivesTheDocumentedErrorCodeAndNoLoss) {
    const TerrainProfile profile = flat_profile(10e3, 100.0);
    struct Case {
        const char* what;
        void (*change)(itm::ItmParameters&);
        itm::ItmError expected;
    };
    const std::vector<Case> cases = {
        {"f = 5 MHz", [](itm::ItmParameters& p) { p.frequency_mhz = 5.0; },
         itm::ItmError::frequency},
        {"f = 25 GHz", [](itm::ItmParameters& p) { p.frequency_mhz = 25000.0; },
         itm::ItmError::frequency},
        {"f = NaN",
         [](itm::ItmParameters& p) { p.frequency_mhz = std::numeric_limits<double>::quiet_NaN(); },
         itm::ItmError::frequency},
        {"time 0 %", [](itm::ItmParameters& p) { p.time_percent = 0.0; },
         itm::ItmError::time_percent},
        {"time 100 %", [](itm::ItmParameters& p) { p.time_percent = 100.0; },
         itm::ItmError::time_percent},
        {"location 0 %", [](itm::ItmParameters& p) { p.location_percent = 0.0; },
         itm::ItmError::location_percent},
        {"location 100 %", [](itm::ItmParameters& p) { p.location_percent = 100.0; },
         itm::ItmError::location_percent},
        {"situation 0 %", [](itm::ItmParameters& p) { p.situation_percent = 0.0; },
         itm::ItmError::situation_percent},
        {"situation 100 %", [](itm::ItmParameters& p) { p.situation_percent = 100.0; },
         itm::ItmError::situation_percent},
        {"h_tx = -10 m", [](itm::ItmParameters& p) { p.tx_height_m = -10.0; },
         itm::ItmError::tx_height},
        {"h_tx = 0.4 m", [](itm::ItmParameters& p) { p.tx_height_m = 0.4; },
         itm::ItmError::tx_height},
        {"h_rx = -1 m", [](itm::ItmParameters& p) { p.rx_height_m = -1.0; },
         itm::ItmError::rx_height},
        {"h_rx = 3500 m", [](itm::ItmParameters& p) { p.rx_height_m = 3500.0; },
         itm::ItmError::rx_height},
        {"climate 0", [](itm::ItmParameters& p) { p.climate = static_cast<itm::Climate>(0); },
         itm::ItmError::climate},
        {"climate 8", [](itm::ItmParameters& p) { p.climate = static_cast<itm::Climate>(8); },
         itm::ItmError::climate},
        {"N_0 = 200", [](itm::ItmParameters& p) { p.surface_refractivity_n_units = 200.0; },
         itm::ItmError::surface_refractivity},
        {"N_0 = 450", [](itm::ItmParameters& p) { p.surface_refractivity_n_units = 450.0; },
         itm::ItmError::surface_refractivity},
        {"polarization 2",
         [](itm::ItmParameters& p) { p.polarization = static_cast<itm::Polarization>(2); },
         itm::ItmError::polarization},
        {"epsilon = 0.5", [](itm::ItmParameters& p) { p.ground_relative_permittivity = 0.5; },
         itm::ItmError::permittivity},
        {"sigma = 0", [](itm::ItmParameters& p) { p.ground_conductivity_s_per_m = 0.0; },
         itm::ItmError::conductivity},
        {"mode of variability 4",
         [](itm::ItmParameters& p) { p.variability_mode = static_cast<itm::VariabilityMode>(4); },
         itm::ItmError::variability_mode},
    };
    for (const Case& c : cases) {
        itm::ItmParameters p = uhf_mobile_link();
        c.change(p);
        const itm::ItmResult r = itm::point_to_point(profile, p);
        EXPECT_EQ(r.error, c.expected) << c.what << ": " << itm::to_string(r.error);
        EXPECT_FALSE(r.ok()) << c.what;
        EXPECT_TRUE(std::isnan(r.loss_db)) << c.what;
        EXPECT_TRUE(std::isnan(r.free_space_loss_db)) << c.what;
        EXPECT_EQ(r.mode, itm::PropagationMode::not_set) << c.what;
    }
}

TEST(ItmInput, ProfileWithoutAPathGivesThePathDistanceError) {
    const itm::ItmParameters p = uhf_mobile_link();
    TerrainProfile empty;
    empty.spacing_m = 100.0;
    TerrainProfile one_sample = empty;
    one_sample.elevation_m = {10.0};
    TerrainProfile zero_spacing = flat_profile(1000.0, 100.0);
    zero_spacing.spacing_m = 0.0;
    TerrainProfile nan_elevation = flat_profile(5000.0, 100.0);
    nan_elevation.elevation_m[7] = std::numeric_limits<double>::quiet_NaN();
    for (const TerrainProfile* profile : {&empty, &one_sample, &zero_spacing, &nan_elevation}) {
        const itm::ItmResult r = itm::point_to_point(*profile, p);
        EXPECT_EQ(r.error, itm::ItmError::path_distance);
        EXPECT_TRUE(std::isnan(r.loss_db));
    }
}

TEST(ItmInput, APathTheModelCannotEvaluateGivesAnErrorNotANan) {
    // A 1000 m wall 20 m in front of a 1000 m mast at 30 MHz: the transmitter's horizon radius
    // d_L^2 / (2 h_e) is 0.16 m, Vogler's B_0 = 1.607 - K turns negative and so does the
    // smooth-earth distance x; the algorithm has no finite answer.
    TerrainProfile cliff = flat_profile(3000.0, 10.0);
    cliff.elevation_m[2] = 1000.0;
    cliff.elevation_m[150] = 1000.0;
    itm::ItmParameters p;
    p.tx_height_m = 1000.0;
    p.rx_height_m = 1000.0;
    p.frequency_mhz = 30.0;
    const itm::ItmResult r = itm::point_to_point(cliff, p);
    EXPECT_EQ(r.error, itm::ItmError::non_finite_result);
    EXPECT_TRUE(std::isnan(r.loss_db));
    EXPECT_NE(r.warnings & itm::warning::tx_horizon_distance_1, 0);
    EXPECT_EQ(r.tx_horizon_distance_m, 20.0);
}

TEST(ItmInput, ErrorCodesHaveNtiaValuesAndDistinctDescriptions) {
    EXPECT_EQ(static_cast<int>(itm::ItmError::tx_height), 1000);
    EXPECT_EQ(static_cast<int>(itm::ItmError::frequency), 1009);
    EXPECT_EQ(static_cast<int>(itm::ItmError::path_refractivity_large), 1022);
    const std::vector<itm::ItmError> all = {itm::ItmError::success,
                                            itm::ItmError::tx_height,
                                            itm::ItmError::rx_height,
                                            itm::ItmError::climate,
                                            itm::ItmError::time_percent,
                                            itm::ItmError::location_percent,
                                            itm::ItmError::situation_percent,
                                            itm::ItmError::surface_refractivity,
                                            itm::ItmError::frequency,
                                            itm::ItmError::polarization,
                                            itm::ItmError::permittivity,
                                            itm::ItmError::conductivity,
                                            itm::ItmError::ground_impedance,
                                            itm::ItmError::variability_mode,
                                            itm::ItmError::effective_earth_radius,
                                            itm::ItmError::path_distance,
                                            itm::ItmError::path_refractivity_small,
                                            itm::ItmError::path_refractivity_large,
                                            itm::ItmError::non_finite_result};
    std::set<std::string_view> texts;
    for (const itm::ItmError e : all) {
        texts.insert(itm::to_string(e));
    }
    EXPECT_EQ(texts.size(), all.size());
    EXPECT_EQ(itm::to_string(itm::ItmError::frequency), "frequency outside [20, 20000] MHz");
}

TEST(ItmInput, MdvarDecodesModeAndEliminationFlags) {
    itm::ItmParameters p;
    ASSERT_TRUE(itm::apply_mdvar(12, p));
    EXPECT_EQ(p.variability_mode, itm::VariabilityMode::mobile);
    EXPECT_TRUE(p.eliminate_location_variability);
    EXPECT_FALSE(p.eliminate_situation_variability);
    ASSERT_TRUE(itm::apply_mdvar(23, p));
    EXPECT_EQ(p.variability_mode, itm::VariabilityMode::broadcast);
    EXPECT_FALSE(p.eliminate_location_variability);
    EXPECT_TRUE(p.eliminate_situation_variability);
    ASSERT_TRUE(itm::apply_mdvar(31, p));
    EXPECT_EQ(p.variability_mode, itm::VariabilityMode::accidental);
    EXPECT_TRUE(p.eliminate_location_variability);
    EXPECT_TRUE(p.eliminate_situation_variability);
    ASSERT_TRUE(itm::apply_mdvar(0, p));
    EXPECT_EQ(p.variability_mode, itm::VariabilityMode::single_message);
    EXPECT_FALSE(p.eliminate_location_variability);
    EXPECT_FALSE(p.eliminate_situation_variability);
    for (const int bad : {-1, 4, 9, 14, 25, 34, 40}) {
        itm::ItmParameters q;
        EXPECT_FALSE(itm::apply_mdvar(bad, q)) << bad;
        EXPECT_EQ(q.variability_mode, itm::ItmParameters{}.variability_mode) << bad;
    }
}

TEST(ItmInput, InputsNearTheLimitsGiveWarningsAndALoss) {
    const TerrainProfile profile = flat_profile(10e3, 100.0);
    itm::ItmParameters p = uhf_mobile_link();
    const itm::ItmResult clean = itm::point_to_point(profile, p);
    ASSERT_TRUE(clean.ok());
    EXPECT_EQ(clean.warnings, 0);

    p.frequency_mhz = 30.0;
    p.rx_height_m = 0.8;
    const itm::ItmResult near = itm::point_to_point(profile, p);
    ASSERT_TRUE(near.ok());
    EXPECT_TRUE(std::isfinite(near.loss_db));
    EXPECT_NE(near.warnings & itm::warning::frequency, 0);
    EXPECT_NE(near.warnings & itm::warning::rx_height, 0);
    EXPECT_EQ(near.warnings & itm::warning::tx_height, 0);

    const itm::ItmResult short_path =
        itm::point_to_point(flat_profile(500.0, 10.0), uhf_mobile_link());
    ASSERT_TRUE(short_path.ok());
    EXPECT_NE(short_path.warnings & itm::warning::path_distance_too_small_2, 0);
}

// ---- Properties that need no reference data -----------------------------------------------------

TEST(ItmPhysics, StandardAtmosphereGivesTheFourThirdsEarth) {
    // N_0 = 301 N-units at sea level: gamma_e = 157e-9 (1 - 0.04665 e^(301 / 179.3)) per metre,
    // a_e = 8493 km, the classical 4/3 of 6370 km.
    itm::ItmParameters p = uhf_mobile_link();
    p.surface_refractivity_n_units = 301.0;
    const itm::ItmResult r = itm::point_to_point(flat_profile(10e3, 100.0), p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.surface_refractivity_n_units, 301.0);
    EXPECT_NEAR(r.effective_earth_radius_m,
                1.0 / (157e-9 * (1.0 - 0.04665 * std::exp(301.0 / 179.3))), 1e-6);
    EXPECT_NEAR(r.effective_earth_radius_m / (4.0 / 3.0 * 6370e3), 1.0, 1e-3);

    // On a plateau at 1000 m, N_s = N_0 e^(-1000 / 9460) and the effective earth is smaller.
    const itm::ItmResult high = itm::point_to_point(flat_profile(10e3, 100.0, 1000.0), p);
    ASSERT_TRUE(high.ok());
    EXPECT_NEAR(high.surface_refractivity_n_units, 301.0 * std::exp(-1000.0 / 9460.0), 1e-9);
    EXPECT_LT(high.effective_earth_radius_m, r.effective_earth_radius_m);
}

TEST(ItmPhysics, FlatEarthHorizonsAreTheSmoothEarthHorizons) {
    const itm::ItmParameters p = uhf_mobile_link();
    const itm::ItmResult r = itm::point_to_point(flat_profile(5e3, 50.0), p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.terrain_irregularity_m, 0.0);
    EXPECT_DOUBLE_EQ(r.tx_effective_height_m, p.tx_height_m);
    EXPECT_DOUBLE_EQ(r.rx_effective_height_m, p.rx_height_m);
    const double a_e = r.effective_earth_radius_m;
    EXPECT_NEAR(r.tx_horizon_distance_m, std::sqrt(2.0 * p.tx_height_m * a_e), 1e-6);
    EXPECT_NEAR(r.rx_horizon_distance_m, std::sqrt(2.0 * p.rx_height_m * a_e), 1e-6);
    // The horizon angle of a smooth earth, -sqrt(2 h / a_e).
    EXPECT_NEAR(r.tx_horizon_angle_rad, -std::sqrt(2.0 * p.tx_height_m / a_e), 1e-12);
}

TEST(ItmPhysics, ShortLineOfSightOverFlatEarthIsFreeSpace) {
    itm::ItmParameters p = uhf_mobile_link();
    p.tx_height_m = 10.0;
    p.rx_height_m = 10.0;
    for (const double d_m : {1000.0, 2000.0, 3000.0}) {
        const itm::ItmResult r = itm::point_to_point(flat_profile(d_m, 10.0), p);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r.mode, itm::PropagationMode::line_of_sight) << d_m;
        EXPECT_NEAR(r.free_space_loss_db, free_space_db(d_m, p.frequency_mhz), 0.01) << d_m;
        EXPECT_NEAR(r.loss_db, free_space_db(d_m, p.frequency_mhz), 0.1) << d_m;
    }
}

TEST(ItmPhysics, LineOfSightCurveMeetsTwoRayValuesAndTheDiffractionLineOverSmoothEarth) {
    // On a smooth flat earth (Delta_h = 0) the line-of-sight attenuation is the two-ray value
    // A_t = -10 log10|e^(-i delta) + R_e|^2 [Alg 4.46 - 4.50], and the reference curve
    // A_el + K_1 d + K_2 ln d is fitted through it at d_0 = min(0.04 f h_1 h_2, d_L / 2) and
    // d_1 = d_0 + (d_L - d_0) / 4 [ERL79 3.16a, 3.16d] (these links have A_d0 >= 0 and an
    // unclamped fit), and through the diffraction line at the smooth-earth horizon d_Ls.
    const auto two_ray_db = [](double d, const itm::ItmParameters& p) {
        const double k = p.frequency_mhz / 47.7;
        const std::complex<double> eps_r(p.ground_relative_permittivity,
                                         18000.0 * p.ground_conductivity_s_per_m / p.frequency_mhz);
        std::complex<double> z_g = std::sqrt(eps_r - 1.0);
        if (p.polarization == itm::Polarization::vertical) {
            z_g /= eps_r;
        }
        const double h = p.tx_height_m + p.rx_height_m;
        const double sin_psi = h / std::sqrt(d * d + h * h);
        std::complex<double> r_e = (sin_psi - z_g) / (sin_psi + z_g);
        if (std::norm(r_e) < 0.25 || std::norm(r_e) < sin_psi) {
            r_e *= std::sqrt(sin_psi / std::norm(r_e));
        }
        double delta = 2.0 * k * p.tx_height_m * p.rx_height_m / d;
        if (delta > std::numbers::pi / 2.0) {
            delta = std::numbers::pi - std::numbers::pi * std::numbers::pi / 4.0 / delta;
        }
        return -10.0 * std::log10(std::norm(std::polar(1.0, -delta) + r_e));
    };
    const auto flat = [](double d_m) { return flat_profile(d_m, d_m / 1000.0); };
    struct Link {
        double f_mhz, h_tx_m, h_rx_m;
    };
    for (const Link link :
         {Link{900.0, 30.0, 1.5}, Link{2100.0, 10.0, 2.0}, Link{3500.0, 10.0, 2.0}}) {
        for (const auto pol : {itm::Polarization::horizontal, itm::Polarization::vertical}) {
            itm::ItmParameters p = uhf_mobile_link();
            p.frequency_mhz = link.f_mhz;
            p.tx_height_m = link.h_tx_m;
            p.rx_height_m = link.h_rx_m;
            p.polarization = pol;
            const double a_e = itm::point_to_point(flat(10e3), p).effective_earth_radius_m;
            const double d_ls =
                std::sqrt(2.0 * p.tx_height_m * a_e) + std::sqrt(2.0 * p.rx_height_m * a_e);
            const double d0 =
                std::min(0.04 * p.frequency_mhz * p.tx_height_m * p.rx_height_m, 0.5 * d_ls);
            const double d1 = d0 + 0.25 * (d_ls - d0);
            const std::string what = std::to_string(link.f_mhz) + " MHz, " +
                                     std::to_string(link.h_tx_m) + " m / " +
                                     std::to_string(link.h_rx_m) + " m, " +
                                     (pol == itm::Polarization::vertical ? "V" : "H");
            for (const double d : {d0, d1}) {
                const itm::ItmResult r = itm::point_to_point(flat(d), p);
                ASSERT_TRUE(r.ok()) << what;
                EXPECT_EQ(r.mode, itm::PropagationMode::line_of_sight) << what;
                EXPECT_NEAR(r.reference_attenuation_db, two_ray_db(d, p), 1e-6)
                    << what << ", d = " << d;
            }
            const itm::ItmResult inside = itm::point_to_point(flat(d_ls - 1.0), p);
            const itm::ItmResult beyond = itm::point_to_point(flat(d_ls + 1.0), p);
            EXPECT_EQ(inside.mode, itm::PropagationMode::line_of_sight) << what;
            EXPECT_EQ(beyond.mode, itm::PropagationMode::diffraction) << what;
            EXPECT_NEAR(inside.reference_attenuation_db, beyond.reference_attenuation_db, 0.01)
                << what;
        }
    }
}

TEST(ItmPhysics, LossGrowsWithDistanceThroughAllThreeModes) {
    const itm::ItmParameters p = uhf_mobile_link();
    double previous_db = 0.0;
    std::vector<itm::PropagationMode> modes;
    for (double d_m = 1000.0; d_m <= 600e3; d_m *= 1.1) {
        const itm::ItmResult r = itm::point_to_point(flat_profile(d_m, 100.0), p);
        ASSERT_TRUE(r.ok()) << d_m;
        EXPECT_GT(r.loss_db, previous_db) << d_m;
        EXPECT_GE(r.loss_db, r.free_space_loss_db - 0.1) << d_m;
        previous_db = r.loss_db;
        if (modes.empty() || modes.back() != r.mode) {
            modes.push_back(r.mode);
        }
    }
    // 30 m and 1.5 m over a 4/3 earth: smooth-earth horizons at 22.6 + 5.0 km.
    const std::vector<itm::PropagationMode> expected = {itm::PropagationMode::line_of_sight,
                                                        itm::PropagationMode::diffraction,
                                                        itm::PropagationMode::troposcatter};
    EXPECT_EQ(modes, expected);
}

TEST(ItmPhysics, PolarizationMattersLittleOverLandAtUhf) {
    for (const double f_mhz : {900.0, 3500.0}) {
        for (const double d_m : {2e3, 5e3, 20e3, 50e3}) {
            itm::ItmParameters p = uhf_mobile_link();
            p.frequency_mhz = f_mhz;
            for (const TerrainProfile& profile :
                 {flat_profile(d_m, 50.0), sinusoid_profile(d_m, 50.0, 20.0, 3000.0)}) {
                p.polarization = itm::Polarization::horizontal;
                const itm::ItmResult h = itm::point_to_point(profile, p);
                p.polarization = itm::Polarization::vertical;
                const itm::ItmResult v = itm::point_to_point(profile, p);
                ASSERT_TRUE(h.ok() && v.ok());
                EXPECT_LT(std::abs(h.loss_db - v.loss_db), 0.5) << f_mhz << " MHz, " << d_m << " m";
            }
        }
    }
    // ... but they are not the same model: on the flat 2 km path at 900 MHz the ground
    // reflection differs.
    itm::ItmParameters p = uhf_mobile_link();
    p.polarization = itm::Polarization::horizontal;
    const double h_db = itm::point_to_point(flat_profile(2e3, 50.0), p).loss_db;
    p.polarization = itm::Polarization::vertical;
    const double v_db = itm::point_to_point(flat_profile(2e3, 50.0), p).loss_db;
    EXPECT_GT(std::abs(h_db - v_db), 0.1);
}

TEST(ItmPhysics, SwappingTheTerminalsGivesTheSameLoss) {
    const TerrainProfile forward = sinusoid_profile(40e3, 30.0, 40.0, 7000.0);
    TerrainProfile backward = forward;
    std::reverse(backward.elevation_m.begin(), backward.elevation_m.end());
    itm::ItmParameters p = uhf_mobile_link();
    const itm::ItmResult a = itm::point_to_point(forward, p);
    std::swap(p.tx_height_m, p.rx_height_m);
    const itm::ItmResult b = itm::point_to_point(backward, p);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NEAR(a.loss_db, b.loss_db, 1e-9);
    EXPECT_NEAR(a.terrain_irregularity_m, b.terrain_irregularity_m, 1e-9);
    EXPECT_NEAR(a.tx_horizon_distance_m, b.rx_horizon_distance_m, 1e-6);
}

TEST(ItmPhysics, TerrainIrregularityOfASinusoidIsItsInterdecileRange) {
    // The deviations of A sin(x) lie between its 10 % and 90 % points, +-A sin(0.4 pi); Delta_h
    // is that range extrapolated to an infinite path by 1 / (1 - 0.8 e^(-d / 50 km)).
    const itm::ItmParameters p = uhf_mobile_link();
    for (const double amplitude_m : {10.0, 50.0}) {
        for (const double period_m : {3000.0, 7000.0}) {
            const double d_m = 150e3;
            const itm::ItmResult r =
                itm::point_to_point(sinusoid_profile(d_m, 30.0, amplitude_m, period_m), p);
            ASSERT_TRUE(r.ok());
            const double from_m = std::min(15.0 * p.tx_height_m, 0.1 * r.tx_horizon_distance_m);
            const double to_m = d_m - std::min(15.0 * p.rx_height_m, 0.1 * r.rx_horizon_distance_m);
            const double expected = 2.0 * amplitude_m * std::sin(0.4 * std::numbers::pi) /
                                    (1.0 - 0.8 * std::exp(-(to_m - from_m) / 50e3));
            EXPECT_NEAR(r.terrain_irregularity_m / expected, 1.0, 0.01)
                << amplitude_m << " m, period " << period_m << " m";
        }
    }
}

TEST(ItmPhysics, LossNotExceededMoreOftenIsHigher) {
    // A 40 km diffraction path; time, location and situation percentages are the fractions in
    // which the loss does not exceed the result.
    const TerrainProfile profile = sinusoid_profile(40e3, 50.0, 30.0, 5000.0);
    itm::ItmParameters p = uhf_mobile_link();
    p.variability_mode = itm::VariabilityMode::broadcast;
    const auto loss = [&](double time, double location, double situation) {
        itm::ItmParameters q = p;
        q.time_percent = time;
        q.location_percent = location;
        q.situation_percent = situation;
        const itm::ItmResult r = itm::point_to_point(profile, q);
        EXPECT_TRUE(r.ok());
        return r.loss_db;
    };
    EXPECT_LT(loss(10, 50, 50), loss(50, 50, 50));
    EXPECT_LT(loss(50, 50, 50), loss(90, 50, 50));
    EXPECT_LT(loss(50, 10, 50), loss(50, 90, 50));
    EXPECT_LT(loss(50, 50, 10), loss(50, 50, 90));

    // Without location variability (mdvar + 10) the 90 % location loss is the median's.
    const double with_location_db = loss(50, 90, 50);
    p.eliminate_location_variability = true;
    EXPECT_LT(loss(50, 90, 50), with_location_db);
    EXPECT_NEAR(loss(50, 90, 50), loss(50, 50, 50), 1e-9);
}
