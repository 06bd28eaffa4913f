#!/usr/bin/env python3
"""Whether two outputs are the same, for golden files: prints `same: A = B` (exit 0) or the
difference (exit 1). Before comparing, --skip-a/--skip-b N drop the first N lines of A or B,
and every match of each --mask REGEX is deleted from both (what may differ: a timestamp).
Usage: compare.py A B [--skip-a N] [--skip-b N] [--mask REGEX]..."""
import argparse
import difflib
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("a")
ap.add_argument("b")
ap.add_argument("--skip-a", type=int, default=0)
ap.add_argument("--skip-b", type=int, default=0)
ap.add_argument("--mask", action="append", default=[])
args = ap.parse_args()


def lines(path, skip):
    text = open(path, "rb").read().decode("utf-8", errors="backslashreplace")
    for m in args.mask:
        text = re.sub(m, "", text)
    return text.splitlines(True)[skip:]


a, b = lines(args.a, args.skip_a), lines(args.b, args.skip_b)
masked = "".join(f" (masked /{m}/)" for m in args.mask)
if a == b:
    print(f"same: {args.a} = {args.b}{masked}")
    sys.exit(0)
print(f"DIFFERENT: {args.a} != {args.b}{masked}")
sys.stdout.writelines(list(difflib.unified_diff(a, b, args.a, args.b, n=1))[:40])
sys.exit(1)
