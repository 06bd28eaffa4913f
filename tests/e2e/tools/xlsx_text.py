#!/usr/bin/env python3
"""An XLSX workbook as text, for golden files (the zip itself carries times and is not
comparable): the sheets in order with their state, each sheet's frozen pane, autofilter,
column widths, data validations, merged cells and cells (reference, type, number format,
value, formula), the comments, the defined names. Read with zipfile, as a consumer would.
Usage: xlsx_text.py WORKBOOK   (prints the dump)"""
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
ns = {"m": M}
# The built-in number formats a workbook may use without declaring them.
BUILTIN = {"0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%",
           "14": "m/d/yyyy", "22": "m/d/yyyy h:mm", "49": "@"}


def text(el):
    return "".join(t.text or "" for t in el.iter("{%s}t" % M))


def rels(z, part):
    d, f = posixpath.split(part)
    name = posixpath.join(d, "_rels", f + ".rels")
    if name not in z.namelist():
        return {}
    root = ET.fromstring(z.read(name))
    return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], posixpath.normpath(posixpath.join(d, r.get("Target"))))
            for r in root.iter("{%s}Relationship" % PR)}


def dump(path):
    z = zipfile.ZipFile(path)
    out = []
    bad = z.testzip()
    if bad:
        out.append(f"corrupt member: {bad}")
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = [text(si) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    styles = ET.fromstring(z.read("xl/styles.xml"))
    numfmts = dict(BUILTIN)
    numfmts.update({nf.get("numFmtId"): nf.get("formatCode") for nf in styles.iter("{%s}numFmt" % M)})
    xfs = styles.find("m:cellXfs", ns).findall("m:xf", ns)

    def fmt(style):
        nf = xfs[int(style or 0)].get("numFmtId", "0")
        return numfmts.get(nf, "fmt" + nf)

    wb = ET.fromstring(z.read("xl/workbook.xml"))
    wb_rels = rels(z, "xl/workbook.xml")
    for dn in wb.iter("{%s}definedName" % M):
        out.append(f"defined name {dn.get('name')}{' (sheet ' + dn.get('localSheetId') + ')' if dn.get('localSheetId') else ''}: {dn.text}")
    for s in wb.find("m:sheets", ns):
        part = wb_rels[s.get("{%s}id" % R)][1]
        out.append(f"== sheet {s.get('name')}{' (' + s.get('state') + ')' if s.get('state') else ''}")
        root = ET.fromstring(z.read(part))
        pane = root.find(".//m:pane", ns)
        if pane is not None:
            out.append("pane " + " ".join(f"{k}={v}" for k, v in sorted(pane.attrib.items())))
        af = root.find("m:autoFilter", ns)
        if af is not None:
            out.append(f"autofilter {af.get('ref')}")
        cols = root.find("m:cols", ns)
        if cols is not None:
            out.append("cols " + " ".join(f"{c.get('min')}-{c.get('max')}:{c.get('width')}" for c in cols))
        for mc in root.iter("{%s}mergeCell" % M):
            out.append(f"merged {mc.get('ref')}")
        for dv in root.iter("{%s}dataValidation" % M):
            attrs = " ".join(f"{k}={v}" for k, v in sorted(dv.attrib.items()) if k != "sqref")
            formulas = " ".join(f"{f.tag.split('}')[1]}={f.text}" for f in dv if f.tag.endswith(("formula1", "formula2")))
            out.append(f"validation {dv.get('sqref')}: {attrs} {formulas}".rstrip())
        for row in root.iter("{%s}row" % M):
            for c in row.findall("m:c", ns):
                t, f, v = c.get("t", "n"), c.find("m:f", ns), c.find("m:v", ns)
                if t == "s" and v is not None:
                    val = repr(shared[int(v.text)])
                elif t == "inlineStr":
                    val = repr(text(c))
                else:
                    val = "" if v is None else v.text
                line = f"{c.get('r')} {t} [{fmt(c.get('s'))}] {val}"
                if f is not None:
                    line += f"  FORMULA {f.text}"
                out.append(line)
        for rid, (kind, target) in sorted(rels(z, part).items()):
            if kind == "comments":
                for cm in ET.fromstring(z.read(target)).iter("{%s}comment" % M):
                    out.append(f"comment {cm.get('ref')}: {text(cm)!r}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dump(sys.argv[1]))
