// What each report asks for: its path and query, and the columns it prints by default.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "core/result.h"

namespace pcusage {

// The path and query (under the base URL) of the report the options ask for: the partner-wide
// one, or with `customer` that customer's (legacy: its own path; commercial: a filter on
// customerTenantId joined to --filter with "and").
std::string report_path(const Options& options, const std::string* customer = nullptr);

// The first page of the customer list.
std::string customers_path();

// The columns printed when --columns is not given; `per_customer` puts customerId and
// customerName first.
std::vector<std::string> default_columns(const Options& options, bool per_customer);

// Customer tenant ids from text: one per line, blank lines and '#' comments skipped, lower-cased,
// duplicates dropped. A line that is not a GUID is a usage error naming `source` and the line.
Result<std::vector<std::string>> parse_customer_ids(std::string_view text,
                                                    const std::string& source);

}  // namespace pcusage
