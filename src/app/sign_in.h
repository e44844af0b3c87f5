// The sign-in service's token endpoint: the refresh-token flow, and what the other flows share.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "app/fetch.h"
#include "cli/options.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// The resource the access token is asked for.
inline constexpr const char* kPartnerCenterResource = "https://api.partnercenter.microsoft.com";

// What a successful token request answered.
struct TokenAnswer {
  std::string access_token;
  std::string refresh_token;  // empty when none came
  long expires_in = 0;        // seconds; 0 when not given
};

// Form-encodes `s` (application/x-www-form-urlencoded: unreserved kept, space as '+', rest %XX).
std::string form_encode(std::string_view s);

// The client secret to send: --client-secret-file, else PCUSAGE_CLIENT_SECRET; none for a public
// client. Warns on `err` when the file can be read by others.
Result<std::optional<std::string>> configured_secret(const Options& options, std::ostream& err);

// A form POST to {authority}/{tenant}/oauth2/{endpoint}; `trace_form` is what -v shows instead.
HttpRequest sign_in_request(const Options& options, const FetchSettings& settings,
                            const std::string& endpoint, std::string form, std::string trace_form);

// Reads a token endpoint's success body (exit 7 when it has no usable access token).
Result<TokenAnswer> parse_token_answer(std::string_view body);

// A failed sign-in request, with the hint that fits the service's answer, as an auth error (3);
// throttling and outages keep their codes.
Error sign_in_error(Error e);

// Exchanges the refresh token in `refresh_token_file` for an access token at
// {authority}/{tenant}/oauth2/token, using the retry policy and deadline of `settings`. A new
// refresh token in the answer replaces the file (0600, atomically) before returning; when that
// fails, a warning goes to `err` and the run carries on.
Result<TokenAnswer> refresh_sign_in(HttpClient& client, const Options& options,
                                    const FetchSettings& settings,
                                    const std::string& refresh_token_file, std::ostream& err);

// refresh_sign_in() with options.refresh_token_file, returning the access token.
Result<std::string> sign_in(HttpClient& client, const Options& options,
                            const FetchSettings& settings, std::ostream& err);

// Writes `text` and a newline to `path` atomically with mode 0600.
Status store_secret(const std::string& path, const std::string& text);

}  // namespace pcusage
