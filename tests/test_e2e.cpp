// The built binary, run as a user would: argv, environment and stdin in; stdout, stderr and the
// exit status out; a real HTTP server on 127.0.0.1 behind it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/text.h"
#include "support/helpers.h"
#include "support/loopback_server.h"
#include "support/run_pcusage.h"
#include "support/run_process.h"

using namespace pcusage;
using namespace pcusage::test;

namespace {

const std::string kSeed = slurp(PCUSAGE_SOURCE_DIR "/examples/usage-response.json");

const char* kSeedTable =
    "workloadName            serviceName  channel   proratedLicensesUsagePercent  "
    "processedDateTime\n"
    "Microsoft Dynamics CRM  crm          reseller                           0.0  "
    "2017-03-10T00:00:00+00:00\n"
    "SharePoint              crm          reseller                           0.0  "
    "2017-03-10T00:00:00+00:00\n"
    "Exchange                o365         reseller                           0.0  "
    "2017-03-09T00:00:00+00:00\n"
    "SharePoint              o365         reseller                           0.0  "
    "2017-03-09T00:00:00+00:00\n"
    "Skype For Business      o365         reseller                           0.0  "
    "2017-03-09T00:00:00+00:00\n";

const char* kSeedCsv =
    "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n"
    "Microsoft Dynamics CRM,crm,reseller,0.0,2017-03-10T00:00:00+00:00\n"
    "SharePoint,crm,reseller,0.0,2017-03-10T00:00:00+00:00\n"
    "Exchange,o365,reseller,0.0,2017-03-09T00:00:00+00:00\n"
    "SharePoint,o365,reseller,0.0,2017-03-09T00:00:00+00:00\n"
    "Skype For Business,o365,reseller,0.0,2017-03-09T00:00:00+00:00\n";

void require_failure(const ProcessResult& r, int status, const std::string& fragment) {
  test::require_failure(r, status, fragment, kToken);
}

std::string items_json(const std::string& items) {
  return R"({"totalCount":1,"items":[)" + items + R"(],"attributes":{"objectType":"Collection"}})";
}

}  // namespace

TEST_CASE("the seed response as a table, with LANG=C") {
  LoopbackServer server(always(200, kSeed));
  auto r = against(server, {});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == kSeedTable);
  CHECK(r.err.empty());
}

TEST_CASE("the request a user's run sends") {
  LoopbackServer server(always(200, kSeed));
  auto r = against(server, {"-o", "csv", "--locale", "fr-FR"});
  CHECK(r.status == 0);
  CHECK(r.out == kSeedCsv);
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].target == "/v1/analytics/licenses/usage");
  CHECK(reqs[0].header("Authorization") == "Bearer " + kToken);
  CHECK(reqs[0].header("Accept") == "application/json");
  CHECK(reqs[0].header("X-Locale") == "fr-FR");
  CHECK(reqs[0].header("MS-Contract-Version") == "v1");
  CHECK(is_guid(reqs[0].header("MS-RequestId")));
  CHECK(is_guid(reqs[0].header("MS-CorrelationId")));
  CHECK(reqs[0].header("User-Agent").rfind("pcusage/", 0) == 0);
  CHECK(reqs[0].header("Accept-Encoding").find("gzip") != std::string::npos);
}

TEST_CASE("a base URL prefix is kept and a trailing slash tolerated") {
  LoopbackServer server(always(200, kSeed));
  auto env = base_env();
  env["PCUSAGE_TOKEN"] = kToken;
  auto r = run_pcusage({"--base-url", server.url() + "/pre/fix/", "-o", "csv"}, env);
  CHECK(r.status == 0);
  CHECK(server.requests().at(0).target == "/pre/fix/v1/analytics/licenses/usage");
}

