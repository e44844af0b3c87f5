// Hostile servers and bad input: bounded output, honest exit codes, checks where a flag is parsed,
// proxies, HTML error pages, saved output read back.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "app/api_error.h"
#include "app/html_text.h"
#include "app/retry.h"
#include "core/files.h"
#include "core/signals.h"
#include "core/text.h"
#include "core/url.h"
#include "http/proxy.h"
#include "model/columns.h"
#include "model/parser.h"
#include "support/fake_client.h"
#include "support/helpers.h"
#include "support/loopback_server.h"
#include "support/run_app.h"
#include "support/run_pcusage.h"
#include "support/run_process.h"

using namespace pcusage;
using namespace pcusage::test;

namespace {

const std::string kSeed = slurp(PCUSAGE_SOURCE_DIR "/examples/usage-response.json");

#if !defined(__SANITIZE_ADDRESS__)
// pcusage with `args` under a 48 MB address-space limit (ulimit -v): small enough for a few tens
// of megabytes of data to exhaust. Not under a sanitizer, whose shadow memory alone is larger.
ProcessResult run_in_48_mb(const std::string& args,
                           const std::map<std::string, std::string>& env = base_env()) {
  const std::string command = "ulimit -v 49152; exec " + std::string(PCUSAGE_BINARY) + " " + args;
  return run_process({"/bin/sh", "-c", command}, env);
}
#endif

void require_failure(const ProcessResult& r, int status, const std::string& fragment) {
  INFO(r.err);
  CHECK(r.status == status);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("pcusage: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(fragment) != std::string::npos);
  CHECK(r.err.find(kToken) == std::string::npos);
}

Result<Options> parse(std::vector<std::string> args) { return parse_with_env(args); }

void require_usage(const Result<Options>& r, const std::string& fragment) {
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == ExitCode::kUsage);
  CHECK(r.error().message.find(fragment) != std::string::npos);
}

}  // namespace

// --- 3: one catch in main ------------------------------------------------------------------------

TEST_CASE("an exception is one internal error line and exit 1, not an abort") {
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("a sanitizer's shadow memory does not fit under a small ulimit -v");
#else
  // Three million empty items (9 MB) need 48 MB of nodes, more while the arena grows: under a
  // 48 MB address-space limit the node arena fails to grow, std::bad_alloc.
  const TempDir dir;
  {
    std::ofstream items(dir.at("items.json"), std::ios::binary);
    items << "{\"items\":[";
    for (int i = 0; i < 3000000; ++i) items << "{},";
    items << "{}]}";
  }
  const ProcessResult r =
      run_in_48_mb("--input " + dir.at("items.json") + " --max-response-bytes 1G");
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("pcusage: error: internal: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
#endif
}

TEST_CASE("no memory for an input file is one error line and exit 1") {
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("a sanitizer's shadow memory does not fit under a small ulimit -v");
#else
  // A 64 MB file under a 48 MB address-space limit: the read fails, as a value, not an exception.
  const TempDir dir;
  {
    std::ofstream big(dir.at("big.json"), std::ios::binary);
    big << std::string(64u << 20, ' ');
  }
  const ProcessResult r =
      run_in_48_mb("--input " + dir.at("big.json") + " --max-response-bytes 1G");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "pcusage: error: --input: out of memory reading " + dir.at("big.json") + "\n");
#endif
}

