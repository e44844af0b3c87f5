#include "app/fetch.h"

#include <set>
#include <utility>

#include "app/scheduler.h"
#include "core/text.h"
#include "core/uuid.h"
#include "model/parser.h"

namespace pcusage {

namespace {

constexpr const char* kUsagePath = "/v1/analytics/licenses/usage";

Error invalid_link(const char* name, const std::string& why, const std::string& uri) {
  return make_error(ExitCode::kInvalid, std::string("invalid response: ") + name + " " + why +
                                            ": \"" + printable_excerpt(uri, 200) + "\"");
}

// Where a next link points. Absolute links must keep the base URL's origin (the token goes
// there); relative `links.next` ones keep the base URL's prefix and get /v1 when they lack it.
Result<std::string> next_url(const BaseUrl& base, const std::string& uri, const char* name,
                             bool add_v1) {
  if (uri.empty()) return invalid_link(name, "has no uri", uri);
  if (!is_visible_ascii(uri)) return invalid_link(name, "is not a URL", uri);
  if (uri.find("://") != std::string::npos) {
    if (!same_origin(base, uri)) {
      return invalid_link(
          name, "points to another host (the token is only sent to " + base.origin() + ")", uri);
    }
    return uri;
  }
  std::string path = uri.front() == '/' ? uri : "/" + uri;
  if (add_v1 && path.rfind("/v1/", 0) != 0 && path.rfind("/v1?", 0) != 0 && path != "/v1") {
    path = "/v1" + path;
  }
  return base.join(path);
}

// Follows each collection's pages and parses them into one Dataset as they arrive.
class PageCollector {
 public:
  PageCollector(const FetchSettings& settings, std::size_t jobs, std::ostream& err,
                const std::vector<std::string>& labels)
      : m_settings(settings), m_pages(jobs), m_items(jobs), m_err(err), m_labels(labels) {
    m_common = {
        {"Authorization", "Bearer " + settings.token},
        {"Accept", "application/json"},
        {"MS-CorrelationId", settings.correlation_id},
        {"MS-Contract-Version", "v1"},
        {"X-Locale", settings.locale},
        {"User-Agent", settings.user_agent},
    };
  }

  // The request for a page at `url`, sending `continuation` when there is one.
  HttpRequest request(std::string url, const std::string& continuation) const {
    HttpRequest r = limited_request(m_settings, std::move(url), m_settings.base.is_plain_http());
    r.headers = m_common;
    r.headers.emplace_back("MS-RequestId", new_uuid());
    if (!continuation.empty()) r.headers.emplace_back("MS-ContinuationToken", continuation);
    return r;
  }

  Result<std::optional<HttpRequest>> on_answer(std::size_t job, HttpResponse& response) {
    Pages& p = m_pages[job];
    ++p.count;
    // A gateway's HTML page says more than the parser's complaint: keep its start for the message.
    const std::string type(find_header(response.headers, "Content-Type"));
    const std::string start(response.body.view().substr(0, 100));
    const std::size_t before = m_data.items().size();
    auto info = parse_page(std::move(response.body), m_data);
    if (!info) {
      Error e = info.error();
      if (p.count > 1) e.message += " (page " + std::to_string(p.count) + ")";
      if (!type.empty() && to_lower(type).find("json") == std::string::npos) {
        e.message += " (Content-Type " + printable_excerpt(type, 60) + ", body starts \"" +
                     printable_excerpt(start, 60) + "\")";
      }
      return e;
    }
    auto& items = m_items[job];
    items.insert(items.end(), m_data.items().begin() + static_cast<std::ptrdiff_t>(before),
                 m_data.items().end());
    if (p.count == 1) p.first_total = info->total_count;
    auto next = next_request(job, *info);
    if (!next) return next.error();
    if (!*next) warn_total(job);
    return next;
  }

  Dataset& data() { return m_data; }
  std::vector<std::vector<std::uint32_t>>& items() { return m_items; }

 private:
  struct Pages {
    std::size_t count = 0;
    std::string first_total;
    std::set<std::string> seen_tokens;
    std::set<std::pair<std::string, std::string>> seen_links;
  };

