#!/usr/bin/env python3
"""Whether a workbook's Findings sheet holds, row by row, the findings of the JSON document of
the same run, in the same order (columns 规则 and 对象编号 against rule and subject key).
Prints the counts and the verdict; exit 1 when they differ.
Usage: xlsx_vs_json.py WORKBOOK DOCUMENT"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
z = zipfile.ZipFile(sys.argv[1])
shared = ["".join(t.text or "" for t in si.iter(M + "t"))
          for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(M + "si")]
names = [s.get("name") for s in ET.fromstring(z.read("xl/workbook.xml")).iter(M + "sheet")]
sheet = ET.fromstring(z.read(f"xl/worksheets/sheet{names.index('Findings') + 1}.xml"))
rows = []
for row in sheet.iter(M + "row"):
    cells = {}
    for c in row.findall(M + "c"):
        v = c.find(M + "v")
        cells[re.match(r"[A-Z]+", c.get("r")).group(0)] = (
            None if v is None else shared[int(v.text)] if c.get("t") == "s" else v.text)
    rows.append(cells)
col = {name: c for c, name in rows[0].items()}
got = [(r.get(col["规则"]), r.get(col["对象编号"])) for r in rows[1:]]
want = [(f["rule"], f["subject"]["key"]) for f in json.load(open(sys.argv[2], encoding="utf-8"))["findings"]]
print(f"{len(got)} rows in the Findings sheet, {len(want)} findings in the document")
print("same findings in the same order" if got == want else "DIFFERENT findings or order")
sys.exit(0 if got == want and got else 1)
