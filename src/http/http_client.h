// The HTTP seam: a request/response as values, and the interface the app talks to.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/byte_buffer.h"

namespace pcusage {

// Name/value pairs in order (request or response headers).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (case-insensitive), or empty.
std::string_view find_header(const HeaderList& headers, std::string_view name);

// One HTTP exchange to perform. Redirects are never followed; TLS is always verified.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;                                  // sent when non-empty (POST)
  std::string trace_body;                            // what -v shows for the body (secrets masked)
  std::chrono::milliseconds connect_timeout{10000};  // per attempt
  std::chrono::seconds stall_time{30};               // abort below 1 byte/s for this long
  std::size_t max_body_bytes = 256u << 20;           // decoded body bytes kept at most
  std::string ca_file;                               // CA bundle, empty for the system default
  bool allow_http = false;                           // plain http:// allowed (loopback only)
  // The whole run's deadline; none by default.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// A response that arrived, whatever its status.
struct HttpResponse {
  long status = 0;
  HeaderList headers;
  ByteBuffer body;
  double seconds = 0;  // total time of the exchange
};

// Why no complete response arrived.
enum class TransportFailure {
  kDns,             // host name not resolved
  kConnect,         // connection refused or unreachable
  kConnectTimeout,  // connect took longer than connect_timeout
  kTls,             // TLS handshake failed
  kCertificate,     // the peer's certificate was not trusted
  kDeadline,        // the run's deadline passed
  kStalled,         // below 1 byte/s for stall_time
  kTruncated,       // the transfer was cut short
  kTooLarge,        // the decoded body exceeded max_body_bytes
  kInterrupted,     // SIGINT or SIGTERM arrived
  kProxyRefused,    // the proxy answered the tunnel request (CONNECT) with an error status
  kNoMemory,        // the system had no memory for the body
  kOther,
};

// A failed exchange: the kind, a one-line reason, and whether a status line had arrived.
struct TransportError {
  TransportFailure kind = TransportFailure::kOther;
  std::string message;
  bool got_response = false;
};

// The outcome of one exchange.
using HttpResult = std::variant<HttpResponse, TransportError>;

// Names an exchange started with HttpClient::start().
using ExchangeId = std::uint64_t;

// An exchange that ended, with its outcome.
struct Completion {
  ExchangeId id = 0;
  HttpResult result;
};

// Performs HTTP exchanges, several at once from one thread: start() any number, then wait() for
// them to end. The real one uses libcurl's multi interface (connections reused, HTTP/2
// multiplexed); tests use fakes or a loopback server.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Starts one exchange, without retries, and returns its id.
  virtual ExchangeId start(HttpRequest request) = 0;
  // Waits until at least one started exchange ends, or `until` passes, or a signal arrives, and
  // returns the exchanges that ended (possibly none).
  virtual std::vector<Completion> wait(std::chrono::steady_clock::time_point until) = 0;
  // The number of exchanges started and not yet returned by wait().
  virtual std::size_t in_flight() const = 0;
  // The library version for --version, e.g. "libcurl/7.88.1".
  virtual std::string version() const = 0;

  // Performs one exchange and waits for it; only while no other exchange is in flight.
  HttpResult send(const HttpRequest& request);
};

}  // namespace pcusage
