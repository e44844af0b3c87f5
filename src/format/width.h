// Terminal display width of UTF-8 text, from a generated Unicode table (no locale involved).
#pragma once

#include <cstddef>
#include <string_view>

namespace pcusage {

// Decodes the UTF-8 sequence at `p` (before `end`) into `cp`; returns its length, or 0 when the
// bytes there are not a valid sequence (overlong, surrogate, beyond U+10FFFF, truncated).
std::size_t decode_utf8(const char* p, const char* end, char32_t& cp);

// Terminal cells taken by code point `cp`: 2 for East_Asian_Width W/F, 0 for combining marks,
// format characters and Hangul medial/final jamo, 1 otherwise (controls too); 1 beyond U+10FFFF.
int code_point_width(char32_t cp);

// Terminal cells taken by UTF-8 `text`; each byte that does not start a valid sequence counts 1.
std::size_t display_width(std::string_view text);

}  // namespace pcusage
