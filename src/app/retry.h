// The retry policy: what is worth retrying, and how long to wait before the next attempt.
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

#include "http/http_client.h"

namespace pcusage {

// True for statuses worth another attempt: 408, 429, 500, 502, 503, 504 (not 501).
bool is_retryable_status(long status);

// True for transport failures worth another attempt: DNS, connect, timeouts, stalls, cut transfers.
bool is_retryable_failure(TransportFailure kind);

// A Retry-After value (delta-seconds or an HTTP-date in any of its three forms; a past date means
// 0) as a wait, given the current time; nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::time_t now);

// Exponential backoff before retry number `retry` (1-based): 1 s doubling, capped at 30 s, with
// `jitter` in [-1, 1] scaling it by up to +-20%.
std::chrono::milliseconds backoff_delay(int retry, double jitter);

}  // namespace pcusage
