#include "app/token.h"

#include <ctime>
#include <vector>

#include "app/sign_in.h"
#include "app/token_command.h"
#include "app/token_store.h"
#include "core/files.h"
#include "core/text.h"

namespace pcusage {

Result<std::string> check_token(std::string_view raw, const std::string& source) {
  const std::string_view token = trim(raw);
  if (token.empty()) return make_error(ExitCode::kUsage, source + ": the token is empty");
  // The two ways a pasted token usually goes wrong get their own hint.
  if (to_lower(token.substr(0, 7)) == "bearer ") {
    return make_error(ExitCode::kUsage, source +
                                            ": the token starts with \"Bearer \"; give the token "
                                            "alone (pcusage adds \"Bearer \" itself)");
  }
  if (token.find_first_of("\r\n") != std::string_view::npos) {
    return make_error(ExitCode::kUsage,
                      source + ": the token has more than one line; give only the token");
  }
  // CR or LF would inject headers; nothing outside visible ASCII belongs in a bearer token.
  if (!is_visible_ascii(token)) {
    return make_error(ExitCode::kUsage,
                      source +
                          ": the token has characters outside visible ASCII (spaces, controls "
                          "or non-ASCII)");
  }
  return std::string(token);
}

Result<TokenSource> choose_token_source(const Options& options) {
  std::vector<std::pair<TokenSource, const char*>> given;
  if (options.token) given.emplace_back(TokenSource::kFlag, "--token");
  if (options.token_file) given.emplace_back(TokenSource::kFile, "--token-file");
  if (options.token_command) given.emplace_back(TokenSource::kCommand, "--token-command");
  if (options.refresh_token_file_given) {
    given.emplace_back(TokenSource::kRefresh, "--refresh-token-file");
  }
  if (given.size() > 1) {
    return make_error(ExitCode::kUsage, std::string(given[0].second) + " and " + given[1].second +
                                            ": give only one token source");
  }
  if (given.size() == 1) return given[0].first;
  if (options.env_token) return TokenSource::kEnvToken;
  if (options.refresh_token_file) return TokenSource::kEnvRefresh;
  if (auto files = profile_files(options); files && file_exists(files->refresh_token)) {
    return TokenSource::kProfile;
  }
  return make_error(
      ExitCode::kUsage,
      "no token: run 'pcusage login" +
          std::string(options.profile == "default" ? "" : " --profile " + options.profile) +
          "' once, or give one with --token-file PATH, the PCUSAGE_TOKEN "
          "variable, --token-command CMD or --refresh-token-file PATH (see "
          "'pcusage --help')");
}

namespace {

// The profile's cached access token while it has more than 5 minutes left, else a sign-in with
// its stored refresh token, whose answer refreshes the cache.
Result<std::string> profile_token(const Options& options, HttpClient& client,
                                  const FetchSettings& settings, std::ostream& err,
                                  bool* from_cache) {
  auto files = profile_files(options);
  if (!files) return files.error();
  warn_if_dir_shared(files->dir, err);
  if (auto ok = check_token_file(files->refresh_token); !ok) return ok.error();
  if (auto cached = read_cached_token(files->access_token, std::time(nullptr))) {
    if (from_cache) *from_cache = true;
    return *cached;
  }
  if (options.tenant.empty() || options.client_id.empty()) {
    return make_error(ExitCode::kUsage,
                      "profile \"" + options.profile + "\" has a stored token but no " +
                          (options.tenant.empty() ? "tenant" : "client-id") + " in " +
                          options.config_file + " (run 'pcusage login' again)");
  }
  auto answer = refresh_sign_in(client, options, settings, files->refresh_token, err);
  if (!answer) return answer.error();
  cache_access_token(files->access_token, answer->access_token, answer->expires_in, err);
  return answer->access_token;
}

}  // namespace

Result<std::string> obtain_token(const Options& options, HttpClient& client,
                                 const FetchSettings& settings, std::ostream& err,
                                 bool* from_cache) {
  if (from_cache) *from_cache = false;
  auto source = choose_token_source(options);
  if (!source) return source.error();
  switch (*source) {
    case TokenSource::kFlag:
      return check_token(*options.token, "--token");
    case TokenSource::kFile: {
      auto text =
          read_source(*options.token_file, kMaxTokenFileBytes, ExitCode::kUsage, "--token-file");
      if (!text) return text.error();
      return check_token(*text, "--token-file");
    }
    case TokenSource::kCommand:
      return run_token_command(*options.token_command);
    case TokenSource::kEnvToken:
      return check_token(*options.env_token, "PCUSAGE_TOKEN");
    case TokenSource::kRefresh:
    case TokenSource::kEnvRefresh:
      return sign_in(client, options, settings, err);
    case TokenSource::kProfile:
      return profile_token(options, client, settings, err, from_cache);
  }
  return make_error(ExitCode::kInternal, "no token source");
}

bool drop_cached_token(const Options& options) {
  auto files = profile_files(options);
  return files && remove_file(files->access_token);
}

}  // namespace pcusage
