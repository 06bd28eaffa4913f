#!/usr/bin/env python3
"""Every rule whose deadline is a grace period or a date (basis grace_period or plan_date, as
`ecoaudit coverage --format json` reports it) has tests on the day before, on and after that
deadline or event date (issue 12, item 7).

A test claims a boundary by a comment line directly above it (among the comment lines that
lead into the `test` line):

    # boundary: before on after 2024-03-01 (the restart day)
    # boundary: after 2025-03-12 after=2025-03-13 (...)
    # boundary: before 2025-10-13 before=2025-10-11 (the previous working day)

The positions (before, on, after) are followed by the boundary date D (the deadline, the end of
the grace period, the event's date, as that test has it). The claim is checked against the test:
for each claimed position its date must be written in the test's body as a date (its `as_of` or
a record's field; the title, comments and strings do not count): D - 1 day for before, D for on, D + 1 day for after. Where the grace period is
counted in working days the nearest working day may stand instead, written out as `before=DATE`
or `after=DATE` (strictly before, resp. after D). A tag not leading into a test, an unknown
position, or a claimed date absent from the test fails. The check fails listing each rule of
those bases that lacks a test tagged before, on or after.

Usage: boundary_test.py ECOAUDIT RULESET_DIR
"""
import datetime
import json
import pathlib
import re
import subprocess
import sys

BASES = ("grace_period", "plan_date")
POSITIONS = ("before", "on", "after")
TAG = re.compile(r"^\s*#\s*boundary:\s*(.*)$")
TAG_BODY = re.compile(r"^((?:(?:before|on|after)\s+)+)(\d{4}-\d{2}-\d{2})"
                      r"((?:\s+(?:before|after)=\d{4}-\d{2}-\d{2})*)(\s.*)?$")
TEST = re.compile(r'^test\s+(\S+)\s+"')
DATE = re.compile(r"(?<![\w-])(\d{4}-\d{2}-\d{2})(?![\w-])")


def parse_date(s: str, where: str, errors: list):
    try:
        return datetime.date.fromisoformat(s)
    except ValueError:
        errors.append(f"{where}: {s} is not a date")
        return None


def tests_of(path: pathlib.Path, errors: list):
    """Yields (rule id, test title line, leading tags [(lineno, text)], body text) per test."""
    lines = path.read_text(encoding="utf-8").split("\n")
    pending = []  # tags in the comment block read so far
    i = 0
    while i < len(lines):
        line = lines[i]
        m = TAG.match(line)
        if m:
            pending.append((i + 1, m.group(1).strip()))
            i += 1
            continue
        if line.strip().startswith("#"):
            i += 1
            continue
        t = TEST.match(line)
        if t:
            start = i
            while i < len(lines) and lines[i].rstrip() != "}":
                i += 1
            # The body without its title, comments and strings: a date in words is no evidence.
            body = "\n".join(re.sub(r'"[^"]*"', "", l.split("#")[0]) for l in lines[start + 1:i + 1])
            yield t.group(1), start + 1, pending, body
            pending = []
            i += 1
            continue
        for lineno, _ in pending:
            errors.append(f"{path}:{lineno}: a boundary tag that does not lead into a test")
        pending = []
        i += 1
    for lineno, _ in pending:
        errors.append(f"{path}:{lineno}: a boundary tag that does not lead into a test")


def main() -> int:
    eco, root = sys.argv[1], pathlib.Path(sys.argv[2])
    coverage = json.loads(subprocess.run([eco, "coverage", str(root), "--format", "json"],
                                         check=True, capture_output=True, text=True).stdout)
    in_scope = {r["id"]: r["basis"] for r in coverage["rules"] if r["basis"] in BASES}
    errors = []
    covered = {rid: set() for rid in in_scope}
    tagged_tests = 0
    for f in sorted(root.rglob("*.rules")):
        for rid, lineno, tags, body in tests_of(f, errors):
            if not tags:
                continue
            tagged_tests += 1
            dates = set(DATE.findall(body))
            for tag_line, text in tags:
                where = f"{f}:{tag_line}"
                m = TAG_BODY.match(text)
                if not m:
                    errors.append(f"{where}: boundary tag '{text}' is not 'POSITION... DATE [before=DATE] [after=DATE] (note)'")
                    continue
                positions = m.group(1).split()
                d = parse_date(m.group(2), where, errors)
                if d is None:
                    continue
                wanted = {"before": d - datetime.timedelta(days=1), "on": d,
                          "after": d + datetime.timedelta(days=1)}
                for o in re.findall(r"(before|after)=(\S+)", m.group(3) or ""):
                    od = parse_date(o[1], where, errors)
                    if od is None:
                        continue
                    if (o[0] == "before" and od >= d) or (o[0] == "after" and od <= d):
                        errors.append(f"{where}: {o[0]}={od} is not {o[0]} {d}")
                    wanted[o[0]] = od
                for p in positions:
                    if wanted[p].isoformat() not in dates:
                        errors.append(f"{where}: test of {rid} (line {lineno}) claims '{p} {d}' "
                                      f"but {wanted[p]} is not written in it")
                    elif rid in covered:
                        covered[rid].add(p)
    lacking = []
    for rid in sorted(in_scope):
        missing = [p for p in POSITIONS if p not in covered[rid]]
        if missing:
            lacking.append(f"{rid} ({in_scope[rid]}): no test tagged {', '.join(missing)}")
    for e in errors:
        print(e)
    for l in lacking:
        print(l)
    print(f"{len(in_scope)} rules with a grace period or a dated deadline, {tagged_tests} tagged tests, "
          f"{len(lacking)} rules lacking a boundary, {len(errors)} bad tags")
    return 1 if errors or lacking or not in_scope else 0


if __name__ == "__main__":
    sys.exit(main())
