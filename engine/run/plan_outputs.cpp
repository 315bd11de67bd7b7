#include "run/plan_outputs.hpp"

#include "core/error.hpp"
#include "core/plan/kernel_evaluator.hpp"
#include "io/atomic_file.hpp"
#include "io/gdal_support.hpp"
#include "io/hdf5_results.hpp"
#include "io/output_paths.hpp"
#include "io/quicklook_sink.hpp"
#include "io/site_layer.hpp"
#include "io/summary_csv.hpp"
#include "run/version.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace covsim {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view plan_header = "# covsim plan";
constexpr double curve_step = 0.01;

// A number for a CSV: shortest round-trip form; empty for NaN.
std::string num(double v) {
    return std::isfinite(v) ? fmt::format("{}", v) : std::string();
}

// Every string of `node` that is one of `paths` (absolute), made relative to `dir`.
void relativise(toml::node& node, const std::set<std::string>& paths, const fs::path& dir) {
    if (auto* t = node.as_table()) {
        for (auto&& [k, v] : *t) {
            relativise(v, paths, dir);
        }
    } else if (auto* a = node.as_array()) {
        for (toml::node& v : *a) {
            relativise(v, paths, dir);
        }
    } else if (auto* s = node.as_string(); s != nullptr && paths.count(s->get()) > 0) {
        const fs::path rel = fs::path(s->get()).lexically_relative(fs::absolute(dir));
        if (!rel.empty()) {
            s->get() = rel.string();
        }
    }
}

const toml::table* layer_entry(const toml::array& layers, const std::string& name) {
    for (const toml::node& n : layers) {
        const toml::table* t = n.as_table();
        if (t != nullptr && t->get_as<std::string>("name") != nullptr &&
            t->get_as<std::string>("name")->get() == name) {
            return t;
        }
    }
    return nullptr;
}

std::string district_name(const District& d) {
    return d.name_ascii.empty() ? d.name : d.name_ascii;
}

} // namespace

OutputDirectory open_plan_output(const fs::path& dir, const fs::path& plan_file,
                                 const std::vector<Variant>& built) {
    const io::OutputLayout layout{
        dir,
        {"plan.toml", "plan_districts.csv", "plan_curve.csv", "plan_curve.png"},
        {"plan_sites"}};
    std::vector<io::NamedInput> inputs{{plan_file, "the plan file"}};
    for (const Variant& v : built) {
        for (const InputFile& in : v.inputs) {
            if (!io::is_remote_path(in.path.string())) {
                inputs.push_back({in.path, fmt::format("{} of the plan", in.role)});
            }
        }
    }
    io::check_outputs_spare_inputs(layout, inputs, "--out");
    io::check_no_symbolic_links(layout, "--out");
    std::error_code ec;
    if (fs::exists(dir / "plan.toml", ec)) {
        std::ifstream in(dir / "plan.toml");
        std::string first;
        std::getline(in, first);
        if (first.rfind(plan_header, 0) != 0) {
            throw Error(ErrorCode::io,
                        fmt::format("--out: '{}' was not written by covsim plan; covsim does not "
                                    "replace it: choose another output directory",
                                    (dir / "plan.toml").string()));
        }
    }
    return open_output(dir, built);
}

PlanWriter::PlanWriter(const io::PlanFile& file, const Scenario& evaluated,
                       std::size_t built_layers,
                       const std::vector<std::optional<std::size_t>>& option_layer,
                       const plan::KernelEvaluator& evaluator, fs::path dir)
    : file_(file), evaluated_(evaluated), built_layers_(built_layers), option_layer_(option_layer),
      evaluator_(evaluator), dir_(std::move(dir)) {}

