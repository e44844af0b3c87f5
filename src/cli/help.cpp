#include "cli/help.h"

namespace pcusage {

std::string help_text() {
  // Written by hand so that it stays grouped and within 80 columns; a test checks that every flag
  // the parser knows appears here.
  return R"(pcusage - Partner Center license usage insights as table, JSON, NDJSON, CSV, TSV

Usage: pcusage [COMMAND] [OPTIONS]

Commands:
  usage         license usage (the default): partner-wide, or per customer with
                --customer, --customers-from or --all-customers
  deployment    license deployment, partner-wide or per customer
  customers     the customer list (id, company name, domain, relationship)

Account commands:
  login                    sign in once (a device code; --browser for a browser
                           on this machine) and store the refresh token under
                           ~/.config/pcusage/ for the profile
  logout                   delete the profile's stored tokens
  config                   print the effective settings and where each came
                           from (secrets are never shown)

Authentication (at most one of the first four; without them PCUSAGE_TOKEN,
then PCUSAGE_REFRESH_TOKEN_FILE, then the profile's token from pcusage login):
  --token TOKEN            bearer token (visible to other users in ps: prefer
                           --token-file or PCUSAGE_TOKEN)
  --token-file PATH        read the token from PATH ('-' for stdin)
  --token-command CMD      run CMD with /bin/sh; its output is the token
  --refresh-token-file PATH
                           sign in with the refresh token in PATH, and store
                           the renewed one there (PCUSAGE_REFRESH_TOKEN_FILE)
  --tenant ID              tenant to sign in to (PCUSAGE_TENANT)
  --client-id ID           application (client) id (PCUSAGE_CLIENT_ID)
  --client-secret-file PATH
                           application secret (PCUSAGE_CLIENT_SECRET)
  --authority URL          sign-in service (PCUSAGE_AUTHORITY)
                           [https://login.microsoftonline.com]
  --browser                login: sign in in a browser (authorization code
                           with PKCE) instead of with a device code
  --profile NAME           the profile to use [default] (PCUSAGE_PROFILE)
  --config PATH            the config file (PCUSAGE_CONFIG)
                           [~/.config/pcusage/config]

Request:
  --base-url URL           API root [https://api.partnercenter.microsoft.com]
                           (env PCUSAGE_BASE_URL); http:// only to loopback
  --locale LOCALE          X-Locale header [en-US] (env PCUSAGE_LOCALE)
  --correlation-id GUID    MS-CorrelationId [a new random UUID]
  --input PATH             format a saved response, or -o json/ndjson output
                           ('-' for stdin); no request
  --timeout SECONDS        bound on the whole run, retries included [120;
                           1800 for a run over customers]
  --connect-timeout SECS   bound on each connection attempt [10]
  --retries N              retries of 408, 429, 5xx and network failures [3]
  --max-pages N            follow at most N pages of links.next [1000]
  --max-response-bytes N   largest body accepted, after decompression
                           [268435456]; suffixes K, M, G allowed
  --cacert FILE            trust the CA certificates in FILE (PEM)

Customers and reports (usage, deployment):
  --customer ID            one customer's report (a tenant GUID); repeatable
  --customers-from PATH    customer ids one per line ('-' for stdin); blank
                           lines and # comments skipped
  --all-customers          list every customer, then fetch each one's report
  --concurrency N          requests in flight at once, 1 to 64 [8]
  --keep-going             print the customers that succeeded; exit 8 if any
                           failed (default: all or nothing)
  --commercial             the commercial analytics endpoints
  --filter EXPR            commercial filter, e.g. "channel eq 'Reseller'"
  --groupby FIELDS         commercial grouping fields, comma-separated
  --top N                  commercial rows per page, 1 to 10000
  --skip N                 commercial rows to skip

Output:
  -o, --output FORMAT      table, json, ndjson, csv or tsv, in any case [table]
  --columns LIST           fields for table/csv/tsv, comma-separated; dotted
                           paths reach into objects; '*' means every field
  --no-header              no header row (table/csv/tsv); also --no-headers
  --sort FIELD[:desc]      stable sort by FIELD; missing values last; also
                           --sort-by
  --csv-allow-formulas     do not prefix cells starting = + - @ with '
  --output-file PATH       write to PATH atomically instead of stdout
  --wide                   on a terminal, do not shorten the table to fit

Diagnostics:
  -v, --verbose            trace requests and responses to stderr (secrets
                           are shown as ***)
  -q, --quiet              no warnings, no status line while retrying
  --version                print the version and exit
  -h, --help               print this help and exit

Examples:
  pcusage login --tenant contoso.onmicrosoft.com --client-id APP-ID
  pcusage                  (after login: signs in by itself)
  pcusage usage --all-customers -o csv --output-file usage.csv
  pcusage customers -o ndjson | jq -r .id |
    pcusage deployment --customers-from -
  pcusage -o csv --sort proratedLicensesUsagePercent:desc > usage.csv
  pcusage --input saved.json -o ndjson | jq -r .workloadName

Exit codes:
  0  success            5  service unavailable (408, 429,
                          5xx except 501)
  1  internal/output    6  network (DNS, connect, TLS, timeout,
  2  usage                 proxy)
  3  auth refused       7  invalid response (not JSON, not UTF-8)
     (401, 403)       130  interrupted (SIGINT)
  4  request refused  141  stdout pipe closed (SIGPIPE)
     (other 4xx, 501, 143  terminated (SIGTERM)
     3xx)
  8  partial result (--keep-going: some customers failed)
)";
}

}  // namespace pcusage
