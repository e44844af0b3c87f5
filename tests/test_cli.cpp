#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "cli/help.h"
#include "cli/parse_args.h"
#include "support/run_app.h"
#include "support/temp_dir.h"

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
    if (!parsed.ok()) CHECK(parsed.error().message.find("expected: " + flag) == std::string::npos);
  }
}
