// Fuzzes the response parser and every formatter: the first byte picks options, the rest is a body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "format/format.h"
#include "model/columns.h"
#include "model/parser.h"
#include "model/sort.h"

namespace {

// Discards output, so the fuzzer spends its time in the code under test.
class NullSink : public pcusage::Sink {
 protected:
  bool drain(const char*, std::size_t, std::string&) override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  pcusage::Dataset dataset;
  auto page = pcusage::parse_page(std::string(reinterpret_cast<const char*>(data + 1), size - 1), dataset);
  if (!page) return 0;
  auto columns = pcusage::resolve_columns(
      dataset, (flags & 1) ? std::vector<std::string>{"*"} : pcusage::default_column_names(), true);
  if (!columns) return 0;
  if ((flags & 2) && !columns->empty()) {
    pcusage::sort_items(dataset, columns->at((flags >> 4) % columns->size()), (flags & 4) != 0);
  }
  pcusage::FormatOptions options;
  options.columns = *columns;
  options.header = (flags & 8) == 0;
  options.csv_allow_formulas = (flags & 4) != 0;
  for (auto format : {pcusage::Format::kTable, pcusage::Format::kJson, pcusage::Format::kNdjson,
                      pcusage::Format::kCsv, pcusage::Format::kTsv}) {
    options.format = format;
    NullSink sink;
    pcusage::write_output(dataset, options, sink);
    (void)sink.finish();
  }
  return 0;
}
