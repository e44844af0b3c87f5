// Column paths over items: resolving dotted names, flattening `*`, and looking cells up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/dataset.h"

namespace pcusage {

// One output column: its header text and the member names (key ids) that lead to its cell.
struct Column {
  std::string name;
  std::vector<std::uint32_t> path;  // empty when no item has this field
};

// The most columns "*" may expand to. Every row has a cell (at least a separator) for every column,
// so without a bound a response of many items, each with a field of its own, would print the
// square of its size. This API's items have about 15 fields.
inline constexpr std::size_t kMaxStarColumns = 1024;

// The default columns, in order.
const std::vector<std::string>& default_column_names();

// Every field seen in the items, nested objects flattened to dotted paths, in first-seen order.
// A non-empty object is flattened; scalars, arrays and empty objects are leaves. A dot or backslash
// in a member name is escaped with a backslash (`a\.b`), so no two columns share a name.
std::vector<Column> all_columns(const Dataset& data);

// Resolves names (dotted paths, `\.` for a dot within a member name; "*" expands to all_columns,
// or to the default columns when there are no items; more than kMaxStarColumns fields is
// ExitCode::kInvalid) against the items. When the dataset has
// items and a name reaches no item, fails with ExitCode::kUsage listing the available fields,
// unless `lenient` (the default columns are never an error).
Result<std::vector<Column>> resolve_columns(const Dataset& data,
                                            const std::vector<std::string>& names, bool lenient,
                                            const char* flag = "--columns");

// The cell of `item` (a node index) for `column`, or nullptr when missing. Inline: the writers
// call it for every cell.
inline const Node* lookup(const Dataset& data, std::uint32_t item, const Column& column) {
  if (column.path.empty()) return nullptr;
  const Node* base = data.nodes().data();
  const Node* node = nullptr;
  std::uint32_t at = item;
  for (std::uint32_t key : column.path) {
    node = data.member(at, key);  // nullptr when `at` is not an object
    if (node == nullptr) return nullptr;
    at = static_cast<std::uint32_t>(node - base);
  }
  return node;
}

}  // namespace pcusage
