#!/usr/bin/env python3
"""Regenerates the lists of rules per deadline basis in a ruleset's README.

The README holds, for each basis, a block between two markers:

    <!-- basis-list:plan_date -->
    ...generated lines...
    <!-- /basis-list -->

(basis = plan_date, regulation, plan_period_end, grace_period, advice or undeclared). The lines
come from `ecoaudit coverage RULESET --format json` (its `rules` and `by_basis`), one per rule:
"- `id` title (requirements; severity)". Text outside the markers is never touched.

Usage: basis_lists.py --eco ECOAUDIT RULESET_DIR [--readme README.md] [--check]
  --check  change nothing; exit 1 (printing a diff) when the README is stale.
"""
import argparse
import difflib
import json
import os
import re
import subprocess
import sys

BASES = ["plan_date", "regulation", "plan_period_end", "grace_period", "advice", "undeclared"]
BLOCK = re.compile(r"(<!-- basis-list:([a-z_]+) -->\n)(.*?)(<!-- /basis-list -->)", re.S)


def coverage(eco, ruleset):
    # Exit 1 only says that coverage found gaps; the JSON is complete either way.
    run = subprocess.run([eco, "coverage", ruleset, "--format", "json", "--allow-undeclared-basis"],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"basis_lists: ecoaudit coverage {ruleset} failed (exit {run.returncode}):\n{run.stderr}")
    return json.loads(run.stdout)


def lines_for(doc, basis):
    rules = {r["id"]: r for r in doc["rules"]}
    out = []
    for rid in doc["by_basis"].get(basis, []):
        r = rules[rid]
        reqs = ", ".join(r["requirements"]) or "-"
        out.append(f"- `{rid}` {r['title']} ({reqs}; {r['severity']})\n")
    return "".join(out) if out else "- (none)\n"


def regenerate(text, doc):
    seen = []

    def block(m):
        basis = m.group(2)
        if basis not in BASES:
            sys.exit(f"basis_lists: unknown basis '{basis}' in a marker (one of {', '.join(BASES)})")
        seen.append(basis)
        return m.group(1) + lines_for(doc, basis) + m.group(4)

    new = BLOCK.sub(block, text)
    return new, seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eco", required=True, help="the ecoaudit program")
    ap.add_argument("ruleset", help="ruleset folder")
    ap.add_argument("--readme", help="README to update (default: RULESET/README.md)")
    ap.add_argument("--check", action="store_true", help="exit 1 when the README is stale; change nothing")
    a = ap.parse_args()
    readme = a.readme or os.path.join(a.ruleset, "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    new, seen = regenerate(text, coverage(a.eco, a.ruleset))
    if not seen:
        sys.exit(f"basis_lists: {readme} has no <!-- basis-list:BASIS --> markers")
    if new == text:
        return 0
    if a.check:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), readme, readme + " (regenerated)"))
        print(f"\n{readme} is stale: run scripts/basis_lists.py --eco build/cli/ecoaudit {a.ruleset}", file=sys.stderr)
        return 1
    with open(readme, "w", encoding="utf-8") as f:
        f.write(new)
    print(f"updated {readme}: {', '.join(seen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
