// The one retry loop: requests of several jobs at once, each retried on its own, with one shared
// wait when the service throttles, inside the run's deadline.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/fetch.h"
#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// What a job does with a 2xx answer: its next request (the next page), nothing more (done), or
// an error that ends the job.
using OnAnswer = std::function<Result<std::optional<HttpRequest>>(std::size_t job, HttpResponse&)>;

// How a batch of jobs runs.
struct BatchPolicy {
  // Renew MS-RequestId after any response and keep it after none (the API's idempotency rule).
  bool rotate_request_id = true;
  // Stop at the first job that fails for good (all or nothing) instead of running the others.
  bool stop_on_failure = true;
  // Names the call in errors ("request failed", "sign-in failed").
  std::string what = "request failed";
  // What the jobs are, for the progress line ("customers"); empty for a single request.
  std::string noun;
};

// Runs job i from `first[i]`, at most settings.concurrency requests in flight, retrying what is
// worth it (Retry-After, else jittered backoff) up to settings.retries times per request. A 429
// or 503 with Retry-After holds back every new request until the wait is over. Returns each job's
// failure (nullopt when it succeeded or, after a stop, was left unfinished). A signal is an error
// of the whole batch, and so is a 401 (the token every job carries was refused), whatever
// policy.stop_on_failure says.
Result<std::vector<std::optional<Error>>> run_batch(HttpClient& client,
                                                    std::vector<HttpRequest> first,
                                                    const OnAnswer& on_answer,
                                                    const FetchSettings& settings,
                                                    const BatchPolicy& policy, std::ostream& err);

}  // namespace pcusage
