// The output format names (-o), on their own so that the options need nothing of the writers.
#pragma once

#include <optional>
#include <string_view>

namespace pcusage {

// An output format (-o).
enum class Format { kTable, kJson, kNdjson, kCsv, kTsv };

// Parses a format name (`table`, `json`, `ndjson`, `csv`, `tsv`) in any case (`JSON`, `Csv`).
std::optional<Format> parse_format(std::string_view name);

}  // namespace pcusage
