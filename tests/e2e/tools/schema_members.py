#!/usr/bin/env python3
"""Whether a findings document has exactly the members reports/json/findings.schema.json
requires, in its order: the document, its run, each finding (and each screening decision), and
every verdict one of the schema's. Prints one line per part checked, `ok` or what differs;
exit 1 when anything differs.
Usage: schema_members.py DOCUMENT SCHEMA"""
import json
import sys

d, s = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
bad = 0


def check(what, got, want):
    global bad
    if got == want:
        print(f"{what}: ok")
    else:
        bad += 1
        print(f"{what}: members {got}, the schema requires {want}")


check("document", list(d), s["required"])
check("run", list(d["run"]), s["properties"]["run"]["required"])
want = s["$defs"]["finding"]["required"]
shapes = {tuple(f) for f in d["findings"]}
check(f"findings ({len(d['findings'])})", [list(x) for x in sorted(shapes)], [want] if shapes else [])
verdicts = {f["verdict"] for f in d["findings"]} - set(s["$defs"]["verdict"]["enum"])
check("verdicts", sorted(verdicts), [])
if d.get("decisions"):
    want = s["properties"]["decisions"]["items"]["required"]
    shapes = {tuple(x) for x in d["decisions"]}
    check(f"decisions ({len(d['decisions'])})", [list(x) for x in sorted(shapes)], [want])
sys.exit(1 if bad else 0)
