#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "model/columns.h"
#include "model/dataset.h"
#include "model/parser.h"
#include "model/sort.h"

using namespace pcusage;

namespace {

const char kSeed[] = R"({
  "totalCount": 2,
  "items": [
    {
      "proratedLicensesUsagePercent": 0.0,
      "workloadName": "Exchange",
      "processedDateTime": "2023-05-01T00:00:00",
      "serviceName": "Exchange Online",
      "channel": "Reseller",
      "attributes": {"objectType": "LicenseUsageInsight"}
    },
    {
      "proratedLicensesUsagePercent": 0.25,
      "workloadName": "SharePoint",
      "processedDateTime": "2023-05-02T00:00:00",
      "serviceName": "SharePoint Online",
      "channel": "Direct",
      "attributes": {"objectType": "LicenseUsageInsight"}
    }
  ],
  "links": {"self": {"uri": "/v1/analytics/licenses/usage", "method": "GET", "headers": []}},
  "attributes": {"objectType": "Collection"}
})";

// Parses a body that must be valid into `data`, failing the test otherwise.
PageInfo parse_into(Dataset& data, std::string body) {
  Result<PageInfo> page = parse_page(ByteBuffer(body), data);
  INFO((page ? std::string() : page.error().message));
  REQUIRE(page.ok());
  return page.value();
}

// The error of a body that must be invalid.
Error parse_error(std::string body) {
  Dataset data;
  Result<PageInfo> page = parse_page(ByteBuffer(body), data);
  REQUIRE_FALSE(page.ok());
  return page.error();
}

// The column for a dotted name, resolved leniently.
Column column_for(const Dataset& data, const std::string& name) {
  Result<std::vector<Column>> columns = resolve_columns(data, {name}, true);
  REQUIRE(columns.ok());
  REQUIRE(columns.value().size() == 1);
  return columns.value()[0];
}

// The cell of item `i` at `name`, or nullptr.
const Node* cell(const Dataset& data, std::size_t i, const std::string& name) {
  return lookup(data, data.items().at(i), column_for(data, name));
}

// The cell's text at `name` for every item in current order, "-" when missing, "null" for null.
std::vector<std::string> column_texts(const Dataset& data, const std::string& name) {
  const Column column = column_for(data, name);
  std::vector<std::string> out;
  for (std::uint32_t item : data.items()) {
    const Node* node = lookup(data, item, column);
    if (node == nullptr) {
      out.emplace_back("-");
    } else if (node->kind() == Kind::kNull) {
      out.emplace_back("null");
    } else if (node->kind() == Kind::kTrue || node->kind() == Kind::kFalse) {
      out.emplace_back(node->kind() == Kind::kTrue ? "true" : "false");
    } else if (node->kind() == Kind::kArray || node->kind() == Kind::kObject) {
      out.emplace_back(node->kind() == Kind::kArray ? "[" : "{");
    } else {
      out.emplace_back(node->str());
    }
  }
  return out;
}

// The key names of an object node's direct members, in order.
std::vector<std::string> member_names(const Dataset& data, std::uint32_t object) {
  std::vector<std::string> out;
  std::uint32_t child = object + 1;
  for (std::uint32_t i = 0; i < data.nodes()[object].size(); ++i) {
    out.emplace_back(data.key_name(data.nodes()[child].key()));
    child += data.nodes()[child].span();
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const Column& column : columns) out.push_back(column.name);
  return out;
}

std::string nested(const std::string& open, const std::string& inner, const std::string& close,
                   int depth) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += open;
  out += inner;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

std::string items_body(const std::string& items) { return R"({"items":[)" + items + "]}"; }

}  // namespace

// --- parsing ------------------------------------------------------------------------------------

TEST_CASE("the seed response parses into its items and fields") {
  Dataset data;
  const PageInfo page = parse_into(data, kSeed);
  CHECK(page.item_count == 2);
  CHECK(page.total_count == "2");
  CHECK_FALSE(page.has_next);
  REQUIRE(data.items().size() == 2);
  CHECK(column_texts(data, "workloadName") == std::vector<std::string>{"Exchange", "SharePoint"});
  CHECK(column_texts(data, "proratedLicensesUsagePercent") ==
        std::vector<std::string>{"0.0", "0.25"});
  CHECK(cell(data, 0, "proratedLicensesUsagePercent")->kind() == Kind::kNumber);
  CHECK(column_texts(data, "attributes.objectType") ==
        std::vector<std::string>{"LicenseUsageInsight", "LicenseUsageInsight"});
  CHECK(member_names(data, data.items()[0]) ==
        std::vector<std::string>{"proratedLicensesUsagePercent", "workloadName",
                                 "processedDateTime", "serviceName", "channel", "attributes"});
}

