// The reports beyond partner-wide usage: deployment, the customer list, one report per customer
// fetched concurrently, and the commercial endpoints. In-process with a fake client on a fake
// clock (concurrency, ordering and throttling without sleeping), and the built binary against
// the loopback server.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/signals.h"
#include "support/fake_client.h"
#include "support/loopback_server.h"
#include "support/run_app.h"
#include "support/run_pcusage.h"

using namespace pcusage;
using namespace pcusage::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const std::string kBase = "https://pc.example";

std::string customer_id(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0000%04x-c0de-4000-8000-%012x", i, i);
  return buf;
}

std::string customer_json(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "Customer %03d", i);
  return R"({"id":")" + customer_id(i) + R"(","companyProfile":{"tenantId":")" + customer_id(i) +
         R"(","domain":"c)" + std::to_string(i) + R"(.onmicrosoft.com","companyName":")" + name +
         R"("},"relationshipToPartner":"reseller","attributes":{"objectType":"Customer"}})";
}

std::string usage_rows(int i) {
  return R"({"totalCount":2,"items":[{"customerName":"CUSTOMER )" + std::to_string(i) +
         R"(","productName":"E3","licensesActive":)" + std::to_string(10 + i) +
         R"(,"licensesQualified":20,"usagePercent":0.5,"workloadName":"Exchange","processedDateTime":"2026-11-01T00:00:00+00:00","serviceName":"o365","channel":"reseller"},)"
         R"({"customerName":"CUSTOMER )" +
         std::to_string(i) +
         R"(","productName":"E3","licensesActive":1,"licensesQualified":2,"usagePercent":0.5,"workloadName":"SharePoint","processedDateTime":"2026-11-01T00:00:00+00:00","serviceName":"o365","channel":"reseller"}]})";
}

// The index of the customer a per-customer request is for, or -1.
int customer_of(const std::string& url) {
  const auto at = url.find("/v1/customers/");
  if (at == std::string::npos) return -1;
  return std::stoi(url.substr(at + 14 + 4, 4), nullptr, 16);
}

// A partner with `count` customers listed `per_page` at a time; each customer's report answers
// after `delay(i)`.
FakeClient::Responder partner(int count, int per_page, std::function<milliseconds(int)> delay) {
  return [=](const HttpRequest& r) -> Answer {
    if (r.url.find("/v1/customers?") != std::string::npos ||
        r.url.find("/v1/customers/page") != std::string::npos) {
      const std::string token(find_header(r.headers, "MS-ContinuationToken"));
      const int start = token.empty() ? 0 : std::stoi(token.substr(3));
      std::string body = R"({"totalCount":)" + std::to_string(count) + R"(,"items":[)";
      for (int i = start; i < std::min(count, start + per_page); ++i) {
        body += (i > start ? "," : "") + customer_json(i);
      }
      body += "]";
      if (start + per_page < count) {
        body +=
            R"(,"links":{"next":{"uri":"/customers/page?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"cT,)" +
            std::to_string(start + per_page) + R"(/a,b=="}]}})";
      }
      return Answer{response(200, body + "}")};
    }
    const int i = customer_of(r.url);
    if (i < 0 || i >= count) {
      return Answer{response(404, R"({"code":2002,"description":"Customer not found"})")};
    }
    return Answer{response(200, usage_rows(i)), delay(i)};
  };
}

std::vector<std::string> with_token(std::vector<std::string> args) {
  args.insert(args.end(), {"--base-url", kBase, "--token", "tok"});
  return args;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string first_field(const std::string& csv_line) {
  return csv_line.substr(0, csv_line.find(','));
}

}  // namespace

