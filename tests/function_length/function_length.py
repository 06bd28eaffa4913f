#!/usr/bin/env python3
"""No function of the engine is longer than 150 lines (issue 13: the evaluator and the importers
in parts that can be read and tested alone).

  function_length.py check SOURCE_DIR   fails when a function in the C++ of engine/ spans more
                                        than LIMIT lines, from its signature to its closing brace
                                        (lambdas count in the function that holds them); prints
                                        the longest one either way
  function_length.py self-test          a function one line over is reported, one at the limit
                                        is not

Functions are found by Universal Ctags (scripts/install-deps.sh installs it), which gives each
definition's first and last line.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

LIMIT = 150
ROOT = "engine"


def functions(root, top=ROOT):
    """(lines, path, name, first line) of every function defined under root/top."""
    if not shutil.which("ctags"):
        raise SystemExit("ctags (Universal Ctags) is not installed: scripts/install-deps.sh installs it")
    out = subprocess.run(
        ["ctags", "-R", "--languages=C++", "--langmap=C++:+.hpp", "--kinds-C++=f", "--fields=+ne",
         "-o", "-", top],
        cwd=root, check=True, capture_output=True, text=True).stdout
    found = []
    for row in out.splitlines():
        cols = row.split("\t")
        fields = dict(c.split(":", 1) for c in cols[3:] if ":" in c)
        if "line" in fields and "end" in fields:
            first, last = int(fields["line"]), int(fields["end"])
            found.append((last - first + 1, cols[1], cols[0], first))
    return sorted(found, reverse=True)


def check(root):
    found = functions(root)
    if not found:
        print(f"no functions found under {ROOT}/: is ctags Universal Ctags?")
        return 1
    long = [f for f in found if f[0] > LIMIT]
    for lines, path, name, first in long:
        print(f"{path}:{first}: {name} is {lines} lines long (at most {LIMIT}): split it into parts "
              f"that can be read and tested alone")
    lines, path, name, first = found[0]
    print(f"the longest function of {ROOT}/: {name} ({path}:{first}), {lines} lines")
    return 1 if long else 0


def self_test():
    def body(n):
        # A function of n lines: signature, n - 2 statements, closing brace.
        return "int f{}() {{\n".format(n) + "  int x = 0;\n" * (n - 3) + "  return 0;\n}\n"
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / ROOT / "a").mkdir(parents=True)
        (t / ROOT / "a/long.cpp").write_text(body(LIMIT) + "\n" + body(LIMIT + 1))
        (t / ROOT / "a/inline.hpp").write_text("struct S {\n  int g() {\n" + "    int y = 0;\n" * LIMIT + "  }\n};\n")
        got = [(lines, path, name) for lines, path, name, _ in functions(t) if lines > LIMIT]
        want = [(LIMIT + 2, f"{ROOT}/a/inline.hpp", "g"), (LIMIT + 1, f"{ROOT}/a/long.cpp", f"f{LIMIT + 1}")]
        if got != want:
            print(f"self-test: reported {got}, expected {want}")
            return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) == 2 and argv[1] == "self-test":
        return self_test()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
