#include "model/json_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace pcusage::json_out {

// RapidJSON's output stream concept over a Sink. Its writers call Put and Flush; the overloads
// below use write and fill, to hand over runs of bytes at once.
class SinkStream {
 public:
  using Ch = char;
  explicit SinkStream(Sink& sink) : m_sink(sink) {}
  void Put(char c) { m_sink.put(c); }
  void Flush() {}  // the Sink drains when full and on finish()
  void write(const char* data, std::size_t n) { m_sink.write(std::string_view(data, n)); }
  void fill(char c, std::size_t n) { m_sink.fill(c, n); }

 private:
  Sink& m_sink;
};

// The same over a std::string, appended to.
class AppendStream {
 public:
  using Ch = char;
  explicit AppendStream(std::string& s) : m_s(s) {}
  void Put(char c) { m_s.push_back(c); }
  void Flush() {}
  void write(const char* data, std::size_t n) { m_s.append(data, n); }
  void fill(char c, std::size_t n) { m_s.append(n, c); }

 private:
  std::string& m_s;
};

// Indentation in one block rather than a Put a space: RapidJSON's writers call PutN unqualified,
// so these overloads are found by argument-dependent lookup and preferred to its generic
// template. Deeply nested values are indented by megabytes a line.
inline void PutN(SinkStream& stream, char c, std::size_t n) { stream.fill(c, n); }
inline void PutN(AppendStream& stream, char c, std::size_t n) { stream.fill(c, n); }

// What RapidJSON's writers ask of ScanWriteUnescapedString: write the string from `is` on up to
// the next byte that needs escaping, and say whether one is left. Theirs goes a byte at a time
// (a faster one exists only for SSE and a StringBuffer); this one writes each run at once. It also
// writes the \u00XX escapes of control characters itself, to keep their hex digits in lower case
// (RapidJSON 1.1 writes upper case; our output, like jq's and Python's, always had lower case),
// and leaves RapidJSON the quote, the backslash and the short forms \b \t \n \f \r.
template <typename Stream>
bool write_unescaped_runs(rapidjson::StringStream& is, std::size_t length, Stream& out) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  // Nonzero when a byte of `w` is below `n` (subtracting borrows into a clear high bit).
  const auto below = [](std::uint64_t w, std::uint64_t n) { return (w - n * kOnes) & ~w & kHigh; };
  const char* p = is.src_;
  const char* const end = is.head_ + length;
  while (true) {
    const char* const run = p;
    // Eight bytes at a time while none is a control, a quote or a backslash (XOR with those
    // leaves a zero byte, which is below 1).
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      if ((below(w, 0x20) | below(w ^ ('"' * kOnes), 1) | below(w ^ ('\\' * kOnes), 1)) != 0) {
        break;
      }
      p += 8;
    }
    while (p < end && static_cast<unsigned char>(*p) >= 0x20 && *p != '"' && *p != '\\') ++p;
    out.write(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') break;
    const auto hex = [](unsigned d) { return static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10); };
    const char escape[6] = {'\\', 'u', '0', '0', hex(c >> 4), hex(c & 0xFu)};
    out.write(escape, sizeof escape);
    ++p;
  }
  is.src_ = p;
  return p < end;
}

}  // namespace pcusage::json_out

template <>
inline bool rapidjson::Writer<pcusage::json_out::SinkStream>::ScanWriteUnescapedString(
    StringStream& is, size_t length) {
  return pcusage::json_out::write_unescaped_runs(is, length, *os_);
}

template <>
inline bool rapidjson::Writer<pcusage::json_out::AppendStream>::ScanWriteUnescapedString(
    StringStream& is, size_t length) {
  return pcusage::json_out::write_unescaped_runs(is, length, *os_);
}

