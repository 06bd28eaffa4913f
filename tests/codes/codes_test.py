#!/usr/bin/env python3
"""Diagnostic codes are written once, as named constants in the codes headers.

  codes_test.py literals SOURCE_DIR   fails when a code literal ("P001", "I006" ...) appears in
                                      the C++ of dsl/, engine/, cli/ or reports/ outside the
                                      codes headers (use code::kName instead)
  codes_test.py self-test             the check above finds a planted literal and passes a clean tree
"""
import pathlib
import re
import sys
import tempfile

# The headers that declare the codes; every other file names them by constant.
CODES_HEADERS = ["dsl/common/codes.hpp", "engine/ingest/codes.hpp"]
SOURCE_ROOTS = ["dsl", "engine", "cli", "reports"]
CPP_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}
# A code: its family letter (parse, names, types, declarations, warnings, import) and 3 digits.
LITERAL = re.compile(r'"[PNTDWI][0-9]{3}"')


def code_literals(root):
    """(path, line number, line) of every code literal outside the codes headers."""
    root = pathlib.Path(root)
    found = []
    for top in SOURCE_ROOTS:
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in CPP_SUFFIXES or not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            if rel in CODES_HEADERS:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, line in enumerate(text.splitlines(), 1):
                if LITERAL.search(line):
                    found.append((rel, n, line.strip()))
    return found


def check_literals(root):
    found = code_literals(root)
    for rel, n, line in found:
        print(f"{rel}:{n}: diagnostic code written as a literal (name it by its constant in "
              f"{' or '.join(CODES_HEADERS)}): {line}")
    return 1 if found else 0


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        for h in CODES_HEADERS:
            (t / h).parent.mkdir(parents=True, exist_ok=True)
            (t / h).write_text('inline constexpr const char* kSyntax = "P001";\n')
        (t / "engine/ingest").mkdir(parents=True, exist_ok=True)
        clean = t / "engine/ingest/a.cpp"
        clean.write_text('// I006 in a comment is fine\nthrow Error(code::kValue, "x");\n')
        if code_literals(t):
            print("self-test: a clean tree was reported")
            return 1
        (t / "cli").mkdir()
        (t / "cli/b.cpp").write_text('throw Error("I006", "x");\n')
        if [f[:2] for f in code_literals(t)] != [("cli/b.cpp", 1)]:
            print("self-test: a planted literal was not reported")
            return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "literals":
        return check_literals(argv[2])
    if len(argv) == 2 and argv[1] == "self-test":
        return self_test()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
