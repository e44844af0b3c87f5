// A scriptable HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/http_client.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header

namespace pcusage::test {

// A request as the server received it.
struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  HeaderList headers;
  std::string body;
  std::chrono::steady_clock::time_point received;
  // The first header named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const {
    return std::string(find_header(headers, name));
  }
};

// A piece of the reply: wait `delay`, then send `bytes`.
struct Chunk {
  std::chrono::milliseconds delay{0};
  std::string bytes;
};

// What the server does for one request: send the chunks in order, then close the connection
// (or, with `hang`, keep it open and silent until the server stops).
struct Reply {
  std::vector<Chunk> chunks;
  bool hang = false;
};

// A complete response with Content-Length, Connection: close and the given status, headers, body.
Reply http_reply(int status, std::string body, const HeaderList& headers = {},
                 std::string content_type = "application/json; charset=utf-8");

// `data` repeated `repeat` times, gzip-encoded (streamed, so a large bomb needs little memory).
std::string gzip(std::string_view data, std::size_t repeat = 1);

// A PEM certificate and its unencrypted private key, as files.
struct TlsIdentity {
  std::string cert_file;
  std::string key_file;
};

// Writes a fresh self-signed certificate for 127.0.0.1 (CN and IP SAN) into `dir` under `name`
// with the openssl command; empty file names when that fails.
TlsIdentity make_self_signed_certificate(const std::string& dir, const std::string& name);

// Picks the reply for the n-th request (0-based).
using Handler = std::function<Reply(const RecordedRequest& request, int index)>;

// A handler that answers every request with the same http_reply().
Handler always(int status, std::string body, HeaderList headers = {},
               std::string content_type = "application/json; charset=utf-8");

// Serves each connection in its own thread; one request per connection.
class LoopbackServer {
 public:
  // A plain HTTP server; port() is 0 when it could not start.
  explicit LoopbackServer(Handler handler);
  // An HTTPS server presenting `identity`; port() is 0 when it could not start.
  LoopbackServer(Handler handler, const TlsIdentity& identity);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // The port it listens on, and "http://127.0.0.1:<port>" (https for a TLS server).
  int port() const { return m_port; }
  std::string url() const;
  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;

 private:
  void start();
  void accept_loop();
  void serve(int fd);
  // Sleeps for `delay` unless the server stops first; false when it stopped.
  bool wait_unless_stopping(std::chrono::milliseconds delay);

  Handler m_handler;
  ssl_ctx_st* m_tls = nullptr;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_acceptor;
  mutable std::mutex m_mutex;
  std::condition_variable m_stopped;
  std::vector<std::thread> m_workers;
  std::vector<int> m_open_fds;
  std::vector<RecordedRequest> m_requests;
};

}  // namespace pcusage::test
