// The account commands: pcusage login, pcusage logout and pcusage config.
#pragma once

#include <ostream>

#include "app/browser_login.h"
#include "cli/options.h"
#include "core/clock.h"
#include "core/result.h"
#include "format/sink.h"
#include "http/http_client.h"

namespace pcusage {

// What the account commands take from outside the process: time, and the user's browser.
struct AccountIo {
  Clock& clock;
  UrlOpener open_url;
};

// Runs options.command (kLogin, kLogout or kConfig): login signs in (device code, or --browser)
// and stores the refresh token, the access-token cache and the profile's settings, then prints
// one line naming the profile and the token file; logout deletes the profile's stored tokens;
// config prints the effective settings and where each came from, secrets hidden.
ExitCode run_account_command(const Options& options, HttpClient& client, const AccountIo& io,
                             Sink& out, std::ostream& err);

}  // namespace pcusage