TEST_CASE("per-customer rows come in the customers' order, id and name first") {
  FakeClock clock;
  // Later customers answer first.
  FakeClient client(partner(4, 10, [](int i) { return milliseconds(400 - 100 * i); }), &clock);
  auto o = run_app(client,
                   with_token({"usage", "-o", "csv", "--customer", customer_id(2), "--customer",
                               customer_id(0), "--customer", customer_id(3)}),
                   {}, clock);
  REQUIRE(o.code == ExitCode::kOk);
  const auto rows = lines_of(o.out);
  REQUIRE(rows.size() == 7);
  CHECK(rows[0] ==
        "customerId,customerName,workloadCode,workloadName,usagePercent,licensesActive,"
        "licensesQualified,productName,serviceCode,processedDateTime,serviceName,channel");
  CHECK(rows[1] ==
        customer_id(2) +
            ",CUSTOMER 2,,Exchange,0.5,12,20,E3,,2026-11-01T00:00:00+00:00,o365,reseller");
  for (int r : {1, 2}) CHECK(first_field(rows[r]) == customer_id(2));
  for (int r : {3, 4}) CHECK(first_field(rows[r]) == customer_id(0));
  for (int r : {5, 6}) CHECK(first_field(rows[r]) == customer_id(3));
  REQUIRE(client.sent.size() == 3);
  CHECK(client.sent[0].url ==
        kBase + "/v1/customers/" + customer_id(2) + "/analytics/licenses/usage");
  CHECK(client.max_in_flight == 3);
}

TEST_CASE("all customers: every page listed, names from the list, --concurrency in flight") {
  FakeClock clock;
  FakeClient client(partner(20, 7, [](int) { return milliseconds(50); }), &clock);
  const auto start = clock.now();
  auto o = run_app(client,
                   with_token({"usage", "--all-customers", "--concurrency", "4", "-o", "ndjson"}),
                   {}, clock);
  REQUIRE(o.code == ExitCode::kOk);
  // 3 list pages, then 20 reports, 4 at a time: 5 rounds of 50 ms.
  REQUIRE(client.sent.size() == 23);
  CHECK(client.sent[1].url == kBase + "/v1/customers/page?seekOperation=Next");
  CHECK(find_header(client.sent[1].headers, "MS-ContinuationToken") == "cT,7/a,b==");
  CHECK(client.max_in_flight == 4);
  CHECK(clock.now() - start == milliseconds(250));
  INFO(o.out.substr(0, 400));
  CHECK(o.out.find(R"({"customerId":")" + customer_id(0) +
                   R"(","customerName":"Customer 000","productName")") != std::string::npos);
  CHECK(o.out.find("CUSTOMER 0") == std::string::npos);  // the list's name replaces the row's
}

TEST_CASE("customers from a file: comments, blank lines, duplicates, bad lines and empty lists") {
  const std::string path = "/tmp/pcusage-test-ids-" + std::to_string(getpid());
  {
    std::ofstream f(path);
    f << "# customers\n\n"
      << customer_id(1) << "\n  " << customer_id(0) << "  \n"
      << customer_id(1) << "\n";
  }
  FakeClock clock;
  FakeClient client(partner(3, 10, [](int) { return milliseconds(1); }), &clock);
  auto o = run_app(
      client, with_token({"--customers-from", path, "--customer", customer_id(0), "-o", "csv"}), {},
      clock);
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(client.sent.size() == 2);  // each customer once
  const auto rows = lines_of(o.out);
  REQUIRE(rows.size() == 5);
  CHECK(first_field(rows[1]) == customer_id(0));  // --customer first, then the file
  CHECK(first_field(rows[3]) == customer_id(1));
  {
    std::ofstream f(path);
    f << customer_id(1) << "\n# fine\nnot-a-guid\n";
  }
  FakeClient none(std::vector<HttpResult>{});
  o = run_app(none, with_token({"--customers-from", path}));
  CHECK(o.code == ExitCode::kUsage);
  CHECK(o.err == "pcusage: error: --customers-from " + path +
                     " line 3: \"not-a-guid\" is not a customer tenant id (a GUID)\n");
  CHECK(none.sent.empty());
  {
    std::ofstream f(path);
    f << "# nobody yet\n";
  }
  o = run_app(none, {"--customers-from", path, "-o", "csv"});  // no token needed: nothing to fetch
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out ==
        "customerId,customerName,workloadCode,workloadName,usagePercent,licensesActive,"
        "licensesQualified,productName,serviceCode,processedDateTime,serviceName,channel\n");
  std::remove(path.c_str());
}

