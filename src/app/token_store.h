// A profile's stored tokens: the refresh token and the cached access token, beside the config.
#pragma once

#include <ctime>
#include <optional>
#include <ostream>
#include <string>

#include "cli/options.h"
#include "core/result.h"

namespace pcusage {

// The files one profile keeps its tokens in.
struct ProfileFiles {
  std::string dir;            // the 0700 folder
  std::string refresh_token;  // {dir}/{profile}.refresh-token
  std::string access_token;   // {dir}/{profile}.access-token: expiry and token
};

// A cached access token is reused while it has more than this many seconds left.
inline constexpr long kCacheMarginSeconds = 300;  // 5 minutes

// The token files of options.profile; exit 2 when no folder is known (neither HOME nor
// XDG_CONFIG_HOME set).
Result<ProfileFiles> profile_files(const Options& options);

// Creates `dir` and any missing parent with mode 0700.
Status make_private_dir(const std::string& dir);

// Like ssh, warns on `err` when `dir` can be read or entered by group or others.
void warn_if_dir_shared(const std::string& dir, std::ostream& err);

// Refuses (exit 2) a token file that belongs to another user, directly or through a symbolic link;
// a missing file passes.
Status check_token_file(const std::string& path);

// True when `path` exists (as any kind of file).
bool file_exists(const std::string& path);

// The cached access token in `path` when it is still good for more than the margin at `now`.
std::optional<std::string> read_cached_token(const std::string& path, std::time_t now);

// Stores `token` and its expiry (seconds since the epoch) in `path`, 0600, atomically.
Status write_cached_token(const std::string& path, const std::string& token,
                          std::time_t expires_at);

// Caches `token`, good for `expires_in` seconds from now, in `path` when it outlives the reuse
// margin; a failure to write it is a warning on `err`, not an error.
void cache_access_token(const std::string& path, const std::string& token, long expires_in,
                        std::ostream& err);

// Deletes `path`; true when there was a file to delete.
bool remove_file(const std::string& path);

}  // namespace pcusage
