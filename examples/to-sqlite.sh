#!/usr/bin/env bash
# to-sqlite.sh: load every field of the license usage insights into an SQLite table, through a
# pipe: pcusage writes CSV with every field, sqlite3 imports it from stdin.
#
#   to-sqlite.sh DATABASE [PCUSAGE-OPTIONS...]
#
# e.g.  to-sqlite.sh usage.db --token-file ~/.config/pcusage/token
#       to-sqlite.sh usage.db --input examples/usage-response.json
#       sqlite3 usage.db 'SELECT serviceName, COUNT(*) FROM usage GROUP BY serviceName'
#
# The table (PCUSAGE_SQLITE_TABLE, default "usage") is replaced in one transaction: when pcusage
# or the import fails, the database keeps the previous table. Columns are named after the fields
# ("attributes.objectType" for nested ones) and hold text: CAST(proratedLicensesUsagePercent AS
# REAL) to compute with it. The CSV formula guard is off: this is a database, not a spreadsheet,
# and the text must stay as the service wrote it.
#
# Environment: PCUSAGE (the pcusage to run, default "pcusage"), PCUSAGE_SQLITE_TABLE.
set -euo pipefail

if [ $# -lt 1 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then
  echo "usage: to-sqlite.sh DATABASE [PCUSAGE-OPTIONS...]" >&2
  exit 2
fi
db=$1
shift
table=${PCUSAGE_SQLITE_TABLE:-usage}
if ! [[ $table =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
  echo "to-sqlite.sh: PCUSAGE_SQLITE_TABLE must be a plain name (letters, digits, _)" >&2
  exit 2
fi
command -v sqlite3 >/dev/null || { echo "to-sqlite.sh: sqlite3 is not installed" >&2; exit 127; }

# pcusage prints nothing when it fails, so the import then fails too (-bail): no COMMIT, and the
# transaction is rolled back. Then pcusage's error line and exit status are the ones that matter;
# sqlite3's complaint about the empty input is dropped. When sqlite3 fails on its own (not a
# database, disk full), its error is printed and its exit status returned.
errors=$(mktemp "${TMPDIR:-/tmp}/to-sqlite.XXXXXX")
trap 'rm -f "$errors"' EXIT
set +e
"${PCUSAGE:-pcusage}" -o csv --columns '*' --csv-allow-formulas "$@" |
  sqlite3 -bail "$db" \
    "BEGIN" \
    "DROP TABLE IF EXISTS \"$table\"" \
    ".import --csv /dev/stdin $table" \
    "COMMIT" 2>"$errors"
statuses=("${PIPESTATUS[@]}")
set -e
pcusage_status=${statuses[0]} sqlite_status=${statuses[1]}
# 141: pcusage stopped by SIGPIPE because sqlite3 gave up first; sqlite3's error says why.
if [ "$pcusage_status" -ne 0 ] && [ "$pcusage_status" -ne 141 ]; then
  exit "$pcusage_status"
fi
if [ "$sqlite_status" -ne 0 ]; then
  sed 's/^/to-sqlite.sh: sqlite3: /' "$errors" >&2
  exit "$sqlite_status"
fi
exit "$pcusage_status"
