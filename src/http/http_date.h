// HTTP dates (Retry-After, Date), read by libcurl's parser.
#pragma once

#include <ctime>
#include <optional>
#include <string_view>

namespace pcusage {

// The time an HTTP-date names, in any of the three forms RFC 9110 requires a recipient to accept
// (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and
// asctime "Sun Nov  6 08:49:37 1994"); nullopt when `text` is not a date.
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace pcusage
