# pcusage's `-o csv` for the default columns, in jq: the header row, then one record per item.
# Strings get the formula guard (a leading ' before = + - @ TAB CR) and RFC 4180 quoting only when
# they hold a comma, quote, CR or LF, as pcusage writes them (jq's @csv would quote every string).
def cell:
  if type == "string" then
    (if (.[0:1] | . == "=" or . == "+" or . == "-" or . == "@" or . == "\t" or . == "\r")
     then "'" + . else . end)
    | if (index(",") or index("\"") or index("\r") or index("\n"))
      then "\"" + gsub("\""; "\"\"") + "\"" else . end
  elif . == null then ""
  elif type == "object" or type == "array" then tojson
  else tostring end;
"workloadName,serviceName,channel,proratedLicensesUsagePercent,processedDateTime",
(.items[]
 | [.workloadName, .serviceName, .channel, .proratedLicensesUsagePercent, .processedDateTime]
 | map(cell) | join(","))
