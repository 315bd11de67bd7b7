// ITU-R P.1812-6 (engine/core/propagation/p1812.hpp) against the validation set of the ITU-R
// WP 3K reference implementation (github.com/eeveetza/p1812, ../shared/data/SOURCES.md):
//   validation_profiles/<path>.csv     a path: Tx/Rx latitude and longitude, then per point the
//                                      distance (km), terrain height (m), clutter code,
//                                      representative clutter height R (m) and radio-climatic
//                                      zone; then the measurement rows (f MHz, antenna heights,
//                                      polarisation 1 horizontal 2 vertical, time %)
//   validation_results/<path>_<k>.csv  dataset k of that path: the inputs the reference used and
//                                      every intermediate result, one "name,equation,,value"
//                                      line each, to 10 significant digits.
//   validation_results/combined_results.csv  the predicted field strength of every dataset.
// Every result file is computed from its profile and the inputs it lists (f, p, pL, σ_L, the
// antenna heights, polarisation, ΔN, N0, the coast distances, the Tx and Rx coordinates, from
// which the path centre is computed) and every logged quantity is compared: L_b and E_p within
// 0.1 dB (the acceptance of issue 13), the other terms within 1e-6 of their value (relative,
// or absolute near 0), which holds when each equation is the Recommendation's. A mismatch names
// the result file and its line. The test prints, per quantity, the largest and the median
// |difference| (docs/models/p1812.md quotes them).

#include "core/propagation/p1812.hpp"
#include "support/csv.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace covsim;
namespace fs = std::filesystem;

