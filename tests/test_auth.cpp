// Signing in by itself: the refresh-token flow, the rolling refresh token, the token command.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "app/run.h"
#include "app/sign_in.h"
#include "app/token_command.h"
#include "cli/parse_args.h"
#include "support/fake_client.h"
#include "support/helpers.h"
#include "support/run_app.h"
#include "support/sign_in_service.h"

using namespace pcusage;
using pcusage::test::FakeClient;
using pcusage::test::Outcome;
using pcusage::test::response;
using pcusage::test::run_app;
using pcusage::test::slurp;

namespace {

const char* kItems = R"({"items":[{"workloadName":"Exchange"}]})";

// A private folder with a refresh-token file in it.
struct Secrets {
  test::TempDir scratch{"pcusage-auth"};
  std::string dir = scratch.path;
  std::string rt;
  Secrets() {
    rt = dir + "/rt";
    std::ofstream(rt) << "  rt-original\n";
    chmod(rt.c_str(), 0600);
  }
};

std::vector<std::string> signin_args(const Secrets& s, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--base-url",
                                "http://127.0.0.1:9",
                                "--tenant",
                                "contoso.onmicrosoft.com",
                                "--client-id",
                                "11111111-2222-3333-4444-555555555555",
                                "--refresh-token-file",
                                s.rt,
                                "--authority",
                                "http://127.0.0.1:8/auth/",
                                "-o",
                                "ndjson"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("form encoding keeps secrets intact") {
  CHECK(form_encode("s3cr&t=+% x~._-") == "s3cr%26t%3D%2B%25+x~._-");
  CHECK(form_encode("https://api.partnercenter.microsoft.com") ==
        "https%3A%2F%2Fapi.partnercenter.microsoft.com");
}

TEST_CASE("refresh-token sign-in with rotation") {
  Secrets s;
  FakeClient client(
      {response(
           200,
           R"({"token_type":"Bearer","expires_in":"3600","access_token":"at-new","refresh_token":"rt-rotated"})"),
       response(200, kItems)});
  auto o = run_app(client, signin_args(s), {{"PCUSAGE_CLIENT_SECRET", "s3cr&t=+%"}});
  INFO(o.err);
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "{\"workloadName\":\"Exchange\"}\n");
  CHECK(o.err.empty());
  REQUIRE(client.sent.size() == 2);
  const HttpRequest& token = client.sent[0];
  CHECK(token.method == "POST");
  CHECK(token.url == "http://127.0.0.1:8/auth/contoso.onmicrosoft.com/oauth2/token");
  CHECK(find_header(token.headers, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(token.body ==
        "grant_type=refresh_token&refresh_token=rt-original&client_id=11111111-2222-3333-4444-"
        "555555555555"
        "&client_secret=s3cr%26t%3D%2B%25&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com");
  CHECK(token.allow_http);
  CHECK(find_header(client.sent[1].headers, "Authorization") == "Bearer at-new");
  CHECK(slurp(s.rt) == "rt-rotated\n");
  struct stat st = {};
  REQUIRE(stat(s.rt.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("no rotation leaves the file alone, expires_in as a number") {
  Secrets s;
  struct stat before = {};
  stat(s.rt.c_str(), &before);
  FakeClient client(
      {response(
           200,
           R"({"token_type":"Bearer","expires_in":3600,"access_token":"at-kept","refresh_token":"rt-original"})"),
       response(200, kItems)});
  auto o = run_app(client, signin_args(s));
  CHECK(o.code == ExitCode::kOk);
  CHECK(test::decode_form(client.sent[0].body).count("client_secret") == 0);
  CHECK(slurp(s.rt) == "  rt-original\n");
  struct stat after = {};
  stat(s.rt.c_str(), &after);
  CHECK(before.st_ino == after.st_ino);
}

TEST_CASE("a symbolic link: the file it points to is replaced") {
  Secrets s;
  const std::string link = s.dir + "/link";
  REQUIRE(symlink(s.rt.c_str(), link.c_str()) == 0);
  FakeClient client(
      {response(200, R"({"access_token":"a","refresh_token":"rt-2"})"), response(200, kItems)});
  auto args = signin_args(s);
  args[7] = link;
  auto o = run_app(client, args);
  CHECK(o.code == ExitCode::kOk);
  struct stat st = {};
  REQUIRE(lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(slurp(s.rt) == "rt-2\n");
}

TEST_CASE("invalid_grant: exit 3, the reason, no API call, no secret") {
  Secrets s;
  FakeClient client({response(
      400,
      R"({"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[70008],"trace_id":"1","correlation_id":"2"})")});
  auto o = run_app(client, signin_args(s), {{"PCUSAGE_CLIENT_SECRET", "zzsecretzz"}});
  CHECK(o.code == ExitCode::kAuth);
  CHECK(o.out.empty());
  CHECK(o.err.find("invalid_grant: AADSTS70008: The provided authorization code or refresh token "
                   "has expired due to inactivity.") != std::string::npos);
  CHECK(o.err.find("Trace ID") == std::string::npos);
  CHECK(o.err.find("docs/authentication.md") != std::string::npos);
  CHECK(o.err.find("zzsecretzz") == std::string::npos);
  CHECK(o.err.find("rt-original") == std::string::npos);
  CHECK(client.sent.size() == 1);
}

TEST_CASE("the sign-in answer must carry an access token") {
  Secrets s;
  FakeClient client({response(200, R"({"token_type":"Bearer"})")});
  auto o = run_app(client, signin_args(s));
  CHECK(o.code == ExitCode::kInvalid);
  CHECK(o.err.find("no access_token") != std::string::npos);
  CHECK(client.sent.size() == 1);
}

TEST_CASE("the sign-in uses the retry policy, outages keep exit 5") {
  Secrets s;
  FakeClient client({response(500, "", {{"Retry-After", "0"}}),
                     response(200, R"({"access_token":"at"})"), response(200, kItems)});
  auto o = run_app(client, signin_args(s));
  CHECK(o.code == ExitCode::kOk);
  CHECK(client.sent.size() == 3);
  CHECK(o.err.empty());
  FakeClient down(
      {response(503, "", {{"Retry-After", "0"}}), response(503, "", {{"Retry-After", "0"}})});
  o = run_app(down, signin_args(s, {"--retries", "1"}));
  CHECK(o.code == ExitCode::kUnavailable);
  CHECK(o.err.find("sign-in failed: HTTP 503") != std::string::npos);
}

TEST_CASE("option -v never shows a secret") {
  Secrets s;
  const std::string secret_file = s.dir + "/secret";
  std::ofstream(secret_file) << "zz-client-secret\n";
  chmod(secret_file.c_str(), 0600);
  FakeClient client(
      {response(200, R"({"access_token":"at-zz-access","refresh_token":"rt-zz-new"})"),
       response(200, kItems)});
  auto o = run_app(client, signin_args(s, {"-v", "--client-secret-file", secret_file}));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.err.find("> "
                   "grant_type=refresh_token&refresh_token=***&client_id=11111111-2222-3333-4444-"
                   "555555555555&client_secret=***&resource=") != std::string::npos);
  CHECK(o.err.find("Bearer ***") != std::string::npos);
  for (const char* secret : {"zz-client-secret", "rt-original", "rt-zz-new", "at-zz-access"}) {
    INFO(secret);
    CHECK(o.err.find(secret) == std::string::npos);
  }
}

TEST_CASE("secret files readable by others get a warning") {
  Secrets s;
  chmod(s.rt.c_str(), 0644);
  FakeClient client({response(200, R"({"access_token":"at"})"), response(200, kItems)});
  auto o = run_app(client, signin_args(s));
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.err.find("warning: the refresh-token file " + s.rt + " is readable by group or others") !=
        std::string::npos);
}

TEST_CASE("an unwritable folder: a warning, and the run succeeds") {
  Secrets s;
  // No file can be created in /proc/self, not even by root: the new token cannot be stored there.
  FakeClient client(
      {response(200, R"({"access_token":"at","refresh_token":"rt-new"})"), response(200, kItems)});
  auto args = signin_args(s);
  args[7] = "/proc/self/comm";
  auto o = run_app(client, args);
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "{\"workloadName\":\"Exchange\"}\n");
  CHECK(o.err.find("warning: cannot store the new refresh token in /proc/self/comm") !=
        std::string::npos);
  CHECK(o.err.find("rt-new") == std::string::npos);
}

TEST_CASE("the sign-in needs a tenant and a client id") {
  Secrets s;
  FakeClient client;
  auto o = run_app(client, {"--refresh-token-file", s.rt, "--client-id", "x"});
  CHECK(o.code == ExitCode::kUsage);
  CHECK(o.err.find("--tenant") != std::string::npos);
}

TEST_CASE("source order: one explicit source, then PCUSAGE_TOKEN, then the environment's sign-in") {
  Secrets s;
  FakeClient client;
  auto o = run_app(client, {"--token", "a", "--token-command", "echo b"});
  CHECK(o.code == ExitCode::kUsage);
  CHECK(o.err.find("give only one token source") != std::string::npos);
  o = run_app(client, {"--token-file", s.rt, "--refresh-token-file", s.rt, "--tenant", "t",
                       "--client-id", "c"});
  CHECK(o.code == ExitCode::kUsage);
  CHECK(client.sent.empty());
  std::map<std::string, std::string> env = {{"PCUSAGE_REFRESH_TOKEN_FILE", s.rt},
                                            {"PCUSAGE_TENANT", "t"},
                                            {"PCUSAGE_CLIENT_ID", "c"},
                                            {"PCUSAGE_AUTHORITY", "http://localhost:7"}};
  FakeClient via_env({response(200, R"({"access_token":"at-env"})"), response(200, kItems)});
  o = run_app(via_env, {"--base-url", "http://localhost:9"}, env);
  CHECK(o.code == ExitCode::kOk);
  CHECK(via_env.sent[0].url == "http://localhost:7/t/oauth2/token");
  CHECK(find_header(via_env.sent[1].headers, "Authorization") == "Bearer at-env");
  env["PCUSAGE_TOKEN"] = "plain";
  FakeClient token_first({response(200, kItems)});
  o = run_app(token_first, {"--base-url", "http://localhost:9"}, env);
  CHECK(o.code == ExitCode::kOk);
  REQUIRE(token_first.sent.size() == 1);
  CHECK(find_header(token_first.sent[0].headers, "Authorization") == "Bearer plain");
}

TEST_CASE("option --token-command") {
  SECTION("its trimmed output is the token") {
    FakeClient client({response(200, kItems)});
    auto o = run_app(
        client, {"--base-url", "http://localhost:9", "--token-command", "printf '  cmdtok \\n'"});
    CHECK(o.code == ExitCode::kOk);
    CHECK(find_header(client.sent[0].headers, "Authorization") == "Bearer cmdtok");
  }
  SECTION("stdin is /dev/null") {
    auto r = run_token_command("cat; echo ok");
    REQUIRE(r.ok());
    CHECK(*r == "ok");
  }
  SECTION("a failure is exit 3 with the last line of its stderr") {
    FakeClient client;
    auto o = run_app(
        client, {"--token-command", "echo first >&2; echo 'vault: access denied' >&2; exit 3"});
    CHECK(o.code == ExitCode::kAuth);
    CHECK(o.err == "pcusage: error: --token-command failed: exit status 3: vault: access denied\n");
    CHECK(client.sent.empty());
  }
  SECTION("empty output") {
    auto r = run_token_command("true");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ExitCode::kAuth);
    CHECK(r.error().message == "--token-command failed: no output");
  }
  SECTION("too much output") {
    auto r = run_token_command("head -c 70000 /dev/zero | tr '\\0' a");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ExitCode::kAuth);
    CHECK(r.error().message.find("more than 65536 bytes") != std::string::npos);
  }
  SECTION("a time limit, and the whole process group is killed") {
    char d[] = "/tmp/pcusage-cmd-XXXXXX";
    REQUIRE(mkdtemp(d) != nullptr);
    const std::string marker = std::string(d) + "/late";
    const auto start = std::chrono::steady_clock::now();
    auto r = run_token_command("(sleep 2; touch " + marker + ") & sleep 10",
                               std::chrono::milliseconds(500));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ExitCode::kAuth);
    CHECK(r.error().message.find("no token within") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    CHECK(access(marker.c_str(), F_OK) != 0);
    rmdir(d);
  }
}
