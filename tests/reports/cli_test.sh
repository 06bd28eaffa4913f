#!/usr/bin/env bash
# The report options of sweep and audit on the demo data (--format list into --out DIR, one
# format to a file or standard output, the errors), the XLSX workbook read back (sheets,
# headers, frozen rows, filters, real dates, neutralised formulas), and the hand-made hostile
# reports of report_fixture.
# Usage: cli_test.sh ECOAUDIT REPORT_FIXTURE SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 fixture=$2 src=$3 work=$4
rs=$src/rulesets/jinzhong
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli_checks.sh"
db=$work/store.db
ent=91140781MA0011XR6C
run 0 init "$eco" init --db "$db" --ruleset "$rs"
run 0 "import demo" "$eco" import --db "$db" --ruleset "$rs" "$rs/demo"

# Several formats into a folder, named after the report.
run 0 "sweep all formats" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format html,json,csv,xlsx,text --out "$work/all"
[[ $(cd "$work/all" && ls | tr '\n' ' ') == "sweep.csv sweep.html sweep.json sweep.txt sweep.xlsx " ]] || fail "sweep files: $(ls "$work/all")"
[[ -z $out ]] || fail "nothing on stdout when writing into a folder: $out"
run 0 "audit all formats" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format html,csv,xlsx,json --out "$work/all"
for f in html csv xlsx json; do [[ -s $work/all/audit-$ent.$f ]] || fail "audit-$ent.$f missing"; done
# The text file is the terminal summary without colour; the same as on standard output.
run 0 "sweep text stdout" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record
grep -q $'\033' "$work/all/sweep.txt" && fail "colour in a text file"
grep -q $'\033' <<<"$out" && fail "colour on a pipe"
diff <(sed 1,2d "$work/all/sweep.txt" | sed 's/  \[new\]$//') <(sed 1d <<<"$out") >/dev/null || fail "sweep.txt differs from the text on stdout"
# One format: to a file, to standard output, or into an existing folder.
run 0 "one format to a file" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format csv --out "$work/a.csv"
cmp -s "$work/a.csv" "$work/all/audit-$ent.csv" || fail "--out FILE differs from the file in the folder"
run 0 "html to stdout" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format html
grep -q '<section id="checklist">' <<<"$out" || fail "html on stdout"
mkdir -p "$work/dir"
run 0 "one format into a folder" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format html --out "$work/dir"
[[ -s $work/dir/audit-$ent.html ]] || fail "one format into an existing folder"
# Errors exit 2.
run 2 "xlsx to stdout" "$eco" sweep --db "$db" --ruleset "$rs" --no-record --format xlsx
grep -q 'xlsx is written to a file' "$work/stderr" || fail "xlsx to stdout message"
run 2 "several formats to stdout" "$eco" sweep --db "$db" --ruleset "$rs" --no-record --format html,csv
grep -q 'need --out DIR' "$work/stderr" || fail "several formats message"
run 2 "unknown format" "$eco" sweep --db "$db" --ruleset "$rs" --no-record --format html,pdf
grep -q "got 'pdf'" "$work/stderr" || fail "unknown format message"
run 2 "unknown group-by" "$eco" sweep --db "$db" --ruleset "$rs" --no-record --format html --group-by nonesuch --out "$work/x.html"
grep -q "no field 'nonesuch'" "$work/stderr" || fail "group-by message"

# The dashboard: default group-by = the owner's required enum fields (county, industry, status
# on Jinzhong), then requirement area and severity; --group-by picks the fields.
grep -c '<figure class="chart" id="chart' "$work/all/sweep.html" | grep -qx 5 || fail "default charts: $(grep -c '<figure class="chart"' "$work/all/sweep.html")"
run 0 "group-by county" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format html --group-by county --out "$work/g.html"
grep -c '<figure class="chart" id="chart' "$work/g.html" | grep -qx 3 || fail "--group-by county charts"
grep -q '按 所在区县' "$work/g.html" || fail "county chart title"
# A second recorded sweep: the trend has two points per line.
run 0 "second sweep" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format html --out "$work/s2.html"
python3 - "$work/s2.html" <<'PY' || fail "trend of two sweeps"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
lines = re.findall(r'<polyline class="(\w+)" points="([^"]*)"', h)
assert [c for c, _ in lines] == ["violation", "unknown"], lines
assert all(len(p.split()) == 2 for _, p in lines), lines
PY

