#!/usr/bin/env bash
# scripts/check-layers on the real tree (must pass) and on a small tree that breaks each kind of
# rule (must fail and name every violation).
#   tests/check_layers.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
check="$source_dir/scripts/check-layers"
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }

"$check" "$source_dir/src"

tree=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{app,cli,core,format,http,model}
printf '#include "core/result.h"\n#include "app/run.h"\n' >"$tree/core/files.cpp"
printf '#include "core/result.h"\n#include "model/dataset.h"\n' >"$tree/http/client.cpp"
printf '#include "format/format_kind.h"\n#include "format/format.h"\n' >"$tree/cli/options.h"
printf '#include "model/dataset.h"\n#include "http/http_client.h"\n' >"$tree/format/csv.cpp"
printf '#include "app/run.h"\n#include "cli/options.h"\n' >"$tree/main.cpp"
if "$check" "$tree" 2>"$tree/err"; then
  echo "check-layers passed a tree with violations" >&2
  exit 1
fi
status=0
for expected in "src/core/files.cpp:2: core includes app/run.h" \
                "src/http/client.cpp:2: http includes model/dataset.h" \
                "src/cli/options.h:2: cli includes format/format.h" \
                "src/format/csv.cpp:2: format includes http/http_client.h"; do
  grep -qF "$expected" "$tree/err" || { echo "not reported: $expected" >&2; status=1; }
done
if [ "$(grep -c 'includes' "$tree/err")" -ne 4 ]; then
  echo "unexpected reports:" >&2
  cat "$tree/err" >&2
  status=1
fi
exit "$status"
