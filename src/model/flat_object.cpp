#include "model/flat_object.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "model/parser.h"

namespace pcusage {

namespace {

// Collects depth-1 scalars; the reader runs iteratively so nesting depth costs no stack.
struct FlatHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FlatHandler> {
  std::map<std::string, std::string> members;
  std::string key;
  int depth = 0;
  bool root_is_object = false;

  bool scalar(std::string_view text) {
    if (depth == 1) members.emplace(key, std::string(text));
    return true;
  }
  bool Null() { return true; }
  bool Bool(bool b) { return scalar(b ? "true" : "false"); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar({s, n}); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (!is_clean_utf8(s, n)) return false;
    return scalar({s, n});
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth == 1) key.assign(s, n);
    return true;
  }
  bool StartObject() {
    if (depth == 0) root_is_object = true;
    ++depth;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    return true;
  }
  bool StartArray() {
    ++depth;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth;
    return true;
  }
};

}  // namespace

std::optional<std::map<std::string, std::string>> parse_flat_object(std::string_view body) {
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  FlatHandler handler;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError() || !handler.root_is_object) {
    return std::nullopt;
  }
  return std::move(handler.members);
}

}  // namespace pcusage
