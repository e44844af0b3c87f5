#include "app/device_code.h"

#include <csignal>
#include <cstdlib>

#include "app/api_error.h"
#include "app/trace.h"
#include "core/signals.h"
#include "core/text.h"
#include "model/flat_object.h"

namespace pcusage {

namespace {

using std::chrono::seconds;

constexpr long kDefaultInterval = 5;
constexpr long kDefaultExpiry = 900;
constexpr int kMaxTransientFailures = 5;  // outages in a row while polling before giving up

// A number that may come as a JSON number or a string; `fallback` when absent or not a number.
long number_field(const std::map<std::string, std::string>& fields, const char* name, long fallback,
                  long min, long max) {
  auto it = fields.find(name);
  if (it == fields.end()) return fallback;
  char* end = nullptr;
  const long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0') return fallback;
  return v < min ? min : (v > max ? max : v);
}

std::string field(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

// The first line of the service's error_description ("AADSTS70020: ..."), or the error itself.
std::string description(const std::map<std::string, std::string>& fields) {
  std::string d = field(fields, "error_description");
  d = d.substr(0, d.find_first_of("\r\n"));
  return printable_excerpt(d.empty() ? field(fields, "error") : d, 300);
}

Error auth_error(const std::string& message) {
  return make_error(ExitCode::kAuth, "sign-in failed: " + message);
}

Error interrupted_error() {
  return make_error(pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted,
                    "interrupted: nothing was stored");
}

constexpr const char* kPublicClientHint =
    " (the device-code flow needs an app registration that allows public client flows: "
    "Authentication > Allow public client flows; or use 'pcusage login --browser')";

}  // namespace

Result<TokenAnswer> device_code_sign_in(HttpClient& client, const Options& options,
                                        const FetchSettings& settings, Clock& clock,
                                        std::ostream& err) {
  const std::string id = form_encode(options.client_id);
  const std::string resource = form_encode(kPartnerCenterResource);
  const std::string form = "client_id=" + id + "&resource=" + resource;
  auto started =
      send_with_retries(client, sign_in_request(options, settings, "devicecode", form, form),
                        settings, false, "sign-in failed", err);
  if (!started) {
    Error e = sign_in_error(started.error());
    if (e.message.find("AADSTS7000218") != std::string::npos ||
        e.message.find("invalid_client") != std::string::npos) {
      e.message += kPublicClientHint;
    }
    return e;
  }
  auto fields = parse_flat_object(started->body);
  const std::string device_code = fields ? field(*fields, "device_code") : "";
  if (device_code.empty() || !is_visible_ascii(device_code)) {
    return make_error(ExitCode::kInvalid,
                      "sign-in failed: invalid response: no device_code in the answer");
  }
  std::string message = field(*fields, "message");
  if (message.empty()) {
    std::string url = field(*fields, "verification_url");
    if (url.empty()) url = field(*fields, "verification_uri");
    message = "To sign in, open " + url + " in a browser and enter the code " +
              field(*fields, "user_code");
  }
  err << printable_excerpt(message, 1000) << "\n";
  err.flush();

  long interval = number_field(*fields, "interval", kDefaultInterval, 1, 300);
  const auto expires =
      clock.now() + seconds(number_field(*fields, "expires_in", kDefaultExpiry, 1, 86400));
  const std::string poll_form = "grant_type=device_code&client_id=" + id +
                                "&code=" + form_encode(device_code) + "&resource=" + resource;
  const std::string trace_form =
      "grant_type=device_code&client_id=" + id + "&code=***&resource=" + resource;
  int transient_failures = 0;
  int polls = 0;
  for (auto next = clock.now() + seconds(interval);; next = clock.now() + seconds(interval)) {
    if (next >= expires) {
      return auth_error(
          "the code expired before the sign-in was completed; nothing was stored "
          "(run pcusage login again)");
    }
    if (!clock.sleep_until(next)) return interrupted_error();
    HttpRequest poll = sign_in_request(options, settings, "token", poll_form, trace_form);
    poll.deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long long>(settings.timeout_s * 1000));
    // Traced like every other request; the device code is a credential while the sign-in is
    // pending, so the trace shows trace_form, with the code masked.
    if (settings.verbose) trace_request(err, poll, "poll " + std::to_string(++polls));
    HttpResult result = client.send(poll);
    if (interrupted()) return interrupted_error();
    if (settings.verbose) trace_result(err, result);
    auto* response = std::get_if<HttpResponse>(&result);
    if (response != nullptr && response->status >= 200 && response->status < 300) {
      auto answer = parse_token_answer(response->body);
      if (answer && answer->refresh_token.empty()) {
        return make_error(ExitCode::kInvalid,
                          "sign-in failed: invalid response: no refresh_token in the answer");
      }
      return answer;
    }
    auto body = response ? parse_flat_object(response->body) : std::nullopt;
    const std::string error = body ? field(*body, "error") : "";
    if (error == "authorization_pending") {
      transient_failures = 0;
      continue;
    }
    if (error == "slow_down") {
      interval += 5;
      continue;
    }
    if (error == "expired_token") {
      return auth_error(
          "the code expired before the sign-in was completed; nothing was stored "
          "(run pcusage login again): " +
          description(*body));
    }
    if (error == "authorization_declined") {
      return auth_error("the sign-in was declined: " + description(*body));
    }
    if (error == "bad_verification_code") {
      return auth_error("the service did not recognise the device code: " + description(*body));
    }
    if (!error.empty()) {
      const std::string d = description(*body);
      const bool public_flows = d.find("AADSTS7000218") != std::string::npos ||
                                error == "invalid_client" || error == "unauthorized_client";
      return auth_error(error + ": " + d + (public_flows ? kPublicClientHint : ""));
    }
    // No answer, or an outage or throttling: keep polling a few times before giving up.
    if (++transient_failures > kMaxTransientFailures) {
      return response ? sign_in_error(http_error("sign-in failed", *response))
                      : transport_error("sign-in failed", std::get<TransportError>(result));
    }
  }
}

}  // namespace pcusage
