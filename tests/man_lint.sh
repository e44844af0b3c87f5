#!/usr/bin/env bash
# The man page renders without a single warning: groff with every warning on (-ww), man-db's own
# rendering (man -l) with warnings on, and lexgrog reads its NAME line (what whatis and apropos
# use). Run by ctest on the configured page:
#
#   tests/man_lint.sh BUILD_DIR/pcusage.1
set -euo pipefail

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
  echo "usage: $0 MAN_PAGE (a readable file)" >&2
  exit 2
fi
page=$1
command -v groff >/dev/null || { echo "man_lint: groff is not installed (apt-get install groff-base)" >&2; exit 1; }

status=0
if ! out=$(groff -man -ww -z "$page" 2>&1) || [ -n "$out" ]; then
  echo "man_lint: $page: groff -man -ww -z warns:" >&2
  printf '%s\n' "$out" >&2
  status=1
fi
# Also at 60 columns, where long words and tags have to break.
if ! out=$(groff -man -ww -z -rLL=60n "$page" 2>&1) || [ -n "$out" ]; then
  echo "man_lint: $page: groff -man -ww -z -rLL=60n warns:" >&2
  printf '%s\n' "$out" >&2
  status=1
fi
if command -v man >/dev/null; then
  if ! out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null) || [ -n "$out" ]; then
    echo "man_lint: $page: man --warnings -l warns:" >&2
    printf '%s\n' "$out" >&2
    status=1
  fi
else
  echo "man_lint: note: man (man-db) is not installed; man -l not tried"
fi
if command -v lexgrog >/dev/null; then
  if ! out=$(lexgrog "$page" 2>&1) || [[ $out != *"pcusage - "* ]]; then
    echo "man_lint: $page: lexgrog cannot read the NAME section: $out" >&2
    status=1
  fi
fi
[ "$status" -eq 0 ] && echo "man_lint: $page renders without warnings"
exit "$status"
