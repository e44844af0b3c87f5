#include "support/sign_in_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "core/crypto.h"

namespace pcusage::test {

namespace {

const char* kItems = R"({"totalCount":2,"items":[{"workloadName":"Exchange","serviceName":"o365"},)"
                     R"({"workloadName":"SharePoint","serviceName":"o365"}]})";

Reply aad_error(const std::string& spec) {
  const std::size_t bar = spec.find('|');
  const std::string error = spec.substr(0, bar);
  const std::string description = bar == std::string::npos ? "" : spec.substr(bar + 1);
  return http_reply(400, R"({"error":")" + error + R"(","error_description":")" + description +
                             R"(\r\nTrace ID: 1\r\nCorrelation ID: 2"})");
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::map<std::string, std::string> decode_form(const std::string& text) {
  auto decode = [](const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t amp = text.find('&', start);
    if (amp == std::string::npos) amp = text.size();
    const std::string pair = text.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
    start = amp + 1;
  }
  return out;
}

SignInService::SignInService()
    : m_server(std::make_unique<LoopbackServer>(
          [this](const RecordedRequest& r, int) { return answer(r); })) {}

SignInScript SignInService::script() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_script;
}

void SignInService::set_script(SignInScript s) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_script = std::move(s);
  m_polls = 0;
}

void SignInService::expect_challenge(const std::string& challenge) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_challenge = challenge;
}

std::vector<std::map<std::string, std::string>> SignInService::token_forms(
    const std::string& grant) const {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& r : requests()) {
    if (r.method != "POST" || !ends_with(r.target, "/oauth2/token")) continue;
    auto form = decode_form(r.body);
    if (grant.empty() || form["grant_type"] == grant) out.push_back(form);
  }
  return out;
}

std::vector<std::string> SignInService::api_authorizations() const {
  std::vector<std::string> out;
  for (const auto& r : requests()) {
    if (r.method == "GET") out.push_back(r.header("Authorization"));
  }
  return out;
}

Reply SignInService::answer(const RecordedRequest& r) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const SignInScript& s = m_script;
  if (r.method == "GET") {
    const std::string auth = r.header("Authorization");
    if (auth.rfind("Bearer ", 0) != 0 || s.rejected_tokens.count(auth.substr(7)) > 0) {
      return http_reply(401, s.api_401_body);
    }
    return http_reply(200, kItems);
  }
  auto form = decode_form(r.body);
  // Only /{tenant}/oauth2/... exists; anything deeper is a wrong authority.
  if (std::count(r.target.begin(), r.target.end(), '/') != 3) {
    return http_reply(404, R"({"error":"not_found"})");
  }
  if (ends_with(r.target, "/oauth2/devicecode")) {
    if (!s.devicecode_error.empty()) return aad_error(s.devicecode_error);
    return http_reply(200,
                      R"({"user_code":"TEST-CODE","device_code":"dc-1",)"
                      R"("verification_url":"https://microsoft.com/devicelogin",)"
                      R"("expires_in":")" +
                          s.expires_in + R"(","interval":")" + s.interval +
                          R"(","message":"To sign in, open )"
                          R"(https://microsoft.com/devicelogin and enter the code TEST-CODE."})");
  }
  if (!ends_with(r.target, "/oauth2/token")) return http_reply(404, R"({"error":"not_found"})");
  if (!s.token_error.empty()) return aad_error(s.token_error);
  const std::string grant = form["grant_type"];
  if (grant == "device_code") {
    if (form["code"] != "dc-1") return aad_error("bad_verification_code|AADSTS70019: bad code");
    const std::string& poll = s.polls[std::min<std::size_t>(m_polls++, s.polls.size() - 1)];
    if (poll != "ok") return aad_error(poll + "|AADSTS70016: " + poll);
  } else if (grant == "authorization_code") {
    if (form["code"].rfind("ac-", 0) != 0 ||
        base64url(sha256(form["code_verifier"])) != m_challenge) {
      return aad_error("invalid_grant|AADSTS501481: The code_verifier does not match");
    }
  } else if (grant == "refresh_token") {
    if (form["refresh_token"].rfind("rt-", 0) != 0) {
      return aad_error("invalid_grant|AADSTS70008: The refresh token has expired");
    }
  } else {
    return aad_error("unsupported_grant_type|AADSTS70003: no");
  }
  const std::string n = std::to_string(++m_issued);
  return http_reply(200, R"({"token_type":"Bearer","expires_in":")" + s.token_expires_in +
                             R"(","access_token":"at-)" + n + R"(","refresh_token":"rt-)" + n +
                             R"("})");
}

FakeBrowser::~FakeBrowser() {
  for (int fd : m_fds) close(fd);
}

void FakeBrowser::send_redirect(int port, const std::string& host, const std::string& query_text) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return;
  }
  const std::string request =
      "GET /?" + query_text + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: fake\r\n\r\n";
  [[maybe_unused]] const ssize_t n = send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  m_fds.push_back(fd);
}

void FakeBrowser::open(const std::string& url) {
  const std::size_t q = url.find('?');
  query = decode_form(q == std::string::npos ? "" : url.substr(q + 1));
  m_service.expect_challenge(query["code_challenge"]);
  const std::string redirect = query["redirect_uri"];  // http://localhost:PORT
  const int port = std::atoi(redirect.substr(redirect.rfind(':') + 1).c_str());
  const std::string host = "localhost:" + std::to_string(port);
  const std::string state = query["state"];
  switch (m_plan.kind) {
    case BrowserPlan::kApprove:
      send_redirect(port, host, "code=ac-1&state=" + state);
      break;
    case BrowserPlan::kWrongState:
      send_redirect(port, host, "code=ac-1&state=forged");
      break;
    case BrowserPlan::kError:
      send_redirect(port, host,
                    "error=access_denied&error_description=AADSTS65004%3A+User+declined+to+"
                    "consent&state=" +
                        state);
      break;
    case BrowserPlan::kNothing:
      break;
    case BrowserPlan::kTwice:
      send_redirect(port, host, "code=ac-1&state=" + state);
      send_redirect(port, host, "code=ac-2&state=" + state);
      break;
    case BrowserPlan::kOtherHostFirst:
      send_redirect(port, "evil.example:" + std::to_string(port), "code=ac-evil&state=" + state);
      send_redirect(port, host, "code=ac-1&state=" + state);
      break;
  }
}

}  // namespace pcusage::test
