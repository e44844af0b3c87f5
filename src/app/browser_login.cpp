#include "app/browser_login.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <csignal>

#include "app/api_error.h"
#include "core/crypto.h"
#include "core/signals.h"
#include "core/text.h"
#include "http/redirect_listener.h"

extern char** environ;

namespace pcusage {

namespace {

constexpr std::chrono::milliseconds kPollStep{200};

Error auth_error(const std::string& message) {
  return make_error(ExitCode::kAuth, "sign-in failed: " + message);
}

Error interrupted_error() {
  return make_error(pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted,
                    "interrupted: nothing was stored");
}

std::string param(const RedirectRequest& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? std::string() : it->second;
}

// The first line of the service's description, printable.
std::string first_line(const std::string& s) {
  return printable_excerpt(s.substr(0, s.find_first_of("\r\n")), 300);
}

}  // namespace

void open_with_xdg_open(const std::string& url, bool display) {
  if (!display) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string program = "xdg-open";
  std::string arg = url;
  char* argv[] = {program.data(), arg.data(), nullptr};
  // Not waited for: with some desktops xdg-open lasts as long as the browser, and the redirect must
  // be answered meanwhile. pcusage exits soon after, which reaps it.
  pid_t pid = 0;
  posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
}

Result<TokenAnswer> browser_sign_in(HttpClient& client, const Options& options,
                                    const FetchSettings& settings, Clock& clock,
                                    const UrlOpener& open, std::ostream& err) {
  auto secret = configured_secret(options, err);
  if (!secret) return secret.error();
  auto listener = RedirectListener::open();
  if (!listener) return listener.error();
  auto verifier_bytes = random_bytes(32);
  auto state_bytes = random_bytes(16);
  if (!verifier_bytes) return verifier_bytes.error();
  if (!state_bytes) return state_bytes.error();
  const std::string verifier = base64url(*verifier_bytes);  // 43 characters
  const std::string state = base64url(*state_bytes);
  const std::string port = std::to_string(listener->port());
  const std::string redirect_uri = "http://localhost:" + port;
  const std::string id = form_encode(options.client_id);
  const std::string resource = form_encode(kPartnerCenterResource);
  const std::string url =
      options.authority.join("/" + options.tenant + "/oauth2/authorize") + "?client_id=" + id +
      "&response_type=code&redirect_uri=" + form_encode(redirect_uri) + "&resource=" + resource +
      "&state=" + state + "&code_challenge=" + base64url(sha256(verifier)) +
      "&code_challenge_method=S256&prompt=select_account";
  err << "To sign in, open this page in a browser on this machine:\n  " << url << "\n";
  err.flush();
  open(url);

  std::string code;
  const auto deadline = clock.now() + kBrowserWait;
  while (code.empty()) {
    if (interrupted()) return interrupted_error();
    auto request = listener->next(std::chrono::milliseconds(0));
    if (!request) {
      if (clock.now() >= deadline) {
        return auth_error("no answer from the browser within " +
                          std::to_string(kBrowserWait.count()) +
                          " minutes; nothing was stored (run pcusage login --browser again)");
      }
      if (!clock.sleep_until(std::min(deadline, clock.now() + kPollStep))) {
        return interrupted_error();
      }
      continue;
    }
    // Only the redirect itself counts: a favicon request, or one that names another host (a page
    // elsewhere reaching the port through DNS rebinding), is turned away and the wait goes on.
    const bool own_host =
        request->host == "localhost:" + port || request->host == "127.0.0.1:" + port;
    if (request->method != "GET" || request->path != "/" || !own_host) {
      listener->answer(404, "Not the sign-in redirect.");
      continue;
    }
    const std::string error = param(*request, "error");
    if (!error.empty()) {
      listener->answer(400, "Sign-in failed. You can close this tab.");
      const std::string d = first_line(param(*request, "error_description"));
      return auth_error(printable_excerpt(error, 80) + (d.empty() ? "" : ": " + d));
    }
    if (param(*request, "state") != state) {
      listener->answer(400, "Sign-in refused: the answer does not match this sign-in.");
      return auth_error(
          "the redirect's state does not match this sign-in (a stale or forged redirect); nothing "
          "was stored");
    }
    code = param(*request, "code");
    if (code.empty()) {
      listener->answer(400, "Sign-in failed: no code in the answer.");
      return auth_error("the redirect carries no code");
    }
    listener->answer(200, "Signed in to pcusage. You can close this tab.");
  }
  listener->close_listener();  // one shot: a second redirect finds nobody listening

  const std::string s = *secret ? "&client_secret=" + form_encode(**secret) : std::string();
  const std::string common =
      "&client_id=" + id + "&redirect_uri=" + form_encode(redirect_uri) + "&resource=" + resource;
  HttpRequest request =
      sign_in_request(options, settings, "token",
                      "grant_type=authorization_code&code=" + form_encode(code) + common +
                          "&code_verifier=" + verifier + s,
                      "grant_type=authorization_code&code=***" + common + "&code_verifier=***" +
                          (*secret ? "&client_secret=***" : ""));
  // The run's deadline counts from now: the wait for the browser is not part of it.
  FetchSettings fresh = settings;
  fresh.deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<long long>(settings.timeout_s * 1000));
  request.deadline = fresh.deadline;
  auto response = send_with_retries(client, request, fresh, false, "sign-in failed", err);
  if (!response) return sign_in_error(response.error());
  auto answer = parse_token_answer(response->body);
  if (answer && answer->refresh_token.empty()) {
    return make_error(ExitCode::kInvalid,
                      "sign-in failed: invalid response: no refresh_token in the answer");
  }
  return answer;
}

}  // namespace pcusage
