#!/usr/bin/env python3
"""The files under folders, for golden files: each path (relative to the current folder),
sorted, marked `(empty)` when it has no bytes. A folder that does not exist is said so.
Usage: ls.py DIR..."""
import os
import sys

for top in sys.argv[1:]:
    if not os.path.isdir(top):
        print(f"{top}: no such folder")
        continue
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            print(p + (" (empty)" if os.path.getsize(p) == 0 else ""))