namespace pcusage {

using json_out::AppendStream;
using json_out::SinkStream;

namespace {

// An open container: how many of its children are still to come, and whether it is an object.
struct OpenContainer {
  std::uint32_t remaining;
  bool object;
};

// What a walk keeps between values: the open containers, and each member name's JSON literal,
// built on first use (items repeat the same few names, escaped then once rather than each time).
struct WalkState {
  std::vector<OpenContainer> open;
  std::vector<std::string> key_texts;  // by key id; empty until first used

  std::string_view key_text(const Dataset& data, std::uint32_t key) {
    if (key >= key_texts.size()) key_texts.resize(std::size_t{key} + 1);
    std::string& text = key_texts[key];
    if (text.empty()) {
      AppendStream stream(text);
      rapidjson::Writer<AppendStream> writer(stream);
      const std::string_view name = data.key_name(key);
      writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    }
    return text;
  }
};

// Drives `writer` over the value at `root`. Nodes are in pre-order, so walking the subtree's
// index range visits them in output order; `open` only tracks which containers are open, so
// nesting depth is bounded by memory, not by the call stack (RapidJSON's writers keep their own
// level stack on the heap too).
template <typename Writer>
void write_value(const Dataset& data, std::uint32_t root, Writer& writer, WalkState& state) {
  std::vector<OpenContainer>& open = state.open;
  const std::vector<Node>& nodes = data.nodes();
  const std::uint32_t end = root + nodes[root].span;
  open.clear();
  for (std::uint32_t i = root; i < end; ++i) {
    const Node& node = nodes[i];
    if (!open.empty()) {
      --open.back().remaining;
      if (open.back().object) {
        // A raw string where the writer expects a key is a key: it counts members, not calls.
        const std::string_view key = state.key_text(data, node.key);
        writer.RawValue(key.data(), key.size(), rapidjson::kStringType);
      }
    }
    switch (node.kind) {
      case Kind::kNull:
        writer.Null();
        break;
      case Kind::kFalse:
        writer.Bool(false);
        break;
      case Kind::kTrue:
        writer.Bool(true);
        break;
      case Kind::kNumber:
        // The number's own text, verbatim. Not RawNumber: RapidJSON 1.1 writes that one quoted.
        writer.RawValue(node.text, node.size, rapidjson::kNumberType);
        break;
      case Kind::kString:
        writer.String(node.text, node.size);
        break;
      case Kind::kArray:
      case Kind::kObject: {
        const bool object = node.kind == Kind::kObject;
        object ? writer.StartObject() : writer.StartArray();
        if (node.size == 0) {
          object ? writer.EndObject() : writer.EndArray();
          break;
        }
        open.push_back(OpenContainer{node.size, object});
        continue;
      }
    }
    // A value just ended: close every container it was the last child of.
    while (!open.empty() && open.back().remaining == 0) {
      open.back().object ? writer.EndObject() : writer.EndArray();
      open.pop_back();
    }
  }
}

}  // namespace

void write_json_array(const Dataset& data, Sink& out) {
  SinkStream stream(out);
  rapidjson::PrettyWriter<SinkStream> writer(stream);
  writer.SetIndent(' ', 2);
  WalkState state;
  writer.StartArray();
  for (const std::uint32_t item : data.items()) write_value(data, item, writer, state);
  writer.EndArray();
  out.put('\n');
}

void write_json_lines(const Dataset& data, Sink& out) {
  SinkStream stream(out);
  rapidjson::Writer<SinkStream> writer(stream);
  WalkState state;
  for (const std::uint32_t item : data.items()) {
    writer.Reset(stream);
    write_value(data, item, writer, state);
    out.put('\n');
  }
}

void write_compact_json(const Dataset& data, std::uint32_t root, Sink& out) {
  SinkStream stream(out);
  rapidjson::Writer<SinkStream> writer(stream);
  WalkState state;
  write_value(data, root, writer, state);
}

void append_compact_json(const Dataset& data, std::uint32_t root, std::string& out) {
  AppendStream stream(out);
  rapidjson::Writer<AppendStream> writer(stream);
  WalkState state;
  write_value(data, root, writer, state);
}

}  // namespace pcusage
