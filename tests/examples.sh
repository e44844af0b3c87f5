#!/usr/bin/env bash
# The scripts in examples/ do what their comments say: the cron wrapper is quiet on success,
# retries exits 5 and 6 a bounded number of times and nothing else; the sqlite3 and jq pipelines
# produce their tables and keep pcusage's exit status. Run by ctest:
#
#   tests/examples.sh PCUSAGE_BINARY SOURCE_DIR
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PCUSAGE_BINARY SOURCE_DIR" >&2
  exit 2
fi
pcusage=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
sample=$src/examples/usage-response.json
failures=0
fail() {
  echo "examples: $*" >&2
  failures=$((failures + 1))
}
work=$(mktemp -d "${TMPDIR:-/tmp}/examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME CMD...: runs CMD with stdout, stderr and the exit status in $work/NAME.{out,err,rc}.
run() {
  local name=$1 rc=0
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  echo "$rc" >"$work/$name.rc"
}
check() {  # NAME RC OUT-EMPTY(yes|no) ERR-EMPTY(yes|no)
  local name=$1 rc
  rc=$(cat "$work/$name.rc")
  [ "$rc" = "$2" ] || fail "$name: exit $rc, expected $2 (stderr: $(head -c 300 "$work/$name.err"))"
  if [ "$3" = yes ] && [ -s "$work/$name.out" ]; then fail "$name: printed on stdout"; fi
  if [ "$4" = yes ] && [ -s "$work/$name.err" ]; then fail "$name: printed on stderr: $(head -c 300 "$work/$name.err")"; fi
  if [ "$4" = no ] && [ ! -s "$work/$name.err" ]; then fail "$name: said nothing on stderr"; fi
}

# --- examples/pcusage-cron --------------------------------------------------------------------
cron=$src/examples/pcusage-cron
export PCUSAGE_CRON_WAIT=0
PCUSAGE=$pcusage run cron-ok "$cron" "$work/report.csv" --input "$sample" -o csv
check cron-ok 0 yes yes
"$pcusage" --input "$sample" -o csv >"$work/expected.csv"
cmp -s "$work/report.csv" "$work/expected.csv" || fail "cron-ok: the report differs from pcusage -o csv"

# A fake pcusage: exits with the codes listed in $work/codes, one per call, and counts its calls.
cat >"$work/fake-pcusage" <<'FAKE'
#!/usr/bin/env bash
dir=$(dirname "$0")
n=$(($(cat "$dir/calls" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/calls"
code=$(sed -n "${n}p" "$dir/codes")
code=${code:-$(tail -n 1 "$dir/codes")}
[ "$code" = 0 ] || echo "pcusage: error: fake failure $code" >&2
exit "$code"
FAKE
chmod +x "$work/fake-pcusage"
fake_run() {  # NAME CODES ATTEMPTS: runs the wrapper on the fake, answering CODES in turn
  tr ' ' '\n' <<<"$2" >"$work/codes"
  rm -f "$work/calls"
  PCUSAGE=$work/fake-pcusage PCUSAGE_CRON_ATTEMPTS=$3 run "$1" "$cron" "$work/fake.csv"
}
calls() { cat "$work/calls"; }
fake_run cron-retry-then-ok "5 6 0" 3
check cron-retry-then-ok 0 yes yes
[ "$(calls)" = 3 ] || fail "cron-retry-then-ok: $(calls) calls, expected 3"
fake_run cron-gives-up "6" 2
check cron-gives-up 6 yes no
[ "$(calls)" = 2 ] || fail "cron-gives-up: $(calls) calls, expected 2 (PCUSAGE_CRON_ATTEMPTS=2)"
grep -q "fake failure 6" "$work/cron-gives-up.err" || fail "cron-gives-up: pcusage's error not shown"
grep -q "giving up after 2 attempt" "$work/cron-gives-up.err" || fail "cron-gives-up: no 'giving up' line"
fake_run cron-not-implemented "4" 3
check cron-not-implemented 4 yes no
[ "$(calls)" = 1 ] || fail "cron-not-implemented: exit 4 (501) was retried ($(calls) calls)"
fake_run cron-auth "3" 3
check cron-auth 3 yes no
[ "$(calls)" = 1 ] || fail "cron-auth: exit 3 was retried ($(calls) calls)"
PCUSAGE=$pcusage run cron-usage "$cron"
check cron-usage 2 yes no

# --- examples/jq-report.sh --------------------------------------------------------------------
if command -v jq >/dev/null; then
  PCUSAGE=$pcusage run jq "$src/examples/jq-report.sh" --input "$sample"
  check jq 0 no yes
  expected=$(printf '%s\t%s\t%s\t%s\n' service workloads max_usage_percent latest_processed \
    crm 2 0 2017-03-10T00:00:00+00:00 o365 3 0 2017-03-09T00:00:00+00:00)
  [ "$(cat "$work/jq.out")" = "$expected" ] || fail "jq: unexpected report: $(cat "$work/jq.out")"
  PCUSAGE=$pcusage run jq-fail "$src/examples/jq-report.sh" --input "$work/missing.json"
  check jq-fail 2 yes no
else
  echo "examples: note: jq is not installed; jq-report.sh not tried"
fi

# --- examples/to-sqlite.sh --------------------------------------------------------------------
if command -v sqlite3 >/dev/null; then
  db=$work/usage.db
  PCUSAGE=$pcusage run sqlite "$src/examples/to-sqlite.sh" "$db" --input "$sample"
  check sqlite 0 yes yes
  got=$(sqlite3 "$db" "SELECT serviceName || ':' || COUNT(*) FROM usage GROUP BY serviceName ORDER BY 1" 2>&1 | tr '\n' ' ')
  [ "$got" = "crm:2 o365:3 " ] || fail "sqlite: unexpected table: $got"
  PCUSAGE=$pcusage run sqlite-fail "$src/examples/to-sqlite.sh" "$db" --input "$work/missing.json"
  check sqlite-fail 2 yes no
  got=$(sqlite3 "$db" "SELECT COUNT(*) FROM usage" 2>&1)
  [ "$got" = 5 ] || fail "sqlite-fail: the previous table was not kept (count: $got)"
  # An account with no usage: an empty table with the report's columns, not a failure.
  printf '{"totalCount":0,"items":[]}' >"$work/empty.json"
  PCUSAGE=$pcusage run sqlite-empty "$src/examples/to-sqlite.sh" "$db" --input "$work/empty.json"
  check sqlite-empty 0 yes yes
  got=$(sqlite3 "$db" "SELECT COUNT(*) FROM usage; SELECT name FROM pragma_table_info('usage') LIMIT 1" 2>&1 | tr '\n' ' ')
  [ "$got" = "0 workloadName " ] || fail "sqlite-empty: unexpected table: $got"
else
  echo "examples: note: sqlite3 is not installed; to-sqlite.sh not tried"
fi

if [ "$failures" -gt 0 ]; then
  echo "examples: $failures problem(s) in examples/" >&2
  exit 1
fi
echo "examples: pcusage-cron, jq-report.sh and to-sqlite.sh behave as documented"
