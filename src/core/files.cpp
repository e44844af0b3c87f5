#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "core/prefault.h"

namespace pcusage {

namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<std::string> read_source(const std::string& path, std::size_t max_bytes, ExitCode unreadable,
                                const std::string& what) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? 0 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(unreadable, what + ": cannot read " + path + ": " + errno_text());
  std::string out;
  std::optional<BackgroundPrefault> prefaulting;  // while a large file is read
  struct stat st = {};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!is_stdin) close(fd);
    return make_error(unreadable, what + ": cannot read " + path + ": it is a directory");
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const std::size_t expected =
        std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max_bytes);
    out.reserve(expected + 1);
    if (expected >= kBackgroundPrefaultBytes) prefaulting.emplace(out.data(), expected, expected);
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      if (!is_stdin) close(fd);
      return make_error(unreadable,
                        what + ": cannot read " + (is_stdin ? "stdin" : path) + ": " + why);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      if (!is_stdin) close(fd);
      return make_error(ExitCode::kInvalid, what + ": larger than --max-response-bytes (" +
                                                std::to_string(max_bytes) + " bytes)");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (!is_stdin) close(fd);
  return out;
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
  return Ok{};
}

}  // namespace pcusage
