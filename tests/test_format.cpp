// Tests of the output formats: exact output of every writer, the cell rules, widths and sinks.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "core/sink.h"
#include "format/cell_text.h"
#include "format/format.h"
#include "format/width.h"
#include "model/columns.h"
#include "model/parser.h"

using namespace pcusage;

namespace {

// A dataset from the JSON text of an items array.
Dataset parse_items(const std::string& items_json) {
  Dataset data;
  Result<PageInfo> page = parse_page(ByteBuffer("{\"items\":" + items_json + "}"), data);
  INFO(items_json);
  REQUIRE(page.ok());
  return data;
}

std::vector<Column> columns_of(const Dataset& data, const std::vector<std::string>& names) {
  Result<std::vector<Column>> columns = resolve_columns(data, names, true);
  REQUIRE(columns.ok());
  return std::move(columns.value());
}

// Writes `data` with `options` through write_output() and returns the text.
std::string written(const Dataset& data, const FormatOptions& options) {
  StringSink sink;
  write_output(data, options, sink);
  REQUIRE(sink.finish().ok());
  return sink.str();
}

struct Options {
  bool header = true;
  bool allow_formulas = false;
  std::size_t max_width = 0;
  bool escape_controls = false;
};

// Writes `items_json` in `format` with the given columns and returns the output.
std::string render(Format format, const std::string& items_json,
                   const std::vector<std::string>& names, Options opt = {}) {
  Dataset data = parse_items(items_json);
  FormatOptions options;
  options.format = format;
  options.columns = columns_of(data, names);
  options.header = opt.header;
  options.csv_allow_formulas = opt.allow_formulas;
  options.max_width = opt.max_width;
  options.escape_controls = opt.escape_controls;
  return written(data, options);
}

const std::vector<std::string> kDefault = {"workloadName", "serviceName", "channel",
                                           "proratedLicensesUsagePercent", "processedDateTime"};

const std::string kSeed = R"([
  {"workloadCode": "EXO", "workloadName": "Exchange", "serviceName": "Office 365",
   "channel": "Reseller", "customersCount": 12, "proratedLicensesUsagePercent": 0.85,
   "processedDateTime": "2024-05-01T08:00:00Z"},
  {"workloadCode": "SPO", "workloadName": "SharePoint", "serviceName": "Office 365",
   "channel": "Direct", "customersCount": 3, "proratedLicensesUsagePercent": 1,
   "processedDateTime": "2024-05-01T08:00:00Z"},
  {"workloadCode": "TEAMS", "workloadName": "Teams", "serviceName": "Microsoft 365",
   "channel": "Reseller", "customersCount": 150, "proratedLicensesUsagePercent": 0.0425,
   "processedDateTime": "2024-05-02T08:00:00Z"}
])";

// A Sink that keeps only the size and the ends of what it gets (outputs too big to hold).
class CountingSink : public Sink {
 public:
  std::size_t size() const { return m_size; }
  const std::string& head() const { return m_head; }
  const std::string& tail() const { return m_tail; }

 protected:
  bool drain(const char* data, std::size_t n, std::string&) override {
    m_size += n;
    if (m_head.size() < 64) m_head.append(data, std::min<std::size_t>(n, 64 - m_head.size()));
    m_tail.append(n > 64 ? data + n - 64 : data, std::min<std::size_t>(n, 64));
    if (m_tail.size() > 64) m_tail.erase(0, m_tail.size() - 64);
    return true;
  }

 private:
  std::size_t m_size = 0;
  std::string m_head;
  std::string m_tail;
};

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// Size of write_json's output for [{"d": <depth nested arrays>}, {"e": 1}]. An array of one
// child whose line is at indent level L is "[" "\n" 2(L+1) spaces <child> "\n" 2L spaces "]".
std::size_t pretty_deep_size(std::size_t depth) {
  std::size_t value = 2;  // the innermost "[]"
  for (std::size_t j = 0; j + 1 < depth; ++j) value += 4 * (2 + j) + 6;
  return std::string("[\n  {\n    \"d\": ").size() + value +
         std::string("\n  },\n  {\n    \"e\": 1\n  }\n]\n").size();
}

}  // namespace

TEST_CASE("parse_format maps the five names, in any case", "[format]") {
  CHECK(parse_format("table") == Format::kTable);
  CHECK(parse_format("json") == Format::kJson);
  CHECK(parse_format("ndjson") == Format::kNdjson);
  CHECK(parse_format("csv") == Format::kCsv);
  CHECK(parse_format("tsv") == Format::kTsv);
  CHECK_FALSE(parse_format("").has_value());
  CHECK(parse_format("JSON") == Format::kJson);
  CHECK(parse_format("Csv") == Format::kCsv);
  CHECK_FALSE(parse_format("json ").has_value());
  CHECK_FALSE(parse_format("yaml").has_value());
}

