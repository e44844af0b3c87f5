#include "app/scheduler.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "app/api_error.h"
#include "app/retry.h"
#include "app/trace.h"
#include "core/signals.h"
#include "core/text.h"
#include "core/uuid.h"

namespace pcusage {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

void set_header(HeaderList& headers, const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (iequals(k, name)) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

Error deadline_error(const std::string& what, const FetchSettings& settings) {
  std::ostringstream m;
  m << "the --timeout of " << settings.timeout_s << " s passed";
  return transport_error(what, TransportError{TransportFailure::kDeadline, m.str(), false});
}

Error interrupted_error() {
  return transport_error(
      "interrupted", TransportError{TransportFailure::kInterrupted, "stopped by signal", false});
}

std::string seconds_text(std::chrono::milliseconds wait) {
  const auto s = (wait.count() + 999) / 1000;
  return std::to_string(s) + " s";
}

// `error` saying how many attempts were made when there was more than one (or `why` was given),
// and `why` no further attempt was made (", all that --retries 3 allows").
Error after_attempts(Error error, int attempts, const std::string& why = "") {
  if (attempts <= 1 && why.empty()) return error;
  error.message +=
      " (after " + std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") + why + ")";
  return error;
}

// One job: the request it sends next, and where it stands.
struct Job {
  enum class State { kWaiting, kInFlight, kDone, kFailed };
  HttpRequest request;
  State state = State::kWaiting;
  TimePoint ready_at;  // a waiting job starts no earlier
  int attempt = 0;     // attempts of the current request so far
  ExchangeId exchange = 0;
  std::optional<Error> error;
};

class Batch {
 public:
  Batch(HttpClient& client, const OnAnswer& on_answer, const FetchSettings& settings,
        const BatchPolicy& policy, std::ostream& err)
      : m_client(client),
        m_on_answer(on_answer),
        m_settings(settings),
        m_policy(policy),
        m_err(err),
        m_clock(*settings.clock),
        m_rng(std::random_device{}()) {}

  Result<std::vector<std::optional<Error>>> run(std::vector<HttpRequest> first) {
    for (auto& request : first) {
      Job job;
      job.request = std::move(request);
      job.ready_at = m_clock.now();
      m_jobs.push_back(std::move(job));
    }
    m_hold_until = m_clock.now();
    auto status = loop();
    show("");
    if (!status) return status.error();
    if (m_refused) return *m_refused;
    std::vector<std::optional<Error>> errors;
    // After a stop only the job that failed has an error; the others were left unfinished.
    for (auto& job : m_jobs) errors.push_back(job.error);
    return errors;
  }

 private:
  Status loop() {
    while (m_finished < m_jobs.size()) {
      if (interrupted()) return interrupted_error();
      const TimePoint now = m_clock.now();
      if (now >= m_settings.deadline) {
        fail_remaining(deadline_error(m_policy.what, m_settings));
        return Ok{};
      }
      start_ready(now);
      const TimePoint next = next_event(now);
      if (m_client.in_flight() == 0) {
        if (!m_clock.sleep_until(next)) return interrupted_error();
        continue;
      }
      for (auto& done : m_client.wait(next)) {
        const auto it = m_by_exchange.find(done.id);
        if (it == m_by_exchange.end()) continue;
        const std::size_t index = it->second;
        m_by_exchange.erase(it);
        handle(index, done.result);
        if (m_stopped) return Ok{};
      }
    }
    return Ok{};
  }

