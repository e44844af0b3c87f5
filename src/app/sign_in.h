// The App+User refresh-token sign-in, with the rolling refresh token stored back atomically.
#pragma once

#include <ostream>
#include <string>

#include "app/fetch.h"
#include "cli/options.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// The resource the access token is asked for.
inline constexpr const char* kPartnerCenterResource = "https://api.partnercenter.microsoft.com";

// Form-encodes `s` (application/x-www-form-urlencoded: unreserved kept, space as '+', rest %XX).
std::string form_encode(std::string_view s);

// Exchanges the refresh token in options.refresh_token_file for an access token at
// {authority}/{tenant}/oauth2/token, using the retry policy and deadline of `settings`. A new
// refresh token in the answer replaces the file (0600, atomically) before returning; when that
// fails, a warning goes to `err` and the run carries on.
Result<std::string> sign_in(HttpClient& client, const Options& options,
                            const FetchSettings& settings, std::ostream& err);

}  // namespace pcusage