TEST_CASE("seed items in every format", "[format]") {
  SECTION("table") {
    CHECK(render(Format::kTable, kSeed, kDefault) ==
          "workloadName  serviceName    channel   proratedLicensesUsagePercent  processedDateTime\n"
          "Exchange      Office 365     Reseller                          0.85  "
          "2024-05-01T08:00:00Z\n"
          "SharePoint    Office 365     Direct                               1  "
          "2024-05-01T08:00:00Z\n"
          "Teams         Microsoft 365  Reseller                        0.0425  "
          "2024-05-02T08:00:00Z\n");
  }
  SECTION("csv") {
    CHECK(render(Format::kCsv, kSeed, kDefault) ==
          "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n"
          "Exchange,Office 365,Reseller,0.85,2024-05-01T08:00:00Z\n"
          "SharePoint,Office 365,Direct,1,2024-05-01T08:00:00Z\n"
          "Teams,Microsoft 365,Reseller,0.0425,2024-05-02T08:00:00Z\n");
  }
  SECTION("tsv") {
    CHECK(render(Format::kTsv, kSeed, kDefault) ==
          "workloadName\tserviceName\tchannel\tproratedLicensesUsagePercent\tprocessedDateTime\n"
          "Exchange\tOffice 365\tReseller\t0.85\t2024-05-01T08:00:00Z\n"
          "SharePoint\tOffice 365\tDirect\t1\t2024-05-01T08:00:00Z\n"
          "Teams\tMicrosoft 365\tReseller\t0.0425\t2024-05-02T08:00:00Z\n");
  }
  SECTION("ndjson ignores columns and keeps every field") {
    CHECK(render(Format::kNdjson, kSeed, {"channel"}) ==
          R"({"workloadCode":"EXO","workloadName":"Exchange","serviceName":"Office 365",)"
          R"("channel":"Reseller","customersCount":12,"proratedLicensesUsagePercent":0.85,)"
          R"("processedDateTime":"2024-05-01T08:00:00Z"})"
          "\n"
          R"({"workloadCode":"SPO","workloadName":"SharePoint","serviceName":"Office 365",)"
          R"("channel":"Direct","customersCount":3,"proratedLicensesUsagePercent":1,)"
          R"("processedDateTime":"2024-05-01T08:00:00Z"})"
          "\n"
          R"({"workloadCode":"TEAMS","workloadName":"Teams","serviceName":"Microsoft 365",)"
          R"("channel":"Reseller","customersCount":150,"proratedLicensesUsagePercent":0.0425,)"
          R"("processedDateTime":"2024-05-02T08:00:00Z"})"
          "\n");
  }
  SECTION("json ignores columns and keeps every field") {
    CHECK(render(Format::kJson, kSeed, {"channel"}) ==
          "[\n"
          "  {\n"
          "    \"workloadCode\": \"EXO\",\n"
          "    \"workloadName\": \"Exchange\",\n"
          "    \"serviceName\": \"Office 365\",\n"
          "    \"channel\": \"Reseller\",\n"
          "    \"customersCount\": 12,\n"
          "    \"proratedLicensesUsagePercent\": 0.85,\n"
          "    \"processedDateTime\": \"2024-05-01T08:00:00Z\"\n"
          "  },\n"
          "  {\n"
          "    \"workloadCode\": \"SPO\",\n"
          "    \"workloadName\": \"SharePoint\",\n"
          "    \"serviceName\": \"Office 365\",\n"
          "    \"channel\": \"Direct\",\n"
          "    \"customersCount\": 3,\n"
          "    \"proratedLicensesUsagePercent\": 1,\n"
          "    \"processedDateTime\": \"2024-05-01T08:00:00Z\"\n"
          "  },\n"
          "  {\n"
          "    \"workloadCode\": \"TEAMS\",\n"
          "    \"workloadName\": \"Teams\",\n"
          "    \"serviceName\": \"Microsoft 365\",\n"
          "    \"channel\": \"Reseller\",\n"
          "    \"customersCount\": 150,\n"
          "    \"proratedLicensesUsagePercent\": 0.0425,\n"
          "    \"processedDateTime\": \"2024-05-02T08:00:00Z\"\n"
          "  }\n"
          "]\n");
  }
}

TEST_CASE("json is pretty-printed like json.dumps(indent=2)", "[format][json]") {
  CHECK(render(Format::kJson, R"([{"a":1,"b":[1,2],"c":{},"d":[]}])", {}) ==
        "[\n  {\n    \"a\": 1,\n    \"b\": [\n      1,\n      2\n    ],\n    \"c\": {},\n"
        "    \"d\": []\n  }\n]\n");
  CHECK(render(Format::kJson, R"([{}, {"x": {"y": [null, true, false, {"z": "w"}]}}])", {}) ==
        "[\n  {},\n  {\n    \"x\": {\n      \"y\": [\n        null,\n        true,\n"
        "        false,\n        {\n          \"z\": \"w\"\n        }\n      ]\n    }\n  }\n]\n");
  CHECK(render(Format::kNdjson, R"([{"a":1,"b":[1,2],"c":{},"d":[]}, {}])", {}) ==
        "{\"a\":1,\"b\":[1,2],\"c\":{},\"d\":[]}\n{}\n");
}

TEST_CASE("json and ndjson are faithful: duplicate keys and order and escapes and raw UTF-8",
          "[format][json]") {
  const std::string items =
      R"([{"b":1,"a":2,"b":3,"k\"\\\n":"q\" b\\ \n\r\t\b\f \u0001\u001b\u001f \u007f )"
      R"(\u0080\u009b \u2028 \u202e é 日本 😀 \/"}])";
  CHECK(render(Format::kNdjson, items, {}) ==
        "{\"b\":1,\"a\":2,\"b\":3,\"k\\\"\\\\\\n\":\"q\\\" b\\\\ \\n\\r\\t\\b\\f \\u0001\\u001b"
        "\\u001f \x7f \xc2\x80\xc2\x9b \xe2\x80\xa8 \xe2\x80\xae \xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
        "\xf0\x9f\x98\x80 /\"}\n");
  CHECK(render(Format::kJson, items, {}) ==
        "[\n  {\n    \"b\": 1,\n    \"a\": 2,\n    \"b\": 3,\n    \"k\\\"\\\\\\n\": \"q\\\" b\\\\ "
        "\\n\\r\\t\\b\\f \\u0001\\u001b\\u001f \x7f \xc2\x80\xc2\x9b \xe2\x80\xa8 \xe2\x80\xae "
        "\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 /\"\n  }\n]\n");
}

TEST_CASE("empty collection in every format", "[format]") {
  const std::vector<std::string> names = {"a", "b"};
  CHECK(render(Format::kJson, "[]", names) == "[]\n");
  CHECK(render(Format::kNdjson, "[]", names) == "");
  CHECK(render(Format::kCsv, "[]", names) == "a,b\n");
  CHECK(render(Format::kTsv, "[]", names) == "a\tb\n");
  CHECK(render(Format::kTable, "[]", names) == "a  b\n");
  CHECK(render(Format::kTable, "[]", kDefault) ==
        "workloadName  serviceName  channel  proratedLicensesUsagePercent  processedDateTime\n");
  SECTION("without a header there is nothing at all") {
    CHECK(render(Format::kCsv, "[]", names, {false}) == "");
    CHECK(render(Format::kTsv, "[]", names, {false}) == "");
    CHECK(render(Format::kTable, "[]", names, {false}) == "");
  }
}

