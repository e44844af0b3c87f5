// Reading whole inputs (files or stdin) with a size bound, and replacing files atomically.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace pcusage {

// Reads all of `path` ('-' for stdin). An unreadable source fails with `unreadable`; more than
// `max_bytes` fails with ExitCode::kInvalid without holding more than the limit.
Result<std::string> read_source(const std::string& path, std::size_t max_bytes, ExitCode unreadable,
                                const std::string& what);

// A file written under a temporary name in the target's directory and renamed over the target on
// commit(); destroyed uncommitted, it leaves nothing behind.
class AtomicFile {
 public:
  // Creates the temporary file; `mode` is used for a new target (an existing one keeps its mode),
  // or, when `force_mode`, always.
  static Result<AtomicFile> create(const std::string& path, unsigned mode, bool force_mode = false);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // The temporary file's descriptor, for writing.
  int fd() const { return m_fd; }
  // Flushes to disk and renames over the target.
  Status commit();

 private:
  AtomicFile(std::string target, std::string temp, int fd)
      : m_target(std::move(target)), m_temp(std::move(temp)), m_fd(fd) {}
  std::string m_target;
  std::string m_temp;
  int m_fd = -1;
};

// The mode a shell redirection gives a new file: 0666 less the umask.
unsigned default_file_mode();

}  // namespace pcusage
