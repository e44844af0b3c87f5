// The device-code sign-in: a code the user enters on another device, then polling for the tokens.
#pragma once

#include <ostream>

#include "app/fetch.h"
#include "app/sign_in.h"
#include "cli/options.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// Asks {authority}/{tenant}/oauth2/devicecode for a code, prints the service's message on `err`,
// and polls the token endpoint at the given interval (+5 s on slow_down) until the user finishes,
// declines, or the code expires. Never sends a client secret. Waits go through `clock`; a signal
// during a wait ends it with 130 (143 for SIGTERM).
Result<TokenAnswer> device_code_sign_in(HttpClient& client, const Options& options,
                                        const FetchSettings& settings, Clock& clock,
                                        std::ostream& err);

}  // namespace pcusage
