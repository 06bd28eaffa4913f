#!/usr/bin/env python3
"""Parts of a JSON document, for golden files: for each Python expression (the document is
`d`; `first(items, **members)` is the first item whose members equal the given values) prints
`== EXPR` and the value as indented JSON. A missing part is an error (exit 1), named.
Usage: json_pick.py FILE EXPR..."""
import json
import sys


def first(items, **want):
    for x in items:
        if all(_get(x, k) == v for k, v in want.items()):
            return x
    raise LookupError(f"no item with {want}")


def _get(x, key):  # subject__key reaches x["subject"]["key"]
    for part in key.split("__"):
        x = x[part]
    return x


def main(argv):
    d = json.load(open(argv[1], encoding="utf-8"))
    rc = 0
    for expr in argv[2:]:
        print(f"== {expr}")
        try:
            v = eval(expr, {"d": d, "first": first, "sorted": sorted, "len": len, "set": set})
            if isinstance(v, set):
                v = sorted(v, key=repr)
            short = json.dumps(v, ensure_ascii=False)
            print(short if len(short) <= 100 else json.dumps(v, ensure_ascii=False, indent=1))
        except Exception as e:  # noqa: BLE001 - the golden names what is missing
            print(f"ERROR {type(e).__name__}: {e}")
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
