#include "io/printable.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace covsim::io {

std::string printable(std::string_view text, std::size_t max_bytes) {
    std::size_t end = std::min(text.size(), max_bytes);
    // Do not cut a UTF-8 sequence: back up to the start of the character at `end`.
    while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    std::string out;
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
        case '\0':
            out += "\\0";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, text[i]);
        }
    }
    return end < text.size() ? out + "..." : out;
}

} // namespace covsim::io
