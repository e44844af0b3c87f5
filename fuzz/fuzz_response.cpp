// Fuzzes the response parser and every formatter: the first byte picks options, the rest is a body.
// Besides the sanitizers, it checks that no format prints more than a fixed multiple of its input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "format/format.h"
#include "model/columns.h"
#include "model/parser.h"
#include "model/sort.h"

namespace {

// Output bytes allowed per input byte, plus a constant for the header and short inputs. JSON's
// indentation is at most 2 spaces a level for 64 levels; a CSV or TSV row has a separator per
// column (kMaxStarColumns at most) and each item takes at least 3 bytes of input; escapes at most
// sextuple a byte.
constexpr std::size_t kMaxOutputMultiple = 1024;
constexpr std::size_t kOutputAllowance = 1 << 16;

// Counts and discards output, so the fuzzer spends its time in the code under test.
class CountingSink : public pcusage::Sink {
 public:
  std::size_t bytes() const { return m_bytes; }

 protected:
  bool drain(const char*, std::size_t n, std::string&) override {
    m_bytes += n;
    return true;
  }

 private:
  std::size_t m_bytes = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  pcusage::Dataset dataset;
  auto page = pcusage::parse_page(
      pcusage::ByteBuffer(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1)),
      dataset);
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
    CountingSink sink;
    pcusage::write_output(dataset, options, sink);
    (void)sink.finish();
    // The table pads every cell to its column's widest: rows times the widest cell, which its
    // width rules, not the parser's limits, have to bound.
    if (format == pcusage::Format::kTable) continue;
    if (sink.bytes() > kMaxOutputMultiple * size + kOutputAllowance) {
      std::fprintf(stderr, "format %d printed %zu bytes for %zu bytes of input\n",
                   static_cast<int>(format), sink.bytes(), size);
      std::abort();
    }
  }
  return 0;
}
