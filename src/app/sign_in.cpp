#include "app/sign_in.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

Status store_refresh_token(const std::string& path, const std::string& token) {
  auto file = AtomicFile::create(path, 0600, true);
  if (!file) return file.error();
  const std::string text = token + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(file->fd(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ExitCode::kInternal, std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return file->commit();
}

}  // namespace

std::string form_encode(std::string_view s) { return percent_encode(s, true); }

Result<std::string> sign_in(HttpClient& client, const Options& options,
                            const FetchSettings& settings, std::ostream& err) {
  const std::string& rt_path = *options.refresh_token_file;
  auto refresh_token = read_secret(rt_path, "the refresh-token file", err);
  if (!refresh_token) return refresh_token.error();
  std::optional<std::string> secret;
  if (options.client_secret_file) {
    auto s = read_secret(*options.client_secret_file, "the client-secret file", err);
    if (!s) return s.error();
    secret = *s;
  } else if (options.env_client_secret) {
    secret = std::string(trim(*options.env_client_secret));
  }

  HttpRequest request =
      limited_request(settings, options.authority.join("/" + options.tenant + "/oauth2/token"),
                      options.authority.is_plain_http());
  request.method = "POST";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"User-Agent", settings.user_agent}};
  request.body = "grant_type=refresh_token&refresh_token=" + form_encode(*refresh_token) +
                 "&client_id=" + form_encode(options.client_id) +
                 (secret ? "&client_secret=" + form_encode(*secret) : std::string()) +
                 "&resource=" + form_encode(kPartnerCenterResource);
  request.trace_body =
      "grant_type=refresh_token&refresh_token=***&client_id=" + form_encode(options.client_id) +
      (secret ? "&client_secret=***" : "") + "&resource=" + form_encode(kPartnerCenterResource);

  auto response = send_with_retries(client, request, settings, false, "sign-in failed", err);
  if (!response) {
    Error e = response.error();
    // The sign-in service's own refusal (invalid_grant, invalid_client, ...) is an auth failure;
    // throttling and outages keep their codes.
    if (e.code == ExitCode::kRefused || e.code == ExitCode::kAuth) {
      e.code = ExitCode::kAuth;
      e.message +=
          " (an expired or revoked refresh token needs the consent step again: see "
          "docs/authentication.md)";
    }
    return e;
  }
  auto fields = parse_flat_object(response->body);
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
  auto rt = fields->find("refresh_token");
  if (rt != fields->end() && !trim(rt->second).empty() &&
      std::string(trim(rt->second)) != *refresh_token) {
    if (!is_visible_ascii(trim(rt->second))) {
      err << "pcusage: warning: the new refresh token has unexpected characters; " << rt_path
          << " was not updated\n";
    } else if (auto stored = store_refresh_token(rt_path, std::string(trim(rt->second))); !stored) {
      err << "pcusage: warning: cannot store the new refresh token in " << rt_path << ": "
          << stored.error().message << " (the old one keeps working until it expires)\n";
    }
  }
  return *token;
}

}  // namespace pcusage