TEST_CASE("missing and null fields are empty cells", "[format]") {
  const std::string items = R"([{"a":"x","b":null,"c":1},{"c":2},{"a":null,"b":"y"}])";
  const std::vector<std::string> names = {"a", "b", "c", "nowhere"};
  CHECK(render(Format::kCsv, items, names) == "a,b,c,nowhere\nx,,1,\n,,2,\n,y,,\n");
  CHECK(render(Format::kTsv, items, names) == "a\tb\tc\tnowhere\nx\t\t1\t\n\t\t2\t\n\ty\t\t\n");
  // Padding never ends a line: trailing empty cells leave no spaces behind.
  CHECK(render(Format::kTable, items, names) ==
        "a  b  c  nowhere\n"
        "x     1\n"
        "      2\n"
        "   y\n");
  CHECK(render(Format::kTable, items, {"c", "a"}) ==
        "c  a\n"
        "1  x\n"
        "2\n"
        "\n");
}

TEST_CASE("numbers keep their original text in every format", "[format]") {
  const std::string items =
      R"([{"n":0.0},{"n":1e-7},{"n":12345678901234567890},{"n":-0},{"n":1E+2},{"n":-1.50e-10}])";
  CHECK(render(Format::kCsv, items, {"n"}) ==
        "n\n0.0\n1e-7\n12345678901234567890\n-0\n1E+2\n-1.50e-10\n");
  CHECK(render(Format::kTsv, items, {"n"}) ==
        "n\n0.0\n1e-7\n12345678901234567890\n-0\n1E+2\n-1.50e-10\n");
  CHECK(render(Format::kTable, items, {"n"}) ==
        "n\n"
        "                 0.0\n"
        "                1e-7\n"
        "12345678901234567890\n"
        "                  -0\n"
        "                1E+2\n"
        "           -1.50e-10\n");
  CHECK(render(Format::kNdjson, items, {}) ==
        "{\"n\":0.0}\n{\"n\":1e-7}\n{\"n\":12345678901234567890}\n{\"n\":-0}\n{\"n\":1E+2}\n"
        "{\"n\":-1.50e-10}\n");
  CHECK(render(Format::kJson, R"([{"n":[0.0,1e-7,12345678901234567890,-0]}])", {}) ==
        "[\n  {\n    \"n\": [\n      0.0,\n      1e-7,\n      12345678901234567890,\n      -0\n"
        "    ]\n  }\n]\n");
}

TEST_CASE("table: numbers right-aligned and text and headers left-aligned", "[format][table]") {
  const std::string items = R"([{"name":"a","count":5,"flag":true},{"name":"bbbbbb","count":12345,)"
                            R"("flag":false},{"name":"c","count":"text","flag":null}])";
  CHECK(render(Format::kTable, items, {"count", "name", "flag"}) ==
        "count  name    flag\n"
        "    5  a       true\n"
        "12345  bbbbbb  false\n"
        "text   c\n");
  // A right-aligned number in the last column is padded on the left only.
  CHECK(render(Format::kTable, items, {"name", "count"}) ==
        "name    count\n"
        "a           5\n"
        "bbbbbb  12345\n"
        "c       text\n");
}

TEST_CASE("table widths count terminal cells for Unicode text", "[format][table]") {
  // 日本 takes 4 cells, é (precomposed) 1, e + U+0301 1, 😀 2, U+200B 0, 한 2.
  const std::string items = R"([{"k":"日本","v":1},{"k":"é","v":22},{"k":"e\u0301x","v":333},)"
                            R"({"k":"😀","v":4},{"k":"a\u200bb","v":5},{"k":"한글","v":6}])";
  CHECK(render(Format::kTable, items, {"k", "v"}) ==
        "k     v\n"
        "\xe6\x97\xa5\xe6\x9c\xac    1\n"
        "\xc3\xa9      22\n"
        "e\xcc\x81x    333\n"
        "\xf0\x9f\x98\x80      4\n"
        "a\xe2\x80\x8b"
        "b      5\n"
        "\xed\x95\x9c\xea\xb8\x80    6\n");
  CHECK(render(Format::kTable, items, {"v", "k"}) ==
        "v    k\n"
        "  1  \xe6\x97\xa5\xe6\x9c\xac\n"
        " 22  \xc3\xa9\n"
        "333  e\xcc\x81x\n"
        "  4  \xf0\x9f\x98\x80\n"
        "  5  a\xe2\x80\x8b"
        "b\n"
        "  6  \xed\x95\x9c\xea\xb8\x80\n");
  // A wide header sets the width too.
  CHECK(render(Format::kTable, R"([{"名前":"ab"}])", {"名前"}) == "\xe5\x90\x8d\xe5\x89\x8d\nab\n");
  CHECK(render(Format::kTable, R"([{"名前":"ab","x":1}])", {"名前", "x"}) ==
        "\xe5\x90\x8d\xe5\x89\x8d  x\nab    1\n");
}

TEST_CASE("special characters in values", "[format]") {
  // a,b | say "hi" | l1\nl2 | cr\r | t\tt | back\slash | ESC | DEL | U+009B | U+202E.
  const std::string kept =
      R"([{"v":"a,b"},{"v":"say \"hi\""},{"v":"l1\nl2"},{"v":"cr\r"},{"v":"t\tt"},)"
      R"({"v":"back\\slash"},{"v":"e\u001b[31m"},{"v":"d\u007f"},{"v":"c\u009b1"},)"
      R"({"v":"\u202eevil"}])";

  SECTION("csv quotes only what RFC 4180 needs and changes nothing else") {
    CHECK(render(Format::kCsv, kept, {"v"}) ==
          "v\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"l1\nl2\"\n\"cr\r\"\nt\tt\nback\\slash\n"
          "e\x1b[31m\nd\x7f\nc\xc2\x9b"
          "1\n\xe2\x80\xae"
          "evil\n");
  }
  SECTION("tsv escapes backslash, tab, LF and CR only") {
    CHECK(render(Format::kTsv, kept, {"v"}) ==
          "v\na,b\nsay \"hi\"\nl1\\nl2\ncr\\r\nt\\tt\nback\\\\slash\ne\x1b[31m\nd\x7f\nc\xc2\x9b"
          "1\n\xe2\x80\xae"
          "evil\n");
  }
  SECTION("table shows controls, C1, bidi controls and backslash as escapes") {
    CHECK(render(Format::kTable, kept, {"v", "v"}) ==
          "v            v\n"
          "a,b          a,b\n"
          "say \"hi\"     say \"hi\"\n"
          "l1\\nl2       l1\\nl2\n"
          "cr\\r         cr\\r\n"
          "t\\tt         t\\tt\n"
          "back\\\\slash  back\\\\slash\n"
          "e\\x1B[31m    e\\x1B[31m\n"
          "d\\x7F        d\\x7F\n"
          "c\\x9B1       c\\x9B1\n"
          "\\u202Eevil   \\u202Eevil\n");
  }
}

