#include "model/sort.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "model/json_writer.h"

namespace pcusage {

namespace {

// The kinds in ascending order; missing and null share the last rank, which always sorts last.
enum class Rank : std::uint8_t { kNumber, kString, kBool, kContainer, kAbsent };

// A JSON number's exact value, ±0.DIGITS × 10^point, where DIGITS is `whole` then `fraction`
// with no leading or trailing zeros (both empty for zero). Comparing these never rounds.
struct Decimal {
  bool negative = false;
  std::int64_t point = 0;
  std::string_view whole;
  std::string_view fraction;

  bool zero() const { return whole.empty() && fraction.empty(); }
  std::size_t digits() const { return whole.size() + fraction.size(); }
  char digit(std::size_t i) const {
    return i < whole.size() ? whole[i] : fraction[i - whole.size()];
  }
};

// Reads a number's text as RapidJSON validated it: -?int(.frac)?([eE][+-]?exp)?.
Decimal parse_decimal(std::string_view text) {
  // Exponents beyond this compare as equal to it; no real number gets near it.
  constexpr std::int64_t kMaxExponent = 1'000'000'000'000'000;
  Decimal d;
  std::size_t i = 0;
  const auto is_digit = [&](std::size_t at) {
    return at < text.size() && text[at] >= '0' && text[at] <= '9';
  };
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  const std::size_t whole_begin = i;
  while (is_digit(i)) ++i;
  d.whole = text.substr(whole_begin, i - whole_begin);
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_begin = ++i;
    while (is_digit(i)) ++i;
    d.fraction = text.substr(fraction_begin, i - fraction_begin);
  }
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool minus = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    for (; is_digit(i); ++i) exponent = std::min(kMaxExponent, exponent * 10 + (text[i] - '0'));
    if (minus) exponent = -exponent;
  }
  d.point = static_cast<std::int64_t>(d.whole.size()) + exponent;
  // Leading zeros move the point; trailing zeros change nothing.
  while (!d.whole.empty() && d.whole.front() == '0') {
    d.whole.remove_prefix(1);
    --d.point;
  }
  while (d.whole.empty() && !d.fraction.empty() && d.fraction.front() == '0') {
    d.fraction.remove_prefix(1);
    --d.point;
  }
  while (!d.fraction.empty() && d.fraction.back() == '0') d.fraction.remove_suffix(1);
  if (d.fraction.empty()) {
    while (!d.whole.empty() && d.whole.back() == '0') d.whole.remove_suffix(1);
  }
  return d;
}

int sign(const Decimal& d) { return d.zero() ? 0 : (d.negative ? -1 : 1); }

// Negative, zero or positive as a is less than, equal to or greater than b.
int compare(const Decimal& a, const Decimal& b) {
  if (sign(a) != sign(b)) return sign(a) < sign(b) ? -1 : 1;
  if (sign(a) == 0) return 0;
  int magnitude = 0;
  if (a.point != b.point) {
    magnitude = a.point < b.point ? -1 : 1;
  } else {
    const std::size_t common = std::min(a.digits(), b.digits());
    for (std::size_t i = 0; i < common && magnitude == 0; ++i) {
      if (a.digit(i) != b.digit(i)) magnitude = a.digit(i) < b.digit(i) ? -1 : 1;
    }
    if (magnitude == 0 && a.digits() != b.digits()) magnitude = a.digits() < b.digits() ? -1 : 1;
  }
  return a.negative ? -magnitude : magnitude;
}

// One item's cell, prepared once so that most comparisons need no memory outside the key. The
// cells' bytes are copied next to each other: in the body they are scattered, and following them
// on every comparison is what makes a sort slow.
struct SortKey {
  std::uint64_t prefix = 0;  // strings and JSON: the first 8 bytes, big-endian; booleans: 0 or 1
  double number = 0;         // numbers: the nearest double, whose order never contradicts theirs
  std::size_t at = 0;        // where the cell's text (number, string or JSON) starts in the copy
  std::uint32_t size = 0;    // its length
  std::uint32_t item = 0;
  Rank rank = Rank::kAbsent;
  bool exact = false;  // numbers: equal doubles mean equal values (at most 15 digits, normal range)
};