TEST_CASE("nodes form a flat pre-order arena with sizes, spans and keys") {
  Dataset data;
  parse_into(data, items_body(R"({"a":[1,{"b":true}],"c":"x"})"));
  REQUIRE(data.items().size() == 1);
  const std::vector<Node>& n = data.nodes();
  const std::uint32_t i = data.items()[0];
  CHECK(n[i].kind() == Kind::kObject);
  CHECK(n[i].size() == 2);
  CHECK(n[i].span() == 6);
  CHECK(n[i].key() == kNoKey);
  CHECK(n[i + 1].kind() == Kind::kArray);
  CHECK(data.key_name(n[i + 1].key()) == "a");
  CHECK(n[i + 1].size() == 2);
  CHECK(n[i + 1].span() == 4);
  CHECK(n[i + 2].str() == "1");
  CHECK(n[i + 2].key() == kNoKey);
  CHECK(n[i + 3].kind() == Kind::kObject);
  CHECK(n[i + 3].span() == 2);
  CHECK(n[i + 4].kind() == Kind::kTrue);
  CHECK(data.key_name(n[i + 4].key()) == "b");
  CHECK(n[i + 5].str() == "x");
  CHECK(data.key_name(n[i + 5].key()) == "c");
  CHECK(data.find_key("c") == n[i + 5].key());
  CHECK(data.find_key("never") == kNoKey);
  CHECK(sizeof(Node) == 16);
}

TEST_CASE("a node keeps any key id and kind in 16 bytes, a scalar's span is 1") {
  const char text[] = "abc";
  const Node last = Node::scalar(Kind::kString, text, 3, kMaxKeys - 1);
  CHECK(last.kind() == Kind::kString);
  CHECK(last.key() == 0xFFFFFEu);
  CHECK(last.span() == 1);
  CHECK(last.str() == "abc");
  Node array = Node::container(Kind::kArray, kNoKey);
  CHECK(array.kind() == Kind::kArray);
  CHECK(array.key() == 0xFFFFFFu);
  CHECK(array.span() == 1);
  CHECK(array.size() == 0);
  array.add_child();
  array.set_span(5);
  CHECK(array.size() == 1);
  CHECK(array.span() == 5);
  CHECK(Node::scalar(Kind::kNull, nullptr, 0, 7).key() == 7);
  CHECK(Node::scalar(Kind::kNull, nullptr, 0, 7).span() == 1);
}

TEST_CASE("more distinct member names than key ids are refused with exit 7") {
  CHECK(Dataset().max_keys() == 16777215u);
  CHECK(kNoKey == 16777215u);

  Dataset keys(2);
  CHECK(keys.intern("x") == 0);
  CHECK(keys.intern("y") == 1);
  CHECK(keys.intern("z") == kNoKey);
  CHECK(keys.intern("x") == 0);
  CHECK(keys.find_key("z") == kNoKey);

  // Three names fit, whatever page and depth they come in; a fourth fails the page.
  Dataset data(3);
  parse_into(data, items_body(R"({"a":1,"b":{"a":2}})"));
  parse_into(data, items_body(R"({"c":[{"b":3}],"a":4})"));
  const std::size_t nodes = data.nodes().size();
  Result<PageInfo> page = parse_page(ByteBuffer(items_body(R"({"a":5,"b":{"d":6}})")), data);
  REQUIRE_FALSE(page.ok());
  CHECK(page.error().code == ExitCode::kInvalid);
  CHECK(page.error().message == "invalid response: more than 3 distinct member names");
  CHECK(data.nodes().size() == nodes);
  CHECK(column_texts(data, "a") == std::vector<std::string>{"1", "4"});

  // Naming items after their customer needs two more names.
  Dataset named(2);
  parse_into(named, items_body(R"({"a":1,"customerId":"old"})"));
  CHECK_FALSE(named.prepend_strings(0, {{"customerId", "c1"}, {"customerName", "n1"}}));
  CHECK(column_texts(named, "customerId") == std::vector<std::string>{"old"});
  CHECK(too_many_keys(named).message == "invalid response: more than 2 distinct member names");
}

TEST_CASE("an empty items array is a valid, empty page") {
  Dataset data;
  const PageInfo page = parse_into(data, R"({"totalCount":0,"items":[]})");
  CHECK(page.item_count == 0);
  CHECK(page.total_count == "0");
  CHECK(data.items().empty());
}

TEST_CASE("unknown fields and duplicate keys are kept in received order") {
  Dataset data;
  parse_into(data, items_body(R"({"z":1,"workloadName":"W","z":2,"newThing":{"x":[1,2]}})"));
  CHECK(member_names(data, data.items()[0]) ==
        std::vector<std::string>{"z", "workloadName", "z", "newThing"});
  CHECK(cell(data, 0, "z")->str() == "1");  // the first duplicate wins on lookup
  CHECK(cell(data, 0, "newThing.x")->kind() == Kind::kArray);
  CHECK(cell(data, 0, "newThing.x")->size() == 2);
}

TEST_CASE("missing and null fields are told apart") {
  Dataset data;
  parse_into(data, items_body(R"({"a":null},{})"));
  REQUIRE(cell(data, 0, "a") != nullptr);
  CHECK(cell(data, 0, "a")->kind() == Kind::kNull);
  CHECK(cell(data, 1, "a") == nullptr);
}

