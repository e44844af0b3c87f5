#include "http/http_client.h"

#include "core/text.h"

namespace pcusage {

std::string_view find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

HttpResult HttpClient::send(const HttpRequest& request) {
  const ExchangeId id = start(request);
  while (true) {
    for (auto& done : wait(std::chrono::steady_clock::time_point::max())) {
      if (done.id == id) return std::move(done.result);
    }
  }
}

}  // namespace pcusage
