#!/usr/bin/env python3
"""The pages' labels (server/pages/templates/labels.json), read from the source tree (no server
started): every page is Chinese first with English, so

- both languages have the same keys (the server shows the Chinese label where an English one is
  missing: a Chinese word on an English page, silently);
- every label a page template asks for ({{t.area.key}}) is there;
- every label the server's code names (a page's title, a navigation entry, label(t, "..."),
  .value("area.key", ...)) is there;
- the labels the code builds from a name ("verdict." + v, "severity." + s, "confidence." + c)
  are there for every name the rule language has (dsl/model/ruleset.cpp's tables).

Fails naming the file and the missing key."""
import json
import pathlib
import re

from harness import check, main_args


def names_of(ruleset_cpp, table):
    """The spellings of one of dsl/model/ruleset.cpp's tables (kVerdict, kSeverity, ...)."""
    m = re.search(r"\b%s\s*=\s*\{([^}]*)\}" % table, ruleset_cpp)
    check(m, "dsl/model/ruleset.cpp has no table %s" % table)
    names = re.findall(r'"([a-z_]+)"', m.group(1))
    check(names, "the table %s is empty" % table)
    return names


def main():
    _, source = main_args()
    root = pathlib.Path(source)
    labels = json.loads((root / "server/pages/templates/labels.json").read_text(encoding="utf-8"))
    check(set(labels) == {"zh", "en"}, "labels.json's languages: %r" % sorted(labels))
    zh, en = labels["zh"], labels["en"]
    check(set(zh) == set(en), "keys in one language only: zh %r, en %r"
          % (sorted(set(zh) - set(en)), sorted(set(en) - set(zh))))
    for lang, t in labels.items():
        # Empty is allowed (a word one language needs and the other not: "第 1 至 6 条", "Rows 1 to 6").
        odd = [k for k, v in t.items() if not isinstance(v, str)]
        check(not odd, "%s labels that are not text: %r" % (lang, odd))
    blank = [k for k in zh if not zh[k].strip()]
    check(not blank, "empty Chinese labels (Chinese comes first): %r" % blank)
    # The templates read the labels nested at their dots ({{t.area.key}}): a key that is also the
    # start of another ("a.b" and "a.b.c") cannot be both a text and a group, and every page fails.
    clash = sorted(k for k in zh if any(o.startswith(k + ".") for o in zh))
    check(not clash, "labels that are also the prefix of other labels: %r" % clash)

    wanted = {}  # key -> where it is asked for
    templates = sorted((root / "server/pages/templates").glob("*.mustache"))
    check(templates, "no page templates")
    for f in templates:
        for key in re.findall(r"\{\{\{?\s*t\.([A-Za-z0-9_.]+)\s*\}?\}\}", f.read_text(encoding="utf-8")):
            wanted.setdefault(key, str(f.relative_to(root)))
    sources = sorted((root / "server").rglob("*.cpp"))
    check(sources, "no server sources")
    literal = [
        r'render_page\(\s*ctx,\s*"[^"]+",\s*"([^"]+)"',
        r'\.nav\s*=\s*"([^"]+)"',
        r'\blabel\(\s*t,\s*"([^"]+)"\s*,',
        r'\.value\(\s*"([a-z_]+\.[a-z_.]+)"\s*,',
    ]
    for f in sources:
        text = f.read_text(encoding="utf-8")
        for pattern in literal:
            for key in re.findall(pattern, text):
                wanted.setdefault(key, str(f.relative_to(root)))
    check(len(wanted) > 100, "only %d labels asked for: the patterns find nothing" % len(wanted))
    ruleset_cpp = (root / "dsl/model/ruleset.cpp").read_text(encoding="utf-8")
    for prefix, table in (("verdict", "kVerdict"), ("severity", "kSeverity"), ("confidence", "kConfidence")):
        for name in names_of(ruleset_cpp, table):
            wanted.setdefault("%s.%s" % (prefix, name), "dsl/model/ruleset.cpp %s" % table)
    missing = sorted("%s (%s)" % (k, where) for k, where in wanted.items() if k not in zh)
    check(not missing, "labels asked for and not in labels.json:\n  " + "\n  ".join(missing))
    print("labels: %d keys in both languages, %d asked for by %d templates and %d sources"
          % (len(zh), len(wanted), len(templates), len(sources)))


if __name__ == "__main__":
    main()
