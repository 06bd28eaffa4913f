#!/usr/bin/env bash
# End-to-end runs of `ecoaudit sweep` and `ecoaudit audit` on the Jinzhong demo data: verdict counts, JSON
# document, evidence provenance, --fail-on, --data-as-of over the store's history,
# determinism, and the errors that exit 2.
# The demo sweep's per-rule verdict counts as of 2026-11-28 are the golden
# tests/sweep/golden/demo_verdicts.tsv (rule, verdict, count); the summary's totals are checked
# against its sums. After a deliberate change of the ruleset or the demo data, rewrite it with
# tests/sweep/update_goldens.sh (which runs this script with --update) and review its diff.
# Usage: cli_test.sh ECOAUDIT SOURCE_DIR WORK_DIR [--update]
set -uo pipefail
eco=$1 src=$2 work=$3 update=${4:-}
rs=$src/rulesets/jinzhong demo=$rs/demo here=$src/tests/sweep
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli_checks.sh"
db=$work/store.db
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
counts() { python3 "$here/verdict_counts.py" "$@"; }
golden=$here/golden/demo_verdicts.tsv

run 0 init "$eco" init --db "$db" --ruleset "$rs"
run 0 "import demo" "$eco" import --db "$db" --ruleset "$rs" "$demo"

if [[ $update == --update ]]; then
  run 0 "sweep json for the golden" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json --out "$work/golden.json"
  [[ $fails -eq 0 ]] && counts json "$work/golden.json" >"$work/golden.tsv" && mv "$work/golden.tsv" "$golden" \
    || { echo "$golden not updated"; exit 1; }
  echo "updated $golden"
  exit 0
fi
# The golden's sums: the summary's `verdicts:` line and the number of findings.
if totals=$(counts totals "$golden"); then
  want_verdicts=$(sed -n 1p <<<"$totals") want_total=$(sed -n 2p <<<"$totals")
else
  fail "cannot read $golden"; want_verdicts='(unreadable golden)' want_total='(unreadable golden)'
fi
# Differences from the golden name the rules whose counts moved, golden -> this sweep.
check_counts() {  # WHAT TSV
  counts compare "$golden" "$2" >"$work/moved" \
    || fail "$1: per-rule verdict counts differ from tests/sweep/golden/demo_verdicts.tsv (golden -> now);" \
            "if the change is right, run tests/sweep/update_goldens.sh and review the diff:"$'\n'"$(cat "$work/moved")"
}

# Text summary: the demo's verdicts as of the date its README assumes.
run 0 "sweep text" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28
[[ ! -s $work/stderr ]] || fail "stderr not empty when it is not a terminal: $(cat "$work/stderr")"
printf '%s\n' "$out" >"$work/sweep.txt"
counts text "$work/sweep.txt" >"$work/sweep.txt.tsv" || fail "text summary: per-rule lines unreadable"
check_counts "text summary" "$work/sweep.txt.tsv"
grep -qxF "$want_verdicts" <<<"$out" || fail "text verdict counts: $(grep '^verdicts' <<<"$out"), the golden's sums: $want_verdicts"
grep -qxF "sweep 1 (compared with nothing: first sweep): new=$want_total persisting=0 repeat=0 resolved=0" <<<"$out" \
  || fail "first sweep line: $(grep '^sweep 1' <<<"$out"), the golden's total: new=$want_total"
grep -q '^high     late           air.coking-ule-deadline facility:F0000002 (enterprise 91140781MA0011XR6C)' <<<"$out" \
  || fail "late coke oven line missing"

grep -qxF '    不满足: e.rail_spur = none, 要求 in rail_spur_building_statuses = built, under_construction' <<<"$out" || fail "failed comparison line (zh)"
grep -qxF '    不满足: f.chamber_height_m = 4.3, 要求 > small_coke_oven_max_height_m = 4.3' <<<"$out" || fail "threshold line (zh)"
run 0 "sweep text en" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --lang en --rule trn.rail-spur
grep -qxF '    fails: e.rail_spur = none, required in rail_spur_building_statuses = built, under_construction' <<<"$out" || fail "failed comparison line (en)"