std::vector<io::SectorRecord>
PlanWriter::write_sites(std::size_t option, const std::vector<plan::Candidate>& choices) const {
    const StudyArea& area = evaluator_.area();
    const io::TransformPtr to_geo =
        io::make_transform(io::srs_from_wkt(area.grid.crs_wkt), io::wgs84());
    const plan::OptionSpec& o = file_.spec.options[option];
    std::vector<io::SectorRecord> records;
    for (std::size_t d = 0; d < choices.size(); ++d) {
        const std::int16_t step = choices[d].steps[option];
        if (step < 0) {
            continue;
        }
        for (const Sector& s : *evaluator_.sectors(d, option, static_cast<std::size_t>(step))) {
            io::SectorRecord r;
            r.site_id = s.site_id;
            r.sector_id = s.sector_id;
            r.layer = o.name;
            r.district_code = area.districts[d].code;
            r.lon_deg = s.x_m;
            r.lat_deg = s.y_m;
            if (!to_geo->Transform(1, &r.lon_deg, &r.lat_deg)) {
                throw Error(ErrorCode::internal, "cannot transform a planned site to WGS 84");
            }
            r.height_m = s.height_m;
            r.azimuth_deg = s.azimuth_deg;
            r.mechanical_tilt_deg = s.mechanical_tilt_deg;
            r.electrical_tilt_deg = s.electrical_tilt_deg;
            r.power_dbm = s.power_dbm;
            records.push_back(std::move(r));
        }
    }
    const fs::path final_path = dir_ / "plan_sites" / (o.name + ".csv");
    const fs::path temp = dir_ / "plan_sites" / (".partial-" + o.name + ".csv");
    io::write_sectors(temp, records);
    std::error_code ec;
    fs::rename(temp, final_path, ec);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write '{}': {}", final_path.string(), ec.message()));
    }
    return records;
}

std::string PlanWriter::scenario_text(const std::vector<plan::Candidate>& choices,
                                      const std::vector<bool>& deployed) const {
    const plan::PlanSpec& spec = file_.spec;
    toml::table tree =
        toml::parse(std::string_view(file_.resolved_toml), std::string_view("plan.toml"));
    toml::array layers;
    const toml::array empty;
    const toml::array* written = tree["layers"].as_array();
    const toml::array& given = written != nullptr ? *written : empty;
    for (std::size_t l = 0; l < built_layers_; ++l) {
        const std::string& name = evaluated_.layers[l].written_name();
        const toml::table* t = layer_entry(given, name);
        if (t != nullptr && layer_entry(layers, name) == nullptr) {
            toml::table copy = *t;
            copy.insert_or_assign("site_type", "existing");
            layers.push_back(std::move(copy));
        }
    }
    std::set<std::string> ftth_codes;
    for (std::size_t o = 0; o < spec.options.size(); ++o) {
        const plan::OptionSpec& opt = spec.options[o];
        if (!deployed[o]) {
            continue;
        }
        if (!opt.radio()) {
            for (std::size_t d = 0; d < choices.size(); ++d) {
                if (choices[d].steps[o] >= 0) {
                    ftth_codes.insert(evaluator_.area().districts[d].code);
                }
            }
            continue;
        }
        toml::table copy = *layer_entry(given, opt.template_layer);
        copy.insert_or_assign("name", opt.name);
        copy.insert_or_assign("sites", (fs::path("plan_sites") / (opt.name + ".csv")).string());
        copy.erase("sites_layer");
        copy.insert_or_assign("site_type", std::string(to_string(opt.site_type)));
        if (const auto* carrier = copy.get_as<std::string>("carrier");
            carrier != nullptr && carrier->get() == opt.template_layer) {
            copy.erase("carrier");
        }
        layers.push_back(std::move(copy));
    }
    tree.insert_or_assign("layers", std::move(layers));
    if (!ftth_codes.empty()) {
        if (!tree["ftth"].is_table()) {
            tree.insert_or_assign("ftth", toml::table{});
        }
        toml::table& ftth = *tree["ftth"].as_table();
        if (const toml::array* codes = ftth.get_as<toml::array>("districts")) {
            for (const toml::node& c : *codes) {
                ftth_codes.insert(c.value<std::string>().value_or(""));
            }
        }
        toml::array all;
        for (const std::string& c : ftth_codes) {
            all.push_back(c);
        }
        ftth.insert_or_assign("districts", std::move(all));
    }
    if (!tree["scenario"].is_table()) {
        tree.insert_or_assign("scenario", toml::table{});
    }
    toml::table& sc = *tree["scenario"].as_table();
    sc.insert_or_assign("name", file_.scenario.name);
    sc.insert_or_assign("description",
                        fmt::format("The least-cost plan of {} for {:g} % served{} in every "
                                    "district (covsim plan)",
                                    file_.scenario.source_path.filename().string(),
                                    100.0 * spec.target.served_share,
                                    spec.target.indoors ? " indoors" : ""));
    const std::set<std::string> paths(file_.path_values.begin(), file_.path_values.end());
    relativise(tree, paths, dir_);
    std::ostringstream os;
    os << plan_header << " " << covsim::version() << ": the network planned from "
       << fs::absolute(file_.scenario.source_path).lexically_normal().string() << "\n"
       << "# A scenario: `covsim run plan.toml` reproduces plan_districts.csv; paths are relative "
          "to this file.\n\n"
       << toml::toml_formatter(tree) << '\n';
    return os.str();
}

