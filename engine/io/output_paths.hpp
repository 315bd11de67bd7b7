#pragma once
// Nothing the user gave is ever overwritten: before a command writes into an output directory,
// the paths it will write there are compared with the real paths of its inputs, and the trees it
// writes into are searched for symbolic links. `covsim run --out .` beside a districts.gpkg
// input would otherwise replace the input with the output layer; a link planted at
// out/maps/<scenario> would send the maps (and their removal) anywhere.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::io {

// What a command writes under its output directory.
struct OutputLayout {
    std::filesystem::path dir;
    std::vector<std::string> files; // names under `dir`, each also written as <name>.partial
    std::vector<std::string> trees; // directories under `dir` written (and cleaned) file by file
};

// An input file and what it is, for messages: "study_area districts of scenario tiny".
struct NamedInput {
    std::filesystem::path path;
    std::string what;
};

// Throws covsim::Error(io) naming the option (e.g. "--out"), the output path and the input when
// a file or tree of `layout` (or its .partial name) is, or contains, the real path of an input.
void check_outputs_spare_inputs(const OutputLayout& layout, const std::vector<NamedInput>& inputs,
                                std::string_view option);

// Throws covsim::Error(io) when a file or tree of `layout` (or its .partial name), or anything
// inside a tree, is a symbolic link: covsim does not follow links inside what it writes.
void check_no_symbolic_links(const OutputLayout& layout, std::string_view option);

} // namespace covsim::io
