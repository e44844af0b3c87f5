#include "core/url.h"

#include "core/text.h"

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
  BaseUrl out;
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) return bad(flag, url, "is not an absolute https:// URL");
  out.scheme = to_lower(url.substr(0, colon));
  if (out.scheme != "https" && out.scheme != "http") {
    return bad(flag, url, "must use https://");
  }
  std::string_view rest = url.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad(flag, url, "must not have a query or fragment");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad(flag, url, "must not carry a user name or password");
  }
  if (authority.empty()) return bad(flag, url, "has no host");
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(flag, url, "has a malformed IPv6 host");
    out.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || !is_digits(after.substr(1))) {
        return bad(flag, url, "has a malformed port");
      }
      out.port = std::string(after.substr(1));
    }
  } else {
    const std::size_t pcolon = authority.find(':');
    out.host = std::string(authority.substr(0, pcolon));
    if (pcolon != std::string_view::npos) {
      if (!is_digits(authority.substr(pcolon + 1))) return bad(flag, url, "has a malformed port");
      out.port = std::string(authority.substr(pcolon + 1));
    }
  }
  if (out.host.empty()) return bad(flag, url, "has no host");
  if (!out.port.empty() && (out.port.size() > 5 || std::stoi(out.port) > 65535)) {
    return bad(flag, url, "has a malformed port");
  }
  if (out.scheme == "http" && !is_loopback_host(out.host)) {
    return bad(flag, url,
               "must use https:// (http:// is only allowed to localhost, 127.0.0.0/8 or [::1])");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.prefix = std::string(path);
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

}  // namespace pcusage