  Result<std::optional<HttpRequest>> next_request(std::size_t job, const PageInfo& info) {
    Pages& p = m_pages[job];
    std::string continuation;
    Result<std::string> url = std::string();
    if (info.has_next) {
      if (!info.next_method.empty() && !iequals(info.next_method, "get")) {
        return make_error(ExitCode::kInvalid, "invalid response: links.next asks for method " +
                                                  printable_excerpt(info.next_method, 20) +
                                                  "; only GET is followed");
      }
      url = next_url(m_settings.base, info.next_uri, "links.next", true);
      for (const auto& h : info.next_headers) {
        if (iequals(h.key, "MS-ContinuationToken")) continuation = h.value;
      }
      for (char c : continuation) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          return make_error(ExitCode::kInvalid,
                            "invalid response: the continuation token has control characters");
        }
      }
    } else if (!info.next_link.empty()) {
      url = next_url(m_settings.base, info.next_link, "@nextLink", false);
    } else {
      return std::optional<HttpRequest>();
    }
    if (!url) return url.error();
    if (!p.seen_links.emplace(*url, continuation).second ||
        (!continuation.empty() && !p.seen_tokens.insert(continuation).second)) {
      return make_error(ExitCode::kInvalid, std::string("invalid response: ") +
                                                (info.has_next ? "links.next" : "@nextLink") +
                                                " loops (page " + std::to_string(p.count + 1) +
                                                " repeats an earlier link or continuation token)");
    }
    if (p.count >= m_settings.max_pages) {
      return make_error(ExitCode::kInvalid, "invalid response: more than --max-pages " +
                                                std::to_string(m_settings.max_pages) + " pages");
    }
    return std::optional<HttpRequest>(request(std::move(*url), continuation));
  }

  void warn_total(std::size_t job) {
    const std::string& total = m_pages[job].first_total;
    const std::size_t got = m_items[job].size();
    if (total.empty() || total.find_first_not_of("0123456789") != std::string::npos ||
        total == std::to_string(got)) {
      return;
    }
    m_err << "pcusage: warning: the response announced totalCount " << total << " but " << got
          << " items arrived";
    if (job < m_labels.size()) m_err << " (" << m_labels[job] << ")";
    m_err << "\n";
  }

  const FetchSettings& m_settings;
  HeaderList m_common;
  Dataset m_data;
  std::vector<Pages> m_pages;
  std::vector<std::vector<std::uint32_t>> m_items;
  std::ostream& m_err;
  const std::vector<std::string>& m_labels;
};

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
  std::optional<HttpResponse> answer;
  const OnAnswer keep = [&answer](std::size_t, HttpResponse& response) {
    answer = std::move(response);
    return Result<std::optional<HttpRequest>>(std::nullopt);
  };
  BatchPolicy policy;
  policy.rotate_request_id = rotate_request_id;
  policy.what = what;
  FetchSettings one = settings;
  one.concurrency = 1;
  std::vector<HttpRequest> first;
  first.push_back(std::move(request));
  auto errors = run_batch(client, std::move(first), keep, one, policy, err);
  if (!errors) return errors.error();
  if (errors->front()) return *errors->front();
  return std::move(*answer);
}

Result<Collections> fetch_collections(HttpClient& client, const FetchSettings& settings,
                                      const std::vector<std::string>& urls, bool stop_on_failure,
                                      const std::string& noun, std::ostream& err,
                                      const std::vector<std::string>& labels) {
  PageCollector collector(settings, urls.size(), err, labels);
  std::vector<HttpRequest> first;
  first.reserve(urls.size());
  for (const auto& path : urls) first.push_back(collector.request(settings.base.join(path), ""));
  const OnAnswer on_answer = [&collector](std::size_t job, HttpResponse& response) {
    return collector.on_answer(job, response);
  };
  BatchPolicy policy;
  policy.stop_on_failure = stop_on_failure;
  policy.noun = noun;
  auto errors = run_batch(client, std::move(first), on_answer, settings, policy, err);
  if (!errors) return errors.error();
  Collections out{std::move(collector.data()), std::move(collector.items()), std::move(*errors)};
  return out;
}

Result<Dataset> fetch_collection(HttpClient& client, const FetchSettings& settings,
                                 const std::string& path, std::ostream& err) {
  auto got = fetch_collections(client, settings, {path}, true, "", err);
  if (!got) return got.error();
  if (got->errors.front()) return *got->errors.front();
  return std::move(got->data);
}

Result<Dataset> fetch_usage(HttpClient& client, const FetchSettings& settings, std::ostream& err) {
  return fetch_collection(client, settings, kUsagePath, err);
}

}  // namespace pcusage
