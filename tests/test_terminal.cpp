// What pcusage does only on a terminal, through a pseudo-terminal: the status line on stderr, the
// table fitted to the width, control characters shown in csv/tsv; and that pipes see none of it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/helpers.h"
#include "support/loopback_server.h"
#include "support/run_in_terminal.h"
#include "support/run_process.h"

using namespace pcusage::test;

namespace {

const std::string kSeed = slurp(PCUSAGE_SOURCE_DIR "/examples/usage-response.json");

std::map<std::string, std::string> base_env() {
  return {{"LANG", "C"}, {"NO_PROXY", "*"}, {"HOME", "/nonexistent"}, {"PCUSAGE_TOKEN", "tok"}};
}

std::vector<std::string> argv_for(const LoopbackServer& server, std::vector<std::string> args) {
  args.insert(args.begin(), {PCUSAGE_BINARY, "--base-url", server.url()});
  return args;
}

// 503 with Retry-After: 0 for the first `failures` requests, then the seed response.
Handler fail_then_ok(int failures) {
  return [=](const RecordedRequest&, int index) {
    if (index < failures) return http_reply(503, "", {{"Retry-After", "0"}});
    return http_reply(200, kSeed);
  };
}

constexpr const char* kErase = "\r\x1b[K";

}  // namespace

TEST_CASE("status line: shown on a terminal while waiting to retry, then erased") {
  LoopbackServer server(fail_then_ok(1));
  REQUIRE(server.port() != 0);
  auto r = run_in_terminal(argv_for(server, {"-o", "csv"}), base_env(), TerminalStream::kStderr);
  CHECK(r.status == 0);
  CHECK(r.err == std::string(kErase) + "HTTP 503, retrying in 0 s (attempt 2 of 4)" + kErase);
  CHECK(r.out.rfind("workloadName,serviceName", 0) == 0);
}

TEST_CASE("status line: erased before the final error, which counts the attempts") {
  LoopbackServer server(fail_then_ok(100));
  REQUIRE(server.port() != 0);
  // The server echoes no MS-CorrelationId: the error names the one sent.
  const std::string cid = "0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
  auto r = run_in_terminal(argv_for(server, {"--retries", "2", "--correlation-id", cid}),
                           base_env(), TerminalStream::kStderr);
  CHECK(r.status == 5);
  CHECK(r.out.empty());
  CHECK(r.err == std::string(kErase) + "HTTP 503, retrying in 0 s (attempt 2 of 3)" + kErase +
                     kErase + "HTTP 503, retrying in 0 s (attempt 3 of 3)" + kErase +
                     "pcusage: error: request failed: HTTP 503 Service Unavailable "
                     "(MS-CorrelationId " +
                     cid + ") (after 3 attempts, all that --retries 2 allows)\n");
}

TEST_CASE("status line: nothing with -q, nothing when stderr is not a terminal") {
  LoopbackServer server(fail_then_ok(1));
  REQUIRE(server.port() != 0);
  auto quiet =
      run_in_terminal(argv_for(server, {"-q", "-o", "csv"}), base_env(), TerminalStream::kStderr);
  CHECK(quiet.status == 0);
  CHECK(quiet.err.empty());
  auto piped = run_process(argv_for(server, {"-o", "csv"}), base_env());
  CHECK(piped.status == 0);
  CHECK(piped.err.empty());
  CHECK(piped.out == quiet.out);
}

namespace {

const std::string kSeedFile = PCUSAGE_SOURCE_DIR "/examples/usage-response.json";

// The seed table on a terminal `columns` wide (TIOCGWINSZ), with `env` and extra `args`.
ProcessResult table_on_terminal(unsigned short columns, std::map<std::string, std::string> env,
                                std::vector<std::string> args = {}) {
  args.insert(args.begin(), {PCUSAGE_BINARY, "--input", kSeedFile});
  return run_in_terminal(args, env, TerminalStream::kStdout, columns);
}

const char* kSeedTable80 =
    "workloadName    serviceName  channel   proratedLicen…  processedDateTime\n"
    "Microsoft Dyn…  crm          reseller             0.0  2017-03-10T00:00:00+00:00\n"
    "SharePoint      crm          reseller             0.0  2017-03-10T00:00:00+00:00\n"
    "Exchange        o365         reseller             0.0  2017-03-09T00:00:00+00:00\n"
    "SharePoint      o365         reseller             0.0  2017-03-09T00:00:00+00:00\n"
    "Skype For Bus…  o365         reseller             0.0  2017-03-09T00:00:00+00:00\n";

}  // namespace

