#include "model/json_writer.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

// Written by hand rather than through RapidJSON's Writer/PrettyWriter: on the benchmark's
// 100,000-item response the RapidJSON version cost more than 10% in -o json and -o ndjson
// (docs/ARCHITECTURE.md, "JSON output").

namespace pcusage {

namespace {

// A std::string with the write/put/fill calls of a Sink, so that one walk serves both.
struct AppendOut {
  std::string& s;
  void write(std::string_view v) { s.append(v.data(), v.size()); }
  void put(char c) { s.push_back(c); }
  void fill(char c, std::size_t n) { s.append(n, c); }
};

// The bytes a JSON string literal must escape: quote, backslash and C0 controls.
constexpr std::array<bool, 256> make_json_escape_set() {
  std::array<bool, 256> set{};
  for (int c = 0; c < 0x20; ++c) set[static_cast<std::size_t>(c)] = true;
  set['"'] = true;
  set['\\'] = true;
  return set;
}
constexpr std::array<bool, 256> kJsonEscape = make_json_escape_set();

// The first byte in [p, end) that a JSON string literal must escape, or `end`. Text rarely has
// any, so whole 8-byte words are tested at once: a word has a byte below 0x20 when subtracting
// 0x20 from every byte borrows into a clear high bit, and a quote or backslash when XOR with it
// leaves a zero byte (the same test with 0x01).
const char* find_json_escape(const char* p, const char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  const auto below = [](std::uint64_t w, std::uint64_t n) { return (w - n * kOnes) & ~w & kHigh; };
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if ((below(w, 0x20) | below(w ^ ('"' * kOnes), 1) | below(w ^ ('\\' * kOnes), 1)) != 0) break;
    p += 8;
  }
  while (p < end && !kJsonEscape[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

// Writes `s` as a JSON string literal: UTF-8 goes out raw (like ensure_ascii=False), only
// quote, backslash and C0 controls are escaped, using the short forms where JSON has them.
template <typename Out>
void write_json_string(std::string_view s, Out& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.put('"');
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  for (; (p = find_json_escape(p, end)) < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (p != run) out.write(std::string_view(run, static_cast<std::size_t>(p - run)));
    run = p + 1;
    // Quote, backslash and the controls JSON has a short form for; \u00xx for the others.
    static constexpr std::string_view kShortFrom = "\"\\\n\r\t\b\f";
    static constexpr std::string_view kShortTo = "\"\\nrtbf";
    const std::size_t short_form = kShortFrom.find(static_cast<char>(c));
    if (short_form != std::string_view::npos) {
      const char escape[2] = {'\\', kShortTo[short_form]};
      out.write(std::string_view(escape, sizeof escape));
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.write(std::string_view(escape, sizeof escape));
    }
  }
  if (p != run) out.write(std::string_view(run, static_cast<std::size_t>(p - run)));
  out.put('"');
}

// An open container while writing: how many children are still to come and how to close it.
struct OpenContainer {
  std::uint32_t remaining;
  bool object;
  bool first;
};

// Writes JSON values from the node arena without recursion. Nodes are in pre-order, so walking
// the subtree's index range visits them in output order; the explicit stack only tracks which
// containers are open, so nesting depth is bounded by memory, not by the call stack.
class ArenaJsonWriter {
 public:
  explicit ArenaJsonWriter(const Dataset& data) : m_data(data) {}

  // Writes the value at `root`; `pretty` indents by 2 spaces per level, starting at `level`.
  template <typename Out>
  void write(std::uint32_t root, bool pretty, std::size_t level, Out& out) {
    const std::vector<Node>& nodes = m_data.nodes();
    const std::uint32_t end = root + nodes[root].span();
    m_stack.clear();
    for (std::uint32_t i = root; i < end; ++i) {
      const Node& node = nodes[i];
      if (!m_stack.empty()) {
        OpenContainer& parent = m_stack.back();
        --parent.remaining;
        if (!parent.first) out.put(',');
        parent.first = false;
        if (pretty) new_line(2 * (level + m_stack.size()), out);
        if (parent.object) {
          out.write(key_text(node.key()));
          if (pretty) out.put(' ');
        }
      }
      switch (node.kind()) {
        case Kind::kNull:
          out.write("null");
          break;
        case Kind::kFalse:
          out.write("false");
          break;
        case Kind::kTrue:
          out.write("true");
          break;
        case Kind::kNumber:
          out.write(node.str());
          break;
        case Kind::kString:
          write_json_string(node.str(), out);
          break;
        case Kind::kArray:
        case Kind::kObject: {
          const bool object = node.kind() == Kind::kObject;
          if (node.size() == 0) {
            out.write(object ? "{}" : "[]");
            break;
          }
          out.put(object ? '{' : '[');
          m_stack.push_back(OpenContainer{node.size(), object, true});
          continue;
        }
      }
      // A value just ended: close every container it was the last child of.
      while (!m_stack.empty() && m_stack.back().remaining == 0) {
        const bool object = m_stack.back().object;
        m_stack.pop_back();
        if (pretty) new_line(2 * (level + m_stack.size()), out);
        out.put(object ? '}' : ']');
      }
    }
  }

 private:
  // Starts a line indented by `indent` spaces, in a single write at the usual shallow depths.
  template <typename Out>
  static void new_line(std::size_t indent, Out& out) {
    static constexpr std::string_view kLine =
        "\n                                                                ";
    if (indent < kLine.size()) {
      out.write(kLine.substr(0, indent + 1));
    } else {
      out.put('\n');
      out.fill(' ', indent);
    }
  }

  // Member name `key` as a JSON string literal and its colon, built on first use: items repeat
  // the same few names, which are then escaped once per writer rather than once per item.
  std::string_view key_text(std::uint32_t key) {
    if (key >= m_key_texts.size()) m_key_texts.resize(std::size_t{key} + 1);
    std::string& text = m_key_texts[key];
    if (text.empty()) {
      AppendOut out{text};
      write_json_string(m_data.key_name(key), out);
      text += ':';
    }
    return text;
  }

  const Dataset& m_data;
  std::vector<OpenContainer> m_stack;
  std::vector<std::string> m_key_texts;  // by key id; empty until first used
};

}  // namespace

void write_json_array(const Dataset& data, Sink& out) {
  const std::vector<std::uint32_t>& items = data.items();
  if (items.empty()) {
    out.write("[]\n");
    return;
  }
  ArenaJsonWriter writer(data);
  out.put('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    out.write(i == 0 ? "\n  " : ",\n  ");
    writer.write(items[i], true, 1, out);
  }
  out.write("\n]\n");
}

void write_json_lines(const Dataset& data, Sink& out) {
  ArenaJsonWriter writer(data);
  for (const std::uint32_t item : data.items()) {
    writer.write(item, false, 0, out);
    out.put('\n');
  }
}

void write_compact_json(const Dataset& data, std::uint32_t root, Sink& out) {
  ArenaJsonWriter(data).write(root, false, 0, out);
}

void append_compact_json(const Dataset& data, std::uint32_t root, std::string& out) {
  AppendOut append{out};
  ArenaJsonWriter(data).write(root, false, 0, append);
}

}  // namespace pcusage
