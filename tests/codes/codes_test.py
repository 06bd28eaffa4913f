#!/usr/bin/env python3
"""Diagnostic codes are written once, as named constants in the codes headers.

  codes_test.py literals SOURCE_DIR   fails when a code literal ("P001", "I006" ...) appears in
                                      the C++ of dsl/, engine/, app/, cli/ or reports/ outside the
                                      codes headers (use code::kName instead)
  codes_test.py cases SOURCE_DIR      fails when a code declared in the codes headers has no case:
                                      a golden diagnostics file (tests/diagnostics/**/*.err) or
                                      an end-to-end case (tests/adversarial/**/*.case, the golden
                                      files of tests/e2e/cases, tests/ingest) that expects it
  codes_test.py self-test             both checks find what is planted and pass a clean tree
"""
import pathlib
import re
import sys
import tempfile

# The headers that declare the codes; every other file names them by constant.
CODES_HEADERS = ["dsl/common/codes.hpp", "engine/ingest/codes.hpp"]
SOURCE_ROOTS = ["dsl", "engine", "app", "cli", "reports"]
CPP_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}
# A code: its family letter (parse, names, types, declarations, warnings, import, monitoring
# messages) and 3 digits.
LITERAL = re.compile(r'"[PNTDWIM][0-9]{3}"')


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


DECLARED = re.compile(r'inline constexpr const char\* (k\w+) = "([A-Z][0-9]{3})"')
# Codes whose cause a case file cannot produce from outside the program, pinned by a unit test
# through a test seam instead: code -> (unit test file that must expect it, why).
UNIT_ONLY = {
    "I011": ("tests/unit/engine/intake_test.cpp",
             "a file changed while it is read: needs the importer's before_read hook"),
}


def declared_codes(root):
    codes = []
    for h in CODES_HEADERS:
        codes += [m.group(2) for m in DECLARED.finditer((pathlib.Path(root) / h).read_text(encoding="utf-8"))]
    return codes


def case_texts(root):
    root = pathlib.Path(root)
    files = list((root / "tests/diagnostics").rglob("*.err"))
    files += list((root / "tests/adversarial").rglob("*.case"))
    files += [p for p in (root / "tests/e2e/cases").rglob("*") if p.is_file() and p.suffix != ".xlsx"]
    files += [p for p in (root / "tests/ingest").rglob("*") if p.is_file()]
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def codes_without_case(root):
    texts = case_texts(root)
    missing = []
    for c in declared_codes(root):
        if c in UNIT_ONLY:
            unit, _ = UNIT_ONLY[c]
            p = pathlib.Path(root) / unit
            if p.is_file() and f"[{c}]" in p.read_text(encoding="utf-8", errors="replace"):
                continue
            missing.append(c)
            continue
        # "[P011]" in a golden .err, "\\[I005\\]" or "I005" in a case's expectations.
        if not any(re.search(rf"\b{c}\b", t) for t in texts):
            missing.append(c)
    return missing


def check_cases(root):
    if not declared_codes(root):
        print("no codes found in " + ", ".join(CODES_HEADERS))
        return 1
    missing = codes_without_case(root)
    for c in missing:
        print(f"{c}: declared in the codes headers but no golden diagnostics file "
              f"(tests/diagnostics) or end-to-end case (tests/adversarial, tests/e2e, tests/ingest) expects it")
    return 1 if missing else 0


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
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        for h in CODES_HEADERS:
            (t / h).parent.mkdir(parents=True, exist_ok=True)
            (t / h).write_text("")
        (t / CODES_HEADERS[0]).write_text('inline constexpr const char* kSyntax = "P001";\n'
                                          'inline constexpr const char* kOther = "P099";\n')
        (t / "tests/diagnostics/parse").mkdir(parents=True)
        (t / "tests/adversarial/x").mkdir(parents=True)
        (t / "tests/ingest").mkdir(parents=True)
        (t / "tests/diagnostics/parse/a.err").write_text("a.rules:1:1: error[P001]: expected x\n")
        if codes_without_case(t) != ["P099"]:
            print("self-test: a code without a case was not reported")
            return 1
        (t / "tests/adversarial/x/b.case").write_text("EXPECT_STDERR='error\\[P099\\]: x'\n")
        if codes_without_case(t):
            print("self-test: a code with a case was reported")
            return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "literals":
        return check_literals(argv[2])
    if len(argv) == 3 and argv[1] == "cases":
        return check_cases(argv[2])
    if len(argv) == 2 and argv[1] == "self-test":
        return self_test()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
