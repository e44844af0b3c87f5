// The libcurl client against a loopback server: requests as sent, responses as received, and
// every transport failure classified.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "http/body_growth.h"
#include "http/curl_client.h"
#include "http/http_client.h"
#include "support/helpers.h"
#include "support/loopback_server.h"

namespace pcusage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::Chunk;
using test::http_reply;
using test::LoopbackServer;
using test::RecordedRequest;
using test::Reply;
using test::seconds_since;
using Clock = std::chrono::steady_clock;

// A proxy from the environment must not capture loopback traffic (libcurl reads both spellings).
[[maybe_unused]] const bool g_no_proxy =
    setenv("no_proxy", "127.0.0.1", 1) == 0 && setenv("NO_PROXY", "127.0.0.1", 1) == 0;

std::atomic<bool> g_interrupt{false};
bool test_interrupted() { return g_interrupt.load(); }

// A plain-http request to `url`, as the app builds one for a loopback server.
HttpRequest loopback_request(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.allow_http = true;
  request.deadline = Clock::now() + seconds(20);
  request.connect_timeout = milliseconds(2000);
  request.stall_time = seconds(10);
  return request;
}

HttpResponse response_of(HttpResult result) {
  if (const auto* error = std::get_if<TransportError>(&result)) {
    FAIL("transport error: " << error->message);
  }
  return std::move(std::get<HttpResponse>(result));
}

TransportError error_of(const HttpResult& result) {
  if (std::holds_alternative<HttpResponse>(result)) {
    FAIL("unexpected response, status " << std::get<HttpResponse>(result).status);
  }
  return std::get<TransportError>(result);
}

// The headers only, for a reply whose body is sent separately or not at all.
std::string head_only(int status, const std::string& extra) {
  return "HTTP/1.1 " + std::to_string(status) + " OK\r\nConnection: close\r\n" + extra + "\r\n";
}

// A TCP port on 127.0.0.1 that is bound but not listening, so connecting to it is refused.
class RefusingPort {
 public:
  RefusingPort() {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(m_fd); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return m_port; }

 protected:
  int m_fd = -1;
  int m_port = 0;
};

// A listening port whose accept queue is full: the kernel drops further SYNs, so a connect hangs.
class BlackholePort : public RefusingPort {
 public:
  BlackholePort() {
    listen(m_fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(m_port));
    for (int i = 0; i < 3; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
      m_fillers.push_back(fd);
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  ~BlackholePort() {
    for (int fd : m_fillers) close(fd);
  }
  BlackholePort(const BlackholePort&) = delete;
  BlackholePort& operator=(const BlackholePort&) = delete;

 private:
  std::vector<int> m_fillers;
};

// A temporary directory with the certificates of the TLS tests, made once per run.
struct TlsFixture {
  std::string dir;
  test::TlsIdentity server;
  test::TlsIdentity unrelated;

  TlsFixture() {
    char pattern[] = "/tmp/pcusage-test-http-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return;
    dir = pattern;
    server = test::make_self_signed_certificate(dir, "server");
    unrelated = test::make_self_signed_certificate(dir, "unrelated");
  }
  ~TlsFixture() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
  TlsFixture(const TlsFixture&) = delete;
  TlsFixture& operator=(const TlsFixture&) = delete;

  static const TlsFixture& get() {
    static const TlsFixture fixture;
    return fixture;
  }
};

// A /proc/self/status field in kB, or -1.
long status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

TEST_CASE("find_header matches names case-insensitively and returns the first", "[http]") {
  const HeaderList headers = {{"Content-Type", "a"}, {"X-Dup", "1"}, {"x-dup", "2"}};
  CHECK(find_header(headers, "content-type") == "a");
  CHECK(find_header(headers, "X-DUP") == "1");
  CHECK(find_header(headers, "Content-Length").empty());
  CHECK(find_header(headers, "Content-Typ").empty());
}

TEST_CASE("version names libcurl and its TLS library", "[http]") {
  const std::string version = make_curl_client()->version();
  CHECK(version.rfind("libcurl/", 0) == 0);
  CHECK(version.find("OpenSSL/") != std::string::npos);
}

TEST_CASE("a GET carries exactly the given path and headers", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, "{}"); });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url() + "/v1/customers/c1/usage?top=5&skip=0%20x");
  request.headers = {{"Authorization", "Bearer secret-token"},
                     {"Accept", "application/json"},
                     {"MS-CorrelationId", "8d0f2a6c-0000-4000-8000-000000000001"},
                     {"X-Empty", ""}};
  const HttpResponse& response = response_of(make_curl_client()->send(request));
  CHECK(response.status == 200);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const RecordedRequest& received = requests[0];
  CHECK(received.method == "GET");
  CHECK(received.target == "/v1/customers/c1/usage?top=5&skip=0%20x");
  CHECK(received.header("Authorization") == "Bearer secret-token");
  CHECK(received.header("Accept") == "application/json");
  CHECK(received.header("MS-CorrelationId") == "8d0f2a6c-0000-4000-8000-000000000001");
  CHECK(received.body.empty());
  std::vector<std::string> names;
  for (const auto& header : received.headers) names.push_back(header.first);
  // Only what was asked for, plus Host and the Accept-Encoding that makes compression work.
  CHECK_THAT(names, Catch::Matchers::UnorderedEquals(
                        std::vector<std::string>{"Host", "Accept-Encoding", "Authorization",
                                                 "Accept", "MS-CorrelationId", "X-Empty"}));
  CHECK(received.header("Accept-Encoding").find("gzip") != std::string::npos);
}

