#include <string>

#include "format/cell_text.h"
#include "format/format.h"

namespace pcusage {

void write_tsv(const Dataset& data, const FormatOptions& options, Sink& out) {
  const std::vector<Column>& columns = options.columns;
  if (columns.empty()) return;
  if (options.header) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put('\t');
      write_tsv_text(columns[c].name, out);
    }
    out.put('\n');
  }
  std::string scratch;
  for (std::uint32_t item : data.items()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put('\t');
      write_tsv_text(cell_of(data, lookup(data, item, columns[c]), scratch).text, out);
    }
    out.put('\n');
  }
}

}  // namespace pcusage
