// The output formats and the one entry point that writes a Dataset in any of them.
#pragma once

#include <cstddef>
#include <vector>

#include "core/sink.h"
#include "format/format_kind.h"
#include "model/columns.h"
#include "model/dataset.h"
#include "model/json_writer.h"

namespace pcusage {

// How to write: the format, the columns (table/csv/tsv), the header row and the formula guard.
struct FormatOptions {
  Format format = Format::kTable;
  std::vector<Column> columns;
  bool header = true;
  bool csv_allow_formulas = false;
  // Table: the width to fit (a terminal's columns) by shortening the widest text columns with
  // "…"; number and date columns keep their width. 0: no limit, every character kept.
  std::size_t max_width = 0;
  // csv/tsv: show control characters as the table does (the reader is a terminal, not a program).
  bool escape_controls = false;
};

// Table: the most terminal cells a column is padded to. A wider cell is still printed whole and
// pushes the rest of its own row right, so one long value cannot pad every other row to its width
// (rows times the widest cell would be quadratic in a response's size). Wider than most terminal
// lines and than any value the service sends, so real tables never meet it.
inline constexpr std::size_t kMaxPaddedColumnWidth = 256;

// Table: the spaces between two columns.
inline constexpr std::size_t kTableColumnGap = 2;

// Writes every item of `data`, in data.items() order.
void write_output(const Dataset& data, const FormatOptions& options, Sink& out);

// Per-format writers, each in its own file.
void write_json(const Dataset& data, Sink& out);
void write_ndjson(const Dataset& data, Sink& out);
void write_csv(const Dataset& data, const FormatOptions& options, Sink& out);
void write_tsv(const Dataset& data, const FormatOptions& options, Sink& out);
void write_table(const Dataset& data, const FormatOptions& options, Sink& out);

}  // namespace pcusage
