// The parsed items of one or more response pages, kept as a flat node arena (no recursion needed).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/byte_buffer.h"
#include "core/result.h"

namespace pcusage {

// The JSON kind of a node; numbers keep their original text.
enum class Kind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// Key ids have 24 bits: a node keeps its key and its kind in one 32-bit word.
inline constexpr std::uint32_t kKeyBits = 24;

// Key id of a node that is not an object member.
inline constexpr std::uint32_t kNoKey = (std::uint32_t{1} << kKeyBits) - 1;

// The most distinct member names a run can hold: every id below kNoKey.
inline constexpr std::uint32_t kMaxKeys = kNoKey;

// One JSON value in pre-order, in 16 bytes. A container's subtree is the `span()` nodes starting
// at itself; its direct children start right after it and each is followed by its own subtree.
// A scalar needs its text and never a span (always 1); a container the reverse, so they share.
class Node {
 public:
  Node() : m_text(nullptr) {}

  // A string, number, true, false or null; `text` is the number text or decoded UTF-8 string
  // (not NUL-terminated), nullptr for the others.
  static Node scalar(Kind kind, const char* text, std::uint32_t size, std::uint32_t key) {
    Node node;
    node.m_text = text;
    node.m_size = size;
    node.m_key_kind = pack(key, kind);
    return node;
  }

  // An empty array or object; the parser adds its children and sets its span when it closes.
  static Node container(Kind kind, std::uint32_t key) {
    Node node;
    node.m_span = 1;
    node.m_key_kind = pack(key, kind);
    return node;
  }

  Kind kind() const { return static_cast<Kind>(m_key_kind & kKindMask); }
  // Interned member name, kNoKey outside objects.
  std::uint32_t key() const { return m_key_kind >> kKindBits; }
  bool is_container() const { return kind() >= Kind::kArray; }
  // String/number byte length, or container child count.
  std::uint32_t size() const { return m_size; }
  // Nodes in this subtree, itself included.
  std::uint32_t span() const { return is_container() ? m_span : 1; }
  // Number text or decoded string; nullptr for other scalars. Not for containers.
  const char* text() const { return m_text; }
  std::string_view str() const { return {m_text, m_size}; }

  // For containers: one more child, the child count, the subtree's final node count.
  void add_child() { ++m_size; }
  void set_size(std::uint32_t size) { m_size = size; }
  void set_span(std::uint32_t span) { m_span = span; }

 private:
  static constexpr std::uint32_t kKindBits = 32 - kKeyBits;
  static constexpr std::uint32_t kKindMask = (std::uint32_t{1} << kKindBits) - 1;

  static std::uint32_t pack(std::uint32_t key, Kind kind) {
    return key << kKindBits | static_cast<std::uint32_t>(kind);
  }

  union {
    const char* m_text;    // scalars
    std::uint32_t m_span;  // containers
  };
  std::uint32_t m_size = 0;
  std::uint32_t m_key_kind = pack(kNoKey, Kind::kNull);
};

static_assert(sizeof(Node) == 16, "the node arena is most of a run's memory");

// All items of a run: the bodies they point into, the node arena, the interned keys.
class Dataset {
 public:
  Dataset() = default;
  // A Dataset that interns at most `max_keys` member names (at most kMaxKeys), for tests.
  explicit Dataset(std::uint32_t max_keys)
      : m_max_keys(max_keys < kMaxKeys ? max_keys : kMaxKeys) {}
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;
  Dataset(Dataset&&) = default;
  Dataset& operator=(Dataset&&) = default;

  // Stores a body whose address stays fixed for the Dataset's lifetime, and returns it.
  ByteBuffer& adopt(ByteBuffer body);

  // The id of a member name, interning it on first sight; kNoKey when it is new and max_keys()
  // names are interned already.
  std::uint32_t intern(std::string_view name);
  // How many distinct member names the Dataset can hold.
  std::uint32_t max_keys() const { return m_max_keys; }
  // The id of a member name, or kNoKey when no member has it.
  std::uint32_t find_key(std::string_view name) const;
  // The name behind a key id.
  std::string_view key_name(std::uint32_t id) const { return m_key_names[id]; }

  // The node arena and the index of each item's (object) node in it, in received order.
  std::vector<Node>& nodes() { return m_nodes; }
  const std::vector<Node>& nodes() const { return m_nodes; }
  std::vector<std::uint32_t>& items() { return m_items; }
  const std::vector<std::uint32_t>& items() const { return m_items; }

  // Rewrites the item at `position` in items() as a new object whose first members are `first`
  // (name, string value), followed by the item's own members but those names. The old nodes stay
  // in the arena, unused. Returns false, adding no node, when a name cannot be interned.
  bool prepend_strings(std::size_t position,
                       const std::vector<std::pair<std::string_view, std::string_view>>& first);

  // The member of object node `object` named `key`, or nullptr (first one wins on duplicates).
  // Inline: the writers call it for every cell.
  const Node* member(std::uint32_t object, std::uint32_t key) const {
    const Node& parent = m_nodes[object];
    if (parent.kind() != Kind::kObject) return nullptr;
    std::uint32_t child = object + 1;
    for (std::uint32_t i = 0; i < parent.size(); ++i) {
      if (m_nodes[child].key() == key) return &m_nodes[child];
      child += m_nodes[child].span();
    }
    return nullptr;
  }

 private:
  std::deque<ByteBuffer> m_bodies;
  std::deque<std::string> m_texts;  // values added by prepend_strings
  std::vector<Node> m_nodes;
  std::vector<std::uint32_t> m_items;
  std::vector<std::string_view> m_key_names;
  std::deque<std::string> m_key_storage;
  std::unordered_map<std::string_view, std::uint32_t> m_key_ids;
  std::uint32_t m_max_keys = kMaxKeys;
};

// The error for a run with more distinct member names than a Dataset holds (exit code 7).
Error too_many_keys(const Dataset& data);

}  // namespace pcusage