TEST_CASE("table escapes every listed control", "[format][table]") {
  // Every C0 control and every C1 control, one at a time.
  for (unsigned c = 0; c < 0xA0; c = c == 0x1F ? 0x7F : c + 1) {
    std::string in;
    if (c < 0x80) {
      in = std::string(1, static_cast<char>(c));
    } else {
      in = {static_cast<char>(0xC2), static_cast<char>(c)};
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", c);
    const std::string want = c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : hex;
    StringSink one;
    write_table_text(in, one);
    REQUIRE(one.finish().ok());
    CHECK(one.str() == want);
    CHECK(table_text_width(in) == want.size());
  }
  StringSink sink;
  write_table_text(std::string("\0\x01\x08\x09\x0a\x0b\x0d\x1f\x20\x7e\x7f\\", 12), sink);
  write_table_text("\xc2\x80\xc2\x85\xc2\x9f\xc2\xa0", sink);  // U+0080, U+0085, U+009F, U+00A0
  write_table_text("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", sink);  // U+061C U+200E U+200F
  write_table_text("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae", sink);
  write_table_text("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", sink);  // U+2066..U+2069
  write_table_text("\xe2\x80\x8d\xe2\x81\xa5", sink);  // U+200D and U+2065 are left alone
  REQUIRE(sink.finish().ok());
  CHECK(sink.str() ==
        "\\x00\\x01\\x08\\t\\n\\x0B\\r\\x1F ~\\x7F\\\\"
        "\\x80\\x85\\x9F\xc2\xa0"
        "\\u061C\\u200E\\u200F"
        "\\u202A\\u202B\\u202C\\u202D\\u202E"
        "\\u2066\\u2067\\u2068\\u2069"
        "\xe2\x80\x8d\xe2\x81\xa5");
  CHECK(table_text_width(std::string("\0\x01\x08\x09\x0a\x0b\x0d\x1f\x20\x7e\x7f\\", 12)) ==
        4 + 4 + 4 + 2 + 2 + 4 + 2 + 4 + 1 + 1 + 4 + 2);
  CHECK(table_text_width("\xe2\x80\xae"
                         "a\xe6\x97\xa5") == 6 + 1 + 2);
  // Bytes that are not UTF-8 (possible only in names from the command line) are shown as \xHH.
  StringSink bad;
  write_table_text(
      "a\x9b"
      "b\xff\xe6\x97",
      bad);
  REQUIRE(bad.finish().ok());
  CHECK(bad.str() == "a\\x9Bb\\xFF\\xE6\\x97");
  CHECK(table_text_width("a\x9b"
                         "b\xff\xe6\x97") == 18);
}

TEST_CASE("header names are escaped like cells", "[format]") {
  Dataset data = parse_items(R"([{"x":1}])");
  FormatOptions options;
  options.columns = {Column{"a\tb", {}}, Column{"c\\d\xe2\x80\xae", {}}, Column{"=e,f", {}}};
  options.format = Format::kTable;
  CHECK(written(data, options) == "a\\tb  c\\\\d\\u202E  =e,f\n\n");
  options.format = Format::kTsv;
  CHECK(written(data, options) == "a\\tb\tc\\\\d\xe2\x80\xae\t=e,f\n\t\t\n");
  options.format = Format::kCsv;
  CHECK(written(data, options) == "a\tb,c\\d\xe2\x80\xae,\"'=e,f\"\n,,\n");
  options.csv_allow_formulas = true;
  CHECK(written(data, options) == "a\tb,c\\d\xe2\x80\xae,\"=e,f\"\n,,\n");
}

TEST_CASE("csv formula guard", "[format][csv]") {
  const std::string items =
      R"j([{"v":"=1+1"},{"v":"+1"},{"v":"-5"},{"v":-5},{"v":"@SUM(A1)"},{"v":"\tx"},{"v":"\rx"},)j"
      R"({"v":"a=b"},{"v":true},{"v":"'q"},{"v":"=a,\"b\""},{"v":""},{"v":["=x"]},{"v":{"=":1}}])";
  SECTION("on by default: text cells starting like a formula get a leading quote") {
    CHECK(render(Format::kCsv, items, {"v", "n"}) ==
          "v,n\n"
          "'=1+1,\n"
          "'+1,\n"
          "'-5,\n"
          "-5,\n"
          "'@SUM(A1),\n"
          "'\tx,\n"
          "\"'\rx\",\n"
          "a=b,\n"
          "true,\n"
          "'q,\n"
          "\"'=a,\"\"b\"\"\",\n"
          ",\n"
          "\"[\"\"=x\"\"]\",\n"
          "\"{\"\"=\"\":1}\",\n");
  }
  SECTION("csv_allow_formulas turns it off") {
    CHECK(render(Format::kCsv, items, {"v", "n"}, {true, true}) ==
          "v,n\n"
          "=1+1,\n"
          "+1,\n"
          "-5,\n"
          "-5,\n"
          "@SUM(A1),\n"
          "\tx,\n"
          "\"\rx\",\n"
          "a=b,\n"
          "true,\n"
          "'q,\n"
          "\"=a,\"\"b\"\"\",\n"
          ",\n"
          "\"[\"\"=x\"\"]\",\n"
          "\"{\"\"=\"\":1}\",\n");
  }
  SECTION("tsv and table never guard") {
    CHECK(render(Format::kTsv, R"([{"v":"=1"},{"v":"-5"}])", {"v"}) == "v\n=1\n-5\n");
    CHECK(render(Format::kTable, R"([{"v":"=1"},{"v":"-5"}])", {"v"}) == "v\n=1\n-5\n");
  }
}

TEST_CASE("objects and arrays are compact JSON cells", "[format]") {
  const std::string items =
      R"([{"o":{"a":1,"b":[true,null,"x,y"]},"l":[1,"two",{}],"e":{},"z":[]}])";
  const std::vector<std::string> names = {"o", "l", "e", "z"};
  CHECK(render(Format::kCsv, items, names) ==
        "o,l,e,z\n\"{\"\"a\"\":1,\"\"b\"\":[true,null,\"\"x,y\"\"]}\",\"[1,\"\"two\"\",{}]\",{},[]"
        "\n");
  CHECK(render(Format::kTsv, items, names) ==
        "o\tl\te\tz\n{\"a\":1,\"b\":[true,null,\"x,y\"]}\t[1,\"two\",{}]\t{}\t[]\n");
  CHECK(render(Format::kTable, items, names) ==
        "o                              l             e   z\n"
        "{\"a\":1,\"b\":[true,null,\"x,y\"]}  [1,\"two\",{}]  {}  []\n");
  // JSON escapes inside a cell are data to the table, so their backslashes are shown as \\.
  CHECK(render(Format::kTable, R"([{"o":{"k":"a\nb"}}])", {"o"}) == "o\n{\"k\":\"a\\\\nb\"}\n");
  CHECK(render(Format::kTsv, R"([{"o":{"k":"a\tb"}}])", {"o"}) == "o\n{\"k\":\"a\\\\tb\"}\n");
}

TEST_CASE("dotted columns reach nested members", "[format]") {
  const std::string items = R"([{"a":{"b":{"c":"deep"},"n":7}},{"a":{"b":5}},{"a":"flat"}])";
  CHECK(render(Format::kCsv, items, {"a.b.c", "a.n", "a.b"}) ==
        "a.b.c,a.n,a.b\ndeep,7,\"{\"\"c\"\":\"\"deep\"\"}\"\n,,5\n,,\n");
}

TEST_CASE("header false drops the header row", "[format]") {
  CHECK(render(Format::kCsv, kSeed, {"workloadName", "customersCount"}, {false}) ==
        "Exchange,12\nSharePoint,3\nTeams,150\n");
  CHECK(render(Format::kTsv, kSeed, {"workloadName", "customersCount"}, {false}) ==
        "Exchange\t12\nSharePoint\t3\nTeams\t150\n");
  CHECK(render(Format::kTable, kSeed, {"workloadName", "customersCount"}, {false}) ==
        "Exchange     12\nSharePoint    3\nTeams       150\n");
  // Widths come from the cells alone: a long header name no longer widens the column.
  CHECK(render(Format::kTable, kSeed, {"customersCount", "workloadName"}, {false}) ==
        " 12  Exchange\n  3  SharePoint\n150  Teams\n");
}

TEST_CASE("csv never writes a blank record", "[format][csv]") {
  const std::string items = R"([{"v":""},{"v":null},{},{"v":"x"},{"v":"-"}])";
  CHECK(render(Format::kCsv, items, {"v"}) == "v\n\"\"\n\"\"\n\"\"\nx\n'-\n");
  CHECK(render(Format::kCsv, items, {"v"}, {false, true}) == "\"\"\n\"\"\n\"\"\nx\n-\n");
  // Two columns: the comma already keeps the line from being blank.
  CHECK(render(Format::kCsv, items, {"v", "w"}) == "v,w\n,\n,\n,\nx,\n'-,\n");
  SECTION("a single empty header name too") {
    Dataset data = parse_items(R"([{"v":1}])");
    FormatOptions options;
    options.format = Format::kCsv;
    options.columns = {Column{"", {}}};
    CHECK(written(data, options) == "\"\"\n\"\"\n");
  }
}

TEST_CASE("nested arrays pretty-printed and checked at small depths", "[format][json]") {
  CHECK(render(Format::kJson, "[{\"d\":[[[]]]},{\"e\":1}]", {}) ==
        "[\n  {\n    \"d\": [\n      [\n        []\n      ]\n    ]\n  },\n  {\n    \"e\": 1\n  "
        "}\n]\n");
  for (std::size_t depth = 1; depth < 8; ++depth) {
    CHECK(render(Format::kJson, "[{\"d\":" + nested_arrays(depth) + "},{\"e\":1}]", {}).size() ==
          pretty_deep_size(depth));
  }
}

TEST_CASE("nesting at the parser's limit is written in full", "[format][json]") {
  constexpr std::size_t kDepth = kMaxNestingDepth - 3;  // the deepest a member's value may go
  Dataset data = parse_items("[{\"d\":" + nested_arrays(kDepth) + "},{\"e\":1}]");
  const std::string compact = "{\"d\":" + nested_arrays(kDepth) + "}";

  SECTION("ndjson") {
    StringSink sink;
    write_ndjson(data, sink);
    REQUIRE(sink.finish().ok());
    CHECK(sink.str() == compact + "\n{\"e\":1}\n");
  }
  SECTION("compact to a string and to a sink agree") {
    std::string appended = "x";
    append_compact_json(data, data.items()[0], appended);
    CHECK(appended == "x" + compact);
    StringSink sink;
    write_compact_json(data, data.items()[0], sink);
    REQUIRE(sink.finish().ok());
    CHECK(sink.str() == compact);
  }
  SECTION("json: its size and ends") {
    CountingSink sink;
    write_json(data, sink);
    REQUIRE(sink.finish().ok());
    CHECK_THAT(sink.head(), Catch::StartsWith("[\n  {\n    \"d\": [\n      [\n        [\n"));
    CHECK_THAT(sink.tail(), Catch::EndsWith("      ]\n    ]\n  },\n  {\n    \"e\": 1\n  }\n]\n"));
    CHECK(sink.size() == pretty_deep_size(kDepth));
  }
  SECTION("a deep cell in csv and table") {
    FormatOptions options;
    options.columns = columns_of(data, {"d"});
    options.format = Format::kCsv;
    CHECK(written(data, options) == "d\n" + nested_arrays(kDepth) + "\n\"\"\n");
  }
}

TEST_CASE("display width", "[format][width]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("hello, world") == 12);
  CHECK(display_width("\xe6\x97\xa5\xe6\x9c\xac") == 4);  // 日本
  CHECK(display_width("\xef\xbc\xa1") == 2);              // U+FF21 fullwidth A (F)
  CHECK(display_width("\xef\xbd\xb1") == 1);              // U+FF71 halfwidth katakana (H)
  CHECK(display_width("\xc3\xa9") == 1);                  // é
  CHECK(display_width("e\xcc\x81") == 1);                 // e + U+0301 (Mn)
  CHECK(display_width("\xe2\x83\x9d") == 0);              // U+20DD (Me)
  CHECK(display_width("\xf0\x9f\x98\x80") == 2);          // 😀
  CHECK(display_width("\xe2\x80\x8b\xe2\x80\x8f\xe2\x81\xa0\xe2\x81\xa4\xef\xbb\xbf") == 0);
  CHECK(display_width("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8") == 2);  // jamo L + V + T
  CHECK(display_width("\xed\x9e\xb0") == 0);                          // U+D7B0 medial vowel
  CHECK(display_width("\xc2\xad") == 1);                              // soft hyphen stays visible
  CHECK(display_width("\xd8\x80") == 1);                              // U+0600 number sign stays
  CHECK(display_width("\xf0\xaa\x9b\x9e") == 2);                      // U+2A6DE (plane 2)
  CHECK(display_width("\xf0\xaa\x9b\xa0") == 2);                      // U+2A6E0 unassigned, plane 2
  CHECK(display_width("\xe3\x80\x80") == 2);                          // U+3000 ideographic space

  CHECK(code_point_width(U'a') == 1);
  CHECK(code_point_width(0x1100) == 2);
  CHECK(code_point_width(0x1160) == 0);
  CHECK(code_point_width(0x11FF) == 0);
  CHECK(code_point_width(0x302A) == 0);  // Mn although East_Asian_Width W
  CHECK(code_point_width(0xAC00) == 2);
  CHECK(code_point_width(0x10FFFF) == 1);
  CHECK(code_point_width(0x110000) == 1);

  SECTION("invalid UTF-8 counts one cell per bad byte") {
    CHECK(display_width("\xff") == 1);
    CHECK(display_width("a\x80z") == 3);                        // stray continuation byte
    CHECK(display_width("\xe6\x97") == 2);                      // truncated sequence
    CHECK(display_width("\xc0\xaf") == 2);                      // overlong '/'
    CHECK(display_width("\xed\xa0\x80") == 3);                  // surrogate U+D800
    CHECK(display_width("\xf4\x90\x80\x80") == 4);              // beyond U+10FFFF
    CHECK(display_width("\xe6\x97\xa5\xff\xe6\x9c\xac") == 5);  // recovers after a bad byte
  }
  SECTION("decode_utf8") {
    char32_t cp = 0;
    const std::string s = "\xf0\x9f\x98\x80";
    CHECK(decode_utf8(s.data(), s.data() + 4, cp) == 4);
    CHECK(cp == 0x1F600);
    CHECK(decode_utf8(s.data(), s.data() + 3, cp) == 0);
    CHECK(decode_utf8(s.data(), s.data(), cp) == 0);
  }
}

TEST_CASE("width does not depend on the process locale", "[format][width]") {
  // Under the C locale (cron) wcwidth() would call CJK text unprintable; our table does not care.
  const std::string saved = std::setlocale(LC_ALL, nullptr);
  std::setlocale(LC_ALL, "C");
  CHECK(display_width("\xe6\x97\xa5\xe6\x9c\xac") == 4);
  CHECK(table_text_width("\xe6\x97\xa5\xe6\x9c\xac") == 4);
  std::setlocale(LC_ALL, saved.c_str());
}

TEST_CASE("cell_of renders each kind", "[format]") {
  Dataset data = parse_items(R"([{"s":"x","n":-1.5,"t":true,"f":false,"z":null,"o":{"a":[1]}}])");
  std::string scratch;
  const std::uint32_t item = data.items()[0];
  auto cell = [&](const char* name) {
    return cell_of(data, lookup(data, item, columns_of(data, {name})[0]), scratch);
  };
  CHECK(cell("s").text == "x");
  CHECK(cell("s").is_string);
  CHECK(cell("n").text == "-1.5");
  CHECK(cell("n").is_number);
  CHECK_FALSE(cell("n").is_string);
  CHECK(cell("t").text == "true");
  CHECK(cell("f").text == "false");
  CHECK_FALSE(cell("t").is_string);
  CHECK(cell("z").text.empty());
  CHECK(cell("missing").text.empty());
  CHECK(cell("o").text == "{\"a\":[1]}");
  CHECK_FALSE(cell("o").is_string);
  CHECK(starts_like_formula("=") == true);
  CHECK(starts_like_formula("") == false);
  CHECK(starts_like_formula(" =") == false);
}

TEST_CASE("StringSink keeps everything written past its buffer", "[format][sink]") {
  StringSink sink;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    sink.write(piece);
    expected += piece;
    sink.put('\n');
    expected += '\n';
  }
  const std::string big(10000, 'b');
  sink.write(big);
  expected += big;
  sink.fill('.', 9000);
  expected.append(9000, '.');
  sink.write("");
  REQUIRE(sink.finish().ok());
  CHECK(sink.str().size() == expected.size());
  CHECK(sink.str() == expected);
  // Writing may go on after finish().
  sink.write("more");
  REQUIRE(sink.finish().ok());
  CHECK(sink.str() == expected + "more");
}

