// Small text helpers shared across the tool.
#pragma once

#include <string>
#include <string_view>

namespace pcusage {

// `s` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

// True when every byte of `s` is visible ASCII (0x21-0x7E); tokens must be, or they could inject
// headers.
bool is_visible_ascii(std::string_view s);

// `s` made safe for a one-line message: controls, DEL, C1 and bidi controls as visible escapes,
// cut to at most `max_bytes` (at a character boundary) with "..." appended when cut.
std::string printable_excerpt(std::string_view s, std::size_t max_bytes = 200);

// True when `s` is a plausible language tag: letters in the first subtag, letters/digits after,
// subtags of 1-8 separated by '-' (en-US, fr-FR, zh-Hans-CN).
bool is_language_tag(std::string_view s);

// True when `s` is a GUID in 8-4-4-4-12 hex form.
bool is_guid(std::string_view s);

// `c` in ASCII lower case; other bytes unchanged.
constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII lower-case copy.
std::string to_lower(std::string_view s);

// True when `a` and `b` are equal ignoring ASCII case (header names, schemes, methods): no locale.
bool iequals(std::string_view a, std::string_view b);

}  // namespace pcusage
