#include "http/http_date.h"

#include <curl/curl.h>

#include <string>

namespace pcusage {

std::optional<std::time_t> parse_http_date(std::string_view text) {
  const std::string copy(text);
  const std::time_t at = curl_getdate(copy.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  return at;
}

}  // namespace pcusage