TEST_CASE("FdSink writes everything to a pipe", "[format][sink]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::string received;
  std::thread reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) received.append(buf, static_cast<size_t>(n));
  });
  std::string expected;
  {
    FdSink sink(fds[1]);
    for (int i = 0; i < 100000; ++i) {
      const std::string line = "line " + std::to_string(i) + "\n";
      sink.write(line);
      expected += line;
    }
    const std::string big(300000, 'x');  // bigger than the buffer and a pipe: short writes
    sink.write(big);
    expected += big;
    CHECK(sink.finish().ok());
  }
  close(fds[1]);
  reader.join();
  close(fds[0]);
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}

namespace {

// Writes `total` patterned bytes through an FdSink into a pipe drained slowly by another thread,
// and returns what arrived.
std::string through_slow_pipe(std::size_t total, std::string& sent, bool nonblocking,
                              bool interrupt) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  fcntl(fds[1], F_SETPIPE_SZ, 4096);  // a small pipe fills at once: the writer must wait a lot
  if (nonblocking) fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
  std::string received;
  std::thread reader([&] {
    char buf[1000];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      received.append(buf, static_cast<size_t>(n));
      usleep(20);
    }
  });
  std::atomic<bool> done{false};
  const pthread_t writer = pthread_self();
  std::thread kicker([&] {
    while (interrupt && !done) {
      pthread_kill(writer, SIGUSR1);
      usleep(100);
    }
  });
  sent.clear();
  for (std::size_t i = 0; sent.size() < total; ++i) sent += std::to_string(i) + ' ';
  {
    FdSink sink(fds[1]);
    for (std::size_t at = 0; at < sent.size(); at += 70000) sink.write(sent.substr(at, 70000));
    CHECK(sink.finish().ok());
  }
  done = true;
  kicker.join();
  close(fds[1]);
  reader.join();
  close(fds[0]);
  return received;
}

}  // namespace

