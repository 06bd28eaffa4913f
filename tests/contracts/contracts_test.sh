#!/usr/bin/env bash
# End to end on a ruleset whose owner, screened and waiver records have other names than the
# Jinzhong schema's (tests/contracts/ruleset: firm, request, exemption): the engine knows them
# by their declared roles only. Import with the schema's validators, two recorded sweeps (a
# change between them), an audit of one owner, a screening, a waiver applied then expired, and
# every report format (reports::formats(), as `sweep --help` lists them).
# Usage: contracts_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
here=$src/tests/contracts rs=$here/ruleset
rm -rf "$work" && mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# run WANT_RC WHAT COMMAND...: stdout in $out, stderr in $work/stderr; fails unless it exits WANT_RC.
run() {
  local want=$1 what=$2; shift 2
  out=$("$@" 2>"$work/stderr"); rc=$?
  [[ $rc -eq $want ]] || { fail "$what: exit $rc, want $want"; echo "$out"; cat "$work/stderr"; }
}
db=$work/store.db
F1=91140700MA0CTR0012 F2=91140700MA0CTR0025 F3=91140700MA0CTR0038

run 0 "check" "$eco" check "$rs"
run 0 "rule tests" "$eco" test "$rs"
grep -q '9 passed, 0 failed\|passed, 0 failed' <<<"$out" || fail "rule tests: $out"
run 0 init "$eco" init --db "$db" --ruleset "$rs"

# The validators are the schema's (`validate uscc`, `validate hw_category`).
run 1 "import a firm whose code has a wrong check character" "$eco" import --db "$db" --ruleset "$rs" "$here/bad_uscc"
grep -q "error\[I006\]: firm.code: '91140700MA0CTR0013' is not a valid 统一社会信用代码" "$work/stderr" || fail "uscc validator: $(cat "$work/stderr")"
run 0 "import data1" "$eco" import --db "$db" --ruleset "$rs" "$here/data1"
run 1 "import a lot of a category not on the national list" "$eco" import --db "$db" --ruleset "$rs" "$here/bad_category"
grep -q "error\[I006\]: residue_lot.category: 'HW42' is not a hazardous-waste category" "$work/stderr" || fail "hw_category validator: $(cat "$work/stderr")"

# Sweep 1 (2024-12-31): the owner is reached from a yard (one reference) and from a lot (two);
# the exemption waives Y-3.
sweep() { "$eco" sweep --db "$db" --ruleset "$rs" "$@"; }
run 0 "sweep 1" sweep --as-of 2024-12-31 --format json --out "$work/sweep1.json"
# Sweep 2 (2025-06-30) after data2: Y-2 corrected (resolved), a new lot (new), the exemption expired.
run 0 "import data2" "$eco" import --db "$db" --ruleset "$rs" "$here/data2"
run 0 "sweep 2" sweep --as-of 2025-06-30 --format json --out "$work/sweep2.json"
python3 - "$work/sweep1.json" "$work/sweep2.json" "$F1" "$F2" "$F3" <<'PY' || fail "sweeps"
import json, sys
s1, s2 = (json.load(open(p)) for p in sys.argv[1:3])
F1, F2, F3 = sys.argv[3:6]
def table(s):
    return {(f["rule"], f["subject"]["key"]): (f["verdict"], f["enterprise_id"], f["change"]) for f in s["findings"]}
t1 = table(s1)
assert t1 == {
    ("cx.cover", "Y-1"): ("late", F1, "new"),
    ("cx.cover", "Y-2"): ("violation", F1, "new"),
    ("cx.cover", "Y-3"): ("waived", F2, "new"),
    ("cx.lot-age", "L-1"): ("violation", F1, "new"),
}, t1
w = [f for f in s1["findings"] if f["verdict"] == "waived"][0]["waiver"]
assert (w["id"], w["legal_basis"], w["approver"], w["valid_until"], w["expired"]) == (
    "EX-1", "市政府专题会议纪要〔2024〕3号", "晋中市生态环境局", "2025-03-31", False), w
t2 = table(s2)
assert t2 == {
    ("cx.cover", "Y-1"): ("late", F1, "persisting"),
    ("cx.cover", "Y-3"): ("violation", F2, "persisting"),
    ("cx.lot-age", "L-1"): ("violation", F1, "persisting"),
    ("cx.lot-age", "L-2"): ("violation", F3, "new"),
}, t2
w = [f for f in s2["findings"] if f["subject"]["key"] == "Y-3"][0]["waiver"]
assert w["id"] == "EX-1" and w["expired"] is True, w
assert [(r["rule"], r["subject"]["key"], r["enterprise_id"]) for r in s2["resolved"]] == [("cx.cover", "Y-2", F1)], s2["resolved"]
assert s2["run"]["previous_sweep_id"] == s1["run"]["sweep_id"]
PY

# An audit of one owner: its findings only, its card named by its `role name` field.
run 0 "audit" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2025-06-30 --enterprise "$F1" --format json --out "$work/audit.json"
python3 - "$work/audit.json" "$F1" <<'PY' || fail "audit"
import json, sys
a = json.load(open(sys.argv[1]))
assert sorted((f["rule"], f["subject"]["key"]) for f in a["findings"]) == [("cx.cover", "Y-1"), ("cx.lot-age", "L-1")], a["findings"]
assert {f["enterprise_id"] for f in a["findings"]} == {sys.argv[2]}
PY
run 2 "audit of a firm not in the store" "$eco" audit --db "$db" --ruleset "$rs" --enterprise 91140700MA0CTR9999 --as-of 2025-06-30
grep -q "no firm with id '91140700MA0CTR9999' in the store" "$work/stderr" || fail "audit unknown: $(cat "$work/stderr")"

