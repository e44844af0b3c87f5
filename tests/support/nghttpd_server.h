// nghttpd, nghttp2's HTTP/2 server, as a child process serving a directory over TLS on
// 127.0.0.1, and what its verbose log says about the connections and streams it served.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_server.h"

namespace pcusage::test {

// One request nghttpd received: the session (one per connection), the HTTP/2 stream and the path.
struct Http2Request {
  int session = 0;
  int stream = 0;
  std::string path;
};

// The requests in an nghttpd verbose log, in the order they arrived.
std::vector<Http2Request> http2_requests(const std::string& log);

// Serves the files under a directory over HTTP/2 only (TLS with ALPN h2) on a port the kernel
// picks, so nothing races for it.
class NghttpdServer {
 public:
  // Starts `program` (the path of nghttpd); port() is 0 when it could not start.
  NghttpdServer(const std::string& program, const std::string& docs, const TlsIdentity& identity);
  ~NghttpdServer();
  NghttpdServer(const NghttpdServer&) = delete;
  NghttpdServer& operator=(const NghttpdServer&) = delete;

  int port() const { return m_port; }
  // https://127.0.0.1:<port>
  std::string url() const;
  // Ends the server and returns everything it logged; nghttpd writes each line before it answers,
  // so the log holds every request that was answered.
  std::string stop();

 private:
  void read_log(int fd);

  pid_t m_pid = -1;
  int m_port = 0;
  std::thread m_reader;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::string m_log;
  bool m_ended = false;
};

}  // namespace pcusage::test