fs::path PlanWriter::write_scenario(const std::vector<plan::Candidate>& choices) const {
    const plan::PlanSpec& spec = file_.spec;
    std::vector<bool> deployed(spec.options.size(), false);
    for (const plan::Candidate& c : choices) {
        for (std::size_t o = 0; o < c.steps.size(); ++o) {
            deployed[o] = deployed[o] || c.steps[o] >= 0;
        }
    }
    std::error_code ec;
    fs::create_directories(dir_ / "plan_sites", ec);
    if (ec) {
        throw Error(ErrorCode::io, fmt::format("cannot create '{}': {}",
                                               (dir_ / "plan_sites").string(), ec.message()));
    }
    std::vector<io::SectorRecord> all;
    for (std::size_t o = 0; o < spec.options.size(); ++o) {
        const fs::path csv = dir_ / "plan_sites" / (spec.options[o].name + ".csv");
        if (deployed[o] && spec.options[o].radio()) {
            const std::vector<io::SectorRecord> records = write_sites(o, choices);
            all.insert(all.end(), records.begin(), records.end());
        } else {
            fs::remove(csv, ec); // of an earlier round or run; nothing of the user's
        }
    }
    // Every planned sector as points, for GIS (the CSVs are what plan.toml reads).
    const fs::path gpkg = dir_ / "plan_sites" / "plan_sites.gpkg";
    // Written in a directory of its own: the GeoPackage's layer is named after the file.
    const fs::path temp = dir_ / "plan_sites" / ".partial" / "plan_sites.gpkg";
    fs::create_directories(temp.parent_path(), ec);
    io::write_sectors(temp, all);
    fs::rename(temp, gpkg, ec);
    std::error_code ignored;
    fs::remove(temp.parent_path(), ignored);
    if (ec) {
        throw Error(ErrorCode::io,
                    fmt::format("cannot write '{}': {}", gpkg.string(), ec.message()));
    }
    const fs::path path = dir_ / "plan.toml";
    io::AtomicFile f(path);
    std::ofstream out = io::open_text(f);
    out << scenario_text(choices, deployed);
    io::finish_text(out, f);
    return path;
}

