#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace pcusage {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Closes a descriptor on every way out of a scope; -1 for none.
struct DescriptorGuard {
  int fd;
  DescriptorGuard(const DescriptorGuard&) = delete;
  DescriptorGuard& operator=(const DescriptorGuard&) = delete;
  ~DescriptorGuard() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

std::variant<ByteBuffer, ReadError> read_bounded(const std::string& path, std::size_t max_bytes) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? "stdin" : path;
  const auto unreadable = [&](const std::string& why) {
    return ReadError{ReadFailure::kUnreadable, "cannot read " + name + ": " + why};
  };
  const auto no_memory = [&] {
    return ReadError{ReadFailure::kNoMemory, "out of memory reading " + name};
  };
  const int fd = is_stdin ? 0 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(errno_text());
  const DescriptorGuard guard{is_stdin ? -1 : fd};
  ByteBuffer out;
  struct stat st = {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return unreadable("it is a directory");
  // The size of a regular file is known, so one allocation; never past the limit (+1 to see
  // that a file is larger). Anything else grows by doubling, from one read's worth.
  constexpr std::size_t kStep = std::size_t{1} << 16;
  const std::size_t first =
      S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : kStep;
  if (!out.reserve(std::min(first, max_bytes) + 1)) return no_memory();
  while (true) {
    if (out.size() == out.capacity() && !out.reserve(std::min(2 * out.capacity(), max_bytes) + 1)) {
      return no_memory();
    }
    // Straight into the buffer: no copy.
    const ssize_t n = read(fd, out.spare(), out.capacity() - out.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unreadable(errno_text());
    if (n == 0) break;
    if (static_cast<std::size_t>(n) > max_bytes - out.size()) {
      return ReadError{ReadFailure::kTooLarge, ""};
    }
    out.resize(out.size() + static_cast<std::size_t>(n));
  }
  return out;
}

Result<std::string> read_source(const std::string& path, std::size_t max_bytes, ExitCode code,
                                const std::string& what) {
  auto read = read_bounded(path, max_bytes);
  if (auto* failed = std::get_if<ReadError>(&read)) {
    if (failed->kind == ReadFailure::kTooLarge) {
      return make_error(code, what + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    const bool no_memory = failed->kind == ReadFailure::kNoMemory;
    return make_error(no_memory ? ExitCode::kInternal : code, what + ": " + failed->message);
  }
  return std::string(std::get<ByteBuffer>(read).view());
}

Status check_writable_folder(const std::string& path, ExitCode code) {
  const std::size_t slash = path.rfind('/');
  std::string temp = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  temp += ".pcusage-check.XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return make_error(code, "cannot write " + path + ": " + errno_text());
  close(fd);
  unlink(temp.c_str());
  return Ok{};
}

unsigned default_file_mode() {
  const mode_t mask = umask(0);
  umask(mask);
  return 0666u & ~static_cast<unsigned>(mask);
}

Result<AtomicFile> AtomicFile::create(const std::string& path, unsigned mode, bool force_mode) {
  // The temporary file must sit in the target's directory so that rename() is atomic. A symbolic
  // link is followed, so that the file it points to is the one replaced.
  std::string target = path;
  char resolved[PATH_MAX];
  struct stat lst = {};
  if (lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode) && realpath(path.c_str(), resolved)) {
    target = resolved;
  }
  struct stat st = {};
  if (!force_mode && stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
  const std::size_t slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string temp = (dir == "." ? std::string() : dir) + "." + base + ".XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return make_error(ExitCode::kInternal, "cannot write " + path + ": " + errno_text());
  }
  fchmod(fd, static_cast<mode_t>(mode));
  return AtomicFile(std::move(target), std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)), m_temp(std::move(other.m_temp)), m_fd(other.m_fd) {
  other.m_fd = -1;
  other.m_temp.clear();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) close(m_fd);
  if (!m_temp.empty()) unlink(m_temp.c_str());
}

Status AtomicFile::commit() {
  if (fsync(m_fd) != 0 || close(m_fd) != 0) {
    m_fd = -1;
    return make_error(ExitCode::kInternal, "cannot write " + m_target + ": " + errno_text());
  }
  m_fd = -1;
  if (rename(m_temp.c_str(), m_target.c_str()) != 0) {
    return make_error(ExitCode::kInternal, "cannot replace " + m_target + ": " + errno_text());
  }
  m_temp.clear();
  // The new name lives in the folder: until the folder is on disk, a power cut can lose it.
  const std::size_t slash = m_target.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : m_target.substr(0, slash + 1);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return make_error(ExitCode::kInternal, "cannot sync " + dir + ": " + errno_text());
  }
  const DescriptorGuard guard{dir_fd};
  // Some file systems cannot sync a folder (EINVAL, ENOTSUP): there is nothing more to do.
  if (fsync(dir_fd) != 0 && errno != EINVAL && errno != ENOTSUP) {
    return make_error(ExitCode::kInternal, "cannot sync " + dir + ": " + errno_text());
  }
  return Ok{};
}

}  // namespace pcusage
