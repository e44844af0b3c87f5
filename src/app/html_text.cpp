#include "app/html_text.h"

#include <array>
#include <cstdint>

#include "core/text.h"

namespace pcusage {

namespace {

// Elements whose content is not page text.
constexpr std::array<std::string_view, 4> kHiddenElements = {"style", "script", "noscript",
                                                             "template"};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Appends code point `cp` as UTF-8; a value that is no character becomes U+FFFD.
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the character reference at the start of `s` (which starts with '&') into `out`; returns
// the bytes it took, or 0 when it is not one (the '&' is then literal text).
std::size_t decode_reference(std::string_view s, std::string& out) {
  const std::size_t semi = s.find(';');
  if (semi == std::string_view::npos || semi > 12) return 0;
  const std::string_view name = s.substr(1, semi - 1);
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t cp = 0;
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') v = c - '0';
      if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid without overflowing
    }
    append_utf8(out, cp);
    return semi + 1;
  }
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 6> kNamed = {
      {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '}}};
  for (const auto& [known, cp] : kNamed) {
    if (name == known) {
      append_utf8(out, cp);
      return semi + 1;
    }
  }
  return 0;
}

// The lower-case name of the tag at the start of `s` (after '<' and an optional '/').
std::string tag_name(std::string_view s) {
  std::size_t i = 1 + (s.size() > 1 && s[1] == '/' ? 1 : 0);
  std::string name;
  while (i < s.size() && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9'))) {
    name += static_cast<char>(s[i] | 0x20);
    ++i;
  }
  return name;
}

// Text with whitespace folded as it is appended.
class Folded {
 public:
  void add(std::string_view text) {
    for (char c : text) {
      if (is_space(c)) {
        m_space = !m_text.empty();
        continue;
      }
      if (m_space) m_text += ' ';
      m_space = false;
      m_text += c;
    }
  }
  void space() { m_space = !m_text.empty(); }
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;
  bool m_space = false;
};

}  // namespace

std::string html_text(std::string_view html, std::size_t max_bytes) {
  Folded title, body;
  Folded* into = &body;
  std::string decoded;
  std::size_t i = 0;
  // Reading stops a little past what is shown: enough to find the title's repeat.
  while (i < html.size() && body.text().size() <= max_bytes * 2) {
    const char c = html[i];
    if (c == '&') {
      decoded.clear();
      const std::size_t used = decode_reference(html.substr(i), decoded);
      into->add(used == 0 ? std::string_view("&") : std::string_view(decoded));
      i += used == 0 ? 1 : used;
      continue;
    }
    const bool tag =
        c == '<' && i + 1 < html.size() &&
        (is_alpha(html[i + 1]) || html[i + 1] == '/' || html[i + 1] == '!' || html[i + 1] == '?');
    if (!tag) {
      into->add(std::string_view(&html[i], 1));
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    const std::string name = tag_name(html.substr(i));
    const bool closing = html[i + 1] == '/';
    const std::size_t end = html.find('>', i);
    i = end == std::string_view::npos ? html.size() : end + 1;
    into->space();
    if (closing) {
      if (name == "title") into = &body;
      continue;
    }
    if (name == "title") {
      into = &title;
      continue;
    }
    for (std::string_view hidden : kHiddenElements) {
      if (name != hidden) continue;
      // Everything up to the matching end tag is code, '<' and all.
      const std::string lower = to_lower(html.substr(i));
      const std::size_t close = lower.find("</" + std::string(hidden));
      i = close == std::string::npos ? html.size() : i + close;
      break;
    }
  }
  std::string out = title.text();
  const std::string& text = body.text();
  if (out.empty() || text.compare(0, out.size(), out) == 0) {
    out = text;
  } else if (!text.empty()) {
    out += ": " + text;
  }
  if (out.size() > max_bytes) out = printable_excerpt(out, max_bytes);
  return out;
}

}  // namespace pcusage
