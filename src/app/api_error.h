// Turning an HTTP response with a bad status, or a transport failure, into an Error.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/http_client.h"

namespace pcusage {

// The exit code for an HTTP status: 401/403 -> 3; 408, 429, 5xx except 501 -> 5; 501 and other
// 3xx/4xx -> 4.
ExitCode exit_code_for_status(long status);

// One line describing a failed response: status, Partner Center code and description (or the
// throttling message, or an excerpt of an HTML body), and the ids support asks for: the
// MS-CorrelationId the server echoed, else `sent_correlation_id` (the one the request carried).
Error http_error(const std::string& what, const HttpResponse& response,
                 std::string_view sent_correlation_id = {});

// One line describing a transport failure (exit 6, or 7 for an oversized body, 130/143 on signal).
Error transport_error(const std::string& what, const TransportError& failure);

// The reason phrase of common statuses ("Not Found"), or "".
const char* reason_phrase(long status);

}  // namespace pcusage