TEST_CASE("numbers keep their exact text in every JSON form") {
  Dataset data;
  parse_into(data, items_body(R"({"n":[0,-0,0.0,1e-7,1E+2,-12.5e10,12345678901234567890],
                                  "s":"123"})"));
  const Node* array = cell(data, 0, "n");
  REQUIRE(array != nullptr);
  REQUIRE(array->size() == 7);
  const std::vector<std::string> expected = {
      "0", "-0", "0.0", "1e-7", "1E+2", "-12.5e10", "12345678901234567890"};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(array[1 + k].kind() == Kind::kNumber);
    CHECK(array[1 + k].str() == expected[k]);
  }
  CHECK(cell(data, 0, "s")->kind() == Kind::kString);
  CHECK(cell(data, 0, "s")->str() == "123");
}

TEST_CASE("Unicode text survives, escapes are decoded") {
  Dataset data;
  parse_into(data, items_body("{\"name\":\"東京\",\"accent\":\"café\",\"emoji\":\"😀\","
                              "\"escaped\":\"\\ud83d\\ude80 \\u00e9\\n\",\"キー\":\"v\"}"));
  CHECK(cell(data, 0, "name")->str() == "東京");
  CHECK(cell(data, 0, "accent")->str() == "café");
  CHECK(cell(data, 0, "emoji")->str() == "😀");
  CHECK(cell(data, 0, "escaped")->str() == "\xF0\x9F\x9A\x80 \xC3\xA9\n");
  CHECK(cell(data, 0, "キー")->str() == "v");
}

TEST_CASE("a leading UTF-8 BOM is skipped") {
  Dataset data;
  parse_into(data, "\xEF\xBB\xBF" + items_body(R"({"a":1})"));
  CHECK(data.items().size() == 1);
  // Error offsets still count from the body's first byte, BOM included.
  CHECK(parse_error("\xEF\xBB\xBF{\"items\":[\"\xFF\"]}").message ==
        "invalid response: not UTF-8 (string at byte 13)");
  // Only one BOM, and only at the start.
  CHECK(parse_error("\xEF\xBB\xBF\xEF\xBB\xBF{\"items\":[]}").code == ExitCode::kInvalid);
}

TEST_CASE("invalid UTF-8 in strings and keys is refused with exit 7") {
  SECTION("a raw invalid byte in a value") {
    const Error error = parse_error("{\"items\":[{\"a\":\"ok\xFFok\"}]}");
    CHECK(error.code == ExitCode::kInvalid);
    CHECK(error.message == "invalid response: not UTF-8 (string at byte 15)");
  }
  SECTION("in a key") {
    CHECK(parse_error("{\"items\":[{\"k\xC3\":1}]}").message ==
          "invalid response: not UTF-8 (string at byte 11)");
  }
  SECTION("in a root member outside the items") {
    CHECK(parse_error("{\"note\":\"\x80\",\"items\":[]}").message ==
          "invalid response: not UTF-8 (string at byte 8)");
  }
  SECTION("overlong, surrogate, out-of-range and truncated forms") {
    for (const char* bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",
                            "\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                            "\xE6\x9D", "\xF0\x9F\x98", "\xC3", "x\xBFx"}) {
      INFO(bad);
      CHECK(parse_error(items_body(std::string("{\"a\":\"") + bad + "\"}")).code ==
            ExitCode::kInvalid);
    }
  }
  SECTION("invalid bytes outside strings are a JSON syntax error") {
    CHECK(parse_error("{\"items\":[\xFF]}").message.rfind("invalid response: not JSON: ", 0) == 0);
  }
}

TEST_CASE("escaped lone surrogates are refused") {
  // RapidJSON encodes a lone low surrogate as ED B0 80, which our validator rejects.
  CHECK(parse_error(items_body(R"({"a":"x\udc00y"})")).message ==
        "invalid response: not UTF-8 (string at byte 15)");
  CHECK(parse_error(items_body(R"({"\udc00":1})")).code == ExitCode::kInvalid);
  // RapidJSON itself refuses a high surrogate without its low half.
  CHECK(parse_error(items_body(R"({"a":"\ud800"})")).code == ExitCode::kInvalid);
  CHECK(parse_error(items_body(R"({"a":"\ud800\u0041"})")).code == ExitCode::kInvalid);
}

TEST_CASE("NUL characters are refused") {
  CHECK(parse_error(items_body(R"({"a":"x\u0000y"})")).message ==
        "invalid response: NUL character in a string");
  CHECK(parse_error(items_body(R"({"\u0000":1})")).message ==
        "invalid response: NUL character in a string");
  // A raw NUL would end RapidJSON's input early and hide whatever follows it.
  const Error raw = parse_error(std::string("{\"items\":[]}\0garbage", 20));
  CHECK(raw.code == ExitCode::kInvalid);
  CHECK(raw.message == "invalid response: NUL byte in the body (at byte 12)");
  CHECK(parse_error(std::string("{\"items\":[\"a\0b\"]}", 17)).code == ExitCode::kInvalid);
}

