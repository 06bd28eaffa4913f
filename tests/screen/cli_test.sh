#!/usr/bin/env bash
# End-to-end runs of `ecoaudit screen` over the fixture ruleset next to this file: one decision
# per application (reject / conditional / approve), the reasons, documents to request and
# conditions, references resolved into the store, nothing stored without --record, exit codes.
# Usage: cli_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
here=$src/tests/screen rs=$here/ruleset apps=$here/apps
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli_checks.sh"
db=$work/store.db
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM ' + sys.argv[2]).fetchone()[0])" "$db" "$1"; }
screen() { "$eco" screen --db "$db" --ruleset "$rs" --as-of 2024-06-01 "$@"; }

run 0 "rule tests of the fixture" "$eco" test "$rs"
run 0 init "$eco" init --db "$db" --ruleset "$rs"
run 0 "import the store" "$eco" import --db "$db" --ruleset "$rs" "$here/store"

# Five applications: a prohibition (reject), a missing value (conditional, a document to
# request), a compliant one (approve), one whose replacement exceeds its source's capacity
# held in the store (reject: the rule follows the reference into the store), and one whose
# source the store does not hold (an unchecked reference: imported, read as missing, so
# conditional with the source as the document to request).
run 1 "screen mixed.json" screen "$apps/mixed.json"
grep -qx 'screening of 5 applications (screenfix) as of 2024-06-01: reject=2 conditional=2 approve=1' <<<"$out" || fail "summary: $out"
grep -qx 'A-REJECT 保护区炼钢项目: 不予批准 (reject)' <<<"$out" || fail "A-REJECT decision"
grep -qx '    critical scr.zone-ban 保护区炼钢项目 位于保护区内, 禁止建设' <<<"$out" || fail "A-REJECT reason"
grep -qx '             规划 三(一)1 “禁止新建、改建、扩建焦化、钢铁项目”' <<<"$out" || fail "A-REJECT citation"
grep -qx 'A-DOCS 置换待补材料项目: 有条件 / 待补充 (conditional)' <<<"$out" || fail "A-DOCS decision"
grep -qx '    application.replaced_capacity_t 产能置换退出产能 (t/a) (用于 scr.replacement)' <<<"$out" || fail "A-DOCS document"
grep -qx 'A-OK 合规置换项目: 可予批准 (approve)' <<<"$out" || fail "A-OK decision"
grep -qx 'A-SMALL 超出产能的置换: 不予批准 (reject)' <<<"$out" || fail "A-SMALL decision (store capacity)"
grep -A2 -x 'A-ELSEWHERE 来源不在库中: 有条件 / 待补充 (conditional)' <<<"$out" | grep -qx '    application.source_id 置换产能来源企业 (可不在库中) (用于 scr.replacement)' \
  || fail "A-ELSEWHERE: an unresolved unchecked reference must ask for the source"
[[ $(count application) == 0 && $(count application_zone) == 0 ]] || fail "screening without --record stored applications"
[[ $(count _batch) == 1 ]] || fail "screening without --record recorded a batch"

# English.
run 1 "screen --lang en" screen "$apps/mixed.json" --lang en
grep -qx 'A-REJECT 保护区炼钢项目: REJECT' <<<"$out" || fail "english decision"
grep -qx '  documents to request:' <<<"$out" || fail "english documents heading"

# JSON: decisions refer to findings by index; every finding names its application.
run 1 "screen json" screen "$apps/mixed.json" --format json --out "$work/s.json"
python3 - "$work/s.json" "$src/reports/json/findings.schema.json" <<'PY' || fail "screen JSON"
import json, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert list(d) == s["required"], list(d)
assert d["run"]["command"] == "screen"
dec = {x["application_id"]: x for x in d["decisions"]}
assert [x["application_id"] for x in d["decisions"]] == ["A-REJECT", "A-DOCS", "A-OK", "A-SMALL", "A-ELSEWHERE"]
want = s["properties"]["decisions"]["items"]["required"]
for x in d["decisions"]:
    assert list(x) == want, list(x)
assert {k: v["decision"] for k, v in dec.items()} == {"A-REJECT": "reject", "A-DOCS": "conditional", "A-OK": "approve", "A-SMALL": "reject", "A-ELSEWHERE": "conditional"}
f = d["findings"]
assert [f[i]["rule"] for i in dec["A-REJECT"]["reasons"]] == ["scr.zone-ban"]
assert [f[i]["rule"] for i in dec["A-SMALL"]["reasons"]] == ["scr.replacement"]
assert [(x["field"], x["description"], x["rules"]) for x in dec["A-DOCS"]["documents"]] == [
    ("application.replaced_capacity_t", "产能置换退出产能 (t/a)", ["scr.replacement"]),
    ("application.coal_power", "是否为煤电项目", ["scr.coal-power-review"])], dec["A-DOCS"]["documents"]
