#include "app/trace.h"

#include <variant>

#include "app/api_error.h"
#include "core/text.h"

namespace pcusage {

void trace_request(std::ostream& err, const HttpRequest& request, const std::string& note) {
  err << "* " << request.method << " " << printable_excerpt(request.url, 2000) << " (" << note
      << ")\n";
  for (const auto& [k, v] : request.headers) {
    const bool secret = iequals(k, "authorization");
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

void trace_failure(std::ostream& err, const TransportError& failure) {
  err << "* " << printable_excerpt(failure.message, 500) << "\n";
}

void trace_result(std::ostream& err, const HttpResult& result) {
  if (const auto* response = std::get_if<HttpResponse>(&result)) {
    trace_response(err, *response);
  } else {
    trace_failure(err, std::get<TransportError>(result));
  }
}

}  // namespace pcusage
