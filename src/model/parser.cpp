#include "model/parser.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace pcusage {

namespace {

// In place over the adopted body, numbers as their text, and an explicit stack instead of
// recursion. No kParseValidateEncodingFlag: the handler validates every string and key itself,
// faster.
constexpr unsigned kParseFlags = rapidjson::kParseInsituFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseIterativeFlag;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Node indices, string lengths and child counts are 32-bit.
constexpr std::size_t kMaxNodes = 0xFFFFFFFFu;

constexpr std::uint64_t kOnes = 0x0101010101010101u;
constexpr std::uint64_t kHighBits = 0x8080808080808080u;

// True when the 8 bytes at p are ASCII without NUL (a zero byte borrows into its high bit).
bool clean_ascii_word(const unsigned char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return ((word | (word - kOnes)) & kHighBits) == 0;
}

// The common case, ASCII without NUL, eight bytes at a time; the last word may overlap.
bool is_clean_ascii(const unsigned char* p, std::size_t n) {
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] == 0 || p[i] >= 0x80) return false;
    }
    return true;
  }
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    if (!clean_ascii_word(p + i)) return false;
  }
  return clean_ascii_word(p + n - 8);
}

// Moves the text of item values to the front of the body as the reader passes it, and gives the
// pages behind the reader back to the system. Items need only their values' text, well under half
// of a typical body (member names are interned, syntax and blanks are dropped), so memory peaks at
// about that text plus the node arena instead of the whole body plus the arena.
class BodyCompactor {
 public:
  BodyCompactor(char* begin, std::size_t size)
      : m_begin(begin), m_end(begin + size), m_write(begin), m_released(begin), m_checked(begin) {}

  // Moves the `n` bytes at `s` to the end of the text kept so far and returns their new address.
  // The reader is done with everything before `s`, and the kept text never overtakes it.
  const char* keep(const char* s, std::size_t n) {
    char* const at = m_write;
    if (n != 0) std::memmove(at, s, n);
    m_write += n;
    if (s - m_checked >= kReleaseStep) release_read(s);
    return at;
  }

  // Gives back the pages after the kept text, once parsing is over; returns the bytes kept.
  std::size_t finish() {
    release(m_write, m_end);
    return static_cast<std::size_t>(m_write - m_begin);
  }

 private:
  // Releasing in steps of 256 KiB keeps the system calls few (about 80 for 20 MB).
  static constexpr std::ptrdiff_t kReleaseStep = std::ptrdiff_t{1} << 18;

  // Releases the pages before `read`, except where the kept text is expected to grow: its share
  // of what was read so far predicts its final size, and releasing a page that the kept text then
  // reaches would only fault it back in, which costs more than it saves.
  void release_read(const char* read) {
    m_checked = read;
    const double share =
        static_cast<double>(m_write - m_begin) / static_cast<double>(read - m_begin);
    const double size = static_cast<double>(m_end - m_begin);
    const auto expected = static_cast<std::ptrdiff_t>(std::min(share * 1.0625 * size, size));
    const char* from = std::max<const char*>({m_begin + expected, m_write, m_released});
    if (from < read) m_released = release(from, read);
  }

  // Releases the whole pages within [from, to); returns the end of what it released, or `from`.
  static const char* release(const char* from, const char* to) {
    static const auto kPage = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<std::uintptr_t>(from) + kPage - 1) / kPage * kPage;
    const auto last = reinterpret_cast<std::uintptr_t>(to) / kPage * kPage;
    if (last <= first) return from;
    // Anonymous memory reads back as zeros after this, and nothing reads it again.
    madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    return reinterpret_cast<const char*>(last);
  }

  char* m_begin;
  const char* m_end;
  char* m_write;           // where the next kept text goes
  const char* m_released;  // the end of the released pages
  const char* m_checked;   // the reader's position at the last release
};

// What the document's top level is: a service response, or what `-o json` or `-o ndjson` wrote.
enum class Shape : std::uint8_t { kResponse, kItemArray, kItemLines };

// An open container outside the items, for the parts of the root that PageInfo reads.
enum class Context : std::uint8_t { kRoot, kLinks, kNext, kHeader, kItems, kHeaders };

// What the next value outside the items is, from its container and member name.
enum class Slot : std::uint8_t {
  kOther,
  kRoot,
  kItems,
  kItem,
  kTotalCount,
  kNextLink,
  kLinks,
  kNext,
  kUri,
  kMethod,
  kHeaders,
  kHeader,
  kHeaderKey,
  kHeaderValue,
};

class PageHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PageHandler> {
 public:
  PageHandler(Dataset& data, const char* body, BodyCompactor& compactor, Shape shape)
      : m_data(data), m_nodes(data.nodes()), m_body(body), m_compactor(compactor), m_shape(shape) {
    if (shape == Shape::kItemLines) {
      // Every top-level value is an item, as if inside an `items` array that is never closed.
      m_context.push_back(Context::kItems);
      m_saw_items = true;
    }
  }

  PageInfo& page() { return m_page; }
  const std::string& error() const { return m_error; }
  bool saw_items() const { return m_saw_items; }

  bool Null() { return scalar(Kind::kNull, nullptr, 0); }
  bool Bool(bool b) { return scalar(b ? Kind::kTrue : Kind::kFalse, nullptr, 0); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    return scalar(Kind::kNumber, s, n);
  }
  bool String(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    if (!is_clean_utf8(s, n)) return fail_string(s, n);
    return scalar(Kind::kString, s, n);
  }

  bool Key(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    if (!m_open.empty()) return item_key({s, n});
    if (!is_clean_utf8(s, n)) return fail_string(s, n);
    if (m_skip == 0) m_slot = slot_for_key({s, n});
    return true;
  }

  bool StartObject() { return enter_level() && start(Kind::kObject); }
  bool StartArray() { return enter_level() && start(Kind::kArray); }
  bool EndObject(rapidjson::SizeType /*members*/) { return leave_level(); }
  bool EndArray(rapidjson::SizeType /*elements*/) { return leave_level(); }

