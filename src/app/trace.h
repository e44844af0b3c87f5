// The -v trace of requests and answers on stderr, with every secret masked.
#pragma once

#include <ostream>
#include <string>

#include "http/http_client.h"

namespace pcusage {

// Traces `request` as "* METHOD url (note)", its headers with the bearer token masked, and its
// body as request.trace_body (else only its size), so no secret reaches the trace.
void trace_request(std::ostream& err, const HttpRequest& request, const std::string& note);

// Traces an answer's status, time, size and the headers worth a support case; never its body.
void trace_response(std::ostream& err, const HttpResponse& response);

// Traces why no complete answer arrived.
void trace_failure(std::ostream& err, const TransportError& failure);

// Traces whichever `result` holds.
void trace_result(std::ostream& err, const HttpResult& result);

}  // namespace pcusage
