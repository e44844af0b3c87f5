// pcusage login, logout and config, profiles, the config file and the access-token cache, end to
// end against a fake sign-in service on 127.0.0.1, with a fake clock for the waits.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/login.h"
#include "app/run.h"
#include "core/signals.h"
#include "http/curl_client.h"
#include "support/fake_clock.h"
#include "support/helpers.h"
#include "support/run_app.h"
#include "support/run_process.h"
#include "support/sign_in_service.h"

using namespace pcusage;
using namespace pcusage::test;

namespace {

const std::string kTenant = "contoso.onmicrosoft.com";
const std::string kClient = "11111111-2222-3333-4444-555555555555";

void spit(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

unsigned mode_of(const std::string& path) {
  struct stat st = {};
  return stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

bool exists(const std::string& path) {
  struct stat st = {};
  return lstat(path.c_str(), &st) == 0;
}

// A fresh HOME with XDG_CONFIG_HOME inside it, removed afterwards.
struct Home {
  Home() : dir(scratch.path) { env = {{"HOME", dir}, {"XDG_CONFIG_HOME", dir + "/.config"}}; }
  std::string folder() const { return dir + "/.config/pcusage"; }
  std::string config() const { return folder() + "/config"; }
  std::string token(const std::string& profile = "default") const {
    return folder() + "/" + profile + ".refresh-token";
  }
  std::string cache(const std::string& profile = "default") const {
    return folder() + "/" + profile + ".access-token";
  }
  TempDir scratch{"pcusage-login"};
  std::string dir;
  std::map<std::string, std::string> env;
};

struct Login {
  Outcome outcome;
  std::string url;  // the authorize URL opened, for --browser
};

Outcome login(SignInService& service, const Home& home, std::vector<std::string> extra = {},
              FakeClock* clock = nullptr, FakeBrowser* browser = nullptr,
              std::map<std::string, std::string> env = {}) {
  std::vector<std::string> args = {"login", "--client-id", kClient, "--authority", service.url()};
  if (std::find(extra.begin(), extra.end(), "--tenant") == extra.end()) {
    args.insert(args.end(), {"--tenant", kTenant});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  for (const auto& [k, v] : home.env) env.emplace(k, v);
  std::ostringstream err;
  auto options = parse_with_env(args, env);
  if (!options) return {report(options.error(), err), "", err.str()};
  FakeClock own_clock;
  auto client = make_curl_client();
  const AccountIo io{clock ? *clock : own_clock, [&](const std::string& url) {
                       if (browser) browser->open(url);
                     }};
  StringSink out;
  const ExitCode code = run_account_command(*options, *client, io, out, err);
  return {code, out.str(), err.str()};
}

// A plain run as after login: only --base-url (and `extra`), the profile signs in.
Outcome plain(SignInService& service, const Home& home, std::vector<std::string> extra = {},
              std::map<std::string, std::string> env = {}) {
  std::vector<std::string> args = {"--base-url", service.url(), "-o", "csv"};
  args.insert(args.end(), extra.begin(), extra.end());
  for (const auto& [k, v] : home.env) env.emplace(k, v);
  auto client = make_curl_client();
  return run_app(*client, args, env);
}

void require_failure(const Outcome& o, ExitCode code, const std::string& fragment) {
  INFO(o.err);
  CHECK(o.code == code);
  CHECK(o.out.empty());
  CHECK(o.err.find("pcusage: error: ") != std::string::npos);
  CHECK(o.err.find(fragment) != std::string::npos);
}

bool no_client_secret(const std::vector<std::map<std::string, std::string>>& forms) {
  for (const auto& f : forms) {
    if (f.count("client_secret") > 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("device code: the service's message, polls, tokens stored 0600 in 0700, one line") {
  SignInService service;
  Home home;
  FakeClock clock;
  auto o = login(service, home, {}, &clock);
  INFO(o.err);
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(o.err.find("enter the code TEST-CODE") != std::string::npos);
  CHECK(o.out == "Signed in: profile default, refresh token stored in " + home.token() + "\n");
  auto polls = service.token_forms("device_code");
  REQUIRE(polls.size() == 2);
  CHECK(polls[0]["code"] == "dc-1");
  CHECK(polls[0]["client_id"] == kClient);
  CHECK(polls[0]["resource"] == "https://api.partnercenter.microsoft.com");
  CHECK(no_client_secret(service.token_forms()));
  CHECK(clock.waits ==
        std::vector<std::chrono::milliseconds>{std::chrono::seconds(5), std::chrono::seconds(5)});
  CHECK(slurp(home.token()) == "rt-1\n");
  CHECK(mode_of(home.token()) == 0600);
  CHECK(mode_of(home.cache()) == 0600);
  CHECK(mode_of(home.folder()) == 0700);
  CHECK(mode_of(home.config()) == 0600);
  CHECK(slurp(home.config()) == "[default]\ntenant = " + kTenant + "\nclient-id = " + kClient +
                                    "\nauthority = " + service.url() + "\n");
  CHECK((o.out + o.err).find("rt-1") == std::string::npos);
  CHECK((o.out + o.err).find("at-1") == std::string::npos);
}

TEST_CASE("device code with -v: every poll is traced, the device code and tokens are not") {
  SignInService service;
  SignInScript s;
  s.polls = {"authorization_pending", "slow_down", "ok"};
  service.set_script(s);
  Home home;
  FakeClock clock;
  // The device-code flow never sends a client secret, even when one is set.
  auto o = login(service, home, {"-v"}, &clock, nullptr,
                 {{"PCUSAGE_CLIENT_SECRET", "zz-client-secret"}});
  INFO(o.err);
  REQUIRE(o.code == ExitCode::kOk);
  const std::string poll = "* POST " + service.url() + "/" + kTenant + "/oauth2/token (poll ";
  for (const char* n : {"1)", "2)", "3)"}) CHECK(o.err.find(poll + n) != std::string::npos);
  CHECK(o.err.find(poll + "4)") == std::string::npos);
  CHECK(o.err.find("> grant_type=device_code&client_id=" + kClient +
                   "&code=***&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com\n") !=
        std::string::npos);
  // Two refusals (400) and the answer (200), each after its poll.
  std::size_t answers = 0;
  for (auto at = o.err.find("< HTTP 400 Bad Request"); at != std::string::npos;
       at = o.err.find("< HTTP 400 Bad Request", at + 1)) {
    ++answers;
  }
  CHECK(answers == 2);
  CHECK(o.err.rfind("< HTTP 200 OK") > o.err.find(poll + "3)"));
  CHECK(service.token_forms("device_code").size() == 3);
  CHECK(no_client_secret(service.token_forms()));
  for (const char* secret : {"dc-1", "rt-1", "at-1", "zz-client-secret"}) {
    INFO(secret);
    CHECK(o.err.find(secret) == std::string::npos);
  }
}

TEST_CASE("device code: slow_down adds 5 s to the interval") {
  SignInService service;
  SignInScript s;
  s.polls = {"slow_down", "authorization_pending", "ok"};
  service.set_script(s);
  Home home;
  FakeClock clock;
  auto o = login(service, home, {}, &clock);
  REQUIRE(o.code == ExitCode::kOk);
  using std::chrono::seconds;
  CHECK(clock.waits ==
        std::vector<std::chrono::milliseconds>{seconds(5), seconds(10), seconds(10)});
}

TEST_CASE("device code: a code that expires while waiting is exit 3 and stores nothing") {
  SignInService service;
  SignInScript s;
  s.polls = {"authorization_pending"};
  s.expires_in = "12";
  service.set_script(s);
  Home home;
  FakeClock clock;
  require_failure(login(service, home, {}, &clock), ExitCode::kAuth, "the code expired");
  CHECK(service.token_forms("device_code").size() == 2);
  CHECK_FALSE(exists(home.token()));
  CHECK_FALSE(exists(home.config()));

  s.polls = {"authorization_pending", "expired_token"};
  s.expires_in = "900";
  service.set_script(s);
  require_failure(login(service, home, {}, &clock), ExitCode::kAuth, "the code expired");
  CHECK_FALSE(exists(home.token()));
}

TEST_CASE("device code: declined and unknown codes end the flow with exit 3") {
  SignInService service;
  Home home;
  FakeClock clock;
  SignInScript s;
  s.polls = {"authorization_declined"};
  service.set_script(s);
  require_failure(login(service, home, {}, &clock), ExitCode::kAuth, "declined");
  s.polls = {"bad_verification_code"};
  service.set_script(s);
  require_failure(login(service, home, {}, &clock), ExitCode::kAuth, "did not recognise");
  CHECK_FALSE(exists(home.token()));
}

TEST_CASE("device code: an app without public client flows gets the hint") {
  SignInService service;
  Home home;
  SignInScript s;
  s.devicecode_error =
      "invalid_client|AADSTS7000218: The request body must contain the following parameter: "
      "'client_assertion' or 'client_secret'.";
  service.set_script(s);
  require_failure(login(service, home), ExitCode::kAuth, "allows public client flows");
}

TEST_CASE("device code: SIGINT while waiting is 130 and leaves the stored token alone") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  const std::string before = slurp(home.token());
  const std::string config_before = slurp(home.config());
  service.set_script({});  // the polls start over: pending, then ok
  FakeClock clock;
  clock.interrupt_at_sleep = 2;
  auto o = login(service, home, {"--tenant", "other.example"}, &clock);
  clear_interrupt();
  CHECK(o.code == ExitCode::kInterrupted);
  CHECK(o.out.empty());
  CHECK(slurp(home.token()) == before);
  CHECK(slurp(home.config()) == config_before);
}

TEST_CASE(
    "login --browser: PKCE S256, state, a one-shot localhost redirect, no secret for a public "
    "app") {
  SignInService service;
  Home home;
  FakeClock clock;
  FakeBrowser browser(service, {BrowserPlan::kApprove});
  auto o = login(service, home, {"--browser"}, &clock, &browser);
  INFO(o.err);
  REQUIRE(o.code == ExitCode::kOk);
  auto& q = browser.query;
  CHECK(q["client_id"] == kClient);
  CHECK(q["response_type"] == "code");
  CHECK(q["code_challenge_method"] == "S256");
  CHECK(q["code_challenge"].size() == 43);
  CHECK(q["state"].size() >= 16);
  CHECK(q["redirect_uri"].rfind("http://localhost:", 0) == 0);
  CHECK(o.err.find("/" + kTenant + "/oauth2/authorize?client_id=") != std::string::npos);
  auto forms = service.token_forms("authorization_code");
  REQUIRE(forms.size() == 1);
  CHECK(forms[0]["code"] == "ac-1");
  CHECK(forms[0]["redirect_uri"] == q["redirect_uri"]);
  CHECK(forms[0]["code_verifier"].size() >= 43);
  CHECK(no_client_secret(forms));
  CHECK(slurp(home.token()) == "rt-1\n");
}

TEST_CASE("login --browser with --client-secret-file: the secret is sent, and on later refreshes") {
  SignInService service;
  Home home;
  SignInScript s;
  s.token_expires_in = "60";  // too short to cache: every run signs in
  service.set_script(s);
  const std::string secret = home.dir + "/secret";
  spit(secret, "s3cr&t\n");
  chmod(secret.c_str(), 0600);
  FakeBrowser browser(service, {BrowserPlan::kApprove});
  auto o = login(service, home, {"--browser", "--client-secret-file", secret}, nullptr, &browser);
  INFO(o.err);
  REQUIRE(o.code == ExitCode::kOk);
  CHECK(service.token_forms("authorization_code").at(0)["client_secret"] == "s3cr&t");
  CHECK(slurp(home.config()).find("client-secret-file = " + secret) != std::string::npos);
  auto r = plain(service, home);
  INFO(r.err);
  REQUIRE(r.code == ExitCode::kOk);
  CHECK(service.token_forms("refresh_token").at(0)["client_secret"] == "s3cr&t");
  CHECK((o.err + r.err + o.out).find("s3cr&t") == std::string::npos);
}

TEST_CASE(
    "login --browser: a wrong state, an error redirect or no redirect is exit 3, nothing stored") {
  SignInService service;
  Home home;
  FakeClock clock;
  {
    FakeBrowser browser(service, {BrowserPlan::kWrongState});
    require_failure(login(service, home, {"--browser"}, &clock, &browser), ExitCode::kAuth,
                    "state does not match");
  }
  {
    FakeBrowser browser(service, {BrowserPlan::kError});
    require_failure(login(service, home, {"--browser"}, &clock, &browser), ExitCode::kAuth,
                    "access_denied: AADSTS65004: User declined to consent");
  }
  {
    FakeBrowser browser(service, {BrowserPlan::kNothing});
    require_failure(login(service, home, {"--browser"}, &clock, &browser), ExitCode::kAuth,
                    "no answer from the browser within 5 minutes");
  }
  CHECK(service.token_forms().empty());
  CHECK_FALSE(exists(home.token()));
}

TEST_CASE("login --browser: SIGINT while waiting is 130, nothing stored") {
  SignInService service;
  Home home;
  FakeClock clock;
  clock.interrupt_at_sleep = 3;
  FakeBrowser browser(service, {BrowserPlan::kNothing});
  auto o = login(service, home, {"--browser"}, &clock, &browser);
  clear_interrupt();
  CHECK(o.code == ExitCode::kInterrupted);
  CHECK(o.out.empty());
  CHECK_FALSE(exists(home.token()));
  CHECK_FALSE(exists(home.config()));
}

TEST_CASE("login --browser opens the page only when a display is set") {
  for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY"}) {
    auto o =
        parse_with_env({"login", "--browser", "--tenant", "t", "--client-id", "c"}, {{var, ":0"}});
    REQUIRE(o);
    CHECK(o->has_display);
  }
  auto o = parse_with_env({"login", "--browser", "--tenant", "t", "--client-id", "c"},
                          {{"DISPLAY", ""}});
  REQUIRE(o);
  CHECK_FALSE(o->has_display);
}

TEST_CASE("login --browser: a second redirect, or one naming another host, is not used") {
  SignInService service;
  Home home;
  FakeClock clock;
  {
    FakeBrowser browser(service, {BrowserPlan::kTwice});
    REQUIRE(login(service, home, {"--browser"}, &clock, &browser).code == ExitCode::kOk);
  }
  {
    FakeBrowser browser(service, {BrowserPlan::kOtherHostFirst});
    REQUIRE(login(service, home, {"--browser"}, &clock, &browser).code == ExitCode::kOk);
  }
  auto forms = service.token_forms("authorization_code");
  REQUIRE(forms.size() == 2);
  CHECK(forms[0]["code"] == "ac-1");
  CHECK(forms[1]["code"] == "ac-1");
}

TEST_CASE("login --browser only applies to login, a secret file needs --browser") {
  SignInService service;
  Home home;
  require_failure(plain(service, home, {"--browser"}), ExitCode::kUsage,
                  "--browser does not apply");
  require_failure(login(service, home, {"--client-secret-file", "/dev/null"}), ExitCode::kUsage,
                  "--client-secret-file applies to 'pcusage login --browser'");
}

TEST_CASE("after login, plain pcusage prints the report, a second run makes no sign-in request") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  const auto sign_ins = service.token_forms().size();
  auto r = plain(service, home);
  INFO(r.err);
  REQUIRE(r.code == ExitCode::kOk);
  CHECK(r.out ==
        "workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime\n"
        "Exchange,o365,,,\nSharePoint,o365,,,\n");
  auto r2 = plain(service, home);
  REQUIRE(r2.code == ExitCode::kOk);
  CHECK(service.token_forms().size() == sign_ins);
  CHECK(service.api_authorizations() == std::vector<std::string>{"Bearer at-1", "Bearer at-1"});
  CHECK(slurp(home.token()) == "rt-1\n");
}

TEST_CASE("a cache with 5 minutes or less left is not used: the stored refresh token signs in") {
  SignInService service;
  Home home;
  SignInScript s;
  s.token_expires_in = "300";
  service.set_script(s);
  REQUIRE(login(service, home).code == ExitCode::kOk);
  CHECK_FALSE(exists(home.cache()));
  s.token_expires_in = "3600";
  service.set_script(s);
  auto r = plain(service, home);
  INFO(r.err);
  REQUIRE(r.code == ExitCode::kOk);
  auto refreshes = service.token_forms("refresh_token");
  REQUIRE(refreshes.size() == 1);
  CHECK(refreshes[0]["refresh_token"] == "rt-1");
  CHECK(refreshes[0]["client_id"] == kClient);
  CHECK(no_client_secret(refreshes));
  CHECK(slurp(home.token()) == "rt-2\n");
  CHECK(mode_of(home.cache()) == 0600);
  // An almost expired cache entry is not used either.
  spit(home.cache(), std::to_string(std::time(nullptr) + 200) + "\nat-old\n");
  REQUIRE(plain(service, home).code == ExitCode::kOk);
  CHECK(service.api_authorizations().back() == "Bearer at-3");
}

TEST_CASE("a 401 with a cached token: the cache is dropped, one more sign-in, one retry") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  SignInScript s;
  s.rejected_tokens = {"at-1"};
  service.set_script(s);
  auto r = plain(service, home);
  INFO(r.err);
  REQUIRE(r.code == ExitCode::kOk);
  CHECK(service.api_authorizations() == std::vector<std::string>{"Bearer at-1", "Bearer at-2"});
  CHECK(service.token_forms("refresh_token").size() == 1);
  // Refused again: no loop, the error says what to do.
  s.rejected_tokens = {"at-2", "at-3"};
  service.set_script(s);
  r = plain(service, home);
  require_failure(r, ExitCode::kAuth, "access tokens last about an hour");
  CHECK(service.token_forms("refresh_token").size() == 2);
}

TEST_CASE("keep going over customers: a sign-in failure ends the run with exit 3, once") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  std::vector<std::string> fanout = {"--keep-going", "--concurrency", "1"};
  for (const char* id :
       {"0000aaaa-c0de-4000-8000-00000000aaaa", "0000bbbb-c0de-4000-8000-00000000bbbb",
        "0000cccc-c0de-4000-8000-00000000cccc"}) {
    fanout.insert(fanout.end(), {"--customer", id});
  }
  // The cached token is refused: one more sign-in, and every customer is fetched with the new one.
  SignInScript s;
  s.rejected_tokens = {"at-1"};
  service.set_script(s);
  auto r = plain(service, home, fanout);
  INFO(r.err);
  REQUIRE(r.code == ExitCode::kOk);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 7);
  CHECK(service.api_authorizations() ==
        std::vector<std::string>{"Bearer at-1", "Bearer at-2", "Bearer at-2", "Bearer at-2"});
  CHECK(service.token_forms("refresh_token").size() == 1);

  // The new token is refused too: the sign-in's error, not one line per customer.
  s.rejected_tokens = {"at-2", "at-3"};
  service.set_script(s);
  r = plain(service, home, fanout);
  require_failure(r, ExitCode::kAuth, "request failed: HTTP 401 Unauthorized");
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find("customer") == std::string::npos);
  CHECK(service.api_authorizations().size() == 6);

