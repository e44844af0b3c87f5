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

namespace pcusage {

// The JSON kind of a node; numbers keep their original text.
enum class Kind : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// Key id of a node that is not an object member.
inline constexpr std::uint32_t kNoKey = 0xFFFFFFFFu;

// One JSON value in pre-order. A container's subtree is the `span` nodes starting at itself;
// its direct children start right after it and each is followed by its own subtree.
struct Node {
  const char* text = nullptr;  // number text or decoded UTF-8 string (not NUL-terminated)
  std::uint32_t size = 0;      // string/number byte length, or container child count
  std::uint32_t span = 1;      // nodes in this subtree, itself included
  std::uint32_t key = kNoKey;  // interned member name, kNoKey outside objects
  Kind kind = Kind::kNull;

  std::string_view str() const { return {text, size}; }
};

// All items of a run: the bodies they point into, the node arena, the interned keys.
class Dataset {
 public:
  Dataset() = default;
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;
  Dataset(Dataset&&) = default;
  Dataset& operator=(Dataset&&) = default;

  // Stores a body whose address stays fixed for the Dataset's lifetime, and returns it.
  ByteBuffer& adopt(ByteBuffer body);

  // The id of a member name, interning it on first sight.
  std::uint32_t intern(std::string_view name);
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
  // in the arena, unused.
  void prepend_strings(std::size_t position,
                       const std::vector<std::pair<std::string_view, std::string_view>>& first);

  // The member of object node `object` named `key`, or nullptr (first one wins on duplicates).
  // Inline: the writers call it for every cell.
  const Node* member(std::uint32_t object, std::uint32_t key) const {
    const Node& parent = m_nodes[object];
    if (parent.kind != Kind::kObject) return nullptr;
    std::uint32_t child = object + 1;
    for (std::uint32_t i = 0; i < parent.size; ++i) {
      if (m_nodes[child].key == key) return &m_nodes[child];
      child += m_nodes[child].span;
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
};

}  // namespace pcusage