TEST_CASE("malformed JSON is refused with RapidJSON's reason and offset") {
  CHECK(parse_error(R"({"items":[{"a":"unterminated}]})").message ==
        "invalid response: not JSON: Missing a closing quotation mark in string (at byte 31)");
  CHECK(parse_error("").message == "invalid response: not JSON: The document is empty (at byte 0)");
  CHECK(parse_error(R"({"items":[1,]})").code == ExitCode::kInvalid);
  CHECK(parse_error(R"({"items":[{"a":01}]})").code == ExitCode::kInvalid);
  CHECK(parse_error("<html>Service Unavailable</html>").message ==
        "invalid response: not JSON: Invalid value (at byte 0)");
}

TEST_CASE("trailing garbage after the root is refused") {
  const Error error = parse_error(R"({"items":[]} {"items":[]})");
  CHECK(error.message ==
        "invalid response: not JSON: The document root must not be followed by other values "
        "(at byte 13)");
  CHECK(parse_error(R"({"items":[]}x)").code == ExitCode::kInvalid);
  Dataset data;
  parse_into(data, "{\"items\":[]} \r\n\t");  // whitespace is fine
}

TEST_CASE("the root must be an object") {
  for (const char* body : {"[]", "[{\"items\":[]}]", "\"items\"", "42", "null", "true"}) {
    INFO(body);
    const Error error = parse_error(body);
    CHECK(error.code == ExitCode::kInvalid);
    CHECK(error.message == "invalid response: the root is not an object");
  }
}

TEST_CASE("the root needs an items array of objects") {
  CHECK(parse_error("{}").message == "invalid response: no \"items\" (or \"Value\") array");
  CHECK(parse_error(R"({"values":[{}],"links":{"items":[]}})").message ==
        "invalid response: no \"items\" (or \"Value\") array");
  for (const char* body :
       {R"({"items":{}})", R"({"items":"x"})", R"({"items":null})", R"({"items":3})"}) {
    INFO(body);
    CHECK(parse_error(body).message == "invalid response: \"items\" is not an array");
  }
  CHECK(parse_error(R"({"items":[{},{},{},5]})").message ==
        "invalid response: item 3 is not an object");
  CHECK(parse_error(R"({"items":[[]]})").message == "invalid response: item 0 is not an object");
  CHECK(parse_error(R"({"items":[{},null]})").message ==
        "invalid response: item 1 is not an object");
  CHECK(parse_error(R"({"items":[],"items":[]})").code == ExitCode::kInvalid);
}

TEST_CASE("error messages never carry raw response bytes") {
  for (const std::string& body :
       {std::string("{\"items\":[\"\x1B[31m\xFF\"]}"), std::string("\x1B[2J"),
        std::string("{\"items\":[{\"a\":\"\x1B\"}]}")}) {
    const Error error = parse_error(body);
    for (char c : error.message) {
      CHECK(static_cast<unsigned char>(c) >= 0x20);
      CHECK(static_cast<unsigned char>(c) < 0x7F);
    }
  }
}

TEST_CASE("nesting up to the limit parses, deeper is refused, never crashes") {
  // The root is level 1, the items array 2, an item 3: a member's value may open 61 more.
  constexpr int kItemRoom = static_cast<int>(kMaxNestingDepth) - 3;
  const std::string refused = "invalid response: nested deeper than 64 levels";
  SECTION("inside an item") {
    Dataset data;
    parse_into(data, items_body("{\"deep\":" + nested("[", "1", "]", kItemRoom) + ",\"after\":2}"));
    const Node* deep = cell(data, 0, "deep");
    REQUIRE(deep != nullptr);
    CHECK(deep->span() == kItemRoom + 1);
    CHECK(cell(data, 0, "after")->str() == "2");
    CHECK(names_of(all_columns(data)) == std::vector<std::string>{"deep", "after"});
    sort_items(data, column_for(data, "deep"), false);
    CHECK(parse_error(items_body("{\"deep\":" + nested("[", "1", "]", kItemRoom + 1) + "}"))
              .message == refused);
  }
  SECTION("an object chain inside an item") {
    Dataset data;
    parse_into(data, items_body(nested("{\"a\":", "1", "}", kItemRoom)));
    const std::vector<Column> columns = all_columns(data);
    REQUIRE(columns.size() == 1);
    CHECK(columns[0].path.size() == static_cast<std::size_t>(kItemRoom));
  }
  SECTION("100,000 levels anywhere are refused at level 65, without recursion") {
    constexpr int kDepth = 100000;
    CHECK(parse_error(items_body("{\"a\":" + nested("[", "", "]", kDepth) + "}")).message ==
          refused);
    // An array where an item or the root should be is refused as soon as it opens.
    CHECK(parse_error(items_body(nested("[", "", "]", kDepth))).message ==
          "invalid response: item 0 is not an object");
    CHECK(parse_error(nested("[", "", "]", kDepth)).message ==
          "invalid response: the root is not an object");
    CHECK(parse_error(nested("{\"a\":", "1", "}", kDepth)).message == refused);
    CHECK(parse_error("{\"links\":" + nested("[", "", "]", kDepth) + ",\"items\":[{}]}").message ==
          refused);
  }
  SECTION("outside the items, skipped containers count too") {
    Dataset data;
    parse_into(data, "{\"links\":" + nested("[", "", "]", 63) + ",\"items\":[{}]}");
    CHECK(data.items().size() == 1);
    CHECK(parse_error("{\"links\":" + nested("[", "", "]", 64) + ",\"items\":[{}]}").message ==
          refused);
  }
}

