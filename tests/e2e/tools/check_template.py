#!/usr/bin/env python3
"""Reads an `ecoaudit template` workbook back with zipfile and checks it against the schema
(`ecoaudit schema --format json`): the sheets and their order, the header cells (Chinese name,
* on required fields, the field name on the last line), the drop-down lists of enum labels and
是/否, the date format and validation of date columns, the text format of text columns, the
header comments, the frozen header row and the guide sheet.
Usage: check_template.py WORKBOOK SCHEMA_JSON [RECORD,RECORD...]"""
import json
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
ns = {"m": M}

z = zipfile.ZipFile(sys.argv[1])
schema = json.load(open(sys.argv[2], encoding="utf-8"))
records = {r["name"]: r for r in schema["records"]}
enums = {e["name"]: e for e in schema["enums"]}
wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else [r["name"] for r in schema["records"]]


def rels(part):
    d, f = posixpath.split(part)
    root = ET.fromstring(z.read(posixpath.join(d, "_rels", f + ".rels")))
    return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], posixpath.normpath(posixpath.join(d, r.get("Target"))))
            for r in root.iter("{%s}Relationship" % PR)}


def text(el):
    return "".join(t.text or "" for t in el.iter("{%s}t" % M))


shared = [text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
styles = ET.fromstring(z.read("xl/styles.xml"))
numfmts = {nf.get("numFmtId"): nf.get("formatCode") for nf in styles.iter("{%s}numFmt" % M)}
xfs = styles.find("m:cellXfs", ns).findall("m:xf", ns)


def numfmt(style):
    return numfmts.get(xfs[int(style or 0)].get("numFmtId"))


wb = ET.fromstring(z.read("xl/workbook.xml"))
wb_rels = rels("xl/workbook.xml")
sheets = [(s.get("name"), s.get("state"), wb_rels[s.get("{%s}id" % R)][1]) for s in wb.find("m:sheets", ns)]
names = [s[0] for s in sheets]
assert names == ["填写说明"] + wanted + ["选项"], names
assert [s[1] for s in sheets] == [None] * (len(wanted) + 1) + ["hidden"], sheets


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letters(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def cells(part):
    root = ET.fromstring(z.read(part))
    out = {}
    for c in root.iter("{%s}c" % M):
        m = re.match(r"([A-Z]+)(\d+)", c.get("r"))
        v = c.find("m:v", ns)
        val = None if v is None else (shared[int(v.text)] if c.get("t") == "s" else v.text)
        out[(int(m.group(2)) - 1, col_index(m.group(1)))] = val
    return root, out


lists_root, lists = cells(sheets[-1][2])


def resolve(formula):
    """The labels a list validation offers: an inline list or a range of the list sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    m = re.fullmatch(r"'选项'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m and m.group(1) == m.group(3), formula
    c = col_index(m.group(1))
    return [lists.get((r, c)) for r in range(int(m.group(2)) - 1, int(m.group(4)))]


def covers_column(sqref, col):
    # One column from row 2 to Excel's last row.
    letters = re.sub(r"\d", "", sqref.split(":")[0])
    return sqref == "%s2:%s1048576" % (letters, letters) and col_index(letters) == col


used_enums = set()
for (name, _, part) in sheets[1:-1]:
    rec = records[name]
    root, cs = cells(part)
    fields = rec["fields"]
    assert not any(r > 0 for (r, _) in cs), (name, "data rows in a template")
    for i, f in enumerate(fields):
        h = cs.get((0, i))
        assert h is not None, (name, i)
        lines = h.split("\n")
        assert lines[-1] == f["name"], (name, h)
        assert (" *" in lines[0] or lines[0] == "*") == (not f["optional"]), (name, h)
        if f["description"] and len(lines) > 1:
            assert f["description"].startswith(lines[0].rstrip(" *")), (name, h, f["description"])
    assert (0, len(fields)) not in cs, (name, "extra header cell")
    pane = root.find(".//m:pane", ns)
    assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1", name

    # Column formats: dates yyyy-mm-dd, text and enums "@".
    colfmt = {}
    for c in root.find("m:cols", ns).findall("m:col", ns):
        for k in range(int(c.get("min")) - 1, int(c.get("max"))):
            colfmt[k] = numfmt(c.get("style"))
    # Validations by column.
    vals = {}
    for dv in root.iter("{%s}dataValidation" % M):
        sq = dv.get("sqref")
        letters = re.sub(r"\d", "", sq.split(":")[0])
        assert covers_column(sq, col_index(letters)), (name, sq)
        assert col_index(letters) not in vals, (name, sq)
        f1 = dv.find("m:formula1", ns)
        vals[col_index(letters)] = (dv.get("type"), dv.get("operator"), f1.text if f1 is not None else None,
                                    dv.get("showErrorMessage"), dv.get("errorStyle"))
    for i, f in enumerate(fields):
        t = f["type"]
        v = vals.get(i)
        if t.startswith("enum "):
            e = enums[t[5:]]
            used_enums.add(e["name"])
            assert v and v[0] == "list" and v[3] == "1", (name, f["name"], v)
            assert resolve(v[2]) == [x["label"] or x["value"] for x in e["values"]], (name, f["name"], v)
            assert colfmt.get(i) == "@", (name, f["name"], colfmt.get(i))
        elif t == "bool":
            assert v and v[0] == "list" and resolve(v[2]) == ["是", "否"], (name, f["name"], v)
        elif t == "date":
            assert v and v[0] == "date" and v[1] == "greaterThanOrEqual" and v[2] == "1", (name, f["name"], v)
            assert colfmt.get(i) == "yyyy-mm-dd", (name, f["name"], colfmt.get(i))
        elif t in ("int", "uint"):
            assert v and v[0] == "whole", (name, f["name"], v)
        else:
            assert v is None, (name, f["name"], v)
            if t == "string":
                assert colfmt.get(i) == "@", (name, f["name"], colfmt.get(i))
    assert len(vals) == sum(1 for f in fields if f["type"].startswith("enum ") or f["type"] in ("bool", "date", "int", "uint")), name

    # A comment on every header cell, holding the description, the field name and the type.
    comments = [t for (kind, t) in rels(part).values() if kind == "comments"]
    assert len(comments) == 1, (name, comments)
    croot = ET.fromstring(z.read(comments[0]))
    by_cell = {c.get("ref"): text(c.find("m:text", ns)) for c in croot.iter("{%s}comment" % M)}
    assert len(by_cell) == len(fields), (name, len(by_cell))
    for i, f in enumerate(fields):
        c = by_cell.get(col_letters(i) + "1")
        assert c is not None, (name, f["name"])
        assert c.startswith(f["description"] or f["name"]), (name, c)
        assert "字段 field: %s\n" % f["name"] in c, (name, c)
        assert ("必填 (required)" in c) == (not f["optional"]), (name, c)
        if f.get("verify"):
            assert f["verify"] in c, (name, c)
        if f.get("ref"):
            assert "引用 reference: %s." % f["ref"] in c, (name, c)

# The list sheet: one column per enum used, its name in row 1.
heads = {v for (r, _), v in lists.items() if r == 0}
assert heads == used_enums, (heads, used_enums)

# The guide: Chinese then English, and a row per record sheet.
_, guide = cells(sheets[0][2])
col_a = [guide[k] for k in sorted(guide) if k[1] == 0]
assert col_a[0].startswith("数据填报模板"), col_a[0]
assert col_a.index("填写说明") < col_a.index("How to fill in"), col_a
listed = col_a[col_a.index("工作表 sheet") + 1:]
assert listed == wanted, listed
print("ok: %d record sheet(s), %d enum list(s)" % (len(wanted), len(used_enums)))
