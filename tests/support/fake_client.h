// An in-memory HttpClient: replays scripted outcomes and records the requests it was given.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/http_client.h"

namespace pcusage::test {

// Replays `script` in order; once it runs out, every send is a connection failure.
class FakeClient : public HttpClient {
 public:
  explicit FakeClient(std::vector<HttpResult> script = {}) : m_script(std::move(script)) {}

  HttpResult send(const HttpRequest& request) override {
    sent.push_back(request);
    if (m_next < m_script.size()) return m_script[m_next++];
    return TransportError{TransportFailure::kConnect, "connection refused (script exhausted)",
                          false};
  }
  std::string version() const override { return "fakehttp/1.0"; }

  // Every request sent, in order.
  std::vector<HttpRequest> sent;

 private:
  std::vector<HttpResult> m_script;
  std::size_t m_next = 0;
};

// A response with the given status, body and headers.
inline HttpResponse response(long status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace pcusage::test
