#include "app/api_error.h"

#include <cctype>
#include <csignal>

#include "app/html_text.h"
#include "core/signals.h"
#include "core/text.h"
#include "model/flat_object.h"

namespace pcusage {

namespace {

// What a status without a known reason phrase means, from its class.
std::string status_class_wording(long status) {
  if (status >= 100 && status < 200) return "an informational status, not an answer";
  if (status >= 300 && status < 400) return "an unknown redirection status";
  if (status >= 400 && status < 500) {
    return "an unknown client error status: the request was refused";
  }
  if (status >= 500 && status < 600) return "an unknown server error status";
  return "not a valid HTTP status";
}

bool is_redirect(long status) {
  return status == 300 || status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

// True when `word` occurs in `text` with no letter or digit on either side.
bool has_word(std::string_view text, std::string_view word) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const std::size_t end = at + word.size();
    if ((at == 0 || !alnum(text[at - 1])) && (end == text.size() || !alnum(text[end]))) return true;
  }
  return false;
}

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
    case 304:
      return "Not Modified";
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
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 418:
      return "I'm a Teapot";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 451:
      return "Unavailable For Legal Reasons";
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
    case 505:
      return "HTTP Version Not Supported";
    case 511:
      return "Network Authentication Required";
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
  } else {
    msg += " (" + status_class_wording(response.status) + ")";
  }
  std::string detail;
  if (response.status == 304) {
    // pcusage sends no conditional request, so this comes from a cache or proxy in between.
    detail = "not modified, though nothing conditional was asked (a cache or proxy in between?)";
  } else if (is_redirect(response.status)) {
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
  std::string hint;
  // The sign-in service's answers get their own hints in sign_in.cpp; these are the API's.
  const bool api = what.rfind("sign-in", 0) != 0;
  if (api && response.status == 401) {
    const std::string lower = to_lower(response.body);
    if (lower.find("900421") != std::string::npos ||
        lower.find("multi-factor") != std::string::npos || has_word(lower, "mfa")) {
      msg = what +
            ": the token was issued without multi-factor authentication; run pcusage login and "
            "complete MFA (HTTP 401: " +
            detail + ")";
    } else {
      hint =
          " (access tokens last about an hour: run 'pcusage login' once, or use "
          "--refresh-token-file, and pcusage signs in by itself)";
    }
  }
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
  msg += hint;
  Error e = make_error(exit_code_for_status(response.status), printable_excerpt(msg, 800));
  e.http_status = response.status;
  return e;
}

Error transport_error(const std::string& what, const TransportError& failure) {
  ExitCode code = ExitCode::kNetwork;
  std::string hint;
  switch (failure.kind) {
    case TransportFailure::kTooLarge:
      code = ExitCode::kInvalid;
      break;
    case TransportFailure::kNoMemory:
      code = ExitCode::kInternal;
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
