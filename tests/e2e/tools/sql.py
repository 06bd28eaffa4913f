#!/usr/bin/env python3
"""Query results of a store, for golden files: for each SQL query prints `== QUERY` and its
rows, columns separated by `|` (NULL as empty). The store is opened read-only.
Usage: sql.py DB QUERY..."""
import sqlite3
import sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for q in sys.argv[2:]:
    print(f"== {q}")
    for row in db.execute(q):
        print("|".join("" if v is None else str(v) for v in row))
