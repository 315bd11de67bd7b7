#include "io/output_paths.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <system_error>

namespace covsim::io {

namespace {

namespace fs = std::filesystem;

fs::path real_path(const fs::path& p) {
    std::error_code ec;
    fs::path real = fs::weakly_canonical(p, ec);
    if (ec) {
        real = fs::absolute(p, ec);
    }
    return real.lexically_normal();
}

bool same_or_inside(const fs::path& p, const fs::path& tree) {
    auto t = tree.begin();
    auto q = p.begin();
    for (; t != tree.end(); ++t, ++q) {
        if (q == p.end() || *q != *t) {
            return false;
        }
    }
    return true;
}

// Every output path with its .partial sibling: (name, is a tree).
std::vector<std::pair<std::string, bool>> written(const OutputLayout& layout) {
    std::vector<std::pair<std::string, bool>> out;
    for (const std::string& f : layout.files) {
        out.emplace_back(f, false);
        out.emplace_back(f + ".partial", false);
    }
    for (const std::string& t : layout.trees) {
        out.emplace_back(t, true);
        out.emplace_back(t + ".partial", true);
    }
    return out;
}

[[noreturn]] void refuse_link(const fs::path& link, std::string_view option,
                              const OutputLayout& layout) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(link, ec);
    throw Error(ErrorCode::io,
                fmt::format("{} '{}': '{}' is a symbolic link (to '{}'); covsim does not follow "
                            "links inside what it writes: remove the link or choose another "
                            "output directory",
                            option, layout.dir.string(), link.string(), target.string()));
}

} // namespace

void check_outputs_spare_inputs(const OutputLayout& layout, const std::vector<NamedInput>& inputs,
                                std::string_view option) {
    const fs::path dir = real_path(layout.dir);
    for (const NamedInput& in : inputs) {
        const fs::path input = real_path(in.path);
        for (const auto& [name, tree] : written(layout)) {
            const fs::path out = name.empty() ? dir : (dir / name).lexically_normal();
            if (input == out || (tree && same_or_inside(input, out))) {
                throw Error(ErrorCode::io,
                            fmt::format("{} '{}': covsim writes '{}' there, which would replace "
                                        "the input '{}' ({}); choose another output directory",
                                        option, layout.dir.string(),
                                        (layout.dir / name).lexically_normal().string(),
                                        in.path.string(), in.what));
            }
        }
    }
}

void check_no_symbolic_links(const OutputLayout& layout, std::string_view option) {
    for (const auto& [name, tree] : written(layout)) {
        const fs::path p = layout.dir / name;
        std::error_code ec;
        const fs::file_status status = fs::symlink_status(p, ec);
        if (fs::is_symlink(status)) {
            refuse_link(p, option, layout);
        }
        if (!tree || !fs::is_directory(status)) {
            continue;
        }
        for (auto it = fs::recursive_directory_iterator(p, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_symlink(ec)) {
                refuse_link(it->path(), option, layout);
            }
        }
    }
}

} // namespace covsim::io