TEST_CASE("no memory for a response body is one error line and exit 1, not retried") {
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("a sanitizer's shadow memory does not fit under a small ulimit -v");
#else
  // 64 MB without Content-Length under a 48 MB address-space limit: the body buffer cannot grow.
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.chunks.push_back(
        {std::chrono::milliseconds(0),
         "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(64u << 20, ' ')});
    return reply;
  });
  REQUIRE(server.port() != 0);
  std::map<std::string, std::string> env = base_env();
  env["PCUSAGE_TOKEN"] = kToken;
  const ProcessResult r =
      run_in_48_mb("--base-url " + server.url() + " --max-response-bytes 1G", env);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("pcusage: error: request failed: out of memory for the response body", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(server.requests().size() == 1);
#endif
}

TEST_CASE("report_internal words what escaped") {
  std::ostringstream err;
  CHECK(report_internal("std::bad_alloc", err) == ExitCode::kInternal);
  CHECK(err.str() == "pcusage: error: internal: std::bad_alloc\n");
}

// --- 4, 11, 12: flags checked where they are parsed ---------------------------------------------

TEST_CASE("option --cacert: a missing or non-PEM file is a usage error, not a network failure") {
  const TempDir dir;
  require_usage(parse({"--cacert", dir.at("missing.pem")}), "--cacert: cannot read");
  require_usage(parse({"--cacert", dir.write("notes.txt", "not a certificate\n")}),
                "holds no PEM certificate");
  require_usage(parse({"--cacert", dir.path}), "it is a directory");
  CHECK(parse({"--cacert", dir.write("ca.pem", kPemStub)}).ok());

  // End to end: exit 2 before anything is sent.
  LoopbackServer server(always(200, kSeed));
  require_failure(against(server, {"--cacert", dir.at("missing.pem")}), 2, "--cacert");
  CHECK(server.requests().empty());
}

TEST_CASE("option --token-file: a file too large to be a token is a usage error about the token") {
  const TempDir dir;
  const std::string big = dir.write("token", std::string(1000000, 'a'));
  require_usage(parse({"--token-file", big}), "too large for a token");
  require_usage(parse({"--token-file", dir.at("missing")}), "--token-file: cannot read");
  const ProcessResult r = run_pcusage({"--token-file", big, "--base-url", "http://127.0.0.1:9"});
  require_failure(r, 2, "--token-file");
  CHECK(r.err.find("max-response-bytes") == std::string::npos);
  // Through stdin there is no size to check up front: the read is bounded and worded the same way.
  const ProcessResult piped = run_pcusage({"--token-file", "-", "--base-url", "http://127.0.0.1:9"},
                                          base_env(), std::string(1000000, 'a'));
  require_failure(piped, 2, "--token-file: larger than");
}

TEST_CASE("numbers in flags never overflow into a smaller value") {
  require_usage(parse({"--max-response-bytes", "17179869185G"}), "--max-response-bytes");
  require_usage(parse({"--max-response-bytes", "18446744073709551617"}), "--max-response-bytes");
  require_usage(parse({"--max-response-bytes", "1025G"}), "--max-response-bytes");
  require_usage(parse({"--max-pages", "99999999999999999999999"}), "--max-pages");
  auto r = parse({"--max-response-bytes", "1024G"});
  REQUIRE(r.ok());
  CHECK(r->max_response_bytes == std::size_t{1} << 40);
}

TEST_CASE("option --output-file: a folder that cannot take the file fails before any request") {
  const TempDir dir;
  LoopbackServer server(always(200, kSeed));
  SECTION("a missing folder") {
    require_failure(against(server, {"--output-file", dir.at("no/such/dir/out.csv")}), 2,
                    "--output-file: cannot write");
  }
  SECTION("a read-only folder") {
    if (geteuid() == 0) return;  // root writes anywhere
    REQUIRE(mkdir(dir.at("ro").c_str(), 0555) == 0);
    require_failure(against(server, {"--output-file", dir.at("ro/out.csv")}), 2,
                    "--output-file: cannot write");
  }
  SECTION("with the refresh-token sign-in: nothing signed in, the refresh token untouched") {
    const std::string rt = dir.write("rt", "refresh-0\n");
    chmod(rt.c_str(), 0600);
    auto env = base_env();
    const ProcessResult r = run_pcusage(
        {"--refresh-token-file", rt, "--tenant", "t", "--client-id", "c", "--authority",
         server.url(), "--base-url", server.url(), "--output-file", dir.at("missing/out.csv")},
        env);
    require_failure(r, 2, "--output-file");
    CHECK(slurp(rt) == "refresh-0\n");
  }
  CHECK(server.requests().empty());
  // The check leaves nothing behind.
  CHECK(run_process({"/bin/ls", "-A", dir.path}).out.find(".pcusage-check") == std::string::npos);
}

// --- 12: --input reads what pcusage wrote --------------------------------------------------------

TEST_CASE("option --input reads -o json and -o ndjson output back, giving the same CSV") {
  LoopbackServer server(always(200, kSeed));
  const ProcessResult direct = against(server, {"-o", "csv", "--columns", "*"});
  REQUIRE(direct.status == 0);
  const TempDir dir;
  for (const char* format : {"json", "ndjson"}) {
    INFO(format);
    const ProcessResult saved = against(server, {"-o", format});
    REQUIRE(saved.status == 0);
    const std::string path = dir.write(std::string("saved.") + format, saved.out);
    const ProcessResult again = run_pcusage({"--input", path, "-o", "csv", "--columns", "*"});
    INFO(again.err);
    CHECK(again.status == 0);
    CHECK(again.out == direct.out);
    // And through stdin.
    const ProcessResult piped =
        run_pcusage({"--input", "-", "-o", "csv", "--columns", "*"}, base_env(), saved.out);
    CHECK(piped.out == direct.out);
  }
}

TEST_CASE("saved shapes: array, lines, response, a service response must still be an object") {
  Dataset data;
  REQUIRE(parse_saved(ByteBuffer(R"([{"a":1},{"a":2}])"), data).ok());
  CHECK(data.items().size() == 2);
  Dataset lines;
  REQUIRE(parse_saved(ByteBuffer("{\"a\":1}\n{\"a\":2,\"items\":[]}\n\n{\"a\":3}\n"), lines).ok());
  CHECK(lines.items().size() == 3);
  Dataset one_line;
  REQUIRE(parse_saved(ByteBuffer("{\"a\":1}"), one_line).ok());
  CHECK(one_line.items().size() == 1);
  Dataset empty;
  REQUIRE(parse_saved(ByteBuffer(""), empty).ok());
  CHECK(empty.items().empty());
  Dataset response;
  REQUIRE(
      parse_saved(ByteBuffer(R"({"totalCount":1,"items":[{"a":1}],"links":{}})"), response).ok());
  CHECK(response.items().size() == 1);
  Dataset bad;
  CHECK(parse_saved(ByteBuffer("[1]"), bad).error().message ==
        "invalid response: item 0 is not an object");
  CHECK(parse_saved(ByteBuffer("{\"a\":1}\n[]"), bad).error().message.find("not an object") !=
        std::string::npos);
  CHECK_FALSE(parse_saved(ByteBuffer("{\"a\":1} x"), bad).ok());
  // The service's own answer is never read this way.
  Dataset service;
  CHECK(parse_page(ByteBuffer(R"([{"a":1}])"), service).error().message ==
        "invalid response: the root is not an object");
}

TEST_CASE("zero items with --columns '*' print the report's header") {
  LoopbackServer server(always(200, R"({"totalCount":0,"items":[]})"));
  const ProcessResult r = against(server, {"-o", "csv", "--columns", "*"});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out ==
        "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n");
}

