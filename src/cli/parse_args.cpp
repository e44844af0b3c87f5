#include "cli/parse_args.h"

#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "cli/config_file.h"
#include "cli/help.h"
#include "cli/sourced.h"
#include "cli/usage_errors.h"
#include "core/files.h"
#include "core/text.h"

namespace pcusage {

namespace {

Error usage(std::string message) { return make_error(ExitCode::kUsage, std::move(message)); }

// A CA bundle is a few hundred KiB at most (Debian's whole store is about 200 KiB).
constexpr std::size_t kMaxCaFileBytes = std::size_t{16} << 20;

// A positive number of seconds (decimals allowed), at most a day.
Result<double> parse_seconds(const std::string& flag, const std::string& text, bool allow_zero) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0 ||
      (!allow_zero && v == 0) || v > 86400) {
    return usage(flag + ": \"" + printable_excerpt(text, 40) + "\" is not a number of seconds" +
                 (allow_zero ? "" : " above 0") + " (at most 86400)");
  }
  return v;
}

// A whole number within [min, max], with an optional K/M/G (binary) suffix when `sized`.
Result<std::size_t> parse_count(const std::string& flag, const std::string& text, std::size_t min,
                                std::size_t max, bool sized) {
  std::string digits = text;
  std::size_t scale = 1;
  if (sized && !digits.empty()) {
    const char s = digits.back();
    if (s == 'K' || s == 'k') scale = std::size_t{1} << 10;
    if (s == 'M' || s == 'm') scale = std::size_t{1} << 20;
    if (s == 'G' || s == 'g') scale = std::size_t{1} << 30;
    if (scale != 1) digits.pop_back();
  }
  bool ok = !digits.empty();
  std::size_t v = 0;
  for (char c : digits) {
    ok = ok && c >= '0' && c <= '9' && v <= (max - (c - '0')) / 10;
    if (ok) v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  // The checks above keep v <= max; the scaled value must stay there too.
  ok = ok && v <= max / scale;
  v *= ok ? scale : 0;
  if (!ok || v < min || v > max) {
    return usage(flag + ": \"" + printable_excerpt(text, 40) + "\" is not a whole number from " +
                 std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    out.emplace_back(trim(std::string_view(list).substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The subcommands by name; the first positional argument picks one.
constexpr std::pair<const char*, Command> kCommands[] = {
    {"usage", Command::kUsage},         {"deployment", Command::kDeployment},
    {"customers", Command::kCustomers}, {"login", Command::kLogin},
    {"logout", Command::kLogout},       {"config", Command::kConfig},
};

std::optional<Command> command_named(const std::string& name) {
  for (const auto& [n, c] : kCommands) {
    if (name == n) return c;
  }
  return std::nullopt;
}

const char* command_name(Command command) {
  for (const auto& [n, c] : kCommands) {
    if (c == command) return n;
  }
  return "usage";
}

// The commands a flag belongs to, as a bit set of Command values.
using CommandSet = unsigned;
constexpr CommandSet bit(Command c) { return 1u << static_cast<unsigned>(c); }
constexpr CommandSet kCustomerReports = bit(Command::kUsage) | bit(Command::kDeployment);

// A flag that was given, with the commands it applies to.
struct CommandFlag {
  const CLI::Option* option;
  const char* name;
  CommandSet commands;
};

// Refuses a flag given to a command it does not apply to.
Status check_command_flags(Command command, std::initializer_list<CommandFlag> flags) {
  for (const auto& f : flags) {
    if (f.option->count() > 0 && (f.commands & bit(command)) == 0) {
      return usage(std::string(f.name) + " does not apply to 'pcusage " + command_name(command) +
                   "'");
    }
  }
  return Ok{};
}

// The PEM bundle must be readable and hold a certificate: a typo found later would read as a TLS
// failure of the service.
Status check_ca_file(const std::string& path) {
  auto text = read_source(path, kMaxCaFileBytes, ExitCode::kUsage, "--cacert");
  if (!text) return text.error();
  if (text->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return usage("--cacert: " + printable_excerpt(path, 200) +
                 " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return Ok{};
}

// A regular token file must exist and be small enough to be a token; a pipe or stdin ('-') is
// read, with the same bound, when the token is needed.
Status check_token_file(const std::string& path) {
  if (path.empty()) return usage("--token-file: give a file path, or - for stdin");
  if (path == "-") return Ok{};
  struct stat st = {};
  if (stat(path.c_str(), &st) != 0) {
    return usage("--token-file: cannot read " + printable_excerpt(path, 200) + ": " +
                 std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return usage("--token-file: cannot read " + printable_excerpt(path, 200) +
                 ": it is a directory");
  }
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > kMaxTokenFileBytes) {
    return usage("--token-file: " + printable_excerpt(path, 200) + " is larger than " +
                 std::to_string(kMaxTokenFileBytes) + " bytes, too large for a token");
  }
  return Ok{};
}

// CLI11's messages are one line already; keep it that way whatever they quote.
std::string one_line(const std::string& s) { return printable_excerpt(s, 300); }

constexpr const char* kFormats = "table, json, ndjson, csv or tsv";

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Keys a config file may not set: secrets, and what picks the file and the profile.
constexpr const char* kNotInConfig[] = {"token", "profile", "config", "help", "version"};

// The settings that also come from an environment variable, which beats the config file.
constexpr std::pair<const char*, const char*> kEnvSettings[] = {
    {"tenant", "PCUSAGE_TENANT"},       {"client-id", "PCUSAGE_CLIENT_ID"},
    {"authority", "PCUSAGE_AUTHORITY"}, {"base-url", "PCUSAGE_BASE_URL"},
    {"locale", "PCUSAGE_LOCALE"},       {"refresh-token-file", "PCUSAGE_REFRESH_TOKEN_FILE"},
};

std::optional<std::string> set_env(const EnvLookup& env, const char* name) {
  auto v = env(name);
  return v && !v->empty() ? v : std::nullopt;
}

// Fills the options the command line left unset from the chosen profile of the config file,
// unless their environment variable is set, and records where every setting came from.
Status apply_config(CLI::App& app, Options& o, const EnvLookup& env, const CLI::Option* o_config,
                    const std::string& config_flag, const CLI::Option* o_profile,
                    const std::string& profile_flag) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() > 0 && !opt->get_lnames().empty()) {
      o.sources[opt->get_lnames().front()] = "command line";
    }
  }
  if (o_profile->count() > 0) {
    o.profile = profile_flag;
  } else if (auto p = set_env(env, "PCUSAGE_PROFILE")) {
    o.profile = *p;
    o.sources["profile"] = "PCUSAGE_PROFILE";
  }
  if (!is_profile_name(o.profile)) {
    return usage("--profile: \"" + printable_excerpt(o.profile, 60) +
                 "\" is not a profile name (letters, digits, '-', '_' and '.'; no '/' or '..')");
  }
  o.config_home = config_home(env);
  const bool explicit_config = o_config->count() > 0 || set_env(env, "PCUSAGE_CONFIG");
  if (o_config->count() > 0) {
    o.config_file = config_flag;
  } else if (auto c = set_env(env, "PCUSAGE_CONFIG")) {
    o.config_file = *c;
    o.sources["config"] = "PCUSAGE_CONFIG";
  } else if (!o.config_home.empty()) {
    o.config_file = o.config_home + "/config";
  }
  if (o.config_file.empty()) return Ok{};
  auto profile = read_config_profile(o.config_file, o.profile);
  if (!profile) return profile.error();
  if (explicit_config && !profile->file_exists) {
    return usage((o_config->count() > 0 ? "--config: " : "PCUSAGE_CONFIG: ") + o.config_file +
                 " does not exist");
  }
  const bool account = o.command == Command::kLogin || o.command == Command::kLogout;
  if (!profile->section_found && o.profile != "default" && !account) {
    return usage("profile \"" + o.profile + "\" is not in " + o.config_file + " (add a [profile " +
                 o.profile + "] section, or run 'pcusage login --profile " + o.profile + "')");
  }
  for (const auto& entry : profile->entries) {
    const std::string where = o.config_file + ":" + std::to_string(entry.line);
    CLI::Option* opt = app.get_option_no_throw("--" + entry.key);
    bool allowed = opt != nullptr;
    for (const char* k : kNotInConfig) allowed = allowed && entry.key != k;
    if (!allowed) {
      return usage(where + ": unknown key \"" + printable_excerpt(entry.key, 40) +
                   "\" (keys are long options without their dashes, such as tenant or locale)");
    }
    if (opt->count() > 0) continue;
    bool env_wins = false;
    for (const auto& [key, var] : kEnvSettings) {
      if (entry.key == key && set_env(env, var)) env_wins = true;
    }
    if (env_wins) continue;
    try {
      opt->add_result(entry.value);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return usage(where + ": " + entry.key + ": " + one_line(e.what()));
    }
    o.sources[entry.key] = where;
  }
  for (const auto& [key, var] : kEnvSettings) {
    if (o.sources.count(key) == 0 && set_env(env, var)) o.sources[key] = var;
  }
  return Ok{};
}

namespace {

// Parses into `o` (which keeps the settings' sources even when parsing fails).
Result<Options> parse_into(Options& o, int argc, const char* const* argv, const EnvLookup& env) {
  CLI::App app{"Partner Center license usage insights", "pcusage"};
  app.set_help_flag();  // --help is ours, so that its text and exit code are too

  bool help = false, version = false, no_header = false;
  std::string command, customers_from, filter, groupby, top, skip, concurrency;
  std::vector<std::string> customers;
  std::string token, token_file, base_url, locale, correlation_id, input, timeout, connect_timeout,
      retries, max_pages, max_bytes, cacert, format, columns, sort, output_file, token_command,
      refresh_file, tenant, client_id, secret_file, authority, profile, config;
  auto* o_token = app.add_option("--token", token, "the bearer token");
  auto* o_token_file = app.add_option("--token-file", token_file, "a file path, or - for stdin");
  auto* o_command = app.add_option("--token-command", token_command, "a shell command");
  auto* o_refresh = app.add_option("--refresh-token-file", refresh_file, "a file path");
  auto* o_tenant = app.add_option("--tenant", tenant);
  auto* o_client = app.add_option("--client-id", client_id);
  auto* o_secret = app.add_option("--client-secret-file", secret_file, "a file path");
  auto* o_authority = app.add_option("--authority", authority, "a URL");
  auto* o_base = app.add_option("--base-url", base_url, "a URL");
  auto* o_locale = app.add_option("--locale", locale, "a language tag such as en-US");
  auto* o_corr = app.add_option("--correlation-id", correlation_id, "a GUID");
  auto* o_input = app.add_option("--input", input, "a file path, or - for stdin");
  auto* o_timeout = app.add_option("--timeout", timeout, "a number of seconds");
  auto* o_connect = app.add_option("--connect-timeout", connect_timeout, "a number of seconds");
  auto* o_retries = app.add_option("--retries", retries, "a whole number from 0 to 100");
  auto* o_pages = app.add_option("--max-pages", max_pages, "a whole number");
  auto* o_bytes =
      app.add_option("--max-response-bytes", max_bytes, "a size in bytes (K, M, G allowed)");
  auto* o_cacert = app.add_option("--cacert", cacert, "a PEM file");
  auto* o_format = app.add_option("-o,--output", format, kFormats);
  auto* o_columns =
      app.add_option("--columns", columns, "a comma-separated list of fields, or '*'");
  app.add_flag("--no-header,--no-headers", no_header);
  auto* o_sort = app.add_option("--sort,--sort-by", sort, "FIELD, FIELD:asc or FIELD:desc");
  app.add_flag("--csv-allow-formulas", o.csv_allow_formulas);
  auto* o_outfile = app.add_option("--output-file", output_file, "a file path");
  auto* o_customer = app.add_option("--customer", customers)->allow_extra_args(false);
  auto* o_customers_from = app.add_option("--customers-from", customers_from);
  auto* o_all_customers = app.add_flag("--all-customers", o.all_customers);
  auto* o_concurrency = app.add_option("--concurrency", concurrency);
  auto* o_keep_going = app.add_flag("--keep-going", o.keep_going);
  auto* o_commercial = app.add_flag("--commercial", o.commercial);
  auto* o_filter = app.add_option("--filter", filter);
  auto* o_groupby = app.add_option("--groupby", groupby);
  auto* o_top = app.add_option("--top", top);
  auto* o_skip = app.add_option("--skip", skip);
  auto* o_profile = app.add_option("--profile", profile);
  auto* o_config = app.add_option("--config", config);
  auto* o_browser = app.add_flag("--browser", o.browser);
  auto* o_command_name = app.add_option("command", command);
  app.add_flag("--wide", o.wide);
  app.add_flag("-v,--verbose", o.verbose);
  app.add_flag("-q,--quiet", o.quiet);
  app.add_flag("--version", version);
  app.add_flag("-h,--help", help);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage_error_for(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc),
                           one_line(e.what()));
  }
  if (help) {
    o.action = Action::kHelp;
    o.help_text = help_text();
    return o;
  }
  if (version) {
    o.action = Action::kVersion;
    return o;
  }
  if (o_command_name->count() > 0) {
    auto c = command_named(command);
    if (!c) {
      const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
      if (follows_columns_value(args, command)) return columns_spill(command);
      std::vector<std::string> names;
      for (const auto& [n, _] : kCommands) names.emplace_back(n);
      const std::string near = nearest_name(command, names);
      return usage("unknown command \"" + printable_excerpt(command, 40) +
                   "\" (usage, deployment, customers, login, logout, config)" +
                   (near.empty() ? "" : "; did you mean " + near + "?"));
    }
    o.command = *c;
  }
  if (auto e =
          check_command_flags(o.command, {{o_customer, "--customer", kCustomerReports},
                                          {o_customers_from, "--customers-from", kCustomerReports},
                                          {o_all_customers, "--all-customers", kCustomerReports},
                                          {o_concurrency, "--concurrency", kCustomerReports},
                                          {o_keep_going, "--keep-going", kCustomerReports},
                                          {o_commercial, "--commercial", kCustomerReports},
                                          {o_browser, "--browser", bit(Command::kLogin)}});
      !e) {
    return e.error();
  }
  if (auto e = apply_config(app, o, env, o_config, config, o_profile, profile); !e) {
    return e.error();
  }
  o.has_display = set_env(env, "DISPLAY") || set_env(env, "WAYLAND_DISPLAY");
  for (const auto& [opt, name] : {std::pair{o_filter, "--filter"},
                                  {o_groupby, "--groupby"},
                                  {o_top, "--top"},
                                  {o_skip, "--skip"}}) {
    if (opt->count() > 0 && !o.commercial) {
      return usage(std::string(name) + " applies to the commercial reports: add --commercial");
    }
  }
  for (const auto& id : customers) {
    if (!is_guid(id)) {
      return usage("--customer: \"" + printable_excerpt(id, 60) +
                   "\" is not a customer tenant id (a GUID)");
    }
    o.customers.push_back(to_lower(id));
  }
  if (o_customers_from->count() > 0) {
    if (customers_from.empty()) return usage("--customers-from: give a file path, or - for stdin");
    o.customers_from = customers_from;
  }
  if (o_input->count() > 0 &&
      (o.commercial || !o.customers.empty() || o_customers_from->count() > 0 || o.all_customers ||
       o.command == Command::kCustomers)) {
    return usage(
        "--input formats a saved response; it takes no customer, list or --commercial flag");
  }
  if (customers_from == "-" && (token_file == "-" || input == "-")) {
    return usage("--customers-from - and " +
                 std::string(token_file == "-" ? "--token-file" : "--input") +
                 " - cannot both read stdin");
  }
  if (o.all_customers && (!o.customers.empty() || o.customers_from)) {
    return usage("--all-customers: give it alone, without --customer or --customers-from");
  }
  if (o_concurrency->count() > 0) {
    auto v = parse_count("--concurrency", concurrency, 1, 64, false);
    if (!v) return v.error();
    o.concurrency = static_cast<int>(*v);
  }
  if (o_filter->count() > 0) o.filter = filter;
  if (o_groupby->count() > 0) o.groupby = groupby;
  if (o_top->count() > 0) {
    auto v = parse_count("--top", top, 1, 10000, false);
    if (!v) return v.error();
    o.top = *v;
  }
  if (o_skip->count() > 0) {
    auto v = parse_count("--skip", skip, 0, 1000000000, false);
    if (!v) return v.error();
    o.skip = *v;
  }

  if (o.quiet && o.verbose) return usage("-q and -v: give one of them");
  if (o_token->count() > 0) o.token = token;
  if (o_token_file->count() > 0) {
    if (auto checked = check_token_file(token_file); !checked) return checked.error();
    o.token_file = token_file;
  }
  if (auto t = env("PCUSAGE_TOKEN"); t && !t->empty()) o.env_token = *t;
  if (o_command->count() > 0) {
    if (trim(token_command).empty()) return usage("--token-command: give a command");
    o.token_command = token_command;
  }
  // A setting: its flag, else its environment variable (an empty variable counts as unset), with
  // the source named for errors. A config file would be one more source here.
  auto setting = [&](CLI::Option* opt, const std::string& value, const char* flag,
                     const char* var) -> std::optional<Sourced> {
    if (opt->count() > 0) return Sourced{value, flag};
    if (auto e = env(var); e && !e->empty()) return Sourced{*e, var};
    return std::nullopt;
  };
  if (auto f =
          setting(o_refresh, refresh_file, "--refresh-token-file", "PCUSAGE_REFRESH_TOKEN_FILE")) {
    if (f->value.empty()) return usage(f->source + ": give a file path");
    o.refresh_token_file = f->value;
  }
  o.refresh_token_file_given = o_refresh->count() > 0;
  const auto tenant_setting = setting(o_tenant, tenant, "--tenant", "PCUSAGE_TENANT");
  const auto client_setting = setting(o_client, client_id, "--client-id", "PCUSAGE_CLIENT_ID");
  if (tenant_setting) o.tenant = tenant_setting->value;
  if (client_setting) o.client_id = client_setting->value;
  if (o_secret->count() > 0) o.client_secret_file = secret_file;
  if (auto e = env("PCUSAGE_CLIENT_SECRET"); e && !e->empty()) o.env_client_secret = *e;
  const Sourced auth_url = setting(o_authority, authority, "--authority", "PCUSAGE_AUTHORITY")
                               .value_or(Sourced{"https://login.microsoftonline.com", ""});
  auto parsed_authority = parse_base_url(auth_url.value, auth_url.source);
  if (!parsed_authority) return parsed_authority.error();
  o.authority = *parsed_authority;
  if (o.command == Command::kLogin && o.client_secret_file && !o.browser) {
    return usage(
        "--client-secret-file applies to 'pcusage login --browser'; the device-code flow is for "
        "public clients and sends no secret");
  }
  const bool signs_in = o.refresh_token_file.has_value() || o.command == Command::kLogin;
  for (const auto& [value, name] : {std::pair{&tenant_setting, "--tenant (or PCUSAGE_TENANT)"},
                                    {&client_setting, "--client-id (or PCUSAGE_CLIENT_ID)"}}) {
    if (!*value || (*value)->value.empty()) {
      if (!signs_in) continue;
      return usage(std::string(o.command == Command::kLogin ? "pcusage login"
                                                            : "the refresh-token sign-in") +
                   " needs " + name);
    }
    // Both go into the sign-in URL or form: keep them to the characters such ids have.
    for (char c : (*value)->value) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_';
      if (!ok) {
        return usage((*value)->source + ": \"" + printable_excerpt((*value)->value, 80) +
                     "\" is not a tenant or client id");
      }
    }
  }

  const Sourced base = setting(o_base, base_url, "--base-url", "PCUSAGE_BASE_URL")
                           .value_or(Sourced{"https://api.partnercenter.microsoft.com", ""});
  auto parsed_base = parse_base_url(base.value, base.source);
  if (!parsed_base) return parsed_base.error();
  o.base_url = *parsed_base;

  if (auto l = setting(o_locale, locale, "--locale", "PCUSAGE_LOCALE")) {
    if (!is_language_tag(l->value)) {
      return usage(l->source + ": \"" + printable_excerpt(l->value, 40) +
                   "\" is not a language tag such as en-US");
    }
    o.locale = l->value;
  }
  if (o_corr->count() > 0) {
    if (!is_guid(correlation_id)) {
      return usage("--correlation-id: \"" + printable_excerpt(correlation_id, 60) +
                   "\" is not a GUID such as 0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    }
    o.correlation_id = to_lower(correlation_id);
  }
  if (o_input->count() > 0) {
    if (input.empty()) return usage("--input: give a file path, or - for stdin");
    o.input = input;
  }
  if (o_timeout->count() > 0) {
    auto v = parse_seconds("--timeout", timeout, false);
    if (!v) return v.error();
    o.timeout_s = *v;
    o.timeout_given = true;
  }
  if (o_connect->count() > 0) {
    auto v = parse_seconds("--connect-timeout", connect_timeout, false);
    if (!v) return v.error();
    o.connect_timeout_s = *v;
  }
  if (o_retries->count() > 0) {
    auto v = parse_count("--retries", retries, 0, 100, false);
    if (!v) return v.error();
    o.retries = static_cast<int>(*v);
  }
  if (o_pages->count() > 0) {
    auto v = parse_count("--max-pages", max_pages, 1, 1000000, false);
    if (!v) return v.error();
    o.max_pages = *v;
  }
  if (o_bytes->count() > 0) {
    auto v = parse_count("--max-response-bytes", max_bytes, 1, std::size_t{1} << 40, true);
    if (!v) return v.error();
    o.max_response_bytes = *v;
  }
  if (o_cacert->count() > 0) {
    if (cacert.empty()) return usage("--cacert: give the path of a PEM file");
    if (auto checked = check_ca_file(cacert); !checked) return checked.error();
    o.ca_file = cacert;
  }
  if (o_format->count() > 0) {
    auto f = parse_format(format);
    if (!f) {
      const std::string near = nearest_name(format, {"table", "json", "ndjson", "csv", "tsv"});
      return usage("--output: \"" + printable_excerpt(format, 40) + "\" is not a format (" +
                   kFormats + ")" + (near.empty() ? "" : "; did you mean " + near + "?"));
    }
    o.format = *f;
  }
  if (o_columns->count() > 0) {
    o.columns = split_list(columns);
    for (const auto& c : o.columns) {
      if (c.empty()) {
        return usage("--columns: an empty field name in \"" + printable_excerpt(columns, 100) +
                     "\"");
      }
    }
    o.columns_given = true;
  }
  if (o.columns_given && (o.format == Format::kJson || o.format == Format::kNdjson)) {
    return usage("--columns applies to table, csv and tsv; json and ndjson keep every field");
  }
  o.header = !no_header;
  if (o_sort->count() > 0) {
    std::string field = sort;
    const std::size_t colon = field.rfind(':');
    if (colon != std::string::npos) {
      const std::string dir = field.substr(colon + 1);
      if (dir != "desc" && dir != "asc") {
        return usage("--sort: \"" + printable_excerpt(sort, 60) +
                     "\" must be FIELD, FIELD:asc or FIELD:desc");
      }
      o.sort_descending = dir == "desc";
      field.resize(colon);
    }
    if (field.empty()) return usage("--sort: give a field name");
    o.sort_field = field;
  }
  if (o_outfile->count() > 0) {
    if (output_file.empty() || output_file == "-") {
      return usage("--output-file: give a file path (stdout is the default)");
    }
    // A folder that cannot take the file is found now, before a request or a sign-in.
    if (auto writable = check_writable_folder(output_file, ExitCode::kUsage); !writable) {
      return usage("--output-file: " + writable.error().message);
    }
    o.output_file = output_file;
  }
  return o;
}

}  // namespace

Result<Options> parse_args(int argc, const char* const* argv, const EnvLookup& env) {
  Options o;
  auto parsed = parse_into(o, argc, argv, env);
  if (parsed) return parsed;
  // A bad value from the config file: say where it was written.
  Error e = parsed.error();
  for (const auto& [key, where] : o.sources) {
    const bool from_file = where.find(':') != std::string::npos;
    if (from_file && e.message.rfind("--" + key + ":", 0) == 0) {
      e.message = where + ": " + e.message;
    }
  }
  return e;
}

}  // namespace pcusage