# XLSX read back: sheets, headers, frozen header row, autofilter, dates, a few cells.
python3 - "$work/all/audit-$ent.xlsx" "$work/all/audit-$ent.json" "$ent" <<'PY' || fail "audit workbook"
import datetime, json, re, sys, zipfile
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(sys.argv[1])
wb = ET.fromstring(z.read("xl/workbook.xml"))
names = [s.get("name") for s in wb.find("m:sheets", ns)]
assert names == ["Summary", "Findings", "On-site checklist", "Upcoming deadlines"], names
shared = [ "".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
styles = ET.fromstring(z.read("xl/styles.xml"))
numfmts = {nf.get("numFmtId"): nf.get("formatCode") for nf in styles.iter("{%s}numFmt" % ns["m"])}
xfs = styles.find("m:cellXfs", ns).findall("m:xf", ns)
def sheet(i):
    root = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % i))
    rows = []
    for row in root.iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            v = c.find("m:v", ns)
            val = None if v is None else (shared[int(v.text)] if c.get("t") == "s" else v.text)
            cells[col] = (val, c.get("s"))
        rows.append(cells)
    return root, rows
for i in range(1, 5):
    root, rows = sheet(i)
    pane = root.find(".//m:pane", ns)
    assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1", (i, pane and pane.attrib)
    assert root.find("m:autoFilter", ns) is not None, i
    assert root.find("m:cols", ns) is not None, i
    assert root.find(".//m:f", ns) is None, "a formula in sheet %d" % i
root, rows = sheet(2)
header = [rows[0][c][0] for c in sorted(rows[0], key=lambda c: (len(c), c))]
assert header[:4] == ["企业代码", "企业名称", "规则", "规则名称"], header
col = {h: c for c, h in zip(sorted(rows[0], key=lambda c: (len(c), c)), header)}
findings = [r for r in rows[1:]]
doc = json.load(open(sys.argv[2]))
assert len(findings) == len(doc["findings"]) > 0, (len(findings), len(doc["findings"]))
# Row by row the same findings as the JSON document, in the same order.
assert [(r[col["规则"]][0], r[col["对象编号"]][0]) for r in findings] == \
       [(f["rule"], f["subject"]["key"]) for f in doc["findings"]]
assert all(r[col["企业代码"]][0] == sys.argv[3] for r in findings)
late = [r for r in findings if r.get(col["对象编号"], (None,))[0] == "F0000002"][0]
assert late[col["结论"]][0] == "逾期完成", late
serial, style = late[col["期限"]]
assert datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(serial))) == datetime.date(2022, 10, 31), serial
fmt = xfs[int(style)].get("numFmtId")
assert numfmts.get(fmt) == "yyyy-mm-dd", (fmt, numfmts)
assert late[col["逾期天数"]][0] == "1", late
root, rows = sheet(3)
assert [rows[0][c][0] for c in "ABCD"] == ["企业代码", "企业名称", "对象", "补录字段"], rows[0]
assert any(r.get("D", (None,))[0] == "facility.ule_status" and r["E"][0] for r in rows[1:]), rows
root, rows = sheet(4)
assert rows[1]["G"][0] is not None and rows[1]["G"][1] is not None, rows[1]
root, rows = sheet(1)
assert rows[0]["A"][0] == "项目", rows[0]
PY

# The hostile fixture: escaped HTML, neutralised CSV and XLSX cells, no formula anywhere.
mkdir -p "$work/fixture"
run 0 "report_fixture" "$fixture" "$work/fixture"
grep -q '<script' "$work/fixture/hostile-audit.html" && fail "raw <script> in the hostile audit"
grep -q ",'=1+2,'+SUM(A1)," "$work/fixture/hostile-audit.csv" || fail "hostile csv not neutralised"
python3 - "$work/fixture/hostile-audit.xlsx" <<'PY' || fail "hostile workbook"
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
shared = ["".join(t.text or "" for t in si.iter(m + "t")) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(m + "si")]
assert "'=1+2" in shared and "'+SUM(A1)" in shared, shared
assert not any(s[:1] in "=+-@" for s in shared if s), [s for s in shared if s[:1] in "=+-@"]
for n in z.namelist():
    if n.startswith("xl/worksheets/"):
        assert b"<f>" not in z.read(n) and b"<f " not in z.read(n), n
PY
echo "$fails failures"
[[ $fails -eq 0 ]]
