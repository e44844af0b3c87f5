// A fake Microsoft sign-in service (device code, authorization code with PKCE, refresh token) and
// Partner Center usage endpoint behind one loopback server, and a fake browser for the redirect.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support/loopback_server.h"

namespace pcusage::test {

// Decodes application/x-www-form-urlencoded text (a form body or a query) into name -> value.
std::map<std::string, std::string> decode_form(const std::string& text);

// What the fake service answers; change it between runs.
struct SignInScript {
  std::vector<std::string> polls{"authorization_pending", "ok"};  // device-code polls; last repeats
  std::string interval = "5";
  std::string expires_in = "900";         // the device code's lifetime
  std::string token_expires_in = "3600";  // access tokens' lifetime
  std::string devicecode_error;           // "error|AADSTSnnn: text" answers 400
  std::string token_error;                // same for every token request
  std::set<std::string> rejected_tokens;  // the API answers 401 to these
  std::string api_401_body = R"({"code":600008,"description":"Unauthorized: token rejected"})";
};

// The service: {url}/{tenant}/oauth2/devicecode|token, and {url}/v1/analytics/licenses/usage.
class SignInService {
 public:
  SignInService();

  std::string url() const { return m_server->url(); }
  // Every request, in arrival order.
  std::vector<RecordedRequest> requests() const { return m_server->requests(); }
  // The forms of the POSTs to .../oauth2/token (with `grant_type`, when given).
  std::vector<std::map<std::string, std::string>> token_forms(const std::string& grant = "") const;
  // The Authorization headers the API received.
  std::vector<std::string> api_authorizations() const;

  // The answers; guarded, as the server answers from its own threads.
  SignInScript script() const;
  void set_script(SignInScript s);
  // The code_challenge of the last authorize URL the fake browser saw.
  void expect_challenge(const std::string& challenge);

 private:
  Reply answer(const RecordedRequest& request);
  mutable std::mutex m_mutex;
  SignInScript m_script;
  int m_polls = 0;
  int m_issued = 0;
  std::string m_challenge;
  std::unique_ptr<LoopbackServer> m_server;
};

// What the fake browser does with the authorize URL.
struct BrowserPlan {
  enum Kind { kApprove, kWrongState, kError, kNothing, kTwice, kOtherHostFirst } kind = kApprove;
};

// A fake browser: reads the authorize URL pcusage opens, then sends the redirect(s) the plan says
// to the listener (without waiting for the answer). Connections stay open until destruction.
class FakeBrowser {
 public:
  FakeBrowser(SignInService& service, BrowserPlan plan) : m_service(service), m_plan(plan) {}
  ~FakeBrowser();
  FakeBrowser(const FakeBrowser&) = delete;
  FakeBrowser& operator=(const FakeBrowser&) = delete;

  // The UrlOpener.
  void open(const std::string& url);
  // The authorize URL's query, as opened.
  std::map<std::string, std::string> query;

 private:
  void send_redirect(int port, const std::string& host, const std::string& query_text);
  SignInService& m_service;
  BrowserPlan m_plan;
  std::vector<int> m_fds;
};

}  // namespace pcusage::test
