#!/usr/bin/env python3
"""Per-rule verdict counts of a sweep, for tests/sweep/cli_test.sh and its golden
tests/sweep/golden/demo_verdicts.tsv (a header, then rule<TAB>verdict<TAB>count sorted by rule
and verdict).

  verdict_counts.py json FILE          the counts of a sweep's JSON document, as TSV on stdout
  verdict_counts.py text FILE          the counts of a text summary's per-rule lines, as TSV
  verdict_counts.py compare WANT GOT   exit 1 naming each rule whose counts moved (old -> new)
  verdict_counts.py totals GOLDEN      the `verdicts:` line and the finding total the golden implies
"""
import collections
import json
import re
import sys

HEADER = "rule\tverdict\tcount"
# The order in which the text summary lists verdicts: that of enum class Verdict
# (dsl/model/ruleset.hpp). Only verdicts that occur are listed.
ORDER = ["violation", "late", "unknown", "upcoming", "pass", "not_applicable", "waived", "advice", "error"]


def tsv(counts):
    lines = [HEADER] + [f"{r}\t{v}\t{n}" for (r, v), n in sorted(counts.items())]
    return "\n".join(lines) + "\n"


def from_json(path):
    counts = collections.Counter()
    for f in json.load(open(path, encoding="utf-8"))["findings"]:
        counts[f["rule"], f["verdict"]] += 1
    return counts


def from_text(path):
    # The block of per-rule lines right after `verdicts:`: "  <rule padded> v=n v=n".
    counts, inside = collections.Counter(), False
    for line in open(path, encoding="utf-8").read().splitlines():
        if line.startswith("verdicts:"):
            inside = True
            continue
        if not inside:
            continue
        m = re.fullmatch(r"  (\S+) +((?:\w+=\d+ ?)+)", line)
        if not m:
            break
        for pair in m.group(2).split():
            v, n = pair.split("=")
            counts[m.group(1), v] += int(n)
    return counts


def read_tsv(path):
    rows = open(path, encoding="utf-8").read().splitlines()
    if not rows or rows[0] != HEADER:
        sys.exit(f"{path}:1: the header must be '{HEADER}'")
    counts = collections.Counter()
    for i, row in enumerate(rows[1:], 2):
        cols = row.split("\t")
        if len(cols) != 3 or not cols[2].isdigit() or (cols[0], cols[1]) in counts:
            sys.exit(f"{path}:{i}: want rule<TAB>verdict<TAB>count, once per rule and verdict: {row!r}")
        counts[cols[0], cols[1]] = int(cols[2])
    return counts


def by_rule(counts):
    rules = collections.defaultdict(dict)
    for (r, v), n in counts.items():
        rules[r][v] = n
    return rules


def show(verdicts):
    key = lambda v: (ORDER.index(v) if v in ORDER else len(ORDER), v)  # noqa: E731
    return " ".join(f"{v}={verdicts[v]}" for v in sorted(verdicts, key=key)) or "none"


def compare(want_path, got_path):
    want, got = by_rule(read_tsv(want_path)), by_rule(read_tsv(got_path))
    moved = [r for r in sorted(set(want) | set(got)) if want.get(r, {}) != got.get(r, {})]
    for r in moved:
        print(f"  {r}: {show(want.get(r, {}))} -> {show(got.get(r, {}))}")
    return 1 if moved else 0


def totals(path):
    counts = read_tsv(path)
    sums = collections.Counter()
    for (_, v), n in counts.items():
        sums[v] += n
    unknown = sorted(set(sums) - set(ORDER))
    if unknown:
        sys.exit(f"{path}: verdicts not in the text summary's order: {unknown}")
    print("verdicts:" + "".join(f" {v}={sums[v]}" for v in ORDER if sums[v]))
    print(sum(sums.values()))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "json":
        sys.stdout.write(tsv(from_json(argv[2])))
    elif len(argv) == 3 and argv[1] == "text":
        sys.stdout.write(tsv(from_text(argv[2])))
    elif len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "totals":
        return totals(argv[2])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
