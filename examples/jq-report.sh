#!/usr/bin/env bash
# jq-report.sh: a summary of the license usage insights per service, through jq: one line per
# service (tab-separated, with a header): how many workloads, the highest prorated usage and the
# latest processing date, busiest service first.
#
#   jq-report.sh [PCUSAGE-OPTIONS...]
#
# e.g.  jq-report.sh --token-file ~/.config/pcusage/token
#       jq-report.sh --input examples/usage-response.json | column -t -s "$(printf '\t')"
#
# pcusage writes NDJSON (one item per line, every field kept) and jq reads the stream. The report
# is printed only when both succeeded; otherwise the exit status is pcusage's when it failed
# (pipefail), else jq's, and stdout stays empty.
#
# Environment: PCUSAGE (the pcusage to run, default "pcusage").
set -euo pipefail

command -v jq >/dev/null || { echo "jq-report.sh: jq is not installed" >&2; exit 127; }

report=$("${PCUSAGE:-pcusage}" -o ndjson "$@" |
  jq -rn '
    [inputs]
    | group_by(.serviceName)
    | map({
        service: (.[0].serviceName // ""),
        workloads: (map(.workloadName) | unique | length),
        max_usage: (map(.proratedLicensesUsagePercent | numbers) | max // 0),
        latest: (map(.processedDateTime | strings) | max // "")
      })
    | sort_by(-.max_usage, .service)
    | (["service", "workloads", "max_usage_percent", "latest_processed"] | @tsv),
      (.[] | [.service, .workloads, .max_usage, .latest] | @tsv)')
printf '%s\n' "$report"
