// Which proxy libcurl takes from the environment for a URL, so that messages can name it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pcusage {

// A proxy setting from the environment: the variable's name and its value.
struct ProxySetting {
  std::string variable;  // e.g. "HTTPS_PROXY"
  std::string value;     // as set, credentials included: never print it whole
};

// Looks up an environment variable; nullopt when unset.
using ProxyEnv = std::function<std::optional<std::string>(const char* name)>;

// The proxy libcurl uses for `url`, by its rules: no_proxy (then NO_PROXY) exempts matching hosts
// ("*", names and their subdomains, literal addresses); then, for https, https_proxy or
// HTTPS_PROXY, for http only http_proxy; then all_proxy or ALL_PROXY. Empty values are unset.
std::optional<ProxySetting> proxy_for(std::string_view url, const ProxyEnv& env);

// The process environment, for proxy_for.
std::optional<std::string> process_proxy_env(const char* name);

}  // namespace pcusage