TEST_CASE("FdSink retries after EINTR and short writes and EAGAIN", "[format][sink]") {
  // A handler without SA_RESTART makes a blocked write(2) fail with EINTR or return short.
  struct sigaction action {};
  struct sigaction saved {};
  action.sa_handler = [](int) {};
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  REQUIRE(sigaction(SIGUSR1, &action, &saved) == 0);
  std::string sent;
  SECTION("blocking descriptor, interrupted by signals") {
    const std::string received = through_slow_pipe(1 << 20, sent, false, true);
    CHECK(received.size() == sent.size());
    CHECK(received == sent);
  }
  SECTION("non-blocking descriptor") {
    const std::string received = through_slow_pipe(1 << 20, sent, true, false);
    CHECK(received.size() == sent.size());
    CHECK(received == sent);
  }
  sigaction(SIGUSR1, &saved, nullptr);
}

TEST_CASE("FdSink reports write errors from finish()", "[format][sink]") {
  const int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) {
    WARN("no /dev/full");
    return;
  }
  FdSink sink(fd);
  sink.write("hello");
  Status status = sink.finish();
  close(fd);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ExitCode::kInternal);
  CHECK(status.error().message == std::string("cannot write output: ") + std::strerror(ENOSPC));

  FdSink closed(-1);
  closed.write("x");
  Status bad = closed.finish();
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == std::string("cannot write output: ") + std::strerror(EBADF));
}

