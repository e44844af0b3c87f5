// The libcurl implementation of HttpClient.
#pragma once

#include <memory>

#include "http/http_client.h"

namespace pcusage {

// Creates the real HTTP client (libcurl). `interrupted` is polled during transfers: when it
// returns true the transfer is aborted with TransportFailure::kInterrupted. The client keeps one
// connection cache across sends, so it performs one send at a time (not thread-safe).
std::unique_ptr<HttpClient> make_curl_client(bool (*interrupted)() = nullptr);

}  // namespace pcusage