TEST_CASE("a POST sends its body without Expect: 100-continue or a default Content-Type",
          "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(201, "{}"); });
  REQUIRE(server.port() != 0);
  auto client = make_curl_client();

  // Above 1 MiB libcurl would otherwise add Expect: 100-continue and wait for the server.
  std::string body(1536 * 1024, 'x');
  body.front() = '{';
  HttpRequest request = loopback_request(server.url() + "/token");
  request.method = "POST";
  request.body = body;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  CHECK(response_of(client->send(request)).status == 201);

  HttpRequest untyped = loopback_request(server.url() + "/post");
  untyped.method = "POST";
  untyped.body = "{\"a\":1}";
  CHECK(response_of(client->send(untyped)).status == 201);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].body == body);
  CHECK(requests[0].header("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(requests[0].header("Content-Length") == std::to_string(body.size()));
  CHECK(requests[0].header("Expect").empty());
  CHECK(requests[1].body == "{\"a\":1}");
  CHECK(requests[1].header("Content-Type").empty());
}

TEST_CASE("other methods are sent as given, with or without a body", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(204, ""); });
  REQUIRE(server.port() != 0);
  auto client = make_curl_client();
  HttpRequest request = loopback_request(server.url() + "/item/1");
  request.method = "DELETE";
  CHECK(response_of(client->send(request)).status == 204);
  request.method = "PATCH";
  request.body = "{\"a\":2}";
  request.headers = {{"Content-Type", "application/json"}};
  CHECK(response_of(client->send(request)).status == 204);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "DELETE");
  CHECK(requests[0].body.empty());
  CHECK(requests[1].method == "PATCH");
  CHECK(requests[1].body == "{\"a\":2}");
}

TEST_CASE("a response arrives with its status, headers in order and body", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    return http_reply(404, "{\"error\":\"nope\"}",
                      {{"X-Trace", "a"}, {"Retry-After", "7"}, {"x-trace", "b"}});
  });
  REQUIRE(server.port() != 0);
  const HttpResponse& response =
      response_of(make_curl_client()->send(loopback_request(server.url() + "/missing")));
  CHECK(response.status == 404);
  CHECK(response.body == "{\"error\":\"nope\"}");
  CHECK(response.seconds > 0);
  CHECK(response.seconds < 5);
  const HeaderList expected = {{"Content-Type", "application/json; charset=utf-8"},
                               {"Content-Length", "16"},
                               {"Connection", "close"},
                               {"X-Trace", "a"},
                               {"Retry-After", "7"},
                               {"x-trace", "b"}};
  CHECK(response.headers == expected);
}

TEST_CASE("an interim 100 Continue does not leak into the final response", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply = http_reply(200, "ok", {{"X-Final", "1"}});
    reply.chunks.insert(reply.chunks.begin(),
                        Chunk{milliseconds(0), "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"});
    return reply;
  });
  REQUIRE(server.port() != 0);
  const HttpResponse& response =
      response_of(make_curl_client()->send(loopback_request(server.url())));
  CHECK(response.status == 200);
  CHECK(response.body == "ok");
  CHECK(find_header(response.headers, "X-Interim").empty());
  CHECK(find_header(response.headers, "X-Final") == "1");
}