TEST_CASE("all or nothing by default, --keep-going prints the rest and exits 8") {
  FakeClock clock;
  const std::string missing = "0000ffff-c0de-4000-8000-00000000ffff";
  FakeClient client(partner(3, 10, [](int) { return milliseconds(10); }), &clock);
  auto o = run_app(client,
                   with_token({"--customer", customer_id(0), "--customer", missing, "--customer",
                               customer_id(1), "-o", "csv"}),
                   {}, clock);
  INFO(o.err);
  CHECK(o.code == ExitCode::kRefused);
  CHECK(o.out.empty());
  CHECK(o.err.rfind("pcusage: error: customer " + missing + ": request failed: HTTP 404", 0) == 0);

  FakeClient again(partner(3, 10, [](int) { return milliseconds(10); }), &clock);
  o = run_app(again,
              with_token({"--customer", customer_id(0), "--customer", missing, "--customer",
                          customer_id(1), "-o", "csv", "--keep-going"}),
              {}, clock);
  CHECK(o.code == ExitCode::kPartial);
  const auto rows = lines_of(o.out);
  REQUIRE(rows.size() == 5);
  CHECK(first_field(rows[3]) == customer_id(1));
  CHECK(o.err.find("pcusage: error: customer " + missing + " (exit 4): request failed: HTTP 404") ==
        0);
  CHECK(o.err.find("1 customer(s) failed") != std::string::npos);
}

