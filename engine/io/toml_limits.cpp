#include "io/toml_limits.hpp"

#include "core/error.hpp"
#include "io/printable.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <string>

namespace covsim::io {

namespace {

// The first characters of a key for a message.
std::string excerpt(std::string_view key) {
    return printable(key, 40);
}

// Walks the text as TOML: top-level lines, table headers, keys, values (strings, arrays, inline
// tables, scalars), tracking the depth of every value. Lenient on text that is not TOML: it never
// stops early, so that nothing the parser would build goes unchecked.
class Scanner {
public:
    Scanner(std::string_view text, std::string_view file) : s_(text), file_(file) {
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") {
            i_ = 3;
        }
    }

    void run() {
        std::size_t table_depth = 0;
        while (!eof()) {
            skip_blank();
            const char c = peek();
            if (c == '\n' || c == '\r') {
                advance();
                continue;
            }
            if (c == '#') {
                skip_to_eol();
                continue;
            }
            if (c == '[') {
                advance();
                const bool array = peek() == '[';
                if (array) {
                    advance();
                }
                const Key k = key();
                table_depth = k.parts + (array ? 1 : 0);
                check_depth(table_depth, k);
                skip_to_eol();
                continue;
            }
            const Key k = key();
            skip_blank();
            if (peek() == '=') {
                advance();
                skip_blank();
                value(table_depth + k.parts, k);
            }
            skip_to_eol();
        }
    }

private:
    struct Key {
        std::size_t parts = 1;
        std::string_view text;
        std::uint32_t line = 0;
        std::size_t column = 0;
    };

    [[nodiscard]] bool eof() const { return i_ >= s_.size(); }
    [[nodiscard]] char peek(std::size_t k = 0) const {
        return i_ + k < s_.size() ? s_[i_ + k] : '\0';
    }
    void advance() {
        if (s_[i_] == '\n') {
            ++line_;
            line_start_ = i_ + 1;
        }
        ++i_;
    }
    [[nodiscard]] std::size_t column() const { return i_ - line_start_ + 1; }

    void skip_blank() {
        while (!eof() && (peek() == ' ' || peek() == '\t')) {
            advance();
        }
    }
    void skip_to_eol() {
        while (!eof() && peek() != '\n') {
            advance();
        }
    }
    // Blanks, newlines and comments between the elements of an array.
    void skip_space() {
        for (;;) {
            skip_blank();
            if (peek() == '\n' || peek() == '\r') {
                advance();
            } else if (peek() == '#') {
                skip_to_eol();
            } else {
                return;
            }
        }
    }

    [[noreturn]] void fail(std::uint32_t line, std::size_t col, const std::string& message) const {
        throw Error(ErrorCode::scenario, fmt::format("{}:{}:{}: {}", file_, line, col, message));
    }

    void check_depth(std::size_t depth, const Key& k) const {
        if (depth > max_toml_depth) {
            fail(k.line, k.column,
                 fmt::format("the value of key '{}' is nested {} levels deep (tables, inline "
                             "tables and arrays), expected at most {}",
                             excerpt(k.text), depth, max_toml_depth));
        }
    }

    // A basic ("...", """...""") or literal ('...', '''...''') string; `key`: single-line only.
    void string(bool key) {
        const char q = peek();
        if (!key && peek(1) == q && peek(2) == q) {
            advance();
            advance();
            advance();
            while (!eof()) {
                if (q == '"' && peek() == '\\') {
                    advance();
                    if (!eof()) {
                        advance();
                    }
                } else if (peek() == q && peek(1) == q && peek(2) == q) {
                    for (int n = 0; n < 5 && peek() == q; ++n) { // up to two quotes before """
                        advance();
                    }
                    return;
                } else {
                    advance();
                }
            }
            return;
        }
        advance();
        while (!eof() && peek() != '\n') {
            const char c = peek();
            advance();
            if (q == '"' && c == '\\' && !eof() && peek() != '\n') {
                advance();
            } else if (c == q) {
                return;
            }
        }
    }

    static bool ends_bare_key(char c) {
        switch (c) {
        case ' ':
        case '\t':
        case '.':
        case '=':
        case ']':
        case '[':
        case '\n':
        case '\r':
        case '#':
        case '"':
        case '\'':
        case '{':
        case '}':
        case ',':
            return true;
        default:
            return false;
        }
    }

    // A dotted key (or header), checked against the limits on parts and length.
    Key key() {
        Key k;
        k.line = line_;
        k.column = column();
        const std::size_t start = i_;
        for (;;) {
            skip_blank();
            if (peek() == '"' || peek() == '\'') {
                string(true);
            } else {
                while (!eof() && !ends_bare_key(peek())) {
                    advance();
                }
            }
            skip_blank();
            if (peek() != '.') {
                break;
            }
            ++k.parts;
            advance();
        }
        k.text = s_.substr(start, i_ - start);
        while (!k.text.empty() && (k.text.back() == ' ' || k.text.back() == '\t')) {
            k.text.remove_suffix(1);
        }
        if (k.parts > max_toml_key_parts) {
            fail(k.line, k.column,
                 fmt::format("key '{}' has {} parts, expected at most {} (a.b.c has 3)",
                             excerpt(k.text), k.parts, max_toml_key_parts));
        }
        if (k.text.size() > max_toml_key_chars) {
            fail(k.line, k.column,
                 fmt::format("key '{}' is {} characters long, expected at most {}", excerpt(k.text),
                             k.text.size(), max_toml_key_chars));
        }
        return k;
    }

    // A value at `depth` (the tables and arrays around it), the value of key `k`.
    void value(std::size_t depth, const Key& k) {
        check_depth(depth, k);
        const char c = peek();
        if (c == '"' || c == '\'') {
            string(false);
        } else if (c == '[') {
            advance();
            for (;;) {
                skip_space();
                if (eof() || peek() == ']') {
                    break;
                }
                const std::size_t before = i_;
                value(depth + 1, k);
                skip_space();
                if (peek() == ',') {
                    advance();
                } else if (peek() != ']' || i_ == before) {
                    return; // not TOML: the parser reports it
                }
            }
            if (!eof()) {
                advance();
            }
        } else if (c == '{') {
            advance();
            for (;;) {
                skip_space();
                if (eof() || peek() == '}') {
                    break;
                }
                const std::size_t before = i_;
                const Key inner = key();
                skip_blank();
                if (peek() != '=') {
                    return;
                }
                advance();
                skip_blank();
                value(depth + inner.parts, inner);
                skip_space();
                if (peek() == ',') {
                    advance();
                } else if (peek() != '}' || i_ == before) {
                    return;
                }
            }
            if (!eof()) {
                advance();
            }
        } else {
            while (!eof()) {
                const char d = peek();
                if (d == ',' || d == ']' || d == '}' || d == '\n' || d == '\r' || d == '#') {
                    break;
                }
                advance();
            }
        }
    }

    std::string_view s_;
    std::string_view file_;
    std::size_t i_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;
};

} // namespace

void check_toml_limits(std::string_view text, std::string_view file) {
    Scanner(text, file).run();
}

} // namespace covsim::io