# JSON: the document, one late finding with its deadline, met_on, evidence and provenance.
run 0 "sweep json" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json --out "$work/a.json"
counts json "$work/a.json" >"$work/a.json.tsv" || fail "json document: findings unreadable"
check_counts "json document" "$work/a.json.tsv"
[[ $(field "$work/a.json" 'd["version"], len(d["findings"]), d["run"]["as_of"], d["run"]["batches"]') == "(1, $want_total, '2026-11-28', [1])" ]] \
  || fail "json header: $(field "$work/a.json" 'd["version"], len(d["findings"]), d["run"]["as_of"], d["run"]["batches"]'), the golden's total: $want_total"
late='[f for f in d["findings"] if f["subject"]["key"]=="F0000002"][0]'
[[ $(field "$work/a.json" "($late)['verdict'], ($late)['deadline'], ($late)['met_on'], ($late)['days_overdue']") == "('late', '2022-10-31', '2022-11-01', 1)" ]] \
  || fail "late finding: $(field "$work/a.json" "$late")"
ev="[e for e in ($late)['evidence'] if e['field']=='ule_completed_on'][0]"
[[ $(field "$work/a.json" "($ev)['value'], ($ev)['source']['batch'], ($ev)['source']['file'].endswith('demo/facility.csv'), ($ev)['source']['line']") == "('2022-11-01', 1, True, 3)" ]] \
  || fail "evidence provenance: $(field "$work/a.json" "$ev")"

# The document has exactly the members reports/json/findings.schema.json requires, in order.
python3 - "$work/a.json" "$src/reports/json/findings.schema.json" <<'PY' || fail "JSON members differ from findings.schema.json"
import json, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert list(d) == s["required"], list(d)
assert list(d["run"]) == s["properties"]["run"]["required"], list(d["run"])
want = s["$defs"]["finding"]["required"]
for f in d["findings"]:
    assert list(f) == want, (list(f), want)
    assert f["verdict"] in s["$defs"]["verdict"]["enum"]
PY

# The requirement's comparison, explained with both values.
viol='[f for f in d["findings"] if f["subject"]["key"]=="F0000003"][0]'
[[ $(field "$work/a.json" "[(c['left']['expr'], c['left']['value'], c['op'], c['right']['expr'], c['right']['value'], c['holds']) for c in ($viol)['conditions']]") \
   == "[('f.ule_status', 'in_progress', 'in', 'ule_done_statuses', 'completed, evaluated', False)]" ]] \
  || fail "conditions: $(field "$work/a.json" "($viol)['conditions']")"

# Deterministic apart from the run's timestamp.
run 0 "sweep json again" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json --out "$work/b.json"
diff <(grep -v generated_at "$work/a.json") <(grep -v generated_at "$work/b.json") >/dev/null || fail "two sweeps differ"

# --fail-on: hw.receiver-licence has critical violations; dst.storage-yard-dust-control's are only
# medium; trn.rail-spur gives advice (原则上), which never fails a sweep.
run 1 "--fail-on critical" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --fail-on critical
run 1 "--fail-on medium, one rule" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --rule dst.storage-yard-dust-control --fail-on medium
run 0 "--fail-on high, one rule" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --rule dst.storage-yard-dust-control --fail-on high
run 0 "--fail-on advice rule" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --rule trn.rail-spur --fail-on advice

# History: batch 2 completes coke oven F0000003; the sweep no longer reports it, while
# --data-as-of 1 evaluates the store as it stood before, with batch-1 evidence.
mkdir -p "$work/batch2"
{ head -1 "$demo/facility.csv"; grep '^F0000003,' "$demo/facility.csv" | sed 's/,in_progress,,/,completed,2022-10-01,/'; } >"$work/batch2/facility.csv"
run 0 "import batch 2" "$eco" import --db "$db" --ruleset "$rs" "$work/batch2/facility.csv"
run 0 "sweep after batch 2" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format json --out "$work/c.json"
oven='f["subject"]["key"]=="F0000003" and f["rule"]=="air.coking-ule-deadline"'
[[ $(field "$work/c.json" "[f['verdict'] for f in d['findings'] if $oven], d['run']['batches']") == "([], [1, 2])" ]] \
  || fail "after batch 2: $(field "$work/c.json" "[f['verdict'] for f in d['findings'] if $oven]")"
