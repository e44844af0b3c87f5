#include <cstdint>
#include <vector>

#include "format/format.h"
#include "model/json_writer.h"

namespace pcusage {

void write_compact_json(const Dataset& data, std::uint32_t root, Sink& out) {
  JsonWriter(data).write(root, false, 0, out);
}

void write_json(const Dataset& data, Sink& out) {
  const std::vector<std::uint32_t>& items = data.items();
  if (items.empty()) {
    out.write("[]\n");
    return;
  }
  JsonWriter writer(data);
  out.put('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.write(i == 0 ? "\n  " : ",\n  ");
    writer.write(items[i], true, 1, out);
  }
  out.write("\n]\n");
}

void write_ndjson(const Dataset& data, Sink& out) {
  JsonWriter writer(data);
  for (std::uint32_t item : data.items()) {
    writer.write(item, false, 0, out);
    out.put('\n');
  }
}

}  // namespace pcusage
