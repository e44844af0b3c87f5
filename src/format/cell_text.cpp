#include "format/cell_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "format/format.h"
#include "format/width.h"

namespace pcusage {
namespace {

using ByteSet = std::array<bool, 256>;

constexpr ByteSet make_set(std::string_view bytes) {
  ByteSet set{};
  for (char c : bytes) set[static_cast<unsigned char>(c)] = true;
  return set;
}

constexpr ByteSet kCsvQuoteBytes = make_set(",\"\r\n");
constexpr ByteSet kTsvEscapeBytes = make_set("\\\t\n\r");

// Bytes a table cell shows as they are, one cell each: printable ASCII other than backslash.
constexpr ByteSet make_table_plain() {
  ByteSet set{};
  for (int c = 0x20; c < 0x7F; ++c) set[static_cast<std::size_t>(c)] = c != '\\';
  return set;
}
constexpr ByteSet kTablePlain = make_table_plain();

// The first byte in [p, end) that is in `set`, or `end`; cells are mostly free of such bytes.
inline const char* find_in(const char* p, const char* end, const ByteSet& set) {
  while (end - p >= 4) {
    if (set[static_cast<unsigned char>(p[0])]) return p;
    if (set[static_cast<unsigned char>(p[1])]) return p + 1;
    if (set[static_cast<unsigned char>(p[2])]) return p + 2;
    if (set[static_cast<unsigned char>(p[3])]) return p + 3;
    p += 4;
  }
  while (p < end && !set[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

constexpr char kHex[] = "0123456789ABCDEF";

// A short escape sequence held by value so width and write share one scanner.
struct Escape {
  char text[8];
  std::size_t size;
  std::string_view view() const { return {text, size}; }
};

Escape hex_byte_escape(unsigned value) {
  return Escape{{'\\', 'x', kHex[(value >> 4) & 0xF], kHex[value & 0xF]}, 4};
}

Escape named_escape(char name) { return Escape{{'\\', name}, 2}; }

bool is_bidi_control(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Walks `text` as the table shows it: `plain(run, width)` for runs written unchanged and
// `escaped(escape)` for each escape; one scanner keeps width and output from ever disagreeing.
template <typename Plain, typename Escaped>
void scan_table_text(std::string_view text, Plain&& plain, Escaped&& escaped) {
  const char* p = text.data();
  const char* end = p + text.size();
  const char* run = p;
  std::size_t run_width = 0;
  auto end_run = [&] {
    if (p != run) plain(std::string_view(run, static_cast<std::size_t>(p - run)), run_width);
    run_width = 0;
  };
  while (p < end) {
    const char* ascii_end = p;
    while (ascii_end < end && kTablePlain[static_cast<unsigned char>(*ascii_end)]) ++ascii_end;
    run_width += static_cast<std::size_t>(ascii_end - p);
    p = ascii_end;
    if (p == end) break;
    const auto byte = static_cast<unsigned char>(*p);
    if (byte < 0x80) {
      end_run();
      switch (byte) {
        case '\\':
          escaped(named_escape('\\'));
          break;
        case '\n':
          escaped(named_escape('n'));
          break;
        case '\r':
          escaped(named_escape('r'));
          break;
        case '\t':
          escaped(named_escape('t'));
          break;
        default:
          escaped(hex_byte_escape(byte));
          break;
      }
      run = ++p;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode_utf8(p, end, cp);
    if (len == 0) {
      // Invalid UTF-8 (only possible in names from the command line): a lone byte such as 0x9B
      // is CSI to an 8-bit terminal, so it is shown, not sent.
      end_run();
      escaped(hex_byte_escape(byte));
      run = ++p;
    } else if (cp < 0xA0) {
      end_run();
      escaped(hex_byte_escape(static_cast<unsigned>(cp)));
      run = (p += len);
    } else if (is_bidi_control(cp)) {
      end_run();
      const auto u = static_cast<unsigned>(cp);
      escaped(Escape{{'\\', 'u', kHex[(u >> 12) & 0xF], kHex[(u >> 8) & 0xF], kHex[(u >> 4) & 0xF],
                      kHex[u & 0xF]},
                     6});
      run = (p += len);
    } else {
      run_width += static_cast<std::size_t>(code_point_width(cp));
      p += len;
    }
  }
  end_run();
}

}  // namespace

Cell cell_of(const Dataset& data, const Node* node, std::string& scratch) {
  Cell cell;
  if (node == nullptr) return cell;
  switch (node->kind()) {
    case Kind::kNull:
      break;
    case Kind::kFalse:
      cell.text = "false";
      break;
    case Kind::kTrue:
      cell.text = "true";
      break;
    case Kind::kNumber:
      cell.text = node->str();
      cell.is_number = true;
      break;
    case Kind::kString:
      cell.text = node->str();
      cell.is_string = true;
      break;
    case Kind::kArray:
    case Kind::kObject: {
      scratch.clear();
      const auto index = static_cast<std::uint32_t>(node - data.nodes().data());
      append_compact_json(data, index, scratch);
      cell.text = scratch;
      break;
    }
  }
  return cell;
}

bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void write_csv_field(std::string_view text, bool guard, Sink& out) {
  const bool prefix = guard && starts_like_formula(text);
  const char* p = text.data();
  const char* end = p + text.size();
  const char* special = find_in(p, end, kCsvQuoteBytes);
  if (special == end) {
    if (prefix) out.put('\'');
    out.write(text);
    return;
  }
  out.put('"');
  if (prefix) out.put('\'');
  // Only quotes need doubling; runs between them go out in one write each.
  while (true) {
    const char* quote = static_cast<const char*>(
        std::memchr(special, '"', static_cast<std::size_t>(end - special)));
    if (quote == nullptr) {
      out.write(std::string_view(p, static_cast<std::size_t>(end - p)));
      break;
    }
    out.write(std::string_view(p, static_cast<std::size_t>(quote - p + 1)));
    out.put('"');
    p = special = quote + 1;
  }
  out.put('"');
}

void write_tsv_text(std::string_view text, Sink& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (true) {
    const char* special = find_in(p, end, kTsvEscapeBytes);
    out.write(std::string_view(p, static_cast<std::size_t>(special - p)));
    if (special == end) return;
    out.put('\\');
    switch (*special) {
      case '\\':
        out.put('\\');
        break;
      case '\t':
        out.put('t');
        break;
      case '\n':
        out.put('n');
        break;
      default:
        out.put('r');
        break;
    }
    p = special + 1;
  }
}

void write_table_text(std::string_view text, Sink& out) {
  scan_table_text(
      text, [&](std::string_view run, std::size_t) { out.write(run); },
      [&](const Escape& escape) { out.write(escape.view()); });
}

std::size_t table_text_width(std::string_view text) {
  std::size_t width = 0;
  scan_table_text(
      text, [&](std::string_view, std::size_t run_width) { width += run_width; },
      [&](const Escape& escape) { width += escape.size; });
  return width;
}

}  // namespace pcusage

namespace pcusage {

std::string show_table_text(std::string_view text) {
  std::string shown;
  scan_table_text(
      text, [&](std::string_view run, std::size_t) { shown.append(run); },
      [&](const Escape& escape) { shown.append(escape.view()); });
  return shown;
}

FittedText fit_table_text(std::string_view text, std::size_t width) {
  std::string shown = show_table_text(text);
  FittedText fitted;
  // What is shown is valid UTF-8 (every invalid byte became an escape): cut it by code points.
  const char* p = shown.data();
  const char* end = p + shown.size();
  const std::size_t keep = width - 1;  // one cell for the ellipsis, if it is needed
  std::size_t kept_bytes = 0, kept_width = 0, total = 0;
  while (p < end) {
    char32_t cp = 0;
    const std::size_t len = std::max<std::size_t>(1, decode_utf8(p, end, cp));
    total += static_cast<std::size_t>(code_point_width(cp));
    if (total <= keep) {
      kept_bytes = static_cast<std::size_t>(p + len - shown.data());
      kept_width = total;
    }
    p += len;
  }
  if (total <= width) {
    fitted.width = total;
    fitted.text = std::move(shown);
    return fitted;
  }
  fitted.text = shown.substr(0, kept_bytes) + "\u2026";
  fitted.width = kept_width + 1;
  return fitted;
}

bool looks_like_date(std::string_view text) {
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  return text.size() >= 10 && digits(0, 4) && text[4] == '-' && digits(5, 2) && text[7] == '-' &&
         digits(8, 2);
}

}  // namespace pcusage
