#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "format/cell_text.h"
#include "format/format.h"

namespace pcusage {
namespace {

// Writes one row cell by cell. Padding is held back until something visible follows it, so no
// line ever ends in spaces (trailing empty cells and the last column's padding vanish).
class RowWriter {
 public:
  explicit RowWriter(Sink& out) : m_out(out) {}

  // Writes `text` (already measured as `width`) in a column padded to `column_width`; `shown` text
  // is already as write_table_text() would show it (escapes done) and goes out as it is. Text
  // wider than the column gets no padding and pushes the rest of the row right.
  void cell(std::string_view text, std::size_t width, std::size_t column_width, bool right,
            bool first, bool shown = false) {
    if (!first) m_pending += kTableColumnGap;
    const std::size_t pad = width < column_width ? column_width - width : 0;
    if (right) m_pending += pad;
    if (!text.empty()) {
      m_out.fill(' ', m_pending);
      m_pending = 0;
      if (shown) {
        m_out.write(text);
      } else {
        write_table_text(text, m_out);
      }
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

constexpr std::size_t kMinShrunkWidth = 5;  // a shortened text column keeps 4 cells and "…"

// Column widths that fit `max_width`: the widest columns are capped at one common width (the
// largest that fits), so narrow columns keep theirs, but no column goes below its floor (for
// number and date columns, their widest value: only their header may be cut). Returns `widths`
// unchanged when they fit already, and the floors when even those do not fit.
std::vector<std::size_t> fit_widths(std::vector<std::size_t> widths,
                                    const std::vector<std::size_t>& floors, std::size_t max_width) {
  const std::size_t gaps = kTableColumnGap * (widths.size() - 1);
  auto total = [&](std::size_t cap) {
    std::size_t sum = gaps;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      sum += std::max(floors[c], std::min(widths[c], cap));
    }
    return sum;
  };
  const std::size_t widest = *std::max_element(widths.begin(), widths.end());
  if (total(widest) <= max_width) return widths;
  // The largest cap whose total fits (binary search: the total grows with the cap).
  std::size_t lo = 0, hi = widest;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo + 1) / 2;
    if (total(mid) <= max_width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  std::size_t spare = max_width > total(lo) ? max_width - total(lo) : 0;
  for (std::size_t c = 0; c < widths.size(); ++c) {
    const std::size_t capped = std::max(floors[c], std::min(widths[c], lo));
    // What the common cap leaves over goes to the first columns it cut.
    if (capped < widths[c] && spare > 0) {
      widths[c] = capped + 1;
      --spare;
    } else {
      widths[c] = capped;
    }
  }
  return widths;
}

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
  // How far each column may shrink: text columns to a few cells; number and date columns keep
  // their widest value (only a longer header is cut).
  std::vector<std::size_t> floors(ncols, 0);
  std::vector<bool> text_column(ncols, false);
  std::string scratch;
  for (std::size_t r = 0; r < items.size(); ++r) {
    for (std::size_t c = 0; c < ncols; ++c) {
      const Cell cell = cell_of(data, lookup(data, items[r], columns[c]), scratch);
      // Number text is plain ASCII as the parser validated it: its width is its length.
      const std::size_t width = cell.is_number ? cell.text.size() : table_text_width(cell.text);
      cell_widths[r * ncols + c] = static_cast<std::uint32_t>(width);
      widths[c] = std::max(widths[c], width);
      if (options.max_width == 0) continue;
      if (cell.is_number || looks_like_date(cell.text)) {
        floors[c] = std::max(floors[c], width);
      } else if (!cell.text.empty()) {
        text_column[c] = true;
      }
    }
  }
  if (options.max_width != 0) {
    for (std::size_t c = 0; c < ncols; ++c) {
      if (text_column[c]) floors[c] = std::min(widths[c], kMinShrunkWidth);
      floors[c] = std::max<std::size_t>(floors[c], 1);
    }
    widths = fit_widths(widths, floors, options.max_width);
  }

  // Fitting decides what is shown, the cap only how far a column is padded: a cell past the cap
  // overflows its column, so each row's padding is bounded whatever one cell's length.
  std::vector<std::size_t> padded(ncols);
  for (std::size_t c = 0; c < ncols; ++c) {
    padded[c] = std::min(widths[c], kMaxPaddedColumnWidth);
  }

  RowWriter row(out);
  // A cell wider than its (shortened) column is cut with an ellipsis; the rest go out as they are.
  auto write_cell = [&](std::string_view text, std::size_t width, std::size_t c, bool right) {
    if (width <= widths[c]) {
      row.cell(text, width, padded[c], right, c == 0);
      return;
    }
    const FittedText fitted = fit_table_text(text, widths[c]);
    row.cell(fitted.text, fitted.width, padded[c], right, c == 0, true);
  };
  if (options.header) {
    for (std::size_t c = 0; c < ncols; ++c) {
      write_cell(columns[c].name, table_text_width(columns[c].name), c, false);
    }
    row.end();
  }
  for (std::size_t r = 0; r < items.size(); ++r) {
    for (std::size_t c = 0; c < ncols; ++c) {
      const Cell cell = cell_of(data, lookup(data, items[r], columns[c]), scratch);
      write_cell(cell.text, cell_widths[r * ncols + c], c, cell.is_number);
    }
    row.end();
  }
}

}  // namespace pcusage