TEST_CASE("FdSink ends the process quietly as SIGPIPE would when the reader is gone",
          "[format][sink]") {
  int out[2];
  int err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  close(out[0]);  // nobody will read
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Ignored SIGPIPE is what turns a closed pipe into EPIPE instead of a signal.
    signal(SIGPIPE, SIG_IGN);
    dup2(err[1], 2);
    FdSink sink(out[1]);
    sink.write("data\n");
    const Status status = sink.finish();
    _exit(status.ok() ? 90 : 91);  // not reached when the sink does its job
  }
  close(out[1]);
  close(err[1]);
  std::string stderr_text;
  char buf[256];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof buf)) > 0) stderr_text.append(buf, static_cast<size_t>(n));
  close(err[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGPIPE);
  CHECK(stderr_text.empty());
}

namespace {

// Wide (CJK, 2 cells each) and combining (e + U+0301, 1 cell each) text beside a number and a date.
const std::string kWideItems = R"([
  {"name": "日本語のワークロード", "mark": "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", "n": 12.25, "at": "2024-05-01T08:00:00Z"},
  {"name": "Exchange Online Plan", "mark": "x", "n": 0.5, "at": "2024-05-02T08:00:00Z"}
])";
const std::vector<std::string> kWideColumns = {"name", "mark", "n", "at"};

std::string fitted(std::size_t width) {
  Options o;
  o.max_width = width;
  return render(Format::kTable, kWideItems, kWideColumns, o);
}

// The widest line, in terminal cells.
std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0, start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    widest = std::max(widest, display_width(text.substr(start, nl - start)));
    start = nl + 1;
  }
  return widest;
}

}  // namespace

TEST_CASE("table fits a width by shortening the widest text columns, never a number or a date",
          "[format]") {
  const std::string natural =
      "name                  mark    n      at\n"
      "日本語のワークロード  e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301  12.25  "
      "2024-05-01T08:00:00Z\n"
      "Exchange Online Plan  x         0.5  2024-05-02T08:00:00Z\n";
  CHECK(render(Format::kTable, kWideItems, kWideColumns) == natural);
  CHECK(fitted(0) == natural);
  CHECK(fitted(57) == natural);
  CHECK(fitted(200) == natural);
  CHECK(fitted(56) ==
        "name                 mark    n      at\n"
        "日本語のワークロー…  e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301  12.25  "
        "2024-05-01T08:00:00Z\n"
        "Exchange Online Pl…  x         0.5  2024-05-02T08:00:00Z\n");
  CHECK(fitted(50) ==
        "name           mark    n      at\n"
        "日本語のワー…  e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301  12.25  2024-05-01T08:00:00Z\n"
        "Exchange Onl…  x         0.5  2024-05-02T08:00:00Z\n");
  CHECK(fitted(45) ==
        "name      mark    n      at\n"
        "日本語…   e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301  12.25  2024-05-01T08:00:00Z\n"
        "Exchang…  x         0.5  2024-05-02T08:00:00Z\n");
  CHECK(fitted(42) ==
        "name    mark   n      at\n"
        "日本…   e\u0301e\u0301e\u0301e\u0301…  12.25  2024-05-01T08:00:00Z\n"
        "Excha…  x        0.5  2024-05-02T08:00:00Z\n");
  CHECK(fitted(41) ==
        "name   mark   n      at\n"
        "日本…  e\u0301e\u0301e\u0301e\u0301…  12.25  2024-05-01T08:00:00Z\n"
        "Exch…  x        0.5  2024-05-02T08:00:00Z\n");
  for (std::size_t width : {41, 42, 45, 50, 56, 57}) {
    INFO(width);
    CHECK(widest_line(fitted(width)) == width);
  }
  // Narrower than the numbers and dates allow (41 here): those stay whole.
  CHECK(fitted(30) == fitted(41));
}

