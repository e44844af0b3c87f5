#!/usr/bin/env python3
"""Writes a deterministic synthetic license usage response of N items to a file.

The items have the shape of the real API's: the five documented fields plus
attributes.objectType, in the order the service sends them. The same N always gives the same
bytes. Numbers are round(x, 4) and never integral, so that jq 1.6, which reformats numbers, prints
them exactly as written here (and as pcusage keeps them); strings never start like a spreadsheet
formula, so pcusage's formula guard leaves them alone. A few names hold a comma or a quote (CSV
quoting) and a few non-ASCII text (UTF-8 validation and table widths).
"""
import json
import random
import sys

WORKLOADS = [
    "Microsoft Dynamics CRM", "SharePoint", "Exchange", "Skype for Business", "OneDrive",
    "Microsoft Teams", "Yammer", "Power BI", "Project Online", "Visio Online",
    "Azure Active Directory Premium", "Intune", "Office 365 ProPlus", "Dynamics 365, Sales",
    "Planner \"Preview\"", "Kaizala Pro", "Stream", "Forms", "Bookings", "Sway",
    "Équipes Microsoft", "ビジネス向け OneDrive", "Windows 10 Enterprise E3", "Defender for Endpoint",
]
SERVICES = ["crm", "o365", "ems", "azure", "dynamics", "windows"]
CHANNELS = ["reseller", "direct", "indirect"]


def percent(rng):
    value = round(rng.uniform(0.01, 99.99), 4)
    # Integral values would print as 5.0 here and 5 in jq.
    return value + 0.5 if value == int(value) else value


def response(count, seed=20170310):
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        day = rng.randrange(1, 29)
        month = rng.randrange(1, 13)
        year = rng.choice((2017, 2018, 2019))
        items.append({
            "proratedLicensesUsagePercent": percent(rng),
            "workloadName": rng.choice(WORKLOADS),
            "processedDateTime": f"{year}-{month:02d}-{day:02d}T00:00:00+00:00",
            "serviceName": rng.choice(SERVICES),
            "channel": rng.choice(CHANNELS),
            "attributes": {"objectType": "PartnerLicensesUsageInsights"},
        })
    # ensure_ascii=False: the service sends UTF-8 text as is.
    return {"totalCount": count, "items": items,
            "attributes": {"objectType": "Collection"}}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_response.py COUNT OUT_FILE")
    count = int(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(response(count), out, ensure_ascii=False)


if __name__ == "__main__":
    main()
