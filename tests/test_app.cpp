// The whole run against an in-memory HTTP client: requests, tokens, errors, retries, paging.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "app/retry.h"
#include "app/run.h"
#include "cli/parse_args.h"
#include "core/signals.h"
#include "core/text.h"
#include "support/fake_client.h"
#include "support/helpers.h"
#include "support/run_app.h"

using namespace pcusage;
using pcusage::test::FakeClient;
using pcusage::test::Outcome;
using pcusage::test::response;
using pcusage::test::run_app;
using pcusage::test::slurp;

namespace {

const char* kSeed = R"({"totalCount":2,"items":[
 {"proratedLicensesUsagePercent":0.0,"workloadName":"Exchange","processedDateTime":"2017-03-09T00:00:00+00:00","serviceName":"o365","channel":"reseller","attributes":{"objectType":"PartnerLicensesUsageInsights"}},
 {"proratedLicensesUsagePercent":0.5,"workloadName":"SharePoint","processedDateTime":"2017-03-10T00:00:00+00:00","serviceName":"crm","channel":"reseller","attributes":{"objectType":"PartnerLicensesUsageInsights"}}],
 "attributes":{"objectType":"Collection"}})";

const char* kSeedCsv =
    "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n"
    "Exchange,o365,reseller,0.0,2017-03-09T00:00:00+00:00\n"
    "SharePoint,crm,reseller,0.5,2017-03-10T00:00:00+00:00\n";