TEST_CASE("every output format of the seed") {
  LoopbackServer server(always(200, kSeed));
  SECTION("json") {
    auto r = against(server, {"-o", "json"});
    CHECK(r.status == 0);
    CHECK(r.out.rfind("[\n  {\n    \"proratedLicensesUsagePercent\": 0.0,\n    \"workloadName\": "
                      "\"Microsoft Dynamics CRM\",\n",
                      0) == 0);
    CHECK(r.out.find("    \"attributes\": {\n      \"objectType\": "
                     "\"PartnerLicensesUsageInsights\"\n    }\n  },\n") != std::string::npos);
    CHECK(r.out.substr(r.out.size() - 6) == "  }\n]\n");
  }
  SECTION("ndjson") {
    auto r = against(server, {"-o", "ndjson"});
    CHECK(r.status == 0);
    CHECK(
        r.out.rfind(
            R"({"proratedLicensesUsagePercent":0.0,"workloadName":"Microsoft Dynamics CRM","processedDateTime":"2017-03-10T00:00:00+00:00","serviceName":"crm","channel":"reseller","attributes":{"objectType":"PartnerLicensesUsageInsights"}})"
            "\n",
            0) == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 5);
  }
  SECTION("tsv") {
    auto r = against(server, {"-o", "tsv", "--columns", "workloadName,attributes.objectType"});
    CHECK(r.status == 0);
    CHECK(r.out.rfind("workloadName\tattributes.objectType\nMicrosoft Dynamics "
                      "CRM\tPartnerLicensesUsageInsights\n",
                      0) == 0);
  }
  SECTION("csv without header, every field") {
    auto r = against(server, {"-o", "csv", "--columns", "*", "--no-header"});
    CHECK(r.status == 0);
    CHECK(r.out.rfind("0.0,Microsoft Dynamics "
                      "CRM,2017-03-10T00:00:00+00:00,crm,reseller,PartnerLicensesUsageInsights\n",
                      0) == 0);
  }
}

TEST_CASE("hostile and unusual values, end to end") {
  const std::string item =
      R"J({"workloadName":"=HYPERLINK(\"x\")","serviceName":"a,b \"q\"\nline","channel":"日本\u202Eevil\u001b[2J","n":-5,"big":12345678901234567890,"tiny":1e-7})J";
  LoopbackServer server(always(200, items_json(item)));
  auto r = against(server, {"-o", "csv", "--columns", "workloadName,serviceName,n,big,tiny"});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "workloadName,serviceName,n,big,tiny\n"
        "\"'=HYPERLINK(\"\"x\"\")\",\"a,b \"\"q\"\"\nline\",-5,12345678901234567890,1e-7\n");
  r = against(server, {"--columns", "channel,serviceName,n"});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "channel                serviceName    n\n"
        "日本\\u202Eevil\\x1B[2J  a,b \"q\"\\nline  -5\n");
  r = against(server, {"-o", "tsv", "--columns", "serviceName"});
  CHECK(r.out == "serviceName\na,b \"q\"\\nline\n");
}

