#include "http/redirect_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pcusage {

namespace {

constexpr std::size_t kMaxRequestBytes = std::size_t{16} * 1024;
constexpr int kReadTimeoutMs = 5000;  // a connection that says nothing is dropped after this

std::string header_value(const std::string& head, const std::string& name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const std::size_t end = head.find("\r\n", pos + 2);
    const std::string line = head.substr(pos + 2, end - pos - 2);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && colon == name.size() &&
        strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
      std::string v = line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      v.erase(v.find_last_not_of(" \t") + 1);
      return v;
    }
    pos = end;
  }
  return "";
}

// Reads the request head (up to the blank line); empty when it is cut short, too long or silent.
std::string read_head(int fd) {
  std::string head;
  char buf[2048];
  while (head.find("\r\n\r\n") == std::string::npos) {
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, kReadTimeoutMs) <= 0) return "";
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "";
    head.append(buf, static_cast<std::size_t>(n));
    if (head.size() > kMaxRequestBytes) return "";
  }
  return head;
}

// application/x-www-form-urlencoded decoding with libcurl's decoder ('+' is a space).
std::string form_decode(std::string s) {
  for (char& c : s) {
    if (c == '+') c = ' ';
  }
  int len = 0;
  char* raw = curl_easy_unescape(nullptr, s.c_str(), static_cast<int>(s.size()), &len);
  if (raw == nullptr) return "";
  std::string out(raw, static_cast<std::size_t>(len));
  curl_free(raw);
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t amp = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace(form_decode(pair.substr(0, eq)),
                  eq == std::string::npos ? "" : form_decode(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return out;
}

}  // namespace

Result<RedirectListener> RedirectListener::open() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto fail = [&](const char* step) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return make_error(ExitCode::kInternal,
                      std::string("cannot listen on 127.0.0.1 (") + step + "): " + why);
  };
  if (fd < 0) return fail("socket");
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return fail("bind");
  if (listen(fd, 8) != 0) return fail("listen");
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return fail("getsockname");
  return RedirectListener(fd, ntohs(addr.sin_port));
}

RedirectListener::RedirectListener(RedirectListener&& other) noexcept
    : m_listen_fd(other.m_listen_fd), m_port(other.m_port), m_client_fd(other.m_client_fd) {
  other.m_listen_fd = -1;
  other.m_client_fd = -1;
}

RedirectListener::~RedirectListener() {
  if (m_client_fd >= 0) ::close(m_client_fd);
  close_listener();
}

void RedirectListener::close_listener() {
  if (m_listen_fd >= 0) ::close(m_listen_fd);
  m_listen_fd = -1;
}

std::optional<RedirectRequest> RedirectListener::next(std::chrono::milliseconds wait) {
  if (m_listen_fd < 0) return std::nullopt;
  pollfd p = {m_listen_fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
  const int fd = accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const std::string head = read_head(fd);
  const std::size_t sp1 = head.find(' ');
  const std::size_t sp2 = sp1 == std::string::npos ? sp1 : head.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || sp2 > head.find("\r\n")) {
    ::close(fd);
    return std::nullopt;
  }
  if (m_client_fd >= 0) ::close(m_client_fd);
  m_client_fd = fd;
  const std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::size_t q = target.find('?');
  return RedirectRequest{head.substr(0, sp1), target.substr(0, q),
                         q == std::string::npos ? std::map<std::string, std::string>{}
                                                : parse_query(target.substr(q + 1)),
                         header_value(head, "Host")};
}

void RedirectListener::answer(int status, const std::string& text) {
  if (m_client_fd < 0) return;
  const std::string body =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>pcusage</title>"
      "</head><body><p>" +
      text + "</p></body></html>\n";
  const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                            (status == 200 ? " OK" : " Bad Request") +
                            "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  std::size_t done = 0;
  while (done < reply.size()) {
    const ssize_t n = send(m_client_fd, reply.data() + done, reply.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(m_client_fd);
  m_client_fd = -1;
}

}  // namespace pcusage
