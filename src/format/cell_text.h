// Cell rendering shared by the table, CSV and TSV writers: the text of a cell and its escapes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "format/sink.h"
#include "model/dataset.h"

namespace pcusage {

// The text of one cell and the kind of JSON value it came from.
struct Cell {
  std::string_view text;   // valid until the scratch string passed to cell_of() changes
  bool is_number = false;  // from a JSON number: right-aligned in tables, never formula-guarded
  bool is_string = false;  // from a JSON string: the only cells the CSV formula guard touches
};

// The cell of `node` (nullptr when missing): missing and null are empty, strings their text,
// numbers their original text, booleans `true`/`false`, objects and arrays compact JSON (built in
// `scratch`, whose earlier contents are replaced).
Cell cell_of(const Dataset& data, const Node* node, std::string& scratch);

// True when `text` starts with a byte a spreadsheet may take as a formula: = + - @ TAB CR.
bool starts_like_formula(std::string_view text);

// Writes `text` as one CSV field: a leading `'` when `guard` and it starts like a formula, then
// RFC 4180 quoting when it holds a comma, quote, CR or LF.
void write_csv_field(std::string_view text, bool guard, Sink& out);

// Writes `text` with backslash, TAB, LF and CR as `\\`, `\t`, `\n`, `\r`; all else unchanged.
void write_tsv_text(std::string_view text, Sink& out);

// Writes `text` for a terminal: `\n` `\r` `\t` `\\`, `\xHH` for other C0 controls, DEL, C1
// controls and bytes of invalid UTF-8, `\uHHHH` for bidirectional controls; all else unchanged.
void write_table_text(std::string_view text, Sink& out);

// Terminal cells taken by `text` once written by write_table_text().
std::size_t table_text_width(std::string_view text);

// `text` as write_table_text() shows it, as a string.
std::string show_table_text(std::string_view text);

// `text` as write_table_text() shows it, cut to at most `width` terminal cells with "…" as its
// last cell when anything was left out (a wide character is never split; combining marks stay
// with their base). `width` is at least 1.
struct FittedText {
  std::string text;
  std::size_t width = 0;
};
FittedText fit_table_text(std::string_view text, std::size_t width);

// True when `text` starts like an ISO 8601 date (YYYY-MM-DD): such columns are never shortened.
bool looks_like_date(std::string_view text);

}  // namespace pcusage
