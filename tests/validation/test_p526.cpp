// P.526-15 delta-Bullington diffraction (engine/core/propagation/p526.hpp) against the
// intermediate values of the ITU-R P.1812-6 reference implementation, which applies the same
// method (P.1812-6 §4.3 = P.526-15 §4.5).
//
// Reference data, ../shared/data/validation/p1812/ (ITU-R SG 3 validation set of P.1812-6):
//   validation_profiles/<path>.csv   a profile: distance (km), terrain height (m), clutter code,
//                                    representative clutter height R (m), radio-met zone
//   validation_results/<path>_<k>.csv dataset k on that path: inputs and intermediate values,
//                                    one "name,equation,,value" line each (10 significant
//                                    digits). Used here: f (GHz), pol, htg, hrg (m), w (fraction
//                                    of the path over sea), ae (km, P.1812's median effective
//                                    Earth radius), hts, hrs (m, checked), hstd, hsrd (m, the
//                                    smooth-surface heights), Lbulla, Lbulls, Ldsph, Ld50 (dB).
//
// What is compared, and what is not:
//   - Only equally spaced profiles: covsim::TerrainProfile has one spacing. The 15 datasets on
//     the five irregularly sampled paths are skipped; each of those paths has an "_eqdist" twin
//     resampled at equal spacing, which is compared.
//   - P.1812-6 adds the clutter height R to the intermediate profile points for the Bullington
//     parts and fits the smooth surface to the bare terrain; covsim does the same through
//     DiffractionOptions::clutter_height_m.
//   - For paths partly over sea (w > 0) P.1812-6 blends the first-term smooth-Earth loss of land
//     and sea ground by w (its §4.3.3), which is not part of P.526. Beyond the smooth-Earth
//     horizon (d ≥ d_los) L_sph is that first term alone, so the blend equals
//     w L_sph(sea) + (1 − w) L_sph(land) from covsim's §3.2 function, which the test compares;
//     inside the horizon only the ground-independent values (Lbulla, Lbulls, hstd, hsrd) would
//     be compared.
//   - Two constants differ on purpose: P.1812-6 uses λ = 0.2998/f_GHz m and h_req =
//     17.456 sqrt(d1 d2 λ/d) (d in km), covsim the exact c and P.526's 0.552 in SI units. Both
//     move the losses by a few 1e-4 dB; the tolerance is 1e-3 dB and the test prints the
//     largest deviation of each quantity.

#include "core/propagation/p526.hpp"
#include "core/propagation/terrain_profile.hpp"
#include "support/csv.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace covsim;

namespace {

const std::string p1812_data = "validation/p1812";
constexpr double loss_tolerance_db = 1e-3;
constexpr double height_tolerance_m = 1e-6; // the files print 10 significant digits

// "name,equation,,value" lines of a validation result (a name logged twice keeps its last value).
std::map<std::string, double> read_result(const std::filesystem::path& path) {
    std::map<std::string, double> values;
    for (const test::CsvRow& r : test::read_csv(path)) {
        const auto v = r.number(3);
        if (!r.field(0).empty() && r.field(0)[0] != '#' && v) {
            values[r.field(0)] = *v;
        }
    }
    return values;
}

struct Path {
    std::vector<double> distance_km;
    std::vector<double> height_m;
    std::vector<double> clutter_m;
};

Path read_profile(const std::filesystem::path& path) {
    Path p;
    const std::vector<test::CsvRow> rows = test::read_csv(path);
    auto row = std::find_if(rows.begin(), rows.end(), [](const test::CsvRow& r) {
        return r.field(0) == "{Begin of Profile}";
    });
    if (row == rows.end() || ++row == rows.end()) {
        ADD_FAILURE() << path << ": no {Begin of Profile}";
        return p;
    }
    const auto n = static_cast<std::size_t>(row->number(1).value_or(0.0)); // Number of Points
    for (++row; row != rows.end() && p.height_m.size() < n; ++row) {
        p.distance_km.push_back(row->number(0).value_or(std::nan("")));
        p.height_m.push_back(row->number(1).value_or(std::nan("")));
        p.clutter_m.push_back(row->number(3).value_or(std::nan("")));
    }
    EXPECT_EQ(p.height_m.size(), n) << path;
    return p;
}

bool equally_spaced(const std::vector<double>& d_km) {
    const double step = d_km.back() / static_cast<double>(d_km.size() - 1);
    for (std::size_t i = 0; i < d_km.size(); ++i) {
        if (std::abs(d_km[i] - step * static_cast<double>(i)) > 1e-6) {
            return false;
        }
    }
    return true;
}

struct MaxDeviation {
    explicit MaxDeviation(std::string name) : quantity(std::move(name)) {}
    std::string quantity;
    double value = 0.0;
    std::string where;
    int count = 0;
    void add(double deviation, const std::string& dataset) {
        ++count;
        if (std::abs(deviation) >= std::abs(value)) {
            value = deviation;
            where = dataset;
        }
    }
};

} // namespace