TEST_CASE("a gzip-encoded body is decoded", "[http]") {
  const std::string json = "{\"items\":[" + std::string(5000, ' ') + "]}";
  LoopbackServer server([&](const RecordedRequest& request, int) {
    if (request.header("Accept-Encoding").find("gzip") == std::string::npos) {
      return http_reply(406, "no gzip");
    }
    return http_reply(200, test::gzip(json), {{"Content-Encoding", "gzip"}});
  });
  REQUIRE(server.port() != 0);
  const HttpResponse& response =
      response_of(make_curl_client()->send(loopback_request(server.url())));
  CHECK(response.status == 200);
  CHECK(response.body == json);
  CHECK(find_header(response.headers, "Content-Encoding") == "gzip");
}

TEST_CASE("a redirect is returned, never followed", "[http]") {
  LoopbackServer target([](const RecordedRequest&, int) { return http_reply(200, "{}"); });
  REQUIRE(target.port() != 0);
  const std::string location = target.url() + "/elsewhere";
  LoopbackServer server([&](const RecordedRequest&, int) {
    return http_reply(302, "moved", {{"Location", location}});
  });
  REQUIRE(server.port() != 0);
  const HttpResponse& response =
      response_of(make_curl_client()->send(loopback_request(server.url() + "/start")));
  CHECK(response.status == 302);
  CHECK(find_header(response.headers, "Location") == location);
  CHECK(response.body == "moved");
  std::this_thread::sleep_for(milliseconds(50));
  CHECK(target.requests().empty());
}

TEST_CASE("schemes: https always, plain http only when allowed", "[http]") {
  auto client = make_curl_client();
  SECTION("http refused without allow_http, before any connection") {
    LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, "{}"); });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.allow_http = false;
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kOther);
    CHECK(error.message == "the URL scheme \"http\" is not allowed (only https)");
    CHECK_FALSE(error.got_response);
    CHECK(server.requests().empty());
  }
  SECTION("other schemes refused even with allow_http") {
    HttpRequest request = loopback_request("file:///etc/passwd");
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kOther);
    CHECK(error.message == "the URL scheme \"file\" is not allowed (only http and https)");
  }
  SECTION("https is attempted with or without allow_http") {
    RefusingPort refusing;
    for (bool allow_http : {false, true}) {
      HttpRequest request =
          loopback_request("https://127.0.0.1:" + std::to_string(refusing.port()) + "/");
      request.allow_http = allow_http;
      const TransportError& error = error_of(client->send(request));
      CHECK(error.kind == TransportFailure::kConnect);
    }
  }
}

TEST_CASE("a reply without a status line is an error, not a scheme problem", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.chunks = {{milliseconds(0), "hello there\r\n"}};
    return reply;
  });
  REQUIRE(server.port() != 0);
  const TransportError& error = error_of(make_curl_client()->send(loopback_request(server.url())));
  CHECK(error.kind == TransportFailure::kOther);
  CHECK_THAT(error.message, Catch::Contains("HTTP/0.9"));
  CHECK_FALSE(error.got_response);
}

TEST_CASE("a refused connection is kConnect", "[http]") {
  RefusingPort refusing;
  const TransportError& error = error_of(make_curl_client()->send(
      loopback_request("http://127.0.0.1:" + std::to_string(refusing.port()) + "/")));
  CHECK(error.kind == TransportFailure::kConnect);
  CHECK(error.message.find(std::to_string(refusing.port())) != std::string::npos);
  CHECK_FALSE(error.got_response);
}

TEST_CASE("a connect that never completes is kConnectTimeout", "[http]") {
  BlackholePort blackhole;
  HttpRequest request =
      loopback_request("http://127.0.0.1:" + std::to_string(blackhole.port()) + "/");
  request.connect_timeout = milliseconds(300);
  const auto start = Clock::now();
  const TransportError& error = error_of(make_curl_client()->send(request));
  CHECK(error.kind == TransportFailure::kConnectTimeout);
  CHECK(error.message == "connection to 127.0.0.1 port " + std::to_string(blackhole.port()) +
                             " timed out after 0.3 s");
  CHECK(seconds_since(start) < 2.0);
}

TEST_CASE("a body cut short is kTruncated", "[http]") {
  SECTION("fewer bytes than Content-Length") {
    LoopbackServer server([](const RecordedRequest&, int) {
      return http_reply(200, "0123456789", {{"Content-Length", "100"}});
    });
    REQUIRE(server.port() != 0);
    const TransportError& error =
        error_of(make_curl_client()->send(loopback_request(server.url())));
    CHECK(error.kind == TransportFailure::kTruncated);
    CHECK(error.got_response);
  }
  SECTION("the connection closes before any response") {
    LoopbackServer server([](const RecordedRequest&, int) { return Reply{}; });
    REQUIRE(server.port() != 0);
    const TransportError& error =
        error_of(make_curl_client()->send(loopback_request(server.url())));
    CHECK(error.kind == TransportFailure::kTruncated);
    CHECK_FALSE(error.got_response);
  }
}

