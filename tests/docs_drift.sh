#!/usr/bin/env bash
# Drift between `pcusage --help` and everything else that lists the flags, variables and exit
# codes: the man page, the three completion scripts, docs/usage.md and docs/authentication.md,
# and the version in the man page, --version and CHANGELOG.md. Run by ctest (tests/CMakeLists.txt):
#
#   tests/docs_drift.sh PCUSAGE_BINARY SOURCE_DIR CONFIGURED_MAN_PAGE PROJECT_VERSION RELEASE_DATE
#
# Each problem is one line "docs_drift: <file>: <what is wrong>"; the exit status is 1 if any.
set -euo pipefail

if [ $# -ne 5 ]; then
  echo "usage: $0 PCUSAGE_BINARY SOURCE_DIR CONFIGURED_MAN_PAGE PROJECT_VERSION RELEASE_DATE" >&2
  exit 2
fi
pcusage=$1 src=$2 man=$3 version=$4 date=$5
failures=0
fail() {
  echo "docs_drift: $*" >&2
  failures=$((failures + 1))
}
for f in "$pcusage" "$man" "$src/docs/usage.md" "$src/docs/authentication.md" \
  "$src/completions/pcusage.bash" "$src/completions/_pcusage" "$src/completions/pcusage.fish"; do
  [ -e "$f" ] || { echo "docs_drift: $f: missing" >&2; exit 1; }
done
command -v groff >/dev/null || { echo "docs_drift: groff is not installed (apt-get install groff-base)" >&2; exit 1; }

help=$("$pcusage" --help)

# The flags: the option lines of --help ("  --flag ..." or "  -o, --flag ..."), in help order.
mapfile -t flags < <(printf '%s\n' "$help" | grep -oE '^  (-[a-zA-Z], )?--[a-z][a-z0-9-]*' |
  sed -E 's/^  //; s/, /\n/' )
# The authentication flags: the option lines between "Authentication" and "Request:".
mapfile -t auth_flags < <(printf '%s\n' "$help" | sed -n '/^Authentication/,/^Request:/p' |
  grep -oE '^  --[a-z][a-z0-9-]*' | sed 's/^  //')
if [ "${#flags[@]}" -lt 20 ] || [ "${#auth_flags[@]}" -lt 6 ]; then
  echo "docs_drift: pcusage --help: found only ${#flags[@]} flags (${#auth_flags[@]} in Authentication); has its layout changed?" >&2
  exit 1
fi

# The man page as text: no line breaks inside a paragraph worth speaking of, no hyphenation.
man_text=$(groff -man -Tascii -rLL=1000n -P-cbou "$man" 2>/dev/null)
man_section() {  # the rendered text of section $1, up to the next section heading
  printf '%s\n' "$man_text" | awk -v s="$1" '/^[A-Z]/ { on = ($0 == s) } on'
}
man_options=$(man_section OPTIONS)

# has TEXT FLAG: FLAG appears in TEXT as a word of its own (not inside --token-file for --token).
# (Here-strings, not pipes: grep -q may stop reading early, and pipefail would count that.)
has() { grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" <<<"$1"; }
is_auth() { grep -qxF -- "$1" <<<"$(printf '%s\n' "${auth_flags[@]}")"; }

usage_md=$(cat "$src/docs/usage.md")
auth_md=$(cat "$src/docs/authentication.md")
bash_c=$(cat "$src/completions/pcusage.bash")
zsh_c=$(cat "$src/completions/_pcusage")
fish_c=$(grep -E '^complete ' "$src/completions/pcusage.fish")  # the `complete` lines
for flag in "${flags[@]}"; do
  has "$man_options" "$flag" || fail "$man: OPTIONS does not describe $flag (edit docs/pcusage.1.in)"
  has "$bash_c" "$flag" || fail "completions/pcusage.bash: $flag is missing"
  has "$zsh_c" "$flag" || fail "completions/_pcusage: $flag is missing"
  if [[ $flag == --* ]]; then
    grep -qE -- "-l ${flag#--}( |\$)" <<<"$fish_c" ||
      fail "completions/pcusage.fish: $flag is missing (-l ${flag#--})"
  else
    grep -qE -- "-s ${flag#-}( |\$)" <<<"$fish_c" ||
      fail "completions/pcusage.fish: $flag is missing (-s ${flag#-})"
  fi
  if is_auth "$flag"; then
    has "$usage_md" "$flag" || has "$auth_md" "$flag" ||
      fail "docs/usage.md and docs/authentication.md: neither describes $flag"
  else
    has "$usage_md" "$flag" || fail "docs/usage.md: $flag is not described"
  fi
done

# The other way round: no flag that --help does not know, in the completions and man page tags.
known() { grep -qxF -- "$1" <<<"$(printf '%s\n' "${flags[@]}")"; }
check_known() {  # FILE FLAG...
  local file=$1 f
  shift
  for f in "$@"; do known "$f" || fail "$file: $f is not a flag of pcusage --help (stale?)"; done
}
mapfile -t listed < <(grep -oE -- '(^|[ (])--[a-z][a-z0-9-]*' <<<"$bash_c" | grep -oE -- '--.*' | sort -u)
check_known completions/pcusage.bash "${listed[@]}"
mapfile -t listed < <(grep -oE -- "(^|['\"{,)])--[a-z][a-z0-9-]*[=+[]" <<<"$zsh_c" |
  sed -E "s/^[^-]*//; s/[=+[]\$//" | sort -u)
check_known completions/_pcusage "${listed[@]}"
mapfile -t listed < <(grep -oE -- '-l [a-z][a-z0-9-]*' <<<"$fish_c" |
  sed 's/^-l /--/' | sort -u)
check_known completions/pcusage.fish "${listed[@]}"
# The man page's option tags: the first word of each indented-by-7 line of OPTIONS.
mapfile -t listed < <(printf '%s\n' "$man_options" | grep -oE '^       --?[a-zA-Z][a-z0-9-]*' |
  sed 's/^ *//' | sort -u)
check_known "$man (OPTIONS)" "${listed[@]}"

# The environment variables: every PCUSAGE_* named by --help or the docs, and the proxy ones, in
# the man page's ENVIRONMENT section.
man_env=$(man_section ENVIRONMENT)
mapfile -t vars < <({ printf '%s\n' "$help"; cat "$src/docs/usage.md" "$src/docs/authentication.md"; } |
  grep -oE 'PCUSAGE_[A-Z_]*[A-Z]' | sort -u)
for v in "${vars[@]}" HTTPS_PROXY NO_PROXY; do
  has "$man_env" "$v" || fail "$man: ENVIRONMENT does not describe $v"
done

# The exit codes: the same set in --help, docs/usage.md ("## Exit codes" table) and the man page.
help_codes=$(printf '%s\n' "$help" | sed -n '/^Exit codes:/,$p' |
  grep -oE '(^| )[0-9]{1,3}  [a-z]' | grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
usage_codes=$(sed -n '/^## Exit codes/,/^## /p' "$src/docs/usage.md" | grep -oE '^\| [0-9]+ ' |
  grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
man_codes=$(man_section 'EXIT STATUS' | grep -oE '^       [0-9]+ ' | grep -oE '[0-9]+' | sort -n |
  tr '\n' ' ')
[ -n "$help_codes" ] || fail "pcusage --help: no exit codes found after 'Exit codes:'"
[ "$usage_codes" = "$help_codes" ] ||
  fail "docs/usage.md: exit codes [$usage_codes] differ from --help's [$help_codes]"
[ "$man_codes" = "$help_codes" ] ||
  fail "$man: EXIT STATUS codes [$man_codes] differ from --help's [$help_codes]"

# The version: one place (project() in CMakeLists.txt) into --version, the man page, CHANGELOG.md.
got=$("$pcusage" --version | awk '{ print $2 }')
[ "$got" = "$version" ] || fail "pcusage --version says $got, project() says $version"
th=$(grep -E '^\.TH ' "$man" || true)
[[ $th == *"\"pcusage $version\""* && $th == *"\"$date\""* ]] ||
  fail "$man: .TH line '$th' does not carry \"pcusage $version\" and \"$date\""
grep -qE '^\.TH .*@PROJECT_VERSION@' "$src/docs/pcusage.1.in" ||
  fail "docs/pcusage.1.in: the .TH line must use @PROJECT_VERSION@, not a literal version"
release=$(grep -m1 -E '^## \[[0-9]' "$src/CHANGELOG.md" || true)
[ "$release" = "## [$version] - $date" ] ||
  fail "CHANGELOG.md: newest release is '$release', expected '## [$version] - $date'"

if [ "$failures" -gt 0 ]; then
  echo "docs_drift: $failures problem(s); flags checked: ${flags[*]}" >&2
  exit 1
fi
echo "docs_drift: ${#flags[@]} flags, ${#vars[@]} variables, exit codes [$help_codes]: consistent"
