#include "support/nghttpd_server.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

#include "support/child_process.h"

namespace pcusage::test {

namespace {

// The inodes of the sockets process `pid` holds open.
std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code error;
  const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fds, error)) {
    const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
    if (!error && target.rfind("socket:[", 0) == 0) {
      inodes.insert(target.substr(8, target.size() - 9));
    }
  }
  return inodes;
}

// The TCP port process `pid` listens on, from /proc: nghttpd given port 0 never says which one
// the kernel picked. 0 when there is none.
int listening_port(pid_t pid) {
  const std::set<std::string> inodes = socket_inodes(pid);
  std::ifstream table("/proc/" + std::to_string(pid) + "/net/tcp");
  std::string line;
  std::getline(table, line);  // the column names
  while (std::getline(table, line)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    const auto colon = local.find(':');
    if (state == "0A" && colon != std::string::npos && inodes.count(inode) != 0) {
      return std::stoi(local.substr(colon + 1), nullptr, 16);
    }
  }
  return 0;
}

}  // namespace

std::vector<Http2Request> http2_requests(const std::string& log) {
  // [id=1] [  0.002] recv (stream_id=3) :path: /c3.json
  static const std::regex kPath(
      R"(^\[id=(\d+)\] \[ *[0-9.]+\] recv \(stream_id=(\d+)\) :path: (.*)$)");
  std::vector<Http2Request> requests;
  std::istringstream lines(log);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, kPath)) {
      requests.push_back({std::stoi(match[1]), std::stoi(match[2]), match[3]});
    }
  }
  return requests;
}

NghttpdServer::NghttpdServer(const std::string& program, const std::string& docs,
                             const TlsIdentity& identity) {
  int log[2];
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return;
  if (pipe2(log, O_CLOEXEC) != 0) {
    close(null_fd);
    return;
  }
  m_pid = spawn({program, "--address=127.0.0.1", "--htdocs=" + docs, "--verbose", "0",
                 identity.key_file, identity.cert_file},
                {}, {null_fd, log[1], log[1]});
  close(null_fd);
  close(log[1]);
  if (m_pid <= 0) {
    close(log[0]);
    return;
  }
  m_reader = std::thread([this, fd = log[0]] { read_log(fd); });

  // nghttpd says "listen" once its socket listens, or exits.
  std::unique_lock<std::mutex> lock(m_mutex);
  const bool ready = m_changed.wait_for(lock, std::chrono::seconds(30), [this] {
    return m_ended || m_log.find(": listen 127.0.0.1:") != std::string::npos;
  });
  if (ready && !m_ended) m_port = listening_port(m_pid);
}

NghttpdServer::~NghttpdServer() { stop(); }

std::string NghttpdServer::url() const { return "https://127.0.0.1:" + std::to_string(m_port); }

std::string NghttpdServer::stop() {
  if (m_pid > 0) {
    kill(m_pid, SIGTERM);
    wait_status(m_pid);
    m_pid = -1;
  }
  if (m_reader.joinable()) m_reader.join();
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_log;
}

void NghttpdServer::read_log(int fd) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (got <= 0) {
      m_ended = true;
      m_changed.notify_all();
      break;
    }
    m_log.append(buffer, static_cast<std::size_t>(got));
    m_changed.notify_all();
  }
  close(fd);
}

}  // namespace pcusage::test