  void start_ready(TimePoint now) {
    if (now < m_hold_until || m_stopped) return;
    // In job order, so that answers come back roughly in the order the jobs were given.
    for (std::size_t i = m_first_open; i < m_jobs.size(); ++i) {
      if (static_cast<int>(m_client.in_flight()) >= m_settings.concurrency) return;
      Job& job = m_jobs[i];
      if (i == m_first_open &&
          (job.state == Job::State::kDone || job.state == Job::State::kFailed)) {
        ++m_first_open;
        continue;
      }
      if (job.state != Job::State::kWaiting || job.ready_at > now) continue;
      ++job.attempt;
      if (m_settings.verbose) {
        trace_request(m_err, job.request, "attempt " + std::to_string(job.attempt));
      }
      if (m_policy.noun.empty()) show("");
      job.state = Job::State::kInFlight;
      job.exchange = m_client.start(job.request);
      m_by_exchange.emplace(job.exchange, i);
    }
  }

  // The earliest time something can change without an answer: a job's retry (not before a
  // shared hold ends), or the deadline.
  TimePoint next_event(TimePoint now) const {
    TimePoint next = m_settings.deadline;
    // With every slot taken only an answer can change anything.
    if (static_cast<int>(m_client.in_flight()) >= m_settings.concurrency) return next;
    for (std::size_t i = m_first_open; i < m_jobs.size(); ++i) {
      const Job& job = m_jobs[i];
      if (job.state == Job::State::kWaiting) {
        next = std::min(next, std::max({job.ready_at, m_hold_until, now}));
      }
    }
    return next;
  }

  void handle(std::size_t index, HttpResult& result) {
    Job& job = m_jobs[index];
    std::optional<std::chrono::milliseconds> wait;
    bool shared_wait = false;
    bool got_response = false;
    Error last;
    if (auto* response = std::get_if<HttpResponse>(&result)) {
      got_response = true;
      if (m_settings.verbose) trace_response(m_err, *response);
      if (response->status >= 200 && response->status < 300) return answered(index, *response);
      last = http_error(m_policy.what, *response,
                        find_header(job.request.headers, "MS-CorrelationId"));
      if (!is_retryable_status(response->status)) {
        return fail(index, after_attempts(std::move(last), job.attempt));
      }
      wait = parse_retry_after(find_header(response->headers, "Retry-After"), std::time(nullptr));
      shared_wait = wait && (response->status == 429 || response->status == 503);
      m_last_status = "HTTP " + std::to_string(response->status);
    } else {
      const auto& failure = std::get<TransportError>(result);
      got_response = failure.got_response;
      if (m_settings.verbose) trace_failure(m_err, failure);
      if (failure.kind == TransportFailure::kDeadline) {
        return fail(index, after_attempts(deadline_error(m_policy.what, m_settings), job.attempt));
      }
      if (failure.kind == TransportFailure::kInterrupted) return fail(index, interrupted_error());
      last = transport_error(m_policy.what, failure);
      if (!is_retryable_failure(failure.kind)) {
        return fail(index, after_attempts(std::move(last), job.attempt));
      }
      m_last_status = printable_excerpt(failure.message, 60);
    }
    if (job.attempt > m_settings.retries) {
      const std::string why =
          job.attempt > 1 ? ", all that --retries " + std::to_string(m_settings.retries) + " allows"
                          : "";
      return fail(index, after_attempts(std::move(last), job.attempt, why));
    }
    if (!wait) wait = backoff_delay(job.attempt, jitter());
    const TimePoint now = m_clock.now();
    const TimePoint resume = now + *wait;
    if (resume >= m_settings.deadline) {
      if (m_settings.verbose) {
        m_err << "* not retrying: a wait of " << wait->count() << " ms would pass the deadline\n";
      }
      std::ostringstream why;
      why << "; the next wait, " << seconds_text(*wait) << ", would pass the --timeout of "
          << m_settings.timeout_s << " s";
      return fail(index, after_attempts(std::move(last), job.attempt, why.str()));
    }
    if (m_settings.verbose) {
      m_err << "* retrying in " << wait->count() << " ms (" << job.attempt << " of "
            << m_settings.retries << " retries)\n";
    }
    if (shared_wait) m_hold_until = std::max(m_hold_until, resume);
    m_retry_attempt = job.attempt + 1;
    // The documented idempotency rule: same id after no response, a new one after any response.
    if (m_policy.rotate_request_id && got_response) {
      set_header(job.request.headers, "MS-RequestId", new_uuid());
    }
    job.state = Job::State::kWaiting;
    job.ready_at = resume;
    show_waiting(resume);
  }

