#include "app/fetch.h"

#include <random>
#include <set>
#include <sstream>
#include <utility>

#include "app/api_error.h"
#include "app/retry.h"
#include "core/signals.h"
#include "core/text.h"
#include "core/uuid.h"
#include "model/parser.h"

namespace pcusage {

namespace {

constexpr const char* kEndpoint = "/v1/analytics/licenses/usage";

void set_header(HeaderList& headers, const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (to_lower(k) == to_lower(name)) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

// Secrets never reach the trace: the bearer token is masked, and so is any form body.
void trace_request(std::ostream& err, const HttpRequest& request, int attempt) {
  err << "* " << request.method << " " << printable_excerpt(request.url, 2000) << " (attempt "
      << attempt << ")\n";
  for (const auto& [k, v] : request.headers) {
    const bool secret = to_lower(k) == "authorization";
    err << "> " << k << ": " << (secret ? "Bearer ***" : printable_excerpt(v, 500)) << "\n";
  }
  if (!request.body.empty()) {
    err << "> "
        << (request.trace_body.empty() ? "(" + std::to_string(request.body.size()) + " bytes)"
                                       : request.trace_body)
        << "\n";
  }
}

void trace_response(std::ostream& err, const HttpResponse& response) {
  const char* reason = reason_phrase(response.status);
  err << "< HTTP " << response.status << (*reason ? " " : "") << reason << " in "
      << static_cast<long>(response.seconds * 1000) << " ms, " << response.body.size()
      << " bytes\n";
  for (const char* name : {"MS-CorrelationId", "MS-RequestId", "MS-CV", "MS-ServerId",
                           "Retry-After", "Content-Type", "Content-Encoding", "Location"}) {
    const auto v = find_header(response.headers, name);
    if (!v.empty()) err << "< " << name << ": " << printable_excerpt(v, 500) << "\n";
  }
}

Error deadline_error(const std::string& what, const FetchSettings& settings) {
  TransportError failure{TransportFailure::kDeadline, "", false};
  std::ostringstream m;
  m << "the --timeout of " << settings.timeout_s << " s passed";
  failure.message = m.str();
  return transport_error(what, failure);
}

Error interrupted_error() {
  return transport_error(
      "interrupted", TransportError{TransportFailure::kInterrupted, "stopped by signal", false});
}

// Where a next link points; relative ones keep the base URL's prefix and get /v1 when they lack it.
Result<std::string> next_url(const BaseUrl& base, const std::string& uri) {
  auto invalid = [&](const std::string& why) {
    return make_error(ExitCode::kInvalid, "invalid response: links.next " + why + ": \"" +
                                              printable_excerpt(uri, 200) + "\"");
  };
  if (uri.empty()) return invalid("has no uri");
  if (!is_visible_ascii(uri)) return invalid("uri is not a URL");
  if (uri.find("://") != std::string::npos) {
    auto abs =
        parse_base_url(uri.substr(0, uri.find_first_of("?#", uri.find("://") + 3)), "links.next");
    auto port_of = [](const BaseUrl& u) {
      return u.port.empty() ? (u.scheme == "https" ? std::string("443") : std::string("80"))
                            : u.port;
    };
    if (!abs || abs->scheme != base.scheme || to_lower(abs->host) != to_lower(base.host) ||
        port_of(*abs) != port_of(base)) {
      return invalid("points to another host (the token is only sent to " + base.origin() + ")");
    }
    return uri;
  }
  std::string path = uri.front() == '/' ? uri : "/" + uri;
  if (path.rfind("/v1/", 0) != 0 && path.rfind("/v1?", 0) != 0 && path != "/v1") {
    path = "/v1" + path;
  }
  return base.join(path);
}

}  // namespace

HttpRequest limited_request(const FetchSettings& settings, std::string url, bool allow_http) {
  HttpRequest request;
  request.url = std::move(url);
  request.deadline = settings.deadline;
  request.connect_timeout = settings.connect_timeout;
  request.stall_time = settings.stall_time;
  request.max_body_bytes = settings.max_body_bytes;
  request.ca_file = settings.ca_file;
  request.allow_http = allow_http;
  return request;
}

Result<HttpResponse> send_with_retries(HttpClient& client, HttpRequest request,
                                       const FetchSettings& settings, bool rotate_request_id,
                                       const std::string& what, std::ostream& err) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(-1.0, 1.0);
  std::optional<Error> last;
  for (int attempt = 1;; ++attempt) {
    if (interrupted()) return interrupted_error();
    if (settings.verbose) trace_request(err, request, attempt);
    HttpResult result = client.send(request);
    std::optional<std::chrono::milliseconds> wait;
    bool got_response = false;
    if (auto* response = std::get_if<HttpResponse>(&result)) {
      got_response = true;
      if (settings.verbose) trace_response(err, *response);
      if (response->status >= 200 && response->status < 300) return std::move(*response);
      last = http_error(what, *response);
      if (!is_retryable_status(response->status)) return *last;
      wait = parse_retry_after(find_header(response->headers, "Retry-After"), std::time(nullptr));
    } else {
      const auto& failure = std::get<TransportError>(result);
      got_response = failure.got_response;
      if (settings.verbose) err << "* " << printable_excerpt(failure.message, 500) << "\n";
      if (failure.kind == TransportFailure::kDeadline) return deadline_error(what, settings);
      last = transport_error(what, failure);
      if (!is_retryable_failure(failure.kind)) return *last;
    }
    if (attempt > settings.retries) return *last;
    if (!wait) wait = backoff_delay(attempt, jitter(rng));
    const auto resume = std::chrono::steady_clock::now() + *wait;
    if (resume >= settings.deadline) {
      if (settings.verbose) {
        err << "* not retrying: a wait of " << wait->count() << " ms would pass the deadline\n";
      }
      return *last;
    }
    if (settings.verbose) {
      err << "* retrying in " << wait->count() << " ms (" << (attempt) << " of " << settings.retries
          << " retries)\n";
    }
    if (!sleep_until(resume)) return interrupted_error();
    // The documented idempotency rule: same id after no response, a new one after any response.
    if (rotate_request_id && got_response) set_header(request.headers, "MS-RequestId", new_uuid());
  }
}

Result<Dataset> fetch_usage(HttpClient& client, const FetchSettings& settings, std::ostream& err) {
  Dataset data;
  HttpRequest request =
      limited_request(settings, settings.base.join(kEndpoint), settings.base.is_plain_http());
  const HeaderList common = {
      {"Authorization", "Bearer " + settings.token},
      {"Accept", "application/json"},
      {"MS-CorrelationId", settings.correlation_id},
      {"MS-Contract-Version", "v1"},
      {"X-Locale", settings.locale},
      {"User-Agent", settings.user_agent},
  };
  std::string first_total;
  std::string continuation;  // sent with the next request
  std::set<std::string> seen_tokens;
  std::set<std::pair<std::string, std::string>> seen_links;
  for (std::size_t page = 1;; ++page) {
    // Only the continuation token travels from a response into the next request: a response may
    // never set Authorization, Host or anything else.
    request.headers = common;
    request.headers.emplace_back("MS-RequestId", new_uuid());
    if (!continuation.empty()) request.headers.emplace_back("MS-ContinuationToken", continuation);
    auto response = send_with_retries(client, request, settings, true, "request failed", err);
    if (!response) return response.error();
    // A gateway's HTML page says more than the parser's complaint: keep its start for the message.
    const std::string type(find_header(response->headers, "Content-Type"));
    const std::string start = response->body.substr(0, 100);
    auto info = parse_page(std::move(response->body), data);
    if (!info) {
      Error e = info.error();
      if (page > 1) e.message += " (page " + std::to_string(page) + ")";
      if (!type.empty() && to_lower(type).find("json") == std::string::npos) {
        e.message += " (Content-Type " + printable_excerpt(type, 60) + ", body starts \"" +
                     printable_excerpt(start, 60) + "\")";
      }
      return e;
    }
    if (page == 1) first_total = info->total_count;
    if (!info->has_next) break;
    if (!info->next_method.empty() && to_lower(info->next_method) != "get") {
      return make_error(ExitCode::kInvalid, "invalid response: links.next asks for method " +
                                                printable_excerpt(info->next_method, 20) +
                                                "; only GET is followed");
    }
    auto url = next_url(settings.base, info->next_uri);
    if (!url) return url.error();
    continuation.clear();
    for (const auto& h : info->next_headers) {
      if (to_lower(h.key) == "ms-continuationtoken") continuation = h.value;
    }
    for (char c : continuation) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        return make_error(ExitCode::kInvalid,
                          "invalid response: the continuation token has control characters");
      }
    }
    if (!seen_links.emplace(*url, continuation).second ||
        (!continuation.empty() && !seen_tokens.insert(continuation).second)) {
      return make_error(ExitCode::kInvalid, "invalid response: links.next loops (page " +
                                                std::to_string(page + 1) +
                                                " repeats an earlier link or continuation token)");
    }
    if (page >= settings.max_pages) {
      return make_error(ExitCode::kInvalid, "invalid response: more than --max-pages " +
                                                std::to_string(settings.max_pages) + " pages");
    }
    request.url = *url;
  }
  if (!first_total.empty() && first_total.find_first_not_of("0123456789") == std::string::npos &&
      first_total != std::to_string(data.items().size())) {
    err << "pcusage: warning: the response announced totalCount " << first_total << " but "
        << data.items().size() << " items arrived\n";
  }
  return data;
}

}  // namespace pcusage
