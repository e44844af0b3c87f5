#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cli/help.h"
#include "cli/parse_args.h"
#include "cli/sourced.h"
#include "cli/usage_errors.h"
#include "support/helpers.h"
#include "support/run_app.h"

using namespace pcusage;

namespace {

Result<Options> parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return pcusage::test::parse_with_env(args, std::move(env));
}

void require_usage(const Result<Options>& r, const std::string& fragment) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ExitCode::kUsage);
  CHECK(r.error().message.find(fragment) != std::string::npos);
  CHECK(r.error().message.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("defaults") {
  auto r = parse({});
  REQUIRE(r.ok());
  CHECK(r->action == Action::kRun);
  CHECK(r->base_url.origin() == "https://api.partnercenter.microsoft.com");
  CHECK(r->base_url.prefix.empty());
  CHECK(r->locale == "en-US");
  CHECK(r->correlation_id.empty());
  CHECK(r->format == Format::kTable);
  CHECK(r->command == Command::kUsage);
  CHECK(r->columns.empty());  // the report's own defaults apply
  CHECK_FALSE(r->columns_given);
  CHECK(r->header);
  CHECK(r->timeout_s == 120);
  CHECK(r->connect_timeout_s == 10);
  CHECK(r->retries == 3);
  CHECK(r->max_pages == 1000);
  CHECK(r->max_response_bytes == 256u * 1024 * 1024);
  CHECK_FALSE(r->token);
  CHECK_FALSE(r->env_token);
}

TEST_CASE("every flag is parsed") {
  const test::TempDir dir;
  const std::string ca = dir.write("ca.pem", test::kPemStub);
  const std::string out = dir.at("out.csv");
  auto r = parse({"--token",
                  "t1",
                  "--base-url",
                  "https://h.example/p/",
                  "--locale",
                  "zh-Hans-CN",
                  "--correlation-id",
                  "0B9F6A3E-1C2D-4E5F-8A9B-0C1D2E3F4A5B",
                  "-o",
                  "csv",
                  "--columns",
                  "a, b.c",
                  "--no-header",
                  "--sort",
                  "b.c:desc",
                  "--timeout",
                  "2.5",
                  "--connect-timeout",
                  "1",
                  "--retries",
                  "0",
                  "--max-pages",
                  "7",
                  "--max-response-bytes",
                  "2M",
                  "--cacert",
                  ca,
                  "--csv-allow-formulas",
                  "--output-file",
                  out,
                  "-v"});
  REQUIRE(r.ok());
  CHECK(*r->token == "t1");
  CHECK(r->base_url.join("/v1/x") == "https://h.example/p/v1/x");
  CHECK(r->locale == "zh-Hans-CN");
  CHECK(r->correlation_id == "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  CHECK(r->format == Format::kCsv);
  CHECK(r->columns == std::vector<std::string>{"a", "b.c"});
  CHECK(r->columns_given);
  CHECK_FALSE(r->header);
  CHECK(*r->sort_field == "b.c");
  CHECK(r->sort_descending);
  CHECK(r->timeout_s == 2.5);
  CHECK(r->connect_timeout_s == 1);
  CHECK(r->retries == 0);
  CHECK(r->max_pages == 7);
  CHECK(r->max_response_bytes == 2u << 20);
  CHECK(r->ca_file == ca);
  CHECK(r->csv_allow_formulas);
  CHECK(*r->output_file == out);
  CHECK(r->verbose);
}

TEST_CASE("formats by name") {
  for (auto [name, f] : {std::pair{"table", Format::kTable},
                         {"json", Format::kJson},
                         {"ndjson", Format::kNdjson},
                         {"csv", Format::kCsv},
                         {"tsv", Format::kTsv}}) {
    auto r = parse({"--output", name});
    REQUIRE(r.ok());
    CHECK(r->format == f);
  }
  require_usage(parse({"-o", "xml"}), "\"xml\" is not a format");
}

TEST_CASE("environment variables and flag precedence") {
  auto r = parse({}, {{"PCUSAGE_TOKEN", " envtok\n"},
                      {"PCUSAGE_BASE_URL", "http://127.0.0.1:9/x"},
                      {"PCUSAGE_LOCALE", "fr-FR"}});
  REQUIRE(r.ok());
  CHECK(*r->env_token == " envtok\n");
  CHECK(r->base_url.join("/v1") == "http://127.0.0.1:9/x/v1");
  CHECK(r->locale == "fr-FR");
  r = parse({"--base-url", "https://a.example", "--locale", "de-DE"},
            {{"PCUSAGE_BASE_URL", "https://b.example"}, {"PCUSAGE_LOCALE", "fr-FR"}});
  REQUIRE(r.ok());
  CHECK(r->base_url.origin() == "https://a.example");
  CHECK(r->locale == "de-DE");
  // An empty variable counts as unset.
  r = parse({}, {{"PCUSAGE_TOKEN", ""}, {"PCUSAGE_BASE_URL", ""}});
  REQUIRE(r.ok());
  CHECK_FALSE(r->env_token);
  CHECK(r->base_url.origin() == "https://api.partnercenter.microsoft.com");
  require_usage(parse({}, {{"PCUSAGE_BASE_URL", "http://example.com"}}), "PCUSAGE_BASE_URL");
}

TEST_CASE("base URL rules") {
  for (const char* ok : {"https://h", "https://h:8443/", "https://h/p/", "http://localhost:1/",
                         "http://127.0.0.1:5000", "http://127.1.2.3", "http://[::1]:80/pre"}) {
    INFO(ok);
    CHECK(parse({"--base-url", ok}).ok());
  }
  require_usage(parse({"--base-url", "http://partner.example.com"}), "must use https://");
  require_usage(parse({"--base-url", "http://127.0.0.1.evil.com"}), "must use https://");
  require_usage(parse({"--base-url", "ftp://h"}), "must use https://");
  require_usage(parse({"--base-url", "https://h/?a=1"}), "query or fragment");
  require_usage(parse({"--base-url", "https://h/#x"}), "query or fragment");
  require_usage(parse({"--base-url", "https://user:pw@h/"}), "user name or password");
  require_usage(parse({"--base-url", "h.example"}), "not an absolute");
  require_usage(parse({"--base-url", "https://h:99999"}), "malformed port");
  auto r = parse({"--base-url", "https://h/p/"});
  CHECK(r->base_url.join("/v1/analytics/licenses/usage") ==
        "https://h/p/v1/analytics/licenses/usage");
}

TEST_CASE("bad values are one-line usage errors") {
  require_usage(parse({"--locale", "not a locale"}), "not a language tag");
  require_usage(parse({"--locale", "e"}), "not a language tag");
  require_usage(parse({"--correlation-id", "nope"}), "not a GUID");
  require_usage(parse({"--no-such-flag"}), "--no-such-flag");
  require_usage(parse({"--timeout", "0"}), "--timeout");
  require_usage(parse({"--timeout", "abc"}), "--timeout");
  require_usage(parse({"--retries", "-1"}), "");
  require_usage(parse({"--retries", "x"}), "--retries");
  require_usage(parse({"--max-pages", "0"}), "--max-pages");
  require_usage(parse({"--max-response-bytes", "12Q"}), "--max-response-bytes");
  require_usage(parse({"--columns", "a,,b"}), "empty field name");
  require_usage(parse({"--sort", "a:up"}), "--sort");
  require_usage(parse({"--sort", ":desc"}), "--sort");
  require_usage(parse({"--columns", "a", "-o", "json"}), "--columns applies to");
  require_usage(parse({"--output-file", "-"}), "--output-file");
  require_usage(parse({"--token"}), "--token");
}

TEST_CASE("help and version") {
  auto r = parse({"--help"});
  REQUIRE(r.ok());
  CHECK(r->action == Action::kHelp);
  CHECK(r->help_text == help_text());
  r = parse({"-h"});
  REQUIRE(r.ok());
  CHECK(r->action == Action::kHelp);
  r = parse({"--version"});
  REQUIRE(r.ok());
  CHECK(r->action == Action::kVersion);
}

TEST_CASE("help fits 80 columns and names every flag") {
  const std::string help = help_text();
  std::size_t start = 0;
  while (start < help.size()) {
    const std::size_t nl = help.find('\n', start);
    const std::string line = help.substr(start, nl - start);
    INFO(line);
    CHECK(line.size() <= 80);
    start = nl + 1;
  }
  for (const char* flag : {"--token ",
                           "--token-file",
                           "--base-url",
                           "--locale",
                           "--correlation-id",
                           "--input",
                           "-o, --output",
                           "--columns",
                           "--no-header",
                           "--sort",
                           "--timeout",
                           "--connect-timeout",
                           "--retries",
                           "--max-pages",
                           "--max-response-bytes",
                           "--cacert",
                           "--csv-allow-formulas",
                           "--output-file",
                           "-v, --verbose",
                           "--version",
                           "-h, --help",
                           "PCUSAGE_TOKEN",
                           "PCUSAGE_BASE_URL",
                           "PCUSAGE_LOCALE",
                           "Exit codes"}) {
    INFO(flag);
    CHECK(help.find(flag) != std::string::npos);
  }
  // Every flag the parser accepts is documented: parse each one from the help text back.
  std::regex flag_re("--[a-z][a-z-]+");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), flag_re);
       it != std::sregex_iterator(); ++it) {
    const std::string flag = it->str();
    auto parsed = parse({flag, "x"});
    INFO(flag);
    if (!parsed.ok()) CHECK(parsed.error().message.find("unknown option") == std::string::npos);
  }
}

