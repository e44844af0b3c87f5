// Where the bearer token comes from: one explicit source, or the environment.
#pragma once

#include <ostream>
#include <string>

#include "app/fetch.h"
#include "cli/options.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// The token sources, in the documented order of the fallbacks.
enum class TokenSource { kFlag, kFile, kCommand, kRefresh, kEnvToken, kEnvRefresh, kProfile };

// Picks the source: exactly one of --token, --token-file, --token-command, --refresh-token-file;
// none falls back to PCUSAGE_TOKEN, then to PCUSAGE_REFRESH_TOKEN_FILE, then to the profile's
// stored refresh token (pcusage login). Two explicit sources, or none at all, are usage errors.
Result<TokenSource> choose_token_source(const Options& options);

// Obtains the token from the chosen source (running the command or the sign-in if need be). With
// the profile's stored token, a cached access token is reused; `from_cache` tells whether it was.
Result<std::string> obtain_token(const Options& options, HttpClient& client,
                                 const FetchSettings& settings, std::ostream& err,
                                 bool* from_cache = nullptr);

// Deletes the profile's cached access token; true when there was one.
bool drop_cached_token(const Options& options);

// Obtains the token into `settings` and calls `fetch` (which returns a Result) with it. When the
// API refuses a cached access token with 401, the cache is dropped, the profile signs in once more
// and `fetch` is called once more.
template <typename Fetch>
auto fetch_with_token(const Options& options, HttpClient& client, FetchSettings& settings,
                      std::ostream& err, const Fetch& fetch) -> decltype(fetch()) {
  bool from_cache = false;
  auto token = obtain_token(options, client, settings, err, &from_cache);
  if (!token) return token.error();
  settings.token = std::move(*token);
  auto result = fetch();
  if (result || !from_cache || result.error().http_status != 401) return result;
  // The cached token was refused (revoked, or the tenant's policy changed): sign in once more.
  drop_cached_token(options);
  token = obtain_token(options, client, settings, err);
  if (!token) return token.error();
  settings.token = std::move(*token);
  return fetch();
}

// Checks a token read from `source`: trimmed, non-empty, visible ASCII only (exit 2 otherwise).
Result<std::string> check_token(std::string_view raw, const std::string& source);

}  // namespace pcusage