// --- 5: unique column names ----------------------------------------------------------------------

TEST_CASE("option --columns '*' never prints two columns with the same name") {
  Dataset data;
  REQUIRE(parse_page(ByteBuffer(R"({"items":[{"a.b":1,"a":{"b":2},"c\\d":3}]})"), data).ok());
  std::vector<std::string> names;
  for (const Column& c : all_columns(data)) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"a\\.b", "a.b", "c\\\\d"});
  // Each name resolves back to its own field.
  auto columns = resolve_columns(data, names, false);
  REQUIRE(columns.ok());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Node* cell = lookup(data, data.items()[0], columns.value()[i]);
    REQUIRE(cell != nullptr);
    CHECK(cell->str() == std::to_string(i + 1));
  }
}

// --- 6, 7, 13: error lines -----------------------------------------------------------------------

TEST_CASE("HTML error pages read as their text") {
  CHECK(html_text("<html><head><title>502 Bad Gateway</title><style>body{color:red}</style>"
                  "<script>if (a < b) { x = '<p>'; }</script></head><body><h1>502 Bad "
                  "Gateway</h1><p>The proxy&#39;s upstream &amp; friends &lt;failed&gt; "
                  "&quot;here&quot; &#x263A; &#9731;</p></body></html>") ==
        "502 Bad Gateway The proxy's upstream & friends <failed> \"here\" \u263A \u2603");
  CHECK(html_text("<title>Service Unavailable</title><body>Try later.</body>") ==
        "Service Unavailable: Try later.");
  CHECK(html_text("<p>a < b &unknown; & c</p><!-- <p>hidden</p> -->") == "a < b &unknown; & c");
  CHECK(html_text("<SCRIPT type=x>alert(1)</SCRIPT >shown") == "shown");
  CHECK(html_text("&#0; &#xD800; &#99999999;") == "\uFFFD \uFFFD \uFFFD");
  CHECK(html_text(std::string(5000, 'x')).size() <= 403);
}