TEST(P526Validation, DeltaBullingtonReproducesP1812IntermediateValues) {
    COVSIM_USES_SHARED_DATA(p1812_data + "/validation_results");
    const std::filesystem::path root = test::shared_data() / p1812_data;

    std::vector<std::filesystem::path> results;
    const std::regex dataset_name(R"((.+)_[0-9]+\.csv)");
    for (const auto& entry : std::filesystem::directory_iterator(root / "validation_results")) {
        if (std::regex_match(entry.path().filename().string(), dataset_name)) {
            results.push_back(entry.path());
        }
    }
    std::sort(results.begin(), results.end());

    MaxDeviation lbulla{"Lbulla (dB)"};
    MaxDeviation lbulls{"Lbulls (dB)"};
    MaxDeviation ldsph{"Ldsph (dB)"};
    MaxDeviation ld50{"Ld50 (dB)"};
    MaxDeviation hstd{"hstd (m)"};
    MaxDeviation hsrd{"hsrd (m)"};
    int compared = 0;
    int skipped_irregular = 0;
    int over_sea = 0;
    int over_sea_beyond_horizon = 0;
    for (const auto& result_path : results) {
        const std::string dataset = result_path.filename().string();
        SCOPED_TRACE(dataset);
        std::smatch m;
        std::regex_match(dataset, m, dataset_name);
        const Path path = read_profile(root / "validation_profiles" / (m[1].str() + ".csv"));
        if (!equally_spaced(path.distance_km)) {
            ++skipped_irregular;
            continue;
        }
        const std::map<std::string, double> ref = read_result(result_path);
        const auto value = [&ref](const std::string& key) {
            const auto it = ref.find(key);
            EXPECT_NE(it, ref.end()) << "missing " << key;
            return it == ref.end() ? std::nan("") : it->second;
        };

        TerrainProfile profile;
        profile.spacing_m =
            1000.0 * path.distance_km.back() / static_cast<double>(path.distance_km.size() - 1);
        profile.elevation_m = path.height_m;
        const double htg = value("htg (m)");
        const double hrg = value("hrg (m)");
        EXPECT_NEAR(profile.elevation_m.front() + htg, value("hts (m)"), height_tolerance_m);
        EXPECT_NEAR(profile.elevation_m.back() + hrg, value("hrs (m)"), height_tolerance_m);

        p526::DiffractionOptions options;
        options.polarization =
            value("pol") == 2.0 ? p526::Polarization::vertical : p526::Polarization::horizontal;
        options.clutter_height_m = path.clutter_m;
        const p526::DeltaBullingtonResult r = p526::delta_bullington(
            profile, htg, hrg, 1000.0 * value("f (GHz)"), 1000.0 * value("ae (km)"), options);

        EXPECT_NEAR(r.bullington_actual_db, value("Lbulla (dB)"), loss_tolerance_db);
        EXPECT_NEAR(r.bullington_smooth_db, value("Lbulls (dB)"), loss_tolerance_db);
        EXPECT_NEAR(r.smooth_tx_height_m, value("hstd (m)"), height_tolerance_m);
        EXPECT_NEAR(r.smooth_rx_height_m, value("hsrd (m)"), height_tolerance_m);
        lbulla.add(r.bullington_actual_db - value("Lbulla (dB)"), dataset);
        lbulls.add(r.bullington_smooth_db - value("Lbulls (dB)"), dataset);
        hstd.add(r.smooth_tx_height_m - value("hstd (m)"), dataset);
        hsrd.add(r.smooth_rx_height_m - value("hsrd (m)"), dataset);
        ++compared;
        double spherical_db = r.spherical_earth_db;
        double loss_db = r.loss_db;
        const double w = value("w");
        if (w > 0.0) {
            ++over_sea;
            // Beyond the smooth-Earth horizon L_sph is the first-term loss alone, and P.1812's
            // blend of it is the blend of covsim's land and sea losses.
            const double h1 = profile.elevation_m.front() + htg - r.smooth_tx_height_m;
            const double h2 = profile.elevation_m.back() + hrg - r.smooth_rx_height_m;
            const double ae_m = 1000.0 * value("ae (km)");
            if (profile.length_m() < std::sqrt(2.0 * ae_m) * (std::sqrt(h1) + std::sqrt(h2))) {
                continue; // inside the horizon the blend is not linear in L_sph: not compared
            }
            ++over_sea_beyond_horizon;
            const auto sph = [&](p526::GroundConstants ground) {
                return p526::spherical_earth_loss_db(profile.length_m(), h1, h2,
                                                     1000.0 * value("f (GHz)"), ae_m,
                                                     options.polarization, ground);
            };
            spherical_db = w * sph(p526::sea) + (1.0 - w) * sph(p526::land);
            loss_db = r.bullington_actual_db + std::max(spherical_db - r.bullington_smooth_db, 0.0);
        }
        EXPECT_NEAR(spherical_db, value("Ldsph (dB)"), loss_tolerance_db);
        EXPECT_NEAR(loss_db, value("Ld50 (dB)"), loss_tolerance_db);
        ldsph.add(spherical_db - value("Ldsph (dB)"), dataset);
        ld50.add(loss_db - value("Ld50 (dB)"), dataset);
    }

    // The set as published: 63 datasets, 48 on equally spaced profiles, 6 of those partly over
    // sea. A different count means the data or the parsing changed.
    EXPECT_EQ(compared, 48);
    EXPECT_EQ(skipped_irregular, 15);
    EXPECT_EQ(over_sea, 6);
    EXPECT_EQ(over_sea_beyond_horizon, 6);
    std::cout << "P.1812-6 delta-Bullington validation: " << compared << " datasets compared, "
              << skipped_irregular << " on irregular profiles skipped; " << over_sea
              << " partly over sea, " << over_sea_beyond_horizon
              << " of them beyond the smooth-Earth horizon (land/sea blend compared)\n";
    for (const MaxDeviation* d : {&lbulla, &lbulls, &ldsph, &ld50, &hstd, &hsrd}) {
        std::cout << "  " << d->quantity << ": " << d->count << " values, max |deviation| "
                  << std::abs(d->value) << " (" << d->where << ")\n";
    }
}