# Sweep history: sweep 2 is compared with sweep 1 (the text sweep above; --no-record runs and
# one-rule runs are not history): F0000003 is resolved, the late oven persists since sweep 1.
[[ $(field "$work/c.json" 'd["run"]["sweep_id"], d["run"]["previous_sweep_id"], [(r["rule"], r["verdict"], r["first_seen"]) for r in d["resolved"] if r["subject"]["key"]=="F0000003"]') \
   == "(2, 1, [('air.coking-ule-deadline', 'violation', '2026-11-28')])" ]] || fail "sweep 2 history: $(field "$work/c.json" 'd["run"], d["resolved"]')"
[[ $(field "$work/c.json" '{(f["change"], f["first_seen"]) for f in d["findings"] if f["subject"]["key"]!="F0000003"}') == "{('persisting', '2026-11-28')}" ]] \
  || fail "sweep 2 changes: $(field "$work/c.json" '{(f["change"], f["first_seen"]) for f in d["findings"]}')"
# Batch 3 puts the unfinished oven back: sweep 3 calls it a repeat.
run 0 "import batch 3" "$eco" import --db "$db" --ruleset "$rs" "$demo/facility.csv"
run 0 "sweep 3" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format json --out "$work/f.json"
[[ $(field "$work/f.json" "d['run']['sweep_id'], [f['change'] for f in d['findings'] if $oven]") \
   == "(3, ['repeat'])" ]] || fail "sweep 3 repeat: $(field "$work/f.json" "[f for f in d['findings'] if $oven]")"

run 0 "sweep --data-as-of 1" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --data-as-of 1 --format json --out "$work/d.json"
diff <(grep -v -e generated_at -e data_as_of_batch "$work/a.json") <(grep -v -e generated_at -e data_as_of_batch "$work/d.json") >/dev/null \
  || fail "--data-as-of 1 differs from the sweep before batch 2"

# audit: the enterprise and everything that belongs to it (facilities, vehicles).
run 0 "audit" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --data-as-of 1 --enterprise 91140781MA0011XR6C --format json --out "$work/e.json"
[[ $(field "$work/e.json" 'len(d["findings"]), sorted({f["subject"]["record"] for f in d["findings"]}), {f["enterprise_id"] for f in d["findings"]}, d["run"]["command"]') \
   == "(12, ['enterprise', 'facility', 'vehicle'], {'91140781MA0011XR6C'}, 'audit')" ]] \
  || fail "audit: $(field "$work/e.json" 'len(d["findings"]), sorted({f["subject"]["record"] for f in d["findings"]})')"
run 2 "audit of an unknown enterprise" "$eco" audit --db "$db" --ruleset "$rs" --enterprise 91140781MA00NOPE00
grep -q "no enterprise with id '91140781MA00NOPE00'" "$work/stderr" || fail "unknown enterprise message"

# --explain: one finding with its comparison, evidence sources and parameters.
run 0 "--explain" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --data-as-of 1 --explain trn.rail-spur:91140781MA0011XR6C
for want in 'advice trn.rail-spur enterprise:91140781MA0011XR6C (advice)' \
            '  condition: e.rail_spur = none in rail_spur_building_statuses = built, under_construction: fails' \
            "  evidence: enterprise 91140781MA0011XR6C annual_freight_t = 1500000  [$demo/enterprise.csv:5, batch 1]"; do
  grep -qxF "$want" <<<"$out" || fail "--explain lacks: $want"
done
grep -q '^  parameter: rail_spur_freight_threshold_t = 1500000 (.*; confidence high)$' <<<"$out" || fail "--explain parameter line"
# ... and its evaluation trace: each clause, then its sub-expressions with their values.
for want in '  trace:' '    require: e.rail_spur in rail_spur_building_statuses = false' '      e.rail_spur = none'; do
  grep -qxF "$want" <<<"$out" || fail "--explain trace lacks: $want"
done
for want in 'e.annual_freight_t = 1500000' 'rail_spur_freight_threshold_t = 1500000'; do
  grep -qxE " +$want" <<<"$out" || fail "--explain trace lacks: $want"
done
# A conditional shows the branch it took, not the other one: one freight comparison, not two.
[[ $(grep -cE '^ +e.annual_freight_t >= rail_spur_freight_threshold_t = true$' <<<"$out") == 1 ]] \
  || fail "--explain traced the branch not taken"