TEST_CASE("a second page appends its items to the same dataset") {
  Dataset data;
  const PageInfo first = parse_into(
      data, R"({"totalCount":3,"items":[{"a":1},{"a":2}],"links":{"next":{"uri":"/p2"}}})");
  const std::uint32_t key_a = data.find_key("a");
  const PageInfo second = parse_into(data, R"({"items":[{"b":true,"a":3}]})");
  CHECK(first.item_count == 2);
  CHECK(first.has_next);
  CHECK(second.item_count == 1);
  CHECK_FALSE(second.has_next);
  CHECK(second.total_count.empty());
  CHECK(data.find_key("a") == key_a);
  CHECK(column_texts(data, "a") == std::vector<std::string>{"1", "2", "3"});
  // A failing later page leaves the earlier pages' items as they were.
  const std::size_t nodes = data.nodes().size();
  CHECK_FALSE(parse_page(ByteBuffer(R"({"items":[{"c":[1,{"d":2)"), data).ok());
  CHECK_FALSE(parse_page(ByteBuffer(R"({"items":[{"c":1},2]})"), data).ok());
  CHECK(data.nodes().size() == nodes);
  CHECK(column_texts(data, "a") == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("links.next fills PageInfo, with header values kept opaque") {
  Dataset data;
  const PageInfo page = parse_into(data, R"({
    "totalCount": 12345,
    "items": [{"a": 1}],
    "links": {
      "self": {"uri": "/self", "method": "GET", "headers": []},
      "next": {
        "uri": "/v1/analytics/licenses/usage?seek=2",
        "method": "GET",
        "headers": [{"key": "MS-ContinuationToken", "value": "a,b=c,\"d\""}, {"value": "2"}]
      }
    },
    "attributes": {"objectType": "Collection"}
  })");
  CHECK(page.total_count == "12345");
  CHECK(page.has_next);
  CHECK(page.next_uri == "/v1/analytics/licenses/usage?seek=2");
  CHECK(page.next_method == "GET");
  REQUIRE(page.next_headers.size() == 2);
  CHECK(page.next_headers[0].key == "MS-ContinuationToken");
  CHECK(page.next_headers[0].value == "a,b=c,\"d\"");
  CHECK(page.next_headers[1].key.empty());
  CHECK(page.next_headers[1].value == "2");
  // Root members are not items; the arena holds the item only.
  CHECK(data.items().size() == 1);
  CHECK(data.nodes().size() == 2);
}

TEST_CASE("PageInfo tolerates odd links and totalCount") {
  Dataset data;
  PageInfo page = parse_into(data, R"({"items":[],"links":{"next":{"method":"POST"}}})");
  CHECK(page.has_next);
  CHECK(page.next_uri.empty());
  page = parse_into(data, R"({"items":[],"links":{"next":"/p2"}})");
  CHECK(page.has_next);
  CHECK(page.next_uri.empty());
  page = parse_into(data, R"({"items":[],"totalCount":"7","links":[]})");
  CHECK(page.total_count.empty());
  CHECK_FALSE(page.has_next);
  page = parse_into(data, R"({"items":[],"totalCount":1.5e3})");
  CHECK(page.total_count == "1.5e3");
  page = parse_into(data, R"({"items":[{"links":{"next":{"uri":"/no"}}}]})");
  CHECK_FALSE(page.has_next);
}

TEST_CASE("is_clean_utf8 accepts exactly well-formed UTF-8 without NUL") {
  const auto clean = [](const std::string& s) { return is_clean_utf8(s.data(), s.size()); };
  CHECK(clean(""));
  CHECK(clean("plain ASCII text longer than eight bytes"));
  CHECK(clean("\x7F\x01"));
  CHECK(clean("\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF"));
  CHECK(clean("\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF"));
  CHECK(clean("abcdefg\xC3\xA9"));  // a sequence straddling an 8-byte block
  CHECK_FALSE(clean(std::string("abcdefghijkl\0mnop", 17)));
  CHECK_FALSE(clean(std::string("\0", 1)));
  CHECK_FALSE(clean("abcdefgh\x80"));
  CHECK_FALSE(clean("\xC0\x80"));
  CHECK_FALSE(clean("\xE0\x9F\xBF"));
  CHECK_FALSE(clean("\xED\xA0\x80"));
  CHECK_FALSE(clean("\xF0\x8F\xBF\xBF"));
  CHECK_FALSE(clean("\xF4\x90\x80\x80"));
  CHECK_FALSE(clean("\xFE"));
  CHECK_FALSE(clean("\xE2\x82"));
  CHECK_FALSE(clean("\xE2\x28\xA1"));
}

// --- columns ------------------------------------------------------------------------------------

TEST_CASE("the default columns") {
  CHECK(default_column_names() == std::vector<std::string>{"workloadName", "serviceName", "channel",
                                                           "proratedLicensesUsagePercent",
                                                           "processedDateTime"});
  Dataset data;
  parse_into(data, kSeed);
  const Result<std::vector<Column>> columns = resolve_columns(data, default_column_names(), false);
  REQUIRE(columns.ok());
  CHECK(names_of(columns.value()) == default_column_names());
}

TEST_CASE("dotted names reach nested fields") {
  Dataset data;
  parse_into(data, items_body(R"({"a":{"b":{"c":"deep"}},"s":"x"},{"a":"flat"})"));
  const Column column = column_for(data, "a.b.c");
  CHECK(column.name == "a.b.c");
  CHECK(column.path.size() == 3);
  CHECK(lookup(data, data.items()[0], column)->str() == "deep");
  CHECK(lookup(data, data.items()[1], column) == nullptr);  // "a" is not an object there
  CHECK(cell(data, 0, "s.b") == nullptr);                   // nor is a string
  CHECK(cell(data, 0, "a.b")->kind() == Kind::kObject);
  CHECK(column_for(data, "a.zzz").path.empty());  // a name no member has
}

TEST_CASE("* lists every field in first-seen order, flattening non-empty objects") {
  Dataset data;
  parse_into(data, items_body(R"({"a":1,"b":{"x":1,"y":{"z":2}},"e":{},"arr":[{"q":1}],"a":5},
                                 {"c":null,"b":{"w":3,"x":4},"a":"s"},
                                 {"e":{"now":"object"},"b":7})"));
  const std::vector<std::string> expected = {"a", "b.x", "b.y.z", "e", "arr",
                                             "c", "b.w", "e.now", "b"};
  CHECK(names_of(all_columns(data)) == expected);
  const Result<std::vector<Column>> star = resolve_columns(data, {"c", "*", "a"}, false);
  REQUIRE(star.ok());
  std::vector<std::string> with_others = {"c"};
  with_others.insert(with_others.end(), expected.begin(), expected.end());
  with_others.push_back("a");
  CHECK(names_of(star.value()) == with_others);
  CHECK(lookup(data, data.items()[0], star.value()[3])->str() == "2");  // b.y.z
  // First seen in received order, whatever order a sort left the items in.
  sort_items(data, column_for(data, "a"), true);
  CHECK(column_texts(data, "c") == std::vector<std::string>{"null", "-", "-"});
  CHECK(names_of(all_columns(data)) == expected);
}

TEST_CASE("a field no item has is a usage error listing the available ones") {
  Dataset data;
  parse_into(data, kSeed);
  const Result<std::vector<Column>> columns =
      resolve_columns(data, {"workloadName", "nope"}, false, "--columns");
  REQUIRE_FALSE(columns.ok());
  CHECK(columns.error().code == ExitCode::kUsage);
  CHECK(columns.error().message ==
        "--columns: no field \"nope\" in the response; available: proratedLicensesUsagePercent, "
        "workloadName, processedDateTime, serviceName, channel, attributes.objectType");
  // Known member names that reach nothing are errors too, and the flag name is the caller's.
  const Result<std::vector<Column>> sort =
      resolve_columns(data, {"workloadName.x"}, false, "--sort");
  REQUIRE_FALSE(sort.ok());
  CHECK(sort.error().message.rfind("--sort: no field \"workloadName.x\" in the response; ", 0) ==
        0);
  // Control characters from the user or the response are escaped.
  const Result<std::vector<Column>> odd = resolve_columns(data, {"a\nb"}, false);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().message.find('\n') == std::string::npos);
  // Items without any field leave nothing to list.
  Dataset bare;
  parse_into(bare, R"({"items":[{},{}]})");
  const Result<std::vector<Column>> none = resolve_columns(bare, {"x"}, false);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "--columns: no field \"x\" in the response; available: (none)");
}

