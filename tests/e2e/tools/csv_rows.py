#!/usr/bin/env python3
"""A CSV file made from another one for a step: its header and the rows whose first column is
KEY, with the given columns set to new values (an empty value clears the column).
Usage: csv_rows.py SOURCE OUT KEY [COLUMN=VALUE...]"""
import csv
import os
import sys

src, out, key, sets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(src, encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
header = rows[0]
picked = [r for r in rows[1:] if r and r[0] == key]
if not picked:
    sys.exit(f"{src}: no row whose first column is {key!r}")
for s in sets:
    col, _, value = s.partition("=")
    if col not in header:
        sys.exit(f"{src}: no column {col!r}")
    for r in picked:
        r[header.index(col)] = value
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
with open(out, "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([header] + picked)
print(f"wrote {out}: {len(picked)} row(s) of {os.path.basename(src)} with {', '.join(sets) or 'no change'}")
