#!/usr/bin/env python3
"""Keeps a ruleset's DATA-ADDITIONS.md (the schema's fields and record types that the bureau's
data contract, DATA.md, does not have) in step with the schema.

The sets come from `ecoaudit schema RULESET --format json` (the schema as the engine reads it)
and from the ruleset's copy of DATA.md (plan/DATA.md): a field of the schema that DATA.md does not
list, in a record it lists, is an addition; a record type DATA.md does not list is a new record
type, all of whose fields are additions. DATA.md's `list via X` fields are the schema's reverse
navigations of X (e.g. `enterprise.zones`).

DATA-ADDITIONS.md holds one table per record between markers

    <!-- additions:RECORD -->
    | field | type | required | meaning | read by | while absent |
    ...
    <!-- /additions -->

and the DATA.md fields the schema names differently between
`<!-- renamed -->` and `<!-- /renamed -->`. The columns type, required and read by are
generated; meaning and while absent are hand-written (--write fills them for a new field from the
schema's description and a first reading of the rules' text, to be read and corrected by hand, and
keeps them otherwise).

"Read by" lists the rules (rules/*.rules, tests excluded), the `valid`/`complete` declarations of
the schema and draw.json/enforcement.json whose text reads `.FIELD`. For a field name
that several record types have, `x.FIELD` counts for the record x is bound to (`for x in R`, the
variable of a macro over a navigation, `e.permits.exists(p, ...)`) or navigates to
(`f.enterprise.FIELD`); where x's record cannot be told (a macro over a `let` list), it counts
when the text names the record or a navigation to it.

Usage: data_additions.py --eco ECOAUDIT RULESET_DIR [--data DATA.md] [--doc DATA-ADDITIONS.md]
                         [--check | --write]
  --check  change nothing; exit 1 naming every schema field or record type that is in neither
           DATA.md nor DATA-ADDITIONS.md, every one DATA-ADDITIONS.md lists that the schema no
           longer has or that DATA.md now has, and every renamed field out of step
  --write  rewrite the tables between the markers (append a section for a new record)
  (neither: print the additions, one RECORD.FIELD a line)
data_additions.py self-test ECOAUDIT RULESET_DIR
  a copy of the ruleset with a dummy field added to its schema fails --check; with the field
  removed again and a dummy row added to DATA-ADDITIONS.md it fails too; the copy as is passes.
"""
import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

BLOCK = re.compile(r"<!-- additions:([a-z_0-9]+) -->\n(.*?)<!-- /additions -->\n", re.S)
RENAMED = re.compile(r"<!-- renamed -->\n(.*?)<!-- /renamed -->\n", re.S)
HEADER = ("| field | type | required | meaning | read by | while absent |\n"
          "|---|---|---|---|---|---|\n")