TEST(P526Validation, LineOfSightAgreesWithTheBullingtonCaseOfTheReferenceProfiles) {
    COVSIM_USES_SHARED_DATA(p1812_data + "/validation_profiles");
    const std::filesystem::path root = test::shared_data() / p1812_data;
    // rburg_rural_noclutter_los has 1000 m and 200 m masts (LOS in P.1812's results, dlt + dlr
    // = d); rburg_rural_noclutter has 12 m and 19 m masts behind ridges (transhorizon).
    const Path los_path = read_profile(root / "validation_profiles/rburg_rural_noclutter_los.csv");
    const Path nlos_path = read_profile(root / "validation_profiles/rburg_rural_noclutter.csv");
    for (const auto& [path, htg, hrg, expected] :
         {std::tuple{&los_path, 1000.0, 200.0, true}, std::tuple{&nlos_path, 12.0, 19.0, false}}) {
        TerrainProfile profile;
        profile.spacing_m = 100.0;
        profile.elevation_m = path->height_m;
        const double ae_m = 8'930'776.786; // the results' ae
        EXPECT_EQ(p526::line_of_sight(profile, htg, hrg, ae_m), expected);
        EXPECT_EQ(p526::bullington(profile, htg, hrg, 98.2, ae_m).line_of_sight, expected);
    }
}