TEST_CASE("the sent MS-CorrelationId is in the error line when the server did not echo it") {
  FakeClient client({response(502, "<html><body><h1>Bad Gateway</h1></body></html>")});
  const std::string id = "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
  const Outcome o = run_app(client, {"--token", "t", "--base-url", "http://127.0.0.1:9",
                                     "--retries", "0", "--correlation-id", id});
  INFO(o.err);
  CHECK(o.code == ExitCode::kUnavailable);
  CHECK(o.err ==
        "pcusage: error: request failed: HTTP 502 Bad Gateway: Bad Gateway "
        "(MS-CorrelationId " +
            id + ")\n");
  // The server's echo wins.
  HttpResponse echoed = response(404, "", {{"MS-CorrelationId", "server-id"}});
  CHECK(http_error("x", echoed, id).message ==
        "x: HTTP 404 Not Found (MS-CorrelationId server-id)");
}

TEST_CASE("501 is permanent: exit 4, not retried") {
  CHECK(exit_code_for_status(501) == ExitCode::kRefused);
  CHECK_FALSE(is_retryable_status(501));
  LoopbackServer server(always(501, R"({"code":1,"description":"not here"})"));
  require_failure(against(server, {}), 4, "HTTP 501 Not Implemented");
  CHECK(server.requests().size() == 1);
}

// --- 8: proxies ----------------------------------------------------------------------------------

TEST_CASE("a proxy that refuses the tunnel is named and not retried") {
  for (int status : {407, 403}) {
    INFO(status);
    LoopbackServer proxy(always(status, "<html>no</html>", {}, "text/html"));
    auto env = base_env();
    env.erase("NO_PROXY");
    env["HTTPS_PROXY"] = "http://user:pw-s3cret@127.0.0.1:" + std::to_string(proxy.port());
    env["PCUSAGE_TOKEN"] = kToken;
    const ProcessResult r = run_pcusage({"--base-url", "https://pc.example.test"}, env);
    require_failure(r, 6,
                    "the proxy 127.0.0.1 port " + std::to_string(proxy.port()) +
                        " (from HTTPS_PROXY) answered the tunnel request (CONNECT) with HTTP " +
                        std::to_string(status));
    CHECK(r.err.find("pw-s3cret") == std::string::npos);
    const auto requests = proxy.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "CONNECT");
  }
}

TEST_CASE("a dead proxy reads as the proxy, not the service") {
  // A port that was just free: nothing listens there.
  int port = 0;
  {
    LoopbackServer gone(always(200, ""));
    port = gone.port();
  }
  auto env = base_env();
  env.erase("NO_PROXY");
  env["https_proxy"] = "127.0.0.1:" + std::to_string(port);
  env["PCUSAGE_TOKEN"] = kToken;
  const ProcessResult r =
      run_pcusage({"--base-url", "https://pc.example.test", "--retries", "0"}, env);
  require_failure(
      r, 6,
      "cannot connect to the proxy 127.0.0.1 port " + std::to_string(port) + " (from https_proxy)");
}