 private:
  // Every container counts, the root's and those skipped outside the items too.
  bool enter_level() {
    if (++m_depth <= kMaxNestingDepth) return true;
    return fail("nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
  }
  bool leave_level() {
    --m_depth;
    return end();
  }

  bool scalar(Kind kind, const char* s, std::uint32_t n) {
    if (!m_open.empty()) {
      add_node(kind, s, n);
      return true;
    }
    if (m_skip > 0) return true;
    switch (next_slot()) {
      case Slot::kRoot:
        return fail("the root is not an object");
      case Slot::kItems:
        return fail("\"items\" is not an array");
      case Slot::kItem:
        return fail_item();
      case Slot::kTotalCount:
        if (kind == Kind::kNumber) m_page.total_count.assign(s, n);
        return true;
      case Slot::kNext:
        m_page.has_next = true;
        return true;
      case Slot::kNextLink:
        if (kind == Kind::kString) m_page.next_link.assign(s, n);
        return true;
      case Slot::kUri:
        if (kind == Kind::kString) m_page.next_uri.assign(s, n);
        return true;
      case Slot::kMethod:
        if (kind == Kind::kString) m_page.next_method.assign(s, n);
        return true;
      case Slot::kHeaderKey:
        if (kind == Kind::kString) m_page.next_headers.back().key.assign(s, n);
        return true;
      case Slot::kHeaderValue:
        if (kind == Kind::kString) m_page.next_headers.back().value.assign(s, n);
        return true;
      default:
        return true;
    }
  }

  bool start(Kind kind) {
    if (!m_open.empty()) {
      const std::uint32_t index = add_node(kind, nullptr, 0);
      m_open.push_back(index);
      m_previous = first_member_context(m_nodes[index].key());
      return true;
    }
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    const Slot slot = next_slot();
    const bool object = kind == Kind::kObject;
    switch (slot) {
      case Slot::kRoot:
        if (!object) return fail("the root is not an object");
        m_context.push_back(Context::kRoot);
        return true;
      case Slot::kItems:
        if (object) return fail("\"items\" is not an array");
        if (m_saw_items) return fail("more than one \"items\" array");
        m_saw_items = true;
        m_context.push_back(Context::kItems);
        return true;
      case Slot::kItem: {
        if (!object) return fail_item();
        const auto index = static_cast<std::uint32_t>(m_nodes.size());
        m_nodes.push_back(Node::container(Kind::kObject, kNoKey));
        m_data.items().push_back(index);
        ++m_page.item_count;
        m_open.push_back(index);
        m_previous = first_member_context(kNoKey);
        return true;
      }
      case Slot::kLinks:
        return enter(object, Context::kLinks);
      case Slot::kNext:
        m_page.has_next = true;
        return enter(object, Context::kNext);
      case Slot::kHeaders:
        return enter(!object, Context::kHeaders);
      case Slot::kHeader:
        if (object) m_page.next_headers.emplace_back();
        return enter(object, Context::kHeader);
      default:
        m_skip = 1;
        return true;
    }
  }

  bool end() {
    if (!m_open.empty()) {
      Node& node = m_nodes[m_open.back()];
      node.set_span(static_cast<std::uint32_t>(m_nodes.size() - m_open.back()));
      m_open.pop_back();
      return true;
    }
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    m_context.pop_back();
    return true;
  }

  // Enters a container PageInfo reads when it has the expected kind, else skips its subtree.
  bool enter(bool expected_kind, Context context) {
    if (expected_kind) {
      m_context.push_back(context);
    } else {
      m_skip = 1;
    }
    return true;
  }

  Slot next_slot() const {
    if (m_context.empty()) return m_shape == Shape::kItemArray ? Slot::kItems : Slot::kRoot;
    switch (m_context.back()) {
      case Context::kItems:
        return Slot::kItem;
      case Context::kHeaders:
        return Slot::kHeader;
      default:
        return m_slot;
    }
  }

  Slot slot_for_key(std::string_view key) const {
    switch (m_context.back()) {
      case Context::kRoot: {
        if (key == "items") return Slot::kItems;
        if (key == "totalCount") return Slot::kTotalCount;
        if (key == "links") return Slot::kLinks;
        // The commercial endpoints' OData-like envelope, whose names come in any case.
        const std::string lower = to_lower(key);
        if (lower == "value") return Slot::kItems;
        if (lower == "totalcount") return Slot::kTotalCount;
        if (lower == "@nextlink" || lower == "@odata.nextlink") return Slot::kNextLink;
        return Slot::kOther;
      }
      case Context::kLinks:
        return key == "next" ? Slot::kNext : Slot::kOther;
      case Context::kNext:
        if (key == "uri") return Slot::kUri;
        if (key == "method") return Slot::kMethod;
        if (key == "headers") return Slot::kHeaders;
        return Slot::kOther;
      case Context::kHeader:
        if (key == "key") return Slot::kHeaderKey;
        if (key == "value") return Slot::kHeaderValue;
        return Slot::kOther;
      default:
        return Slot::kOther;
    }
  }

  // Items usually list their members in the same order, so the key that came last time in the
  // same context (after the same key, or first in an object under the same key) is tried first:
  // one comparison instead of hashing, and a key equal to a known name needs no UTF-8 check.
  static std::size_t first_member_context(std::uint32_t object_key) {
    return object_key == kNoKey ? 0 : 2 * std::size_t{object_key} + 1;
  }
  static std::size_t after_key_context(std::uint32_t key) { return 2 * std::size_t{key} + 2; }

  bool item_key(std::string_view name) {
    if (m_follower.size() <= m_previous) m_follower.resize(m_previous + 1, kNoKey);
    std::uint32_t& guess = m_follower[m_previous];
    if (guess != kNoKey && m_data.key_name(guess) == name) {
      m_key = guess;
    } else {
      if (!is_clean_utf8(name.data(), name.size())) return fail_string(name.data(), name.size());
      m_key = m_data.intern(name);
      if (m_key == kNoKey) {
        m_error = too_many_keys(m_data).message;
        return false;
      }
      guess = m_key;
    }
    m_previous = after_key_context(m_key);
    return true;
  }

  std::uint32_t add_node(Kind kind, const char* s, std::uint32_t n) {
    Node& parent = m_nodes[m_open.back()];
    parent.add_child();
    const std::uint32_t key = parent.kind() == Kind::kObject ? m_key : kNoKey;
    const auto index = static_cast<std::uint32_t>(m_nodes.size());
    if (kind == Kind::kArray || kind == Kind::kObject) {
      m_nodes.push_back(Node::container(kind, key));
    } else {
      const char* text = s == nullptr ? nullptr : m_compactor.keep(s, n);
      m_nodes.push_back(Node::scalar(kind, text, n, key));
    }
    return index;
  }

  bool fail(std::string message) {
    m_error = "invalid response: " + std::move(message);
    return false;
  }

  bool fail_item() {
    return fail("item " + std::to_string(m_page.item_count) + " is not an object");
  }

  bool fail_string(const char* s, std::size_t n) {
    if (std::memchr(s, '\0', n) != nullptr) return fail("NUL character in a string");
    // In place, a decoded string starts right after its opening quote, which is where we point.
    const auto at = static_cast<std::size_t>(s - m_body) - 1;
    return fail("not UTF-8 (string at byte " + std::to_string(at) + ")");
  }

  Dataset& m_data;
  std::vector<Node>& m_nodes;
  const char* m_body;  // the body's first byte, BOM included, for error offsets
  BodyCompactor& m_compactor;
  PageInfo m_page;
  std::string m_error;
  std::vector<std::uint32_t> m_open;      // open containers of the current item, innermost last
  std::vector<Context> m_context;         // open containers outside the items that we read
  std::size_t m_skip = 0;                 // depth inside a subtree outside the items that we ignore
  std::uint32_t m_key = kNoKey;           // the member name of the next value inside an item
  std::size_t m_previous = 0;             // the context of the next key, for guessing it
  std::vector<std::uint32_t> m_follower;  // per context: the key id that came next last time
  std::size_t m_depth = 0;                // open containers, the root's included
  Slot m_slot = Slot::kOther;             // the next value's meaning, from its member name
  Shape m_shape;
  bool m_saw_items = false;
};

// Reserves room for this page's nodes up front: growing by doubling would copy the arena and, for
// a moment, hold it twice. Each value is a container's first child or follows a comma, so
// commas + '[' + '{' + 1 bounds the count; the cap limits over-reserving when strings are full
// of commas (past it, the vector just grows as usual). The same pass looks for NUL bytes, which
// the caller refuses: one read of a large body instead of two. Returns false when there is one.
bool reserve_nodes(const ByteBuffer& text, std::vector<Node>& nodes) {
  // Sixteen bytes at a time (GCC and Clang vector extensions, SIMD on any target): a byte loop
  // here would be a noticeable share of the whole parse. A lane of a comparison is -1 where it
  // holds, so subtracting counts the marks per lane, summed before a lane could overflow.
  using Lanes = signed char __attribute__((vector_size(16)));
  constexpr std::size_t kMaxBlocks = 127;
  std::size_t bound = 1;
  Lanes nul = {};
  std::size_t i = 0;
  while (text.size() - i >= sizeof(Lanes)) {
    const std::size_t blocks = std::min((text.size() - i) / sizeof(Lanes), kMaxBlocks);
    Lanes counts = {};
    for (std::size_t b = 0; b < blocks; ++b, i += sizeof(Lanes)) {
      Lanes bytes;
      std::memcpy(&bytes, text.data() + i, sizeof bytes);
      // '[' and '{' differ only in bit 0x20.
      counts -= (bytes == ',') | ((bytes | 0x20) == '{');
      nul |= bytes == 0;
    }
    for (std::size_t lane = 0; lane < sizeof(Lanes); ++lane) {
      bound += static_cast<std::size_t>(counts[lane]);
      if (nul[lane] != 0) return false;
    }
  }
  for (; i < text.size(); ++i) {
    const char c = text.data()[i];
    if (c == '\0') return false;
    bound += static_cast<std::size_t>(c == ',') + ((c | 0x20) == '{');
  }
  const std::size_t needed = nodes.size() + std::min(bound, text.size() / 16);
  if (needed > nodes.capacity()) nodes.reserve(std::max(needed, nodes.capacity() / 2 * 3));
  return true;
}

Error invalid(std::string message) {
  return Error{ExitCode::kInvalid, "invalid response: " + std::move(message)};
}

// Reads the first top-level object only as far as a member named "items" (or the commercial
// envelope's "Value"): a service response has one, an item that `-o ndjson` wrote does not. Usually
// a few bytes of a response, one line of NDJSON.
class ItemsProbe : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ItemsProbe> {
 public:
  bool found() const { return m_found; }
  bool Key(const char* s, rapidjson::SizeType n, bool /*copy*/) {
    const std::string_view key(s, n);
    m_found = m_depth == 1 && (key == "items" || to_lower(key) == "value");
    return !m_found;
  }
  bool StartObject() { return ++m_depth <= kMaxNestingDepth; }
  bool StartArray() { return ++m_depth <= kMaxNestingDepth; }
  bool EndObject(rapidjson::SizeType /*members*/) { return --m_depth, true; }
  bool EndArray(rapidjson::SizeType /*elements*/) { return --m_depth, true; }

