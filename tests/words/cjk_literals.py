#!/usr/bin/env python3
"""The engine writes no Chinese: its words are in the catalog (engine/findings/words.json).

  cjk_literals.py check SOURCE_DIR   fails when a string literal in the C++ of engine/ holds
                                     Chinese (CJK characters or punctuation) that allowed.txt does
                                     not list for its file, with the reason it may stay there
  cjk_literals.py self-test          finds what is planted (in strings, raw strings, u8 strings),
                                     passes comments, character literals and listed words

Comments may be in Chinese: only what the program says is checked. allowed.txt lists, one a
line, tab-separated: a glob of paths under engine/, a Chinese word, and why it stays in the C++
(input parsing: a spelling the importer accepts, not a word the engine writes). A literal passes
when every run of Chinese characters in it is a word allowed for its file.
"""
import fnmatch
import pathlib
import re
import sys
import tempfile

ROOT = "engine"
CPP_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}
ALLOWED = pathlib.Path(__file__).with_name("allowed.txt")
# CJK radicals, punctuation (、。「」（）), kana, unified ideographs and extensions, compatibility
# ideographs, vertical and full-width forms.
CJK_RUN = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]+")


def literals(text):
    """(line number, content) of every string literal of C++ source `text`, comments skipped."""
    out = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif c == "'":
            # A character literal (or a digit separator: 1'000, which ends at the next quote or
            # a non-digit; either way it holds no string).
            j = i + 1
            while j < n and text[j] not in "'\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif c == '"':
            raw = re.search(r'(?:u8|[uUL])?R$', text[max(0, i - 3):i])
            if raw:
                m = re.compile(r'"([^(\s]{0,16})\(').match(text, i)
                end = text.find(")" + m.group(1) + '"', m.end()) if m else -1
                if end < 0:
                    end = n
                body = text[m.end() if m else i + 1:end]
                out.append((line, body))
                line += body.count("\n")
                i = end + len(m.group(1)) + 2 if m else n
            else:
                j = i + 1
                while j < n and text[j] not in '"\n':
                    j += 2 if text[j] == "\\" else 1
                out.append((line, text[i + 1:j]))
                i = j + 1
        else:
            i += 1
    return out


def read_allowed(path):
    rules = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise SystemExit(f"{path}:{n}: expected 'path glob<TAB>word<TAB>reason': {raw!r}")
        rules.append((parts[0], parts[1]))
    return rules


def findings(root, allowed):
    """(path, line, literal, the Chinese not allowed there) under root/engine."""
    root = pathlib.Path(root)
    found = []
    for path in sorted((root / ROOT).rglob("*")):
        if path.suffix not in CPP_SUFFIXES or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        words = {w for glob, w in allowed if fnmatch.fnmatch(rel, glob)}
        for line, lit in literals(path.read_text(encoding="utf-8", errors="replace")):
            bad = [run for run in CJK_RUN.findall(lit) if run not in words]
            if bad:
                found.append((rel, line, lit, bad))
    return found


def check(root):
    found = findings(root, read_allowed(ALLOWED))
    for rel, line, lit, bad in found:
        print(f'{rel}:{line}: Chinese in a string literal ({"、".join(bad)}): "{lit}"; the engine\'s '
              f"words belong in the catalog (engine/findings/words.json, words.hpp); input it "
              f"parses is listed in {ALLOWED.relative_to(ALLOWED.parents[2])}")
    return 1 if found else 0


def self_test():
    src = (
        '// 中文注释 in a comment is fine\n'
        '/* 多行\n   注释 */\n'
        'auto a = "plain English";\n'
        "char q = '\\'';\n"
        'auto b = "无法判定“{}”";\n'
        'auto c = u8"符合";\n'
        'auto d = R"x(raw "是" 不行)x";\n'
        'auto e = "是";\n'
        'auto f = "escaped \\" quote 否";\n'
        'int g = 1\'000;\n'
    )
    got = [(line, bad) for line, lit in literals(src) for bad in [CJK_RUN.findall(lit)] if bad]
    want = [(6, ["无法判定"]), (7, ["符合"]), (8, ["是", "不行"]), (9, ["是"]), (10, ["否"])]
    if got != want:
        print(f"self-test: literals found {got}, expected {want}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / "engine/ingest").mkdir(parents=True)
        (t / "engine/eval").mkdir(parents=True)
        (t / "engine/ingest/values.cpp").write_text('if (t == "是") return "{} is not 是/否";\n', encoding="utf-8")
        (t / "engine/eval/words.cpp").write_text('// 是\nreturn "ok";\n', encoding="utf-8")
        allowed = [("engine/ingest/*", "是"), ("engine/ingest/*", "否")]
        if findings(t, allowed):
            print("self-test: a clean tree was reported")
            return 1
        (t / "engine/eval/words.cpp").write_text('return "是";\n', encoding="utf-8")  # allowed elsewhere only
        (t / "engine/ingest/values.cpp").write_text('return "否则";\n', encoding="utf-8")  # another word
        got = [(rel, line, bad) for rel, line, _, bad in findings(t, allowed)]
        if got != [("engine/eval/words.cpp", 1, ["是"]), ("engine/ingest/values.cpp", 1, ["否则"])]:
            print(f"self-test: planted literals reported as {got}")
            return 1
    if not read_allowed(ALLOWED):
        print(f"self-test: {ALLOWED} lists nothing")
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