TEST_CASE("keep going: a refused token (401) ends the whole run with exit 3, not one customer") {
  FakeClock clock;
  auto inner = partner(5, 10, [](int) { return milliseconds(10); });
  // The API refuses the token from the third request on (it expired during the run).
  int requests = 0;
  FakeClient client(
      [&](const HttpRequest& r) -> Answer {
        if (++requests < 3) return inner(r);
        return Answer{
            response(401, R"({"code":600008,"description":"Unauthorized: token rejected"})"),
            milliseconds(10)};
      },
      &clock);
  std::vector<std::string> args = {"-o", "csv", "--keep-going", "--concurrency", "1"};
  for (int i = 0; i < 5; ++i) args.insert(args.end(), {"--customer", customer_id(i)});
  auto o = run_app(client, with_token(args), {}, clock);
  INFO(o.err);
  CHECK(o.code == ExitCode::kAuth);
  CHECK(o.out.empty());
  CHECK(o.err.rfind("pcusage: error: request failed: HTTP 401 Unauthorized: 600008", 0) == 0);
  CHECK(o.err.find("access tokens last about an hour") != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
  CHECK(o.err.find("customer") == std::string::npos);
  // Nothing more is asked with a token the API refuses.
  CHECK(client.sent.size() == 3);

  // Without --keep-going it is the same error: it is not about the customer.
  requests = 0;
  client.sent.clear();
  args.erase(args.begin() + 2);
  o = run_app(client, with_token(args), {}, clock);
  CHECK(o.code == ExitCode::kAuth);
  CHECK(o.out.empty());
  CHECK(o.err.rfind("pcusage: error: request failed: HTTP 401", 0) == 0);
  CHECK(client.sent.size() == 3);
}

TEST_CASE("keep going: a 403 for one customer fails that customer only") {
  FakeClock clock;
  auto inner = partner(3, 10, [](int) { return milliseconds(10); });
  // The relationship with customer 1 is gone; the others answer.
  FakeClient client(
      [&](const HttpRequest& r) -> Answer {
        if (customer_of(r.url) == 1) {
          return Answer{
              response(
                  403,
                  R"({"code":900150,"description":"The supplied role does not have the rights to perform the requested operation"})"),
              milliseconds(10)};
        }
        return inner(r);
      },
      &clock);
  std::vector<std::string> args = {"-o", "csv", "--keep-going"};
  for (int i = 0; i < 3; ++i) args.insert(args.end(), {"--customer", customer_id(i)});
  auto o = run_app(client, with_token(args), {}, clock);
  INFO(o.err);
  CHECK(o.code == ExitCode::kPartial);
  const auto rows = lines_of(o.out);
  REQUIRE(rows.size() == 5);
  CHECK(first_field(rows[1]) == customer_id(0));
  CHECK(first_field(rows[3]) == customer_id(2));
  CHECK(o.err.rfind("pcusage: error: customer " + customer_id(1) +
                        " (exit 3): request failed: HTTP 403 Forbidden: 900150",
                    0) == 0);
  CHECK(o.err.find("1 customer(s) failed") != std::string::npos);
}

TEST_CASE("a 429 with Retry-After holds back every new request until the wait is over") {
  FakeClock clock;
  std::vector<std::pair<int, std::chrono::steady_clock::time_point>> starts;
  bool throttled = false;
  auto inner = partner(6, 10, [](int) { return milliseconds(100); });
  FakeClient client(
      [&](const HttpRequest& r) -> Answer {
        const int i = customer_of(r.url);
        starts.emplace_back(i, clock.now());
        if (i == 1 && !throttled) {
          throttled = true;
          return Answer{response(429, R"({"statusCode":429,"message":"Rate limit is exceeded."})",
                                 {{"Retry-After", "10"}}),
                        milliseconds(100)};
        }
        return inner(r);
      },
      &clock);
  const auto t0 = clock.now();
  std::vector<std::string> args = {"--concurrency", "2", "-o", "csv"};
  for (int i = 0; i < 6; ++i) args.insert(args.end(), {"--customer", customer_id(i)});
  auto o = run_app(client, with_token(args), {}, clock);
  REQUIRE(o.code == ExitCode::kOk);
  REQUIRE(starts.size() == 7);
  // 0 and 1 start at once; 1 is throttled at 100 ms: nothing new starts before 10.1 s.
  CHECK(starts[0].second == t0);
  CHECK(starts[1].second == t0);
  for (std::size_t k = 2; k < starts.size(); ++k)
    CHECK(starts[k].second - t0 >= milliseconds(10100));
  CHECK(lines_of(o.out).size() == 13);
}

TEST_CASE("the deadline bounds the whole fan-out, listing included") {
  FakeClock clock;
  FakeClient client(partner(10, 10, [](int) { return milliseconds(1000); }), &clock);
  auto o = run_app(client, with_token({"--all-customers", "--concurrency", "2", "--timeout", "3"}),
                   {}, clock);
  CHECK(o.code == ExitCode::kNetwork);
  CHECK(o.out.empty());
  CHECK(o.err.find("the --timeout of 3 s passed") != std::string::npos);
}

TEST_CASE("a signal during the fan-out ends it with nothing printed") {
  FakeClock clock;
  int answered = 0;
  auto inner = partner(10, 10, [](int) { return milliseconds(10); });
  FakeClient client(
      [&](const HttpRequest& r) -> Answer {
        if (++answered == 5) raise_interrupt(SIGINT);
        return inner(r);
      },
      &clock);
  auto o = run_app(client, with_token({"--all-customers", "--concurrency", "3"}), {}, clock);
  clear_interrupt();
  CHECK(o.code == ExitCode::kInterrupted);
  CHECK(o.out.empty());
  CHECK(client.sent.size() < 11);
}

TEST_CASE("the customer list: columns, every format, loops refused") {
  FakeClock clock;
  FakeClient client(partner(3, 2, [](int) { return milliseconds(1); }), &clock);
  auto o = run_app(client, with_token({"customers", "-o", "csv"}), {}, clock);
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(o.out == "id,companyProfile.companyName,companyProfile.domain,relationshipToPartner\n" +
                     customer_id(0) + ",Customer 000,c0.onmicrosoft.com,reseller\n" +
                     customer_id(1) + ",Customer 001,c1.onmicrosoft.com,reseller\n" +
                     customer_id(2) + ",Customer 002,c2.onmicrosoft.com,reseller\n");
  CHECK(client.sent[0].url == kBase + "/v1/customers?size=500");
  const std::string loop =
      R"({"items":[],"links":{"next":{"uri":"/customers?x","headers":[{"key":"MS-ContinuationToken","value":"t"}]}}})";
  FakeClient looping({response(200, loop), response(200, loop), response(200, loop)});
  o = run_app(looping, with_token({"customers"}));
  CHECK(o.code == ExitCode::kInvalid);
  CHECK(o.err.find("loops") != std::string::npos);
  const std::string away =
      R"({"items":[],"links":{"next":{"uri":"https://elsewhere.example/v1/customers","headers":[]}}})";
  FakeClient leaving({response(200, away)});
  o = run_app(leaving, with_token({"customers", "--all-customers"}));
  CHECK(o.code == ExitCode::kUsage);  // --all-customers does not apply to the list itself
  o = run_app(leaving, with_token({"usage", "--all-customers"}));
  CHECK(o.code == ExitCode::kInvalid);
  CHECK(o.err.find("points to another host") != std::string::npos);
}

TEST_CASE("deployment: partner-wide path and its documented columns") {
  FakeClient client({response(
      200,
      R"({"totalCount":1,"items":[{"proratedDeploymentPercent":0.31,"licensesSold":1220,"processedDateTime":"2017-03-10T00:00:00+00:00","serviceName":"o365","channel":"reseller"}]})")});
  auto o = run_app(client, with_token({"deployment", "-o", "csv"}));
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(client.sent[0].url == kBase + "/v1/analytics/licenses/deployment");
  CHECK(o.out ==
        "proratedDeploymentPercent,licensesSold,processedDateTime,serviceName,channel\n"
        "0.31,1220,2017-03-10T00:00:00+00:00,o365,reseller\n");
}

TEST_CASE("commercial: query parameters encoded, customer filter joined, @nextLink followed") {
  const std::string page1 =
      R"({"Value":[{"processedDateTime":"2026-11-01T00:00:00","workloadCode":"EXO","licensesActive":1}],"@nextLink":"https://pc.example/v1/analytics/commercial/usage/license?skip=1","TotalCount":2})";
  const std::string page2 =
      R"({"value":[{"processedDateTime":"2026-11-01T00:00:00","workloadCode":"SPO","licensesActive":2}],"@nextLink":null,"totalCount":2})";
  FakeClient client({response(200, page1), response(200, page2)});
  auto o = run_app(
      client, with_token({"usage", "--commercial", "--filter", "channel eq 'Re&seller'",
                          "--groupby", "workloadCode", "--top", "1", "--skip", "0", "-o", "csv"}));
  REQUIRE(o.code == ExitCode::kOk);
  REQUIRE(client.sent.size() == 2);
  CHECK(client.sent[0].url ==
        kBase +
            "/v1/analytics/commercial/usage/license?filter=channel%20eq%20%27Re%26seller%27"
            "&groupby=workloadCode&top=1&skip=0");
  CHECK(client.sent[1].url == kBase + "/v1/analytics/commercial/usage/license?skip=1");
  CHECK(o.out == "workloadCode,licensesActive,licensesQualified\nEXO,1,\nSPO,2,\n");

  FakeClient one({response(200, page2)});
  o = run_app(one, with_token({"deployment", "--commercial", "--customer", customer_id(1),
                               "--filter", "a eq 'b' or c eq 'd'"}));
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(one.sent[0].url ==
        kBase + "/v1/analytics/commercial/deployment/license?filter=customerTenantId%20eq%20%27" +
            customer_id(1) + "%27%20and%20%28a%20eq%20%27b%27%20or%20c%20eq%20%27d%27%29");

  FakeClient bad({response(200, R"({"TotalCount":0,"@nextLink":null})")});
  o = run_app(bad, with_token({"usage", "--commercial"}));
  CHECK(o.code == ExitCode::kInvalid);
  CHECK(o.err == "pcusage: error: invalid response: no \"items\" (or \"Value\") array\n");
}

TEST_CASE("report flags: usage errors before any request") {
  FakeClient client(std::vector<HttpResult>{});
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--filter", "x eq 'y'"}, "--filter applies to the commercial reports: add --commercial"},
      {{"--top", "5"}, "--top applies to the commercial reports: add --commercial"},
      {{"--commercial", "--top", "0"}, "--top: \"0\" is not a whole number from 1 to 10000"},
      {{"--concurrency", "0", "--all-customers"},
       "--concurrency: \"0\" is not a whole number from 1 to 64"},
      {{"--customer", "nope"}, "--customer: \"nope\" is not a customer tenant id (a GUID)"},
      {{"customers", "--customer", customer_id(1)},
       "--customer does not apply to 'pcusage customers'"},
      {{"report"},
       "unknown command \"report\" (usage, deployment, customers, login, logout, config)"},
  };
  for (const auto& [args, message] : cases) {
    auto o = run_app(client, with_token(args));
    INFO(message);
    CHECK(o.code == ExitCode::kUsage);
    CHECK(o.err == "pcusage: error: " + message + "\n");
  }
  CHECK(client.sent.empty());
}

