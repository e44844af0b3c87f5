#include "model/json_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace pcusage {

// RapidJSON's output stream concept over a Sink (its writers use Put and Flush; PutN and
// ScanWriteUnescapedString below use fill and write).
class SinkStream {
 public:
  using Ch = char;
  explicit SinkStream(Sink& sink) : m_sink(sink) {}
  void Put(char c) { m_sink.put(c); }
  void Flush() {}  // the Sink drains when full and on finish()
  void fill(char c, std::size_t n) { m_sink.fill(c, n); }
  void write(const char* data, std::size_t n) { m_sink.write(std::string_view(data, n)); }

 private:
  Sink& m_sink;
};

}  // namespace pcusage

// The unescaped runs of a string in one write rather than a Put a byte: RapidJSON's writers ask
// this member for them (their own fast version exists only for SSE and a StringBuffer output).
template <>
inline bool rapidjson::Writer<pcusage::SinkStream>::ScanWriteUnescapedString(StringStream& is,
                                                                             size_t length) {
  const char* p = is.src_;
  const char* end = is.head_ + length;
  const char* run = p;
  // Eight bytes at a time while none needs escaping: a word has a byte below 0x20 when
  // subtracting 0x20 from every byte borrows into a clear high bit, and a quote or backslash when
  // XOR with it leaves a zero byte (the same test with 0x01).
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  const auto below = [](std::uint64_t w, std::uint64_t n) { return (w - n * kOnes) & ~w & kHigh; };
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if ((below(w, 0x20) | below(w ^ ('"' * kOnes), 1) | below(w ^ ('\\' * kOnes), 1)) != 0) break;
    p += 8;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++p;
  }
  os_->write(run, static_cast<std::size_t>(p - run));
  is.src_ = p;
  return p < end;
}

namespace pcusage {
namespace {

// Indentation in one block rather than a Put a space: RapidJSON's writers call PutN unqualified,
// so this overload is found by argument-dependent lookup and preferred to its generic template.
// Deeply nested values are indented by megabytes a line.
void PutN(SinkStream& stream, char c, std::size_t n) { stream.fill(c, n); }

// The same over a std::string.
class AppendStream {
 public:
  using Ch = char;
  explicit AppendStream(std::string& s) : m_s(s) {}
  void Put(char c) { m_s.push_back(c); }
  void Flush() {}

 private:
  std::string& m_s;
};

// True when `s` holds a control character. RapidJSON 1.1 writes the hex digits of \u00XX escapes
// in upper case, where our output (like jq's and Python's) has always had lower case; strings
// with controls are rare, and take the slower path that fixes the case.
bool has_control(std::string_view s) {
  bool found = false;
  for (const char c : s) found |= static_cast<unsigned char>(c) < 0x20;
  return found;
}

// Writes string `s` through `writer`, with \u escapes in lower case.
template <typename Writer>
void write_string(std::string_view s, Writer& writer) {
  const auto size = static_cast<rapidjson::SizeType>(s.size());
  if (!has_control(s)) {
    writer.String(s.data(), size);
    return;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> literal(buffer);
  literal.String(s.data(), size);
  std::string text(buffer.GetString(), buffer.GetSize());
  for (std::size_t at = text.find("\\u"); at != std::string::npos; at = text.find("\\u", at + 6)) {
    for (std::size_t i = at + 2; i < at + 6; ++i) text[i] = to_lower(text[i]);
  }
  writer.RawValue(text.data(), text.size(), rapidjson::kStringType);
}

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
      write_string(data.key_name(key), writer);
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
        write_string(node.str(), writer);
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
