// Writing values of the node arena back as JSON text, compact or indented, without recursion.
#pragma once

#include <cstdint>
#include <string>

#include "core/sink.h"
#include "model/dataset.h"

namespace pcusage {

// Writes every item of `data` as one indented JSON array (2 spaces a level), then a newline.
void write_json_array(const Dataset& data, Sink& out);

// Writes every item of `data` as compact JSON on a line of its own.
void write_json_lines(const Dataset& data, Sink& out);

// Writes the value rooted at node index `root` as compact JSON.
void write_compact_json(const Dataset& data, std::uint32_t root, Sink& out);

// Appends the value rooted at node index `root` as compact JSON to `out` (cells of objects and
// arrays, sort keys).
void append_compact_json(const Dataset& data, std::uint32_t root, std::string& out);

}  // namespace pcusage
