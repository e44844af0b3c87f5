// The built binary under faults, end to end: retries, the deadline, paging, size limits, TLS
// trust, proxies, signals and the atomic output file, against servers on 127.0.0.1.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "support/helpers.h"
#include "support/loopback_server.h"
#include "support/run_process.h"

using namespace pcusage;
using namespace pcusage::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kToken = "tok-5ecret-ABC123";
const std::string kItems =
    R"({"totalCount":2,"items":[{"workloadName":"A"},{"workloadName":"B"}]})";

std::map<std::string, std::string> base_env() {
  return {{"LANG", "C"}, {"NO_PROXY", "*"}, {"HOME", "/nonexistent"}, {"PCUSAGE_TOKEN", kToken}};
}

ProcessResult run_pcusage(std::vector<std::string> args,
                          std::map<std::string, std::string> env = base_env()) {
  args.insert(args.begin(), PCUSAGE_BINARY);
  return run_process(args, env);
}

ProcessResult against(const LoopbackServer& server, std::vector<std::string> args,
                      std::map<std::string, std::string> env = base_env()) {
  args.insert(args.begin(), {"--base-url", server.url(), "-o", "csv", "--columns", "workloadName"});
  return run_pcusage(args, env);
}

void require_failure(const ProcessResult& r, int status, const std::string& fragment) {
  test::require_failure(r, status, fragment, kToken);
}

std::string http_date(std::time_t t) {
  char buf[64];
  std::tm tm = {};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("429 with Retry-After: 1, then 200: waited, and quiet") {
  LoopbackServer server([](const RecordedRequest&, int n) {
    if (n == 0) {
      return http_reply(
          429, R"({"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 seconds."})",
          {{"Retry-After", "1"}});
    }
    return http_reply(200, kItems);
  });
  auto r = against(server, {});
  CHECK(r.status == 0);
  CHECK(r.out == "workloadName\nA\nB\n");
  CHECK(r.err.empty());
  // How long it waited is checked on a fake clock (test_app: "retry waits").
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].header("MS-RequestId") != reqs[1].header("MS-RequestId"));
}

TEST_CASE("Retry-After as an HTTP date, a date in the past means no wait") {
  const std::string past = http_date(std::time(nullptr) - 3600);
  LoopbackServer server([past](const RecordedRequest&, int n) {
    if (n == 0) return http_reply(503, "", {{"Retry-After", past}});
    return http_reply(200, kItems);
  });
  // The waits themselves are checked on a fake clock (test_app: "retry waits").
  auto r = against(server, {});
  CHECK(r.status == 0);
  CHECK(server.requests().size() == 2);

  const std::string future = http_date(std::time(nullptr) + 2);
  LoopbackServer later([future](const RecordedRequest&, int n) {
    if (n == 0) return http_reply(503, "", {{"Retry-After", future}});
    return http_reply(200, kItems);
  });
  r = against(later, {});
  CHECK(r.status == 0);
  CHECK(later.requests().size() == 2);
}

TEST_CASE("500, 500, 200: three request ids, one correlation id") {
  LoopbackServer server([](const RecordedRequest&, int n) {
    if (n < 2)
      return http_reply(500, R"({"code":800003,"description":"Unexpected"})",
                        {{"Retry-After", "0"}});
    return http_reply(200, kItems);
  });
  auto r = against(server, {});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);
  std::set<std::string> rids, cids;
  for (const auto& q : reqs) {
    rids.insert(q.header("MS-RequestId"));
    cids.insert(q.header("MS-CorrelationId"));
  }
  CHECK(rids.size() == 3);
  CHECK(cids.size() == 1);
}

