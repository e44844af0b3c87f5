#include "format/width.h"

namespace pcusage {
namespace {

#include "format/width_table.inc"

}  // namespace

std::size_t decode_utf8(const char* p, const char* end, char32_t& cp) {
  const auto* s = reinterpret_cast<const unsigned char*>(p);
  const std::size_t avail = static_cast<std::size_t>(end - p);
  if (avail == 0) return 0;
  const unsigned char b0 = s[0];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  // Lead-byte ranges and second-byte bounds per RFC 3629 / Unicode Table 3-7, which rules out
  // overlong forms, surrogates and code points above U+10FFFF without decoding first.
  std::size_t len;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t value;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    value = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < len) return 0;
  if (s[1] < lo || s[1] > hi) return 0;
  value = (value << 6) | (s[1] & 0x3Fu);
  for (std::size_t i = 2; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    value = (value << 6) | (s[i] & 0x3Fu);
  }
  cp = value;
  return len;
}

int code_point_width(char32_t cp) {
  if (cp >= 0x110000) return 1;
  const unsigned block = kWidthStage1[cp >> kWidthBlockBits];
  const unsigned offset = cp & ((1u << kWidthBlockBits) - 1);
  return (kWidthBlocks[block][offset >> 2] >> ((offset & 3) * 2)) & 3;
}

std::size_t display_width(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  std::size_t width = 0;
  while (p < end) {
    // Runs of ASCII are one cell per byte: count them without touching the table.
    const char* run = p;
    while (p < end && static_cast<unsigned char>(*p) < 0x80) ++p;
    width += static_cast<std::size_t>(p - run);
    if (p == end) break;
    char32_t cp;
    const std::size_t len = decode_utf8(p, end, cp);
    if (len == 0) {
      width += 1;
      p += 1;
    } else {
      width += static_cast<std::size_t>(code_point_width(cp));
      p += len;
    }
  }
  return width;
}

}  // namespace pcusage
