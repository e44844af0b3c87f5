# pcusage's `-o csv` for the default columns, in jq: the header row, then one record per item.
# Strings get the formula guard (a leading ' before = + - @ TAB CR) and RFC 4180 quoting only when
# they hold a comma, quote, CR or LF, as pcusage writes them (@csv alone would quote every string).
# contains/startswith and string interpolation are C builtins of jq 1.6, so this costs about what
# the usual `[...] | @csv` does (a regex test per field would triple the run time).
def quoted:
  if contains(",") or contains("\"") or contains("\r") or contains("\n") then [.] | @csv
  else . end;
def cell:
  if type == "string" then
    (if startswith("=") or startswith("+") or startswith("-") or startswith("@")
        or startswith("\t") or startswith("\r") then "'" + . else . end)
    | quoted
  elif . == null then ""
  elif type == "object" or type == "array" then tojson | quoted
  else tostring end;
"workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime",
(.items[]
 | "\(.workloadName | cell),\(.serviceName | cell),\(.channel | cell),\(.proratedLicensesUsagePercent | cell),\(.processedDateTime | cell)")
