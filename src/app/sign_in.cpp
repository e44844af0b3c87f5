#include "app/sign_in.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "app/api_error.h"
#include "app/retry.h"
#include "app/token.h"
#include "core/files.h"
#include "core/text.h"
#include "core/url.h"
#include "model/flat_object.h"

namespace pcusage {

namespace {

constexpr std::size_t kSecretFileLimit = std::size_t{64} * 1024;

// Like ssh, warn when a file holding a secret can be read by others.
void warn_if_shared(const std::string& path, const char* what, std::ostream& err) {
  struct stat st = {};
  if (path != "-" && stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    err << "pcusage: warning: " << what << " " << path << " is readable by group or others"
        << " (chmod 600 " << path << ")\n";
  }
}

Result<std::string> read_secret(const std::string& path, const char* what, std::ostream& err) {
  warn_if_shared(path, what, err);
  auto text = read_source(path, kSecretFileLimit, ExitCode::kUsage, what);
  if (!text) return text.error();
  const std::string_view v = trim(*text);
  if (v.empty()) return make_error(ExitCode::kUsage, std::string(what) + " " + path + " is empty");
  return std::string(v);
}

bool mentions(const std::string& text, const char* code) {
  return text.find(code) != std::string::npos;
}

}  // namespace

std::string form_encode(std::string_view s) { return percent_encode(s, true); }

Status store_secret(const std::string& path, const std::string& text) {
  auto file = AtomicFile::create(path, 0600, true);
  if (!file) return file.error();
  const std::string line = text + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = write(file->fd(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ExitCode::kInternal, std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return file->commit();
}

Result<std::optional<std::string>> configured_secret(const Options& options, std::ostream& err) {
  if (options.client_secret_file) {
    auto s = read_secret(*options.client_secret_file, "the client-secret file", err);
    if (!s) return s.error();
    return std::optional<std::string>(*s);
  }
  if (options.env_client_secret) {
    return std::optional<std::string>(std::string(trim(*options.env_client_secret)));
  }
  return std::optional<std::string>();
}

HttpRequest sign_in_request(const Options& options, const FetchSettings& settings,
                            const std::string& endpoint, std::string form, std::string trace_form) {
  HttpRequest request = limited_request(
      settings, options.authority.join("/" + options.tenant + "/oauth2/" + endpoint),
      options.authority.is_plain_http());
  request.method = "POST";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"User-Agent", settings.user_agent}};
  request.body = std::move(form);
  request.trace_body = std::move(trace_form);
  return request;
}

Result<TokenAnswer> parse_token_answer(std::string_view body) {
  auto fields = parse_flat_object(body);
  if (!fields) {
    return make_error(ExitCode::kInvalid,
                      "sign-in failed: invalid response: the answer is not a JSON object");
  }
  auto at = fields->find("access_token");
  if (at == fields->end() || trim(at->second).empty()) {
    return make_error(ExitCode::kInvalid,
                      "sign-in failed: invalid response: no access_token in the answer");
  }
  auto token = check_token(at->second, "sign-in");
  if (!token) {
    return make_error(
        ExitCode::kInvalid,
        "sign-in failed: invalid response: the access_token has characters outside visible ASCII");
  }
  TokenAnswer answer;
  answer.access_token = *token;
  if (auto rt = fields->find("refresh_token"); rt != fields->end()) {
    answer.refresh_token = std::string(trim(rt->second));
  }
  if (auto ex = fields->find("expires_in"); ex != fields->end()) {
    answer.expires_in = std::strtol(ex->second.c_str(), nullptr, 10);
  }
  return answer;
}

Error sign_in_error(Error e) {
  // The sign-in service's own refusal (invalid_grant, invalid_client, ...) is an auth failure;
  // throttling and outages keep their codes.
  if (e.code != ExitCode::kRefused && e.code != ExitCode::kAuth) return e;
  e.code = ExitCode::kAuth;
  const std::string& m = e.message;
  if (mentions(m, "AADSTS700025")) {
    e.message +=
        " (the app is a public client: give no --client-secret-file or PCUSAGE_CLIENT_SECRET)";
  } else if (mentions(m, "AADSTS7000218")) {
    e.message +=
        " (the app is a confidential client: give its secret with --client-secret-file and "
        "'pcusage login --browser', or allow public client flows in its registration)";
  } else if (mentions(m, "invalid_grant") &&
             (mentions(m, "AADSTS70008") || mentions(m, "AADSTS50173") ||
              mentions(m, "AADSTS700082"))) {
    e.message +=
        " (the refresh token has expired or was revoked: run 'pcusage login' again; see "
        "docs/authentication.md)";
  } else if (e.http_status == 404) {
    e.message += " (check --authority: the sign-in service has no such endpoint there)";
  }
  return e;
}

Result<TokenAnswer> refresh_sign_in(HttpClient& client, const Options& options,
                                    const FetchSettings& settings,
                                    const std::string& refresh_token_file, std::ostream& err) {
  auto refresh_token = read_secret(refresh_token_file, "the refresh-token file", err);
  if (!refresh_token) return refresh_token.error();
  auto secret = configured_secret(options, err);
  if (!secret) return secret.error();

  const std::string id = form_encode(options.client_id);
  const std::string resource = form_encode(kPartnerCenterResource);
  HttpRequest request = sign_in_request(
      options, settings, "token",
      "grant_type=refresh_token&refresh_token=" + form_encode(*refresh_token) + "&client_id=" + id +
          (*secret ? "&client_secret=" + form_encode(**secret) : std::string()) +
          "&resource=" + resource,
      "grant_type=refresh_token&refresh_token=***&client_id=" + id +
          (*secret ? "&client_secret=***" : "") + "&resource=" + resource);

  auto response = send_with_retries(client, request, settings, false, "sign-in failed", err);
  if (!response) return sign_in_error(response.error());
  auto answer = parse_token_answer(response->body);
  if (!answer) return answer.error();
  const std::string& rt = answer->refresh_token;
  if (!rt.empty() && rt != *refresh_token) {
    if (!is_visible_ascii(rt)) {
      err << "pcusage: warning: the new refresh token has unexpected characters; "
          << refresh_token_file << " was not updated\n";
    } else if (auto stored = store_secret(refresh_token_file, rt); !stored) {
      err << "pcusage: warning: cannot store the new refresh token in " << refresh_token_file
          << ": " << stored.error().message << " (the old one keeps working until it expires)\n";
    }
  }
  return answer;
}

Result<std::string> sign_in(HttpClient& client, const Options& options,
                            const FetchSettings& settings, std::ostream& err) {
  auto answer = refresh_sign_in(client, options, settings, *options.refresh_token_file, err);
  if (!answer) return answer.error();
  return answer->access_token;
}

}  // namespace pcusage
