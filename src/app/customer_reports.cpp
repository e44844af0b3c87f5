#include "app/customer_reports.h"

#include <set>
#include <utility>

#include "app/report.h"
#include "model/columns.h"

namespace pcusage {

namespace {

// The text of `item`'s field at `column`, or empty.
std::string text_at(const Dataset& data, std::uint32_t item, const Column& column) {
  const Node* node = lookup(data, item, column);
  return node != nullptr && node->kind() == Kind::kString ? std::string(node->str())
                                                          : std::string();
}

Error naming(const std::string& id, Error error) {
  error.message = "customer " + id + ": " + error.message;
  return error;
}

}  // namespace

Result<Dataset> fetch_customer_list(HttpClient& client, const FetchSettings& settings,
                                    std::ostream& err) {
  return fetch_collection(client, settings, customers_path(), err);
}

std::vector<Customer> customers_of(const Dataset& list) {
  std::vector<Customer> out;
  auto columns = resolve_columns(list, {"id", "companyProfile.companyName"}, true);
  if (!columns) return out;
  std::set<std::string> seen;
  for (std::uint32_t item : list.items()) {
    Customer c{text_at(list, item, (*columns)[0]), text_at(list, item, (*columns)[1])};
    if (!c.id.empty() && seen.insert(c.id).second) out.push_back(std::move(c));
  }
  return out;
}

Result<CustomerRows> fetch_customer_reports(HttpClient& client, const FetchSettings& settings,
                                            const Options& options,
                                            const std::vector<Customer>& customers,
                                            std::ostream& err) {
  std::vector<std::string> paths;
  std::vector<std::string> labels;
  for (const auto& c : customers) {
    paths.push_back(report_path(options, &c.id));
    labels.push_back("customer " + c.id);
  }
  auto got =
      fetch_collections(client, settings, paths, !options.keep_going, "customers", err, labels);
  if (!got) return got.error();
  CustomerRows rows;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    if (got->errors[i]) {
      if (!options.keep_going) return naming(customers[i].id, *got->errors[i]);
      rows.failures.push_back(CustomerFailure{customers[i].id, *got->errors[i]});
    }
  }
  // The items in the customers' order, whatever order their answers came in.
  Dataset& data = got->data;
  data.items().clear();
  for (const auto& items : got->items) {
    data.items().insert(data.items().end(), items.begin(), items.end());
  }
  const std::uint32_t name_key = data.find_key("customerName");
  std::size_t position = 0;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    for (std::size_t n = 0; n < got->items[i].size(); ++n, ++position) {
      std::string name = customers[i].name;
      if (name.empty() && name_key != kNoKey) {
        const Node* own = data.member(data.items()[position], name_key);
        if (own != nullptr && own->kind() == Kind::kString) name = std::string(own->str());
      }
      if (!data.prepend_strings(position,
                                {{"customerId", customers[i].id}, {"customerName", name}})) {
        return too_many_keys(data);
      }
    }
  }
  rows.data = std::move(data);
  return rows;
}

}  // namespace pcusage
