#include "http/proxy.h"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

#include "core/text.h"

namespace pcusage {

namespace {

// The scheme and host of `url` (host without IPv6 brackets or a trailing dot), lower-case.
bool scheme_and_host(std::string_view url, std::string& scheme, std::string& host) {
  const auto cleanup = [](CURLU* u) { curl_url_cleanup(u); };
  const std::unique_ptr<CURLU, decltype(cleanup)> parsed(curl_url(), cleanup);
  const std::string text(url);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return false;
  }
  for (auto [part, out] : {std::pair{CURLUPART_SCHEME, &scheme}, {CURLUPART_HOST, &host}}) {
    char* value = nullptr;
    if (curl_url_get(parsed.get(), part, &value, 0) != CURLUE_OK) return false;
    *out = to_lower(value);
    curl_free(value);
  }
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();
  return true;
}

bool listed_in_no_proxy(const std::string& host, std::string_view list) {
  if (trim(list) == "*") return true;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string entry = to_lower(trim(list.substr(start, comma - start)));
    start = comma + 1;
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (!entry.empty() && entry.back() == '.') entry.pop_back();
    if (entry.size() > 1 && entry.front() == '[' && entry.back() == ']') {
      entry = entry.substr(1, entry.size() - 2);
    }
    if (entry.empty()) continue;
    if (host == entry) return true;
    if (host.size() > entry.size() &&
        host.compare(host.size() - entry.size(), entry.size(), entry) == 0 &&
        host[host.size() - entry.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<ProxySetting> proxy_for(std::string_view url, const ProxyEnv& env) {
  std::string scheme, host;
  if (!scheme_and_host(url, scheme, host)) return std::nullopt;
  const auto lookup = [&](const char* name) -> std::optional<ProxySetting> {
    auto value = env(name);
    if (!value || value->empty()) return std::nullopt;
    return ProxySetting{name, *value};
  };
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    if (auto list = lookup(name)) {
      if (listed_in_no_proxy(host, list->value)) return std::nullopt;
      break;
    }
  }
  // libcurl reads only the lower-case http_proxy: HTTP_PROXY can be set by a CGI request header.
  std::optional<ProxySetting> found;
  if (scheme == "https") {
    found = lookup("https_proxy");
    if (!found) found = lookup("HTTPS_PROXY");
  } else if (scheme == "http") {
    found = lookup("http_proxy");
  }
  if (!found) found = lookup("all_proxy");
  if (!found) found = lookup("ALL_PROXY");
  return found;
}

std::optional<std::string> process_proxy_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace pcusage