void fill_plan_rows(PlanReport& report, const ScenarioResult& r,
                    const std::vector<plan::Candidate>& choices, const plan::PlanResult& search,
                    const plan::PlanSpec& spec, std::size_t built_layers) {
    report.curve_shares =
        plan::curve_shares(spec.curve_from_share, spec.target.served_share, curve_step);
    const double months = 12.0;
    report.districts.clear();
    PlanDistrictRow city;
    city.code = "city";
    city.name_ascii = "the city";
    city.curve_usd_per_year.assign(report.curve_shares.size(), 0.0);
    std::vector<bool> grid_layer(r.layers.size(), false);
    for (std::size_t l = built_layers; l < r.layers.size(); ++l) {
        for (const plan::OptionSpec& o : spec.options) {
            grid_layer[l] =
                grid_layer[l] || (o.name == r.layers[l].name && o.kind == plan::OptionKind::grid);
        }
    }
    for (std::size_t d = 0; d < r.area->districts.size(); ++d) {
        const District& info = r.area->districts[d];
        const DistrictCost& cost = r.cost.districts[d];
        PlanDistrictRow row;
        row.code = info.code;
        row.name_ascii = district_name(info);
        row.type = std::string(to_string(info.type));
        row.population = r.coverage.districts[d].population;
        row.subscribers = r.capacity.districts[d].subscribers;
        row.served_population = plan::served_population(r.capacity.districts[d], spec.target);
        row.target_met = row.served_share() >= spec.target.served_share - 1e-12;
        row.choice = plan::describe(choices[d], spec.options);
        std::set<std::string> added; // sites of grid options: masts carry new radios only
        for (const Sector& s : r.sectors) {
            if (s.layer >= built_layers && s.district == static_cast<std::int32_t>(d) &&
                grid_layer[s.layer]) {
                added.insert(s.site_id);
            }
        }
        row.sites_added = added.size();
        row.capex_usd = cost.money.capex_usd;
        row.opex_usd_per_year = cost.money.opex_usd_per_year;
        row.annualised_cost_usd = cost.annualised_usd;
        row.cost_per_subscriber_usd_per_month = cost.per_subscriber_usd_per_month;
        const double served_subscribers = row.subscribers * row.served_share();
        row.cost_per_served_subscriber_usd_per_month =
            served_subscribers > 0.0 ? cost.annualised_usd / months / served_subscribers
                                     : std::numeric_limits<double>::quiet_NaN();
        row.affordability = cost.affordability;
        row.curve_usd_per_year =
            plan::cost_curve(search.districts[d].evaluated, report.curve_shares);
        for (std::size_t i = 0; i < report.curve_shares.size(); ++i) {
            city.curve_usd_per_year[i] += row.curve_usd_per_year[i];
        }
        city.population += row.population;
        city.subscribers += row.subscribers;
        city.served_population += row.served_population;
        city.sites_added += row.sites_added;
        city.target_met = (d == 0 || city.target_met) && row.target_met;
        report.districts.push_back(std::move(row));
    }
    city.capex_usd = r.cost.city.money.capex_usd;
    city.opex_usd_per_year = r.cost.city.money.opex_usd_per_year;
    city.annualised_cost_usd = r.cost.city.annualised_usd;
    city.cost_per_subscriber_usd_per_month = r.cost.city.per_subscriber_usd_per_month;
    const double served_subscribers = city.subscribers * city.served_share();
    city.cost_per_served_subscriber_usd_per_month =
        served_subscribers > 0.0 ? city.annualised_cost_usd / months / served_subscribers
                                 : std::numeric_limits<double>::quiet_NaN();
    city.affordability = r.cost.city.affordability;
    city.choice = "";
    report.city = std::move(city);
}

namespace {

// "nr-n78+ftth" and "500" of a choice "nr-n78@500+ftth".
std::pair<std::string, std::string> options_and_isd(const std::string& choice) {
    std::string options;
    std::string isd;
    std::istringstream parts(choice);
    for (std::string part; std::getline(parts, part, '+');) {
        const auto at = part.find('@');
        options += (options.empty() ? "" : "+") + part.substr(0, at);
        if (at != std::string::npos) {
            isd += (isd.empty() ? "" : "+") + part.substr(at + 1);
        }
    }
    return {options == "built" ? "" : options, isd};
}

void write_district_row(std::ofstream& out, const PlanDistrictRow& r, double threshold) {
    const auto [options, isd] = options_and_isd(r.choice);
    const bool affordable = r.target_met && r.affordability <= threshold;
    out << io::csv_field(r.code) << ',' << io::csv_field(r.name_ascii) << ',' << r.type << ','
        << num(r.population) << ',' << num(r.subscribers) << ',' << num(r.served_share()) << ','
        << (r.target_met ? 1 : 0) << ',' << io::csv_field(r.choice) << ',' << io::csv_field(options)
        << ',' << io::csv_field(isd) << ',' << r.sites_added << ',' << num(r.capex_usd) << ','
        << num(r.opex_usd_per_year) << ',' << num(r.annualised_cost_usd) << ','
        << num(r.cost_per_subscriber_usd_per_month) << ','
        << num(r.cost_per_served_subscriber_usd_per_month) << ',' << num(r.affordability) << ','
        << (affordable ? 1 : 0) << '\n';
}

io::PlanTable plan_table(const PlanReport& report) {
    io::PlanTable t;
    t.scenario = report.name;
    t.target_served_share = report.target_served_share;
    t.target_indoors = report.target_indoors;
    t.sweeps = report.sweeps;
    t.passes = report.passes;
    t.converged = report.converged;
    t.evaluations = report.evaluations;
    t.curve_share = report.curve_shares;
    t.city_curve_cost_usd_per_year = report.city.curve_usd_per_year;
    for (const PlanDistrictRow& r : report.districts) {
        t.codes.push_back(r.code);
        t.choices.push_back(r.choice);
        t.served_share.push_back(r.served_share());
        t.target_met.push_back(r.target_met ? 1 : 0);
        t.sites_added.push_back(static_cast<double>(r.sites_added));
        t.capex_usd.push_back(r.capex_usd);
        t.opex_usd_per_year.push_back(r.opex_usd_per_year);
        t.annualised_cost_usd.push_back(r.annualised_cost_usd);
        t.cost_per_subscriber_usd_per_month.push_back(r.cost_per_subscriber_usd_per_month);
        t.cost_per_served_subscriber_usd_per_month.push_back(
            r.cost_per_served_subscriber_usd_per_month);
        t.affordability.push_back(r.affordability);
        t.curve_cost_usd_per_year.insert(t.curve_cost_usd_per_year.end(),
                                         r.curve_usd_per_year.begin(), r.curve_usd_per_year.end());
    }
    return t;
}

} // namespace

