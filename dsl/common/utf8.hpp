#pragma once
// UTF-8 helpers: validation with the position of the first bad byte, character counts,
// and terminal display width (East Asian wide characters take two cells), so that a caret
// line can be placed under Chinese text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eco::dsl::utf8 {

// Byte offset of the first invalid sequence (overlong, surrogate, > U+10FFFF, truncated),
// or nullopt when the whole text is valid UTF-8.
std::optional<std::size_t> find_invalid(std::string_view text);

// Number of code points in valid UTF-8 text (invalid bytes count one each).
std::size_t count_chars(std::string_view text);

// Decodes the code point at text[pos] and advances pos; returns U+FFFD for a bad byte.
char32_t decode(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of cp.
void append(std::string& out, char32_t cp);

// Cells a code point takes in a terminal: 0 for combining marks, 2 for East Asian wide and
// fullwidth characters, 1 otherwise.
int char_width(char32_t cp);

// Display width of a string (tabs count as one cell; the renderer expands them itself).
std::size_t display_width(std::string_view text);

}  // namespace eco::dsl::utf8
