// Everything the command line and the environment asked for, checked, with no CLI11 types.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/terminal.h"
#include "core/url.h"
#include "format/format_kind.h"

namespace pcusage {

// A token file larger than this is not a token (access tokens are a few KiB).
inline constexpr std::size_t kMaxTokenFileBytes = std::size_t{64} << 10;

// What the run should do besides the normal fetch-and-print.
enum class Action { kRun, kHelp, kVersion };

// The subcommand: what is fetched (a report or the customer list) or which account task is run.
// No subcommand means kUsage.
enum class Command { kUsage, kDeployment, kCustomers, kLogin, kLogout, kConfig };

// The parsed and validated options of one run.
struct Options {
  Action action = Action::kRun;
  std::string help_text;  // filled for Action::kHelp
  Command command = Command::kUsage;

  // Authentication: explicit sources (at most one may be given) and the environment's token.
  std::optional<std::string> token;
  std::optional<std::string> token_file;
  std::optional<std::string> env_token;  // PCUSAGE_TOKEN, when set and non-empty
  std::optional<std::string> token_command;

  // Refresh-token sign-in: the file comes from --refresh-token-file (explicit) or the environment.
  std::optional<std::string> refresh_token_file;
  bool refresh_token_file_given = false;
  std::string tenant;
  std::string client_id;
  std::optional<std::string> client_secret_file;
  std::optional<std::string> env_client_secret;  // PCUSAGE_CLIENT_SECRET
  BaseUrl authority;

  // Profiles and the config file.
  std::string profile = "default";  // --profile, PCUSAGE_PROFILE
  std::string config_file;          // --config, PCUSAGE_CONFIG, or {config_home}/config
  std::string config_home;          // the folder of the config and the stored tokens; may be empty
  // Where each setting came from, by key (the long option without dashes): "command line",
  // "PCUSAGE_...", or "FILE:LINE"; a key missing here has its built-in default.
  std::map<std::string, std::string> sources;

  // pcusage login: the browser flow instead of the device code; a display to open it on
  // (DISPLAY or WAYLAND_DISPLAY set).
  bool browser = false;
  bool has_display = false;

  // Request.
  BaseUrl base_url;
  std::string locale = "en-US";
  std::string correlation_id;  // empty: a fresh UUID per run
  std::optional<std::string> input;
  double timeout_s = 120;
  double connect_timeout_s = 10;
  int retries = 3;
  std::size_t max_pages = 1000;
  std::size_t max_response_bytes = 256u << 20;
  std::string ca_file;

  bool timeout_given = false;  // --timeout (or its setting) given: fan-out runs keep it

  // Per-customer reports and the fan-out over customers (usage, deployment).
  std::vector<std::string> customers;         // --customer, lower-cased, in the order given
  std::optional<std::string> customers_from;  // --customers-from FILE ('-' for stdin)
  bool all_customers = false;                 // --all-customers
  int concurrency = 8;                        // requests in flight at most
  bool keep_going = false;                    // print what succeeded, exit 8 on any failure

  // The commercial analytics endpoints and their query parameters (usage, deployment).
  bool commercial = false;
  std::optional<std::string> filter;
  std::optional<std::string> groupby;
  std::optional<std::size_t> top;
  std::optional<std::size_t> skip;

  // Output.
  Format format = Format::kTable;
  std::vector<std::string> columns;  // names as given; default_column_names() when not given
  bool columns_given = false;
  bool header = true;
  std::optional<std::string> sort_field;
  bool sort_descending = false;
  bool csv_allow_formulas = false;
  std::optional<std::string> output_file;
  bool wide = false;  // --wide: never shrink the table to the terminal's width

  // Diagnostics.
  bool verbose = false;
  bool quiet = false;  // -q: no warnings, no status line

  // Where the output goes; filled by main() (probe_terminal), left as "not a terminal" in tests.
  Terminal terminal;
};

}  // namespace pcusage
