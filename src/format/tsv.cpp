#include <string>

#include "format/cell_text.h"
#include "format/format.h"

namespace pcusage {

void write_tsv(const Dataset& data, const FormatOptions& options, Sink& out) {
  const std::vector<Column>& columns = options.columns;
  if (columns.empty()) return;
  // On a terminal, control characters are shown as the table shows them (which escapes the same
  // four as TSV, in the same way, and every other control too).
  auto field = [&](std::string_view text) {
    if (options.escape_controls) {
      write_table_text(text, out);
    } else {
      write_tsv_text(text, out);
    }
  };
  if (options.header) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put('\t');
      field(columns[c].name);
    }
    out.put('\n');
  }
  std::string scratch;
  for (std::uint32_t item : data.items()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put('\t');
      field(cell_of(data, lookup(data, item, columns[c]), scratch).text);
    }
    out.put('\n');
  }
}

}  // namespace pcusage
