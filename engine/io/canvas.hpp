#pragma once
// A small RGBA drawing surface for covsim's own pictures (map legends, quick-look maps, the
// batch chart): filled rectangles, lines, single pixels and text in an embedded 5 x 8 bitmap font
// (covsim's own, printable ASCII plus the few symbols labels use: >=, <=, minus, en dash),
// drawn 2x scaled. No font files, no font renderer: the pictures are identical everywhere.
// Pixel (0, 0) is the top-left corner; rgba is row-major, 4 bytes per pixel.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace covsim::io {

using Rgba = std::array<std::uint8_t, 4>;

namespace font {
inline constexpr int glyph_w = 5;
inline constexpr int glyph_h = 8;
inline constexpr int scale = 2; // canvas pixels per glyph pixel
inline constexpr int advance = (glyph_w + 1) * scale;
inline constexpr int line_h = (glyph_h + 2) * scale; // height of a line of text

// Width in canvas pixels of a UTF-8 text.
int text_width(std::string_view text);
} // namespace font

struct Canvas {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;

    Canvas(int w, int h, const Rgba& background);
    void fill(int x0, int y0, int w, int h, const Rgba& c);
    void set(int x, int y, const Rgba& c) { fill(x, y, 1, 1, c); }
    // A line `thickness` pixels wide from (x0, y0) to (x1, y1), both included.
    void line(int x0, int y0, int x1, int y1, const Rgba& c, int thickness = 1);
    // Text with its top-left corner at (x, y).
    void text(int x, int y, std::string_view s, const Rgba& c);
    // Text turned 90 degrees counter-clockwise (read from bottom to top), its first character
    // at the bottom: (x, y) is the top-left corner of the turned text's box.
    void text_vertical(int x, int y, std::string_view s, const Rgba& c);
    [[nodiscard]] Rgba at(int x, int y) const;
};

} // namespace covsim::io
