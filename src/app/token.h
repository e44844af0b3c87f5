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
enum class TokenSource { kFlag, kFile, kCommand, kRefresh, kEnvToken, kEnvRefresh };

// Picks the source: exactly one of --token, --token-file, --token-command, --refresh-token-file;
// none falls back to PCUSAGE_TOKEN, then to PCUSAGE_REFRESH_TOKEN_FILE. Two explicit sources, or
// none at all, are usage errors.
Result<TokenSource> choose_token_source(const Options& options);

// Obtains the token from the chosen source (running the command or the sign-in if need be).
Result<std::string> obtain_token(const Options& options, HttpClient& client,
                                 const FetchSettings& settings, std::ostream& err);

// Checks a token read from `source`: trimmed, non-empty, visible ASCII only (exit 2 otherwise).
Result<std::string> check_token(std::string_view raw, const std::string& source);

}  // namespace pcusage