// ---------------------------------------------------------------------------------------------
// The built binary against a loopback Partner Center.

namespace {

// Answers every report of a partner with 3 customers, like the service.
Reply partner_reply(const RecordedRequest& r) {
  const std::string& t = r.target;
  const auto has = [&t](const char* s) { return t.find(s) != std::string::npos; };
  if (has("/v1/customers?")) {
    return http_reply(200, R"({"totalCount":3,"items":[)" + customer_json(0) + "," +
                               customer_json(1) + "," + customer_json(2) + "]}");
  }
  if (has("/analytics/licenses/usage") && has("/v1/customers/")) {
    return http_reply(200, usage_rows(customer_of(t)));
  }
  if (has("/analytics/licenses/deployment") && has("/v1/customers/")) {
    const int i = customer_of(t);
    return http_reply(
        200, R"({"items":[{"licensesDeployed":)" + std::to_string(5 + i) +
                 R"(,"licensesSold":10,"deploymentPercent":0.5,"customerName":"CUSTOMER )" +
                 std::to_string(i) + R"(","productName":"E5"}]})");
  }
  if (has("/v1/analytics/licenses/deployment")) {
    return http_reply(
        200,
        R"({"items":[{"proratedDeploymentPercent":0.31,"licensesSold":1220,"serviceName":"o365"}]})");
  }
  if (has("/v1/analytics/licenses/usage")) {
    return http_reply(
        200, R"({"items":[{"proratedLicensesUsagePercent":0.5,"workloadName":"Exchange"}]})");
  }
  if (has("/analytics/commercial/")) {
    const bool usage = has("/commercial/usage/");
    return http_reply(
        200,
        std::string(
            R"({"Value":[{"processedDateTime":"2026-11-01T00:00:00","workloadCode":"EXO","customerTenantId":")") +
            customer_id(1) + R"(","customerName":"Customer 001",)" +
            (usage ? R"("licensesActive":3,"licensesQualified":4)"
                   : R"("licensesDeployed":3,"licensesSold":4)") +
            R"(}],"@nextLink":null,"TotalCount":1})");
  }
  return http_reply(404, R"({"code":404,"description":"not found"})");
}

}  // namespace