// The common case: a token and a loopback base URL.
std::vector<std::string> with_token(std::vector<std::string> extra) {
  std::vector<std::string> args{"--token", "s3cret-token", "--base-url", "http://127.0.0.1:9/pc/"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void require_failure(const Outcome& o, ExitCode code, const std::string& fragment) {
  test::require_failure(o, code, fragment, "s3cret-token");
}

HeaderList ids() { return {{"MS-CorrelationId", "cid-1"}, {"MS-RequestId", "rid-1"}}; }

std::size_t count_files(const std::string& dir) { return test::entries_of(dir).size(); }

}  // namespace

TEST_CASE("the request: path, headers, limits") {
  FakeClient client({response(200, kSeed)});
  auto o = run_app(client, with_token({"-o", "csv", "--locale", "fr-FR", "--timeout", "30",
                                       "--connect-timeout", "4", "--max-response-bytes", "1M"}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == kSeedCsv);
  CHECK(o.err.empty());
  REQUIRE(client.sent.size() == 1);
  const HttpRequest& r = client.sent[0];
  CHECK(r.method == "GET");
  CHECK(r.url == "http://127.0.0.1:9/pc/v1/analytics/licenses/usage");
  CHECK(find_header(r.headers, "Authorization") == "Bearer s3cret-token");
  CHECK(find_header(r.headers, "Accept") == "application/json");
  CHECK(find_header(r.headers, "MS-Contract-Version") == "v1");
  CHECK(find_header(r.headers, "X-Locale") == "fr-FR");
  CHECK(find_header(r.headers, "User-Agent").substr(0, 8) == "pcusage/");
  CHECK(is_guid(find_header(r.headers, "MS-RequestId")));
  CHECK(is_guid(find_header(r.headers, "MS-CorrelationId")));
  CHECK(find_header(r.headers, "MS-RequestId") != find_header(r.headers, "MS-CorrelationId"));
  CHECK(r.allow_http);
  CHECK(r.connect_timeout == std::chrono::milliseconds(4000));
  CHECK(r.max_body_bytes == 1u << 20);
  const auto left = r.deadline - std::chrono::steady_clock::now();
  CHECK(left > std::chrono::seconds(25));
  CHECK(left <= std::chrono::seconds(30));
}

TEST_CASE("correlation id: given, or random per run") {
  FakeClient a({response(200, kSeed)}), b({response(200, kSeed)});
  run_app(a, with_token({"--correlation-id", "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"}));
  CHECK(find_header(a.sent[0].headers, "MS-CorrelationId") ==
        "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  run_app(b, with_token({}));
  FakeClient c({response(200, kSeed)});
  run_app(c, with_token({}));
  CHECK(find_header(b.sent[0].headers, "MS-CorrelationId") !=
        find_header(c.sent[0].headers, "MS-CorrelationId"));
}

TEST_CASE("https base URL does not allow plain http") {
  FakeClient client({response(200, kSeed)});
  run_app(client, {"--token", "t", "--base-url", "https://h.example"});
  REQUIRE(client.sent.size() == 1);
  CHECK_FALSE(client.sent[0].allow_http);
  CHECK(client.sent[0].url == "https://h.example/v1/analytics/licenses/usage");
}

TEST_CASE("token sources") {
  const test::TempDir scratch("pcusage-app");
  const std::string& dir = scratch.path;
  const std::string file = dir + "/token";
  std::ofstream(file) << "  file-token \n\n";
  SECTION("--token-file, trimmed") {
    FakeClient client({response(200, kSeed)});
    auto o = run_app(client, {"--token-file", file, "--base-url", "http://localhost:1"});
    CHECK(o.code == ExitCode::kOk);
    CHECK(find_header(client.sent[0].headers, "Authorization") == "Bearer file-token");
  }
  SECTION("PCUSAGE_TOKEN, trimmed; a flag wins silently") {
    FakeClient client({response(200, kSeed), response(200, kSeed)});
    auto o =
        run_app(client, {"--base-url", "http://localhost:1"}, {{"PCUSAGE_TOKEN", " env-token\n"}});
    CHECK(o.code == ExitCode::kOk);
    CHECK(find_header(client.sent[0].headers, "Authorization") == "Bearer env-token");
    o = run_app(client, {"--token", "flag", "--base-url", "http://localhost:1"},
                {{"PCUSAGE_TOKEN", "env"}});
    CHECK(o.err.empty());
    CHECK(find_header(client.sent[1].headers, "Authorization") == "Bearer flag");
  }
  SECTION("two explicit sources") {
    FakeClient client;
    auto o = run_app(client, {"--token", "a", "--token-file", file});
    require_failure(o, ExitCode::kUsage, "only one token source");
    CHECK(client.sent.empty());
  }
  SECTION("no token at all") {
    FakeClient client;
    auto o = run_app(client, {});
    require_failure(o, ExitCode::kUsage,
                    "no token: run 'pcusage login' once, or give one with --token-file");
    CHECK(client.sent.empty());
  }
  SECTION("empty, or with characters that could inject headers") {
    for (const char* bad : {"   ", "a\r\nX-Evil: 1", "tök", "a b"}) {
      FakeClient client;
      auto o = run_app(client, {"--token", bad});
      INFO(bad);
      CHECK(o.code == ExitCode::kUsage);
      CHECK(o.out.empty());
      CHECK(client.sent.empty());
    }
    std::ofstream(file) << "\n";
    FakeClient client;
    require_failure(run_app(client, {"--token-file", file}), ExitCode::kUsage,
                    "the token is empty");
  }
  SECTION("unreadable token file") {
    FakeClient client;
    require_failure(run_app(client, {"--token-file", dir + "/missing"}), ExitCode::kUsage,
                    "--token-file: cannot read");
  }
  std::remove(file.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("HTTP errors map to exit codes with the service's details") {
  const std::string pc403 =
      R"({"code":900150,"description":"The supplied role does not have the rights","data":[],"source":"PartnerFD"})";
  struct Case {
    long status;
    std::string body;
    ExitCode code;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {401, R"({"code":600008,"description":"Unauthorized: token rejected"})", ExitCode::kAuth,
       "HTTP 401 Unauthorized: 600008: Unauthorized: token rejected (MS-CorrelationId cid-1, "
       "MS-RequestId rid-1)"},
      {403, pc403, ExitCode::kAuth,
       "HTTP 403 Forbidden: 900150: The supplied role does not have the rights"},
      {404, R"({"code":"NotFound","description":"Resource not found"})", ExitCode::kRefused,
       "HTTP 404 Not Found: NotFound: Resource not found"},
      {400, R"({"code":400,"message":"bad thing","errorName":"BadRequest"})", ExitCode::kRefused,
       "HTTP 400 Bad Request: 400: bad thing"},
      {429, R"({"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."})",
       ExitCode::kUnavailable,
       "HTTP 429 Too Many Requests: Rate limit is exceeded. Try again in 57 seconds."},
      {500, R"({"code":800003,"description":"Unexpected service error"})", ExitCode::kUnavailable,
       "HTTP 500 Internal Server Error: 800003: Unexpected service error"},
      {408, "", ExitCode::kUnavailable, "HTTP 408 Request Timeout"},
      {503, "<html><body><h1>Service\n\x1b[31mUnavailable</h1></body></html>",
       ExitCode::kUnavailable, "HTTP 503 Service Unavailable: Service \\x1B[31mUnavailable"},
  };
  for (const auto& c : cases) {
    INFO(c.status);
    FakeClient client({response(c.status, c.body, ids())});
    auto o = run_app(client, with_token({"--retries", "0"}));
    require_failure(o, c.code, c.fragment);
  }
}

TEST_CASE("a redirect is not followed") {
  FakeClient client({response(302, "", {{"Location", "https://elsewhere.example/steal"}})});
  auto o = run_app(client, with_token({}));
  require_failure(o, ExitCode::kRefused,
                  "HTTP 302 Found: redirect to https://elsewhere.example/steal not followed");
  CHECK(client.sent.size() == 1);
}

TEST_CASE("transport failures") {
  struct Case {
    TransportFailure kind;
    ExitCode code;
    std::string fragment;
  };
  for (const auto& c : std::vector<Case>{
           {TransportFailure::kConnect, ExitCode::kNetwork, "request failed: refused"},
           {TransportFailure::kTruncated, ExitCode::kNetwork, "request failed: refused"},
           {TransportFailure::kTls, ExitCode::kNetwork, "request failed: refused"},
           {TransportFailure::kCertificate, ExitCode::kNetwork, "--cacert"},
           {TransportFailure::kTooLarge, ExitCode::kInvalid, "request failed: refused"},
       }) {
    FakeClient client({TransportError{c.kind, "refused", false}});
    auto o = run_app(client, with_token({"--retries", "0"}));
    require_failure(o, c.code, c.fragment);
  }
}

TEST_CASE("invalid responses exit 7") {
  for (const char* body : {"<html>maintenance</html>", "[]", R"({"items":{}})", R"({"items":[1]})",
                           R"({"totalCount": 5, "items": [{"workloadName": "Exch)"}) {
    INFO(body);
    FakeClient client({response(200, body)});
    require_failure(run_app(client, with_token({})), ExitCode::kInvalid, "invalid response");
  }
}

TEST_CASE("retries: statuses, request ids, quiet success") {
  SECTION("500, 500, 200: three request ids, one correlation id, silent") {
    HeaderList now = {{"Retry-After", "0"}};
    FakeClient client({response(500, "", now), response(503, "", now), response(200, kSeed)});
    auto o = run_app(client, with_token({"-o", "csv"}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.out == kSeedCsv);
    CHECK(o.err.empty());
    REQUIRE(client.sent.size() == 3);
    std::set<std::string> rids, cids;
    for (const auto& r : client.sent) {
      rids.emplace(find_header(r.headers, "MS-RequestId"));
      cids.emplace(find_header(r.headers, "MS-CorrelationId"));
    }
    CHECK(rids.size() == 3);
    CHECK(cids.size() == 1);
  }
  SECTION("no response: the same request id is sent again") {
    FakeClient client(
        {TransportError{TransportFailure::kConnect, "refused", false}, response(200, kSeed)});
    auto start = std::chrono::steady_clock::now();
    auto o = run_app(client, with_token({}));
    CHECK(o.code == ExitCode::kOk);
    REQUIRE(client.sent.size() == 2);
    CHECK(find_header(client.sent[0].headers, "MS-RequestId") ==
          find_header(client.sent[1].headers, "MS-RequestId"));
    // Without Retry-After the first backoff is about 1 s (0.8 to 1.2 s with jitter).
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(800));
  }
  SECTION("never other statuses, and not 501") {
    for (long status : {400L, 401L, 403L, 404L, 501L}) {
      FakeClient client({response(status, ""), response(200, kSeed)});
      auto o = run_app(client, with_token({}));
      CHECK(o.code != ExitCode::kOk);
      CHECK(client.sent.size() == 1);
    }
  }
  SECTION("--retries N means N+1 attempts, then the last error") {
    std::vector<HttpResult> script(
        5, response(503, R"({"code":503,"description":"down"})", {{"Retry-After", "0"}}));
    FakeClient client(script);
    auto o = run_app(client, with_token({"--retries", "2"}));
    require_failure(o, ExitCode::kUnavailable, "HTTP 503 Service Unavailable: 503: down");
    CHECK(client.sent.size() == 3);
  }
  SECTION("a Retry-After past the deadline fails at once") {
    FakeClient client({response(429, "", {{"Retry-After", "57"}}), response(200, kSeed)});
    auto start = std::chrono::steady_clock::now();
    auto o = run_app(client, with_token({"--timeout", "5"}));
    require_failure(o, ExitCode::kUnavailable, "HTTP 429");
    CHECK(client.sent.size() == 1);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  }
  SECTION("-v shows every attempt and wait") {
    FakeClient client({response(429, "", {{"Retry-After", "0"}}), response(200, kSeed)});
    auto o = run_app(client, with_token({"-v"}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.err.find("(attempt 1)") != std::string::npos);
    CHECK(o.err.find("(attempt 2)") != std::string::npos);
    CHECK(o.err.find("retrying in 0 ms") != std::string::npos);
  }
  SECTION("a deadline reached in a transfer is not retried") {
    FakeClient client(
        {TransportError{TransportFailure::kDeadline, "timed out", false}, response(200, kSeed)});
    auto o = run_app(client, with_token({"--timeout", "3"}));
    require_failure(o, ExitCode::kNetwork, "the --timeout of 3 s passed");
    CHECK(client.sent.size() == 1);
  }
}

TEST_CASE("Retry-After and backoff arithmetic") {
  using std::chrono::milliseconds;
  CHECK(parse_retry_after("57", 0) == milliseconds(57000));
  CHECK(parse_retry_after(" 0 ", 0) == milliseconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == milliseconds(10000));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", 0));
  CHECK_FALSE(parse_retry_after("", 0));
  CHECK(backoff_delay(1, 0) == milliseconds(1000));
  CHECK(backoff_delay(2, 0) == milliseconds(2000));
  CHECK(backoff_delay(3, 1) == milliseconds(4800));
  CHECK(backoff_delay(3, -1) == milliseconds(3200));
  CHECK(backoff_delay(6, 1) == milliseconds(30000));
  CHECK(backoff_delay(20, 0) == milliseconds(30000));
}

TEST_CASE("paging") {
  const std::string page1 =
      R"({"totalCount":3,"items":[{"workloadName":"A"}],"links":{"next":{"uri":"/analytics/licenses/usage?seek=1","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"a1,b2_c3/d4="},{"key":"Authorization","value":"Bearer stolen"}]}}})";
  const std::string page2 = R"({"items":[{"workloadName":"B"},{"workloadName":"C"}]})";
  SECTION("pages are merged; only the continuation token travels") {
    FakeClient client({response(200, page1), response(200, page2)});
    auto o = run_app(client, with_token({"-o", "csv", "--columns", "workloadName"}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.out == "workloadName\nA\nB\nC\n");
    CHECK(o.err.empty());
    REQUIRE(client.sent.size() == 2);
    CHECK(client.sent[1].url == "http://127.0.0.1:9/pc/v1/analytics/licenses/usage?seek=1");
    CHECK(find_header(client.sent[1].headers, "MS-ContinuationToken") == "a1,b2_c3/d4=");
    CHECK(find_header(client.sent[1].headers, "Authorization") == "Bearer s3cret-token");
    CHECK(find_header(client.sent[0].headers, "MS-ContinuationToken").empty());
  }
  SECTION("an absolute link to the same origin is followed") {
    const std::string p1 =
        R"({"items":[],"links":{"next":{"uri":"http://127.0.0.1:9/pc/v1/x?p=2"}}})";
    FakeClient client({response(200, p1), response(200, page2)});
    auto o = run_app(client, with_token({"-o", "ndjson"}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(client.sent[1].url == "http://127.0.0.1:9/pc/v1/x?p=2");
  }
  SECTION("a link to another host is refused before any request") {
    for (const char* uri :
         {"http://evil.example/v1/x", "http://127.0.0.1:10/pc/v1/x", "https://127.0.0.1:9/v1/x"}) {
      const std::string p1 =
          std::string(R"({"items":[],"links":{"next":{"uri":")") + uri + R"("}}})";
      FakeClient client({response(200, p1), response(200, page2)});
      require_failure(run_app(client, with_token({})), ExitCode::kInvalid, "another host");
      CHECK(client.sent.size() == 1);
    }
  }
  SECTION("a loop is an invalid response") {
    const std::string p =
        R"({"items":[{"a":1}],"links":{"next":{"uri":"/v1/x","headers":[{"key":"MS-ContinuationToken","value":"t"}]}}})";
    FakeClient client({response(200, p), response(200, p), response(200, p)});
    require_failure(run_app(client, with_token({})), ExitCode::kInvalid, "loops");
    CHECK(client.sent.size() == 2);
  }
  SECTION("more than --max-pages is an invalid response") {
    std::vector<HttpResult> script;
    for (int i = 0; i < 5; ++i) {
      script.emplace_back(
          std::in_place_type<HttpResponse>,
          response(
              200,
              R"({"items":[],"links":{"next":{"uri":"/v1/x","headers":[{"key":"MS-ContinuationToken","value":"t)" +
                  std::to_string(i) + R"("}]}}})"));
    }
    FakeClient client(script);
    require_failure(run_app(client, with_token({"--max-pages", "3"})), ExitCode::kInvalid,
                    "more than --max-pages 3");
    CHECK(client.sent.size() == 3);
  }
  SECTION("only GET links") {
    FakeClient client(
        {response(200, R"({"items":[],"links":{"next":{"uri":"/v1/x","method":"POST"}}})")});
    require_failure(run_app(client, with_token({})), ExitCode::kInvalid, "only GET");
  }
  SECTION("a totalCount that differs is a warning") {
    FakeClient client({response(200, R"({"totalCount":9,"items":[{"a":1}]})")});
    auto o = run_app(client, with_token({"-o", "ndjson"}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.out == "{\"a\":1}\n");
    CHECK(o.err == "pcusage: warning: the response announced totalCount 9 but 1 items arrived\n");
  }
}