def schema(eco, ruleset):
    run = subprocess.run([eco, "schema", str(ruleset), "--format", "json"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"data_additions: ecoaudit schema {ruleset} failed (exit {run.returncode}):\n{run.stderr}")
    return json.loads(run.stdout)


def data_contract(path):
    """{record: {field: 'list' | 'field'}} from DATA.md's `## record — title` sections and their
    tables: a `| field | type | meaning |` table has a field (or `a, b`) per row, a one-row table
    has a field per cell (its first word)."""
    records, cur, full = {}, None, False
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        head = re.match(r"^##\s+([a-z_0-9]+)\s", line)
        if head:
            cur, full = head.group(1), False
            records[cur] = {}
            continue
        if cur is None or not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[:2] == ["field", "type"]:
            full = True
            continue
        if full:
            kind = "list" if len(cells) > 1 and cells[1].startswith("list via") else "field"
            for name in re.sub(r"\*\*K\*\*|\?", "", cells[0]).split(","):
                records[cur][name.strip()] = kind
        else:
            for cell in cells:
                if cell.split():  # an empty cell names no field
                    records[cur][cell.split()[0]] = "field"
    return records


def tokens(doc):
    """{record: words that name it or navigate to it in a rule's text}."""
    out = {r["name"]: {r["name"]} for r in doc["records"]}
    for rec in doc["records"]:
        for f in rec["fields"]:
            if "ref" in f and f["ref"] in out:
                out[f["ref"]].add(f.get("as", f["name"]))
                if f.get("reverse"):
                    out[rec["name"]].add(f["reverse"])
    return out


def navigations(doc):
    """{navigation name: records it leads to}: a reference's `as` name leads to its target, its
    reverse name to the record holding it."""
    out = {}
    for rec in doc["records"]:
        for f in rec["fields"]:
            if "ref" in f:
                out.setdefault(f.get("as", f["name"]), set()).add(f["ref"])
                if f.get("reverse"):
                    out.setdefault(f["reverse"], set()).add(rec["name"])
    return out


def bindings(text, navs):
    """{variable: records} of a reader's text: `for x in R`, `valid x in R`, and the variable of a
    macro over a navigation (`e.permits.exists(p, ...)`)."""
    out = {}
    for m in re.finditer(r"\b(?:for|valid|complete)\s+(\w+)\s+in\s+(\w+)", text):
        out.setdefault(m.group(1), set()).add(m.group(2))
    for m in re.finditer(r"\.(\w+)\.\w+\(\s*(\w+)\s*,", text):
        if m.group(1) in navs:
            out.setdefault(m.group(2), set()).update(navs[m.group(1)])
    return out


def reads_field(text, rec, field, navs, near):
    """Whether the text reads rec.field, for a field name several records share: through a
    variable bound to rec or a navigation to it; where the variable's record is unknown (a macro
    over a `let` list), when the text names the record or a navigation to it."""
    binds = bindings(text, navs)
    for m in re.finditer(r"(\w+)\s*\.\s*" + re.escape(field) + r"\b", text):
        owner = m.group(1)
        records = navs.get(owner) if owner in navs else binds.get(owner)
        if records is None and near.search(text):
            return True
        if records and rec in records:
            return True
    return False


def readers(ruleset):
    """[(reader name, text)]: each rule's body, each valid/complete declaration, the JSON plans."""
    out = []
    for path in sorted((ruleset / "rules").glob("*.rules")):
        for m in re.finditer(r"^rule\s+(\S+).*?^\}", path.read_text(encoding="utf-8"), re.S | re.M):
            out.append((f"`{m.group(1)}`", m.group(0)))
    for path in sorted((ruleset / "schema").glob("*.rules")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^(valid|complete)\s+\w+\s+in\s+(\w+).*?(?:\n\s*\n|\Z)", text, re.S | re.M):
            out.append((f"`{m.group(1)} {m.group(2)}` (schema/{path.name})", m.group(0)))
    for name in ("draw.json", "enforcement.json"):
        if (ruleset / name).exists():
            out.append((f"`{name}`", (ruleset / name).read_text(encoding="utf-8")))
    return out


def read_by(doc, ruleset):
    """{(record, field): ([reader names], guarded by has() in some reader)}."""
    owners = {}
    for rec in doc["records"]:
        for f in rec["fields"]:
            owners.setdefault(f["name"], []).append(rec["name"])
    toks, texts, navs, out = tokens(doc), readers(ruleset), navigations(doc), {}
    for rec in doc["records"]:
        near = re.compile(r"\b(" + "|".join(map(re.escape, sorted(toks[rec["name"]]))) + r")\b")
        for f in rec["fields"]:
            use = re.compile(r"\.\s*" + re.escape(f["name"]) + r"\b")
            guard = re.compile(r"has\(\s*\w+(\.\w+)*\." + re.escape(f["name"]) + r"\s*\)")
            names, guarded = [], False
            for name, text in texts:
                if use.search(text) and (len(owners[f["name"]]) == 1
                                         or reads_field(text, rec["name"], f["name"], navs, near)):
                    names.append(name)
                    guarded = guarded or bool(guard.search(text))
            out[(rec["name"], f["name"])] = (names, guarded)
    return out


def additions(doc, contract):
    """[(record, new record type?, [field json])] of the schema's fields DATA.md lacks."""
    out = []
    for rec in doc["records"]:
        known = contract.get(rec["name"])
        fields = [f for f in rec["fields"] if known is None or f["name"] not in known]
        if fields:
            out.append((rec["name"], known is None, fields))
    return out


def renamed(doc, contract):
    """Sorted `record.field` of DATA.md with no field or reverse navigation of that name."""
    names = {(r["name"], f["name"]) for r in doc["records"] for f in r["fields"]}
    names |= {(f["ref"], f["reverse"]) for r in doc["records"] for f in r["fields"] if f.get("reverse")}
    return sorted(f"{r}.{f}" for r, fs in contract.items() for f in fs if (r, f) not in names)


def listed(text):
    """({record: {field: row cells}}, [renamed record.field]) of a DATA-ADDITIONS.md text."""
    tables = {}
    for m in BLOCK.finditer(text):
        rows = tables.setdefault(m.group(1), {})
        for line in m.group(2).splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    ren = RENAMED.search(text)
    names = re.findall(r"^- `([a-z_0-9]+\.[a-z_0-9]+)`", ren.group(1), re.M) if ren else []
    return tables, names


def first_reading(f, reads):
    """The while-absent cell a new row starts with, to be checked against the rules by hand."""
    names, guarded = reads
    if not f["optional"]:
        return "required: a file without the column is rejected (I004)"
    if not names:
        return "no rule reads it"
    return "see rule (read under `has()`)" if guarded else "unknown"


def row(f, reads, old):
    names, _ = reads
    req = "key" if f.get("key") else ("optional" if f["optional"] else "required")
    typ = f["type"] + (f" → {f['ref']}" if "ref" in f else "")
    meaning = old[3] if old else f.get("description", "").replace("|", "/")
    absent = old[5] if old else first_reading(f, reads)
    return f"| `{f['name']}` | {typ} | {req} | {meaning} | {', '.join(names) or '—'} | {absent} |\n"


def write(doc, contract, ruleset, doc_path):
    text = doc_path.read_text(encoding="utf-8")
    tables, _ = listed(text)
    reads = read_by(doc, ruleset)
    for rec, new, fields in additions(doc, contract):
        body = HEADER + "".join(row(f, reads[(rec, f["name"])], tables.get(rec, {}).get(f["name"]))
                                for f in fields)
        block = f"<!-- additions:{rec} -->\n{body}<!-- /additions -->\n"
        if rec in tables:
            text = re.sub(rf"<!-- additions:{rec} -->\n.*?<!-- /additions -->\n", lambda _: block, text, flags=re.S)
        else:
            title = next(r.get("title", "") for r in doc["records"] if r["name"] == rec)
            kind = "new record type" if new else "fields"
            text += f"\n### {rec} — {title} ({kind})\n{block}"
    ren = "".join(f"- `{n}`\n" for n in renamed(doc, contract)) or "- (none)\n"
    text = RENAMED.sub(lambda _: f"<!-- renamed -->\n{ren}<!-- /renamed -->\n", text)
    doc_path.write_text(text, encoding="utf-8")


def check(doc, contract, doc_path):
    tables, ren = listed(doc_path.read_text(encoding="utf-8"))
    want = {(r, f["name"]) for r, _, fs in additions(doc, contract) for f in fs}
    have = {(r, f) for r, fs in tables.items() for f in fs}
    problems = [f"{r}.{f}: in the schema, in neither DATA.md nor {doc_path.name}" for r, f in sorted(want - have)]
    problems += [f"{r}.{f}: listed in {doc_path.name}, but the schema has no such field or DATA.md has it"
                 for r, f in sorted(have - want)]
    if sorted(ren) != renamed(doc, contract):
        problems.append(f"DATA.md fields the schema names differently: {doc_path.name} lists {sorted(ren)}, "
                        f"the schema and DATA.md give {renamed(doc, contract)}")
    for p in problems:
        print(p)
    print(f"{len(want)} additions to DATA.md in {len({r for r, _ in want})} record types; "
          f"{len(problems)} out of step with {doc_path.name}")
    return 1 if problems else 0


def run(args):
    ruleset = pathlib.Path(args.ruleset)
    data = pathlib.Path(args.data) if args.data else ruleset / "plan" / "DATA.md"
    doc_path = pathlib.Path(args.doc) if args.doc else ruleset / "DATA-ADDITIONS.md"
    doc, contract = schema(args.eco, ruleset), data_contract(data)
    if args.check:
        return check(doc, contract, doc_path)
    if args.write:
        write(doc, contract, ruleset, doc_path)
        return 0
    for rec, _, fields in additions(doc, contract):
        print("\n".join(f"{rec}.{f['name']}" for f in fields))
    return 0


def self_test(eco, ruleset):
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "ruleset"
        shutil.copytree(ruleset, copy)
        cmd = [sys.executable, __file__, "--eco", eco, str(copy), "--check"]
        fails = []
        if subprocess.run(cmd, capture_output=True, text=True).returncode != 0:
            fails.append("the unchanged copy does not pass --check")
        schema_file = copy / "schema" / "enterprise.rules"
        original = schema_file.read_text(encoding="utf-8")
        schema_file.write_text(original.replace("record enterprise \"企业\" role owner {\n",
                                                "record enterprise \"企业\" role owner {\n"
                                                "  zz_dummy_added?: bool \"dummy\"\n", 1), encoding="utf-8")
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 1 or "enterprise.zz_dummy_added: in the schema" not in out.stdout:
            fails.append(f"a field added to the schema is not reported:\n{out.stdout}{out.stderr}")
        schema_file.write_text(original, encoding="utf-8")
        adds = copy / "DATA-ADDITIONS.md"
        adds.write_text(adds.read_text(encoding="utf-8").replace(
            "<!-- /additions -->", "| `zz_gone` | bool | optional | x | — | x |\n<!-- /additions -->", 1),
            encoding="utf-8")
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 1 or ".zz_gone: listed in" not in out.stdout:
            fails.append(f"a listed field the schema does not have is not reported:\n{out.stdout}{out.stderr}")
    for f in fails:
        print(f)
    print("self-test: " + ("FAILED" if fails else "ok"))
    return 1 if fails else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "self-test":
        return self_test(sys.argv[2], sys.argv[3])
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--eco", required=True)
    p.add_argument("ruleset")
    p.add_argument("--data")
    p.add_argument("--doc")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    return run(p.parse_args())


if __name__ == "__main__":
    sys.exit(main())
