#!/usr/bin/env bash
# Loads a completion script in its shell and asks it for a few completions, as a user pressing Tab
# would: -o's formats, --sort's FIELD:desc, a --columns list, a file for --input. Run by ctest:
#
#   tests/completion_load.sh bash|zsh|fish SOURCE_DIR
#
# Exit 0 when it works, 1 with one line per problem, 77 (ctest: skipped) when the shell is not
# installed (scripts/install-tools installs bash-completion, zsh and fish).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 bash|zsh|fish SOURCE_DIR" >&2
  exit 2
fi
shell=$1 src=$(cd "$2" && pwd)
if ! command -v "$shell" >/dev/null; then
  echo "completion_load: SKIPPED: $shell is not installed (apt-get install $shell)"
  exit 77
fi
failures=0
fail() {
  echo "completion_load: $shell: $*" >&2
  failures=$((failures + 1))
}
# expect WHAT OUTPUT WORD...: every WORD is a line of OUTPUT.
expect() {
  local what=$1 out=$2 w
  shift 2
  for w in "$@"; do
    grep -qxF -- "$w" <<<"$out" || fail "$what: '$w' not offered (got: $(tr '\n' ' ' <<<"$out"))"
  done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/completion_load.XXXXXX")
trap 'rm -rf "$work"' EXIT
touch "$work/saved-response.json"
cd "$work"

case $shell in
  bash)
    # complete LINE: the candidates bash offers for LINE (split as readline does, '=' its own word).
    # Run twice: plain bash, and with the bash-completion package's helpers when it is installed.
    runner=$(cat <<'EOF'
[ "$1" = with-bash-completion ] && . /usr/share/bash-completion/bash_completion
. "$2/completions/pcusage.bash"
complete -p pcusage | grep -q -- '-F _pcusage' || { echo "complete -p: not registered"; exit 1; }
line=$3
read -ra COMP_WORDS <<<"$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_LINE=$line COMP_POINT=${#line} COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_pcusage
printf '%s\n' "${COMPREPLY[@]}"
EOF
    )
    modes=(plain)
    if [ -r /usr/share/bash-completion/bash_completion ]; then
      modes+=(with-bash-completion)
    else
      echo "completion_load: note: bash-completion is not installed; testing plain bash only"
    fi
    for mode in "${modes[@]}"; do
      complete_line() { bash --norc --noprofile -c "$runner" runner "$mode" "$src" "$1" 2>&1; }
      out=$(complete_line 'pcusage --ver') || fail "($mode) loading failed: $out"
      expect "($mode) --ver" "$out" --verbose --version
      expect "($mode) -o" "$(complete_line 'pcusage -o ')" table json ndjson csv tsv
      expect "($mode) --sort" "$(complete_line 'pcusage --sort work')" workloadName workloadName:desc
      expect "($mode) --columns" "$(complete_line 'pcusage --columns channel,att')" \
        channel,attributes.objectType
      expect "($mode) --input" "$(complete_line 'pcusage --input sav')" saved-response.json
    done
    ;;
  zsh)
    # Loaded as users load it: from $fpath by compinit.
    out=$(zsh -f -c "fpath=('$src/completions' \$fpath); autoload -Uz compinit; compinit -u -D;
      print -r -- \$_comps[pcusage]" 2>&1) || fail "compinit failed: $out"
    [ "$out" = _pcusage ] || fail "compinit did not register _pcusage for pcusage (got '$out')"
    # Sourced directly (the other documented way): registers through compdef.
    out=$(zsh -f -c "autoload -Uz compinit; compinit -u -D; source '$src/completions/_pcusage';
      print -r -- \$_comps[pcusage]" 2>&1) || fail "source failed: $out"
    [ "$out" = _pcusage ] || fail "sourcing did not register _pcusage (got '$out')"
    # Tab in an interactive zsh on a pseudo-terminal, recording what completion offers.
    complete_line() {
      local hits="$work/hits" script
      rm -f "$hits"
      script=$(cat <<EOF
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PROMPT= RPROMPT=; fpath=("$src/completions" \$fpath); autoload -Uz compinit; compinit -u -D'
zpty -w z 'compadd() { builtin compadd -O __h "\$@"; (( \$#__h )) && print -rl -- \$__h >>"$hits"; builtin compadd "\$@" }'
zpty -n -w z '$1'\$'\t'
for i in {1..100}; do [[ -s "$hits" ]] && break; sleep 0.1; done
sleep 0.3
zpty -d z
EOF
      )
      zsh -f -c "$script" >/dev/null 2>&1 || true
      cat "$hits" 2>/dev/null || true
    }
    expect "-o" "$(complete_line 'pcusage -o ')" table json ndjson csv tsv
    expect "--sort" "$(complete_line 'pcusage --sort work')" workloadName workloadName:desc
    expect "--columns" "$(complete_line 'pcusage --columns channel,att')" attributes.objectType
    expect "--input" "$(complete_line 'pcusage --input sav')" saved-response.json
    expect "--ver" "$(complete_line 'pcusage --ver')" --verbose --version
    ;;
  fish)
    complete_line() {
      fish --no-config -c "source '$src/completions/pcusage.fish'; complete -C '$1'" 2>&1 | cut -f1
    }
    out=$(fish --no-config -c "source '$src/completions/pcusage.fish'" 2>&1) || fail "loading failed: $out"
    [ -z "$out" ] || fail "loading printed: $out"
    expect "-o" "$(complete_line 'pcusage -o ')" table json ndjson csv tsv
    expect "--sort" "$(complete_line 'pcusage --sort work')" workloadName workloadName:desc
    expect "--columns" "$(complete_line 'pcusage --columns channel,att')" \
      channel,attributes.objectType
    expect "--input" "$(complete_line 'pcusage --input sav')" saved-response.json
    expect "--ver" "$(complete_line 'pcusage --ver')" --verbose --version
    ;;
  *)
    echo "completion_load: unknown shell '$shell' (bash, zsh or fish)" >&2
    exit 2
    ;;
esac

if [ "$failures" -gt 0 ]; then
  echo "completion_load: $shell: $failures problem(s) in completions/" >&2
  exit 1
fi
echo "completion_load: $shell: loads and completes flags, formats, fields and files"