TEST_CASE("which proxy libcurl takes from the environment") {
  std::map<std::string, std::string> vars;
  const ProxyEnv env = [&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  const auto variable = [&](const char* url) {
    auto p = proxy_for(url, env);
    return p ? p->variable : std::string("none");
  };
  CHECK(variable("https://h.example/") == "none");
  vars = {{"HTTPS_PROXY", "p:1"}, {"ALL_PROXY", "q:2"}};
  CHECK(variable("https://h.example/") == "HTTPS_PROXY");
  CHECK(variable("http://127.0.0.1/") == "ALL_PROXY");  // http takes http_proxy only, then all
  vars["https_proxy"] = "r:3";
  CHECK(variable("https://h.example/") == "https_proxy");
  vars["HTTP_PROXY"] = "s:4";
  CHECK(variable("http://127.0.0.1/") == "ALL_PROXY");  // never the upper-case HTTP_PROXY
  vars["NO_PROXY"] = "example, .other.test";
  CHECK(variable("https://h.example/") == "none");
  CHECK(variable("https://x.other.test/") == "none");
  CHECK(variable("https://notexample/") == "https_proxy");
  vars["no_proxy"] = "*";
  CHECK(variable("https://notexample/") == "none");
}

// --- 9: HTTP dates -------------------------------------------------------------------------------

TEST_CASE("Retry-After in all three HTTP date forms") {
  const std::time_t now = 784111717;  // Sun, 06 Nov 1994 08:48:37 GMT
  for (const char* date : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994"}) {
    INFO(date);
    const auto wait = parse_retry_after(date, now);
    REQUIRE(wait.has_value());
    CHECK(*wait == std::chrono::seconds(60));
  }
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
}

// --- 10: one URL parser --------------------------------------------------------------------------

TEST_CASE("origins are compared the way libcurl connects") {
  auto base = parse_base_url("https://host/p", "--base-url");
  REQUIRE(base.ok());
  CHECK(same_origin(*base, "https://host:0443/v1/x?y=1"));
  CHECK(same_origin(*base, "https://HOST:443/v1/x"));
  CHECK(same_origin(*base, "HTTPS://host/v1/x"));
  CHECK_FALSE(same_origin(*base, "https://host:8443/v1/x"));
  CHECK_FALSE(same_origin(*base, "http://host/v1/x"));
  CHECK_FALSE(same_origin(*base, "https://host.evil/v1/x"));
  CHECK_FALSE(same_origin(*base, "https://user@host/v1/x"));
  auto leading_zero = parse_base_url("https://host:0443/", "--base-url");
  REQUIRE(leading_zero.ok());
  CHECK(leading_zero->origin() == "https://host");
}

TEST_CASE("a next link to the same origin with another spelling of the port is followed") {
  // The first page links to `port` (from the request's Host header when empty) with a leading zero.
  const auto linking = [](std::string port) {
    return [port](const RecordedRequest& request, int index) {
      if (index > 0) return http_reply(200, R"({"items":[{"a":2}]})");
      const std::string host = request.header("Host");
      const std::string to = port.empty() ? host.substr(host.find(':') + 1) : port;
      return http_reply(200, R"({"items":[{"a":1}],"links":{"next":{"uri":"http://127.0.0.1:0)" +
                                 to + "/v1/next\"}}}");
    };
  };
  LoopbackServer self(linking(""));
  const ProcessResult same = against(self, {"-o", "csv", "--columns", "a"});
  INFO(same.err);
  CHECK(same.status == 0);
  CHECK(same.out == "a\n1\n2\n");
  REQUIRE(self.requests().size() == 2);
  CHECK(self.requests()[1].target == "/v1/next");

  LoopbackServer other(linking("9"));
  require_failure(against(other, {"-o", "csv", "--columns", "a"}), 7, "points to another host");
  CHECK(other.requests().size() == 1);
}

// --- 14: durable files, the signal flag ----------------------------------------------------------

TEST_CASE("AtomicFile syncs the folder after the rename") {
  const TempDir dir;
  const ProcessResult which = run_process({"/bin/sh", "-c", "command -v strace"});
  const std::string strace(trim(which.out));
  if (which.status != 0 || strace.empty()) {
    WARN("strace is not installed; the folder sync is not observed");
    return;
  }
  // LeakSanitizer cannot run under ptrace.
  auto env = base_env();
  env["ASAN_OPTIONS"] = "detect_leaks=0";
  const ProcessResult r = run_process(
      {strace, "-f", "-e", "trace=openat,rename,fsync", PCUSAGE_BINARY, "--input",
       PCUSAGE_SOURCE_DIR "/examples/usage-response.json", "--output-file", dir.at("out.txt")},
      env);
  if (r.err.find("PTRACE") != std::string::npos ||
      r.err.find("Operation not permitted") != std::string::npos) {
    WARN("ptrace is not allowed here; the folder sync is not observed");
    return;
  }
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::size_t rename_at = r.err.find("rename(");
  REQUIRE(rename_at != std::string::npos);
  const std::size_t dir_open = r.err.find("O_DIRECTORY", rename_at);
  REQUIRE(dir_open != std::string::npos);
  CHECK(r.err.find("fsync(", dir_open) != std::string::npos);
}

TEST_CASE("a signal recorded on one thread is seen on another") {
  clear_interrupt();
  std::atomic<bool> seen{false};
  std::thread watcher([&] {
    while (!interrupted()) std::this_thread::yield();
    seen = true;
  });
  raise_interrupt(SIGTERM);
  watcher.join();
  CHECK(seen);
  CHECK(pending_signal() == SIGTERM);
  clear_interrupt();
}
