#!/usr/bin/env python3
"""Turns the raw results of bench/run into a Markdown report: the machine, a table of medians,
ratios and peak memory per response size, and each target of the benchmark with PASS or FAIL.
Prints the report; with --out also writes it to a file."""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import time

PCUSAGE_ROWS = ["pcusage -o csv", "pcusage -o json", "pcusage -o ndjson", "pcusage -o table",
                "pcusage --input -o csv"]
FLOOR = "stack floor"
JQ_USUAL = "curl | jq @csv"
JQ_SAME = "curl | jq (same CSV)"
MB = 1e6


def run(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def first_line(text):
    return text.splitlines()[0] if text else "?"


def machine(args):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    os_name = "?"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    flags = "?"
    cache = os.path.join(os.path.dirname(args.binary), "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_CXX_FLAGS_RELEASE:"):
                    flags = line.split("=", 1)[1].strip()
    version = run(args.binary, "--version")
    libcurl = re.search(r"libcurl/[\w.]+", version)
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("compiler", f"{first_line(run(args.compiler, '--version'))}, Release flags `{flags}`"),
        ("libcurl", libcurl.group(0) if libcurl else version),
        ("tools", f"{first_line(run('curl', '--version')).split(' (')[0]}, "
                  f"{run('jq', '--version')}, {first_line(run('hyperfine', '--version')) or 'no hyperfine'}"),
        ("load average", f"{args.load[0]} before, {args.load[1]} after (1, 5, 15 min)"),
        ("date", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
    ]


def wall_seconds(text):
    parts = [float(p) for p in text.split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds


def load_size(args, n):
    """{label: {"median", "mean", "stddev", "runs", "rss_kb", "rss_stage"}} for one size."""
    rows = {}
    hyper = os.path.join(args.results, f"{n}.hyperfine.json")
    if os.path.exists(hyper):
        with open(hyper) as f:
            for r in json.load(f)["results"]:
                rows[r["command"]] = {"median": r["median"], "mean": r["mean"],
                                      "stddev": r.get("stddev") or 0.0, "runs": len(r["times"])}
    else:
        with open(os.path.join(args.results, f"{n}.times.tsv")) as f:
            for line in f:
                label, seconds = line.rstrip("\n").split("\t")
                rows[label] = {"median": float(seconds), "mean": float(seconds), "stddev": 0.0,
                               "runs": 1}
    with open(os.path.join(args.results, f"{n}.rss.tsv")) as f:
        for line in f:
            label, stage, kb, _wall = line.rstrip("\n").split("\t")
            row = rows.setdefault(label, {})
            if int(kb) > row.get("rss_kb", 0):
                row["rss_kb"] = int(kb)
                row["rss_stage"] = stage
            row.setdefault("stages", []).append((stage, int(kb)))
    return rows


def code(label):
    """A command name as inline code in a table cell, whose pipes Markdown needs escaped."""
    return "`" + label.replace("|", "\\|") + "`"


def fmt_s(seconds):
    return f"{seconds:.4f}" if seconds < 0.1 else f"{seconds:.3f}"


def size_table(n, body, rows):
    floor = rows[FLOOR]["median"]
    out = [f"### {n:,} items ({body / MB:.1f} MB body)", "",
           "| command | median s | mean ± σ s | runs | × stack floor | (curl \\| jq @csv) / this "
           "| peak RSS MB | RSS / body |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, r in rows.items():
        rss = r["rss_kb"] * 1024 / MB
        stages = r.get("stages", [])
        rss_text = f"{rss:.1f}"
        if len(stages) > 1:
            rss_text += " (" + ", ".join(f"{s} {kb * 1024 / MB:.1f}" for s, kb in stages) + ")"
        speedup = rows[JQ_USUAL]["median"] / r["median"] if label.startswith("pcusage") else None
        out.append(f"| {code(label)} | {fmt_s(r['median'])} | {fmt_s(r['mean'])} ± "
                   f"{fmt_s(r['stddev'])} | {r['runs']} | {r['median'] / floor:.2f} | "
                   f"{f'{speedup:.1f}' if speedup else ''} | {rss_text} | {rss * MB / body:.2f} |")
    return out


def targets(sizes, bodies, data, seed):
    """[(target, numbers, passed)] for the targets of the benchmark."""
    result = []
    mid = "n100000"
    if mid in data:
        rows = data[mid]
        floor = rows[FLOOR]["median"]
        limits = {"pcusage -o csv": 1.5, "pcusage -o json": 2.0, "pcusage -o ndjson": 2.0,
                  "pcusage -o table": 2.5}
        for label, limit in limits.items():
            ratio = rows[label]["median"] / floor
            result.append((f"100k: {code(label)} ≤ {limit}× stack floor",
                           f"{rows[label]['median']:.3f} s / {floor:.3f} s = {ratio:.2f}×",
                           ratio <= limit))
        csv = rows["pcusage -o csv"]["median"]
        for jq in (JQ_USUAL, JQ_SAME):
            if jq not in rows:
                continue
            speedup = rows[jq]["median"] / csv
            result.append((f"100k: `pcusage -o csv` ≥ 8× faster than {code(jq)}",
                           f"{rows[jq]['median']:.3f} s / {csv:.3f} s = {speedup:.1f}×",
                           speedup >= 8))
    for key, label in ((mid, "100k"), ("n1000000", "1M")):
        if key not in data:
            continue
        body = bodies[key]
        worst = max((data[key][l]["rss_kb"] * 1024, l) for l in PCUSAGE_ROWS)
        result.append((f"{label}: pcusage peak RSS ≤ 2× body (every mode above)",
                       f"worst {code(worst[1])} {worst[0] / MB:.1f} MB / {body / MB:.1f} MB = "
                       f"{worst[0] / body:.2f}×", worst[0] <= 2 * body))
    if seed:
        curl = seed["curl"]["median"]
        for label in ("pcusage", "pcusage -o csv"):
            ratio = seed[label]["median"] / curl
            result.append((f"seed (5 items): {code(label)} ≤ 1.3× `curl`",
                           f"{seed[label]['median'] * 1000:.2f} ms / {curl * 1000:.2f} ms = "
                           f"{ratio:.2f}×", ratio <= 1.3))
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--sizes", required=True)
    p.add_argument("--binary", required=True)
    p.add_argument("--compiler", required=True)
    p.add_argument("--load", nargs=2, required=True)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--out")
    args = p.parse_args()

    sizes = [int(s) for s in args.sizes.split()]
    data, bodies = {}, {}
    for n in sizes:
        key = f"n{n}"
        data[key] = load_size(args, key)
        bodies[key] = os.path.getsize(os.path.join(args.data, key + ".json"))
    seed = None
    seed_file = os.path.join(args.results, "seed.hyperfine.json")
    if os.path.exists(seed_file):
        with open(seed_file) as f:
            seed = {r["command"]: r for r in json.load(f)["results"]}

    lines = ["# pcusage benchmark results", ""]
    if args.smoke:
        lines += ["Smoke run: one run of each command, no statistics and no targets. It only shows "
                  "that the bench runs end to end; pcusage's CSV equalled curl | jq's.", ""]
    else:
        lines += ["Written by `bench/run` (see bench/README.md); every number below comes from "
                  "that one run. Times are wall-clock medians from hyperfine; peak RSS is "
                  "`/usr/bin/time -v`'s maximum resident set size of each process (for a pipeline, "
                  "of each stage, the largest counted). MB = 10⁶ bytes.", ""]
    lines += ["## Machine", ""] + [f"- {k}: {v}" for k, v in machine(args)] + [""]
    if not args.smoke:
        lines += ["## Targets", "", "| target | numbers | result |", "| --- | --- | --- |"]
        for name, numbers, passed in targets(sizes, bodies, data, seed):
            lines.append(f"| {name} | {numbers} | {'PASS' if passed else 'FAIL'} |")
        lines.append("")
    lines += ["## Measurements", ""]
    for n in sizes:
        lines += size_table(n, bodies[f"n{n}"], data[f"n{n}"]) + [""]
    if seed:
        lines += ["### Seed response (examples/usage-response.json, 5 items)", "",
                  "| command | median ms | mean ± σ ms | runs |", "| --- | ---: | ---: | ---: |"]
        for label, r in seed.items():
            lines.append(f"| {code(label)} | {r['median'] * 1000:.2f} | {r['mean'] * 1000:.2f} ± "
                         f"{(r.get('stddev') or 0) * 1000:.2f} | {len(r['times'])} |")
        lines.append("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if not args.smoke and os.path.exists(notes):
        with open(notes) as f:
            lines += [f.read().rstrip("\n"), ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