TEST_CASE("the run's deadline bounds the whole exchange", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.hang = true;
    return reply;
  });
  REQUIRE(server.port() != 0);
  auto client = make_curl_client();
  SECTION("a silent server is cut off at the deadline") {
    HttpRequest request = loopback_request(server.url());
    const auto start = Clock::now();
    request.deadline = start + seconds(1);
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kDeadline);
    CHECK(error.message == "the deadline passed");
    CHECK(seconds_since(start) >= 0.9);
    CHECK(seconds_since(start) < 3.0);
  }
  SECTION("a deadline already past sends nothing") {
    HttpRequest request = loopback_request(server.url());
    request.deadline = Clock::now() - milliseconds(1);
    CHECK(error_of(client->send(request)).kind == TransportFailure::kDeadline);
    std::this_thread::sleep_for(milliseconds(50));
    CHECK(server.requests().empty());
  }
}

TEST_CASE("a transfer that goes silent is kStalled", "[http]") {
  SECTION("after the headers and part of the body") {
    LoopbackServer server([](const RecordedRequest&, int) {
      Reply reply;
      reply.chunks = {
          {milliseconds(0), head_only(200, "Content-Length: 1000\r\n") + "{\"items\":["}};
      reply.hang = true;
      return reply;
    });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.stall_time = seconds(1);
    const auto start = Clock::now();
    const TransportError& error = error_of(make_curl_client()->send(request));
    CHECK(error.kind == TransportFailure::kStalled);
    CHECK(error.message == "no data received for 1 s (stalled)");
    CHECK(error.got_response);
    CHECK(seconds_since(start) >= 0.9);
    CHECK(seconds_since(start) < 3.0);
  }
  SECTION("before any response") {
    LoopbackServer server([](const RecordedRequest&, int) {
      Reply reply;
      reply.hang = true;
      return reply;
    });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.stall_time = seconds(1);
    const auto start = Clock::now();
    const TransportError& error = error_of(make_curl_client()->send(request));
    CHECK(error.kind == TransportFailure::kStalled);
    CHECK_FALSE(error.got_response);
    CHECK(seconds_since(start) < 3.0);
  }
}

TEST_CASE("a slow but steady body is not a stall", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    // 2.5 s in all, more than stall_time, but never more than an eighth of it without data (a
    // generous margin: a loaded machine may delay a chunk).
    reply.chunks = {{milliseconds(0), head_only(200, "Content-Length: 100\r\n")}};
    for (int i = 0; i < 10; ++i) reply.chunks.push_back({milliseconds(250), "xxxxxxxxxx"});
    return reply;
  });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  request.stall_time = seconds(2);
  CHECK(response_of(make_curl_client()->send(request)).body == std::string(100, 'x'));
}

TEST_CASE("a body over max_body_bytes is kTooLarge", "[http]") {
  constexpr std::size_t kLimit = 64 * 1024;
  auto client = make_curl_client();
  SECTION("declared by Content-Length") {
    LoopbackServer server(
        [](const RecordedRequest&, int) { return http_reply(200, std::string(kLimit + 1, 'a')); });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.max_body_bytes = kLimit;
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kTooLarge);
    CHECK(error.message == "the response body is larger than 65536 bytes");
  }
  SECTION("chunked, with no length") {
    LoopbackServer server([](const RecordedRequest&, int) {
      Reply reply;
      std::string body = head_only(200, "Transfer-Encoding: chunked\r\n");
      for (int i = 0; i < 20; ++i) body += "1000\r\n" + std::string(4096, 'b') + "\r\n";
      reply.chunks = {{milliseconds(0), body + "0\r\n\r\n"}};
      return reply;
    });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.max_body_bytes = kLimit;
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kTooLarge);
    CHECK(error.got_response);
  }
  SECTION("exactly at the limit is fine, and the handle is reusable after a failure") {
    LoopbackServer server([](const RecordedRequest&, int index) {
      return http_reply(200, std::string(index == 0 ? kLimit + 1 : kLimit, 'c'));
    });
    REQUIRE(server.port() != 0);
    HttpRequest request = loopback_request(server.url());
    request.max_body_bytes = kLimit;
    CHECK(error_of(client->send(request)).kind == TransportFailure::kTooLarge);
    CHECK(response_of(client->send(request)).body.size() == kLimit);
  }
}

