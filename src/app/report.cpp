#include "app/report.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "core/url.h"
#include "model/columns.h"

namespace pcusage {

namespace {

// Pages of the customer list: the largest size the service is known to answer.
constexpr int kCustomerPageSize = 500;

const char* kind_of(Command command) {
  return command == Command::kDeployment ? "deployment" : "usage";
}

// The documented fields of each resource, in the documented order (attributes left out).
const std::vector<std::string>& documented_fields(const Options& options, bool per_customer) {
  static const std::vector<std::string> kPartnerDeployment = {
      "proratedDeploymentPercent", "licensesSold", "processedDateTime", "serviceName", "channel"};
  static const std::vector<std::string> kCustomerUsage = {
      "workloadCode", "workloadName", "usagePercent",      "licensesActive", "licensesQualified",
      "productName",  "serviceCode",  "processedDateTime", "serviceName",    "channel"};
  static const std::vector<std::string> kCustomerDeployment = {
      "licensesDeployed", "licensesSold",      "deploymentPercent", "productName",
      "serviceCode",      "processedDateTime", "serviceName",       "channel"};
  static const std::vector<std::string> kCommercialUsage = {
      "processedDateTime", "workloadCode", "workloadName",     "serviceCode",
      "serviceName",       "channel",      "customerTenantId", "customerName",
      "productId",         "productName",  "licensesActive",   "licensesQualified"};
  static const std::vector<std::string> kCommercialDeployment = {
      "processedDateTime", "workloadCode", "workloadName",     "serviceCode",
      "serviceName",       "channel",      "customerTenantId", "customerName",
      "productId",         "productName",  "licensesDeployed", "licensesSold"};
  static const std::vector<std::string> kCustomers = {
      "id", "companyProfile.companyName", "companyProfile.domain", "relationshipToPartner"};
  const bool deployment = options.command == Command::kDeployment;
  if (options.command == Command::kCustomers) return kCustomers;
  if (options.commercial) return deployment ? kCommercialDeployment : kCommercialUsage;
  if (per_customer) return deployment ? kCustomerDeployment : kCustomerUsage;
  return deployment ? kPartnerDeployment : default_column_names();
}

std::vector<std::string> split_fields(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string field(trim(std::string_view(list).substr(start, comma - start)));
    if (!field.empty()) out.push_back(field);
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string report_path(const Options& options, const std::string* customer) {
  const std::string kind = kind_of(options.command);
  if (!options.commercial) {
    if (customer == nullptr) return "/v1/analytics/licenses/" + kind;
    return "/v1/customers/" + *customer + "/analytics/licenses/" + kind;
  }
  std::string filter;
  if (customer != nullptr) {
    filter = "customerTenantId eq '" + *customer + "'";
    if (options.filter) filter += " and (" + *options.filter + ")";
  } else if (options.filter) {
    filter = *options.filter;
  }
  std::string query;
  const auto add = [&query](const char* name, const std::string& value) {
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + percent_encode(value);
  };
  if (!filter.empty()) add("filter", filter);
  if (options.groupby) add("groupby", *options.groupby);
  if (options.top) add("top", std::to_string(*options.top));
  if (options.skip) add("skip", std::to_string(*options.skip));
  return "/v1/analytics/commercial/" + kind + "/license" + query;
}

std::string customers_path() { return "/v1/customers?size=" + std::to_string(kCustomerPageSize); }

std::vector<std::string> default_columns(const Options& options, bool per_customer) {
  std::vector<std::string> fields = documented_fields(options, per_customer);
  if (options.commercial && options.groupby) {
    // Grouped rows hold the grouping fields and the counts.
    std::vector<std::string> grouped = split_fields(*options.groupby);
    for (const auto& count :
         {"licensesActive", "licensesQualified", "licensesDeployed", "licensesSold"}) {
      if (std::find(fields.begin(), fields.end(), count) != fields.end()) grouped.push_back(count);
    }
    fields = std::move(grouped);
  }
  if (!per_customer) return fields;
  std::vector<std::string> out = {"customerId", "customerName"};
  for (auto& f : fields) {
    if (f != "customerId" && f != "customerName") out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<std::string>> parse_customer_ids(std::string_view text,
                                                    const std::string& source) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty() || line.front() == '#') continue;
    if (!is_guid(line)) {
      return make_error(ExitCode::kUsage, source + " line " + std::to_string(line_number) + ": \"" +
                                              printable_excerpt(line, 60) +
                                              "\" is not a customer tenant id (a GUID)");
    }
    std::string id = to_lower(line);
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace pcusage
