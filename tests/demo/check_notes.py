#!/usr/bin/env python3
"""The demo's deliberate cases get the verdicts their notes state.

Usage: check_notes.py ECOAUDIT RULESET_DIR

Imports RULESET_DIR/demo into a temporary store, sweeps it as of the demo's reference date
(2026-11-28, every verdict) and compares the findings with the "expected verdicts" column of
the case table in RULESET_DIR/demo/README.md (written by tools/datagen/make-demo.sh from the
notes of tools/datagen/scenarios.cpp). A cell holds "RULE: VERDICT" entries separated by "; ",
judged on the row's record, or "RULE on RECORD KEY: VERDICT" on another record; "no finding"
says no rule of the row's requirement judges the record. Each row fails, naming its case, when
  - its cell is empty or unreadable,
  - a listed rule gives the record another verdict, or does not judge it at all,
  - a rule of the row's requirement gives the record a verdict other than not_applicable that
    no row of the same requirement and record lists (a note must not keep silent about one),
  - a verdict of its cell other than pass is not named in its case text ("not applicable" for
    not_applicable): the prose reader must not be told another verdict than the one checked.
"""
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

AS_OF = "2026-11-28"
VERDICTS = {"violation", "late", "upcoming", "unknown", "advice", "pass", "not_applicable", "waived", "error"}
HEADER = "| requirement | record | deliberate case | expected verdicts |"
ENTRY = re.compile(r"^(?P<rule>[a-z][a-z0-9_.-]*)(?: on (?P<record>[a-z_]+) (?P<key>\S+))?: (?P<verdict>[a-z_]+)$")


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"command failed ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}")
    return done.stdout


def read_table(readme):
    """Rows (line number, requirement, record, key, case text, expected cell) of the case table."""
    rows, inside = [], False
    for number, line in enumerate(readme.read_text(encoding="utf-8").splitlines(), 1):
        if line == HEADER:
            inside = True
            continue
        if not inside or line.startswith("|---"):
            continue
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 4:
            sys.exit(f"{readme}:{number}: a case row has {len(cells)} cells, not 4: {line}")
        requirement, subject, what, expected = cells
        record, _, rest = subject.partition(" ")
        key = rest.split(" ")[0] if rest else ""
        rows.append((number, requirement, record, key, what, expected))
    if not rows:
        sys.exit(f"{readme}: no case table (header {HEADER!r})")
    return rows


def sweep(eco, ruleset):
    with tempfile.TemporaryDirectory(prefix="demo-notes-") as tmp:
        db = Path(tmp) / "demo.db"
        run([eco, "init", "--db", db, "--ruleset", ruleset])
        run([eco, "import", "--db", db, "--ruleset", ruleset, ruleset / "demo"])
        out = Path(tmp) / "sweep.json"
        run([eco, "sweep", "--db", db, "--ruleset", ruleset, "--as-of", AS_OF, "--format", "json",
             "--verdicts", "all", "--no-record", "--out", out])
        findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    # (rule, record, key) -> verdict; (requirement, record, key) -> {rule: verdict}. Composite
    # keys are joined with '|' in the report and with '/' in the notes.
    by_rule, by_requirement, requirements = {}, defaultdict(dict), set()
    for f in findings:
        subject = (f["subject"]["record"], str(f["subject"]["key"]).replace("|", "/"))
        by_rule[(f["rule"], *subject)] = f["verdict"]
        for r in f["requirements"]:
            by_requirement[(r, *subject)][f["rule"]] = f["verdict"]
            requirements.add(r)
    return by_rule, by_requirement, requirements


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    eco, ruleset = sys.argv[1], Path(sys.argv[2])
    rows = read_table(ruleset / "demo" / "README.md")
    by_rule, by_requirement, requirements = sweep(eco, ruleset)

    failures = []
    listed = defaultdict(set)   # (requirement, record, key) -> rules the rows list on it
    for number, requirement, record, key, what, expected in rows:
        case = f"README.md:{number}: {requirement} {record} {key} ({what[:80]}{'…' if len(what) > 80 else ''})"
        if not expected:
            failures.append(f"{case}: no expected verdicts")
            continue
        if expected == "no finding":
            judged = ({r for r in requirements if r == requirement} if record == "-"
                      else by_requirement.get((requirement, record, key), {}))
            if judged:
                failures.append(f"{case}: expected no finding, got {judged}")
            continue
        for entry in expected.split("; "):
            m = ENTRY.match(entry)
            if not m or m["verdict"] not in VERDICTS:
                failures.append(f"{case}: unreadable expectation {entry!r}")
                continue
            if m["verdict"] != "pass" and not re.search(r"\b" + m["verdict"].replace("_", " ") + r"\b", what):
                failures.append(f"{case}: the text does not name the verdict {m['verdict']} of {m['rule']}")
            subject = (m["record"], m["key"]) if m["record"] else (record, key)
            got = by_rule.get((m["rule"], *subject))
            if subject == (record, key):
                listed[(requirement, record, key)].add(m["rule"])
            if got is None:
                failures.append(f"{case}: {m['rule']} gives {' '.join(subject)} no finding, the note expects {m['verdict']}")
            elif got != m["verdict"]:
                failures.append(f"{case}: {m['rule']} on {' '.join(subject)} is {got}, the note says {m['verdict']}")
    for number, requirement, record, key, what, expected in rows:
        group = (requirement, record, key)
        if expected in ("", "no finding") or group not in listed:
            continue
        for rule, verdict in sorted(by_requirement.get(group, {}).items()):
            if verdict != "not_applicable" and rule not in listed[group]:
                failures.append(f"README.md:{number}: {requirement} {record} {key}: {rule} gives it {verdict}, which no note of {requirement} on it states")
        listed.pop(group)

    for f in failures:
        print(f)
    print(f"{len(rows)} deliberate cases, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