TEST_CASE("a cell wider than the padding cap is printed whole without padding the other rows",
          "[format]") {
  const std::size_t cap = kMaxPaddedColumnWidth;
  const std::string spaces(cap, ' ');
  const std::string longest(cap + 44, 'x');
  const std::string items = R"([{"a": ")" + longest + R"(", "b": "y"}, {"a": "short", "b": "z"}])";
  // The column is padded to the cap; the long cell overflows it and pushes only its own row.
  const std::string expected =
      "a" + spaces.substr(1) + "  b\n" + longest + "  y\n" + "short" + spaces.substr(5) + "  z\n";
  CHECK(render(Format::kTable, items, {"a", "b"}) == expected);
  // A terminal wide enough for the long cell shows the same.
  Options wide_terminal;
  wide_terminal.max_width = 1000;
  CHECK(render(Format::kTable, items, {"a", "b"}, wide_terminal) == expected);
  // A narrower terminal still shortens the column to fit, as before.
  Options terminal;
  terminal.max_width = 80;
  CHECK(render(Format::kTable, items, {"a", "b"}, terminal) ==
        "a" + std::string(78, ' ') + "b\n" + std::string(76, 'x') + "…  y\n" + "short" +
            std::string(74, ' ') + "z\n");

  // Wide characters count as two cells: 129 of them (258 cells) overflow, 128 (256) just fit.
  std::string han;
  for (std::size_t i = 0; i < cap / 2; ++i) han += "日";
  CHECK(render(Format::kTable, R"([{"a": ")" + han + R"(日", "b": 1}, {"a": "", "b": 2}])",
               {"a", "b"}) ==
        "a" + spaces.substr(1) + "  b\n" + han + "日  1\n" + spaces + "  2\n");
  CHECK(render(Format::kTable, R"([{"a": ")" + han + R"(", "b": 1}, {"a": "", "b": 2}])",
               {"a", "b"}) == "a" + spaces.substr(1) + "  b\n" + han + "  1\n" + spaces + "  2\n");

  // A number past the cap is never cut and never pads the column's other numbers beyond it.
  const std::string big = "1" + std::string(cap + 9, '0');
  CHECK(render(Format::kTable, "[{\"n\": " + big + "}, {\"n\": 5}]", {"n"}) ==
        "n\n" + big + "\n" + spaces.substr(1) + "5\n");
  Options narrow;
  narrow.max_width = 20;
  CHECK(render(Format::kTable, "[{\"n\": " + big + "}, {\"n\": 5}]", {"n"}, narrow) ==
        "n\n" + big + "\n" + spaces.substr(1) + "5\n");

  // A header past the cap is printed whole too.
  const std::string name(cap + 4, 'h');
  CHECK(render(Format::kTable, R"([{")" + name + R"(": "v", "b": "w"}])", {name, "b"}) ==
        name + "  b\nv" + spaces.substr(1) + "  w\n");
}

TEST_CASE("one long cell does not make the table quadratic in the response", "[format]") {
  // 20 KB in one cell and 2,000 small items: padding every row to the long cell would print 40 MB.
  std::string items = R"([{"a": ")" + std::string(20000, 'x') + R"("})";
  for (int i = 0; i < 2000; ++i) items += R"(,{"b":1})";
  items += "]";
  const std::string table = render(Format::kTable, items, {"a", "b"});
  // Each row: column a padded to the cap, the gap, "1" and a newline; the long cell once more.
  const std::size_t row = kMaxPaddedColumnWidth + kTableColumnGap + 2;
  CHECK(table.size() <= 2002 * row + 20000);
  CHECK(table.find(std::string(20000, 'x')) != std::string::npos);
}

TEST_CASE("a shortened cell keeps its escapes whole and its combining marks", "[format]") {
  CHECK(fit_table_text("abc", 3).text == "abc");
  CHECK(fit_table_text("abcd", 3).text == "ab…");
  CHECK(fit_table_text("abcd", 3).width == 3);
  CHECK(fit_table_text("日本語", 4).text == "日…");
  CHECK(fit_table_text("日本語", 4).width == 3);
  CHECK(fit_table_text("e\u0301e\u0301e\u0301", 3).text == "e\u0301e\u0301e\u0301");
  CHECK(fit_table_text("e\u0301e\u0301e\u0301x", 3).text == "e\u0301e\u0301…");
  CHECK(fit_table_text("a\x1b[31mb", 5).text == "a\\x1…");
  CHECK(looks_like_date("2024-05-01"));
  CHECK(looks_like_date("2024-05-01T08:00:00Z"));
  CHECK_FALSE(looks_like_date("2024-5-01"));
  CHECK_FALSE(looks_like_date("Exchange"));
}

TEST_CASE("csv and tsv for a terminal show control characters as the table does", "[format]") {
  const std::string items = R"([{"a": "x\u001b[31my", "b": "t\tn\nq\"c,"}])";
  Options tty;
  tty.escape_controls = true;
  CHECK(render(Format::kCsv, items, {"a", "b"}, tty) == "a,b\nx\\x1B[31my,\"t\\tn\\nq\"\"c,\"\n");
  CHECK(render(Format::kTsv, items, {"a", "b"}, tty) == "a\tb\nx\\x1B[31my\tt\\tn\\nq\"c,\n");
  // Byte-exact otherwise.
  CHECK(render(Format::kCsv, items, {"a", "b"}) == "a,b\nx\x1b[31my,\"t\tn\nq\"\"c,\"\n");
  CHECK(render(Format::kTsv, items, {"a", "b"}) == "a\tb\nx\x1b[31my\tt\\tn\\nq\"c,\n");
}
