#!/usr/bin/env python3
"""Per-rule verdict counts of a sweep's JSON document, as TSV (a header, then
rule<TAB>verdict<TAB>count sorted by rule and verdict), then the totals per verdict: the
compact view of a sweep a reviewer reads when a golden moves (the demo's is
tests/e2e/cases/sweep/demo/golden/verdict-counts.stdout).
Usage: verdict_counts.py FILE"""
import collections
import json
import sys

counts = collections.Counter()
for f in json.load(open(sys.argv[1], encoding="utf-8"))["findings"]:
    counts[f["rule"], f["verdict"]] += 1
print("rule\tverdict\tcount")
for (r, v), n in sorted(counts.items()):
    print(f"{r}\t{v}\t{n}")
totals = collections.Counter()
for (_, v), n in counts.items():
    totals[v] += n
print(f"total\t{' '.join(f'{v}={n}' for v, n in sorted(totals.items()))}\t{sum(totals.values())}")
