// Reading whole inputs (files or stdin) with a size bound, and replacing files atomically.
#pragma once

#include <cstddef>
#include <string>
#include <variant>

#include "core/byte_buffer.h"
#include "core/result.h"

namespace pcusage {

// Why read_bounded() failed.
enum class ReadFailure { kUnreadable, kTooLarge, kNoMemory };

// A failed read: its kind and, but for kTooLarge, what happened ("cannot read PATH: REASON", "out
// of memory reading PATH").
struct ReadError {
  ReadFailure kind = ReadFailure::kUnreadable;
  std::string message;
};

// Reads all of `path` ('-' for stdin), never holding more than `max_bytes`.
std::variant<ByteBuffer, ReadError> read_bounded(const std::string& path, std::size_t max_bytes);

// read_bounded() with its failures as errors with `code`: "<what>: cannot read PATH: REASON" or
// "<what>: larger than N bytes"; no memory is ExitCode::kInternal whatever `code`.
Result<std::string> read_source(const std::string& path, std::size_t max_bytes, ExitCode code,
                                const std::string& what);

// Checks that a file can be created in the folder that `path` names a file in, by creating and
// removing a temporary file there; fails with "cannot write PATH: REASON".
Status check_writable_folder(const std::string& path, ExitCode code);

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
  // Flushes to disk, renames over the target, and flushes the folder so that the rename survives
  // a power cut.
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