TEST_CASE("always 503: retries exhausted, exit 5, the right number of attempts") {
  LoopbackServer server([](const RecordedRequest&, int) {
    return http_reply(503, R"({"code":503,"description":"Service unavailable"})",
                      {{"Retry-After", "0"}});
  });
  require_failure(against(server, {"--retries", "2"}), 5, "HTTP 503 Service Unavailable");
  CHECK(server.requests().size() == 3);
  LoopbackServer once([](const RecordedRequest&, int) {
    return http_reply(503, "", {{"Retry-After", "0"}});
  });
  require_failure(against(once, {"--retries", "0"}), 5, "HTTP 503");
  CHECK(once.requests().size() == 1);
}

TEST_CASE("a Retry-After longer than the deadline fails fast") {
  LoopbackServer server([](const RecordedRequest&, int) {
    return http_reply(429, "", {{"Retry-After", "57"}});
  });
  // Not waited for: one request (the wait itself: test_app, "retry waits").
  require_failure(against(server, {"--timeout", "10"}), 5, "HTTP 429");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("a stalled server and a short --timeout: exit 6 in about that time") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.chunks.push_back(
        {std::chrono::milliseconds(0), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"it"});
    reply.hang = true;
    return reply;
  });
  const auto start = Clock::now();
  require_failure(against(server, {"--timeout", "1.5"}), 6, "the --timeout of 1.5 s passed");
  CHECK(seconds_since(start) < 5);
}

TEST_CASE("two pages, with a continuation token holding commas") {
  LoopbackServer server([](const RecordedRequest& q, int) {
    if (q.header("MS-ContinuationToken").empty()) {
      return http_reply(
          200,
          R"({"totalCount":2,"items":[{"workloadName":"A"}],"links":{"next":{"uri":"/analytics/licenses/usage?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"a1,b2_c3/d4="}]}}})");
    }
    return http_reply(200, R"({"items":[{"workloadName":"B"}]})");
  });
  auto r = against(server, {});
  CHECK(r.status == 0);
  CHECK(r.out == "workloadName\nA\nB\n");
  CHECK(r.err.empty());
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].target == "/v1/analytics/licenses/usage?seekOperation=Next");
  CHECK(reqs[1].header("MS-ContinuationToken") == "a1,b2_c3/d4=");
  CHECK(reqs[1].header("Authorization") == "Bearer " + kToken);
}

TEST_CASE("a next-link loop is an invalid response") {
  LoopbackServer server([](const RecordedRequest&, int) {
    return http_reply(
        200,
        R"({"items":[{"workloadName":"A"}],"links":{"next":{"uri":"/v1/analytics/licenses/usage","headers":[{"key":"MS-ContinuationToken","value":"same"}]}}})");
  });
  require_failure(against(server, {}), 7, "loops");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a next link to another host is refused, and nothing is sent there") {
  LoopbackServer other([](const RecordedRequest&, int) { return http_reply(200, kItems); });
  const std::string link = other.url() + "/v1/analytics/licenses/usage";
  LoopbackServer server([link](const RecordedRequest&, int) {
    return http_reply(200, R"({"items":[],"links":{"next":{"uri":")" + link + R"("}}})");
  });
  require_failure(against(server, {}), 7, "another host");
  CHECK(other.requests().empty());
}

