#include "model/columns.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/text.h"

namespace pcusage {

namespace {

// Objects are flattened at most this many member names deep; a non-empty object deeper than that
// is one leaf column (shown as compact JSON), so `*` stays bounded for any nesting depth.
constexpr std::size_t kMaxFlattenDepth = 64;

// At most this many field names are listed in a "no field" error, to keep it one readable line.
constexpr std::size_t kMaxListed = 100;

// A dot or backslash inside a member name is escaped with a backslash, so that every path has a
// name of its own: the member "a.b" is `a\.b`, the member "b" inside "a" is `a.b`.
void append_escaped_key(std::string& name, std::string_view key) {
  for (char c : key) {
    if (c == '.' || c == '\\') name += '\\';
    name += c;
  }
}

// The member names of a column name: split at unescaped dots, escapes removed.
std::vector<std::string> split_column_name(std::string_view name) {
  std::vector<std::string> keys(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size()) {
      keys.back() += name[++i];
    } else if (name[i] == '.') {
      keys.emplace_back();
    } else {
      keys.back() += name[i];
    }
  }
  return keys;
}

// A prefix tree of member-name paths, so each field of each item costs one hash lookup.
class PathTree {
 public:
  static constexpr std::uint32_t kRoot = 0;

  PathTree() : m_parent{kRoot}, m_key{kNoKey}, m_column{kNone} {}

  std::uint32_t child(std::uint32_t parent, std::uint32_t key) {
    const std::uint64_t edge = (std::uint64_t{parent} << 32) | key;
    const auto [it, added] = m_children.try_emplace(edge, static_cast<std::uint32_t>(m_key.size()));
    if (added) {
      m_parent.push_back(parent);
      m_key.push_back(key);
      m_column.push_back(kNone);
    }
    return it->second;
  }

  // Records `path` as a column when it is first seen as a leaf.
  void add_leaf(const Dataset& data, std::uint32_t path, std::vector<Column>& out) {
    if (m_column[path] != kNone) return;
    m_column[path] = static_cast<std::uint32_t>(out.size());
    Column column;
    for (std::uint32_t at = path; at != kRoot; at = m_parent[at]) column.path.push_back(m_key[at]);
    std::reverse(column.path.begin(), column.path.end());
    for (std::uint32_t key : column.path) {
      if (!column.name.empty()) column.name += '.';
      append_escaped_key(column.name, data.key_name(key));
    }
    out.push_back(std::move(column));
  }

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  std::unordered_map<std::uint64_t, std::uint32_t> m_children;
  std::vector<std::uint32_t> m_parent;
  std::vector<std::uint32_t> m_key;
  std::vector<std::uint32_t> m_column;
};

bool reaches_any_item(const Dataset& data, const Column& column) {
  for (std::uint32_t item : data.items()) {
    if (lookup(data, item, column) != nullptr) return true;
  }
  return false;
}

std::string no_field_message(const Dataset& data, const std::string& name, const char* flag) {
  std::string message = std::string(flag) + ": no field \"" + printable_excerpt(name) +
                        "\" in the response; available: ";
  const std::vector<Column> available = all_columns(data);
  if (available.empty()) message += "(none)";
  for (std::size_t i = 0; i < available.size() && i < kMaxListed; ++i) {
    if (i > 0) message += ", ";
    message += printable_excerpt(available[i].name);
  }
  if (available.size() > kMaxListed) {
    message += ", ... (" + std::to_string(available.size() - kMaxListed) + " more)";
  }
  return message;
}

}  // namespace

const std::vector<std::string>& default_column_names() {
  static const std::vector<std::string> kNames = {"workloadName", "serviceName", "channel",
                                                  "proratedLicensesUsagePercent",
                                                  "processedDateTime"};
  return kNames;
}

std::vector<Column> all_columns(const Dataset& data) {
  struct Frame {
    std::uint32_t next;       // node index of the next member to visit
    std::uint32_t remaining;  // members left in this object
    std::uint32_t path;       // PathTree node of this object
  };
  const std::vector<Node>& nodes = data.nodes();
  std::vector<Column> out;
  PathTree tree;
  std::vector<Frame> stack;  // never deeper than kMaxFlattenDepth
  // Received order is node order: the columns do not depend on how the items were sorted, and
  // walking the arena forwards is cache-friendly.
  std::vector<std::uint32_t> items = data.items();
  std::sort(items.begin(), items.end());
  for (std::uint32_t item : items) {
    stack.push_back({item + 1, nodes[item].size(), PathTree::kRoot});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.remaining == 0) {
        stack.pop_back();
        continue;
      }
      const std::uint32_t at = frame.next;
      const Node& node = nodes[at];
      frame.next += node.span();
      --frame.remaining;
      const std::uint32_t path = tree.child(frame.path, node.key());
      if (node.kind() == Kind::kObject && node.size() > 0 && stack.size() < kMaxFlattenDepth) {
        stack.push_back({at + 1, node.size(), path});  // invalidates `frame`
      } else {
        tree.add_leaf(data, path, out);
      }
    }
  }
  return out;
}

Result<std::vector<Column>> resolve_columns(const Dataset& data,
                                            const std::vector<std::string>& names, bool lenient,
                                            const char* flag) {
  std::vector<Column> out;
  for (const std::string& name : names) {
    if (name == "*") {
      // With no items there are no fields to list: the report's own columns make the header.
      std::vector<Column> all = data.items().empty()
                                    ? resolve_columns(data, default_column_names(), true).value()
                                    : all_columns(data);
      if (all.size() > kMaxStarColumns) {
        return Error{ExitCode::kInvalid,
                     std::string(flag) + ": \"*\" would make " + std::to_string(all.size()) +
                         " columns, more than " + std::to_string(kMaxStarColumns) +
                         "; the items have too many distinct fields: name the columns"};
      }
      out.insert(out.end(), std::make_move_iterator(all.begin()),
                 std::make_move_iterator(all.end()));
      continue;
    }
    Column column{name, {}};
    for (const std::string& part : split_column_name(name)) {
      const std::uint32_t key = data.find_key(part);
      if (key == kNoKey) {
        column.path.clear();  // a name no member has: no item can have this field
        break;
      }
      column.path.push_back(key);
    }
    if (!lenient && !data.items().empty() && !reaches_any_item(data, column)) {
      return Error{ExitCode::kUsage, no_field_message(data, name, flag)};
    }
    out.push_back(std::move(column));
  }
  return out;
}

}  // namespace pcusage
