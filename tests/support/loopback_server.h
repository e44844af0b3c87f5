// A scriptable HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/http_client.h"

namespace pcusage::test {

// A request as the server received it.
struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  HeaderList headers;
  std::string body;
  std::chrono::steady_clock::time_point received;
  // The first header named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const { return std::string(find_header(headers, name)); }
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

// Picks the reply for the n-th request (0-based).
using Handler = std::function<Reply(const RecordedRequest& request, int index)>;

// Serves each connection in its own thread; one request per connection.
class LoopbackServer {
 public:
  explicit LoopbackServer(Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // The port it listens on, and "http://127.0.0.1:<port>".
  int port() const { return m_port; }
  std::string url() const;
  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;

 private:
  void accept_loop();
  void serve(int fd);

  Handler m_handler;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_acceptor;
  mutable std::mutex m_mutex;
  std::vector<std::thread> m_workers;
  std::vector<int> m_open_fds;
  std::vector<RecordedRequest> m_requests;
};

}  // namespace pcusage::test