TEST_CASE("table on a terminal fits its width: the terminal's size, or COLUMNS") {
  const auto piped = run_process({PCUSAGE_BINARY, "--input", kSeedFile}, base_env());
  REQUIRE(piped.status == 0);
  auto sized = table_on_terminal(80, base_env());
  CHECK(sized.status == 0);
  CHECK(sized.out == kSeedTable80);
  auto env = base_env();
  env["COLUMNS"] = "80";
  auto by_variable = table_on_terminal(200, env);
  CHECK(by_variable.out == kSeedTable80);
  // Wide enough: nothing changes.
  CHECK(table_on_terminal(120, base_env()).out == piped.out);
  // --wide keeps every character; so do pipes and files.
  CHECK(table_on_terminal(80, base_env(), {"--wide"}).out == piped.out);
  CHECK(piped.out.find("Microsoft Dynamics CRM") != std::string::npos);
  const std::string file = std::string(PCUSAGE_BINARY) + ".terminal-test.txt";
  auto to_file = table_on_terminal(80, base_env(), {"--output-file", file});
  CHECK(to_file.status == 0);
  CHECK(to_file.out.empty());
  std::ifstream written(file, std::ios::binary);
  std::ostringstream text;
  text << written.rdbuf();
  CHECK(text.str() == piped.out);
  std::remove(file.c_str());
}

TEST_CASE("csv and tsv on a terminal show control characters, pipes get every byte") {
  const std::string input = std::string(PCUSAGE_BINARY) + ".terminal-test.json";
  {
    std::ofstream f(input, std::ios::binary);
    f << R"({"items":[{"a":"x\u001b]0;owned\u0007y","b":"t\tu"}]})";
  }
  for (const char* format : {"csv", "tsv"}) {
    INFO(format);
    const std::vector<std::string> args = {PCUSAGE_BINARY, "--input",   input, "-o",
                                           format,         "--columns", "a"};
    auto tty = run_in_terminal(args, base_env(), TerminalStream::kStdout);
    CHECK(tty.out == "a\nx\\x1B]0;owned\\x07y\n");
    auto piped = run_process(args, base_env());
    CHECK(piped.out == "a\nx\x1b]0;owned\x07y\n");
  }
  std::remove(input.c_str());
}

TEST_CASE("status line: with -v the trace shows the waits, and no status line") {
  LoopbackServer server(fail_then_ok(1));
  REQUIRE(server.port() != 0);
  auto r =
      run_in_terminal(argv_for(server, {"-v", "-o", "csv"}), base_env(), TerminalStream::kStderr);
  CHECK(r.status == 0);
  CHECK(r.err.find("* retrying in 0 ms") != std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);
}

TEST_CASE("status line: the fan-out counts customers on a terminal, nothing in a pipe") {
  // Two customers; the second is throttled once, so the counter also says why it waits.
  LoopbackServer server([](const RecordedRequest& r, int) {
    static int throttled = 0;
    if (r.target.find("00000002-0000-4000-8000-000000000002") != std::string::npos &&
        throttled++ == 0) {
      return http_reply(429, "", {{"Retry-After", "1"}});
    }
    return http_reply(200, kSeed);
  });
  REQUIRE(server.port() != 0);
  const std::vector<std::string> args = {"-o",
                                         "csv",
                                         "--concurrency",
                                         "1",
                                         "--customer",
                                         "00000001-0000-4000-8000-000000000001",
                                         "--customer",
                                         "00000002-0000-4000-8000-000000000002"};
  auto r = run_in_terminal(argv_for(server, args), base_env(), TerminalStream::kStderr);
  CHECK(r.status == 0);
  CHECK(r.err == std::string(kErase) + "1/2 customers" + kErase +
                     "1/2 customers, waiting 1 s for Retry-After" + kErase + "2/2 customers" +
                     kErase);
  auto piped = run_process(argv_for(server, args), base_env());
  CHECK(piped.status == 0);
  CHECK(piped.err.empty());
}