// Bytes as a big-endian integer, zero-padded: integers order like the bytes, since no JSON string
// here holds a NUL (the parser refuses them).
std::uint64_t prefix_of(std::string_view text) {
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    prefix <<= 8;
    if (i < text.size()) prefix |= static_cast<unsigned char>(text[i]);
  }
  return prefix;
}

void set_number(std::string_view text, SortKey& key) {
  const Decimal decimal = parse_decimal(text);
  // Correct rounding is monotonic, so a < b between doubles implies it between the numbers.
  const std::from_chars_result parsed =
      std::from_chars(text.data(), text.data() + text.size(), key.number);
  if (parsed.ec == std::errc::result_out_of_range) {
    const double magnitude = decimal.point > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    key.number = decimal.negative ? -magnitude : magnitude;
  }
  key.exact =
      decimal.zero() || (decimal.digits() <= 15 && decimal.point > -290 && decimal.point < 290);
}

// The key of `node` (nullptr when missing), its text appended to `texts`.
SortKey make_key(const Dataset& data, const Node* node, std::string& texts) {
  SortKey key;
  if (node == nullptr || node->kind() == Kind::kNull) return key;
  key.at = texts.size();
  switch (node->kind()) {
    case Kind::kNumber:
      key.rank = Rank::kNumber;
      texts += node->str();
      set_number(node->str(), key);
      break;
    case Kind::kString:
      key.rank = Rank::kString;
      texts += node->str();
      break;
    case Kind::kFalse:
    case Kind::kTrue:
      key.rank = Rank::kBool;
      key.prefix = node->kind() == Kind::kTrue ? 1 : 0;
      break;
    default:  // arrays and objects
      key.rank = Rank::kContainer;
      append_compact_json(data, static_cast<std::uint32_t>(node - data.nodes().data()), texts);
      break;
  }
  key.size = static_cast<std::uint32_t>(texts.size() - key.at);
  if (key.rank == Rank::kString || key.rank == Rank::kContainer) {
    key.prefix = prefix_of({texts.data() + key.at, key.size});
  }
  return key;
}

// Ascending order of two present cells whose texts are in `texts`.
bool less(const SortKey& a, const SortKey& b, const std::string& texts) {
  if (a.rank != b.rank) return a.rank < b.rank;
  const std::string_view a_text(texts.data() + a.at, a.size);
  const std::string_view b_text(texts.data() + b.at, b.size);
  if (a.rank == Rank::kNumber) {
    if (a.number != b.number) return a.number < b.number;
    if (a.exact && b.exact) return false;
    return compare(parse_decimal(a_text), parse_decimal(b_text)) < 0;
  }
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  return a_text < b_text;  // char_traits<char> compares as unsigned bytes
}

}  // namespace

void sort_items(Dataset& data, const Column& column, bool descending) {
  std::vector<std::uint32_t>& items = data.items();
  std::string texts;
  std::vector<SortKey> keys;
  keys.reserve(items.size());
  for (std::uint32_t item : items) {
    keys.push_back(make_key(data, lookup(data, item, column), texts));
    keys.back().item = item;
  }
  std::stable_sort(keys.begin(), keys.end(), [&](const SortKey& a, const SortKey& b) {
    // Absent cells stay last in both directions; only present ones are reversed.
    if (a.rank == Rank::kAbsent || b.rank == Rank::kAbsent) {
      return b.rank == Rank::kAbsent && a.rank != Rank::kAbsent;
    }
    return descending ? less(b, a, texts) : less(a, b, texts);
  });
  for (std::size_t i = 0; i < keys.size(); ++i) items[i] = keys[i].item;
}

}  // namespace pcusage
