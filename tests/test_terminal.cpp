// What pcusage does only on a terminal, through a pseudo-terminal: the status line on stderr, the
// table fitted to the width, control characters shown in csv/tsv; and that pipes see none of it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/loopback_server.h"
#include "support/run_in_terminal.h"
#include "support/run_process.h"

using namespace pcusage::test;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

const std::string kSeed = read_file(PCUSAGE_SOURCE_DIR "/examples/usage-response.json");

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
  auto r =
      run_in_terminal(argv_for(server, {"--retries", "2"}), base_env(), TerminalStream::kStderr);
  CHECK(r.status == 5);
  CHECK(r.out.empty());
  CHECK(r.err == std::string(kErase) + "HTTP 503, retrying in 0 s (attempt 2 of 3)" + kErase +
                     kErase + "HTTP 503, retrying in 0 s (attempt 3 of 3)" + kErase +
                     "pcusage: error: request failed: HTTP 503 Service Unavailable (after 3 "
                     "attempts)\n");
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
