#!/usr/bin/env python3
"""Nothing numeric is written inside a rule of the ruleset (its README's convention): deadlines,
thresholds, tolerances and dates are named parameters with a source. The expressions of each
rule (for, let, when, deadline, require, met_on; strings and comments aside) may use only the
counting and calendar constants 0, 1, 12 (0.0, 1.0); any other number or a date literal fails.

Usage: constants_test.py RULESET_DIR
"""
import pathlib
import re
import sys

ALLOWED = {"0", "1", "12", "0.0", "1.0"}
CLAUSE = re.compile(r"^\s*(for|let|when|deadline|require|met_on)\b")
NUMBER = re.compile(r"(?<![\w.])(\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?)(?![\w-])")


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    bad, rules = [], 0
    for f in sorted(root.rglob("*.rules")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r'^rule (\S+) "[^"]*" \{\n(.*?)^\}', text, re.S | re.M):
            rules += 1
            first = text.count("\n", 0, m.start(2)) + 1
            in_expr = False
            for i, line in enumerate(m.group(2).split("\n")):
                stripped = line.split("#")[0]
                if CLAUSE.match(stripped):
                    in_expr = True
                elif re.match(r"^\s*(message|cite|en|requirement|severity)\b", stripped):
                    in_expr = False
                if not in_expr:
                    continue
                code = re.sub(r'"[^"]*"|\'[^\']*\'', "", stripped)
                for n in NUMBER.findall(code):
                    if n not in ALLOWED:
                        bad.append(f"{f}:{first + i}: rule {m.group(1)} writes the number {n}: make it a named parameter")
    for b in bad:
        print(b)
    print(f"{rules} rules, {len(bad)} numbers written inside them")
    return 1 if bad or rules == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