TEST_CASE("option -v traces without secrets") {
  FakeClient client({response(200, kSeed, ids())});
  auto o = run_app(client, with_token({"-v", "-o", "json"}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.err.find("* GET http://127.0.0.1:9/pc/v1/analytics/licenses/usage (attempt 1)") !=
        std::string::npos);
  CHECK(o.err.find("> Authorization: Bearer ***") != std::string::npos);
  CHECK(o.err.find("> X-Locale: en-US") != std::string::npos);
  CHECK(o.err.find("< HTTP 200 OK in ") != std::string::npos);
  CHECK(o.err.find("< MS-CorrelationId: cid-1") != std::string::npos);
  CHECK(o.err.find("< MS-RequestId: rid-1") != std::string::npos);
  CHECK(o.err.find("s3cret-token") == std::string::npos);
}

TEST_CASE("option --input formats a saved response without a token or request") {
  const test::TempDir scratch("pcusage-app");
  const std::string& dir = scratch.path;
  const std::string file = dir + "/saved.json";
  std::ofstream(file) << kSeed;
  FakeClient client;
  auto o = run_app(client, {"--input", file, "-o", "csv"});
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == kSeedCsv);
  CHECK(client.sent.empty());
  require_failure(run_app(client, {"--input", dir + "/nope.json"}), ExitCode::kUsage,
                  "--input: cannot read");
  require_failure(run_app(client, {"--input", dir}), ExitCode::kUsage, "directory");
  require_failure(run_app(client, {"--input", file, "--max-response-bytes", "10"}),
                  ExitCode::kInvalid, "--max-response-bytes");
  std::remove(file.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("fields named in --columns or --sort must exist") {
  FakeClient client({response(200, kSeed), response(200, kSeed), response(200, R"({"items":[]})")});
  auto o = run_app(client, with_token({"--columns", "workloadName,nope"}));
  require_failure(o, ExitCode::kUsage, "no field \"nope\"");
  CHECK(o.err.find("attributes.objectType") != std::string::npos);
  o = run_app(client, with_token({"--sort", "nope:desc"}));
  require_failure(o, ExitCode::kUsage, "--sort");
  // An empty result has no fields to check against.
  o = run_app(client, with_token({"--columns", "nope", "-o", "csv"}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "nope\n");
}

TEST_CASE("option --sort orders the rows") {
  FakeClient client({response(200, kSeed)});
  auto o = run_app(client, with_token({"-o", "csv", "--columns", "workloadName", "--sort",
                                       "proratedLicensesUsagePercent:desc", "--no-header"}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "SharePoint\nExchange\n");
}

TEST_CASE("option --output-file replaces the file atomically") {
  const test::TempDir scratch("pcusage-app");
  const std::string& dir = scratch.path;
  const std::string path = dir + "/report.csv";
  SECTION("success writes the file, nothing on stdout, mode of a new file from the umask") {
    FakeClient client({response(200, kSeed)});
    const mode_t old = umask(027);
    auto o = run_app(client, with_token({"-o", "csv", "--output-file", path}));
    umask(old);
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.out.empty());
    CHECK(slurp(path) == kSeedCsv);
    struct stat st = {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    CHECK(count_files(dir) == 1);
  }
  SECTION("an existing file keeps its mode; a failure leaves it untouched") {
    std::ofstream(path) << "old";
    chmod(path.c_str(), 0604);
    FakeClient client({response(404, ""), response(200, kSeed)});
    auto o = run_app(client, with_token({"-o", "csv", "--output-file", path}));
    CHECK(o.code == ExitCode::kRefused);
    CHECK(slurp(path) == "old");
    CHECK(count_files(dir) == 1);
    o = run_app(client, with_token({"-o", "csv", "--output-file", path}));
    CHECK(o.code == ExitCode::kOk);
    CHECK(slurp(path) == kSeedCsv);
    struct stat st = {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0604);
    CHECK(count_files(dir) == 1);
  }
  SECTION("a usage error found after the fetch leaves no file") {
    FakeClient client({response(200, kSeed)});
    auto o = run_app(client, with_token({"--columns", "nope", "--output-file", path}));
    CHECK(o.code == ExitCode::kUsage);
    CHECK(count_files(dir) == 0);
  }
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

// A client that delivers a signal in the middle of its transfer, as the real one sees it.
class SignalledClient : public FakeClient {
 public:
  explicit SignalledClient(int signal)
      : FakeClient(
            [signal](const HttpRequest&) {
              raise_interrupt(signal);
              return test::Answer{
                  TransportError{TransportFailure::kInterrupted, "interrupted", false}};
            },
            nullptr) {}
};

TEST_CASE("SIGINT and SIGTERM end the run with 130 and 143") {
  const test::TempDir scratch("pcusage-app");
  const std::string& dir = scratch.path;
  const std::string path = dir + "/out.csv";
  for (auto [sig, code] :
       {std::pair{SIGINT, ExitCode::kInterrupted}, {SIGTERM, ExitCode::kTerminated}}) {
    SignalledClient client(sig);
    auto o = run_app(client, with_token({"--output-file", path}));
    clear_interrupt();
    CHECK(o.code == code);
    CHECK(o.out.empty());
    CHECK(count_files(dir) == 0);
  }
  SECTION("a signal during a retry wait ends it at once") {
    pcusage::test::FakeClock clock;
    clock.interrupt_at_sleep = 1;  // SIGINT while waiting out the Retry-After
    FakeClient client({response(503, "", {{"Retry-After", "20"}})});
    auto o = run_app(client, with_token({"--output-file", path}), {}, clock);
    clear_interrupt();
    CHECK(o.code == ExitCode::kInterrupted);
    CHECK(client.sent.size() == 1);
    CHECK(count_files(dir) == 0);
  }
  rmdir(dir.c_str());
}

TEST_CASE("option --version names the program and the HTTP library") {
  FakeClient client;
  auto o = run_app(client, {"--version"});
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out.rfind("pcusage ", 0) == 0);
  CHECK(o.out.find("(fakehttp/1.0)") != std::string::npos);
}

// The MS-CorrelationId these tests send, and how an error line names it when the server did not
// echo it.
const char* const kCid = "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const std::string kSent = std::string(" (MS-CorrelationId ") + kCid + ")";

TEST_CASE("the error after retries says how many attempts were made and why it stopped") {
  SECTION("out of retries") {
    std::vector<HttpResult> script(
        3, response(503, R"({"code":503,"description":"down"})", {{"Retry-After", "0"}}));
    FakeClient client(script);
    auto o = run_app(client, with_token({"--retries", "2", "--correlation-id", kCid}));
    CHECK(o.err == "pcusage: error: request failed: HTTP 503 Service Unavailable: 503: down" +
                       kSent + " (after 3 attempts, all that --retries 2 allows)\n");
  }
  SECTION("the next wait would pass --timeout") {
    FakeClient client({response(503, "", {{"Retry-After", "0"}}),
                       response(429, "", {{"Retry-After", "57"}}), response(200, kSeed)});
    auto o = run_app(client, with_token({"--timeout", "5", "--correlation-id", kCid}));
    CHECK(o.err ==
          "pcusage: error: request failed: HTTP 429 Too Many Requests" + kSent +
              " (after 2 attempts; the next wait, 57 s, would pass the --timeout of 5 s)\n");
  }
  SECTION("a single attempt adds nothing") {
    FakeClient client({response(404, "")});
    auto o = run_app(client, with_token({"--correlation-id", kCid}));
    CHECK(o.err == "pcusage: error: request failed: HTTP 404 Not Found" + kSent + "\n");
  }
}

TEST_CASE("quiet silences warnings, not errors") {
  FakeClient client({response(200, R"({"totalCount":9,"items":[{"a":1}]})")});
  auto o = run_app(client, with_token({"-q", "-o", "csv", "--columns", "a"}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "a\n1\n");
  CHECK(o.err.empty());
  FakeClient failing({response(404, "")});
  o = run_app(failing, with_token({"--quiet", "--correlation-id", kCid}));
  CHECK(o.err == "pcusage: error: request failed: HTTP 404 Not Found" + kSent + "\n");
  auto both = pcusage::test::parse_with_env({"-q", "-v"});
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().message == "-q and -v: give one of them");
}

TEST_CASE("statuses are worded by meaning: 304 is not a redirect, unknown ones by their class") {
  const std::vector<std::pair<long, std::string>> cases = {
      {304,
       "request failed: HTTP 304 Not Modified: not modified, though nothing conditional was asked "
       "(a cache or proxy in between?)"},
      {418, "request failed: HTTP 418 I'm a Teapot"},
      {499, "request failed: HTTP 499 (an unknown client error status: the request was refused)"},
      {599, "request failed: HTTP 599 (an unknown server error status)"},
      {399, "request failed: HTTP 399 (an unknown redirection status)"},
      {199, "request failed: HTTP 199 (an informational status, not an answer)"},
  };
  for (const auto& [status, message] : cases) {
    INFO(status);
    FakeClient client({response(status, "")});
    auto o = run_app(client, with_token({"--retries", "0", "--correlation-id", kCid}));
    CHECK(o.err == "pcusage: error: " + message + kSent + "\n");
  }
}

// The retry loop's waits, on a fake clock: what it waited for, exactly, without sleeping.
TEST_CASE("retry waits: Retry-After in seconds and as a date, backoff, and the deadline") {
  using std::chrono::milliseconds;
  pcusage::test::FakeClock clock;
  SECTION("Retry-After: 1 waits one second, then a new MS-RequestId") {
    FakeClient client(
        {response(429, R"({"statusCode":429,"message":"slow down"})", {{"Retry-After", "1"}}),
         response(200, kSeed)});
    auto o = run_app(client, with_token({"-o", "csv"}), {}, clock);
    CHECK(o.code == ExitCode::kOk);
    CHECK(o.err.empty());
    CHECK(clock.waits == std::vector<milliseconds>{milliseconds(1000)});
    REQUIRE(client.sent.size() == 2);
    CHECK(find_header(client.sent[0].headers, "MS-RequestId") !=
          find_header(client.sent[1].headers, "MS-RequestId"));
  }
  SECTION("an HTTP date in the past means no wait; one in the future waits until then") {
    char past[64], future[64];
    std::tm tm = {};
    const std::time_t now = std::time(nullptr);
    const std::time_t earlier = now - 3600, later = now + 30;
    strftime(past, sizeof past, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&earlier, &tm));
    strftime(future, sizeof future, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&later, &tm));
    FakeClient client({response(503, "", {{"Retry-After", past}}),
                       response(503, "", {{"Retry-After", future}}), response(200, kSeed)});
    auto o = run_app(client, with_token({}), {}, clock);
    CHECK(o.code == ExitCode::kOk);
    CHECK(client.sent.size() == 3);
    // The past date: retried at once, no wait at all. The future one: whole seconds of the wall
    // clock, 29 to 30 s, whatever second the test started in.
    REQUIRE(clock.waits.size() == 1);
    CHECK(clock.waits[0] >= milliseconds(29000));
    CHECK(clock.waits[0] <= milliseconds(30000));
  }
  SECTION("without Retry-After: backoff of 1 s, then 2 s, each within 20%") {
    FakeClient client({response(500, ""), response(502, ""), response(200, kSeed)});
    auto o = run_app(client, with_token({}), {}, clock);
    CHECK(o.code == ExitCode::kOk);
    REQUIRE(clock.waits.size() == 2);
    CHECK(clock.waits[0] >= milliseconds(800));
    CHECK(clock.waits[0] <= milliseconds(1200));
    CHECK(clock.waits[1] >= milliseconds(1600));
    CHECK(clock.waits[1] <= milliseconds(2400));
  }
  SECTION("a Retry-After past the deadline is not waited for") {
    FakeClient client({response(429, "", {{"Retry-After", "57"}}), response(200, kSeed)});
    auto o = run_app(client, with_token({"--timeout", "10"}), {}, clock);
    CHECK(o.code == ExitCode::kUnavailable);
    CHECK(clock.waits.empty());
    CHECK(client.sent.size() == 1);
  }
}
