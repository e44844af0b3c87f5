#include "format/format.h"
#include "model/json_writer.h"

namespace pcusage {

void write_json(const Dataset& data, Sink& out) { write_json_array(data, out); }

void write_ndjson(const Dataset& data, Sink& out) { write_json_lines(data, out); }

}  // namespace pcusage
