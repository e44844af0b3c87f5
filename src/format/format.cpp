#include "format/format.h"

namespace pcusage {

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