namespace {

const std::string p1812_data = "validation/p1812";
constexpr double final_tolerance_db = 0.1;
constexpr double term_tolerance = 1e-6;

struct Profile {
    std::vector<double> distance_km;
    std::vector<double> height_m;
    std::vector<double> clutter_height_m;
    std::vector<p1812::Zone> zone;
};

Profile read_profile(const fs::path& path) {
    Profile p;
    const std::vector<test::CsvRow> rows = test::read_csv(path);
    auto row = std::find_if(rows.begin(), rows.end(), [](const test::CsvRow& r) {
        return r.field(0) == "{Begin of Profile}";
    });
    if (row == rows.end() || ++row == rows.end()) {
        ADD_FAILURE() << path << ": no {Begin of Profile}";
        return p;
    }
    const auto n = static_cast<std::size_t>(row->number(1).value_or(0.0)); // Number of Points
    for (++row; row != rows.end() && p.distance_km.size() < n; ++row) {
        const auto d = row->number(0);
        const auto h = row->number(1);
        const auto r = row->number(3);
        const auto z = row->number(4);
        if (!d || !h || !r || !z) {
            ADD_FAILURE() << path << ":" << row->line << ": expected d, h, code, R, zone";
            return p;
        }
        p.distance_km.push_back(*d);
        p.height_m.push_back(*h);
        p.clutter_height_m.push_back(*r);
        p.zone.push_back(static_cast<p1812::Zone>(static_cast<int>(*z)));
    }
    EXPECT_EQ(p.distance_km.size(), n) << path;
    return p;
}

// One logged value: the file's line, and the value.
struct Logged {
    std::size_t line = 0;
    double value = 0.0;
};

// "name" → value; a name logged twice (hst, hsr) is also kept as "name|equation".
std::map<std::string, Logged> read_result(const fs::path& path) {
    std::map<std::string, Logged> values;
    for (const test::CsvRow& r : test::read_csv(path)) {
        const auto v = r.number(3);
        if (r.field(0).empty() || r.field(0)[0] == '#' || !v) {
            continue;
        }
        values[r.field(0) + "|" + r.field(1)] = {r.line, *v};
        values.try_emplace(r.field(0), Logged{r.line, *v});
    }
    return values;
}

// The largest and the median |difference| of each quantity over all files.
std::map<std::string, std::vector<double>>& deviations() {
    static std::map<std::string, std::vector<double>> d;
    return d;
}

using Getter = std::function<double(const p1812::Result&)>;

struct Quantity {
    std::string key; // as logged ("name" or "name|equation")
    Getter value;
    bool final = false; // L_b, E_p: 0.1 dB
};

std::vector<Quantity> quantities() {
    using R = p1812::Result;
    return {
        {"d (km)", [](const R& r) { return r.d_km; }},
        {"dlt (km)", [](const R& r) { return r.dlt_km; }},
        {"dlr (km)", [](const R& r) { return r.dlr_km; }},
        {"th_t (mrad)", [](const R& r) { return r.theta_t_mrad; }},
        {"th_r (mrad)", [](const R& r) { return r.theta_r_mrad; }},
        {"th (mrad)", [](const R& r) { return r.theta_mrad; }},
        {"hts (m)", [](const R& r) { return r.hts_m; }},
        {"hrs (m)", [](const R& r) { return r.hrs_m; }},
        {"w", [](const R& r) { return r.omega; }},
        {"dtm (km)", [](const R& r) { return r.dtm_km; }},
        {"dlm (km)", [](const R& r) { return r.dlm_km; }},
        {"b0 (%)", [](const R& r) { return r.beta0_percent; }},
        {"ae (km)", [](const R& r) { return r.ae_km; }},
        {"hst (m)|Eq (85)", [](const R& r) { return r.hst_m; }},
        {"hsr (m)|Eq (86)", [](const R& r) { return r.hsr_m; }},
        {"hst (m)|Eq (90a)", [](const R& r) { return r.hst_ducting_m; }},
        {"hsr (m)|Eq (90b)", [](const R& r) { return r.hsr_ducting_m; }},
        {"hstd (m)", [](const R& r) { return r.hstd_m; }},
        {"hsrd (m)", [](const R& r) { return r.hsrd_m; }},
        {"htc' (m)", [](const R& r) { return r.hts_m - r.hstd_m; }},
        {"hrc' (m)", [](const R& r) { return r.hrs_m - r.hsrd_m; }},
        {"hte (m)", [](const R& r) { return r.hte_m; }},
        {"hre (m)", [](const R& r) { return r.hre_m; }},
        {"hm (m)", [](const R& r) { return r.hm_m; }},
        {"Fi", [](const R& r) { return r.fi; }},
        {"Fj", [](const R& r) { return r.fj; }},
        {"Fk", [](const R& r) { return r.fk; }},
        {"Lbfs", [](const R& r) { return r.lbfs_db; }},
        {"Lb0p", [](const R& r) { return r.lb0p_db; }},
        {"Lb0b", [](const R& r) { return r.lb0b_db; }},
        {"Lbulla (dB)", [](const R& r) { return r.lbulla_db; }},
        {"Lbulls (dB)", [](const R& r) { return r.lbulls_db; }},
        {"Ldsph (dB)", [](const R& r) { return r.ldsph_db; }},
        {"Ld50 (dB)", [](const R& r) { return r.ld50_db; }},
        {"Ldb (dB)", [](const R& r) { return r.ldb_db; }},
        {"Ldp (dB)", [](const R& r) { return r.ldp_db; }},
        {"Lbd50 (dB)", [](const R& r) { return r.lbd50_db; }},
        {"Lbd (dB)", [](const R& r) { return r.lbd_db; }},
        {"Lminb0p (dB)", [](const R& r) { return r.lminb0p_db; }},
        {"Lba (dB)", [](const R& r) { return r.lba_db; }},
        {"Lminbap (dB)", [](const R& r) { return r.lminbap_db; }},
        {"Lbda (dB)", [](const R& r) { return r.lbda_db; }},
        {"Lbam (dB)", [](const R& r) { return r.lbam_db; }},
        {"Lbs (dB)", [](const R& r) { return r.lbs_db; }},
        {"Lbc (dB)", [](const R& r) { return r.lbc_db; }},
        {"Lb (dB)", [](const R& r) { return r.lb_db; }, true},
        {"Ep (dBuV/m)", [](const R& r) { return r.ep_dbuv_m; }, true},
    };
}

double logged(const std::map<std::string, Logged>& log, const fs::path& file,
              const std::string& key) {
    const auto it = log.find(key);
    if (it == log.end()) {
        ADD_FAILURE() << file.filename().string() << ": no '" << key << "' line";
        return std::nan("");
    }
    return it->second.value;
}

// Checks one result file against its profile; returns the number of values compared and sets
// `ep_ptx` to the field strength for the file's transmitter power (E_p + 10 log10(P/kW)).
int check_result_file(const fs::path& file, const Profile& profile, double& ep_ptx) {
    const std::map<std::string, Logged> log = read_result(file);
    const std::string name = file.filename().string();
    const auto in = [&](const std::string& key) { return logged(log, file, key); };

    p1812::Parameters q;
    q.frequency_ghz = in("f (GHz)");
    q.time_percent = in("p (%)");
    q.location_percent = in("pL (%)");
    q.location_sigma_db = in("sigmaL (dB)");
    q.tx_height_m = in("htg (m)");
    q.rx_height_m = in("hrg (m)");
    q.polarization =
        in("pol") == 1.0 ? p1812::Polarization::horizontal : p1812::Polarization::vertical;
    q.delta_n_per_km = in("DN");
    q.sea_level_refractivity = in("N0");
    q.tx_coast_distance_km = in("dct (km)");
    q.rx_coast_distance_km = in("dcr (km)");
    q.path_centre_latitude_deg = p1812::path_centre_latitude_deg(
        in("phi_t (deg)"), in("lam_t (deg)"), in("phi_r (deg)"), in("lam_r (deg)"),
        profile.distance_km.back() - profile.distance_km.front());
    EXPECT_NEAR(q.path_centre_latitude_deg, in("phi (deg)"), 1e-7)
        << name << ":" << log.at("phi (deg)").line << ": path centre latitude";
    // The clutter inputs the reference logs: R at the second and the last-but-one point.
    const std::size_t n = profile.height_m.size();
    EXPECT_EQ(profile.clutter_height_m[1], in("R2 (m)")) << name << ": R2";
    EXPECT_EQ(profile.clutter_height_m[n - 2], in("Rn-1 (m)")) << name << ": Rn-1";

    const p1812::Path path{profile.distance_km, profile.height_m, profile.clutter_height_m,
                           profile.zone};
    const p1812::Result r = p1812::transmission_loss(path, q);
    int compared = 0;
    for (const Quantity& quantity : quantities()) {
        const auto it = log.find(quantity.key);
        if (it == log.end()) {
            ADD_FAILURE() << name << ": no '" << quantity.key << "' line";
            continue;
        }
        const double expected = it->second.value;
        const double actual = quantity.value(r);
        const double diff = std::abs(actual - expected);
        const double tolerance = quantity.final
                                     ? final_tolerance_db
                                     : term_tolerance * std::max(1.0, std::abs(expected));
        EXPECT_LE(diff, tolerance)
            << name << ":" << it->second.line << ": " << quantity.key << " = "
            << std::setprecision(10) << actual << ", reference " << expected;
        if (!std::isfinite(diff)) {
            ADD_FAILURE() << name << ":" << it->second.line << ": " << quantity.key
                          << " is not finite";
        }
        deviations()[quantity.key].push_back(diff);
        ++compared;
    }
    // The field strength for the transmitter power the reference used.
    ep_ptx = r.ep_dbuv_m + 10.0 * std::log10(in("Ptx (kW)"));
    const std::string key = "Ep (dBuV/m) w.r.t. Ptx";
    if (const auto it = log.find(key); it != log.end()) {
        EXPECT_NEAR(ep_ptx, it->second.value, final_tolerance_db)
            << name << ":" << it->second.line << ": " << key;
        deviations()[key].push_back(std::abs(ep_ptx - it->second.value));
        ++compared;
    } else {
        ADD_FAILURE() << name << ": no '" << key << "' line";
    }
    return compared;
}

} // namespace