run 2 "--explain of no finding" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --explain trn.rail-spur:nobody
grep -q "no finding of rule 'trn.rail-spur' on 'nobody'" "$work/stderr" || fail "--explain error message"

# Streamed reports: json, text and csv take the findings piece by piece as they are evaluated;
# asked together with html, they are written from the whole set instead. Same bytes either way
# (json apart from its timestamp), for a sweep and for an audit; no partial file is left.
run 0 "streamed json,text,csv" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json,text,csv --out "$work/streamed"
run 0 "whole-set json,text,csv,html" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json,text,csv,html --out "$work/whole"
run 0 "streamed audit" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise 91140781MA0011XR6C --format json,text,csv --out "$work/streamed"
run 0 "whole-set audit" "$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise 91140781MA0011XR6C --format json,text,csv,html --out "$work/whole"
for f in sweep.json sweep.txt sweep.csv audit-91140781MA0011XR6C.json audit-91140781MA0011XR6C.txt audit-91140781MA0011XR6C.csv; do
  [[ -s $work/streamed/$f ]] || fail "streamed $f missing or empty"
  cmp -s <(grep -v '"generated_at"' "$work/streamed/$f") <(grep -v '"generated_at"' "$work/whole/$f") \
    || fail "streamed $f differs from the whole-set one"
done
[[ $(grep -c $'\r$' "$work/streamed/sweep.csv") -gt 300 ]] || fail "streamed csv rows"
[[ -z $(find "$work" -name '*.partial') ]] || fail "partial files left: $(find "$work" -name '*.partial')"
# --stats counts every finding it handed over: with --verdicts all, one per (rule, subject).
run 0 "--stats --verdicts all" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --rule trn.rail-spur --verdicts all --format json --out "$work/all.json" --stats
stats=$(grep '^stats: ' <<<"$out")
if [[ $stats =~ ^stats:\ subjects=([0-9]+)\ rows=[0-9]+\ rules=1\ findings=([0-9]+)\ planned=([0-9]+)\ load_s=[0-9.]+\ eval_s=[0-9.]+\ record_s=[0-9.]+\ write_s=[0-9.]+\ peak_rss_mb=[0-9]+$ ]]; then
  subjects=${BASH_REMATCH[1]} counted=${BASH_REMATCH[2]} planned=${BASH_REMATCH[3]}
  [[ $subjects -gt 300 && $counted == "$subjects" ]] || fail "--stats with --verdicts all: $stats"
  # trn.rail-spur reads only columns the plans compute: they decide most of its subjects.
  [[ $planned -gt $((subjects / 2)) && $planned -le $subjects ]] || fail "--stats planned: $stats"
  [[ $(field "$work/all.json" 'len(d["findings"]), "pass" in {f["verdict"] for f in d["findings"]}') == "($counted, True)" ]] \
    || fail "--verdicts all document: $(field "$work/all.json" 'len(d["findings"])') findings, stats say $counted"
else
  fail "--stats line: $stats"
fi
# A sweep whose report cannot be written is not history: the store has no more sweeps after it.
if [[ -w /dev/full ]]; then
  sweeps() { python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from _sweep').fetchone()[0])" "$db"; }
  before=$(sweeps)
  run 2 "sweep to a full disk" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format json --out /dev/full
  grep -q 'cannot write /dev/full' "$work/stderr" || fail "full disk message: $(cat "$work/stderr")"
  [[ $(sweeps) == "$before" ]] || fail "a sweep whose report failed was recorded: $before -> $(sweeps)"
fi

# Errors: exit 2 with a message.
run 2 "missing store" "$eco" sweep --db "$work/none.db" --ruleset "$rs"
grep -q 'no store at' "$work/stderr" || fail "missing store message"
run 2 "unknown batch" "$eco" sweep --db "$db" --ruleset "$rs" --data-as-of 9
grep -q 'has no batch 9' "$work/stderr" || fail "unknown batch message"
run 2 "bad --as-of" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-02-30
run 2 "unknown rule" "$eco" sweep --db "$db" --ruleset "$rs" --rule no.such-rule
run 2 "ruleset with errors" "$eco" sweep --db "$db" --ruleset "$src/tests/diagnostics/types"
echo "$fails failures"
[[ $fails -eq 0 ]]
