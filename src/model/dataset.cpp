#include "model/dataset.h"

#include <utility>

namespace pcusage {

std::string& Dataset::adopt(std::string body) {
  // A deque never moves its elements, so pointers into earlier bodies stay valid.
  return m_bodies.emplace_back(std::move(body));
}

std::uint32_t Dataset::intern(std::string_view name) {
  const auto found = m_key_ids.find(name);
  if (found != m_key_ids.end()) return found->second;
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

}  // namespace pcusage
