#!/usr/bin/env bash
# src/format/width_table.inc is what tools/gen_width_table.py makes from the Unicode data today.
# Skips (77) only when that data is missing (Debian's unicode-data, scripts/install-deps).
#   tests/width_table.sh SOURCE_DIR [UNICODE_DIR]
set -euo pipefail
source_dir=$1
unicode_dir=${2:-/usr/share/unicode}
for f in EastAsianWidth.txt UnicodeData.txt PropList.txt; do
  if [ ! -f "$unicode_dir/$f" ]; then
    echo "skipped: $unicode_dir/$f is missing (apt-get install unicode-data)"
    exit 77
  fi
done
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 1; }
generated=$(mktemp "${TMPDIR:-/tmp}/width_table.XXXXXX")
trap 'rm -f "$generated"' EXIT
python3 "$source_dir/tools/gen_width_table.py" "$unicode_dir" >"$generated"
if ! cmp -s "$source_dir/src/format/width_table.inc" "$generated"; then
  diff -u "$source_dir/src/format/width_table.inc" "$generated" | head -40 || true
  echo "src/format/width_table.inc is out of date: regenerate it with" >&2
  echo "  tools/gen_width_table.py $unicode_dir > src/format/width_table.inc" >&2
  exit 1
fi
echo "width_table.inc matches $unicode_dir ($(head -1 "$generated" | grep -oE 'Unicode [0-9.]+'))"
