#include "http/http_client.h"

namespace pcusage {

namespace {

// Header names are ASCII tokens, so a locale-free comparison is both correct and cheap.
bool equals_ascii_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equals_ascii_nocase(key, name)) return value;
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
