#include "format/format_kind.h"

#include <string>

#include "core/text.h"

namespace pcusage {

std::optional<Format> parse_format(std::string_view written) {
  const std::string name = to_lower(written);
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "ndjson") return Format::kNdjson;
  if (name == "csv") return Format::kCsv;
  if (name == "tsv") return Format::kTsv;
  return std::nullopt;
}

}  // namespace pcusage