TEST_CASE("a body over --max-response-bytes is an invalid response") {
  std::string big = R"({"items":[)";
  for (int i = 0; i < 200; ++i)
    big += std::string(i ? "," : "") + R"({"workloadName":"0123456789"})";
  big += "]}";
  LoopbackServer server([big](const RecordedRequest&, int) { return http_reply(200, big); });
  require_failure(against(server, {"--max-response-bytes", "1K"}), 7, "larger than");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("a gzip bomb stops at the limit") {
  const std::string bomb = gzip(std::string(1 << 20, ' '), 64);  // 64 MiB of spaces, inflated
  LoopbackServer server([bomb](const RecordedRequest&, int) {
    return http_reply(200, bomb, {{"Content-Encoding", "gzip"}});
  });
  require_failure(against(server, {"--max-response-bytes", "1M"}), 7, "larger than");
}

TEST_CASE("TLS trust: a self-signed server, --cacert, an unrelated CA") {
  TempDir dir("pcusage-faults");
  const TlsIdentity id = make_self_signed_certificate(dir.path, "server");
  const TlsIdentity unrelated = make_self_signed_certificate(dir.path, "other");
  REQUIRE_FALSE(id.cert_file.empty());
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, kItems); }, id);
  REQUIRE(server.url().rfind("https://127.0.0.1:", 0) == 0);
  auto env = base_env();
  env["SSL_CERT_FILE"] = "/nonexistent";  // no system store can vouch for it either
  require_failure(against(server, {"--retries", "0"}, env), 6, "--cacert");
  auto r = against(server, {"--cacert", id.cert_file});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "workloadName\nA\nB\n");
  require_failure(against(server, {"--retries", "0", "--cacert", unrelated.cert_file}), 6,
                  "certificate");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("HTTPS_PROXY is honoured, and NO_PROXY bypasses it") {
  TempDir dir("pcusage-faults");
  const TlsIdentity id = make_self_signed_certificate(dir.path, "server");
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, kItems); }, id);
  LoopbackServer proxy(
      [](const RecordedRequest&, int) { return http_reply(403, "", {}, "text/plain"); });
  auto env = base_env();
  env.erase("NO_PROXY");
  env["HTTPS_PROXY"] = proxy.url();
  auto r = against(server, {"--retries", "0", "--cacert", id.cert_file}, env);
  CHECK(r.status == 6);
  auto via = proxy.requests();
  REQUIRE(via.size() == 1);
  CHECK(via[0].method == "CONNECT");
  CHECK(via[0].target == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(server.requests().empty());
  env["NO_PROXY"] = "127.0.0.1";
  r = against(server, {"--cacert", id.cert_file}, env);
  CHECK(r.status == 0);
  CHECK(proxy.requests().size() == 1);
}

TEST_CASE("option --output-file: success, failure keeps the old file, nothing left behind") {
  TempDir dir("pcusage-faults");
  const std::string out = dir.path + "/report.csv";
  LoopbackServer ok([](const RecordedRequest&, int) { return http_reply(200, kItems); });
  auto r = against(ok, {"--output-file", out});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  std::ifstream f(out);
  std::stringstream text;
  text << f.rdbuf();
  CHECK(text.str() == "workloadName\nA\nB\n");
  LoopbackServer bad([](const RecordedRequest&, int) { return http_reply(404, "{}"); });
  require_failure(against(bad, {"--output-file", out}), 4, "HTTP 404");
  std::ifstream g(out);
  std::stringstream again;
  again << g.rdbuf();
  CHECK(again.str() == "workloadName\nA\nB\n");
  CHECK(dir.listing() == "report.csv\n");
}

TEST_CASE("signals during a retry wait: 143 for SIGTERM, 130 for SIGINT, nothing left behind") {
  LoopbackServer server([](const RecordedRequest&, int) {
    return http_reply(503, "", {{"Retry-After", "30"}});
  });
  for (auto [sig, status] : {std::pair{"TERM", "143"}, {"INT", "130"}}) {
    TempDir dir("pcusage-faults");
    const std::string out = dir.path + "/report.csv";
    const std::string cmd = "PCUSAGE_TOKEN=t " + std::string(PCUSAGE_BINARY) + " --base-url " +
                            server.url() + " --output-file " + out +
                            " & pid=$!; sleep 0.7; kill -" + sig +
                            " $pid; wait $pid; echo \"status=$?\"";
    const auto start = Clock::now();
    auto r = run_process({"/bin/bash", "-c", cmd}, {{"NO_PROXY", "*"}});
    CHECK(r.out == std::string("status=") + status + "\n");
    CHECK(r.err.empty());
    CHECK(seconds_since(start) < 4);
    CHECK(dir.listing().empty());
  }
}
