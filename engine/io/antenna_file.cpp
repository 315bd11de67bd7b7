#include "io/antenna_file.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/input_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace covsim::io {

namespace {

constexpr double dbd_to_dbi = 2.15;    // gain of a half-wave dipole over an isotropic antenna
constexpr double min_gain_dbi = -10.0; // the range of a layer's gain_dbi in a scenario
constexpr double max_gain_dbi = 40.0;
constexpr std::string_view attenuation_expected = "an attenuation in dB >= 0 (a loss relative "
                                                  "to GAIN, written without a minus sign)";

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Splits off the first whitespace-separated token; `rest` gets the trimmed remainder.
std::string_view first_token(std::string_view s, std::string_view& rest) {
    s = trim(s);
    std::size_t end = 0;
    while (end < s.size() && !is_space(s[end])) {
        ++end;
    }
    rest = trim(s.substr(end));
    return s.substr(0, end);
}

std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    std::string_view rest;
    for (std::string_view t = first_token(s, rest); !t.empty(); t = first_token(rest, rest)) {
        out.push_back(t);
    }
    return out;
}

// A whole token as a number ("+1.5", "1e3", "nan" included); nullopt when it is not one.
std::optional<double> to_number(std::string_view s) {
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

// The leading number of a value such as "1800", "65.5 deg" or "1.8 GHz", with its unit.
std::optional<double> leading_number(std::string_view value, std::string_view& unit) {
    const std::string_view t = first_token(value, unit);
    auto v = to_number(t);
    if (v && !std::isfinite(*v)) {
        return std::nullopt;
    }
    return v;
}

bool is_comment(std::string_view line) {
    return line.front() == '#' || line.front() == ';' || line.rfind("//", 0) == 0;
}

enum class Section { none, horizontal, vertical };

const char* section_name(Section s) {
    return s == Section::horizontal ? "HORIZONTAL" : "VERTICAL";
}

struct SectionState {
    AntennaTable::Cut values{};
    std::array<std::size_t, AntennaTable::samples> line_of{}; // 0 = angle not seen yet
    std::size_t header_line = 0;                              // 0 = section absent
    std::size_t count = 0;
};

class Parser {
public:
    explicit Parser(std::string_view file) : file_(file) {}

    AntennaFile parse(std::string_view text) {
        if (text.rfind("\xEF\xBB\xBF", 0) == 0) { // UTF-8 byte-order mark
            text.remove_prefix(3);
        }
        std::size_t line_no = 0;
        std::size_t start = 0;
        while (start < text.size()) {
            const std::size_t nl = std::min(text.find('\n', start), text.size());
            ++line_no;
            const std::string_view line = trim(text.substr(start, nl - start));
            if (!line.empty() && !is_comment(line)) {
                handle(line, line_no);
            }
            start = nl + 1;
        }
        end_of_file(line_no);
        return finish();
    }

private:
    [[noreturn]] void fail(std::size_t line, std::string_view what, std::string_view got,
                           std::string_view expected) const {
        throw Error(ErrorCode::input_data,
                    fmt::format("antenna file '{}' line {}: {}, got '{}', expected {}", file_, line,
                                what, got, expected));
    }

    [[noreturn]] void fail_file(std::string_view what, std::string_view expected) const {
        throw Error(ErrorCode::input_data,
                    fmt::format("antenna file '{}': {}, expected {}", file_, what, expected));
    }

    SectionState& state(Section s) { return s == Section::horizontal ? horizontal_ : vertical_; }

    void handle(std::string_view line, std::size_t line_no) {
        if (section_ != Section::none) {
            data_line(line, line_no);
            return;
        }
        std::string_view value;
        const std::string_view key_text = first_token(line, value);
        const std::string key = upper(key_text);
        const bool first = !seen_content_;
        seen_content_ = true;
        if (key == "HORIZONTAL" || key == "VERTICAL") {
            begin_section(key == "HORIZONTAL" ? Section::horizontal : Section::vertical, value,
                          line, line_no);
        } else if (key == "NAME") {
            meta_.name = std::string(value);
        } else if (key == "MAKE") {
            meta_.make = std::string(value);
        } else if (key == "FREQUENCY") {
            std::string_view unit;
            if (auto f = leading_number(value, unit)) {
                const std::string u = upper(unit);
                if (u.empty() || u == "MHZ") {
                    meta_.frequency_mhz = *f;
                } else if (u == "GHZ") {
                    meta_.frequency_mhz = *f * 1000.0;
                } else if (u == "KHZ") {
                    meta_.frequency_mhz = *f / 1000.0;
                }
            }
        } else if (key == "H_WIDTH") {
            std::string_view unit;
            meta_.horizontal_beamwidth_deg = leading_number(value, unit);
        } else if (key == "V_WIDTH") {
            std::string_view unit;
            meta_.vertical_beamwidth_deg = leading_number(value, unit);
        } else if (key == "FRONT_TO_BACK") {
            std::string_view unit;
            meta_.front_to_back_db = leading_number(value, unit);
        } else if (key == "GAIN") {
            gain(value, line_no);
        } else if (key == "TILT") {
            meta_.tilt = std::string(value);
            std::string_view angle;
            if (upper(first_token(value, angle)) == "ELECTRICAL") {
                std::string_view unit;
                if (auto t = leading_number(angle, unit)) {
                    meta_.electrical_tilt_deg = *t;
                }
            }
        } else if (key == "ELECTRICAL_TILT") {
            std::string_view unit;
            if (auto t = leading_number(value, unit)) {
                meta_.electrical_tilt_deg = *t;
            }
        } else if (key == "POLARIZATION" || key == "POLARISATION") {
            meta_.polarization = std::string(value);
        } else if (key == "COMMENT") {
            meta_.comment += (meta_.comment.empty() ? "" : " ") + std::string(value);
        } else if (to_number(key_text)) {
            fail(line_no, "data line outside a HORIZONTAL or VERTICAL section", line,
                 "a header keyword, or 360 lines after 'HORIZONTAL 360' or 'VERTICAL 360'");
        } else if (first) {
            // The name alone on the first line, without the NAME keyword.
            meta_.name = std::string(line);
        } else {
            meta_.extra.emplace_back(key, std::string(value));
        }
    }

    void gain(std::string_view value, std::size_t line_no) {
        const std::string_view expected = "'<gain> dBi' or '<gain> dBd' (a bare number is dBd)";
        // The number may be glued to its unit: "17.5dBi".
        std::string_view s = value;
        if (!s.empty() && s.front() == '+') {
            s.remove_prefix(1);
        }
        double number = 0.0;
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
        if (ec != std::errc()) {
            fail(line_no, "GAIN is not a number", value, expected);
        }
        if (!std::isfinite(number)) {
            fail(line_no, "GAIN is not finite", value, expected);
        }
        const std::string_view unit_text = trim(s.substr(static_cast<std::size_t>(ptr - s.data())));
        const std::string unit = upper(unit_text);
        double dbi = 0.0;
        if (unit.empty() || unit == "DBD") {
            dbi = number + dbd_to_dbi;
        } else if (unit == "DBI") {
            dbi = number;
        } else {
            fail(line_no, "GAIN unit is neither dBi nor dBd", value, expected);
        }
        if (dbi < min_gain_dbi || dbi > max_gain_dbi) {
            fail(line_no, fmt::format("GAIN is {:g} dBi", dbi), value,
                 fmt::format("a boresight gain in [{:g}, {:g}] dBi", min_gain_dbi, max_gain_dbi));
        }
        if (gain_line_ != 0) {
            fail(line_no, fmt::format("second GAIN line (the first is line {})", gain_line_), value,
                 "one GAIN line");
        }
        gain_line_ = line_no;
        gain_dbi_ = dbi;
        meta_.gain_as_written = std::string(value);
    }

    void begin_section(Section s, std::string_view value, std::string_view line,
                       std::size_t line_no) {
        SectionState& st = state(s);
        if (st.header_line != 0) {
            fail(line_no,
                 fmt::format("second {} section (the first starts on line {})", section_name(s),
                             st.header_line),
                 line, fmt::format("one {} section", section_name(s)));
        }
        const auto count = to_number(value);
        if (!count || *count != static_cast<double>(AntennaTable::samples)) {
            fail(line_no, fmt::format("{} count", section_name(s)), line,
                 fmt::format("'{} 360': 360 samples at 1 degree steps", section_name(s)));
        }
        st.header_line = line_no;
        section_ = s;
    }

    void data_line(std::string_view line, std::size_t line_no) {
        SectionState& st = state(section_);
        const char* name = section_name(section_);
        const auto fields = tokens(line);
        const auto angle = to_number(fields[0]);
        if (!angle) {
            if (std::isalpha(static_cast<unsigned char>(fields[0][0])) != 0) { // a keyword
                fail(line_no,
                     fmt::format("{} section (line {}) ends after {} of 360 lines", name,
                                 st.header_line, st.count),
                     line, "360 lines 'angle attenuation'");
            }
            fail(line_no, fmt::format("{} angle is not a number", name), line,
                 "'angle attenuation' with a whole angle in 0..359 degrees");
        }
        if (fields.size() != 2) {
            fail(line_no, fmt::format("{} line has {} fields", name, fields.size()), line,
                 "two: 'angle attenuation'");
        }
        const double a = *angle;
        if (!std::isfinite(a) || a < 0.0 || a > 359.0 || a != std::floor(a)) {
            fail(line_no, fmt::format("{} angle is not a whole degree in 0..359", name), fields[0],
                 "a whole angle in 0..359 degrees (360 samples at 1 degree steps)");
        }
        const auto index = static_cast<std::size_t>(a);
        if (st.line_of[index] != 0) {
            fail(line_no,
                 fmt::format("{} angle {} appears twice (first on line {})", name, index,
                             st.line_of[index]),
                 fields[0], "each angle 0..359 once");
        }
        const auto att = to_number(fields[1]);
        if (!att) {
            fail(line_no, fmt::format("{} attenuation at {} deg is not a number", name, index),
                 fields[1], attenuation_expected);
        }
        if (!std::isfinite(*att)) {
            fail(line_no, fmt::format("{} attenuation at {} deg is not finite", name, index),
                 fields[1], attenuation_expected);
        }
        if (*att < 0.0) {
            fail(line_no, fmt::format("{} attenuation at {} deg is negative", name, index),
                 fields[1], attenuation_expected);
        }
        st.values[index] = *att;
        st.line_of[index] = line_no;
        if (++st.count == AntennaTable::samples) {
            section_ = Section::none;
        }
    }

    void end_of_file(std::size_t last_line) {
        if (section_ != Section::none) {
            const SectionState& st = state(section_);
            fail(last_line,
                 fmt::format("{} section (line {}) ends after {} of 360 lines",
                             section_name(section_), st.header_line, st.count),
                 "end of file", "360 lines 'angle attenuation'");
        }
        for (const Section s : {Section::horizontal, Section::vertical}) {
            if (state(s).header_line == 0) {
                fail_file(fmt::format("no {} section", section_name(s)),
                          fmt::format("'{} 360' followed by 360 lines 'angle attenuation'",
                                      section_name(s)));
            }
        }
        if (gain_line_ == 0) {
            fail_file("no GAIN line", "'GAIN <gain> dBi' or 'GAIN <gain> dBd' before the pattern");
        }
    }

    AntennaFile finish() {
        AntennaFile out;
        out.pattern.gain_dbi = gain_dbi_;
        out.pattern.table =
            std::make_shared<const AntennaTable>(horizontal_.values, vertical_.values);
        out.metadata = std::move(meta_);
        return out;
    }

    std::string_view file_;
    AntennaFileMetadata meta_;
    SectionState horizontal_;
    SectionState vertical_;
    Section section_ = Section::none;
    bool seen_content_ = false;
    std::size_t gain_line_ = 0;
    double gain_dbi_ = 0.0;
};

// One line of text: a header value never spans lines.
std::string one_line(const std::string& s) {
    std::string out = s;
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return std::string(trim(out));
}

std::string format_attenuation(double db) {
    const std::string s = fmt::format("{:.2f}", db);
    return s == "-0.00" ? "0.00" : s;
}

// A header number rounded to 0.1: "65", "64.5".
std::string format_header_number(double v) {
    return fmt::format("{:g}", std::round(v * 10.0) / 10.0);
}

} // namespace

