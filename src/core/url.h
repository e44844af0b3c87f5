// The base URL rule: https, or http to a loopback host; no query, fragment or credentials.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace pcusage {

// A checked base URL, split into the parts later requests are built from.
struct BaseUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // as written, brackets kept for IPv6 ("[::1]")
  std::string port;    // as written, empty when absent
  std::string prefix;  // path prefix without a trailing slash ("" or "/p")

  // scheme://host[:port], what an absolute next link must match.
  std::string origin() const;
  // origin + prefix + path (path starts with '/').
  std::string join(std::string_view path) const;
  // True for http:// (only allowed to a loopback host).
  bool is_plain_http() const { return scheme == "http"; }
};

// Percent-encodes `s` for a query or a form: unreserved characters (RFC 3986) kept, a space as
// '+' when `space_as_plus` (application/x-www-form-urlencoded) else %20, the rest %XX.
std::string percent_encode(std::string_view s, bool space_as_plus = false);

// True for localhost, 127.0.0.0/8 and [::1].
bool is_loopback_host(std::string_view host);

// Checks and splits `url`; `flag` names the option in the error (ExitCode::kUsage). Parsed by
// libcurl, the parser of the transfers (implemented in src/http/url.cpp).
Result<BaseUrl> parse_base_url(std::string_view url, std::string_view flag);

// True when the absolute `url` has the scheme, host and port of `base` as libcurl connects to them:
// https://host:0443/ and https://host/ are one origin.
bool same_origin(const BaseUrl& base, std::string_view url);

}  // namespace pcusage