TEST_CASE("tokens from stdin and the environment") {
  LoopbackServer server(always(200, kSeed));
  auto env = base_env();
  auto r = run_pcusage({"--base-url", server.url(), "--token-file", "-", "-o", "csv"}, env,
                       "stdintok\n");
  CHECK(r.status == 0);
  CHECK(server.requests().at(0).header("Authorization") == "Bearer stdintok");
  r = run_pcusage({"--base-url", server.url()}, env);
  require_failure(r, 2, "no token");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("HTTP failures exit with the documented codes") {
  struct Case {
    int status;
    std::string body;
    int code;
    std::string fragment;
  };
  for (
      const auto& c : std::vector<Case>{
          {401,
           R"({"code":600008,"description":"Unauthorized: token rejected","source":"PartnerFD"})",
           3, "600008"},
          {403,
           R"({"code":900150,"description":"The supplied role does not have the rights","source":"PartnerFD"})",
           3, "900150"},
          {404, R"({"code":3000,"description":"Resource not found"})", 4, "HTTP 404"},
          {429,
           R"({"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."})", 5,
           "Rate limit"},
          {500, R"({"code":800003,"description":"Unexpected service error"})", 5, "800003"},
      }) {
    LoopbackServer server(
        always(c.status, c.body, {{"MS-CorrelationId", "c-1"}, {"MS-RequestId", "r-1"}}));
    auto r = against(server, {"--retries", "0"});
    require_failure(r, c.code, c.fragment);
    CHECK(r.err.find("MS-CorrelationId c-1, MS-RequestId r-1") != std::string::npos);
  }
  LoopbackServer html(always(502, "<html><body>Bad\tGateway</body></html>", {}, "text/html"));
  require_failure(against(html, {"--retries", "0"}), 5, "HTTP 502 Bad Gateway: Bad Gateway");
}

TEST_CASE("invalid responses exit 7") {
  for (const std::string& body :
       {std::string("{\"totalCount\": 5, \"items\": [{\"workloadName\": \"Exch"),
        std::string("<html>maintenance</html>"), std::string("[1,2]"),
        std::string(R"({"items":"no"})"), std::string("{\"items\":[{\"a\":\"\xff\"}]}"),
        std::string(R"({"items":[{"a":"\udc00"}]})")}) {
    LoopbackServer server(always(200, body));
    require_failure(against(server, {}), 7, "invalid response");
  }
}

TEST_CASE("an HTML page instead of JSON is named in the error") {
  LoopbackServer server(always(200, "<html>\x1b]0;maintenance</html>", {}, "text/html"));
  require_failure(
      against(server, {}), 7,
      "invalid response: not JSON: Invalid value (at byte 0) (Content-Type text/html, body "
      "starts \"<html>\\x1B]0;maintenance</html>\")");
}

TEST_CASE("a BOM is tolerated") {
  LoopbackServer server(always(200, "\xEF\xBB\xBF" + kSeed));
  auto r = against(server, {"-o", "csv"});
  CHECK(r.status == 0);
  CHECK(r.out == kSeedCsv);
}

TEST_CASE("a redirect is an error naming the Location, never followed") {
  LoopbackServer target(always(200, kSeed));
  LoopbackServer server(
      always(302, "", {{"Location", target.url() + "/v1/analytics/licenses/usage"}}));
  auto r = against(server, {});
  require_failure(r, 4, "redirect to " + target.url());
  CHECK(target.requests().empty());
}

TEST_CASE("network failures exit 6") {
  SECTION("a truncated transfer") {
    LoopbackServer server([](const RecordedRequest&, int) {
      Reply reply;
      reply.chunks.push_back(
          {std::chrono::milliseconds(0),
           "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"items\":["});
      return reply;
    });
    require_failure(against(server, {"--retries", "0"}), 6, "request failed");
  }
  SECTION("connection refused") {
    int port = 0;
    {
      LoopbackServer gone(always(200, ""));
      port = gone.port();
    }
    auto env = base_env();
    env["PCUSAGE_TOKEN"] = kToken;
    require_failure(
        run_pcusage({"--base-url", "http://127.0.0.1:" + std::to_string(port), "--retries", "0"},
                    env),
        6, "request failed");
  }
}

TEST_CASE("usage errors: exit 2, one line, nothing sent") {
  LoopbackServer server(always(200, kSeed));
  for (std::vector<std::string> args : {std::vector<std::string>{"--locale", "not a locale"},
                                        {"-o", "xml"},
                                        {"--correlation-id", "nope"},
                                        {"--no-such-flag"}}) {
    require_failure(against(server, args), 2, "");
  }
  require_failure(run_pcusage({"--base-url", "http://partner.example.com", "--token", "x"}), 2,
                  "https://");
  CHECK(server.requests().empty());
}

TEST_CASE("help and version exit 0") {
  auto r = run_pcusage({"--help"});
  CHECK(r.status == 0);
  CHECK(r.out.find("--token-file") != std::string::npos);
  CHECK(r.out.find("Exit codes") != std::string::npos);
  r = run_pcusage({"--version"});
  CHECK(r.status == 0);
  CHECK(r.out.rfind("pcusage ", 0) == 0);
  CHECK(r.out.find("libcurl/") != std::string::npos);
}

TEST_CASE("empty collections") {
  LoopbackServer server(always(200, R"({"totalCount":0,"items":[]})"));
  CHECK(against(server, {"-o", "csv"}).out ==
        "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n");
  CHECK(against(server, {"-o", "json"}).out == "[]\n");
  auto r = against(server, {"-o", "ndjson"});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
}

TEST_CASE("a closed pipe ends the run quietly with status 141") {
  char dir[] = "/tmp/pcusage-e2e-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string big = std::string(dir) + "/big.json";
  {
    std::ofstream f(big);
    f << "{\"items\":[";
    for (int i = 0; i < 50000; ++i) f << (i ? "," : "") << "{\"workloadName\":\"w" << i << "\"}";
    f << "]}";
  }
  auto r = run_process(
      {"/bin/bash", "-c",
       std::string(PCUSAGE_BINARY) + " --input " + big +
           " -o csv --columns workloadName | head -1; echo \"status=${PIPESTATUS[0]}\""},
      base_env());
  CHECK(r.out == "workloadName\nstatus=141\n");
  CHECK(r.err.empty());
  std::remove(big.c_str());
  rmdir(dir);
}

TEST_CASE("SIGTERM during a transfer: exit 143, the output file untouched, no temp file") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.hang = true;
    return reply;
  });
  char dir[] = "/tmp/pcusage-e2e-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string out = std::string(dir) + "/report.csv";
  std::ofstream(out) << "old";
  const std::string cmd =
      "PCUSAGE_TOKEN=t " + std::string(PCUSAGE_BINARY) + " --base-url " + server.url() +
      " --output-file " + out +
      " & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo \"status=$?\"; ls -A " + dir;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_process({"/bin/bash", "-c", cmd}, base_env());
  CHECK(r.out == "status=143\nreport.csv\n");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(slurp(out) == "old");
  std::remove(out.c_str());
  rmdir(dir);
}