TEST_CASE("end to end: every report and the customer list in every format") {
  LoopbackServer server([](const RecordedRequest& r, int) { return partner_reply(r); });
  REQUIRE(server.port() != 0);
  struct Case {
    std::vector<std::string> args;
    std::string csv_header;
    std::string value;  // appears in every format
  };
  const std::vector<Case> cases = {
      {{"usage"},
       "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime",
       "Exchange"},
      {{"deployment"},
       "proratedDeploymentPercent,licensesSold,processedDateTime,serviceName,channel",
       "1220"},
      {{"customers"},
       "id,companyProfile.companyName,companyProfile.domain,relationshipToPartner",
       "Customer 002"},
      {{"usage", "--all-customers"},
       "customerId,customerName,workloadCode,workloadName,usagePercent,licensesActive,"
       "licensesQualified,"
       "productName,serviceCode,processedDateTime,serviceName,channel",
       "Customer 001"},
      {{"deployment", "--customer", customer_id(2)},
       "customerId,customerName,licensesDeployed,licensesSold,deploymentPercent,productName,"
       "serviceCode,"
       "processedDateTime,serviceName,channel",
       "CUSTOMER 2"},
      {{"usage", "--commercial"},
       "processedDateTime,workloadCode,workloadName,serviceCode,serviceName,channel,"
       "customerTenantId,"
       "customerName,productId,productName,licensesActive,licensesQualified",
       "EXO"},
      {{"deployment", "--commercial", "--customer", customer_id(1)},
       "customerId,customerName,processedDateTime,workloadCode,workloadName,serviceCode,"
       "serviceName,"
       "channel,customerTenantId,productId,productName,licensesDeployed,licensesSold",
       "EXO"},
  };
  for (const auto& c : cases) {
    for (const char* format : {"table", "json", "ndjson", "csv", "tsv"}) {
      auto args = c.args;
      args.insert(args.end(), {"--base-url", server.url(), "--token", "tok", "-o", format});
      INFO(c.args.front() << " " << format);
      const auto r = run_pcusage(args);
      INFO(r.err);
      REQUIRE(r.status == 0);
      CHECK(r.out.find(c.value) != std::string::npos);
      if (std::string(format) == "csv") CHECK(r.out.substr(0, r.out.find('\n')) == c.csv_header);
    }
  }
}

