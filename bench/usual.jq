# What people write today: every field through @csv, which quotes every string.
.items[] | [.workloadName, .serviceName, .channel, .proratedLicensesUsagePercent, .processedDateTime] | @csv
