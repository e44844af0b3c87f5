#include "cli/parse_args.h"

#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "cli/help.h"
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

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<Options> parse_args(int argc, const char* const* argv, const EnvLookup& env) {
  Options o;
  CLI::App app{"Partner Center license usage insights", "pcusage"};
  app.set_help_flag();  // --help is ours, so that its text and exit code are too

  bool help = false, version = false, no_header = false;
  std::string command, customers_from, filter, groupby, top, skip, concurrency;
  std::vector<std::string> customers;
  std::string token, token_file, base_url, locale, correlation_id, input, timeout, connect_timeout,
      retries, max_pages, max_bytes, cacert, format, columns, sort, output_file, token_command,
      refresh_file, tenant, client_id, secret_file, authority;
  auto* o_token = app.add_option("--token", token);
  auto* o_token_file = app.add_option("--token-file", token_file);
  auto* o_command = app.add_option("--token-command", token_command);
  auto* o_refresh = app.add_option("--refresh-token-file", refresh_file);
  auto* o_tenant = app.add_option("--tenant", tenant);
  auto* o_client = app.add_option("--client-id", client_id);
  auto* o_secret = app.add_option("--client-secret-file", secret_file);
  auto* o_authority = app.add_option("--authority", authority);
  auto* o_base = app.add_option("--base-url", base_url);
  auto* o_locale = app.add_option("--locale", locale);
  auto* o_corr = app.add_option("--correlation-id", correlation_id);
  auto* o_input = app.add_option("--input", input);
  auto* o_timeout = app.add_option("--timeout", timeout);
  auto* o_connect = app.add_option("--connect-timeout", connect_timeout);
  auto* o_retries = app.add_option("--retries", retries);
  auto* o_pages = app.add_option("--max-pages", max_pages);
  auto* o_bytes = app.add_option("--max-response-bytes", max_bytes);
  auto* o_cacert = app.add_option("--cacert", cacert);
  auto* o_format = app.add_option("-o,--output", format);
  auto* o_columns = app.add_option("--columns", columns);
  app.add_flag("--no-header", no_header);
  auto* o_sort = app.add_option("--sort", sort);
  app.add_flag("--csv-allow-formulas", o.csv_allow_formulas);
  auto* o_outfile = app.add_option("--output-file", output_file);
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
  auto* o_command_name = app.add_option("command", command);
  app.add_flag("-v,--verbose", o.verbose);
  app.add_flag("--version", version);
  app.add_flag("-h,--help", help);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage(one_line(e.what()) + " (see 'pcusage --help')");
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
      return usage("unknown command \"" + printable_excerpt(command, 40) +
                   "\" (usage, deployment, customers, login, logout, config)");
    }
    o.command = *c;
  }
  if (auto e =
          check_command_flags(o.command, {{o_customer, "--customer", kCustomerReports},
                                          {o_customers_from, "--customers-from", kCustomerReports},
                                          {o_all_customers, "--all-customers", kCustomerReports},
                                          {o_concurrency, "--concurrency", kCustomerReports},
                                          {o_keep_going, "--keep-going", kCustomerReports},
                                          {o_commercial, "--commercial", kCustomerReports}});
      !e) {
    return e.error();
  }
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
  // Sign-in settings: a flag, else its environment variable (an empty variable counts as unset).
  auto flag_or_env = [&](CLI::Option* opt, const std::string& value, const char* var) {
    if (opt->count() > 0) return std::optional<std::string>(value);
    auto e = env(var);
    return e && !e->empty() ? e : std::nullopt;
  };
  o.refresh_token_file = flag_or_env(o_refresh, refresh_file, "PCUSAGE_REFRESH_TOKEN_FILE");
  o.refresh_token_file_given = o_refresh->count() > 0;
  if (o.refresh_token_file && o.refresh_token_file->empty()) {
    return usage("--refresh-token-file: give a file path");
  }
  o.tenant = flag_or_env(o_tenant, tenant, "PCUSAGE_TENANT").value_or("");
  o.client_id = flag_or_env(o_client, client_id, "PCUSAGE_CLIENT_ID").value_or("");
  if (o_secret->count() > 0) o.client_secret_file = secret_file;
  if (auto e = env("PCUSAGE_CLIENT_SECRET"); e && !e->empty()) o.env_client_secret = *e;
  const std::string auth_url = flag_or_env(o_authority, authority, "PCUSAGE_AUTHORITY")
                                   .value_or("https://login.microsoftonline.com");
  auto parsed_authority =
      parse_base_url(auth_url, o_authority->count() > 0 ? "--authority" : "PCUSAGE_AUTHORITY");
  if (!parsed_authority) return parsed_authority.error();
  o.authority = *parsed_authority;
  if (o.refresh_token_file) {
    for (const auto& [value, name] : {std::pair{&o.tenant, "--tenant (or PCUSAGE_TENANT)"},
                                      {&o.client_id, "--client-id (or PCUSAGE_CLIENT_ID)"}}) {
      if (value->empty()) return usage(std::string("the refresh-token sign-in needs ") + name);
      // Both go into the sign-in URL or form: keep them to the characters such ids have.
      for (char c : *value) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok) {
          return usage(std::string(name) + ": \"" + printable_excerpt(*value, 80) +
                       "\" is not a tenant or client id");
        }
      }
    }
  }

  std::string base = "https://api.partnercenter.microsoft.com";
  if (o_base->count() > 0) {
    base = base_url;
  } else if (auto e = env("PCUSAGE_BASE_URL"); e && !e->empty()) {
    base = *e;
  }
  auto parsed_base = parse_base_url(base, o_base->count() > 0 ? "--base-url" : "PCUSAGE_BASE_URL");
  if (!parsed_base) return parsed_base.error();
  o.base_url = *parsed_base;

  if (o_locale->count() > 0) {
    o.locale = locale;
  } else if (auto e = env("PCUSAGE_LOCALE"); e && !e->empty()) {
    o.locale = *e;
  }
  if (!is_language_tag(o.locale)) {
    return usage("--locale: \"" + printable_excerpt(o.locale, 40) +
                 "\" is not a language tag such as en-US");
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
      return usage("--output: \"" + printable_excerpt(format, 40) +
                   "\" is not a format (table, json, ndjson, csv, tsv)");
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

}  // namespace pcusage