TEST_CASE("a gzip bomb stops at max_body_bytes without inflating in memory", "[http]") {
  // 50 MiB of zeros compresses to about 50 KB, well under the limit as declared.
  const std::string bomb = test::gzip(std::string(1u << 20, '\0'), 50);
  REQUIRE(bomb.size() < 200 * 1024);
  LoopbackServer server([&](const RecordedRequest&, int) {
    return http_reply(200, bomb, {{"Content-Encoding", "gzip"}});
  });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  request.max_body_bytes = 1u << 20;

  // Writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
  const bool can_measure = std::ofstream("/proc/self/clear_refs") << "5" && status_kb("VmHWM") > 0;
  const long before_kb = status_kb("VmHWM");
  const TransportError& error = error_of(make_curl_client()->send(request));
  CHECK(error.kind == TransportFailure::kTooLarge);
  if (can_measure) {
    const long growth_kb = status_kb("VmHWM") - before_kb;
    INFO("peak RSS grew by " << growth_kb << " kB");
    CHECK(growth_kb < 24 * 1024);
  }
}

// The peak RSS (VmHWM) growth of `run`, in kB, or -1 where it cannot be measured (no clear_refs,
// or a sanitizer whose allocator keeps freed memory in quarantine).
template <typename Run>
long peak_growth_kb(Run run) {
#if defined(__SANITIZE_ADDRESS__)
  run();
  return -1;
#else
  // Writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
  const bool can_measure = std::ofstream("/proc/self/clear_refs") << "5" && status_kb("VmHWM") > 0;
  const long before_kb = status_kb("VmHWM");
  run();
  return can_measure ? status_kb("VmHWM") - before_kb : -1;
#endif
}

TEST_CASE("a gzip body past the limit never holds much more than the limit", "[http]") {
  // Just above a size the old doubling (15 * 2^k bytes) reached, where doubling again would have
  // held the old buffer and a new one of twice its size.
  constexpr std::size_t kLimit = (std::size_t{15} << 22) + (std::size_t{1} << 20);
  const std::string bomb = test::gzip(std::string(1u << 20, 'x'), 100);
  LoopbackServer server([&](const RecordedRequest&, int) {
    return http_reply(200, bomb, {{"Content-Encoding", "gzip"}});
  });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  request.max_body_bytes = kLimit;
  const long growth_kb = peak_growth_kb([&] {
    CHECK(error_of(make_curl_client()->send(request)).kind == TransportFailure::kTooLarge);
  });
  INFO("peak RSS grew by " << growth_kb << " kB; the limit is " << kLimit / 1024 << " kB");
  if (growth_kb >= 0) CHECK(growth_kb < static_cast<long>(kLimit / 1024) + 16 * 1024);
}

TEST_CASE("a declared Content-Length commits no memory before the bytes arrive", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.chunks.push_back(
        {milliseconds(0), "HTTP/1.1 200 OK\r\nContent-Length: 200000000\r\n\r\n0123456789"});
    return reply;  // then the connection closes: 10 bytes of a declared 200 MB
  });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  const long growth_kb = peak_growth_kb([&] {
    CHECK(error_of(make_curl_client()->send(request)).kind == TransportFailure::kTruncated);
  });
  INFO("peak RSS grew by " << growth_kb << " kB");
  if (growth_kb >= 0) CHECK(growth_kb < 16 * 1024);
}

TEST_CASE("body growth: doubling, capped at the limit and at a declared length", "[http]") {
  constexpr std::size_t kStep = kBodyGrowthStep;
  CHECK(next_body_capacity(0, 10, 1u << 30, 200000000) == kStep);  // never from the header alone
  CHECK(next_body_capacity(0, 10, 1u << 30, 0) == kStep);
  CHECK(next_body_capacity(0, 10, 100, 0) == 100);  // never past the limit
  CHECK(next_body_capacity(kStep, kStep + 1, 1u << 30, 0) == 2 * kStep);
  CHECK(next_body_capacity(kStep, kStep + 1, 1u << 30, kStep + 5) == kStep + 5);
  CHECK(next_body_capacity(60, 61, 100, 0) == 100);
  CHECK(next_body_capacity(kStep + 5, kStep + 6, 1u << 30, kStep + 5) == 2 * kStep + 10);
}

