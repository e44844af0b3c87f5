// Buffered output: writers append to a Sink, which drains to a string or a file descriptor.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pcusage {

// A large write buffer with a fast inline path; subclasses say where full buffers go. Call
// finish() when done: bytes still buffered at destruction are dropped.
class Sink {
 public:
  explicit Sink(std::size_t capacity = 1 << 16);
  virtual ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Appends bytes.
  void write(std::string_view s) {
    if (s.size() <= m_cap - m_len) {
      // An empty view may hold nullptr, which memcpy must not get even with a zero length.
      if (!s.empty()) std::memcpy(m_buf + m_len, s.data(), s.size());
      m_len += s.size();
    } else {
      write_slow(s);
    }
  }
  // Appends one byte.
  void put(char c) {
    if (m_len == m_cap) flush_buffer();
    m_buf[m_len++] = c;
  }
  // Appends `n` copies of `c`.
  void fill(char c, std::size_t n);
  // Drains what is buffered; fails (ExitCode::kInternal) if any drain failed.
  Status finish();

 protected:
  // Takes `n` buffered bytes; on failure returns false and sets `error` to the reason (strerror
  // text), which finish() reports as "cannot write output: <reason>".
  virtual bool drain(const char* data, std::size_t n, std::string& error) = 0;

 private:
  void write_slow(std::string_view s);
  void flush_buffer();

  char* m_buf;
  std::size_t m_cap;
  std::size_t m_len = 0;
  bool m_failed = false;
  std::string m_error;
};

// A Sink that collects everything in a string (tests, fuzzing).
class StringSink : public Sink {
 public:
  StringSink() : Sink(4096) {}
  ~StringSink() override;
  // Everything written so far, after finish().
  const std::string& str() const { return m_out; }

 protected:
  bool drain(const char* data, std::size_t n, std::string& error) override;

 private:
  std::string m_out;
};

// A Sink that writes to a file descriptor. On EPIPE it ends the process the way SIGPIPE does.
class FdSink : public Sink {
 public:
  explicit FdSink(int fd) : m_fd(fd) {}
  ~FdSink() override;

 protected:
  bool drain(const char* data, std::size_t n, std::string& error) override;

 private:
  int m_fd;
};

}  // namespace pcusage
