#!/usr/bin/env python3
"""Headers declare no namespace aliases and no using-directives.

A header's `namespace x3 = boost::spirit::x3;` or `using namespace ...;` enters every file that
includes it, directly or not: a name it brings in can clash with or silently change the meaning
of a name in the includer. Headers spell namespaces out; a .cpp file may alias what it uses.

  headers_test.py check SOURCE_DIR   fails on an alias or a using-directive in a header of the
                                     project (dsl, engine, reports, app, cli, tools, bench,
                                     fuzz, tests), naming file and line
  headers_test.py self-test          the check finds what is planted and passes a clean tree
"""
import pathlib
import re
import sys
import tempfile

ROOTS = ["dsl", "engine", "reports", "app", "server", "cli", "tools", "bench", "fuzz", "tests"]
HEADER_SUFFIXES = {".hpp", ".h", ".hh", ".ipp", ".inl"}
# `namespace NAME = ...;` and `using namespace NAME;`, at any scope, outside comments.
ALIAS = re.compile(r"\bnamespace\s+\w+\s*=")
USING = re.compile(r"\busing\s+namespace\b")


def code_of(line):
    """The line without its // comment and string literals (enough for these two patterns)."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    return line.split("//", 1)[0]


def offences(root):
    root = pathlib.Path(root)
    found = []
    for top in ROOTS:
        if not (root / top).is_dir():
            continue
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in HEADER_SUFFIXES or not path.is_file():
                continue
            in_block = False
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, line in enumerate(text.splitlines(), 1):
                # Block comments: skip what lies inside /* ... */.
                if in_block:
                    if "*/" not in line:
                        continue
                    line, in_block = line.split("*/", 1)[1], False
                while "/*" in line:
                    head, rest = line.split("/*", 1)
                    if "*/" in rest:
                        line = head + " " + rest.split("*/", 1)[1]
                    else:
                        line, in_block = head, True
                code = code_of(line)
                if ALIAS.search(code) or USING.search(code):
                    found.append((path.relative_to(root).as_posix(), n, line.strip()))
    return found


def check(root):
    found = offences(root)
    for rel, n, line in found:
        print(f"{rel}:{n}: namespace alias or using-directive in a header (spell the namespace "
              f"out; alias it in the .cpp file instead): {line}")
    if not found:
        print("no namespace alias or using-directive in the headers")
    return 1 if found else 0


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / "dsl/parser").mkdir(parents=True)
        (t / "engine").mkdir()
        (t / "dsl/parser/clean.hpp").write_text(
            "// namespace x3 = boost::spirit::x3; in a comment is fine\n"
            "/* using namespace std;\n   namespace fs = std::filesystem; */\n"
            'inline const char* s = "namespace a = b;";\n'
            "namespace eco::dsl { struct A {}; }  // namespace eco::dsl\n")
        (t / "engine/ok.cpp").write_text("namespace fs = std::filesystem;\nusing namespace std;\n")
        if offences(t):
            print(f"self-test: a clean tree was reported: {offences(t)}")
            return 1
        (t / "dsl/parser/bad.hpp").write_text("namespace eco {\nnamespace x3 = boost::spirit::x3;\n}\n")
        (t / "engine/bad.h").write_text("inline void f() {\n  using namespace std::literals;\n}\n")
        got = [f[:2] for f in offences(t)]
        if got != [("dsl/parser/bad.hpp", 2), ("engine/bad.h", 2)]:
            print(f"self-test: planted offences not reported as expected: {got}")
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
