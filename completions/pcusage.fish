# fish completion for pcusage. Installed as share/fish/vendor_completions.d/pcusage.fish.
# tests/docs_drift.sh checks that every flag of `pcusage --help` is listed here.

complete -c pcusage -f

# The documented field names, for --columns and --sort.
function __pcusage_fields
    printf '%s\n' workloadName serviceName channel proratedLicensesUsagePercent processedDateTime \
        attributes.objectType
end

# --columns takes a comma-separated list (or '*'): offer each field after what is already typed.
function __pcusage_columns
    set -l head (string replace -r '[^,]*$' '' -- (commandline -ct))
    for f in (__pcusage_fields) '*'
        echo $head$f
    end
end

# --sort takes FIELD, FIELD:desc or FIELD:asc.
function __pcusage_sort
    for f in (__pcusage_fields)
        printf '%s\n' $f $f:desc $f:asc
    end
end

# The profiles of the config file: "default" and each [profile NAME].
function __pcusage_profiles
    set -l config $PCUSAGE_CONFIG
    if test -z "$config"
        set -l home $XDG_CONFIG_HOME
        test -z "$home"; and set home $HOME/.config
        set config $home/pcusage/config
    end
    echo default
    test -r $config; and string replace -rf '^\s*\[profile\s+([^\]]*)\].*' '$1' <$config
end

# Commands
complete -c pcusage -n __fish_use_subcommand -a usage -d 'License usage (the default)'
complete -c pcusage -n __fish_use_subcommand -a deployment -d 'License deployment'
complete -c pcusage -n __fish_use_subcommand -a customers -d 'The customer list'
complete -c pcusage -n __fish_use_subcommand -a login -d 'Sign in once and store the refresh token'
complete -c pcusage -n __fish_use_subcommand -a logout -d 'Delete the stored tokens'
complete -c pcusage -n __fish_use_subcommand -a config -d 'Print the effective settings'

# Authentication
complete -c pcusage -l token -x -d 'Bearer token (visible in ps)'
complete -c pcusage -l token-file -r -F -d 'Read the token from a file (- for stdin)'
complete -c pcusage -l token-command -x -a '(__fish_complete_command)' -d 'Command whose output is the token'
complete -c pcusage -l refresh-token-file -r -F -d 'Sign in with the refresh token in a file'
complete -c pcusage -l tenant -x -d 'Tenant to sign in to'
complete -c pcusage -l client-id -x -d 'Application (client) id'
complete -c pcusage -l client-secret-file -r -F -d 'File holding the application secret'
complete -c pcusage -l browser -d 'login: sign in in a browser on this machine'
complete -c pcusage -l profile -x -a '(__pcusage_profiles)' -d 'The profile to use'
complete -c pcusage -l config -r -F -d 'The config file'
complete -c pcusage -l authority -x -a 'https://login.microsoftonline.com https://login.microsoftonline.us https://login.chinacloudapi.cn' -d 'Sign-in service'

# Request
complete -c pcusage -l base-url -x -a 'https://api.partnercenter.microsoft.com https://partner.partnercenterapi.microsoftonline.cn' -d 'API root'
complete -c pcusage -l locale -x -a en-US -d 'X-Locale header'
complete -c pcusage -l correlation-id -x -d 'MS-CorrelationId (a GUID)'
complete -c pcusage -l input -r -F -d 'Format a saved response (- for stdin)'
complete -c pcusage -l timeout -x -d 'Bound on the whole run, in seconds'
complete -c pcusage -l connect-timeout -x -d 'Bound on each connection attempt, in seconds'
complete -c pcusage -l retries -x -d 'Retries of 408, 429, 5xx and network failures'
complete -c pcusage -l max-pages -x -d 'Follow at most N pages'
complete -c pcusage -l max-response-bytes -x -d 'Largest body accepted (K, M, G suffixes)'
complete -c pcusage -l cacert -r -F -d 'Trust the CA certificates in a PEM file'

# Customers and reports
complete -c pcusage -l customer -x -d "One customer's report (a tenant GUID)"
complete -c pcusage -l customers-from -r -F -d 'Customer ids one per line (- for stdin)'
complete -c pcusage -l all-customers -d "Every customer's report"
complete -c pcusage -l concurrency -x -d 'Requests in flight at once'
complete -c pcusage -l keep-going -d 'Print the customers that succeeded, exit 8 if any failed'
complete -c pcusage -l commercial -d 'The commercial analytics endpoints'
complete -c pcusage -l filter -x -d 'Commercial filter expression'
complete -c pcusage -l groupby -x -d 'Commercial grouping fields'
complete -c pcusage -l top -x -d 'Commercial rows per page'
complete -c pcusage -l skip -x -d 'Commercial rows to skip'

# Output
complete -c pcusage -s o -l output -x -a 'table json ndjson csv tsv' -d 'Output format'
complete -c pcusage -l columns -x -a '(__pcusage_columns)' -d 'Fields for table, csv and tsv'
complete -c pcusage -l no-header -d 'No header row'
complete -c pcusage -l sort -x -a '(__pcusage_sort)' -d 'Stable sort by a field'
complete -c pcusage -l csv-allow-formulas -d 'Turn the CSV formula guard off'
complete -c pcusage -l output-file -r -F -d 'Write to a file atomically'
complete -c pcusage -l wide -d 'On a terminal, do not shorten the table'

# Diagnostics
complete -c pcusage -s v -l verbose -d 'Trace requests and responses to stderr'
complete -c pcusage -s q -l quiet -d 'No warnings, no status line'
complete -c pcusage -l version -d 'Print the version and exit'
complete -c pcusage -s h -l help -d 'Print the help and exit'