namespace {

// The exact one-line message of a usage error.
std::string usage_message(std::vector<std::string> args,
                          std::map<std::string, std::string> env = {}) {
  auto r = parse(std::move(args), std::move(env));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ExitCode::kUsage);
  return r.error().message;
}

}  // namespace

TEST_CASE("usage errors are pcusage's own words, naming flags as written") {
  CHECK(usage_message({"--tokne", "abc"}) == "unknown option --tokne; did you mean --token?");
  CHECK(usage_message({"--tokne=abc"}) == "unknown option --tokne; did you mean --token?");
  CHECK(usage_message({"--outptu", "csv"}) == "unknown option --outptu; did you mean --output?");
  CHECK(usage_message({"--frobnicate"}) == "unknown option --frobnicate (see 'pcusage --help')");
  CHECK(usage_message({"-x"}) == "unknown option -x (see 'pcusage --help')");
  CHECK(usage_message({"-o"}) == "--output needs a value: table, json, ndjson, csv or tsv");
  CHECK(usage_message({"-vo"}) == "--output needs a value: table, json, ndjson, csv or tsv");
  CHECK(usage_message({"--output"}) == "--output needs a value: table, json, ndjson, csv or tsv");
  CHECK(usage_message({"--timeout"}) == "--timeout needs a value: a number of seconds");
  CHECK(usage_message({"-v", "--token"}) == "--token needs a value: the bearer token");
  CHECK(usage_message({"--output=csv", "-o", "json"}) == "-o given twice");
  CHECK(usage_message({"-o", "csv", "--output", "json"}) == "--output given twice");
  CHECK(usage_message({"-vojson", "-o", "csv"}) == "-o given twice");
  CHECK(usage_message({"--sort", "a", "--sort-by", "b"}) == "--sort-by given twice");
  CHECK(usage_message({"usage", "stray"}) ==
        "unexpected argument \"stray\" (see 'pcusage --help')");
  CHECK(usage_message({"usgae"}) ==
        "unknown command \"usgae\" (usage, deployment, customers, login, logout, config); did you "
        "mean usage?");
  // Lists given once per value are not "given twice".
  CHECK(parse({"deployment", "--customer", "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "--customer",
               "1b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})
            .ok());
  CHECK(usage_message({"-o", "xml"}) ==
        "--output: \"xml\" is not a format (table, json, ndjson, csv or tsv)");
  CHECK(usage_message({"-o", "jsno"}) ==
        "--output: \"jsno\" is not a format (table, json, ndjson, csv or tsv); did you mean json?");
}

TEST_CASE("a --columns value the shell expanded into file names says to quote the '*'") {
  CHECK(usage_message({"--columns", "CMakeLists.txt", "README.md", "src"}) ==
        "--columns: unexpected \"README.md\" after it (a '*' expanded by the shell into file "
        "names?); quote the '*': --columns '*'");
  // Two names: the second would be taken for a command.
  CHECK(usage_message({"-o", "csv", "--columns", "CMakeLists.txt", "README.md"}) ==
        "--columns: unexpected \"README.md\" after it (a '*' expanded by the shell into file "
        "names?); quote the '*': --columns '*'");
  CHECK(usage_message({"--columns=CMakeLists.txt", "README.md"}) ==
        "--columns: unexpected \"README.md\" after it (a '*' expanded by the shell into file "
        "names?); quote the '*': --columns '*'");
}

TEST_CASE("kubectl-style aliases and format names in any case") {
  auto r = parse({"--no-headers", "--sort-by", "workloadName:desc", "-o", "JSON"});
  REQUIRE(r.ok());
  CHECK_FALSE(r->header);
  CHECK(r->sort_field == "workloadName");
  CHECK(r->sort_descending);
  CHECK(r->format == Format::kJson);
  for (const auto& [name, format] :
       std::vector<std::pair<std::string, Format>>{{"--output=Csv", Format::kCsv},
                                                   {"--output=NDJSON", Format::kNdjson},
                                                   {"-oTsv", Format::kTsv},
                                                   {"-oTABLE", Format::kTable}}) {
    INFO(name);
    auto f = parse({name});
    REQUIRE(f.ok());
    CHECK(f->format == format);
  }
}

TEST_CASE("errors name the source of a bad value") {
  CHECK(usage_message({}, {{"PCUSAGE_LOCALE", "en_US"}}) ==
        "PCUSAGE_LOCALE: \"en_US\" is not a language tag such as en-US");
  CHECK(usage_message({"--locale", "en_US"}, {{"PCUSAGE_LOCALE", "fr-FR"}}) ==
        "--locale: \"en_US\" is not a language tag such as en-US");
  CHECK(usage_message({"--refresh-token-file", "rt"},
                      {{"PCUSAGE_TENANT", "a b"}, {"PCUSAGE_CLIENT_ID", "c"}}) ==
        "PCUSAGE_TENANT: \"a b\" is not a tenant or client id");
  CHECK(usage_message({"--refresh-token-file", "rt", "--tenant", "t", "--client-id", "c/d"}) ==
        "--client-id: \"c/d\" is not a tenant or client id");
  CHECK(usage_message({"--refresh-token-file", "rt", "--tenant", "", "--client-id", "c"}) ==
        "the refresh-token sign-in needs --tenant (or PCUSAGE_TENANT)");
  CHECK(config_file_source("/home/u/.config/pcusage/config", 3) ==
        "config file /home/u/.config/pcusage/config line 3");
}

TEST_CASE("the nearest name is offered only for a likely typo") {
  CHECK(nearest_name("--tokne", {"--token", "--token-file", "--tenant"}) == "--token");
  CHECK(nearest_name("--colums", {"--columns", "--cacert"}) == "--columns");
  CHECK(nearest_name("--zzz", {"--token", "--sort"}).empty());
  CHECK(nearest_name("Jsno", {"json", "ndjson"}) == "json");
  CHECK(nearest_name("x", {"json"}).empty());
}