 private:
  std::size_t m_depth = 0;
  bool m_found = false;
};

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// What a saved file holds, from its first bytes (after the BOM at `from`).
Shape saved_shape(const ByteBuffer& text, std::size_t from) {
  const char* const bytes = text.data();
  while (from < text.size() && is_json_space(bytes[from])) ++from;
  if (from == text.size()) return Shape::kItemLines;  // what `-o ndjson` writes for no items
  if (bytes[from] == '[') return Shape::kItemArray;
  if (bytes[from] != '{') return Shape::kResponse;  // refused there, with the usual message
  ItemsProbe probe;
  rapidjson::StringStream stream(bytes + from);
  rapidjson::Reader reader;
  reader.Parse<(kParseFlags & ~rapidjson::kParseInsituFlag) | rapidjson::kParseStopWhenDoneFlag>(
      stream, probe);
  return probe.found() ? Shape::kResponse : Shape::kItemLines;
}

// Parses `text`, already adopted by `into`, appending its items.
Result<PageInfo> parse_adopted(ByteBuffer& text, Dataset& into, bool saved) {
  // A body has at most one node a byte.
  if (text.size() + into.nodes().size() >= kMaxNodes) return invalid("too large");
  // RapidJSON would stop at a raw NUL as if the body ended there, accepting whatever follows.
  if (!reserve_nodes(text, into.nodes())) {
    // Searching a sized buffer for a NUL: nothing is copied, so no terminator is missing.
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
    const auto* nul = static_cast<const char*>(std::memchr(text.data(), '\0', text.size()));
    return invalid("NUL byte in the body (at byte " + std::to_string(nul - text.data()) + ")");
  }
  const std::size_t skip = text.view().substr(0, kBom.size()) == kBom ? kBom.size() : 0;

  const Shape shape = saved ? saved_shape(text, skip) : Shape::kResponse;

  BodyCompactor compactor(text.data(), text.size());
  PageHandler handler(into, text.data(), compactor, shape);
  rapidjson::InsituStringStream stream(text.data() + skip);
  rapidjson::Reader reader;
  rapidjson::ParseResult parsed;
  if (shape != Shape::kItemLines) {
    parsed = reader.Parse<kParseFlags>(stream, handler);
  } else {
    while (true) {
      while (is_json_space(stream.Peek())) stream.Take();
      if (stream.Peek() == '\0') break;
      parsed = reader.Parse<kParseFlags | rapidjson::kParseStopWhenDoneFlag>(stream, handler);
      if (parsed.IsError()) break;
    }
  }
  // What follows the kept text is garbage now, partly given back to the system.
  text.resize(compactor.finish());
  if (!handler.error().empty()) return Error{ExitCode::kInvalid, handler.error()};
  if (parsed.IsError()) {
    std::string what = rapidjson::GetParseError_En(parsed.Code());
    if (!what.empty() && what.back() == '.') what.pop_back();
    return invalid("not JSON: " + what + " (at byte " + std::to_string(parsed.Offset() + skip) +
                   ")");
  }
  if (!handler.saw_items()) return invalid("no \"items\" (or \"Value\") array");
  return std::move(handler.page());
}

}  // namespace