# A screening of `request` records: reject (smelting), conditional (added capacity unknown:
# the document to request), approve.
run 1 "screen" "$eco" screen --db "$db" --ruleset "$rs" --as-of 2025-06-30 "$here/docs/requests.json" --format json --out "$work/screen.json"
python3 - "$work/screen.json" "$F2" <<'PY' || fail "screen"
import json, sys
d = json.load(open(sys.argv[1]))
dec = {x["application_id"]: x for x in d["decisions"]}
assert {k: (v["decision"], v["project_name"]) for k, v in dec.items()} == {
    "R-SMELT": ("reject", "新建冶炼项目"), "R-DOCS": ("conditional", "印刷扩建项目"), "R-OK": ("approve", "小型印刷项目")}, dec
assert [(x["field"], x["rules"]) for x in dec["R-DOCS"]["documents"]] == [("request.added_t", ["cx.added-capacity"])], dec["R-DOCS"]
f = d["findings"]
assert [f[i]["rule"] for i in dec["R-SMELT"]["reasons"]] == ["cx.no-smelting"]
assert {x["application_id"] for x in f} == {"R-SMELT", "R-DOCS"}, [x["application_id"] for x in f]
PY

# Every report format, for a sweep, an audit and a screening.
formats=$("$eco" sweep --help | sed -n 's/.*--format TEXT *\(.*\); several.*/\1/p' | sed 's/ (default)//; s/ or /, /; s/, /,/g')
[[ $(tr , '\n' <<<"$formats" | sort | tr '\n' ' ') == "csv html json text xlsx " ]] || fail "the formats sweep --help lists: '$formats'"
run 0 "sweep, every format" sweep --as-of 2025-06-30 --no-record --format "$formats" --out "$work/all-sweep"
run 0 "audit, every format" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2025-06-30 --enterprise "$F1" --format "$formats" --out "$work/all-audit"
run 1 "screen, every format" "$eco" screen --db "$db" --ruleset "$rs" --as-of 2025-06-30 "$here/docs/requests.json" --format "$formats" --out "$work/all-screen"
for dir in all-sweep all-audit all-screen; do
  n=$(find "$work/$dir" -type f -size +0 | wc -l)
  [[ $n -eq 5 ]] || fail "$dir: $n non-empty report files, want 5: $(ls "$work/$dir")"
done
grep -q '甲冶炼厂' "$work"/all-sweep/*.html || fail "sweep html names the firm by its role name field"
grep -q '甲冶炼厂' "$work"/all-audit/*.html || fail "audit html names the firm"
grep -q "$F1" "$work"/all-sweep/*.csv || fail "sweep csv has the owner's key"
grep -q 'R-SMELT' "$work"/all-screen/*.txt || fail "screen text names the request"
python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).testzip()" "$work"/all-sweep/*.xlsx || fail "sweep xlsx"

# A ruleset that declares no roles still works: no waivers, each finding owned by its subject,
# no screening (a clear error), imports without validators.
bare=$work/bare
mkdir -p "$bare"
sed -e 's/ role [a-z_]*//g' -e 's/ validate [a-z_]*//g' "$rs/ruleset.rules" | grep -v 'expect waived' >"$bare/ruleset.rules"
cp "$rs/requirements.txt" "$bare/"
run 0 "bare check" "$eco" check "$bare"
run 0 "bare init" "$eco" init --db "$work/bare.db" --ruleset "$bare"
run 0 "bare import (no validators: a wrong check character is imported)" "$eco" import --db "$work/bare.db" --ruleset "$bare" "$here/data1" "$here/bad_uscc"
run 0 "bare sweep" "$eco" sweep --db "$work/bare.db" --ruleset "$bare" --as-of 2024-12-31 --format json --out "$work/bare.json"
python3 - "$work/bare.json" <<'PY' || fail "bare sweep"
import json, sys
s = json.load(open(sys.argv[1]))
t = {(f["rule"], f["subject"]["key"]): (f["verdict"], f["enterprise_id"], f["waiver"]) for f in s["findings"]}
assert t[("cx.cover", "Y-3")] == ("violation", "Y-3", None), t  # no waivers; the owner is the subject
assert t[("cx.lot-age", "L-1")] == ("violation", "L-1", None), t
PY
run 2 "bare screen" "$eco" screen --db "$work/bare.db" --ruleset "$bare" "$here/docs/requests.json"
grep -q 'declares no record to screen' "$work/stderr" || fail "bare screen message: $(cat "$work/stderr")"
run 2 "bare audit" "$eco" audit --db "$work/bare.db" --ruleset "$bare" --enterprise "$F1"
grep -q 'declares no owner record' "$work/stderr" || fail "bare audit message: $(cat "$work/stderr")"

[[ $fails -eq 0 ]] && echo "contracts.e2e: all checks passed"
exit $((fails > 0))