  void answered(std::size_t index, HttpResponse& response) {
    Job& job = m_jobs[index];
    auto next = m_on_answer(index, response);
    if (!next) return fail(index, next.error());
    if (!*next) {
      job.state = Job::State::kDone;
      ++m_finished;
      show_progress();
      return;
    }
    job.request = std::move(**next);
    job.state = Job::State::kWaiting;
    job.ready_at = m_clock.now();
    job.attempt = 0;
  }

  void fail(std::size_t index, Error error) {
    Job& job = m_jobs[index];
    job.state = Job::State::kFailed;
    job.error = std::move(error);
    ++m_finished;
    ++m_failed;
    if (m_policy.stop_on_failure) m_stopped = true;
    // Every job carries the same token: once it is refused, no job can succeed with it, and the
    // failure is not one job's, even in a batch that goes on after a job fails.
    if (job.error->http_status == 401) {
      m_refused = job.error;
      m_stopped = true;
    }
    show_progress();
  }

  void fail_remaining(const Error& error) {
    for (auto& job : m_jobs) {
      if (job.state == Job::State::kDone || job.state == Job::State::kFailed) continue;
      job.state = Job::State::kFailed;
      job.error = error;
      ++m_finished;
      ++m_failed;
    }
  }

  double jitter() {
    if (m_settings.jitter) return m_settings.jitter();
    return std::uniform_real_distribution<double>(-1.0, 1.0)(m_rng);
  }

  void show(const std::string& text) {
    if (m_settings.status && text != m_shown) m_settings.status(text);
    m_shown = text;
  }

  void show_progress() {
    if (m_policy.noun.empty() || !m_settings.status) return;
    show(progress_text());
  }

  std::string progress_text() const {
    std::string text =
        std::to_string(m_finished) + "/" + std::to_string(m_jobs.size()) + " " + m_policy.noun;
    if (m_failed > 0) text += ", " + std::to_string(m_failed) + " failed";
    return text;
  }

  void show_waiting(TimePoint until) {
    if (!m_settings.status) return;
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - m_clock.now());
    if (!m_policy.noun.empty()) {
      std::string text = progress_text();
      if (m_hold_until > m_clock.now()) {
        text += ", waiting " + seconds_text(wait) + " for Retry-After";
      }
      return show(text);
    }
    show(m_last_status + ", retrying in " + seconds_text(wait) + " (attempt " +
         std::to_string(m_retry_attempt) + " of " + std::to_string(m_settings.retries + 1) + ")");
  }

  HttpClient& m_client;
  const OnAnswer& m_on_answer;
  const FetchSettings& m_settings;
  const BatchPolicy& m_policy;
  std::ostream& m_err;
  Clock& m_clock;
  std::mt19937 m_rng;
  std::vector<Job> m_jobs;
  std::unordered_map<ExchangeId, std::size_t> m_by_exchange;
  std::size_t m_first_open = 0;  // jobs before it are done or failed
  std::size_t m_finished = 0;
  std::size_t m_failed = 0;
  TimePoint m_hold_until;
  bool m_stopped = false;
  std::optional<Error> m_refused;  // the 401 that ended the batch
  std::string m_shown;
  std::string m_last_status;
  int m_retry_attempt = 0;
};

}  // namespace

Result<std::vector<std::optional<Error>>> run_batch(HttpClient& client,
                                                    std::vector<HttpRequest> first,
                                                    const OnAnswer& on_answer,
                                                    const FetchSettings& settings,
                                                    const BatchPolicy& policy, std::ostream& err) {
  Batch batch(client, on_answer, settings, policy, err);
  return batch.run(std::move(first));
}

}  // namespace pcusage
