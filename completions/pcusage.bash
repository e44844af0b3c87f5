# bash completion for pcusage                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/pcusage, where bash-completion loads it on demand.
# tests/docs_drift.sh checks that every flag of `pcusage --help` is listed here.

_pcusage() {
  # words, cword and split are set by _init_completion.
  # shellcheck disable=SC2034
  local cur prev words cword split
  if declare -F _init_completion >/dev/null 2>&1; then
    # -s: "--output=cs" comes as prev=--output, cur=cs.
    _init_completion -s || return
  else
    # Plain bash: '=' is a word of its own ("--output" "=" "cs").
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ $cur == = ]]; then
      cur=''
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
      prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
  fi

  local opts='--token --token-file --token-command --refresh-token-file --tenant --client-id
    --client-secret-file --authority --browser --profile --config --base-url --locale --correlation-id --input --timeout
    --connect-timeout --retries --max-pages --max-response-bytes --cacert -o --output --columns
    --no-header --sort --csv-allow-formulas --output-file --wide --customer --customers-from
    --all-customers --concurrency --keep-going --commercial --filter --groupby --top --skip -v
    --verbose -q --quiet --version -h --help'
  local formats='table json ndjson csv tsv'
  local commands='usage deployment customers login logout config'
  local fields='workloadName serviceName channel proratedLicensesUsagePercent processedDateTime
    attributes.objectType'

  case $prev in
    --token-file | --input | --customers-from)
      # A file, or '-' for stdin.
      _pcusage_files "$cur"
      [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
      return
      ;;
    --refresh-token-file | --client-secret-file | --cacert | --output-file | --config)
      _pcusage_files "$cur"
      return
      ;;
    -o | --output)
      mapfile -t COMPREPLY < <(compgen -W "$formats" -- "$cur")
      return
      ;;
    --columns)
      # A comma-separated list: complete the last element, keep what comes before it.
      local head='' last=$cur
      if [[ $cur == *,* ]]; then
        head=${cur%,*},
        last=${cur##*,}
      fi
      mapfile -t COMPREPLY < <(compgen -P "$head" -W "$fields '*'" -- "$last")
      compopt -o nospace 2>/dev/null
      return
      ;;
    --sort)
      local sorts='' f
      for f in $fields; do sorts+=" $f $f:desc $f:asc"; done
      mapfile -t COMPREPLY < <(compgen -W "$sorts" -- "$cur")
      return
      ;;
    --profile)
      # The profiles of the config file: "default" and each [profile NAME].
      local config=${PCUSAGE_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/pcusage/config} names
      names=$(sed -n 's/^[[:space:]]*\[profile[[:space:]]\{1,\}\([^]]*\)\].*/\1/p' "$config" 2>/dev/null)
      mapfile -t COMPREPLY < <(compgen -W "default $names" -- "$cur")
      return
      ;;
    --token-command)
      mapfile -t COMPREPLY < <(compgen -c -- "$cur")
      return
      ;;
    --token | --tenant | --client-id | --authority | --base-url | --locale | --correlation-id | \
      --timeout | --connect-timeout | --retries | --max-pages | --max-response-bytes | \
      --customer | --concurrency | --filter | --groupby | --top | --skip)
      # A value only the user knows.
      return
      ;;
  esac

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  elif [[ $COMP_CWORD -eq 1 ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
  fi
}

# File names under $1, with directories completed too, one per line of COMPREPLY.
_pcusage_files() {
  if declare -F _filedir >/dev/null 2>&1; then
    _filedir
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
  fi
}

complete -F _pcusage pcusage