TEST_CASE("end to end: customers' reports are in flight together over the real client") {
  const std::string dir = "/tmp/pcusage-test-tls-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  const TlsIdentity tls = make_self_signed_certificate(dir, "server");
  REQUIRE_FALSE(tls.cert_file.empty());
  for (const bool https : {false, true}) {
    INFO((https ? "https" : "http"));
    // Each answer waits until four requests have arrived (or 10 s): one at a time would stall.
    std::mutex mutex;
    std::condition_variable arrived;
    int count = 0;
    bool all_together = true;
    const Handler handler = [&](const RecordedRequest& r, int) {
      if (r.target.find("/v1/customers/") == std::string::npos) return partner_reply(r);
      std::unique_lock<std::mutex> lock(mutex);
      ++count;
      arrived.notify_all();
      if (!arrived.wait_for(lock, seconds(10), [&] { return count >= 4; })) all_together = false;
      return partner_reply(r);
    };
    auto server = https ? std::make_unique<LoopbackServer>(handler, tls)
                        : std::make_unique<LoopbackServer>(handler);
    std::vector<std::string> args = {"--base-url", server->url(), "--token",       "tok",
                                     "-o",         "csv",         "--concurrency", "4",
                                     "--cacert",   tls.cert_file};
    for (int i : {0, 1, 2, 3, 0, 4}) args.insert(args.end(), {"--customer", customer_id(i)});
    const auto r = run_pcusage(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(all_together);
    CHECK(count == 5);  // the duplicate is fetched once
    CHECK(lines_of(r.out).size() == 11);
  }
  std::remove(tls.cert_file.c_str());
  std::remove(tls.key_file.c_str());
  rmdir(dir.c_str());
}