  // The token endpoint refuses the re-sign-in (400 invalid_grant).
  s.rejected_tokens = {"at-3"};
  const auto before = service.requests().size();
  spit(home.cache(), std::to_string(std::time(nullptr) + 3600) + "\nat-3\n");
  s.token_error = "invalid_grant|AADSTS70008: The refresh token has expired";
  service.set_script(s);
  r = plain(service, home, fanout);
  require_failure(r, ExitCode::kAuth, "sign-in failed: HTTP 400 Bad Request: invalid_grant");
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find("customer") == std::string::npos);
  // One API call with the cached token, one sign-in, nothing more.
  CHECK(service.requests().size() == before + 2);
}

TEST_CASE("a 401 for a token without MFA (900421) says to sign in again with MFA") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  SignInScript s;
  s.rejected_tokens = {"at-1", "at-2"};
  s.api_401_body =
      R"({"code":900421,"description":"Multi-factor authentication is required for this call"})";
  service.set_script(s);
  auto r = plain(service, home);
  require_failure(r, ExitCode::kAuth,
                  "the token was issued without multi-factor authentication; run pcusage login "
                  "and complete MFA");
  CHECK(r.err.find("an hour") == std::string::npos);
}

TEST_CASE("sign-in errors get the hint that fits") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  remove(home.cache().c_str());
  SignInScript s;
  s.token_error = "invalid_grant|AADSTS70008: The refresh token has expired due to inactivity.";
  service.set_script(s);
  require_failure(plain(service, home), ExitCode::kAuth, "run 'pcusage login' again");
  s.token_error = "invalid_grant|AADSTS50173: The provided grant has expired.";
  service.set_script(s);
  require_failure(plain(service, home), ExitCode::kAuth, "expired or was revoked");
  s.token_error =
      "invalid_client|AADSTS700025: Client is public so neither 'client_assertion' "
      "nor 'client_secret' should be presented.";
  service.set_script(s);
  require_failure(plain(service, home, {}, {{"PCUSAGE_CLIENT_SECRET", "zz"}}), ExitCode::kAuth,
                  "the app is a public client");
  s.token_error =
      "invalid_client|AADSTS7000218: The request body must contain the following "
      "parameter: 'client_assertion' or 'client_secret'.";
  service.set_script(s);
  require_failure(plain(service, home), ExitCode::kAuth, "the app is a confidential client");
  // A wrong --authority answers 404: no word about expired tokens.
  service.set_script({});
  auto r = plain(service, home, {"--authority", service.url() + "/wrong/place/x"});
  require_failure(r, ExitCode::kAuth, "check --authority");
  CHECK(r.err.find("expired") == std::string::npos);
}

