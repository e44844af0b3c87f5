#include "app/api_error.h"

#include <csignal>

#include "app/html_text.h"
#include "core/signals.h"
#include "core/text.h"
#include "model/flat_object.h"

namespace pcusage {

namespace {

std::string first_line(std::string_view s) {
  const std::size_t nl = s.find_first_of("\r\n");
  return std::string(trim(s.substr(0, nl)));
}

}  // namespace

const char* reason_phrase(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

ExitCode exit_code_for_status(long status) {
  if (status == 401 || status == 403) return ExitCode::kAuth;
  // The server does not implement the request: trying again later cannot help.
  if (status == 501) return ExitCode::kRefused;
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
    return ExitCode::kUnavailable;
  }
  return ExitCode::kRefused;
}

Error http_error(const std::string& what, const HttpResponse& response,
                 std::string_view sent_correlation_id) {
  std::string msg = what + ": HTTP " + std::to_string(response.status);
  if (const char* reason = reason_phrase(response.status); *reason) {
    msg += std::string(" ") + reason;
  }
  std::string detail;
  if (response.status >= 300 && response.status < 400) {
    const auto location = find_header(response.headers, "Location");
    detail = "redirect to " +
             (location.empty() ? std::string("(no Location)") : std::string(location)) +
             " not followed";
  } else if (auto fields = parse_flat_object(response.body)) {
    auto get = [&](const char* k) {
      auto it = fields->find(k);
      return it == fields->end() ? std::string() : first_line(it->second);
    };
    const std::string code = get("code"), description = get("description"),
                      message = get("message");
    const std::string error = get("error"), error_description = get("error_description");
    if (!code.empty()) detail = code;
    const std::string& text = !description.empty() ? description : message;
    if (!text.empty()) detail += (detail.empty() ? "" : ": ") + text;
    if (detail.empty() && !error.empty()) {
      detail = error + (error_description.empty() ? "" : ": " + error_description);
    }
  } else if (!trim(response.body).empty()) {
    detail = html_text(response.body);
  }
  if (!detail.empty()) msg += ": " + detail;
  // A gateway or proxy does not echo the id; the one sent is what support can search for.
  std::string_view cid = find_header(response.headers, "MS-CorrelationId");
  if (cid.empty()) cid = sent_correlation_id;
  const auto rid = find_header(response.headers, "MS-RequestId");
  if (!cid.empty() || !rid.empty()) {
    msg += " (";
    if (!cid.empty()) msg += "MS-CorrelationId " + std::string(cid);
    if (!cid.empty() && !rid.empty()) msg += ", ";
    if (!rid.empty()) msg += "MS-RequestId " + std::string(rid);
    msg += ")";
  }
  return make_error(exit_code_for_status(response.status), printable_excerpt(msg, 600));
}

Error transport_error(const std::string& what, const TransportError& failure) {
  ExitCode code = ExitCode::kNetwork;
  std::string hint;
  switch (failure.kind) {
    case TransportFailure::kTooLarge:
      code = ExitCode::kInvalid;
      break;
    case TransportFailure::kInterrupted:
      code = pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted;
      break;
    case TransportFailure::kCertificate:
      hint = " (if a proxy inspects TLS, give its CA with --cacert FILE)";
      break;
    case TransportFailure::kProxyRefused:
      hint = " (check the proxy's address and credentials, or set NO_PROXY for this host)";
      break;
    default:
      break;
  }
  return make_error(code, printable_excerpt(what + ": " + failure.message + hint, 600));
}

}  // namespace pcusage
