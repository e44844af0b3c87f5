#include "support/loopback_server.h"

#include "app/api_error.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>

namespace pcusage::test {

namespace {

constexpr std::size_t kMaxHeadBytes = 1u << 20;
constexpr std::size_t kMaxBodyBytes = 64u << 20;

// The tool's own table of reason phrases, with a stand-in for the statuses it does not name.
const char* reason_phrase(int status) {
  const char* known = pcusage::reason_phrase(status);
  return *known ? known : "Status";
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A socket, or a TLS session on one: the same reads and writes either way.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : m_fd(fd), m_ssl(ssl) {}

  // Some bytes into `buffer`; 0 at end of stream or on any error.
  std::size_t read(char* buffer, std::size_t size) {
    if (m_ssl != nullptr) {
      const int n = SSL_read(m_ssl, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
      return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    while (true) {
      const ssize_t n = recv(m_fd, buffer, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
  }

  // False when the peer is gone; MSG_NOSIGNAL (and SIGPIPE blocked for TLS) keeps that quiet.
  bool write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      if (m_ssl != nullptr) {
        const int n = SSL_write(m_ssl, bytes.data(),
                                static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      const ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  int m_fd;
  SSL* m_ssl;
};

std::optional<RecordedRequest> read_request(Stream& stream) {
  std::string data;
  char buffer[16384];
  std::size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (data.size() > kMaxHeadBytes) return std::nullopt;
    const std::size_t n = stream.read(buffer, sizeof buffer);
    if (n == 0) return std::nullopt;
    data.append(buffer, n);
  }

  RecordedRequest request;
  std::string_view head(data.data(), head_end);
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos) {
    return std::nullopt;
  }
  request.method = std::string(request_line.substr(0, first_space));
  request.target =
      std::string(request_line.substr(first_space + 1, second_space - first_space - 1));
  head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(std::string(trim_spaces(line.substr(0, colon))),
                                 std::string(trim_spaces(line.substr(colon + 1))));
  }

  request.body = data.substr(head_end + 4);
  const std::string length_text = request.header("Content-Length");
  std::size_t length = 0;
  std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  length = std::min(length, kMaxBodyBytes);
  while (request.body.size() < length) {
    const std::size_t n = stream.read(buffer, sizeof buffer);
    if (n == 0) return std::nullopt;
    request.body.append(buffer, n);
  }
  request.received = std::chrono::steady_clock::now();
  return request;
}

// A peer that hangs up makes writes raise SIGPIPE; blocked in this thread, the write just fails
// (OpenSSL writes without MSG_NOSIGNAL, so the flag alone is not enough for TLS).
void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

Reply http_reply(int status, std::string body, const HeaderList& headers,
                 std::string content_type) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  if (!content_type.empty() && find_header(headers, "Content-Type").empty()) {
    head += "Content-Type: " + content_type + "\r\n";
  }
  // A caller-given Content-Length wins, so a test can promise more than it sends.
  if (find_header(headers, "Content-Length").empty()) {
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  head += "Connection: close\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  Reply reply;
  reply.chunks.push_back(Chunk{std::chrono::milliseconds(0), head + body});
  return reply;
}

Handler always(int status, std::string body, HeaderList headers, std::string content_type) {
  return
      [=](const RecordedRequest&, int) { return http_reply(status, body, headers, content_type); };
}

std::string gzip(std::string_view data, std::size_t repeat) {
  z_stream z{};
  // 15 window bits + 16 selects the gzip wrapper rather than zlib's.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  char buffer[65536];
  const auto pump = [&](int flush) {
    int rc = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      rc = deflate(&z, flush);
      out.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END && rc != Z_STREAM_ERROR));
  };
  for (std::size_t i = 0; i < repeat; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    pump(Z_NO_FLUSH);
  }
  pump(Z_FINISH);
  deflateEnd(&z);
  return out;
}

TlsIdentity make_self_signed_certificate(const std::string& dir, const std::string& name) {
  TlsIdentity identity{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout '" +
      identity.key_file + "' -out '" + identity.cert_file + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return {};
  return identity;
}

LoopbackServer::LoopbackServer(Handler handler) : m_handler(std::move(handler)) { start(); }

LoopbackServer::LoopbackServer(Handler handler, const TlsIdentity& identity)
    : m_handler(std::move(handler)) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return;
  if (SSL_CTX_use_certificate_chain_file(ctx, identity.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, identity.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    return;
  }
  m_tls = ctx;
  start();
}

void LoopbackServer::start() {
  m_listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(m_listen_fd, 64) != 0 ||
      getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(m_listen_fd);
    m_listen_fd = -1;
    return;
  }
  m_port = ntohs(address.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
    // shutdown() wakes every thread blocked in accept, recv or send on these sockets.
    for (int fd : m_open_fds) shutdown(fd, SHUT_RDWR);
    if (m_listen_fd >= 0) shutdown(m_listen_fd, SHUT_RDWR);
  }
  m_stopped.notify_all();
  if (m_acceptor.joinable()) m_acceptor.join();
  // The acceptor is gone, so nothing adds workers any more.
  for (auto& worker : m_workers) worker.join();
  if (m_listen_fd >= 0) close(m_listen_fd);
  if (m_tls != nullptr) SSL_CTX_free(m_tls);
}

std::string LoopbackServer::url() const {
  return std::string(m_tls != nullptr ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(m_port);
}

std::vector<RecordedRequest> LoopbackServer::requests() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

void LoopbackServer::accept_loop() {
  block_sigpipe();
  while (true) {
    const int fd = accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (m_stopping) return;
      if (errno != EINTR && errno != ECONNABORTED) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      continue;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping) {
      close(fd);
      return;
    }
    m_open_fds.push_back(fd);
    m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

bool LoopbackServer::wait_unless_stopping(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(m_mutex);
  return !m_stopped.wait_for(lock, delay, [this] { return m_stopping.load(); });
}

void LoopbackServer::serve(int fd) {
  block_sigpipe();
  SSL* ssl = nullptr;
  bool ready = true;
  if (m_tls != nullptr) {
    ssl = SSL_new(m_tls);
    ready = ssl != nullptr && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1;
  }
  Stream stream(fd, ready ? ssl : nullptr);
  std::optional<RecordedRequest> request;
  if (ready) request = read_request(stream);
  if (request) {
    int index = 0;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      index = static_cast<int>(m_requests.size());
      m_requests.push_back(*request);
    }
    const Reply reply = m_handler(*request, index);
    bool alive = true;
    for (const Chunk& chunk : reply.chunks) {
      alive = wait_unless_stopping(chunk.delay) && stream.write_all(chunk.bytes);
      if (!alive) break;
    }
    if (alive && reply.hang) {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_stopped.wait(lock, [this] { return m_stopping.load(); });
    }
  }
  if (ssl != nullptr) {
    if (ready && !m_stopping) SSL_shutdown(ssl);
    ERR_clear_error();
  }
  // Half-close, then drain: closing with unread input would send a reset that can destroy
  // response bytes the client has not read yet.
  shutdown(fd, SHUT_WR);
  if (!m_stopping) {
    timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char sink[4096];
    while (recv(fd, sink, sizeof sink, 0) > 0) {
    }
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_open_fds.erase(std::find(m_open_fds.begin(), m_open_fds.end(), fd));
  }
  if (ssl != nullptr) SSL_free(ssl);
  close(fd);
}

}  // namespace pcusage::test