std::vector<io::TableResource> plan_tables() {
    const io::TableField code{"code", "string", "", "district code; city: the whole study area"};
    io::TableResource districts{
        "plan-districts",
        "plan_districts.csv",
        "the plan per district and for the city (last row), from the whole-city run",
        {code,
         {"name", "string", "", "district name in ASCII; the city: 'the city'"},
         {"type", "string", "", "district type; empty for the city"},
         {"population", "number", "1", "people"},
         {"subscribers", "number", "1", "people x adoption x market share"},
         {"served_share", "number", "1", "served people / people"},
         {"target_met", "boolean", "",
          "1 when served_share reaches the target (city: when every district's does)"},
         {"choice", "string", "", "options chosen, a grid with its ISD: n78-grid@500+ftth"},
         {"options", "string", "", "the options of the choice"},
         {"isd_m", "string", "m", "the inter-site distance of each grid of the choice"},
         {"sites_added", "integer", "1", "new grid sites standing in the district"},
         {"capex_usd", "number", "USD", "investment"},
         {"opex_usd_per_year", "number", "USD/year", "running cost per year"},
         {"annualised_cost_usd", "number", "USD/year", "annualised cost"},
         {"cost_per_subscriber_usd_per_month", "number", "USD/month",
          "annualised cost / subscribers / 12"},
         {"cost_per_served_subscriber_usd_per_month", "number", "USD/month",
          "annualised cost / 12 / (subscribers x served share)"},
         {"affordability", "number", "1", "cost per subscriber and month / monthly GNI per capita"},
         {"affordable", "boolean", "",
          "1 when the target is met and affordability is at most "
          "the affordability threshold"}},
        {"code"}};
    io::TableResource curve{
        "plan-curve",
        "plan_curve.csv",
        "the cost curves of the districts and the city: what serving a share of the people costs",
        {code,
         {"served_share", "number", "1", "share of the people served"},
         {"annualised_cost_usd", "number", "USD/year",
          "least annualised cost of an evaluated candidate serving at least that share (city: "
          "the sum of the districts'); empty when none does"}},
        {"code", "served_share"}};
    return {districts, curve};
}

