#pragma once
// covsim's version and the git commit it was built from (generated at build time).

#include <string_view>

namespace covsim {

std::string_view version() noexcept;
std::string_view git_commit() noexcept;

} // namespace covsim