TEST_CASE("lenient resolution and empty datasets never fail") {
  Dataset data;
  parse_into(data, kSeed);
  Result<std::vector<Column>> columns = resolve_columns(data, {"nope", "workloadName"}, true);
  REQUIRE(columns.ok());
  CHECK(columns.value()[0].name == "nope");
  CHECK(columns.value()[0].path.empty());
  CHECK(lookup(data, data.items()[0], columns.value()[0]) == nullptr);

  Dataset empty;
  parse_into(empty, R"({"items":[]})");
  columns = resolve_columns(empty, {"nope", "*", "a.b"}, false);
  REQUIRE(columns.ok());
  // With no items, "*" is the default columns, so that a header can still be printed.
  CHECK(names_of(columns.value()) ==
        std::vector<std::string>{"nope", "workloadName", "serviceName", "channel",
                                 "proratedLicensesUsagePercent", "processedDateTime", "a.b"});
}

// --- sorting ------------------------------------------------------------------------------------

TEST_CASE("numbers sort by value, exactly") {
  Dataset data;
  parse_into(data, items_body(R"({"n":10},{"n":2},{"n":-3.5},{"n":1e1},{"n":12345678901234567891},
                                 {"n":12345678901234567890},{"n":1E-7},{"n":0.0001},{"n":-0},
                                 {"n":0},{"n":-1e2},{"n":100.000},{"n":1.2345678901234567890e19},
                                 {"n":1E+2},{"n":0.30000000000000001},{"n":0.3},{"n":1e-400},
                                 {"n":0.30000000000000000001})"));
  sort_items(data, column_for(data, "n"), false);
  // Equal values keep their received order; values one double cannot tell apart still order.
  CHECK(column_texts(data, "n") ==
        std::vector<std::string>{"-1e2", "-3.5", "-0", "0", "1e-400", "1E-7", "0.0001", "0.3",
                                 "0.30000000000000000001", "0.30000000000000001", "2", "10", "1e1",
                                 "100.000", "1E+2", "12345678901234567890",
                                 "1.2345678901234567890e19", "12345678901234567891"});
  sort_items(data, column_for(data, "n"), true);
  CHECK(column_texts(data, "n") ==
        std::vector<std::string>{"12345678901234567891", "12345678901234567890",
                                 "1.2345678901234567890e19", "100.000", "1E+2", "10", "1e1", "2",
                                 "0.30000000000000001", "0.30000000000000000001", "0.3", "0.0001",
                                 "1E-7", "1e-400", "-0", "0", "-3.5", "-1e2"});
}

TEST_CASE("kinds sort numbers, strings, booleans, then arrays and objects") {
  Dataset data;
  parse_into(data, items_body(R"({"v":{"k":1}},{"v":true},{},{"v":"b"},{"v":null},{"v":[2]},
                                 {"v":"B"},{"v":false},{"v":9},{"v":"é"},{"v":{"j":[]}})"));
  sort_items(data, column_for(data, "v"), false);
  CHECK(column_texts(data, "v") ==
        std::vector<std::string>{"9", "B", "b", "é", "false", "true", "[", "{", "{", "-", "null"});
  CHECK(lookup(data, data.items()[7], column_for(data, "v"))->size() == 1);
  CHECK(data.key_name(lookup(data, data.items()[7], column_for(data, "v"))[1].key()) == "j");
  sort_items(data, column_for(data, "v"), true);
  CHECK(column_texts(data, "v") ==
        std::vector<std::string>{"{", "{", "[", "true", "false", "é", "b", "B", "9", "-", "null"});
  CHECK(data.key_name(lookup(data, data.items()[0], column_for(data, "v"))[1].key()) == "k");
}

TEST_CASE("arrays and objects sort by their compact JSON") {
  Dataset data;
  parse_into(data, items_body(R"({"v":[1,[2]]},{"v":{"a":"x\ny"}},{"v":[1,2]},{"v":{"a":"x y"}},
                                 {"v":[]},{"v":{}})"));
  sort_items(data, column_for(data, "v"), false);
  std::vector<std::string> shapes;
  for (std::uint32_t item : data.items()) {
    const Node* v = lookup(data, item, column_for(data, "v"));
    shapes.push_back(std::to_string(v->size()) + "/" + std::to_string(v->span()));
  }
  // Byte order of the texts: [1,2] < [1,[2]] < [] < {"a":"x y"} < {"a":"x\u000ay"} < {}; the
  // newline is escaped, so it sorts after the space rather than before it.
  CHECK(shapes == std::vector<std::string>{"2/3", "2/4", "0/1", "1/2", "1/2", "0/1"});
  CHECK(lookup(data, data.items()[3], column_for(data, "v.a"))->str() == "x y");
  CHECK(lookup(data, data.items()[4], column_for(data, "v.a"))->str() == "x\ny");
}

TEST_CASE("missing and null stay last in both directions, in received order") {
  Dataset data;
  parse_into(data, items_body(R"({"id":"m1"},{"id":"n1","v":null},{"id":"a","v":1},
                                 {"id":"m2"},{"id":"b","v":2},{"id":"n2","v":null})"));
  sort_items(data, column_for(data, "v"), false);
  CHECK(column_texts(data, "id") == std::vector<std::string>{"a", "b", "m1", "n1", "m2", "n2"});
  sort_items(data, column_for(data, "v"), true);
  CHECK(column_texts(data, "id") == std::vector<std::string>{"b", "a", "m1", "n1", "m2", "n2"});
  // A column no item has leaves the order alone.
  sort_items(data, column_for(data, "never"), true);
  CHECK(column_texts(data, "id") == std::vector<std::string>{"b", "a", "m1", "n1", "m2", "n2"});
}

TEST_CASE("sorting many items with few distinct values is stable") {
  // Small ranges get an insertion sort even from std::sort; this needs a real stable sort.
  std::string items;
  const char* values[] = {"\"b\"", "1", "\"a\"", "true", "2", "null", "[1]"};
  for (int i = 0; i < 300; ++i) {
    if (i > 0) items += ',';
    items += "{\"id\":" + std::to_string(i) + ",\"v\":" + values[(i * 7 + i / 3) % 7] + "}";
  }
  Dataset data;
  parse_into(data, items_body(items));
  for (bool descending : {false, true}) {
    sort_items(data, column_for(data, "id"), false);
    sort_items(data, column_for(data, "v"), descending);
    const std::vector<std::string> v = column_texts(data, "v");
    const std::vector<std::string> id = column_texts(data, "id");
    bool stable = true;
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i] == v[i - 1] && std::stoi(id[i - 1]) > std::stoi(id[i])) stable = false;
    }
    CHECK(stable);
    CHECK(v.front() == (descending ? "[" : "1"));
    CHECK(v.back() == "null");
  }
}

TEST_CASE("sorting is stable in both directions") {
  Dataset data;
  parse_into(data, items_body(R"({"id":1,"v":"x"},{"id":2,"v":"y"},{"id":3,"v":"x"},
                                 {"id":4,"v":1.0},{"id":5,"v":"y"},{"id":6,"v":1},
                                 {"id":7,"v":"x"})"));
  sort_items(data, column_for(data, "v"), false);
  CHECK(column_texts(data, "id") == std::vector<std::string>{"4", "6", "1", "3", "7", "2", "5"});
  sort_items(data, column_for(data, "id"), false);
  sort_items(data, column_for(data, "v"), true);
  CHECK(column_texts(data, "id") == std::vector<std::string>{"2", "5", "1", "3", "7", "4", "6"});
}

TEST_CASE("values of a body larger than the release step survive on every page") {
  // The parser moves value text to the front of a large body and gives the rest back to the
  // system as it goes: every value must read back as received, escapes decoded, numbers verbatim.
  auto page = [](int first, int count) {
    std::string items;
    for (int i = first; i < first + count; ++i) {
      if (!items.empty()) items += ',';
      const std::string n = std::to_string(i);
      items += R"({"name":"item \")" + n + R"(\" é\u00e9","n":)" + n +
               R"(.50,"skip":"      )"
               R"(                              ","nested":{"v":[)" +
               n + R"(,"x"]}})";
    }
    return items_body(items);
  };
  constexpr int kPerPage = 20000;  // about 2 MB a page
  Dataset data;
  parse_into(data, page(0, kPerPage));
  parse_into(data, page(kPerPage, kPerPage));
  REQUIRE(data.items().size() == 2 * kPerPage);
  const std::vector<std::string> names = column_texts(data, "name");
  const std::vector<std::string> numbers = column_texts(data, "n");
  const std::vector<std::string> skips = column_texts(data, "skip");
  for (int i = 0; i < 2 * kPerPage; i += 997) {
    const std::string n = std::to_string(i);
    CHECK(names[i] == "item \"" + n + "\" \xC3\xA9\xC3\xA9");
    CHECK(numbers[i] == n + ".50");
    CHECK(skips[i] == std::string(36, ' '));
    const Node* inner = cell(data, i, "nested.v");
    REQUIRE(inner != nullptr);
    CHECK(data.nodes()[inner - data.nodes().data() + 1].str() == n);
    CHECK(data.nodes()[inner - data.nodes().data() + 2].str() == "x");
  }
  CHECK(names.back() == "item \"" + std::to_string(2 * kPerPage - 1) + "\" \xC3\xA9\xC3\xA9");
}

TEST_CASE("the commercial envelope: Value, TotalCount and @nextLink in any case") {
  Dataset data;
  PageInfo page = parse_into(
      data, R"({"Value":[{"a":1},{"a":2}],"@nextLink":"https://h/x?skip=2","TotalCount":5})");
  CHECK(data.items().size() == 2);
  CHECK(page.total_count == "5");
  CHECK(page.next_link == "https://h/x?skip=2");
  CHECK_FALSE(page.has_next);
  page = parse_into(data, R"({"value":[{"a":3}],"@odata.nextLink":null,"totalcount":5})");
  CHECK(data.items().size() == 3);
  CHECK(page.next_link.empty());
  CHECK(parse_error(R"({"Value":[{}],"items":[{}]})").message ==
        "invalid response: more than one \"items\" array");
  CHECK(parse_error(R"({"TotalCount":0,"@nextLink":null})").message ==
        "invalid response: no \"items\" (or \"Value\") array");
}