TEST_CASE("logout deletes the profile's stored tokens") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  auto client = make_curl_client();
  auto o = run_app(*client, {"logout"}, home.env);
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out == "Signed out: profile default, deleted " + home.token() + "\n");
  CHECK_FALSE(exists(home.token()));
  CHECK_FALSE(exists(home.cache()));
  require_failure(plain(service, home), ExitCode::kUsage, "no token: run 'pcusage login' once");
}

TEST_CASE("profiles: each keeps its own token and settings, login keeps the rest of the file") {
  SignInService service;
  Home home;
  mkdir((home.dir + "/.config").c_str(), 0700);
  mkdir(home.folder().c_str(), 0700);
  spit(home.config(),
       "# my settings\n[default]\nlocale = fr-FR\n\n[profile other]\noutput = json\n");
  REQUIRE(login(service, home, {"--profile", "work"}).code == ExitCode::kOk);
  CHECK(slurp(home.config()) ==
        "# my settings\n[default]\nlocale = fr-FR\n\n[profile other]\n"
        "output = json\n\n[profile work]\ntenant = " +
            kTenant + "\nclient-id = " + kClient + "\nauthority = " + service.url() + "\n");
  CHECK(exists(home.token("work")));
  CHECK_FALSE(exists(home.token()));
  REQUIRE(plain(service, home, {"--profile", "work"}).code == ExitCode::kOk);
  auto r = plain(service, home, {}, {{"PCUSAGE_PROFILE", "work"}});
  CHECK(r.code == ExitCode::kOk);
  CHECK(service.requests().back().header("X-Locale") == "en-US");
  // Signing in again updates the section in place.
  REQUIRE(login(service, home, {"--profile", "work", "--tenant", "fabrikam.example"}).code ==
          ExitCode::kOk);
  const std::string text = slurp(home.config());
  CHECK(text.find("tenant = fabrikam.example\nclient-id") != std::string::npos);
  CHECK(text.find(kTenant) == std::string::npos);
}

