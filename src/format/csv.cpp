#include <string>

#include "format/cell_text.h"
#include "format/format.h"

namespace pcusage {

void write_csv(const Dataset& data, const FormatOptions& options, Sink& out) {
  const std::vector<Column>& columns = options.columns;
  // With no columns every record would be a blank line, which CSV readers skip or reject.
  if (columns.empty()) return;
  const bool guard = !options.csv_allow_formulas;
  // A record of one empty field would be a blank line, which readers drop: write it as "".
  const bool single = columns.size() == 1;
  // On a terminal, control characters are shown, not sent (the reader is a person).
  std::string shown;
  auto field = [&](std::string_view text, bool guard_this) {
    if (options.escape_controls) {
      shown = show_table_text(text);
      text = shown;
    }
    write_csv_field(text, guard_this, out);
  };
  if (options.header) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put(',');
      if (single && columns[c].name.empty()) {
        out.write("\"\"");
      } else {
        field(columns[c].name, guard);
      }
    }
    out.put('\n');
  }
  std::string scratch;
  for (std::uint32_t item : data.items()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c != 0) out.put(',');
      const Cell cell = cell_of(data, lookup(data, item, columns[c]), scratch);
      if (single && cell.text.empty()) {
        out.write("\"\"");
      } else {
        field(cell.text, guard && cell.is_string);
      }
    }
    out.put('\n');
  }
}

}  // namespace pcusage