TEST_CASE("unknown fields, missing and null fields, every number form, Unicode") {
  const std::string body = items_json(
      R"J({"workloadName":"Exchange 在线","serviceName":null,"proratedLicensesUsagePercent":0,"extra":{"deep":[1,{"x":null}]},"licensesActive":10},)J"
      R"J({"workloadName":"Équipe Ünïcödé","proratedLicensesUsagePercent":-0.0,"channel":"reseller"},)J"
      R"J({"workloadName":"Emoji 🚀 load","proratedLicensesUsagePercent":1E+2,"channel":"partner"},)J"
      R"J({"workloadName":"e\u0301","proratedLicensesUsagePercent":12345678901234567890},)J"
      R"J({"workloadName":"x","proratedLicensesUsagePercent":-12.5e-10})J");
  LoopbackServer server(always(200, body));
  SECTION("ndjson keeps every field and every number's text") {
    auto r = against(server, {"-o", "ndjson"});
    CHECK(r.status == 0);
    CHECK(
        r.out ==
        R"J({"workloadName":"Exchange 在线","serviceName":null,"proratedLicensesUsagePercent":0,"extra":{"deep":[1,{"x":null}]},"licensesActive":10})J"
        "\n"
        R"J({"workloadName":"Équipe Ünïcödé","proratedLicensesUsagePercent":-0.0,"channel":"reseller"})J"
        "\n"
        R"J({"workloadName":"Emoji 🚀 load","proratedLicensesUsagePercent":1E+2,"channel":"partner"})J"
        "\n"
        "{\"workloadName\":\"e\xCC\x81\",\"proratedLicensesUsagePercent\":12345678901234567890}\n"
        R"J({"workloadName":"x","proratedLicensesUsagePercent":-12.5e-10})J"
        "\n");
  }
  SECTION("csv: missing and null are empty cells") {
    auto r = against(
        server, {"-o", "csv", "--columns",
                 "workloadName,serviceName,channel,proratedLicensesUsagePercent,licensesActive"});
    CHECK(r.status == 0);
    CHECK(r.out ==
          "workloadName,serviceName,channel,proratedLicensesUsagePercent,licensesActive\n"
          "Exchange 在线,,,0,10\n"
          "Équipe Ünïcödé,,reseller,-0.0,\n"
          "Emoji 🚀 load,,partner,1E+2,\n"
          "e\xCC\x81,,,12345678901234567890,\n"
          "x,,,-12.5e-10,\n");
  }
  SECTION("a table lines up in terminal cells under LANG=C") {
    auto r = against(server, {"--columns", "workloadName,proratedLicensesUsagePercent,channel"});
    CHECK(r.status == 0);
    CHECK(r.out ==
          "workloadName    proratedLicensesUsagePercent  channel\n"
          "Exchange 在线                              0\n"
          "Équipe Ünïcödé                          -0.0  reseller\n"
          "Emoji 🚀 load                           1E+2  partner\n"
          "e\xCC\x81                       12345678901234567890\n"
          "x                                  -12.5e-10\n");
  }
}

TEST_CASE("output that cannot be written: exit 1") {
  auto r = run_process({"/bin/bash", "-c",
                        std::string(PCUSAGE_BINARY) +
                            " --input " PCUSAGE_SOURCE_DIR
                            "/examples/usage-response.json > /dev/full; echo \"status=$?\""},
                       base_env());
  CHECK(r.out == "status=1\n");
  CHECK(r.err.rfind("pcusage: error: cannot write output: ", 0) == 0);
}
