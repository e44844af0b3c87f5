// Reports across customers: the customer list, and one report per customer fetched concurrently
// and merged in the customers' order with their id and name first.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "app/fetch.h"
#include "cli/options.h"
#include "core/result.h"
#include "http/http_client.h"
#include "model/dataset.h"

namespace pcusage {

// A customer to report on: its tenant id, and its company name when the list gave one.
struct Customer {
  std::string id;
  std::string name;
};

// Every customer of the partner (GET /v1/customers, all pages).
Result<Dataset> fetch_customer_list(HttpClient& client, const FetchSettings& settings,
                                    std::ostream& err);

// The id and company name of each item of a customer list, duplicates dropped.
std::vector<Customer> customers_of(const Dataset& list);

// A customer that still failed after its retries.
struct CustomerFailure {
  std::string id;
  Error error;
};

// The rows of every customer's report, in the customers' order, each with customerId and
// customerName first (the name from the list, else from the row, else empty).
struct CustomerRows {
  Dataset data;
  std::vector<CustomerFailure> failures;  // only with options.keep_going
};

// Fetches the report of `options` for each customer, settings.concurrency at a time. Without
// --keep-going the first customer that fails ends the run with its error, naming the customer; a
// 401 (the token refused) ends it in either case, naming none.
Result<CustomerRows> fetch_customer_reports(HttpClient& client, const FetchSettings& settings,
                                            const Options& options,
                                            const std::vector<Customer>& customers,
                                            std::ostream& err);

}  // namespace pcusage