AntennaFile parse_msi(std::string_view text, std::string_view file) {
    return Parser(file).parse(text);
}

AntennaFile read_msi(const std::filesystem::path& path) {
    return parse_msi(read_input_file(path, "antenna file", max_antenna_file_bytes), path.string());
}

AntennaPattern read_antenna_file(const std::filesystem::path& path) {
    return read_msi(path).pattern;
}

void write_msi(const std::filesystem::path& path, const AntennaPattern& pattern,
               const AntennaFileMetadata& metadata) {
    const AntennaTable table = tabulate(pattern);
    const auto& h = table.horizontal_db();
    const auto& v = table.vertical_db();

    std::string out;
    auto line = [&out](std::string_view key, const std::string& value) {
        if (!value.empty()) {
            out += fmt::format("{} {}\n", key, value);
        }
    };
    const std::string name = one_line(metadata.name);
    line("NAME", name.empty() ? path.stem().string() : name);
    line("MAKE", one_line(metadata.make));
    if (metadata.frequency_mhz) {
        line("FREQUENCY", fmt::format("{:g}", *metadata.frequency_mhz));
    }
    line("H_WIDTH", format_header_number(
                        metadata.horizontal_beamwidth_deg.value_or(half_power_beamwidth_deg(h))));
    line("V_WIDTH", format_header_number(
                        metadata.vertical_beamwidth_deg.value_or(half_power_beamwidth_deg(v))));
    line("FRONT_TO_BACK",
         format_header_number(metadata.front_to_back_db.value_or(
             h[AntennaTable::samples / 2] - *std::min_element(h.begin(), h.end()))));
    line("GAIN", fmt::format("{:g} dBi", pattern.gain_dbi));
    line("TILT", one_line(metadata.tilt));
    if (metadata.electrical_tilt_deg) {
        line("ELECTRICAL_TILT", fmt::format("{:g}", *metadata.electrical_tilt_deg));
    }
    line("POLARIZATION", one_line(metadata.polarization));
    line("COMMENT", one_line(metadata.comment));
    for (const auto& [key, value] : metadata.extra) {
        const std::string k = one_line(key);
        if (!k.empty()) {
            out += fmt::format("{}{}{}\n", k, value.empty() ? "" : " ", one_line(value));
        }
    }
    for (const auto& [key, cut] : {std::pair{"HORIZONTAL", &h}, std::pair{"VERTICAL", &v}}) {
        out += fmt::format("{} {}\n", key, AntennaTable::samples);
        for (std::size_t i = 0; i < AntennaTable::samples; ++i) {
            out += fmt::format("{} {}\n", i, format_attenuation((*cut)[i]));
        }
    }

    AtomicFile file(path);
    {
        std::ofstream o(file.temp_path(), std::ios::binary | std::ios::trunc);
        o << out;
        o.close();
        if (!o) {
            throw Error(ErrorCode::io,
                        fmt::format("antenna file '{}' cannot be written", path.string()));
        }
    }
    file.commit();
}

} // namespace covsim::io
