#!/usr/bin/env python3
"""Whether store B is a sound, exact copy of store A: B passes SQLite's integrity check and
holds every table's rows exactly (iterdump compared). Prints what it checked; exit 1 when not.
Usage: stores_equal.py A B"""
import sqlite3
import sys

a, b = (sqlite3.connect(f"file:{p}?mode=ro", uri=True) for p in sys.argv[1:3])
integrity = b.execute("PRAGMA integrity_check").fetchone()[0]
da, db = list(a.iterdump()), list(b.iterdump())
print(f"integrity of {sys.argv[2]}: {integrity}")
print(f"dump of {sys.argv[1]}: more than 1000 statements: {len(da) > 1000}")
same = da == db
print(f"dumps equal: {same}")
if not same:
    print(next(((x, y) for x, y in zip(da, db) if x != y), (len(da), len(db))))
sys.exit(0 if integrity == "ok" and same and len(da) > 1000 else 1)