std::vector<fs::path> PlanWriter::write_tables(const PlanReport& report) const {
    const std::vector<io::TableResource> tables = plan_tables();
    {
        io::AtomicFile f(dir_ / "plan_districts.csv");
        std::ofstream out = io::open_text(f);
        out << io::csv_header(tables[0]);
        for (const PlanDistrictRow& r : report.districts) {
            write_district_row(out, r, report.affordability_threshold);
        }
        write_district_row(out, report.city, report.affordability_threshold);
        io::finish_text(out, f);
    }
    {
        io::AtomicFile f(dir_ / "plan_curve.csv");
        std::ofstream out = io::open_text(f);
        out << io::csv_header(tables[1]);
        const auto rows = [&](const PlanDistrictRow& r) {
            for (std::size_t i = 0; i < report.curve_shares.size(); ++i) {
                out << io::csv_field(r.code) << ',' << num(report.curve_shares[i]) << ','
                    << num(r.curve_usd_per_year[i]) << '\n';
            }
        };
        for (const PlanDistrictRow& r : report.districts) {
            rows(r);
        }
        rows(report.city);
        io::finish_text(out, f);
    }
    io::write_cost_curve_chart(
        dir_ / "plan_curve.png",
        fmt::format("{}: city cost to serve a share of every district", report.name),
        report.curve_shares, report.city.curve_usd_per_year);
    io::append_plan_group(dir_ / "results.h5", plan_table(report));
    std::vector<fs::path> files;
    for (const char* name : {"plan.toml", "plan_sites", "plan_districts.csv", "plan_curve.csv",
                             "plan_curve.png", "results.h5", "districts.gpkg", "covsim.qgs",
                             "summary.csv", "catalog.json", "datapackage.json", "maps"}) {
        files.push_back(dir_ / name);
    }
    return files;
}

std::string format_plan_report(const PlanReport& report) {
    std::string out = fmt::format(
        "plan {}: {:g} % served{} in every district; {} sweeps and {} passes{}, {} evaluations, "
        "{} whole-city run{}\n\n",
        report.name, 100.0 * report.target_served_share, report.target_indoors ? " indoors" : "",
        report.sweeps, report.passes, report.converged ? "" : " (not converged)",
        report.evaluations, report.confirm_rounds, report.confirm_rounds == 1 ? "" : "s");
    out += fmt::format("{:<5} {:<18} {:>8} {:>7} {:>4}  {:<28} {:>6} {:>11} {:>8}\n", "code",
                       "district", "people", "served", "met", "choice", "sites", "USD/sub/mo",
                       "of GNI");
    const auto line = [&](const PlanDistrictRow& r) {
        out += fmt::format("{:<5} {:<18.18} {:>8.0f} {:>6.1f}% {:>4}  {:<28.28} {:>6} {:>11.2f} "
                           "{:>7.1f}%\n",
                           r.code, r.name_ascii, r.population, 100.0 * r.served_share(),
                           r.target_met ? "yes" : "NO", r.choice, r.sites_added,
                           r.cost_per_subscriber_usd_per_month, 100.0 * r.affordability);
    };
    for (const PlanDistrictRow& r : report.districts) {
        line(r);
    }
    line(report.city);
    const std::vector<double>& curve = report.city.curve_usd_per_year;
    if (curve.size() >= 6 && std::isfinite(curve.back()) &&
        std::isfinite(curve[curve.size() - 6])) {
        const double last = curve.back() - curve[curve.size() - 6];
        out += fmt::format("\nThe last 5 points ({:.0f} % to {:.0f} % in every district) cost "
                           "{:.2f} M USD a year of {:.2f} M ({:.0f} %), by the search's "
                           "evaluations (plan_curve.csv).\n",
                           100.0 * report.curve_shares[curve.size() - 6],
                           100.0 * report.curve_shares.back(), last / 1e6, curve.back() / 1e6,
                           100.0 * last / curve.back());
    }
    if (report.city_budget_usd_per_year &&
        report.city.annualised_cost_usd > *report.city_budget_usd_per_year) {
        out += fmt::format(
            "\nThe plan costs {:.2f} M USD a year, above the city budget of {:.2f} M "
            "(city_budget_usd_per_year): the search does not enforce it.\n",
            report.city.annualised_cost_usd / 1e6, *report.city_budget_usd_per_year / 1e6);
    }
    std::size_t unmet = 0;
    for (const PlanDistrictRow& r : report.districts) {
        unmet += r.target_met ? 0 : 1;
    }
    if (unmet > 0) {
        out += fmt::format("\n{} districts do not reach the target with any option: the table "
                           "shows the best share found and by what.\n",
                           unmet);
    }
    return out;
}

} // namespace covsim
