#!/usr/bin/env python3
"""Turns criterion's estimates and the bench's printed sizes into the
Markdown table of BENCHMARKS.md.

Usage: cargo bench -p luaxt-format-bench --bench codecs | tee bench.log
       python3 format/bench/summarize.py bench.log [target/criterion]
"""
import json
import os
import sys

RECORDS = 20_000
SIZE_OF = {
    "luaxt_value": "luaxt", "luaxt_valueref": "luaxt", "luaxt_serde": "luaxt",
    "rmp_named": "rmp_named", "rmp_compact": "rmp_compact", "rmpv_value": "rmp_named",
    "ciborium": "ciborium", "ciborium_value": "ciborium", "postcard": "postcard",
    "serde_json": "serde_json", "serde_json_value": "serde_json",
}
LABEL = {
    "luaxt_value": "luaxt `Value` (dynamic)",
    "luaxt_valueref": "luaxt `ValueRef` (dynamic, borrowed)",
    "luaxt_serde": "luaxt serde (typed)",
    "rmp_named": "rmp-serde named (typed)",
    "rmp_compact": "rmp-serde compact (typed)",
    "rmpv_value": "rmpv `Value` (dynamic)",
    "ciborium": "ciborium (typed)",
    "ciborium_value": "`ciborium::Value` (dynamic)",
    "postcard": "postcard (typed)",
    "serde_json": "serde_json (typed)",
    "serde_json_value": "`serde_json::Value` (dynamic)",
}


def main():
    log, root = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "target/criterion")
    sizes = {}
    for line in open(log):
        if line.startswith("size "):
            _, name, n = line.split()
            sizes[name] = int(n)
    for group in ("encode", "decode"):
        print(f"\n### {group}\n")
        print("| codec | time per run (ms) | records/s | MB/s of its output | output size (bytes) |")
        print("|---|---:|---:|---:|---:|")
        rows = []
        for name in LABEL:
            path = os.path.join(root, group, name, "new", "estimates.json")
            if not os.path.exists(path):
                continue
            est = json.load(open(path))
            ns = est["median"]["point_estimate"]
            size = sizes[SIZE_OF[name]]
            rows.append((ns, name, size))
        for ns, name, size in sorted(rows):
            secs = ns / 1e9
            print(f"| {LABEL[name]} | {secs * 1e3:.1f} | {RECORDS / secs / 1e6:.2f} M | "
                  f"{size / secs / 1e6:.0f} | {size} |")


main()
