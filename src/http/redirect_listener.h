// The one-shot listener on 127.0.0.1 that receives the browser sign-in's redirect.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/result.h"

namespace pcusage {

// One request as the browser sent it: method, path, decoded query parameters, Host header.
struct RedirectRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;  // the first value of each name, percent-decoded
  std::string host;
};

// Listens on 127.0.0.1 on an ephemeral port; each request is read, then answered and closed.
class RedirectListener {
 public:
  // Opens the listening socket.
  static Result<RedirectListener> open();
  RedirectListener(RedirectListener&& other) noexcept;
  RedirectListener& operator=(RedirectListener&&) = delete;
  RedirectListener(const RedirectListener&) = delete;
  RedirectListener& operator=(const RedirectListener&) = delete;
  ~RedirectListener();

  // The port it listens on.
  int port() const { return m_port; }
  // Waits at most `wait` for a request; nullopt when none arrived (or it could not be read).
  std::optional<RedirectRequest> next(std::chrono::milliseconds wait);
  // Answers the request next() returned with a small HTML page, and closes its connection.
  void answer(int status, const std::string& text);
  // Stops listening: later connections are refused.
  void close_listener();

 private:
  RedirectListener(int fd, int port) : m_listen_fd(fd), m_port(port) {}
  int m_listen_fd = -1;
  int m_port = 0;
  int m_client_fd = -1;
};

}  // namespace pcusage
