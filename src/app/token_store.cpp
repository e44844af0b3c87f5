#include "app/token_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "app/sign_in.h"
#include "core/files.h"
#include "core/text.h"

namespace pcusage {

Result<ProfileFiles> profile_files(const Options& options) {
  if (options.config_home.empty()) {
    return make_error(ExitCode::kUsage,
                      "no folder for the stored tokens: set HOME or XDG_CONFIG_HOME");
  }
  const std::string& dir = options.config_home;
  return ProfileFiles{dir, dir + "/" + options.profile + ".refresh-token",
                      dir + "/" + options.profile + ".access-token"};
}

Status make_private_dir(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string part = dir.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return make_error(ExitCode::kInternal, "cannot create " + part + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) break;
  }
  return Ok{};
}

void warn_if_dir_shared(const std::string& dir, std::ostream& err) {
  struct stat st = {};
  if (stat(dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    err << "pcusage: warning: the folder " << dir << " can be read by group or others (chmod 700 "
        << dir << ")\n";
  }
}

Status check_token_file(const std::string& path) {
  struct stat st = {};
  if (stat(path.c_str(), &st) != 0) return Ok{};
  if (st.st_uid != getuid()) {
    struct stat lst = {};
    const bool link = lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
    return make_error(ExitCode::kUsage,
                      "the token file " + path +
                          (link ? " is a symbolic link to a file owned by another user"
                                : " is owned by another user") +
                          "; remove it and run 'pcusage login'");
  }
  return Ok{};
}

bool file_exists(const std::string& path) {
  struct stat st = {};
  return lstat(path.c_str(), &st) == 0;
}

std::optional<std::string> read_cached_token(const std::string& path, std::time_t now) {
  if (!check_token_file(path)) return std::nullopt;
  auto text =
      read_source(path, std::size_t{64} * 1024, ExitCode::kInternal, "the access-token cache");
  if (!text) return std::nullopt;
  const std::size_t nl = text->find('\n');
  if (nl == std::string::npos) return std::nullopt;
  const std::string expiry = text->substr(0, nl);
  char* end = nullptr;
  const long long expires_at = std::strtoll(expiry.c_str(), &end, 10);
  if (expiry.empty() || *end != '\0') return std::nullopt;
  const std::string token(trim(std::string_view(*text).substr(nl + 1)));
  if (token.empty() || !is_visible_ascii(token)) return std::nullopt;
  if (expires_at - static_cast<long long>(now) <= kCacheMarginSeconds) return std::nullopt;
  return token;
}

Status write_cached_token(const std::string& path, const std::string& token,
                          std::time_t expires_at) {
  return store_secret(path, std::to_string(static_cast<long long>(expires_at)) + "\n" + token);
}

void cache_access_token(const std::string& path, const std::string& token, long expires_in,
                        std::ostream& err) {
  if (expires_in <= kCacheMarginSeconds) return;
  if (auto stored = write_cached_token(path, token, std::time(nullptr) + expires_in); !stored) {
    err << "pcusage: warning: cannot cache the access token in " << path << ": "
        << stored.error().message << "\n";
  }
}

bool remove_file(const std::string& path) { return unlink(path.c_str()) == 0; }

}  // namespace pcusage
