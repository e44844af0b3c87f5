#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "format/cell_text.h"
#include "format/format.h"

namespace pcusage {
namespace {

constexpr std::size_t kGap = 2;

// Writes one row cell by cell. Padding is held back until something visible follows it, so no
// line ever ends in spaces (trailing empty cells and the last column's padding vanish).
class RowWriter {
 public:
  explicit RowWriter(Sink& out) : m_out(out) {}

  // Writes `text` (already measured as `width`) in a column `column_width` wide.
  void cell(std::string_view text, std::size_t width, std::size_t column_width, bool right,
            bool first) {
    if (!first) m_pending += kGap;
    const std::size_t pad = column_width - width;
    if (right) m_pending += pad;
    if (!text.empty()) {
      m_out.fill(' ', m_pending);
      m_pending = 0;
      write_table_text(text, m_out);
    }
    if (!right) m_pending += pad;
  }

  // Ends the row, dropping padding not followed by text.
  void end() {
    m_pending = 0;
    m_out.put('\n');
  }

 private:
  Sink& m_out;
  std::size_t m_pending = 0;
};

}  // namespace

void write_table(const Dataset& data, const FormatOptions& options, Sink& out) {
  const std::vector<Column>& columns = options.columns;
  const std::size_t ncols = columns.size();
  if (ncols == 0) return;
  const std::vector<std::uint32_t>& items = data.items();

  // Pass 1: measure every cell once, keeping the widths so pass 2 only writes.
  std::vector<std::size_t> widths(ncols, 0);
  if (options.header) {
    for (std::size_t c = 0; c < ncols; ++c) widths[c] = table_text_width(columns[c].name);
  }
  std::vector<std::uint32_t> cell_widths(items.size() * ncols);
  std::string scratch;
  for (std::size_t r = 0; r < items.size(); ++r) {
    for (std::size_t c = 0; c < ncols; ++c) {
      const Cell cell = cell_of(data, lookup(data, items[r], columns[c]), scratch);
      // Number text is plain ASCII as the parser validated it: its width is its length.
      const std::size_t width = cell.is_number ? cell.text.size() : table_text_width(cell.text);
      cell_widths[r * ncols + c] = static_cast<std::uint32_t>(width);
      widths[c] = std::max(widths[c], width);
    }
  }

  RowWriter row(out);
  if (options.header) {
    for (std::size_t c = 0; c < ncols; ++c) {
      row.cell(columns[c].name, table_text_width(columns[c].name), widths[c], false, c == 0);
    }
    row.end();
  }
  for (std::size_t r = 0; r < items.size(); ++r) {
    for (std::size_t c = 0; c < ncols; ++c) {
      const Cell cell = cell_of(data, lookup(data, items[r], columns[c]), scratch);
      row.cell(cell.text, cell_widths[r * ncols + c], widths[c], cell.is_number, c == 0);
    }
    row.end();
  }
}

}  // namespace pcusage
