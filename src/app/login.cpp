#include "app/login.h"

#include <climits>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "app/device_code.h"
#include "app/run.h"
#include "app/token_store.h"
#include "cli/config_file.h"
#include "core/files.h"
#include "core/signals.h"
#include "core/text.h"
#include "core/version.h"

namespace pcusage {

namespace {

FetchSettings login_settings(const Options& options) {
  FetchSettings s;
  s.user_agent = "pcusage/" PCUSAGE_VERSION;
  s.retries = options.retries;
  s.timeout_s = options.timeout_s;
  s.deadline = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<long long>(options.timeout_s * 1000));
  s.connect_timeout =
      std::chrono::milliseconds(static_cast<long long>(options.connect_timeout_s * 1000));
  s.max_body_bytes = std::size_t{1} << 20;
  s.ca_file = options.ca_file;
  s.verbose = options.verbose;
  return s;
}

ExitCode finish(Sink& out, const std::string& line, std::ostream& err) {
  out.write(line + "\n");
  auto done = out.finish();
  return done ? ExitCode::kOk : report(done.error(), err);
}

std::string absolute(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

ExitCode login(const Options& options, HttpClient& client, const AccountIo& io, Sink& out,
               std::ostream& err) {
  auto files = profile_files(options);
  if (!files) return report(files.error(), err);
  warn_if_dir_shared(files->dir, err);
  for (const auto* path : {&files->refresh_token, &files->access_token}) {
    if (auto ok = check_token_file(*path); !ok) return report(ok.error(), err);
  }
  const FetchSettings settings = login_settings(options);
  auto answer = options.browser
                    ? browser_sign_in(client, options, settings, io.clock, io.open_url, err)
                    : device_code_sign_in(client, options, settings, io.clock, err);
  if (interrupted()) {
    return report(
        make_error(pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted,
                   "interrupted: nothing was stored"),
        err);
  }
  if (!answer) return report(answer.error(), err);
  if (!is_visible_ascii(answer->refresh_token)) {
    return report(make_error(ExitCode::kInvalid,
                             "sign-in failed: invalid response: the refresh_token has characters "
                             "outside visible ASCII"),
                  err);
  }

  if (auto dir = make_private_dir(files->dir); !dir) return report(dir.error(), err);
  if (auto stored = store_secret(files->refresh_token, answer->refresh_token); !stored) {
    return report(stored.error(), err);
  }
  remove_file(files->access_token);
  cache_access_token(files->access_token, answer->access_token, answer->expires_in, err);
  std::vector<std::pair<std::string, std::string>> settings_to_keep = {
      {"tenant", options.tenant},
      {"client-id", options.client_id},
      {"authority", options.authority.origin() + options.authority.prefix}};
  if (options.client_secret_file) {
    settings_to_keep.emplace_back("client-secret-file", absolute(*options.client_secret_file));
  }
  if (options.config_file.empty()) {
    return report(make_error(ExitCode::kUsage, "no config file: set HOME or XDG_CONFIG_HOME"), err);
  }
  if (auto written = write_config_profile(options.config_file, options.profile, settings_to_keep);
      !written) {
    return report(written.error(), err);
  }
  return finish(
      out,
      "Signed in: profile " + options.profile + ", refresh token stored in " + files->refresh_token,
      err);
}

ExitCode logout(const Options& options, Sink& out, std::ostream& err) {
  auto files = profile_files(options);
  if (!files) return report(files.error(), err);
  const bool had_refresh = remove_file(files->refresh_token);
  remove_file(files->access_token);
  if (!had_refresh) {
    return finish(out, "Profile " + options.profile + " had no stored refresh token", err);
  }
  return finish(out, "Signed out: profile " + options.profile + ", deleted " + files->refresh_token,
                err);
}

// One line of `pcusage config`: the key, its value, and where it came from.
std::string setting_line(const Options& options, const std::string& key, const std::string& value) {
  auto it = options.sources.find(key);
  const std::string source = it == options.sources.end() ? "default" : it->second;
  std::string line = key;
  line.resize(std::max<std::size_t>(line.size() + 1, 20), ' ');
  line += value.empty() ? "(none)" : value;
  return line + "  [" + source + "]\n";
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::kJson:
      return "json";
    case Format::kNdjson:
      return "ndjson";
    case Format::kCsv:
      return "csv";
    case Format::kTsv:
      return "tsv";
    case Format::kTable:
      break;
  }
  return "table";
}

ExitCode show_config(const Options& options, Sink& out, std::ostream& err) {
  const std::string hidden = "(set, not shown)";
  auto opt = [](const std::optional<std::string>& v) { return v ? *v : std::string(); };
  std::string text;
  text += setting_line(options, "profile", options.profile);
  text += setting_line(options, "config", options.config_file);
  text += setting_line(options, "tenant", options.tenant);
  text += setting_line(options, "client-id", options.client_id);
  text += setting_line(options, "authority", options.authority.origin() + options.authority.prefix);
  text += setting_line(options, "base-url", options.base_url.origin() + options.base_url.prefix);
  text += setting_line(options, "locale", options.locale);
  text += setting_line(options, "output", format_name(options.format));
  text += setting_line(options, "columns", options.columns_given ? join(options.columns) : "");
  text += setting_line(options, "token", options.token ? hidden : "");
  text += setting_line(options, "token-file", opt(options.token_file));
  text += setting_line(options, "token-command", options.token_command ? hidden : "");
  text += setting_line(options, "refresh-token-file", opt(options.refresh_token_file));
  text += setting_line(options, "client-secret-file", opt(options.client_secret_file));
  if (options.env_token) text += "PCUSAGE_TOKEN       " + hidden + "  [environment]\n";
  if (options.env_client_secret) {
    text += "PCUSAGE_CLIENT_SECRET " + hidden + "  [environment]\n";
  }
  if (auto files = profile_files(options)) {
    const bool stored = file_exists(files->refresh_token);
    text += "stored token        " +
            (stored ? files->refresh_token : std::string("(none: run 'pcusage login')")) + "\n";
    const bool cached = read_cached_token(files->access_token, std::time(nullptr)).has_value();
    text += std::string("cached access token ") + (cached ? "yes" : "no") + "\n";
  }
  out.write(text);
  auto done = out.finish();
  return done ? ExitCode::kOk : report(done.error(), err);
}

}  // namespace

ExitCode run_account_command(const Options& options, HttpClient& client, const AccountIo& io,
                             Sink& out, std::ostream& err) {
  switch (options.command) {
    case Command::kLogin:
      return login(options, client, io, out, err);
    case Command::kLogout:
      return logout(options, out, err);
    case Command::kConfig:
      return show_config(options, out, err);
    default:
      break;
  }
  return report(make_error(ExitCode::kInternal, "not an account command"), err);
}

}  // namespace pcusage
