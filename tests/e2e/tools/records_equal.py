#!/usr/bin/env python3
"""Whether stores A and B hold the same records: every record table (the tables whose names do
not start with `_`), every field (the columns not starting with `_`) with its value and SQLite
type, in row order. Provenance (_batch, _file, _line), history and batches are each store's
own and not compared; with --history the replaced versions are too (the `_history_` tables:
every field and the batch that replaced the version). Prints the record types and rows
compared and `same records`, or the first differences (exit 1).
Usage: records_equal.py A B [--history]"""
import sqlite3
import sys


HISTORY = "--history" in sys.argv[3:]


def records(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'sqlite%' ORDER BY name")]
    if HISTORY:
        tables += ["_history_" + t for t in tables]
    out = {}
    for t in tables:
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')
                if not r[1].startswith("_") or r[1] == "_replaced_by"]
        sel = ", ".join(f'"{c}", typeof("{c}")' for c in cols)
        # repr: a double in full, text with its exact characters (\r, spaces)
        order = "_row, _replaced_by" if t.startswith("_history_") else "_row"
        out[t] = (cols, [tuple(map(repr, row)) for row in db.execute(f'SELECT {sel} FROM "{t}" ORDER BY {order}')])
    return out


a, b = records(sys.argv[1]), records(sys.argv[2])
rec = {t: v for t, v in a.items() if not t.startswith("_history_")}
rows = sum(len(v[1]) for v in rec.values())
print(f"{sys.argv[1]}: {len(rec)} record types, {sum(1 for v in rec.values() if v[1])} with records, {rows} records"
      + (f", {sum(len(v[1]) for t, v in a.items() if t.startswith('_history_'))} replaced versions" if HISTORY else ""))
diffs = []
for t in sorted(set(a) | set(b)):
    if a.get(t) == b.get(t):
        continue
    if t not in a or t not in b:
        diffs.append(f"{t}: only in {sys.argv[1] if t not in b else sys.argv[2]}")
        continue
    cols, ra = a[t]
    _, rb = b[t]
    diffs.append(f"{t}: {len(ra)} records in {sys.argv[1]}, {len(rb)} in {sys.argv[2]}")
    for i, (x, y) in enumerate(zip(ra, rb)):
        if x != y:
            # value and type, per field: the fields that differ
            changed = [f"{c}: {x[2 * k]} {x[2 * k + 1]} -> {y[2 * k]} {y[2 * k + 1]}"
                       for k, c in enumerate(cols) if x[2 * k:2 * k + 2] != y[2 * k:2 * k + 2]]
            diffs.append(f"  first difference at record {i + 1} ({cols[0]} {x[0]}): " + "; ".join(changed))
            break
if diffs:
    print("\n".join(diffs))
    sys.exit(1)
print(f"same records{' and history' if HISTORY else ''} in {sys.argv[2]}")