TEST_CASE("a body grows without being copied: peak memory is its size, not twice", "[http]") {
  // 40 MiB without Content-Length: the buffer doubles past 32 MiB. A copying buffer would hold
  // the old 32 MiB and their copy at once.
  constexpr std::size_t kSize = std::size_t{40} << 20;
  Reply reply;
  reply.chunks.push_back({milliseconds(0), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"});
  reply.chunks.push_back({milliseconds(0), std::string(kSize, 'x')});
  // Moved, not copied: the served bytes are resident before the measurement starts.
  LoopbackServer server([&](const RecordedRequest&, int) { return std::move(reply); });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  request.max_body_bytes = std::size_t{1} << 30;
  std::size_t received = 0;
  const long growth_kb = peak_growth_kb([&] {
    HttpResponse response = response_of(make_curl_client()->send(request));
    received = response.body.size();
    CHECK(response.body.data()[received] == '\0');  // parsers run in place up to a NUL
  });
  CHECK(received == kSize);
  INFO("peak RSS grew by " << growth_kb << " kB");
  if (growth_kb >= 0) CHECK(growth_kb < static_cast<long>(kSize / 1024) + 12 * 1024);
}

TEST_CASE("the interrupted callback aborts a transfer", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) {
    Reply reply;
    reply.hang = true;
    return reply;
  });
  REQUIRE(server.port() != 0);
  auto client = make_curl_client(&test_interrupted);
  SECTION("during the transfer") {
    g_interrupt = false;
    std::thread trigger([] {
      std::this_thread::sleep_for(milliseconds(200));
      g_interrupt = true;
    });
    const auto start = Clock::now();
    const TransportError& error = error_of(client->send(loopback_request(server.url())));
    trigger.join();
    CHECK(error.kind == TransportFailure::kInterrupted);
    CHECK(seconds_since(start) < 1.5);
  }
  SECTION("before it starts") {
    g_interrupt = true;
    CHECK(error_of(client->send(loopback_request(server.url()))).kind ==
          TransportFailure::kInterrupted);
    std::this_thread::sleep_for(milliseconds(50));
    CHECK(server.requests().empty());
  }
  g_interrupt = false;
}

TEST_CASE("request headers cannot smuggle extra lines", "[http]") {
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, "{}"); });
  REQUIRE(server.port() != 0);
  HttpRequest request = loopback_request(server.url());
  request.headers = {{"X-Value", "a\r\nX-Injected: 1"}};
  const TransportError& error = error_of(make_curl_client()->send(request));
  CHECK(error.kind == TransportFailure::kOther);
  CHECK(error.message.find("X-Injected") == std::string::npos);
  request.headers = {{"Bad Name", "v"}};
  CHECK(error_of(make_curl_client()->send(request)).kind == TransportFailure::kOther);
  CHECK(server.requests().empty());
}

TEST_CASE("TLS peers are always verified", "[http][tls]") {
  const TlsFixture& tls = TlsFixture::get();
  REQUIRE_FALSE(tls.server.cert_file.empty());
  REQUIRE_FALSE(tls.unrelated.cert_file.empty());
  LoopbackServer server([](const RecordedRequest&, int) { return http_reply(200, "{\"tls\":1}"); },
                        tls.server);
  REQUIRE(server.port() != 0);
  REQUIRE(server.url().rfind("https://", 0) == 0);
  auto client = make_curl_client();
  HttpRequest request = loopback_request(server.url() + "/secure");
  request.allow_http = false;

  SECTION("a self-signed certificate is refused by default") {
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kCertificate);
    CHECK_THAT(error.message, Catch::Contains("certificate"));
    CHECK_THAT(error.message, Catch::Contains("self-signed") || Catch::Contains("self signed"));
  }
  SECTION("trusted when ca_file holds it") {
    request.ca_file = tls.server.cert_file;
    const HttpResponse& response = response_of(client->send(request));
    CHECK(response.status == 200);
    CHECK(response.body == "{\"tls\":1}");
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].target == "/secure");
  }
  SECTION("refused when ca_file holds an unrelated CA") {
    request.ca_file = tls.unrelated.cert_file;
    CHECK(error_of(client->send(request)).kind == TransportFailure::kCertificate);
  }
  SECTION("a missing ca_file is a certificate problem naming the file") {
    request.ca_file = tls.dir + "/missing.pem";
    const TransportError& error = error_of(client->send(request));
    CHECK(error.kind == TransportFailure::kCertificate);
    CHECK_THAT(error.message, Catch::Contains("missing.pem"));
  }
  CHECK(server.requests().size() <= 1);
}

}  // namespace
}  // namespace pcusage
