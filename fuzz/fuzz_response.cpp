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

// The table also pads: a column to at most kMaxPaddedColumnWidth cells (a wider cell is printed
// once, as text, and pads nothing), plus the gap, so a row's padding is at most kMaxRowPadding
// bytes a column. Rows are the header and one per item, and an item takes at least kMinItemBytes
// of input (`{},`). With at most kMaxStarColumns columns, that is a fixed multiple of
// kMaxOutputMultiple + kMaxStarColumns * kMaxRowPadding / kMinItemBytes (about 89,000) bytes per
// input byte, about 1,500 with the 5 default columns; the check uses the run's own column count.
constexpr std::size_t kMaxRowPadding = pcusage::kMaxPaddedColumnWidth + pcusage::kTableColumnGap;
constexpr std::size_t kMinItemBytes = 3;

// The most bytes `format` may print for `size` bytes of input over `columns` columns.
std::size_t output_limit(pcusage::Format format, std::size_t size, std::size_t columns) {
  const std::size_t limit = kMaxOutputMultiple * size + kOutputAllowance;
  if (format != pcusage::Format::kTable) return limit;
  const std::size_t padding = (size / kMinItemBytes + 1) * columns * kMaxRowPadding;
  return limit + padding;
}

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
  // The table twice: whole, as in a pipe, and fitted to an 80-column terminal.
  struct Run {
    pcusage::Format format;
    std::size_t max_width;
  };
  for (Run run : {Run{pcusage::Format::kTable, 0}, Run{pcusage::Format::kTable, 80},
                  Run{pcusage::Format::kJson, 0}, Run{pcusage::Format::kNdjson, 0},
                  Run{pcusage::Format::kCsv, 0}, Run{pcusage::Format::kTsv, 0}}) {
    options.format = run.format;
    options.max_width = run.max_width;
    CountingSink sink;
    pcusage::write_output(dataset, options, sink);
    (void)sink.finish();
    if (sink.bytes() > output_limit(run.format, size, columns->size())) {
      std::fprintf(stderr, "format %d (width %zu) printed %zu bytes for %zu bytes of input\n",
                   static_cast<int>(run.format), run.max_width, sink.bytes(), size);
      std::abort();
    }
  }
  return 0;
}
