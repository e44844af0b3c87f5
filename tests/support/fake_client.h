// An in-memory HttpClient that replays scripted outcomes or answers through a function, on a
// FakeClock (fake_clock.h) when concurrency and timing matter.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "http/http_client.h"
#include "support/fake_clock.h"

namespace pcusage::test {

// How a responder answers one request: the outcome, and how long after its start it arrives.
struct Answer {
  HttpResult result;
  std::chrono::milliseconds after{0};
};

// An HttpClient that answers every request through `responder` (or, given a script, replays it in
// order; once it runs out, every request is a connection failure). With a FakeClock, answers
// arrive at their start time plus `after`, and wait() moves the clock to the next arrival.
class FakeClient : public HttpClient {
 public:
  using Responder = std::function<Answer(const HttpRequest&)>;

  explicit FakeClient(std::vector<HttpResult> script = {}) : m_script(std::move(script)) {}
  FakeClient(Responder responder, FakeClock* clock)
      : m_responder(std::move(responder)), m_clock(clock) {}

  ExchangeId start(HttpRequest request) override {
    Answer answer = next(request);
    sent.push_back(std::move(request));
    const auto at =
        (m_clock != nullptr ? m_clock->now() : std::chrono::steady_clock::time_point{}) +
        answer.after;
    m_pending.push_back(Pending{m_next, at, std::move(answer.result)});
    max_in_flight = std::max(max_in_flight, m_pending.size());
    return m_next++;
  }

  std::vector<Completion> wait(std::chrono::steady_clock::time_point until) override {
    std::vector<Completion> done;
    if (m_pending.empty()) return done;
    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [](const Pending& a, const Pending& b) { return a.at < b.at; });
    const auto first = m_pending.front().at;
    if (m_clock != nullptr) {
      if (first > until) {
        m_clock->advance_to(until);
        return done;
      }
      m_clock->advance_to(first);
    }
    while (!m_pending.empty() && m_pending.front().at <= first) {
      done.push_back(Completion{m_pending.front().id, std::move(m_pending.front().result)});
      m_pending.erase(m_pending.begin());
    }
    return done;
  }

  std::size_t in_flight() const override { return m_pending.size(); }
  std::string version() const override { return "fakehttp/1.0"; }

  // Every request started, in order.
  std::vector<HttpRequest> sent;
  // The most exchanges that were in flight at once.
  std::size_t max_in_flight = 0;

 private:
  struct Pending {
    ExchangeId id;
    std::chrono::steady_clock::time_point at;
    HttpResult result;
  };

  Answer next(const HttpRequest& request) {
    if (m_responder) return m_responder(request);
    if (m_next_script < m_script.size()) return Answer{m_script[m_next_script++]};
    return Answer{
        TransportError{TransportFailure::kConnect, "connection refused (script exhausted)", false}};
  }

  std::vector<HttpResult> m_script;
  std::size_t m_next_script = 0;
  Responder m_responder;
  FakeClock* m_clock = nullptr;
  std::vector<Pending> m_pending;
  ExchangeId m_next = 1;
};

// A response with the given status, body and headers.
inline HttpResponse response(long status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = ByteBuffer(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace pcusage::test
