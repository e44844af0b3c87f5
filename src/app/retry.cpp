#include "app/retry.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/text.h"
#include "http/http_date.h"

namespace pcusage {

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

bool is_retryable_failure(TransportFailure kind) {
  switch (kind) {
    case TransportFailure::kDns:
    case TransportFailure::kConnect:
    case TransportFailure::kConnectTimeout:
    case TransportFailure::kStalled:
    case TransportFailure::kTruncated:
      return true;
    default:
      return false;
  }
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::time_t now) {
  const std::string v(trim(value));
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos) {
    if (v.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::seconds(std::stol(v));
  }
  const std::optional<std::time_t> at = parse_http_date(v);
  if (!at) return std::nullopt;
  if (*at <= now) return std::chrono::milliseconds(0);
  return std::chrono::seconds(*at - now);
}

std::chrono::milliseconds backoff_delay(int retry, double jitter) {
  const double base = std::min(30.0, std::ldexp(1.0, std::min(retry, 10) - 1));
  const double ms = base * 1000.0 * (1.0 + 0.2 * std::clamp(jitter, -1.0, 1.0));
  return std::chrono::milliseconds(static_cast<long long>(std::min(ms, 30000.0)));
}

}  // namespace pcusage
