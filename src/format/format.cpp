#include "format/format.h"

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

void write_output(const Dataset& data, const FormatOptions& options, Sink& out) {
  switch (options.format) {
    case Format::kTable:
      write_table(data, options, out);
      break;
    case Format::kJson:
      write_json(data, out);
      break;
    case Format::kNdjson:
      write_ndjson(data, out);
      break;
    case Format::kCsv:
      write_csv(data, options, out);
      break;
    case Format::kTsv:
      write_tsv(data, options, out);
      break;
  }
}

}  // namespace pcusage