TEST(P1812Validation, ReproducesEveryReferenceResultFile) {
    COVSIM_USES_SHARED_DATA(p1812_data + "/validation_profiles");
    COVSIM_USES_SHARED_DATA(p1812_data + "/validation_results");
    const fs::path root = test::shared_data() / p1812_data;

    std::map<std::string, Profile> profiles;
    for (const auto& entry : fs::directory_iterator(root / "validation_profiles")) {
        if (entry.path().extension() == ".csv") {
            profiles[entry.path().stem().string()] = read_profile(entry.path());
        }
    }
    std::vector<fs::path> results;
    for (const auto& entry : fs::directory_iterator(root / "validation_results")) {
        if (entry.path().extension() == ".csv" &&
            entry.path().filename() != "combined_results.csv") {
            results.push_back(entry.path());
        }
    }
    std::sort(results.begin(), results.end());
    deviations().clear();
    int compared = 0;
    std::map<std::string, int> used;
    std::map<std::string, double> ep_ptx; // "<profile>.csv,<dataset>" → E_p for P_tx
    for (const fs::path& file : results) {
        const std::string stem = file.stem().string();
        const std::string profile = stem.substr(0, stem.rfind('_'));
        const auto it = profiles.find(profile);
        if (it == profiles.end()) {
            ADD_FAILURE() << file.filename().string() << ": no profile " << profile << ".csv";
            continue;
        }
        ++used[profile];
        compared += check_result_file(file, it->second,
                                      ep_ptx[profile + ".csv," + stem.substr(stem.rfind('_') + 1)]);
    }
    EXPECT_EQ(results.size(), 63u) << "result files (besides combined_results.csv)";
    EXPECT_EQ(profiles.size(), 19u) << "profiles";
    EXPECT_EQ(used.size(), profiles.size()) << "every profile has a result file";

    // combined_results.csv: the predicted field strength of every dataset (8 decimals).
    const fs::path combined = root / "validation_results" / "combined_results.csv";
    std::size_t rows = 0;
    for (const test::CsvRow& r : test::read_csv(combined)) {
        const auto predicted = r.number(4);
        if (r.line == 1 || !predicted) {
            continue;
        }
        ++rows;
        const auto it = ep_ptx.find(r.field(1) + "," + r.field(2));
        if (it == ep_ptx.end()) {
            ADD_FAILURE() << "combined_results.csv:" << r.line << ": no result file for "
                          << r.field(1) << " dataset " << r.field(2);
            continue;
        }
        EXPECT_NEAR(it->second, *predicted, final_tolerance_db)
            << "combined_results.csv:" << r.line << ": predicted field strength";
        deviations()["combined: Predicted"].push_back(std::abs(it->second - *predicted));
        ++compared;
    }
    EXPECT_EQ(rows, results.size()) << "combined_results.csv rows";

    std::cout << "P.1812-6: " << results.size() << " result files and combined_results.csv, "
              << compared << " values; |difference| per quantity (max, median):\n";
    for (auto& [key, d] : deviations()) {
        std::sort(d.begin(), d.end());
        std::cout << "  " << std::left << std::setw(24) << key << std::right << std::setprecision(3)
                  << std::scientific << std::setw(11) << d.back() << std::setw(11)
                  << d[d.size() / 2] << std::defaultfloat << "\n";
    }
}
