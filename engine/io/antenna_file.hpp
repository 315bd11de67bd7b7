#pragma once
// Antenna pattern files in the MSI / Planet format (.msi, .pln): a header of keyword lines, then
// "HORIZONTAL 360" and "VERTICAL 360", each followed by 360 lines "angle attenuation". This
// module owns the format; the format and its conventions are described in docs/antennas.md.
//
//   NAME <name>              first line; some vendors write the name alone, without NAME
//   MAKE <manufacturer>
//   FREQUENCY <MHz>          informative (also "1.8 GHz")
//   H_WIDTH <deg>            informative: horizontal -3 dB beamwidth
//   V_WIDTH <deg>            informative: vertical -3 dB beamwidth
//   FRONT_TO_BACK <dB>       informative
//   GAIN <value> [dBi|dBd]   boresight gain; a bare number is dBd (dBi = dBd + 2.15)
//   TILT <ELECTRICAL|MECHANICAL> [deg]   informative; a file's electrical tilt is in its table
//   POLARIZATION <text>
//   COMMENT <text>
//   HORIZONTAL 360           then 360 lines: azimuth off boresight (0..359, clockwise), loss dB
//   VERTICAL 360             then 360 lines: angle below the horizon (0..359: 90 = straight
//                            down, 270 = straight up), loss dB
//
// Losses are attenuations relative to GAIN, written without a minus sign. Keywords are read in
// any case; spaces or tabs separate fields; CRLF line ends, a UTF-8 byte-order mark, blank lines,
// comment lines (starting with #, ; or //) and other header keywords are accepted. Anything that
// would change the pattern silently is rejected with covsim::Error(input_data) and one line:
//   antenna file 'X' line N: <what>, got '<text>', expected <what was expected>

#include "core/antenna.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace covsim::io {

// The header of an antenna file. Only GAIN changes the pattern (it becomes
// AntennaPattern::gain_dbi); everything else is information for the planner.
struct AntennaFileMetadata {
    std::string name;
    std::string make;
    std::optional<double> frequency_mhz;
    std::optional<double> horizontal_beamwidth_deg; // H_WIDTH
    std::optional<double> vertical_beamwidth_deg;   // V_WIDTH
    std::optional<double> front_to_back_db;         // FRONT_TO_BACK
    std::string tilt;                               // TILT as written, e.g. "ELECTRICAL"
    std::optional<double> electrical_tilt_deg;      // "TILT ELECTRICAL 6" or "ELECTRICAL_TILT 6"
    std::string polarization;
    std::string comment;
    std::string gain_as_written; // set by the reader, e.g. "15.85 dBd"; ignored by the writer
    // Other header lines, in file order: keyword (upper case) and value as written.
    std::vector<std::pair<std::string, std::string>> extra;
};

struct AntennaFile {
    AntennaPattern pattern; // table set; gain_dbi from GAIN, in dBi
    AntennaFileMetadata metadata;
};

// Parses the text of an MSI file; `file` names it in error messages.
AntennaFile parse_msi(std::string_view text, std::string_view file);

// Reads an MSI file. Throws covsim::Error(io) when it cannot be read, covsim::Error(input_data)
// when its content is invalid.
AntennaFile read_msi(const std::filesystem::path& path);

// The pattern of an MSI file, ready for a layer or a sector: AntennaPattern::table holds the two
// cuts and gain_dbi the file's GAIN in dBi; isotropic is false and the parametric fields keep
// their defaults (unused while a table is set). Errors as read_msi.
AntennaPattern read_antenna_file(const std::filesystem::path& path);

// Writes `pattern` as an MSI file: its table, or the parametric or isotropic pattern sampled at
// whole degrees (covsim::tabulate). GAIN is written in dBi explicitly, attenuations with two
// decimals. H_WIDTH, V_WIDTH and FRONT_TO_BACK come from `metadata` when set, else they are
// measured on the table. The file is written under a temporary name and renamed into place.
// Throws covsim::Error(io) when it cannot be written.
void write_msi(const std::filesystem::path& path, const AntennaPattern& pattern,
               const AntennaFileMetadata& metadata);

} // namespace covsim::io