assert all(f[i]["verdict"] == "unknown" for i in dec["A-DOCS"]["unknowns"])
assert dec["A-OK"]["reasons"] == dec["A-OK"]["unknowns"] == dec["A-OK"]["conditions"] == []
assert all(x["application_id"] in dec for x in f), [x["application_id"] for x in f]
PY

# Golden outputs (tests/screen/golden; regenerate with tests/screen/update_goldens.sh): the
# JSON document minus its timestamp, and the text in both languages. File paths are made
# relative to the source folder.
golden() {  # name command...
  local name=$1; shift
  "$@" 2>/dev/null | grep -v '"generated_at"' | sed "s|$src/||g" > "$work/$name"
  diff -u "$here/golden/$name" "$work/$name" > "$work/$name.diff" || { fail "golden $name differs:"; head -40 "$work/$name.diff"; }
}
golden mixed.json screen "$apps/mixed.json" --format json
golden mixed.zh.txt screen "$apps/mixed.json"
golden mixed.en.txt screen "$apps/mixed.json" --lang en

# Several formats into a folder: the decision report in HTML (one banner per application),
# CSV, XLSX, JSON and text.
run 1 "screen, every format" screen "$apps/mixed.json" --format html,csv,xlsx,json,text --out "$work/all"
for f in screen.html screen.csv screen.xlsx screen.json screen.txt; do [[ -s $work/all/$f ]] || fail "no $f"; done
[[ $(grep -o 'class="banner [a-z]*"' "$work/all/screen.html" | sort | uniq -c | awk '{print $1, $3}' | tr '\n' ' ') \
   == '1 approve" 2 conditional" 2 reject" ' ]] || fail "HTML decision banners: $(grep -o 'class="banner [a-z]*"' "$work/all/screen.html" | sort | uniq -c)"
cmp -s "$work/all/screen.txt" <(screen "$apps/mixed.json") || fail "text in a folder differs from text on stdout"

# An XML document whose application is compliant: approve, exit 0.
run 0 "screen approve.xml" screen "$apps/approve.xml"
grep -qx 'A-CHIP 电子元件项目: 可予批准 (approve)' <<<"$out" || fail "A-CHIP decision: $out"

# An advice-level rule flags for review: conditional with a condition, never a rejection.
run 1 "screen review.json" screen "$apps/review.json"
grep -qx 'A-COAL <b>煤电</b> =HYPERLINK("x"): 有条件 / 待补充 (conditional)' <<<"$out" || fail "A-COAL decision: $out"
grep -qx '  审查条件 (需复核):' <<<"$out" || fail "A-COAL conditions heading"

# Documents that do not validate: exit 2, the error located, nothing evaluated or stored.
run 2 "screen bad.json" screen "$apps/bad.json"
grep -qF "bad.json: error[I006]: /application/0/industry: application.industry: 'steelworks' is not a value of industry" "$work/stderr" \
  || fail "validation error: $(cat "$work/stderr")"
[[ -z $out ]] || fail "a rejected document still printed decisions"
[[ $(count application) == 0 ]] || fail "bad document stored"
run 2 "missing file" screen "$work/nothing.json"
run 2 "no store" "$eco" screen --db "$work/none.db" --ruleset "$rs" "$apps/approve.xml"
run 2 "documents without applications" screen "$here/store/zone.csv"

# --record stores the application as a batch; screening it again changes nothing.
run 0 "screen --record" screen "$apps/approve.xml" --record
grep -qx 'recorded as batch 2' "$work/stderr" || fail "record message: $(cat "$work/stderr")"
[[ $(count application) == 1 && $(count application_zone) == 1 ]] || fail "--record did not store the application"
run 0 "screen --record again" screen "$apps/approve.xml" --record
grep -qx 'already in the store: nothing recorded' "$work/stderr" || fail "second record message: $(cat "$work/stderr")"
[[ $(count _batch) == 2 ]] || fail "a second identical --record added a batch"

[[ $fails -eq 0 ]] && echo "screen.cli: all checks passed"
exit $((fails > 0))
