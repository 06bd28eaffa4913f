#!/usr/bin/env python3
"""Every rule of a ruleset quotes its plan's own words: each `cite "SECTION" "QUOTE"` of the
ruleset's rule files must appear in the plan text (punctuation and spaces aside; "…" may
join quoted pieces, each of which must appear). Exit 1 listing the quotes that do not.

Usage: citations_test.py RULESET_DIR PLAN_TEXT
"""
import pathlib
import re
import sys


def norm(text: str) -> str:
    # The plan and the rules punctuate differently (full-width vs ASCII, line breaks).
    return re.sub(r"[\s，,、。“”\"（）()：:；;]", "", text)


def main() -> int:
    ruleset, plan_path = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    plan = norm(plan_path.read_text(encoding="utf-8"))
    cite = re.compile(r'^\s*cite\s+"([^"]+)"\s+"([^"]*)"', re.M)
    total, bad = 0, []
    for f in sorted(ruleset.rglob("*.rules")):
        for m in cite.finditer(f.read_text(encoding="utf-8")):
            total += 1
            quote = m.group(2)
            pieces = [p for p in re.split(r"…+|\.\.\.", quote) if norm(p)]
            if not pieces or not all(norm(p) in plan for p in pieces):
                line = f.read_text(encoding="utf-8").count("\n", 0, m.start()) + 1
                bad.append(f"{f}:{line}: cite {m.group(1)} quotes words not in the plan: {quote!r}")
    for b in bad:
        print(b)
    print(f"{total} citations, {total - len(bad)} found in {plan_path.name}")
    return 1 if bad or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
