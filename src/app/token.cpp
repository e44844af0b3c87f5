#include "app/token.h"

#include <vector>

#include "app/sign_in.h"
#include "app/token_command.h"
#include "core/files.h"
#include "core/text.h"

namespace pcusage {

Result<std::string> check_token(std::string_view raw, const std::string& source) {
  const std::string_view token = trim(raw);
  if (token.empty()) return make_error(ExitCode::kUsage, source + ": the token is empty");
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
  return make_error(ExitCode::kUsage,
                    "no token: give one with --token-file PATH, the PCUSAGE_TOKEN variable, "
                    "--token-command CMD or --refresh-token-file PATH (see 'pcusage --help')");
}

Result<std::string> obtain_token(const Options& options, HttpClient& client,
                                 const FetchSettings& settings, std::ostream& err) {
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
  }
  return make_error(ExitCode::kInternal, "no token source");
}

}  // namespace pcusage
