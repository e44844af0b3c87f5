// The libcurl client against nghttpd, a real HTTP/2 server, over TLS on 127.0.0.1: exchanges
// started together share one connection as multiplexed HTTP/2 streams.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "http/curl_client.h"
#include "http/http_client.h"
#include "support/helpers.h"
#include "support/loopback_server.h"
#include "support/nghttpd_server.h"
#include "support/run_pcusage.h"

namespace pcusage {
namespace {

using test::Http2Request;
using test::NghttpdServer;
using Clock = std::chrono::steady_clock;

// A proxy from the environment must not capture loopback traffic (libcurl reads both spellings).
[[maybe_unused]] const bool g_no_proxy =
    setenv("no_proxy", "127.0.0.1", 1) == 0 && setenv("NO_PROXY", "127.0.0.1", 1) == 0;

// How many times `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// What nghttpd's `log` must show when the requests for `paths` (queries aside) shared one
// connection: one TLS handshake, which chose h2 by ALPN, and one session carrying each request
// as its own stream.
void check_one_http2_connection(const std::string& log, const std::set<std::string>& paths) {
  INFO(log.substr(0, 4000));
  CHECK(occurrences(log, "SSL/TLS handshake completed") == 1);
  CHECK(occurrences(log, "The negotiated protocol: h2") == 1);
  const std::vector<Http2Request> requests = test::http2_requests(log);
  REQUIRE(requests.size() == paths.size());
  std::set<int> sessions, streams;
  std::set<std::string> received;
  for (const Http2Request& request : requests) {
    sessions.insert(request.session);
    streams.insert(request.stream);
    received.insert(request.path.substr(0, request.path.find('?')));
  }
  CHECK(sessions.size() == 1);
  CHECK(streams.size() == paths.size());
  CHECK(received == paths);
}

// Several customers' pages, as the fan-out asks for them with --concurrency 8.
TEST_CASE("exchanges started together share one HTTP/2 connection over TLS", "[http][http2]") {
  constexpr int kExchanges = 8;
  test::TempDir dir("pcusage-test-http2");
  const test::TlsIdentity identity = test::make_self_signed_certificate(dir.path, "server");
  REQUIRE_FALSE(identity.cert_file.empty());
  const std::string docs = dir.path + "/docs";
  std::filesystem::create_directories(docs + "/customers");
  std::map<std::string, std::string> bodies;  // path -> body
  for (int i = 1; i <= kExchanges; ++i) {
    const std::string path = "/customers/c" + std::to_string(i) + ".json";
    // Several DATA frames (16 KiB each) per answer, so the answers share the connection a while.
    bodies[path] = "{\"customer\":\"c" + std::to_string(i) + "\",\"pad\":\"" +
                   std::string(static_cast<std::size_t>(40000 + i), 'x') + "\"}";
    std::ofstream(docs + path, std::ios::binary) << bodies[path];
  }

  NghttpdServer server(PCUSAGE_NGHTTPD, docs, identity);
  REQUIRE(server.port() != 0);

  auto client = make_curl_client();
  std::map<ExchangeId, std::string> path_of;
  for (const auto& [path, body] : bodies) {
    HttpRequest request;
    request.url = server.url() + path + "?top=100";
    request.ca_file = identity.cert_file;
    request.headers = {{"Accept", "application/json"}};
    request.deadline = Clock::now() + std::chrono::seconds(30);
    request.connect_timeout = std::chrono::milliseconds(5000);
    request.stall_time = std::chrono::seconds(10);
    path_of[client->start(request)] = path;
  }
  CHECK(client->in_flight() == kExchanges);

  std::set<std::string> answered;
  while (client->in_flight() > 0) {
    for (Completion& done : client->wait(Clock::now() + std::chrono::seconds(30))) {
      const std::string& path = path_of.at(done.id);
      const auto* error = std::get_if<TransportError>(&done.result);
      INFO(path << ": " << (error != nullptr ? error->message : ""));
      REQUIRE(std::holds_alternative<HttpResponse>(done.result));
      const HttpResponse& response = std::get<HttpResponse>(done.result);
      CHECK(response.status == 200);
      CHECK(response.body == bodies.at(path));
      answered.insert(path);
    }
  }
  CHECK(answered.size() == kExchanges);

  check_one_http2_connection(server.stop(), answered);
}

// The fan-out itself: the binary with --concurrency 8 over 8 customers.
TEST_CASE("the fan-out over customers shares one HTTP/2 connection", "[http2][e2e]") {
  test::TempDir dir("pcusage-test-http2");
  const test::TlsIdentity identity = test::make_self_signed_certificate(dir.path, "server");
  REQUIRE_FALSE(identity.cert_file.empty());
  const std::string docs = dir.path + "/docs";
  std::set<std::string> paths;
  std::vector<std::string> ids;
  for (int i = 1; i <= 8; ++i) {
    const std::string id =
        "0000000" + std::to_string(i) + "-c0de-4000-8000-00000000000" + std::to_string(i);
    const std::string path = "/v1/customers/" + id + "/analytics/licenses/usage";
    std::filesystem::create_directories(docs + path.substr(0, path.rfind('/')));
    std::ofstream(docs + path, std::ios::binary)
        << R"({"totalCount":1,"items":[{"customerName":"CUSTOMER )" << i
        << R"(","productName":"E3","licensesActive":)" << 10 + i << "}]}";
    ids.push_back(id);
    paths.insert(path);
  }

  NghttpdServer server(PCUSAGE_NGHTTPD, docs, identity);
  REQUIRE(server.port() != 0);
  std::vector<std::string> args = {
      "usage",         "--base-url", server.url(), "--token", "tok", "--cacert", identity.cert_file,
      "--concurrency", "8",          "-o",         "csv"};
  for (const std::string& id : ids) args.insert(args.end(), {"--customer", id});
  const test::ProcessResult r = test::run_pcusage(args);
  INFO(r.err);
  REQUIRE(r.status == 0);
  // A header line, then one row per customer in the order given.
  std::size_t at = r.out.find('\n');
  for (const std::string& id : ids) {
    const std::size_t row = r.out.find('\n' + id + ',', at);
    CHECK(row == at);
    at = r.out.find('\n', at + 1);
  }
  CHECK(at == r.out.size() - 1);
  check_one_http2_connection(server.stop(), paths);
}

}  // namespace
}  // namespace pcusage