TEST_CASE("config file: precedence flag, environment, profile, default") {
  SignInService service;
  Home home;
  mkdir((home.dir + "/.config").c_str(), 0700);
  mkdir(home.folder().c_str(), 0700);
  spit(home.config(), "[default]\nlocale = fr-FR\ncolumns = serviceName\n");
  auto run = [&](std::vector<std::string> extra, std::map<std::string, std::string> env = {}) {
    extra.insert(extra.end(), {"--token", "t"});
    auto r = plain(service, home, extra, env);
    INFO(r.err);
    CHECK(r.code == ExitCode::kOk);
    return service.requests().back().header("X-Locale") + " " + r.out;
  };
  CHECK(run({}) == "fr-FR serviceName\no365\no365\n");
  CHECK(run({}, {{"PCUSAGE_LOCALE", "de-DE"}}) == "de-DE serviceName\no365\no365\n");
  CHECK(run({"--locale", "it-IT"}, {{"PCUSAGE_LOCALE", "de-DE"}}) ==
        "it-IT serviceName\no365\no365\n");
  auto client = make_curl_client();
  auto o = run_app(*client, {"config"}, home.env);
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out.find("locale              fr-FR  [" + home.config() + ":2]") != std::string::npos);
  CHECK(o.out.find("base-url            https://api.partnercenter.microsoft.com  [default]") !=
        std::string::npos);
  auto env = home.env;
  env["PCUSAGE_TOKEN"] = "envsecret";
  env["PCUSAGE_CLIENT_SECRET"] = "clientsecret";
  o = run_app(*client, {"config", "--token", "flagsecret", "--locale", "it-IT"}, env);
  CHECK(o.code == ExitCode::kOk);
  CHECK(o.out.find("locale              it-IT  [command line]") != std::string::npos);
  for (const char* secret : {"envsecret", "clientsecret", "flagsecret"}) {
    CHECK(o.out.find(secret) == std::string::npos);
  }
}