namespace {

Result<PageInfo> parse_into(ByteBuffer body, Dataset& into, bool saved) {
  const std::size_t nodes = into.nodes().size();
  const std::size_t items = into.items().size();
  Result<PageInfo> page = parse_adopted(into.adopt(std::move(body)), into, saved);
  if (!page.ok()) {
    // No half-built item is left behind: the items are those of the earlier pages.
    into.nodes().resize(nodes);
    into.items().resize(items);
  }
  return page;
}

}  // namespace

Result<PageInfo> parse_page(ByteBuffer body, Dataset& into) {
  return parse_into(std::move(body), into, false);
}

Result<PageInfo> parse_saved(ByteBuffer body, Dataset& into) {
  return parse_into(std::move(body), into, true);
}

bool is_clean_utf8(const char* s, std::size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  if (is_clean_ascii(p, n)) return true;
  const auto* const end = p + n;
  while (p != end) {
    while (end - p >= 8 && clean_ascii_word(p)) p += 8;
    if (p == end) break;
    const unsigned lead = *p;
    if (lead < 0x80) {
      if (lead == 0) return false;
      ++p;
      continue;
    }
    // Ranges from the Unicode well-formed table: no overlongs, surrogates or values over U+10FFFF.
    std::ptrdiff_t len = 0;
    unsigned low = 0x80;
    unsigned high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (end - p < len || p[1] < low || p[1] > high) return false;
    for (std::ptrdiff_t k = 2; k < len; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
    }
    p += len;
  }
  return true;
}

}  // namespace pcusage
