#!/usr/bin/env python3
"""What a file holds of a pattern, for golden files: for each regular expression prints
`== /REGEX/` and each distinct match with the number of times it occurs, in order of first
occurrence (`(none)` when nothing matches).
Usage: matches.py FILE REGEX..."""
import collections
import re
import sys

text = open(sys.argv[1], "rb").read().decode("utf-8", errors="backslashreplace")
for rx in sys.argv[2:]:
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in rx)
    print(f"== /{shown}/")
    found = collections.Counter(m.group(0) for m in re.finditer(rx, text, re.M))
    for m, n in found.items():
        print(f"{n} {m}")
    if not found:
        print("(none)")