TEST_CASE("config file: bad lines, unknown keys and profiles, bad profile names are exit 2") {
  SignInService service;
  Home home;
  mkdir((home.dir + "/.config").c_str(), 0700);
  mkdir(home.folder().c_str(), 0700);
  auto expect = [&](const std::string& text, std::vector<std::string> extra,
                    const std::string& fragment) {
    spit(home.config(), text);
    extra.insert(extra.end(), {"--token", "t"});
    require_failure(plain(service, home, extra), ExitCode::kUsage, fragment);
  };
  expect("[default]\nlocale = fr-FR\ncolour = blue\n", {},
         home.config() + ":3: unknown key \"colour\"");
  expect("[default]\n\njust words\n", {}, home.config() + ":3: expected key = value");
  expect("[default]\ntoken = abc\n", {}, home.config() + ":2: unknown key \"token\"");
  expect("[staging]\nlocale = fr-FR\n", {}, home.config() + ":1: unknown section [staging]");
  expect("[default]\nlocale = fr-FR\nlocale = de-DE\n", {},
         home.config() + ":3: \"locale\" is set twice");
  expect("[default]\n\nlocale = not a locale\n", {},
         home.config() + ":3: --locale: \"not a locale\" is not a language tag");
  expect("[default]\n", {"--profile", "nope"}, "profile \"nope\" is not in " + home.config());
  expect("[default]\n", {"--profile", "../evil"}, "is not a profile name");
  expect("[default]\n", {"--profile", "a/b"}, "is not a profile name");
  spit(home.config(), "[default]\n");
  require_failure(plain(service, home, {"--token", "t"}, {{"PCUSAGE_PROFILE", "x..y"}}),
                  ExitCode::kUsage, "is not a profile name");
  require_failure(plain(service, home, {"--token", "t", "--config", home.dir + "/missing"}),
                  ExitCode::kUsage, "--config: " + home.dir + "/missing does not exist");
  // --config picks another file.
  spit(home.dir + "/other.ini", "[default]\nlocale = de-DE\n");
  auto r = plain(service, home, {"--token", "t", "--config", home.dir + "/other.ini"});
  CHECK(r.code == ExitCode::kOk);
  CHECK(service.requests().back().header("X-Locale") == "de-DE");
}

