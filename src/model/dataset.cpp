#include "model/dataset.h"

#include <algorithm>
#include <string>
#include <utility>

namespace pcusage {

ByteBuffer& Dataset::adopt(ByteBuffer body) {
  // A deque never moves its elements, so pointers into earlier bodies stay valid.
  return m_bodies.emplace_back(std::move(body));
}

std::uint32_t Dataset::intern(std::string_view name) {
  const auto found = m_key_ids.find(name);
  if (found != m_key_ids.end()) return found->second;
  if (m_key_names.size() >= m_max_keys) return kNoKey;
  // The map and m_key_names view the deque's copy, whose address never changes.
  const std::string_view stored = m_key_storage.emplace_back(name);
  const auto id = static_cast<std::uint32_t>(m_key_names.size());
  m_key_names.push_back(stored);
  m_key_ids.emplace(stored, id);
  return id;
}

std::uint32_t Dataset::find_key(std::string_view name) const {
  const auto found = m_key_ids.find(name);
  return found == m_key_ids.end() ? kNoKey : found->second;
}

bool Dataset::prepend_strings(
    std::size_t position, const std::vector<std::pair<std::string_view, std::string_view>>& first) {
  const std::uint32_t old = m_items[position];
  std::vector<std::uint32_t> keys;
  keys.reserve(first.size());
  for (const auto& member : first) {
    keys.push_back(intern(member.first));
    if (keys.back() == kNoKey) return false;
  }
  const auto index = static_cast<std::uint32_t>(m_nodes.size());
  m_nodes.push_back(Node::container(Kind::kObject, kNoKey));
  std::uint32_t members = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    // A deque never moves its elements: the node's pointer stays valid.
    const std::string& text = m_texts.emplace_back(first[i].second);
    m_nodes.push_back(
        Node::scalar(Kind::kString, text.data(), static_cast<std::uint32_t>(text.size()), keys[i]));
    ++members;
  }
  // By index: the arena may grow (and move) while the item's own nodes are copied.
  std::uint32_t child = old + 1;
  const std::uint32_t count = m_nodes[old].kind() == Kind::kObject ? m_nodes[old].size() : 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t span = m_nodes[child].span();
    const bool replaced = std::find(keys.begin(), keys.end(), m_nodes[child].key()) != keys.end();
    if (!replaced) {
      for (std::uint32_t n = 0; n < span; ++n) m_nodes.push_back(m_nodes[child + n]);
      ++members;
    }
    child += span;
  }
  m_nodes[index].set_size(members);
  m_nodes[index].set_span(static_cast<std::uint32_t>(m_nodes.size() - index));
  m_items[position] = index;
  return true;
}

Error too_many_keys(const Dataset& data) {
  return Error{ExitCode::kInvalid, "invalid response: more than " +
                                       std::to_string(data.max_keys()) + " distinct member names"};
}

}  // namespace pcusage
