// Calling the API: collections fetched page by page, one or many at once, through the retry loop
// of scheduler.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
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
  int concurrency = 1;             // requests in flight at most
  Clock* clock = &real_clock();    // time and waits (a fake one in tests)
  std::function<double()> jitter;  // in [-1, 1] for the backoff; random when empty
  // Shows a one-line status ("HTTP 503, retrying in 4 s (attempt 2 of 4)"); empty text clears
  // it. Unset: nothing is shown.
  std::function<void(const std::string&)> status;
};

// A request to `url` carrying the run's limits (deadline, timeouts, body size, CA file).
HttpRequest limited_request(const FetchSettings& settings, std::string url, bool allow_http);

// Sends `request` until it gets a 2xx, retrying what is worth it (Retry-After or backoff) within
// the deadline. With `rotate_request_id`, MS-RequestId is renewed after any response and kept
// after none. `what` names the call in errors ("request failed", "sign-in failed").
Result<HttpResponse> send_with_retries(HttpClient& client, HttpRequest request,
                                       const FetchSettings& settings, bool rotate_request_id,
                                       const std::string& what, std::ostream& err);

// Several collections fetched into one Dataset: each one's items (node indices, in page order)
// and each one's failure (nullopt when it succeeded).
struct Collections {
  Dataset data;
  std::vector<std::vector<std::uint32_t>> items;
  std::vector<std::optional<Error>> errors;
};

// GETs each collection at `urls` (paths under the base URL with their query, e.g.
// "/v1/customers?size=500"), following `links.next` or `@nextLink` on the same origin, at most
// settings.concurrency requests at once. With `stop_on_failure`, the first collection that fails
// for good ends the run with its error. `noun` names the collections on the progress line
// ("customers"); `labels` (optional) names each in warnings.
Result<Collections> fetch_collections(HttpClient& client, const FetchSettings& settings,
                                      const std::vector<std::string>& urls, bool stop_on_failure,
                                      const std::string& noun, std::ostream& err,
                                      const std::vector<std::string>& labels = {});

// GETs one collection at `path` and returns its items, all pages merged. Warns on `err` when the
// merged count differs from the first page's totalCount.
Result<Dataset> fetch_collection(HttpClient& client, const FetchSettings& settings,
                                 const std::string& path, std::ostream& err);

// GETs the partner's license usage insights (GET /v1/analytics/licenses/usage).
Result<Dataset> fetch_usage(HttpClient& client, const FetchSettings& settings, std::ostream& err);

}  // namespace pcusage