TEST_CASE("a token folder readable by others is warned about, another user's file is refused") {
  SignInService service;
  Home home;
  REQUIRE(login(service, home).code == ExitCode::kOk);
  chmod(home.folder().c_str(), 0755);
  auto r = plain(service, home);
  CHECK(r.code == ExitCode::kOk);
  CHECK(r.err == "pcusage: warning: the folder " + home.folder() +
                     " can be read by group or others (chmod 700 " + home.folder() + ")\n");
  chmod(home.folder().c_str(), 0700);
  if (geteuid() != 0) return;  // only root can make a file that belongs to someone else
  const std::string theirs = home.dir + "/theirs";
  spit(theirs, "rt-theirs\n");
  REQUIRE(chown(theirs.c_str(), 65534, 65534) == 0);
  remove(home.token().c_str());
  remove(home.cache().c_str());
  REQUIRE(symlink(theirs.c_str(), home.token().c_str()) == 0);
  require_failure(plain(service, home), ExitCode::kUsage,
                  "is a symbolic link to a file owned by another user");
  require_failure(login(service, home), ExitCode::kUsage,
                  "is a symbolic link to a file owned by another user");
  CHECK(slurp(theirs) == "rt-theirs\n");
}

TEST_CASE("as a new user would: the binary logs in, then plain pcusage prints the report") {
  SignInService service;
  SignInScript s;
  s.interval = "1";
  s.polls = {"ok"};
  service.set_script(s);
  Home home;
  auto env = home.env;
  env["NO_PROXY"] = "*";
  auto r = run_process({PCUSAGE_BINARY, "login", "--tenant", kTenant, "--client-id", kClient,
                        "--authority", service.url()},
                       env);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == "Signed in: profile default, refresh token stored in " + home.token() + "\n");
  r = run_process({PCUSAGE_BINARY, "--base-url", service.url()}, env);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("Exchange") != std::string::npos);
  const auto sign_ins = service.token_forms().size();
  r = run_process({PCUSAGE_BINARY, "--base-url", service.url()}, env);
  REQUIRE(r.status == 0);
  CHECK(service.token_forms().size() == sign_ins);
}
