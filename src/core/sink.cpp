#include "core/sink.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

namespace pcusage {

Sink::Sink(std::size_t capacity)
    : m_buf(new char[std::max<std::size_t>(capacity, 1)]),
      m_cap(std::max<std::size_t>(capacity, 1)) {}

Sink::~Sink() { delete[] m_buf; }

void Sink::write_slow(std::string_view s) {
  // Top the buffer up first so every drain but the last is a full buffer.
  const std::size_t room = m_cap - m_len;
  std::memcpy(m_buf + m_len, s.data(), room);
  m_len += room;
  s.remove_prefix(room);
  flush_buffer();
  if (s.size() >= m_cap) {
    // Copying a big block through the buffer would only cost a memcpy: hand it over whole.
    if (!m_failed && !drain(s.data(), s.size(), m_error)) m_failed = true;
    return;
  }
  std::memcpy(m_buf, s.data(), s.size());
  m_len = s.size();
}

void Sink::flush_buffer() {
  // After a failure the rest is dropped: finish() reports the first error only.
  if (m_len != 0 && !m_failed && !drain(m_buf, m_len, m_error)) m_failed = true;
  m_len = 0;
}

void Sink::fill(char c, std::size_t n) {
  while (n != 0) {
    if (m_len == m_cap) flush_buffer();
    const std::size_t chunk = std::min(n, m_cap - m_len);
    std::memset(m_buf + m_len, c, chunk);
    m_len += chunk;
    n -= chunk;
  }
}

Status Sink::finish() {
  flush_buffer();
  if (m_failed) return make_error(ExitCode::kInternal, "cannot write output: " + m_error);
  return Ok{};
}

StringSink::~StringSink() = default;

bool StringSink::drain(const char* data, std::size_t n, std::string& /*error*/) {
  m_out.append(data, n);
  return true;
}

FdSink::~FdSink() = default;

namespace {

// A reader that went away (`| head`) is not an error: die of SIGPIPE like any filter would, so
// the shell sees the usual status and nothing is printed. We only get EPIPE when SIGPIPE was
// ignored or blocked, hence restoring the default action and unblocking it first.
[[noreturn]] void die_of_sigpipe() {
  signal(SIGPIPE, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  raise(SIGPIPE);
  _exit(141);  // 128 + SIGPIPE, should the signal somehow not end us
}

}  // namespace

bool FdSink::drain(const char* data, std::size_t n, std::string& error) {
  while (n != 0) {
    const ssize_t written = ::write(m_fd, data, n);
    if (written > 0) {
      data += written;
      n -= static_cast<std::size_t>(written);
      continue;
    }
    if (written == 0) {
      error = "write made no progress";
      return false;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EPIPE) die_of_sigpipe();
    if (err == EAGAIN || err == EWOULDBLOCK) {
      // A non-blocking descriptor inherited from the caller: wait until it takes more.
      pollfd pfd{m_fd, POLLOUT, 0};
      poll(&pfd, 1, -1);
      continue;
    }
    error = std::strerror(err);
    return false;
  }
  return true;
}

}  // namespace pcusage
