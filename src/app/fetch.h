// Calling the API: one request with retries inside the run's deadline, and following pages.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

#include "core/result.h"
#include "core/url.h"
#include "http/http_client.h"
#include "model/dataset.h"

namespace pcusage {

// How requests are made during one run.
struct FetchSettings {
  BaseUrl base;
  std::string token;
  std::string locale = "en-US";
  std::string correlation_id;
  std::string user_agent;
  int retries = 3;
  std::chrono::steady_clock::time_point deadline;
  double timeout_s = 120;  // for messages
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::seconds stall_time{30};
  std::size_t max_pages = 1000;
  std::size_t max_body_bytes = 256u << 20;
  std::string ca_file;
  bool verbose = false;
};

// A request to `url` carrying the run's limits (deadline, timeouts, body size, CA file).
HttpRequest limited_request(const FetchSettings& settings, std::string url, bool allow_http);

// Sends `request` until it gets a 2xx, retrying what is worth it (Retry-After or backoff) within
// the deadline. With `rotate_request_id`, MS-RequestId is renewed after any response and kept
// after none. `what` names the call in errors ("request failed", "sign-in failed").
Result<HttpResponse> send_with_retries(HttpClient& client, HttpRequest request,
                                       const FetchSettings& settings, bool rotate_request_id,
                                       const std::string& what, std::ostream& err);

// GETs the license usage insights, following links.next, and returns all items merged. Warns on
// `err` when the merged count differs from the first page's totalCount.
Result<Dataset> fetch_usage(HttpClient& client, const FetchSettings& settings, std::ostream& err);

}  // namespace pcusage
