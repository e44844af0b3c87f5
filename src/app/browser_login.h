// The browser sign-in: the authorization-code flow with PKCE, redirected to a one-shot listener.
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include "app/fetch.h"
#include "app/sign_in.h"
#include "cli/options.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// Opens a URL in the user's browser (or does nothing when there is no display).
using UrlOpener = std::function<void(const std::string& url)>;

// How long the browser sign-in waits for the redirect.
inline constexpr std::chrono::minutes kBrowserWait{5};

// Listens on 127.0.0.1 (an ephemeral port), prints the authorize URL (state and an S256 code
// challenge) on `err` and hands it to `open`, waits for the redirect to http://localhost:PORT,
// checks its state, and exchanges the code (with the verifier, and the client secret when one is
// configured) for tokens. A wrong state, an error= redirect or no redirect within kBrowserWait is
// exit 3; a signal is 130 (143 for SIGTERM).
Result<TokenAnswer> browser_sign_in(HttpClient& client, const Options& options,
                                    const FetchSettings& settings, Clock& clock,
                                    const UrlOpener& open, std::ostream& err);

// Runs xdg-open on `url` in the background when DISPLAY or WAYLAND_DISPLAY is set (per `env`).
void open_with_xdg_open(const std::string& url, bool display);

}  // namespace pcusage
