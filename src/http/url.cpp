// The URL rules of core/url.h, on libcurl's own parser (CURLU): what is checked here is what the
// transfer will connect to.
#include <curl/curl.h>

#include <memory>
#include <utility>

#include "core/text.h"
#include "core/url.h"
#include "http/parsed_url.h"

namespace pcusage {

namespace {

Error bad(std::string_view flag, std::string_view url, std::string_view why) {
  return make_error(ExitCode::kUsage, std::string(flag) + ": \"" + printable_excerpt(url, 100) +
                                          "\" " + std::string(why));
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string BaseUrl::origin() const {
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

std::string BaseUrl::join(std::string_view path) const {
  return origin() + prefix + std::string(path);
}

bool is_loopback_host(std::string_view host) {
  const std::string h = to_lower(host);
  if (h == "localhost" || h == "[::1]") return true;
  // 127.0.0.0/8 as a dotted quad.
  if (h.rfind("127.", 0) != 0) return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= h.size()) {
    std::size_t end = h.find('.', start);
    if (end == std::string::npos) end = h.size();
    const std::string_view part = std::string_view(h).substr(start, end - start);
    if (!is_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255) return false;
    ++parts;
    start = end + 1;
  }
  return parts == 4;
}

Result<BaseUrl> parse_base_url(std::string_view url, std::string_view flag) {
  if (!is_visible_ascii(url)) {
    return bad(flag, url, "is not a URL (spaces or non-ASCII characters)");
  }
  if (url.find("://") == std::string_view::npos) {
    return bad(flag, url, "is not an absolute https:// URL");
  }
  ParsedUrl parsed(url);
  switch (parsed.code()) {
    case CURLUE_OK:
      break;
    case CURLUE_BAD_PORT_NUMBER:
      return bad(flag, url, "has a malformed port");
    case CURLUE_BAD_IPV6:
      return bad(flag, url, "has a malformed IPv6 host");
    case CURLUE_NO_HOST:
      return bad(flag, url, "has no host");
    default:
      return bad(flag, url, "is not a URL");
  }
  BaseUrl out;
  out.scheme = to_lower(parsed.get(CURLUPART_SCHEME));
  if (out.scheme != "https" && out.scheme != "http") return bad(flag, url, "must use https://");
  if (!parsed.get(CURLUPART_QUERY).empty() || !parsed.get(CURLUPART_FRAGMENT).empty() ||
      url.find_first_of("?#") != std::string_view::npos) {
    return bad(flag, url, "must not have a query or fragment");
  }
  if (!parsed.get(CURLUPART_USER).empty() || !parsed.get(CURLUPART_PASSWORD).empty() ||
      !parsed.get(CURLUPART_OPTIONS).empty()) {
    return bad(flag, url, "must not carry a user name or password");
  }
  out.host = parsed.get(CURLUPART_HOST);
  if (out.host.empty()) return bad(flag, url, "has no host");
  // As a number, and left out when it is the scheme's default: https://host:0443 is https://host.
  out.port = parsed.get(CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
  if (out.scheme == "http" && !is_loopback_host(out.host)) {
    return bad(flag, url,
               "must use https:// (http:// is only allowed to localhost, 127.0.0.0/8 or [::1])");
  }
  std::string path = parsed.get(CURLUPART_PATH);
  while (!path.empty() && path.back() == '/') path.pop_back();
  out.prefix = std::move(path);
  return out;
}

std::string percent_encode(std::string_view s, bool space_as_plus) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out += c;
    } else if (b == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

bool same_origin(const BaseUrl& base, std::string_view url) {
  ParsedUrl a(base.origin());
  ParsedUrl b(url);
  // Credentials in a link would be sent along with the token.
  if (!a.ok() || !b.ok() || !b.get(CURLUPART_USER).empty()) return false;
  return to_lower(a.get(CURLUPART_SCHEME)) == to_lower(b.get(CURLUPART_SCHEME)) &&
         to_lower(a.get(CURLUPART_HOST)) == to_lower(b.get(CURLUPART_HOST)) &&
         a.get(CURLUPART_PORT, CURLU_DEFAULT_PORT) == b.get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

}  // namespace pcusage
